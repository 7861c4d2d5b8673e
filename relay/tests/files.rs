//! Files in chat, end to end: real relay, real sockets, real SQLite and a real
//! clamd (started by scripts/clamd.sh, its address in NATTER_TEST_CLAMD; these
//! tests fail when it is missing, they never skip). Uploads over HTTP, messages
//! that attach them, signed downloads, every refusal, dedup, quota, isolation,
//! collection of unattached uploads, erasure, backup and restore.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use natter_protocol::{
    AgentFrame, Attachment, AttachmentKind, ConversationEvent, ConversationId, ErrorCode, FileType, MessageBody,
    PROTOCOL_VERSION, ScanState, ToAgent, ToVisitor, UploadId, VisitorFrame,
};
use natter_relay::Config;
use natter_relay::time::Clock;

/// The EICAR anti-virus test file (harmless; every scanner flags it).
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// The test clamd's address; the tests need it and say so loudly.
pub fn clamd() -> natter_relay::files::ClamdAddr {
    let addr = std::env::var("NATTER_TEST_CLAMD")
        .expect("NATTER_TEST_CLAMD is not set: start clamd with `scripts/clamd.sh start DIR` (scripts/test.sh does)");
    addr.parse().unwrap_or_else(|e| panic!("NATTER_TEST_CLAMD={addr}: {e}"))
}

fn with_clamd(c: &mut Config) {
    c.files.clamd = clamd();
}

async fn relay() -> TestRelay {
    TestRelay::start_with(with_clamd).await
}

/// A visitor of acme with an open conversation: (socket, token, conversation).
async fn visitor_in_conversation(relay: &TestRelay) -> (VisitorClient, String, ConversationId) {
    let mut v = relay.visitor("acme").await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("hello"), text: "hello".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    (v, token, conversation_id)
}

/// A fresh visitor of `tenant`: (socket, token).
async fn visitor_token(relay: &TestRelay, tenant: &str, origin: &str) -> (VisitorClient, String) {
    let mut v = Client::visitor(relay.addr, tenant, origin, None).await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    (v, token)
}

/// `POST /v1/uploads` as a visitor of acme from the shop's page.
async fn upload(relay: &TestRelay, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    upload_as(relay, token, "acme", SHOP_ORIGIN, name, bytes).await
}

