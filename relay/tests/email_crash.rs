//! The email outbox against a crash: the real `natter` process is killed with
//! SIGKILL while it works through a queue of emails, through an SMTP server of
//! this test's own (`scripts/smtp.sh`, answering each message after 150 ms so
//! the kill lands mid-queue). After a restart on the same data directory every
//! email arrives (nothing lost), and only the one in flight at the kill can
//! arrive twice — with the same Message-ID (the documented guarantee).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use natter_protocol::{ToVisitor, VisitorFrame, VisitorInfo};

const EMAILS: usize = 12;

/// A private SMTP server, stopped (by PID, through the script) when dropped.
struct Smtp {
    dir: tempfile::TempDir,
    addr: String,
}

impl Smtp {
    fn start(delay_ms: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(script())
            .args(["start", dir.path().to_str().unwrap(), &delay_ms.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "smtp.sh start: {}", String::from_utf8_lossy(&out.stderr));
        Self { addr: String::from_utf8(out.stdout).unwrap().trim().to_owned(), dir }
    }

    fn mail(&self) -> PathBuf {
        self.dir.path().join("mail")
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = std::process::Command::new(script()).args(["stop", self.dir.path().to_str().unwrap()]).status();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp.sh")
}

/// Message-IDs of the emails received so far, by recipient.
fn received(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let to = parsed.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned();
        out.push((to, parsed.message_id().unwrap_or_default().to_owned()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_email_outbox_survives_kill_9_without_loss_or_silent_duplicates() {
    let smtp = Smtp::start(150);
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let args = ["--new-visitors-per-ip-hour", "0"];
    let (mut relay, addr, _) = spawn_natter(dir.path(), &args).await;
    let base = format!("http://{addr}");
    let owner = login(&base).await;
    let (host, port) = smtp.addr.rsplit_once(':').unwrap();
    let settings = serde_json::json!({"enabled": true, "host": host, "port": port.parse::<u16>().unwrap(),
        "security": "none", "from": "Acme <help@acme.example>"});
    let res = reqwest::Client::new()
        .put(format!("{base}/v1/admin/email"))
        .bearer_auth(&owner)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Twelve visitors each ask for their transcript: twelve emails queued.
    for i in 0..EMAILS {
        let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, None).await;
        v.recv().await;
        v.send(&VisitorFrame::Start {
            info: VisitorInfo { email: Some(format!("v{i}@example.com")), ..Default::default() },
        })
        .await;
        v.send(&VisitorFrame::Send { client_id: cid("m1"), text: format!("message {i}"), attachments: vec![] }).await;
        v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
        v.send(&VisitorFrame::EmailTranscript { email: format!("v{i}@example.com"), lang: None }).await;
        v.until(|f| matches!(f, ToVisitor::TranscriptQueued { .. })).await;
    }
    let mail = smtp.mail();
    let within = Duration::from_secs(30);
    until_found("two emails", within, || (received(&mail).len() >= 2).then_some(())).await;
    relay.start_kill().unwrap(); // SIGKILL: no shutdown, no flush
    relay.wait().await.unwrap();
    let before = received(&smtp.mail()).len();
    assert!(before < EMAILS, "the kill landed mid-queue ({before} of {EMAILS} sent)");

    let (_relay, _, _) = spawn_natter(dir.path(), &args).await;
    until_found("every email after the restart", within, || {
        let got = received(&mail);
        (0..EMAILS).all(|i| got.iter().any(|(to, _)| *to == format!("v{i}@example.com"))).then_some(())
    })
    .await;
    let got = received(&smtp.mail());
    let mut by_id: HashMap<&str, Vec<&str>> = HashMap::new();
    for (to, id) in &got {
        by_id.entry(id.as_str()).or_default().push(to.as_str());
    }
    assert_eq!(by_id.len(), EMAILS, "one Message-ID per email: {by_id:?}");
    for recipients in by_id.values() {
        assert!(recipients.iter().all(|r| *r == recipients[0]), "a Message-ID names one email");
    }
    let doubled = by_id.values().filter(|r| r.len() > 1).count();
    assert!(doubled <= 1, "only the email in flight at the kill may arrive twice; {doubled} did");
    assert!(got.len() <= EMAILS + 1);
}

async fn login(base: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/agent/login"))
        .json(&serde_json::json!({"tenant": "acme", "email": "ann@x.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let login: natter_protocol::LoginResponse = res.json().await.unwrap();
    login.token
}
