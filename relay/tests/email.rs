//! Email against a real SMTP server (`scripts/smtp.sh`, aiosmtpd writing every
//! message it accepts to `NATTER_TEST_MAILDIR` as a `.eml` file; its address
//! in `NATTER_TEST_SMTP`). The MIME that arrives is parsed with mail-parser.
//! Tests run in parallel against the one server, so each uses recipients of
//! its own and looks only at their messages. "Nothing sent yet" is proven by
//! a marker email queued after it, which the outbox sends in order.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use natter_protocol::{AgentFrame, ConversationId, Seq, ToAgent, ToVisitor, VisitorFrame, VisitorInfo};
use natter_relay::time::Clock;

/// One received email: its envelope recipient and raw bytes.
struct Received {
    raw: Vec<u8>,
}

impl Received {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a parseable message")
    }
    fn text(&self) -> String {
        self.parsed().body_text(0).unwrap().into_owned()
    }
    fn html(&self) -> String {
        self.parsed().body_html(0).unwrap().into_owned()
    }
    fn header(&self, name: &str) -> String {
        self.parsed().header_raw(name).map(|h| h.trim().to_owned()).unwrap_or_default()
    }
}

/// An address no other test, nor an earlier run against the same server, uses.
fn unique(name: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    format!("{name}-{}-{t}-{n}@example.com", std::process::id())
}

/// The test SMTP server's address and folder.
fn smtp_server() -> (String, PathBuf) {
    let addr = std::env::var("NATTER_TEST_SMTP")
        .expect("NATTER_TEST_SMTP: start a test SMTP server with scripts/smtp.sh start DIR (scripts/test.sh does)");
    let dir = std::env::var("NATTER_TEST_MAILDIR").expect("NATTER_TEST_MAILDIR: the DIR/mail of scripts/smtp.sh");
    (addr, PathBuf::from(dir))
}

/// Every email in `dir` to `to`, oldest first.
fn emails_to(dir: &Path, to: &str) -> Vec<Received> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|p| {
            let raw = std::fs::read(&p).ok()?;
            let head = String::from_utf8_lossy(&raw[..raw.len().min(400)]).into_owned();
            let rcpt = head.lines().find_map(|l| l.strip_prefix("X-Envelope-To: "))?.trim().to_owned();
            (rcpt == to).then_some(Received { raw })
        })
        .collect()
}

/// Waits (bounded, 10 s) until `n` emails to `to` have arrived; returns them.
async fn wait_for(dir: &Path, to: &str, n: usize) -> Vec<Received> {
    let what = format!("{n} email(s) to {to}");
    until_found(&what, Duration::from_secs(10), || Some(emails_to(dir, to)).filter(|got| got.len() >= n)).await
}

/// Waits (bounded, 10 s) for the first email to `to` that `wanted` accepts.
async fn wait_for_one(dir: &Path, to: &str, what: &str, wanted: impl Fn(&Received) -> bool) -> Received {
    until_found(what, Duration::from_secs(10), || emails_to(dir, to).into_iter().find(|r| wanted(r))).await
}