async fn upload_as(
    relay: &TestRelay,
    token: &str,
    tenant: &str,
    origin: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let name: String = percent_encode(name);
    reqwest::Client::new()
        .post(relay.http(&format!("/v1/uploads?tenant={tenant}&name={name}")))
        .bearer_auth(token)
        .header("Origin", origin)
        .header("Content-Type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

async fn uploaded(res: reqwest::Response) -> Attachment {
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The status and error code of a refused request.
async fn refused(res: reqwest::Response) -> (u16, ErrorCode, serde_json::Value) {
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap();
    let code = serde_json::from_value(body["error"]["code"].clone()).unwrap();
    (status, code, body)
}

async fn get(relay: &TestRelay, url: &str) -> reqwest::Response {
    reqwest::Client::new().get(relay.http(url)).send().await.unwrap()
}

fn files_dir(relay: &TestRelay, tenant: &str) -> PathBuf {
    relay.dir.path().join("tenants").join(format!("{tenant}.files"))
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map_or_else(|_| Vec::new(), |d| d.map(|e| e.unwrap().file_name().into_string().unwrap()).collect())
}

/// A JPEG photo with EXIF GPS coordinates, and a script hidden after its end.
fn photo_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut jpeg = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    // TIFF (little-endian): IFD0 with a GPS IFD pointer; the GPS IFD with
    // GPSLatitudeRef "N" and GPSLatitude 13/1 45/1 2/1.
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes()); // IFD0: 1 entry at 8
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0]); // GPSInfo, LONG
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // → GPS IFD at 26
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no IFD1
    tiff.extend_from_slice(&2u16.to_le_bytes()); // GPS IFD: 2 entries at 26
    tiff.extend_from_slice(&[1, 0, 2, 0]); // GPSLatitudeRef, ASCII
    tiff.extend_from_slice(&2u32.to_le_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&[2, 0, 5, 0]); // GPSLatitude, RATIONAL ×3
    tiff.extend_from_slice(&3u32.to_le_bytes());
    tiff.extend_from_slice(&56u32.to_le_bytes()); // → values at 56
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in [(13u32, 1u32), (45, 1), (2, 1)] {
        tiff.extend_from_slice(&n.to_le_bytes());
        tiff.extend_from_slice(&d.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out.extend_from_slice(b"<script>alert('polyglot')</script>");
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([1, 2, 3, 255]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A decompression bomb: a grey PNG of 9000 × 9000 pixels, small on the wire,
/// 81 MB once decoded.
fn bomb() -> Vec<u8> {
    let img = image::GrayImage::from_pixel(9_000, 9_000, image::Luma([7]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    let out = out.into_inner();
    assert!(out.len() < 1_000_000, "the bomb is small: {} bytes", out.len());
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn attachments_of(message: &natter_protocol::Message) -> &[Attachment] {
    match &message.body {
        MessageBody::Text { attachments, .. } => attachments,
        MessageBody::Event { .. } => &[],
    }
}

/// Waits (bounded) until `check` holds; for effects with no frame to wait for
/// (a file removed by the relay).
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "{what} within 5 s");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_visitor_sends_a_photo_and_the_agent_downloads_it_clean() {
    let relay = relay().await;
    let (mut v, token, id) = visitor_in_conversation(&relay).await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.follow(id).await;

    let photo = photo_with_gps();
    assert!(contains(&photo, b"Exif\0\0") && contains(&photo, b"<script>"));
    let a = uploaded(upload(&relay, &token, "beach.jpg", photo).await).await;
    assert_eq!((a.kind, a.mime.as_str(), a.scan), (AttachmentKind::Image, "image/jpeg", ScanState::Clean));
    assert_eq!((a.width, a.height), (Some(800), Some(600)));
    assert!(a.thumb_url.is_some());

    let send = VisitorFrame::Send { client_id: cid("photo"), text: String::new(), attachments: vec![a.id.clone()] };
    v.send(&send).await;
    let ack = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let ToVisitor::Ack { seq, duplicate: false, .. } = ack else { panic!("{ack:?}") };
    // A resend is the same message: acknowledged again, attached once.
    v.send(&send).await;
    let again = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    assert!(matches!(again, ToVisitor::Ack { seq: s, duplicate: true, .. } if s == seq), "{again:?}");

    let live = ann.until(|f| matches!(f, ToAgent::Message { .. })).await;
    let ToAgent::Message { message, .. } = live else { unreachable!() };
    let got = attachments_of(&message);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, a.id);

    let res = get(&relay, &got[0].url).await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap().starts_with("sandbox"));
    assert!(h["content-disposition"].to_str().unwrap().starts_with("inline; filename=\"beach.jpg\""));
    let stored = res.bytes().await.unwrap();
    assert!(!contains(&stored, b"Exif"), "EXIF (and its GPS) is gone");
    assert!(!contains(&stored, b"<script>"), "what hid after the image is gone");
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (800, 600));

    let thumb = get(&relay, got[0].thumb_url.as_deref().unwrap()).await;
    assert_eq!(thumb.status(), 200);
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert!(thumb.width() <= 320 && thumb.height() <= 320);

    // The history (a later sync) carries it with fresh links.
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let history = bob.follow(id).await;
    let replayed = history.iter().find(|m| m.seq == seq).unwrap();
    assert_eq!(attachments_of(replayed)[0].id, a.id);
    assert_eq!(get(&relay, &attachments_of(replayed)[0].url).await.status(), 200);
}

#[tokio::test]
async fn an_agent_sends_a_pdf_that_downloads_as_an_attachment() {
    let relay = relay().await;
    let (mut v, _, id) = visitor_in_conversation(&relay).await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    let session = relay.login("acme", "ann@x.test").await.token;
    // Agents need no Origin and no tenant parameter: the session names it.
    let res = reqwest::Client::new()
        .post(relay.http("/v1/uploads?name=invoice.pdf"))
        .bearer_auth(&session)
        .body(pdf())
        .send()
        .await
        .unwrap();
    let a = uploaded(res).await;
    assert_eq!((a.kind, a.mime.as_str(), a.thumb_url.as_deref()), (AttachmentKind::File, "application/pdf", None));
    let send = AgentFrame::Send {
        conversation_id: id,
        client_id: cid("inv"),
        text: "Your invoice".into(),
        attachments: vec![a.id.clone()],
        quick_replies: Vec::new(),
    };
    ann.send(&send).await;
    let msg = v.until(|f| matches!(f, ToVisitor::Message { message, .. } if !attachments_of(message).is_empty())).await;
    let ToVisitor::Message { message, .. } = msg else { unreachable!() };
    let res = get(&relay, &attachments_of(&message)[0].url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"invoice.pdf\""));
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf());
}

