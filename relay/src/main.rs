//! The `natter` binary: parses the command line and runs the relay or a
//! management command. All logic lives in the `natter_relay` library.

use anyhow::Context as _;
use natter_relay::cli::{Cli, Command};
use natter_relay::settings::{InForce, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse_with_defaults();
    let settings = cli.in_force()?;
    natter_relay::logging::init(&settings.log)?;
    match cli.command {
        None | Some(Command::Serve) => serve(settings).await,
        Some(command) => match natter_relay::cli::manage(&settings.config, command, &mut std::io::stdout()).await {
            // An MTA reads the exit status: 75 retries later, 65 bounces.
            Err(natter_relay::cli::CliError::MailIn(failure)) => {
                eprintln!("natter mail-in: {failure}");
                std::process::exit(if failure.temporary { 75 } else { 65 });
            }
            other => Ok(other?),
        },
    }
}

/// Prints a line for the operator. A closed stdout (a supervisor that stopped
/// reading) must not take the relay down, so write errors are ignored.
fn say(line: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn serve(settings: InForce) -> anyhow::Result<()> {
    if let Ok(in_force) = serde_json::to_string(&Settings::in_force(&settings)) {
        tracing::info!(settings = %in_force, "settings in force");
    }
    natter_relay::net::fd_limit::raise_and_log(settings.config.limits.max_connections);
    let config = settings.config;
    // Bound first: the demo tenant allows the relay's own origins, port included.
    let listener =
        tokio::net::TcpListener::bind(settings.listen).await.with_context(|| format!("binding {}", settings.listen))?;
    let addr = listener.local_addr()?;
    // Opened (and let go) before "listening" is printed: a broken data
    // directory or registry fails here, not after the relay said it was up.
    let storage = natter_relay::Storage::open(&config).await?;
    if settings.create_demo {
        let created = natter_relay::bootstrap::ensure_demo(
            &storage.tenants,
            natter_relay::own_origins(&config, addr),
            std::env::var("NATTER_DEMO_EMAIL").ok(),
            std::env::var("NATTER_DEMO_PASSWORD").ok(),
            config.password_iterations,
        )
        .await
        .context("creating the demo tenant")?;
        if let Some(demo) = created {
            say(&format!("created tenant 'demo' with agent {} / password {}", demo.email, demo.password));
            say(&format!("(shown once; change it with: natter agent passwd --tenant demo --email {})", demo.email));
            say(&format!("tenant 'demo' allows pages on: {}", demo.origins.join(" ")));
            say(
                "(add your shop's origin in the console: Settings > Install, or: natter tenant origins demo --add ORIGIN)",
            );
        }
    }
    storage.tenants.shutdown().await;
    drop(storage); // run() opens (and locks) the data directory itself
    if let Some(metrics) = config.metrics_listen {
        // Lives as long as the process: nothing to drain on shutdown.
        let local = natter_relay::metrics::serve(metrics, tokio_util::sync::CancellationToken::new())
            .await
            .context("opening the metrics listener")?;
        say(&format!("natter metrics on http://{local}/metrics"));
    }
    say(&format!("natter listening on http://{addr}"));
    say(&format!("  storefront http://{addr}/   console http://{addr}/console"));
    natter_relay::run(listener, config, shutdown_signal()).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