/// Turns email on for `tenant` as its owner, through the given SMTP server.
async fn enable_email(base: &str, token: &str, smtp: &str, extra: serde_json::Value) {
    let (host, port) = smtp.rsplit_once(':').unwrap();
    let mut body = serde_json::json!({
        "enabled": true, "host": host, "port": port.parse::<u16>().unwrap(), "security": "none",
        "from": "Acme Shop <help@acme.example>", "inbound_domain": "in.acme.example",
        "offline_reply_after_mins": 5,
    });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let res = reqwest::Client::new()
        .put(format!("{base}/v1/admin/email"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

/// A visitor who gives `email` before chatting and says `text`; returns the
/// socket and conversation.
async fn visitor_with_email(relay: &TestRelay, email: &str, text: &str) -> (VisitorClient, ConversationId) {
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    let info = VisitorInfo { name: Some("Vee".into()), email: Some(email.into()), ..VisitorInfo::default() };
    v.send(&VisitorFrame::Start { info }).await;
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: text.into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    (v, conversation_id)
}

async fn agent_says(ann: &mut AgentClient, c: ConversationId, id: &str, text: &str) {
    ann.send(&AgentFrame::Send {
        conversation_id: c,
        client_id: cid(id),
        text: text.into(),
        attachments: vec![],
        quick_replies: vec![],
    })
    .await;
    ann.until(|f| matches!(f, ToAgent::Ack { client_id, .. } if client_id.as_str() == id)).await;
}

/// Queues a marker email (a transcript of another visitor's conversation).
async fn marker(relay: &TestRelay, to: &str) {
    let (mut m, _) = visitor_with_email(relay, "marker-visitor@example.com", "marker").await;
    m.send(&VisitorFrame::EmailTranscript { email: to.into(), lang: None }).await;
    m.until(|f| matches!(f, ToVisitor::TranscriptQueued { .. })).await;
}

async fn manual_relay() -> (TestRelay, Clock) {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        c.housekeeping_every = Duration::from_millis(20);
        c.clock = clock.clone();
    })
    .await;
    (relay, clock)
}

#[tokio::test]
async fn a_reply_to_a_gone_visitor_is_emailed_once_after_the_delay_with_every_reply_batched() {
    let (smtp, dir) = smtp_server();
    let (relay, clock) = manual_relay().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let vee = &unique("vee-gone");
    let (v, c) = visitor_with_email(&relay, vee, "Do you have size M?").await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    ann.follow(c).await;
    agent_says(&mut ann, c, "a1", "Let me check.").await;
    v.close_and_wait().await;
    ann.round_trip().await;
    agent_says(&mut ann, c, "a2", "Yes, size M is in stock.").await;
    agent_says(&mut ann, c, "a3", "Shall I reserve one?").await;

    // Four minutes: nothing yet. The marker is queued after that moment, and the
    // outbox sends in order, so an email due by then would arrive first.
    clock.advance(Duration::from_secs(4 * 60));
    let first_marker = unique("marker-gone");
    marker(&relay, &first_marker).await;
    wait_for(&dir, &first_marker, 1).await;
    assert!(emails_to(&dir, vee).is_empty(), "no email before the delay");

    clock.advance(Duration::from_secs(60));
    let got = wait_for(&dir, vee, 1).await;
    let email = &got[0];
    assert_eq!(email.parsed().subject(), Some("New reply from Acme Shop"));
    let text = email.text();
    for reply in ["Let me check.", "Yes, size M is in stock.", "Shall I reserve one?", "Do you have size M?"] {
        assert!(text.contains(reply), "{reply} in {text}");
    }
    assert!(email.html().contains("Shall I reserve one?"));
    assert!(String::from_utf8_lossy(&email.raw).contains("multipart/alternative"));
    let acme_c = format!("<natter.acme.c{c}@acme.example>");
    assert_eq!(email.header("In-Reply-To"), acme_c);
    assert_eq!(email.header("References"), acme_c);
    assert!(email.header("Message-ID").starts_with("<natter.acme."));
    assert!(email.header("Reply-To").contains("reply+acme."), "{}", email.header("Reply-To"));
    assert!(email.header("Reply-To").contains("@in.acme.example"));

    // Exactly one: later moves of the clock send nothing more.
    clock.advance(Duration::from_secs(10 * 60));
    let second_marker = unique("marker-gone");
    marker(&relay, &second_marker).await;
    wait_for(&dir, &second_marker, 1).await;
    assert_eq!(emails_to(&dir, vee).len(), 1, "one email for the three replies");
}

#[tokio::test]
async fn a_visitor_who_reads_the_reply_gets_no_email() {
    let (smtp, dir) = smtp_server();
    let (relay, clock) = manual_relay().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let vee = &unique("vee-reads");
    let (mut v, c) = visitor_with_email(&relay, vee, "Hello?").await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    agent_says(&mut ann, c, "a1", "Hi there!").await;
    let ToVisitor::Message { message, .. } = v.until(|f| f.text() == Some("Hi there!")).await else { unreachable!() };
    v.send(&VisitorFrame::Read { seq: message.seq }).await;
    v.until(|f| matches!(f, ToVisitor::Read { seq, .. } if *seq == message.seq)).await;
    v.close_and_wait().await;
    clock.advance(Duration::from_secs(6 * 60));
    let mark = unique("marker-reads");
    marker(&relay, &mark).await;
    wait_for(&dir, &mark, 1).await;
    assert!(emails_to(&dir, vee).is_empty(), "a reply the visitor read is not emailed");
}

#[tokio::test]
async fn the_transcript_frame_emails_the_conversation_in_the_visitors_language() {
    let (smtp, dir) = smtp_server();
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let (mut v, c) = visitor_with_email(&relay, "vee-t@example.com", "สวัสดีค่ะ มีไซซ์ M ไหม").await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    agent_says(&mut ann, c, "a1", "มีค่ะ <b>ไซซ์ M</b>").await;

    v.send(&VisitorFrame::EmailTranscript { email: "not an address".into(), lang: None }).await;
    assert_eq!(v.error().await.0, natter_protocol::ErrorCode::InvalidInput);
    let to = &unique("transcript-th");
    v.send(&VisitorFrame::EmailTranscript { email: to.into(), lang: None }).await;
    let queued = v.until(|f| matches!(f, ToVisitor::TranscriptQueued { .. })).await;
    assert_eq!(queued, ToVisitor::TranscriptQueued { conversation_id: c });
    let got = wait_for(&dir, to, 1).await;
    let email = &got[0];
    assert_eq!(email.parsed().subject(), Some("บทสนทนาของคุณกับ Acme Shop"));
    assert_eq!(email.header("Content-Language"), "th");
    assert!(email.text().contains("สวัสดีค่ะ มีไซซ์ M ไหม") && email.text().contains("มีค่ะ <b>ไซซ์ M</b>"));
    assert!(email.html().contains("มีค่ะ &lt;b&gt;ไซซ์ M&lt;/b&gt;"), "the HTML part escapes what people wrote");

    // Three an hour per visitor: the relay is not a spam cannon.
    for _ in 0..2 {
        v.send(&VisitorFrame::EmailTranscript { email: to.into(), lang: Some("en".into()) }).await;
        v.until(|f| matches!(f, ToVisitor::TranscriptQueued { .. })).await;
    }
    v.send(&VisitorFrame::EmailTranscript { email: to.into(), lang: None }).await;
    assert_eq!(v.error().await.0, natter_protocol::ErrorCode::RateLimited);
    let got = wait_for(&dir, to, 3).await;
    assert_eq!(got[2].parsed().subject(), Some("Your conversation with Acme Shop"));
}

#[tokio::test]
async fn a_transcript_is_refused_when_the_shop_has_no_email() {
    let relay = TestRelay::start().await;
    let (mut v, _) = visitor_with_email(&relay, "vee-off@example.com", "hi").await;
    v.send(&VisitorFrame::EmailTranscript { email: "vee-off@example.com".into(), lang: None }).await;
    assert_eq!(v.error().await.0, natter_protocol::ErrorCode::EmailNotConfigured);
}

/// POSTs a raw email to the inbound endpoint with the data directory's token.
async fn post_inbound(relay: &TestRelay, raw: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let file = std::fs::read_to_string(relay.dir.path().join("mail-inbound.token")).unwrap();
    let res = reqwest::Client::new()
        .post(relay.http("/v1/mail/inbound"))
        .bearer_auth(token.unwrap_or(file.trim()))
        .body(raw.to_owned())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

fn reply_email(to: &str, message_id: &str, text: &str) -> String {
    format!(
        "From: Vee <vee@example.com>\r\nTo: {to}\r\nMessage-ID: <{message_id}>\r\nSubject: Re: Your conversation\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\r\nOn Mon, 1 Dec 2026, Acme Shop <help@acme.example> wrote:\r\n> Shall I reserve one?\r\n"
    )
}

#[tokio::test]
async fn an_emailed_reply_threads_into_the_conversation_and_bad_tokens_are_refused() {
    let (smtp, dir) = smtp_server();
    let (relay, clock) = manual_relay().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let (mut v, c) = visitor_with_email(&relay, "vee-in@example.com", "Is it waterproof?").await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    ann.follow(c).await;
    let to = &unique("vee-in-transcript");
    v.send(&VisitorFrame::EmailTranscript { email: to.into(), lang: None }).await;
    let got = wait_for(&dir, to, 1).await;
    let reply_to = got[0].parsed().reply_to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap().to_owned();
    v.close_and_wait().await;

    let (status, body) =
        post_inbound(&relay, &reply_email(&reply_to, "r1@example.com", "Yes please, reserve it."), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["conversation_id"], c.0);
    assert_eq!(body["duplicate"], false);
    let m = ann.until(|f| f.text().is_some()).await;
    assert_eq!(m.text(), Some("Yes please, reserve it."), "the quoted history is stripped");
    assert!(matches!(m, ToAgent::Message { message, .. } if message.author == natter_protocol::Author::Visitor));
    // The MTA retries the same email: recognised, nothing appended.
    let (status, body) =
        post_inbound(&relay, &reply_email(&reply_to, "r1@example.com", "Yes please, reserve it."), None).await;
    assert_eq!((status, body["duplicate"].as_bool()), (200, Some(true)));
    assert_eq!(body["seq"], serde_json::to_value(Seq(body["seq"].as_u64().unwrap())).unwrap());

    // A forged token, a wrong inbound token, an unreadable email.
    let (local, domain) = reply_to.split_once('@').unwrap();
    let last = local.chars().last().unwrap();
    let forged = format!("{}{}@{domain}", &local[..local.len() - 1], if last == 'a' { 'b' } else { 'a' });
    let (status, body) = post_inbound(&relay, &reply_email(&forged, "r2@example.com", "hi"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("reply_token_invalid")));
    let (status, body) = post_inbound(&relay, &reply_email("help@acme.example", "r3@example.com", "hi"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("mail_unreadable")));
    let (status, _) = post_inbound(&relay, &reply_email(&reply_to, "r4@example.com", "hi"), Some("0123")).await;
    assert_eq!(status, 401);
    // Ninety days on, the same address has expired.
    clock.advance(Duration::from_secs(91 * 24 * 3600));
    let (status, body) = post_inbound(&relay, &reply_email(&reply_to, "r5@example.com", "late"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("reply_token_expired")));
}

#[tokio::test]
async fn email_settings_are_admin_only_with_a_write_only_sealed_password_per_tenant() {
    let (smtp, dir) = smtp_server();
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let agent = relay.login("acme", "bob@x.test").await.token;
    let http = reqwest::Client::new();
    let url = relay.http("/v1/admin/email");
    let res = http.put(&url).bearer_auth(&agent).json(&serde_json::json!({"enabled": false})).send().await.unwrap();
    assert_eq!(res.status(), 403, "a plain agent cannot change email settings");
    assert_eq!(http.get(&url).bearer_auth(&agent).send().await.unwrap().status(), 403);

    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({"username": "shop", "password": "s3cret-pw"}))
        .await;
    let got: serde_json::Value = http.get(&url).bearer_auth(&owner).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["password_set"], true);
    assert!(got.get("password").is_none(), "{got}");
    let db = std::fs::read(relay.dir.path().join("tenants/acme.db")).unwrap();
    let wal = std::fs::read(relay.dir.path().join("tenants/acme.db-wal")).unwrap_or_default();
    let needle = b"s3cret-pw";
    assert!(!db.windows(needle.len()).chain(wal.windows(needle.len())).any(|w| w == needle), "sealed at rest");
    // A PUT without a password keeps it.
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({"username": "shop"})).await;
    let got: serde_json::Value = http.get(&url).bearer_auth(&owner).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["password_set"], true);

    // Bad input names the field.
    for (body, field) in [
        (serde_json::json!({"enabled": true, "host": "smtp.example.com", "from": "nope"}), "from"),
        (
            serde_json::json!({"enabled": true, "host": "smtp.example.com", "security": "none", "from": "a@b.example"}),
            "security",
        ),
        (serde_json::json!({"offline_reply_after_mins": 0}), "offline_reply_after_mins"),
    ] {
        let res = http.put(&url).bearer_auth(&owner).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let e: serde_json::Value = res.json().await.unwrap();
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    let res = http.put(&url).bearer_auth(&owner).json(&serde_json::json!({"hots": "x"})).send().await.unwrap();
    assert_eq!(res.status(), 422);

    // The other tenant sees its own settings only.
    let globex = relay.login("globex", "ann@x.test").await.token;
    let theirs: serde_json::Value = http.get(&url).bearer_auth(&globex).send().await.unwrap().json().await.unwrap();
    assert_eq!((theirs["enabled"].as_bool(), theirs["password_set"].as_bool()), (Some(false), Some(false)));
    let res = http
        .post(relay.http("/v1/admin/email/test"))
        .bearer_auth(&globex)
        .json(&serde_json::json!({"to": "owner@globex.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // The test email: sent now through the settings; a bad address is refused.
    let test = relay.http("/v1/admin/email/test");
    let res = http.post(&test).bearer_auth(&owner).json(&serde_json::json!({"to": "bad"})).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let res =
        http.post(&test).bearer_auth(&agent).json(&serde_json::json!({"to": "x@example.com"})).send().await.unwrap();
    assert_eq!(res.status(), 403);
    // (The test server offers no AUTH without TLS: sign-in off.)
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({"username": null, "password": ""})).await;
    let ok = unique("test-ok");
    let res = http.post(&test).bearer_auth(&owner).json(&serde_json::json!({"to": ok})).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let got = wait_for(&dir, &ok, 1).await;
    assert_eq!(got[0].parsed().subject(), Some("Natter test email"));
    assert!(got[0].html().contains("SMTP"));

    // An SMTP server that is not there: a typed, secret-free error.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    enable_email(&relay.http(""), &owner, &dead.to_string(), serde_json::json!({})).await;
    let res =
        http.post(&test).bearer_auth(&owner).json(&serde_json::json!({"to": "x@example.com"})).send().await.unwrap();
    assert_eq!(res.status(), 502);
    let e: serde_json::Value = res.json().await.unwrap();
    assert_eq!(e["error"]["code"], "smtp_failed");
    assert!(!e.to_string().contains("s3cret"), "{e}");
}

#[tokio::test]
async fn agents_are_notified_of_offline_messages_unless_they_opted_out() {
    let (smtp, dir) = smtp_server();
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let prefs = relay.http("/v1/agent/me/email");
    let off = serde_json::json!({"offline_message": false, "missed_chat": true, "daily_digest": true});
    let res = reqwest::Client::new().put(&prefs).bearer_auth(&bob).json(&off).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let got: serde_json::Value =
        reqwest::Client::new().get(&prefs).bearer_auth(&bob).send().await.unwrap().json().await.unwrap();
    assert_eq!(got, off);

    let name = unique("Olive").replace('@', "-at-");
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Offline {
        client_id: cid("o1"),
        name: Some(name.clone()),
        email: "olive@example.com".into(),
        text: "Please call me back about my order.".into(),
        page_url: None,
        referrer: None,
        utc_offset_min: None,
    })
    .await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let about_olive = |r: &Received| r.parsed().subject().is_some_and(|s| s.contains(&name));
    let email = wait_for_one(&dir, "ann@x.test", "ann's notification", about_olive).await;
    assert!(email.text().contains("Please call me back about my order."));
    assert!(email.header("List-Unsubscribe").starts_with('<'), "{}", email.header("List-Unsubscribe"));
    // Bob opted out: a marker to him, queued after, arrives; the notice does not.
    marker(&relay, "bob@x.test").await;
    let is_marker = |r: &Received| r.parsed().subject().is_some_and(|s| s.contains("conversation"));
    wait_for_one(&dir, "bob@x.test", "the marker to bob", is_marker).await;
    assert!(!emails_to(&dir, "bob@x.test").iter().any(about_olive), "bob opted out");
}

#[tokio::test]
async fn natter_mail_in_pipes_a_reply_to_the_running_relay() {
    let (smtp, dir) = smtp_server();
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let (mut v, c) = visitor_with_email(&relay, "vee-pipe@example.com", "Hello").await;
    let to = unique("vee-pipe-transcript");
    v.send(&VisitorFrame::EmailTranscript { email: to.clone(), lang: None }).await;
    let got = wait_for(&dir, &to, 1).await;
    let reply_to = got[0].parsed().reply_to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap().to_owned();
    let pipe = |raw: String, recipient: Option<String>| {
        let data_dir = relay.dir.path().to_owned();
        let url = relay.http("");
        tokio::task::spawn_blocking(move || {
            use std::io::Write as _;
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_natter"));
            cmd.args(["mail-in", "--relay", &url]).arg("--data-dir").arg(&data_dir).env("NATTER_LOG", "warn");
            if let Some(r) = recipient {
                cmd.args(["--recipient", &r]);
            }
            let mut child =
                cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
            child.wait().unwrap().code()
        })
    };
    // The envelope recipient names the reply address; the headers need not.
    let code = pipe(reply_email("help@acme.example", "pipe1@example.com", "Through the pipe"), Some(reply_to)).await;
    assert_eq!(code.unwrap(), Some(0));
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let texts: Vec<String> = ann
        .follow(c)
        .await
        .into_iter()
        .filter_map(|m| match m.body {
            natter_protocol::MessageBody::Text { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Hello", "Through the pipe"]);
    let forged =
        pipe(reply_email("reply+acme.1.zzzzzz.aaaaaaaaaaaaaaaa@in.acme.example", "pipe2@example.com", "x"), None).await;
    assert_eq!(forged.unwrap(), Some(65), "a forged token bounces");
}

#[tokio::test]
async fn the_daily_digest_goes_out_a_day_after_it_is_turned_on_with_the_days_counts() {
    let (smtp, dir) = smtp_server();
    let (relay, clock) = manual_relay().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let digests = |d: &Path| {
        emails_to(d, "ann@x.test")
            .into_iter()
            .filter(|r| r.parsed().subject().is_some_and(|s| s.starts_with("Daily digest for Acme Shop")))
            .collect::<Vec<_>>()
    };
    let before = digests(&dir).len();
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({"notify_daily_digest": true})).await;
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Offline {
        client_id: cid("d1"),
        name: Some("Dao".into()),
        email: "dao@example.com".into(),
        text: "Do you sell gift cards?".into(),
        page_url: None,
        referrer: None,
        utc_offset_min: None,
    })
    .await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;

    // 23 hours on: no digest yet. A marker queued now arrives; a digest queued
    // before it would have arrived first (the outbox sends in order).
    clock.advance(Duration::from_secs(23 * 3600));
    let marked = emails_to(&dir, "ann@x.test").len();
    marker(&relay, "ann@x.test").await;
    wait_for(&dir, "ann@x.test", marked + 1).await;
    assert_eq!(digests(&dir).len(), before, "no digest before a day has passed");

    clock.advance(Duration::from_secs(3600));
    let arrived = || Some(digests(&dir)).filter(|d| d.len() > before);
    let digest = until_found("the digest at the day's end", Duration::from_secs(10), arrived).await.pop().unwrap();
    let text = digest.text();
    assert!(text.contains("1 offline messages") && text.contains("0 missed chats"), "{text}");
    assert!(digest.header("List-Unsubscribe").starts_with('<'));
}

#[tokio::test]
async fn a_visitor_who_did_not_rate_gets_one_reminder_whose_link_rates_the_chat() {
    let (smtp, dir) = smtp_server();
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        c.housekeeping_every = Duration::from_millis(20);
        c.clock = clock.clone();
        c.public_origins = vec!["https://chat.acme.example".into()];
    })
    .await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    relay.edit_settings("acme", |s| s.csat.enabled = true).await;
    let to = unique("rater");
    // The visitor stays connected: no offline-reply email gets in the way.
    let (_v, c) = visitor_with_email(&relay, &to, "Where is my parcel?").await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: c }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == c && conversation.assignee.is_some())).await;
    ann.send(&AgentFrame::Close { conversation_id: c }).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == c && conversation.closed_at.is_some())).await;

    // 59 minutes on: nothing yet (a marker queued now arrives alone).
    clock.advance(Duration::from_secs(59 * 60));
    marker(&relay, &to).await;
    let first = wait_for(&dir, &to, 1).await;
    assert!(first[0].parsed().subject().is_some_and(|s| !s.starts_with("How was your chat")), "only the marker");

    // An hour after the close: one reminder, with a link to this relay's rating page.
    clock.advance(Duration::from_secs(2 * 60));
    let got = wait_for(&dir, &to, 2).await;
    let reminder = &got[1];
    assert_eq!(reminder.parsed().subject(), Some("How was your chat with Acme Shop?"));
    let text = reminder.text();
    let link = text.split_whitespace().find(|w| w.starts_with("https://chat.acme.example/r/")).expect("a rating link");
    let path = link.trim_start_matches("https://chat.acme.example");
    let http = reqwest::Client::new();
    assert_eq!(http.get(relay.http(path)).send().await.unwrap().status(), 200, "the link opens the rating page");
    let sent = http.post(relay.http(path)).form(&[("score", "5")]).send().await.unwrap();
    assert_eq!(sent.status(), 200);
    let owner = relay.login("acme", "ann@x.test").await.token; // an hour later: signed in again
    let ratings: serde_json::Value =
        http.get(relay.http("/v1/admin/ratings")).bearer_auth(&owner).send().await.unwrap().json().await.unwrap();
    assert!(
        ratings["ratings"].as_array().unwrap().iter().any(|r| r["conversation_id"] == c.0 && r["score"] == 5),
        "{ratings}"
    );

    // Once only: two hours later a second marker arrives, and no other reminder.
    clock.advance(Duration::from_secs(2 * 3600));
    marker(&relay, &to).await;
    let all = wait_for(&dir, &to, 3).await;
    let reminders =
        all.iter().filter(|r| r.parsed().subject().is_some_and(|s| s.starts_with("How was your chat"))).count();
    assert_eq!((all.len(), reminders), (3, 1));
}