#[tokio::test]
async fn bad_uploads_are_refused_with_their_code_and_store_nothing() {
    let relay = relay().await;
    relay
        .edit_settings("acme", |s| {
            s.files.max_mb = 1;
            s.files.allowed_types = vec![FileType::Jpeg, FileType::Png, FileType::Text];
        })
        .await;
    let (mut v, token, id) = visitor_in_conversation(&relay).await;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Claim { conversation_id: id }).await;
    ann.follow(id).await;

    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    exe.resize(1024, 0);
    exe[0x3c] = 0x80;
    exe[0x80..0x84].copy_from_slice(b"PE\0\0");
    let cases: Vec<(&str, Vec<u8>, u16, ErrorCode)> = vec![
        ("big.txt", vec![b'a'; 1_000_001], 413, ErrorCode::FileTooLarge),
        ("empty.txt", Vec::new(), 422, ErrorCode::FileEmpty),
        ("invoice.pdf", pdf(), 415, ErrorCode::FileTypeNotAllowed),
        ("page.html", b"<!doctype html><script>alert(1)</script>".to_vec(), 415, ErrorCode::FileTypeNotAllowed),
        ("cat.jpg", exe.clone(), 415, ErrorCode::FileTypeMismatch),
        ("setup.exe", exe, 415, ErrorCode::FileTypeNotAllowed),
        ("notes.txt", png(4, 4), 415, ErrorCode::FileTypeMismatch),
        ("eicar.txt", EICAR.to_vec(), 422, ErrorCode::FileInfected),
        ("bomb.png", bomb(), 422, ErrorCode::FileUnreadable),
        ("../../etc/passwd", b"x".to_vec(), 422, ErrorCode::FileNameInvalid),
        ("..\\win.ini", b"x".to_vec(), 422, ErrorCode::FileNameInvalid),
        ("bell\u{7}.txt", b"x".to_vec(), 422, ErrorCode::FileNameInvalid),
        (&*"n".repeat(256).leak(), b"x".to_vec(), 422, ErrorCode::FileNameInvalid),
    ];
    for (name, bytes, status, code) in cases {
        let got = refused(upload(&relay, &token, name, bytes).await).await;
        assert_eq!((got.0, got.1), (status, code), "{name}: {}", got.2);
    }
    // Not UTF-8 once decoded, and no name at all.
    for query in ["tenant=acme&name=%FF%FE.txt", "tenant=acme"] {
        let res = reqwest::Client::new()
            .post(relay.http(&format!("/v1/uploads?{query}")))
            .bearer_auth(&token)
            .header("Origin", SHOP_ORIGIN)
            .body("x")
            .send()
            .await
            .unwrap();
        let (status, code, body) = refused(res).await;
        assert_eq!((status, code), (422, ErrorCode::FileNameInvalid), "{query}");
        assert_eq!(body["error"]["field"], "name");
    }
    // A visitor's upload from a page the tenant does not allow.
    let (status, code, _) =
        refused(upload_as(&relay, &token, "acme", "https://evil.example", "a.txt", b"x".to_vec()).await).await;
    assert_eq!((status, code), (403, ErrorCode::OriginNotAllowed));

    let files = files_dir(&relay, "acme");
    assert_eq!(entries(&files.join("blobs")), Vec::<String>::new(), "nothing stored");
    assert_eq!(entries(&files.join("tmp")), Vec::<String>::new(), "no temporary file left");

    // The infected file is told to the agents, with what was found; the visitor
    // sees the line without it.
    let line = ann
        .until(|f| {
            matches!(f, ToAgent::Message { message, .. }
                if matches!(message.body, MessageBody::Event { event: ConversationEvent::FileRefused { .. } }))
        })
        .await;
    let ToAgent::Message { message, .. } = line else { unreachable!() };
    let MessageBody::Event { event: ConversationEvent::FileRefused { name, signature, .. } } = message.body else {
        panic!("{message:?}")
    };
    assert_eq!(name, "eicar.txt");
    assert!(signature.unwrap().starts_with("Eicar-Test-Signature"));
    let refusal = |m: &natter_protocol::Message| {
        matches!(m.body, MessageBody::Event { event: ConversationEvent::FileRefused { .. } })
    };
    let seen = v.until(|f| matches!(f, ToVisitor::Message { message, .. } if refusal(message))).await;
    let ToVisitor::Message { message, .. } = seen else { unreachable!() };
    assert!(matches!(
        message.body,
        MessageBody::Event { event: ConversationEvent::FileRefused { signature: None, .. } }
    ));

    // Visitor uploads off.
    relay.edit_settings("acme", |s| s.files.visitor_uploads = false).await;
    let (status, code, _) = refused(upload(&relay, &token, "a.txt", b"hello".to_vec()).await).await;
    assert_eq!((status, code), (403, ErrorCode::Forbidden));
}

