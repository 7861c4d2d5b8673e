//! The `natter` command line: tenant and agent management, configuration
//! precedence, and clear refusals.

use std::process::{Command, Output};

fn natter(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_natter"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("NATTER_PASSWORD_ITERATIONS", "1000")
        .env("AGENT_PW", "a long enough password")
        .env_remove("NATTER_LISTEN")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output) -> String {
    assert!(!out.status.success(), "expected failure, got: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn tenants_and_agents_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let added = ok(&natter(d, &["tenant", "add", "acme", "--name", "Acme Shop", "--origin", "https://acme.example"]));
    assert!(added.contains("added tenant acme"));
    assert!(added.contains("identity secret"));
    assert!(fails(&natter(d, &["tenant", "add", "acme", "--name", "Again"])).contains("already exists"));
    assert!(fails(&natter(d, &["tenant", "add", "Bad_Id", "--name", "x"])).contains("invalid tenant id"));
    assert!(fails(&natter(d, &["tenant", "add", "web", "--name", "x", "--origin", "acme.example"])).contains("origin"));
    assert_eq!(ok(&natter(d, &["tenant", "list"])), "acme\tAcme Shop\thttps://acme.example\n");
    // The same secret can be printed again later, for the shop's server.
    let secret = ok(&natter(d, &["tenant", "secret", "acme"]));
    assert!(added.contains(secret.trim()) && secret.trim().len() >= 32, "{secret}");
    assert!(fails(&natter(d, &["tenant", "secret", "nope"])).contains("no tenant nope"));

    let out = ok(&natter(
        d,
        &[
            "agent",
            "add",
            "--tenant",
            "acme",
            "--email",
            "ann@acme.example",
            "--name",
            "Ann",
            "--role",
            "owner",
            "--password-env",
            "AGENT_PW",
        ],
    ));
    assert!(out.contains("added agent 1 <ann@acme.example> (owner)"), "{out}");
    assert!(!out.contains("password:"), "a given password is never echoed");
    let out = ok(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "bob@acme.example", "--name", "Bob"]));
    assert!(out.contains("password: "), "a generated password is shown once: {out}");
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "ANN@acme.example", "--name", "Dup"]))
            .contains("already exists")
    );
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "nope", "--email", "x@y.z", "--name", "X"]))
            .contains("no tenant nope")
    );
    assert!(
        fails(&natter(d, &["agent", "add", "--tenant", "acme", "--email", "c@y.z", "--name", "C", "--role", "god"]))
            .contains("unknown role")
    );

    for bad_email in ["", "not-an-email", "c @y.z"] {
        let out = fails(&natter(d, &["agent", "add", "--tenant", "acme", "--email", bad_email, "--name", "C"]));
        assert!(out.contains("is not an email address"), "{bad_email:?}: {out}");
    }
    let blank = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["--data-dir"])
        .arg(d)
        .args(["agent", "add", "--tenant", "acme", "--email", "c@y.z", "--name", "C", "--password-env", "BLANK"])
        .env("BLANK", "          ")
        .output()
        .unwrap();
    assert!(fails(&blank).contains("besides leading and trailing spaces"));

    let list = ok(&natter(d, &["agent", "list", "--tenant", "acme"]));
    assert_eq!(list.lines().count(), 2);
    assert!(list.contains("bob@acme.example\tBob\tagent"));

    assert!(
        ok(&natter(
            d,
            &["agent", "passwd", "--tenant", "acme", "--email", "bob@acme.example", "--password-env", "AGENT_PW"]
        ))
        .contains("password changed")
    );
    assert!(
        fails(&natter(d, &["agent", "remove", "--tenant", "acme", "--email", "ann@acme.example"]))
            .contains("last owner")
    );
    assert!(
        ok(&natter(d, &["agent", "remove", "--tenant", "acme", "--email", "bob@acme.example"]))
            .contains("removed agent")
    );
    assert!(ok(&natter(d, &["tenant", "remove", "acme"])).contains("removed tenant acme"));
    assert_eq!(ok(&natter(d, &["tenant", "list"])), "");
    let kept: Vec<_> = std::fs::read_dir(d.join("tenants")).unwrap().filter_map(|e| e.ok()).collect();
    assert!(kept.iter().any(|e| e.file_name().to_string_lossy().starts_with("acme.db.removed-")), "data kept");
}