#[tokio::test]
async fn a_notification_unsubscribes_in_one_click_and_forged_links_are_refused() {
    let (smtp, dir) = smtp_server();
    let relay = TestRelay::start_with(|c| c.public_origins = vec!["https://chat.acme.example".into()]).await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    enable_email(&relay.http(""), &owner, &smtp, serde_json::json!({})).await;
    let name = unique("Una").replace('@', "-at-");
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Offline {
        client_id: cid("u1"),
        name: Some(name.clone()),
        email: "una@example.com".into(),
        text: "Please write back.".into(),
        page_url: None,
        referrer: None,
        utc_offset_min: None,
    })
    .await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let about_una = |r: &Received| r.parsed().subject().is_some_and(|s| s.contains(&name));
    let email = wait_for_one(&dir, "ann@x.test", "ann's notification", about_una).await;
    assert_eq!(email.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    let header = email.header("List-Unsubscribe");
    let link = header
        .split(',')
        .map(|p| p.trim().trim_matches(|c| c == '<' || c == '>'))
        .find(|p| p.starts_with("https://chat.acme.example/v1/mail/unsubscribe/"))
        .unwrap_or_else(|| panic!("a one-click link in {header}"))
        .to_owned();
    assert!(header.contains("<mailto:"), "{header}");
    let path = link.trim_start_matches("https://chat.acme.example");
    let http = reqwest::Client::new();

    let page = http.get(relay.http(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    let mut forged = path.to_owned();
    forged.replace_range(forged.len() - 3.., "aaa");
    let refused = http.post(relay.http(&forged)).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("reply_token_invalid"));

    let done = http.post(relay.http(path)).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let prefs: serde_json::Value =
        http.get(relay.http("/v1/agent/me/email")).bearer_auth(&owner).send().await.unwrap().json().await.unwrap();
    assert_eq!(prefs, serde_json::json!({"offline_message": false, "missed_chat": true, "daily_digest": true}));
}