#[tokio::test]
async fn without_a_scanner_uploads_fail_closed_unless_the_tenant_accepts_unscanned_files() {
    let down = tempfile::tempdir().unwrap();
    let nowhere = format!("unix:{}", down.path().join("no-clamd.sock").display());
    let relay = TestRelay::start_with(|c| c.files.clamd = nowhere.parse().unwrap()).await;
    let (_v, token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let res = upload(&relay, &token, "a.txt", b"hello".to_vec()).await;
    assert_eq!(res.headers()["retry-after"], "30");
    let (status, code, _) = refused(res).await;
    assert_eq!((status, code), (503, ErrorCode::ScannerUnavailable));
    assert!(entries(&files_dir(&relay, "acme").join("blobs")).is_empty());

    relay.edit_settings("acme", |s| s.files.accept_unscanned = true).await;
    let a = uploaded(upload(&relay, &token, "a.txt", b"hello".to_vec()).await).await;
    assert_eq!(a.scan, ScanState::NotScanned);
}

#[tokio::test]
async fn a_visitor_uploading_too_fast_is_rate_limited_until_the_minute_moves_on() {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        with_clamd(c);
        c.files.uploads_per_visitor_minute = 2;
        c.clock = clock.clone();
    })
    .await;
    let (_v, token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    for i in 0..2 {
        uploaded(upload(&relay, &token, &format!("{i}.txt"), format!("file {i}").into_bytes()).await).await;
    }
    let res = upload(&relay, &token, "2.txt", b"file 2".to_vec()).await;
    assert_eq!(res.headers()["retry-after"], "30");
    let (status, code, body) = refused(res).await;
    assert_eq!((status, code), (429, ErrorCode::RateLimited));
    assert_eq!(body["error"]["retry_after_secs"], 30);
    // Another visitor is not slowed down by this one.
    let (_w, other) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    uploaded(upload(&relay, &other, "w.txt", b"w".to_vec()).await).await;
    clock.advance(Duration::from_secs(30));
    uploaded(upload(&relay, &token, "2.txt", b"file 2".to_vec()).await).await;
}

