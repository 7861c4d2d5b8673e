//! Operating the relay: the settings file, connection timeouts and the per-IP
//! cap (over raw TCP, as a slow or greedy client would behave), request ids,
//! and the log format of the real binary.

mod common;

use std::process::Stdio;
use std::time::Duration;

use clap::CommandFactory as _;
use common::TestRelay;
use futures_util::StreamExt as _;
use natter_relay::cli::Cli;
use natter_relay::settings::Settings;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

/// Upper bound on any wait here; the timeouts under test are far shorter.
const PATIENCE: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(400);

fn get(path: &str, close: bool) -> String {
    let connection = if close { "close" } else { "keep-alive" };
    format!("GET {path} HTTP/1.1\r\nHost: relay\r\nConnection: {connection}\r\n\r\n")
}

/// Reads one response with a `content-length` body; returns head and body.
async fn read_response(tcp: &mut TcpStream) -> (String, String) {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return (head.to_owned(), body.to_owned());
            }
        }
        let n = timeout(PATIENCE, tcp.read(&mut chunk)).await.expect("a response").unwrap();
        assert!(n > 0, "closed before a whole response: {text:?}");
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// Waits until the relay closes `tcp` (end of stream or reset); returns how
/// long that took. Panics after [`PATIENCE`].
async fn wait_for_close(tcp: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut sink = [0u8; 1024];
    loop {
        match timeout(PATIENCE, tcp.read(&mut sink)).await {
            Ok(Ok(0) | Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the relay kept the connection open for {PATIENCE:?}"),
        }
    }
}

#[test]
fn the_example_file_lists_every_setting_with_its_default_and_each_is_a_flag() {
    let text = include_str!("../../natter.example.toml");
    let example: Settings = toml::from_str(text).expect("natter.example.toml parses into the settings");
    let defaults = Settings::in_force(&Settings::default().resolve().unwrap());
    assert_eq!(example, defaults, "natter.example.toml lists every setting, each with the relay's default");

    let command = Cli::command();
    let table: toml::Table = toml::from_str(text).unwrap();
    for key in table.keys() {
        let arg = command.get_arguments().find(|a| a.get_id() == key.as_str());
        let arg = arg.unwrap_or_else(|| panic!("{key} of natter.example.toml has no flag"));
        assert!(arg.get_long().is_some() && arg.get_env().is_some(), "{key} has a --flag and a NATTER_ variable");
    }
}

#[test]
fn the_help_shows_each_default_from_the_one_place_it_is_set() {
    let help = Cli::command_with_defaults().render_long_help().to_string();
    for needle in ["[default: 20000]", "[default: 127.0.0.1:8080]", "NATTER_LOG_FORMAT", "NATTER_HEADER_TIMEOUT_SECS"] {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
}

#[tokio::test]
async fn a_request_head_trickled_in_is_closed_at_the_header_timeout() {
    let relay = TestRelay::start_with(|c| c.connections.header_timeout = SHORT).await;
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n").await.unwrap();
    // One more byte of a header every 50 ms, never the end of the head.
    let mut trickle = tokio::time::interval(Duration::from_millis(50));
    let started = Instant::now();
    let mut sink = [0u8; 256];
    let closed_after = loop {
        tokio::select! {
            _ = trickle.tick() => {
                if tcp.write_all(b"x").await.is_err() {
                    break started.elapsed();
                }
            }
            read = tcp.read(&mut sink) => match read {
                Ok(0) | Err(_) => break started.elapsed(),
                Ok(_) => continue,
            },
            () = tokio::time::sleep_until(started + PATIENCE) => panic!("a trickled head kept the connection open"),
        }
    };
    assert!(closed_after >= SHORT - Duration::from_millis(50), "closed at the timeout, not before: {closed_after:?}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_at_the_keepalive_timeout() {
    let relay = TestRelay::start_with(|c| c.connections.keepalive_timeout = SHORT).await;
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    tcp.write_all(get("/healthz", false).as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "ok\n");
    let idle_for = wait_for_close(&mut tcp).await;
    assert!(idle_for >= SHORT - Duration::from_millis(50), "kept for the keep-alive timeout: {idle_for:?}");
}

#[tokio::test]
async fn a_websocket_that_sends_nothing_after_its_upgrade_is_closed() {
    let relay = TestRelay::start_with(|c| c.connections.upgrade_timeout = SHORT).await;
    let mut request = format!("ws://{}/v1/ws/agent", relay.addr).into_client_request().unwrap();
    request.headers_mut().insert("Origin", relay.own_origin().parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.status(), 101);
    // The relay's own hello deadline is 15 s; the upgrade timeout ends it first.
    let ended = timeout(PATIENCE, async { while let Some(Ok(_)) = ws.next().await {} }).await;
    assert!(ended.is_ok(), "a silent WebSocket was kept open for {PATIENCE:?}");
}

#[tokio::test]
async fn the_per_ip_cap_refuses_the_next_connection_and_a_closed_one_frees_its_place() {
    let relay = TestRelay::start_with(|c| {
        c.connections.max_per_ip = 2;
        c.connections.per_ip_exempt.clear();
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
        tcp.write_all(get("/healthz", false).as_bytes()).await.unwrap();
        assert!(read_response(&mut tcp).await.0.starts_with("HTTP/1.1 200"));
        held.push(tcp);
    }

    let mut third = TcpStream::connect(relay.addr).await.unwrap();
    third.write_all(get("/healthz", false).as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut third).await;
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.to_ascii_lowercase().contains("retry-after: 5"), "{head}");
    assert!(body.contains("\"too_many_connections\""), "{body}");
    wait_for_close(&mut third).await;

    // The relay closes the first (Connection: close); once its close arrives,
    // its place is free.
    let mut first = held.remove(0);
    first.write_all(get("/healthz", true).as_bytes()).await.unwrap();
    assert!(read_response(&mut first).await.0.starts_with("HTTP/1.1 200"));
    wait_for_close(&mut first).await;
    let mut again = TcpStream::connect(relay.addr).await.unwrap();
    again.write_all(get("/healthz", false).as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut again).await;
    assert!(head.starts_with("HTTP/1.1 200"), "a freed place is taken again: {head}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let relay = TestRelay::start().await;
    let client = reqwest::Client::new();
    let id_of = |res: &reqwest::Response| res.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());

    let fresh = id_of(&client.get(relay.http("/healthz")).send().await.unwrap()).expect("an id is made");
    assert_eq!(fresh.len(), 36, "a UUID: {fresh}");
    let given = client.get(relay.http("/healthz")).header("x-request-id", "proxy-42.a").send().await.unwrap();
    assert_eq!(id_of(&given).as_deref(), Some("proxy-42.a"), "a proxy's id is kept");
    let odd = client.get(relay.http("/v1/nope")).header("x-request-id", "x".repeat(200)).send().await.unwrap();
    assert_eq!(odd.status(), 404);
    assert_eq!(id_of(&odd).map(|id| id.len()), Some(36), "an overlong id is replaced");
}

/// Starts the real binary with `args` and returns its first line on stderr.
async fn first_log_line(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["--no-demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(args)
        .env("NATTER_PASSWORD_ITERATIONS", "1000")
        .env_remove("NATTER_LOG")
        .env_remove("NATTER_LOG_FORMAT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    timeout(Duration::from_secs(30), stderr.read_line(&mut line)).await.expect("a log line").unwrap();
    child.kill().await.unwrap();
    line
}

#[tokio::test]
async fn logs_are_json_objects_with_the_json_format_and_plain_text_off_a_terminal() {
    let line = first_log_line(&["--log-format", "json"]).await;
    let object: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(object["level"], "INFO", "{line}");
    assert!(object["message"].is_string() && object["timestamp"].is_string(), "{line}");

    let line = first_log_line(&["--log-format", "text"]).await;
    assert!(line.contains("INFO") && !line.contains('\x1b'), "no colour codes when stderr is a pipe: {line:?}");
}