#[test]
fn config_file_is_checked_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("natter.toml");
    std::fs::write(&file, "data_dir = \"/nonexistent/should/be/overridden\"\nlisten = \"127.0.0.1:1\"\n").unwrap();
    // --data-dir (a flag) wins over the file's data_dir.
    let out = natter(dir.path(), &["--config", file.to_str().unwrap(), "tenant", "list"]);
    ok(&out);
    std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let err = fails(&natter(dir.path(), &["--config", file.to_str().unwrap(), "tenant", "list"]));
    assert!(err.contains("unknown field") && err.contains("lisen"), "{err}");
}

#[test]
fn a_database_newer_than_the_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    ok(&natter(dir.path(), &["tenant", "list"]));
    let conn = rusqlite::Connection::open(dir.path().join("registry.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = fails(&natter(dir.path(), &["tenant", "list"]));
    assert!(err.contains("newer than this natter supports"), "{err}");
}

#[test]
fn help_lists_commands_and_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_natter")).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["serve", "tenant", "agent", "--listen", "NATTER_LISTEN", "--data-dir", "NATTER_DATA_DIR", "--config"]
    {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
}

#[test]
fn allowed_origins_are_changed_in_place_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Pasted from the address bar: trailing slash, upper case, default port.
    ok(&natter(d, &["tenant", "add", "acme", "--name", "Acme", "--origin", "HTTPS://Acme.example:443/"]));
    assert_eq!(ok(&natter(d, &["tenant", "origins", "acme"])), "https://acme.example\n");
    let secret = ok(&natter(d, &["tenant", "secret", "acme"]));

    // Adding again to an existing tenant points at the command that does it.
    let err = fails(&natter(d, &["tenant", "add", "acme", "--name", "Acme", "--origin", "http://localhost:8311"]));
    assert!(err.contains("already exists") && err.contains("natter tenant origins acme --add"), "{err}");

    let out = ok(&natter(
        d,
        &["tenant", "origins", "acme", "--add", "http://localhost:8311/", "--add", "https://acme.example"],
    ));
    assert_eq!(out, "https://acme.example\nhttp://localhost:8311\n", "added once, normalised");
    let out = ok(&natter(d, &["tenant", "origins", "acme", "--remove", "HTTPS://acme.example/"]));
    assert_eq!(out, "http://localhost:8311\n");
    let err = fails(&natter(d, &["tenant", "origins", "acme", "--remove", "https://never.example"]));
    assert!(err.contains("not among the allowed origins"), "{err}");
    let err = fails(&natter(d, &["tenant", "origins", "acme", "--add", "https://acme.example/cart"]));
    assert!(err.contains("https://acme.example/cart") && err.contains("path"), "{err}");
    let out = ok(&natter(d, &["tenant", "origins", "acme", "--set", "https://a.example", "https://b.example"]));
    assert_eq!(out, "https://a.example\nhttps://b.example\n");
    assert!(ok(&natter(d, &["tenant", "origins", "acme", "--set"])).contains("(none"), "--set alone clears");
    assert!(fails(&natter(d, &["tenant", "origins", "nope"])).contains("no tenant nope"));
    // The tenant itself is untouched: same secret, same agents.
    assert_eq!(ok(&natter(d, &["tenant", "secret", "acme"])), secret);
}

#[test]
fn the_demo_tenant_allows_exactly_the_relays_own_origins_and_says_so() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("NATTER_PASSWORD_ITERATIONS", "1000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("natter listening on") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let port = printed.split("http://127.0.0.1:").nth(1).and_then(|s| s.split(['/', ' ', '\n']).next()).unwrap();
    let own = format!("http://127.0.0.1:{port} http://localhost:{port}");
    assert!(printed.contains(&format!("tenant 'demo' allows pages on: {own}")), "{printed}");
    assert!(printed.contains("natter tenant origins demo --add"), "{printed}");
    let list = ok(&natter(dir.path(), &["tenant", "origins", "demo"]));
    assert_eq!(list, format!("http://127.0.0.1:{port}\nhttp://localhost:{port}\n"), "no wildcard ports");
}

#[test]
fn a_broken_registry_stops_the_relay_before_it_says_it_listens() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("registry.db"), vec![0x5a; 8192]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["serve", "--no-demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("NATTER_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("natter listening"), "{stdout}");
    let stderr = fails(&out);
    assert!(stderr.contains("registry.db") && stderr.contains("not a database"), "{stderr}");
}