#[tokio::test]
async fn identical_files_are_stored_once_and_the_quota_counts_them_once() {
    let relay = TestRelay::start_with(|c| {
        with_clamd(c);
        c.files.quota_bytes = 3_000;
    })
    .await;
    let (_v, token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let text = vec![b'x'; 2_000];
    let first = uploaded(upload(&relay, &token, "a.txt", text.clone()).await).await;
    let second = uploaded(upload(&relay, &token, "b.txt", text).await).await;
    assert_ne!(first.id, second.id, "each upload has its own id");
    assert_eq!(entries(&files_dir(&relay, "acme").join("blobs")).len(), 1, "one copy of the content");
    let (status, code, _) = refused(upload(&relay, &token, "c.txt", vec![b'y'; 1_500]).await).await;
    assert_eq!((status, code), (507, ErrorCode::QuotaExceeded));
    assert_eq!(entries(&files_dir(&relay, "acme").join("blobs")).len(), 1);
    assert!(entries(&files_dir(&relay, "acme").join("tmp")).is_empty());
    // Another tenant has a store (and a quota) of its own.
    let (_g, globex) = visitor_token(&relay, "globex", "https://globex.example").await;
    let res = upload_as(&relay, &globex, "globex", "https://globex.example", "a.txt", vec![b'x'; 2_000]).await;
    uploaded(res).await;
    assert_eq!(entries(&files_dir(&relay, "globex").join("blobs")).len(), 1, "never shared across tenants");
}

#[tokio::test]
async fn a_message_attaches_only_its_sender_s_own_uploads_of_this_tenant_once() {
    let relay = relay().await;
    let (mut v, token, id) = visitor_in_conversation(&relay).await;
    let mine = uploaded(upload(&relay, &token, "mine.txt", b"mine".to_vec()).await).await;
    let (mut other, other_token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let theirs = uploaded(upload(&relay, &other_token, "theirs.txt", b"theirs".to_vec()).await).await;
    let (mut g, g_token) = visitor_token(&relay, "globex", "https://globex.example").await;
    let foreign =
        uploaded(upload_as(&relay, &g_token, "globex", "https://globex.example", "g.txt", b"g".to_vec()).await).await;

    let send =
        |c: &str, ids: Vec<UploadId>| VisitorFrame::Send { client_id: cid(c), text: String::new(), attachments: ids };
    let expect = async |v: &mut VisitorClient, c: &str, code: ErrorCode| {
        let e = v.until(|f| matches!(f, ToVisitor::Error(_))).await;
        let ToVisitor::Error(e) = e else { unreachable!() };
        assert_eq!((e.code, e.client_id.as_ref().map(|c| c.as_str())), (code, Some(c)), "{}", e.message);
    };
    v.send(&send("m1", vec![theirs.id.clone()])).await;
    expect(&mut v, "m1", ErrorCode::Forbidden).await;
    v.send(&send("m2", vec![foreign.id.clone()])).await;
    expect(&mut v, "m2", ErrorCode::NotFound).await;
    v.send(&send("m3", vec![mine.id.clone(), mine.id.clone()])).await;
    expect(&mut v, "m3", ErrorCode::InvalidInput).await;
    v.send(&send("m4", vec![mine.id.clone()])).await;
    v.until(|f| matches!(f, ToVisitor::Ack { client_id, .. } if client_id.as_str() == "m4")).await;
    v.send(&send("m5", vec![mine.id.clone()])).await;
    expect(&mut v, "m5", ErrorCode::Forbidden).await;
    // Text-less messages need attachments.
    v.send(&send("m6", vec![])).await;
    expect(&mut v, "m6", ErrorCode::InvalidInput).await;

    // Another tenant's visitor cannot reach acme's upload either.
    g.send(&send("g1", vec![theirs.id.clone()])).await;
    expect(&mut g, "g1", ErrorCode::NotFound).await;
    // Nor fetch links for it, nor for another visitor's.
    let link = |token: String, tenant: &'static str, origin: &'static str, up: UploadId| {
        let url = relay.http(&format!("/v1/uploads/{up}/link?tenant={tenant}"));
        async move { reqwest::Client::new().get(url).bearer_auth(token).header("Origin", origin).send().await.unwrap() }
    };
    assert_eq!(link(g_token.clone(), "globex", "https://globex.example", mine.id.clone()).await.status(), 404);
    assert_eq!(link(other_token.clone(), "acme", SHOP_ORIGIN, mine.id.clone()).await.status(), 404);
    assert_eq!(link(token.clone(), "acme", SHOP_ORIGIN, mine.id.clone()).await.status(), 200);
    // The widget frame's own GET carries no Origin (same-origin): the browser's
    // `Sec-Fetch-Site` says where it comes from; with neither, it is refused.
    let url = relay.http(&format!("/v1/uploads/{}/link?tenant=acme", mine.id));
    let same_site = reqwest::Client::new().get(&url).bearer_auth(&token).header("Sec-Fetch-Site", "same-origin");
    assert_eq!(same_site.send().await.unwrap().status(), 200);
    let cross_site = reqwest::Client::new().get(&url).bearer_auth(&token).header("Sec-Fetch-Site", "cross-site");
    assert_eq!(cross_site.send().await.unwrap().status(), 403);
    assert_eq!(reqwest::Client::new().get(&url).bearer_auth(&token).send().await.unwrap().status(), 403);
    // The conversation's agents can.
    let session = relay.login("acme", "bob@x.test").await.token;
    let res = reqwest::Client::new()
        .get(relay.http(&format!("/v1/uploads/{}/link", mine.id)))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let _ = (id, &mut other);
}

#[tokio::test]
async fn links_expire_and_forged_links_are_refused() {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        with_clamd(c);
        c.clock = clock.clone();
        c.files.link_ttl = Duration::from_secs(600);
    })
    .await;
    let (_v, token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let a = uploaded(upload(&relay, &token, "a.txt", b"secret notes".to_vec()).await).await;
    assert_eq!(get(&relay, &a.url).await.status(), 200);

    let forged = a.url.replace("sig=", "sig=A");
    let other_tenant = a.url.replace("/acme/", "/globex/");
    let thumb_of_original = a.url.replace("/original?", "/thumb?");
    let later_exp = {
        let exp: i64 = a.url.split("exp=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
        a.url.replace(&format!("exp={exp}"), &format!("exp={}", exp + 86_400))
    };
    for url in [forged, other_tenant, thumb_of_original, later_exp, a.url.split('?').next().unwrap().to_owned()] {
        let (status, code, _) = refused(get(&relay, &url).await).await;
        assert_eq!((status, code), (403, ErrorCode::LinkInvalid), "{url}");
    }

    clock.advance(Duration::from_secs(601));
    let (status, code, _) = refused(get(&relay, &a.url).await).await;
    assert_eq!((status, code), (403, ErrorCode::LinkExpired));
    let fresh: natter_protocol::FileLink = reqwest::Client::new()
        .get(relay.http(&format!("/v1/uploads/{}/link?tenant=acme", a.id)))
        .bearer_auth(&token)
        .header("Origin", SHOP_ORIGIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = get(&relay, &fresh.url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
}

#[tokio::test]
async fn uploads_never_attached_are_collected_after_the_grace_period() {
    let clock = Clock::manual();
    let relay = TestRelay::start_with(|c| {
        with_clamd(c);
        c.clock = clock.clone();
        c.housekeeping_every = Duration::from_millis(20);
        c.files.unattached_grace = Duration::from_secs(3600);
    })
    .await;
    let (mut v, token, _) = visitor_in_conversation(&relay).await;
    let kept = uploaded(upload(&relay, &token, "kept.txt", b"kept".to_vec()).await).await;
    v.send(&VisitorFrame::Send { client_id: cid("k"), text: String::new(), attachments: vec![kept.id.clone()] }).await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let dropped = uploaded(upload(&relay, &token, "dropped.txt", b"dropped".to_vec()).await).await;
    let blobs = files_dir(&relay, "acme").join("blobs");
    assert_eq!(entries(&blobs).len(), 2);

    clock.advance(Duration::from_secs(3601));
    let link_status = async |id: &UploadId| {
        reqwest::Client::new()
            .get(relay.http(&format!("/v1/uploads/{id}/link?tenant=acme")))
            .bearer_auth(&token)
            .header("Origin", SHOP_ORIGIN)
            .send()
            .await
            .unwrap()
            .status()
    };
    eventually("the unattached upload is collected", async || link_status(&dropped.id).await == 404).await;
    assert_eq!(link_status(&kept.id).await, 200, "an attached upload stays");
    assert_eq!(entries(&blobs).len(), 1, "the collected upload's file is gone");
    let _ = PROTOCOL_VERSION;
}

#[tokio::test]
async fn erasing_a_conversation_deletes_its_messages_and_files() {
    let relay = relay().await;
    let (mut v, token, id) = visitor_in_conversation(&relay).await;
    let a = uploaded(upload(&relay, &token, "a.txt", b"only here".to_vec()).await).await;
    let shared = b"in two conversations".to_vec();
    let b = uploaded(upload(&relay, &token, "b.txt", shared.clone()).await).await;
    v.send(&VisitorFrame::Send {
        client_id: cid("f"),
        text: "files".into(),
        attachments: vec![a.id.clone(), b.id.clone()],
    })
    .await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    // The same content, uploaded by someone else and kept unattached.
    let (_w, other) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let twin = uploaded(upload(&relay, &other, "twin.txt", shared).await).await;

    let owner = relay.login("acme", "ann@x.test").await.token;
    let bob = relay.login("acme", "bob@x.test").await.token;
    let erase = |token: String| {
        let url = relay.http(&format!("/v1/admin/conversations/{id}"));
        async move { reqwest::Client::new().delete(url).bearer_auth(token).send().await.unwrap() }
    };
    let (status, code, _) = refused(erase(owner.clone()).await).await;
    assert_eq!((status, code), (409, ErrorCode::InvalidInput), "still open");
    v.send(&VisitorFrame::End).await;
    v.until(|f| matches!(f, ToVisitor::VisitorConversation { conversation } if conversation.status == natter_protocol::ConversationStatus::Closed)).await;
    assert_eq!(erase(bob).await.status(), 403, "owners and admins only");
    assert_eq!(erase(owner.clone()).await.status(), 204);
    assert_eq!(erase(owner).await.status(), 404);

    assert_eq!(get(&relay, &a.url).await.status(), 404);
    assert_eq!(get(&relay, &b.url).await.status(), 404);
    assert_eq!(get(&relay, &twin.url).await.status(), 200, "content another upload uses stays");
    assert_eq!(entries(&files_dir(&relay, "acme").join("blobs")).len(), 1);
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    ann.send(&AgentFrame::Sync { conversation_id: id, after_seq: natter_protocol::Seq(0) }).await;
    let (code, _, _) = ann.error().await;
    assert_eq!(code, ErrorCode::NotFound, "the conversation is gone");
}

#[tokio::test]
async fn an_upload_cut_off_halfway_leaves_nothing() {
    use tokio::io::AsyncWriteExt as _;
    let relay = relay().await;
    let (_v, token) = visitor_token(&relay, "acme", SHOP_ORIGIN).await;
    let mut tcp = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    let head = format!(
        "POST /v1/uploads?tenant=acme&name=half.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Origin: {SHOP_ORIGIN}\r\nContent-Length: 500000\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&vec![b'a'; 300_000]).await.unwrap();
    let tmp = files_dir(&relay, "acme").join("tmp");
    eventually("the upload reaches a temporary file", async || !entries(&tmp).is_empty()).await;
    drop(tcp);
    eventually("the temporary file is removed", async || entries(&tmp).is_empty()).await;
    assert!(entries(&files_dir(&relay, "acme").join("blobs")).is_empty());
}

#[tokio::test]
async fn a_backup_holds_the_files_and_a_restore_brings_them_back() {
    let mut relay = relay().await;
    let (mut v, token, _) = visitor_in_conversation(&relay).await;
    let a = uploaded(upload(&relay, &token, "keep.png", png(64, 48)).await).await;
    v.send(&VisitorFrame::Send { client_id: cid("p"), text: String::new(), attachments: vec![a.id.clone()] }).await;
    v.until(|f| matches!(f, ToVisitor::Ack { .. })).await;
    let original = get(&relay, &a.url).await.bytes().await.unwrap();
    let backups = tempfile::tempdir().unwrap();
    let to = backups.path().join("b1");
    let report = natter_relay::backup::backup(relay.dir.path(), &to).unwrap();
    let acme = report.manifest.tenants.iter().find(|t| t.id.as_str() == "acme").unwrap();
    assert_eq!(acme.files.count, 2, "the image and its thumbnail");
    relay.stop().await;

    let restored = tempfile::tempdir().unwrap();
    natter_relay::backup::restore(&to, restored.path(), false).unwrap();
    let mut config = test_config(restored.path());
    with_clamd(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(natter_relay::run(listener, config, async move {
        let _ = stopped.await;
    }));
    let login: natter_protocol::LoginResponse = reqwest::Client::new()
        .post(format!("http://{addr}/v1/agent/login"))
        .json(&serde_json::json!({"tenant": "acme", "email": "ann@x.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link: natter_protocol::FileLink = reqwest::Client::new()
        .get(format!("http://{addr}/v1/uploads/{}/link", a.id))
        .bearer_auth(&login.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let back = reqwest::get(format!("http://{addr}{}", link.url)).await.unwrap().bytes().await.unwrap();
    assert_eq!(back, original);
    let _ = stop.send(());
    task.await.unwrap().unwrap();

    // A file changed in the backup is caught.
    let blob = std::fs::read_dir(to.join("tenants/acme.files/blobs")).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&blob, b"tampered").unwrap();
    let err = natter_relay::backup::restore(&to, tempfile::tempdir().unwrap().path(), false).unwrap_err();
    assert!(err.to_string().contains("SHA-256"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_an_upload_leaves_nothing_half_stored() {
    use tokio::io::AsyncWriteExt as _;
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let clamd = clamd().to_string();
    let (mut natter, addr, _) = spawn_natter(dir.path(), &["--clamd", &clamd]).await;
    let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, None).await;
    let (token, _, _) = welcome_parts(&v.recv().await);

    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/uploads?tenant=acme&name=big.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Origin: {SHOP_ORIGIN}\r\nContent-Length: 5000000\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&vec![b'a'; 2_000_000]).await.unwrap();
    let files = dir.path().join("tenants/acme.files");
    eventually("the upload reaches a temporary file", async || !entries(&files.join("tmp")).is_empty()).await;
    natter.start_kill().unwrap(); // SIGKILL mid-body
    natter.wait().await.unwrap();
    assert!(!entries(&files.join("tmp")).is_empty(), "the crash left the temporary file behind");

    let (_natter, addr, _) = spawn_natter(dir.path(), &["--clamd", &clamd]).await;
    assert!(entries(&files.join("tmp")).is_empty(), "cleaned at start");
    assert!(entries(&files.join("blobs")).is_empty(), "nothing half-stored");
    // And the relay takes uploads again.
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/v1/uploads?tenant=acme&name=after.txt"))
        .bearer_auth(&token)
        .header("Origin", SHOP_ORIGIN)
        .body("after the crash")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
}
