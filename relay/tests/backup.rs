//! Backup and restore against real SQLite files and a real relay: a backup taken
//! while a visitor keeps sending holds every message acknowledged before it
//! began, restores into a new directory, and a relay started there serves it;
//! a restore never lands under a running relay, over files without `--force`,
//! or from a damaged backup.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::*;
use natter_protocol::{
    AgentFrame, ConversationId, MessageBody, PROTOCOL_VERSION, Seq, TenantId, ToVisitor, VisitorFrame,
};
use natter_relay::backup::{self, BackupError};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Sends the visitor may have unacknowledged at once: a steady stream that
/// never runs far ahead of the relay.
const IN_FLIGHT: usize = 100;
/// Acks to wait for before the backup starts.
const ACKED_BEFORE_BACKUP: usize = 300;
/// Safety bound on the sender; the test stops it long before.
const MAX_SENDS: usize = 50_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_a_visitor_sends_restores_every_message_acked_before_it() {
    let mut relay = TestRelay::start_with(|c| {
        c.limits.frames_per_sec = 1_000_000;
        c.limits.frame_burst = 1_000_000;
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("backup");
    let BackupRun { conversation: id, token, report, acked_before_backup, acked } =
        send_through_a_backup(relay.addr, relay.dir.path(), &to).await;
    relay.stop().await;

    let tenants: Vec<&str> = report.manifest.tenants.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tenants, ["acme", "globex"]);
    assert_backup_is_private(&to);

    let restored_parent = tempfile::tempdir().unwrap();
    let restored = restored_parent.path().join("data");
    let restore_report = backup::restore(&to, &restored, false).unwrap();
    assert_eq!(restore_report.manifest, report.manifest);
    assert!(restore_report.replaced.is_none());

    let running = Running::serve(&restored).await;
    let stored = history(running.addr, "acme", id).await;
    for (i, seq) in &acked_before_backup {
        assert_eq!(stored.get(i), Some(seq), "m{i}, acked before the backup began, is restored at its seq");
    }
    for (i, seq) in &stored {
        assert_eq!(acked.get(i), Some(seq), "m{i} was restored as it was acknowledged");
    }
    let mut seqs: Vec<u64> = stored.values().map(|s| s.0).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=stored.len() as u64).collect::<Vec<_>>(), "one message per seq, no gaps");
    assert!(stored.len() < acked.len(), "the snapshot was taken mid-stream ({} of {})", stored.len(), acked.len());
    // secret.key came along: the visitor's token still opens their conversation.
    let hello =
        VisitorFrame::Hello { v: PROTOCOL_VERSION, token: Some(token), conversation_id: Some(id), last_seq: None };
    let mut v = Client::visitor(running.addr, "acme", SHOP_ORIGIN, Some(hello)).await;
    let (_, conversation, last_seq) = welcome_parts(&v.recv().await);
    assert_eq!((conversation, last_seq), (Some(id), Seq(stored.len() as u64)));
    running.stop().await;

    for file in ["registry.db", "tenants/acme.db", "tenants/globex.db"] {
        assert_eq!(integrity(&restored.join(file)), "ok", "{file}");
    }
}

/// `natter backup` runs in a process of its own: the same, against the real
/// binary, checked in the restored files themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_beside_a_relay_process_holds_every_message_acked_before_it() {
    let dir = tempfile::tempdir().unwrap();
    seed(&test_config(dir.path())).await;
    let (mut child, addr) = spawn_relay(dir.path()).await;
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("backup");
    let run = send_through_a_backup(addr, dir.path(), &to).await;
    child.kill().await.unwrap();

    let restored = out.path().join("data");
    backup::restore(&to, &restored, false).unwrap();
    let db = restored.join("tenants/acme.db");
    assert_eq!(integrity(&db), "ok");
    let stored = stored_messages(&db, run.conversation);
    for (i, seq) in &run.acked_before_backup {
        assert_eq!(stored.get(i), Some(seq), "m{i}, acked before the backup began, is restored at its seq");
    }
    for (i, seq) in &stored {
        assert_eq!(run.acked.get(i), Some(seq), "m{i} was restored as it was acknowledged");
    }
    assert!(stored.len() < run.acked.len(), "the snapshot was taken mid-stream");
}

/// What [`send_through_a_backup`] saw.
struct BackupRun {
    conversation: ConversationId,
    /// The visitor's token, to come back with.
    token: String,
    report: backup::BackupReport,
    /// Message number → seq, of the acks received before the backup began.
    acked_before_backup: BTreeMap<usize, Seq>,
    /// … and of every ack.
    acked: BTreeMap<usize, Seq>,
}

/// A visitor of acme sends a steady stream; once [`ACKED_BEFORE_BACKUP`] are
/// acknowledged, `data_dir` is backed up into `to` while the stream goes on;
/// the stream stops only once a message sent after the backup returned is
/// acknowledged, so the backup was provably taken mid-stream.
async fn send_through_a_backup(addr: SocketAddr, data_dir: &Path, to: &Path) -> BackupRun {
    let mut v = Client::visitor(addr, "acme", SHOP_ORIGIN, None).await;
    let (token, _, _) = welcome_parts(&v.recv().await);
    v.send(&VisitorFrame::Send { client_id: cid("m0"), text: "m0".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        panic!()
    };
    let mut stream = Stream::start(v);
    let mut acked = BTreeMap::from([(0, Seq(1))]);
    stream.acks_until(&mut acked, |acked| acked.len() >= ACKED_BEFORE_BACKUP).await;
    let acked_before_backup = acked.clone();

    let (data, dest) = (data_dir.to_owned(), to.to_owned());
    let report = tokio::task::spawn_blocking(move || backup::backup(&data, &dest)).await.unwrap().unwrap();
    let sent_after_backup = stream.sent.load(Ordering::SeqCst);
    stream.acks_until(&mut acked, |acked| acked.keys().any(|&i| i > sent_after_backup)).await;
    let sent = stream.stop().await;
    stream.acks_until(&mut acked, |acked| acked.len() == sent).await;
    BackupRun { conversation: conversation_id, token, report, acked_before_backup, acked }
}

#[tokio::test]
async fn a_restore_is_refused_under_a_running_relay_and_over_files_without_force() {
    let mut relay = TestRelay::start().await;
    // The relay answers: it has opened (and locked) its data directory.
    assert_eq!(reqwest::get(relay.http("/healthz")).await.unwrap().status(), 200);
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("backup");
    backup::backup(relay.dir.path(), &to).unwrap();

    let err = backup::restore(&to, relay.dir.path(), true).unwrap_err();
    assert!(matches!(err, BackupError::Dir(_)), "{err}");
    assert!(err.to_string().contains("in use by another natter process"), "{err}");

    relay.stop().await;
    // Fold the write-ahead log into the file first: the last connection to
    // close does that anyway, and the comparison is about the restore alone.
    let registry = relay.dir.path().join("registry.db");
    rusqlite::Connection::open(&registry).unwrap().pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    let before = std::fs::read(&registry).unwrap();
    let err = backup::restore(&to, relay.dir.path(), false).unwrap_err();
    assert!(matches!(err, BackupError::NotEmpty(_)), "{err}");
    assert_eq!(std::fs::read(relay.dir.path().join("registry.db")).unwrap(), before, "nothing was touched");

    let report = backup::restore(&to, relay.dir.path(), true).unwrap();
    let replaced = report.replaced.expect("the earlier files were moved aside");
    for file in ["registry.db", "secret.key", "tenants/acme.db", "tenants/globex.db"] {
        assert!(replaced.join(file).exists(), "{file} kept in {}", replaced.display());
    }
    let storage = natter_relay::Storage::open(&test_config(relay.dir.path())).await.unwrap();
    let ids: Vec<TenantId> = storage.tenants.registry().list().await.unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, [tenant("acme"), tenant("globex")]);
    storage.tenants.shutdown().await;
}

#[tokio::test]
async fn a_damaged_backup_is_refused_before_anything_is_moved_in() {
    let relay = TestRelay::start().await;
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("backup");
    backup::backup(relay.dir.path(), &to).unwrap();
    let damaged = to.join("tenants/acme.db");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();

    let target = out.path().join("data");
    let err = backup::restore(&to, &target, false).unwrap_err();
    assert!(matches!(err, BackupError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("SHA-256"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["natter.lock"], "nothing moved in, no staging left behind");
}

#[tokio::test]
async fn a_backup_refuses_a_used_destination_and_a_directory_that_is_no_data_directory() {
    let relay = TestRelay::start().await;
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("something"), "x").unwrap();
    let err = backup::backup(relay.dir.path(), out.path()).unwrap_err();
    assert!(matches!(err, BackupError::DestinationExists(_)), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let err = backup::backup(empty.path(), &out.path().join("b")).unwrap_err();
    assert!(matches!(err, BackupError::NotADataDir(_)), "{err}");

    // An existing empty directory is fine, and no temporary directory is left.
    let target = out.path().join("empty");
    std::fs::create_dir(&target).unwrap();
    backup::backup(relay.dir.path(), &target).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["empty", "something"]);
}

/// A visitor sending `m1`, `m2`, … with at most [`IN_FLIGHT`] unacknowledged,
/// until stopped; acks arrive on a channel as (message number, seq).
struct Stream {
    sent: Arc<AtomicUsize>,
    sending: Arc<AtomicBool>,
    sender: tokio::task::JoinHandle<ClientTx>,
    reader: tokio::task::JoinHandle<()>,
    acks: mpsc::UnboundedReceiver<(usize, Seq)>,
}

impl Stream {
    fn start(visitor: VisitorClient) -> Self {
        let (mut tx, mut rx) = visitor.split();
        let window = Arc::new(Semaphore::new(IN_FLIGHT));
        let sent = Arc::new(AtomicUsize::new(0));
        let sending = Arc::new(AtomicBool::new(true));
        let (acks_tx, acks) = mpsc::unbounded_channel();
        let (w, s, go) = (window.clone(), sent.clone(), sending.clone());
        let sender = tokio::spawn(async move {
            for i in 1..MAX_SENDS {
                w.acquire().await.unwrap().forget();
                if !go.load(Ordering::SeqCst) {
                    break;
                }
                tx.send_frame(&VisitorFrame::Send {
                    client_id: cid(&format!("m{i}")),
                    text: format!("m{i}"),
                    attachments: vec![],
                })
                .await
                .unwrap();
                s.store(i, Ordering::SeqCst);
            }
            tx
        });
        let reader = tokio::spawn(async move {
            while let Some(frame) = rx.next_frame().await {
                if let ToVisitor::Ack { client_id, seq, .. } = frame {
                    window.add_permits(1);
                    let _ = acks_tx.send((number(client_id.as_str()), seq));
                }
            }
        });
        Self { sent, sending, sender, reader, acks }
    }

    async fn acks_until(&mut self, acked: &mut BTreeMap<usize, Seq>, done: impl Fn(&BTreeMap<usize, Seq>) -> bool) {
        while !done(acked) {
            let (i, seq) = self.acks.recv().await.expect("the visitor's socket stays open");
            assert!(acked.insert(i, seq).is_none(), "m{i} acknowledged once");
        }
    }

    /// Stops sending; returns how many messages were sent in all (m0 included).
    async fn stop(&mut self) -> usize {
        self.sending.store(false, Ordering::SeqCst);
        // Wakes the sender if it waits for a free slot.
        let _tx = (&mut self.sender).await.unwrap();
        self.sent.load(Ordering::SeqCst) + 1
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn number(client_id: &str) -> usize {
    client_id.trim_start_matches('m').parse().expect("client ids are m<number>")
}

/// A relay serving an existing data directory, in this process.
struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn serve(dir: &Path) -> Self {
        let config = test_config(dir);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            natter_relay::run(listener, config, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

/// Every text message of a conversation as message number → seq, read by
/// owner ann@ through `sync`.
async fn history(addr: SocketAddr, tenant: &str, id: ConversationId) -> BTreeMap<usize, Seq> {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/v1/agent/login"))
        .json(&serde_json::json!({"tenant": tenant, "email": "ann@x.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let login: natter_protocol::LoginResponse = res.json().await.unwrap();
    let mut ann =
        AgentClient::connect(addr, "/v1/ws/agent", &format!("http://127.0.0.1:{}", addr.port())).await.unwrap();
    ann.send(&AgentFrame::Hello { v: PROTOCOL_VERSION, token: login.token }).await;
    let messages = ann.follow(id).await;
    let mut stored = BTreeMap::new();
    for message in messages {
        if let MessageBody::Text { client_id, .. } = message.body {
            assert!(stored.insert(number(client_id.as_str()), message.seq).is_none(), "{client_id} stored once");
        }
    }
    stored
}

/// The real `natter` binary on port 0, serving `dir`.
async fn spawn_relay(dir: &Path) -> (tokio::process::Child, SocketAddr) {
    let (child, addr, _) = spawn_natter(dir, &LIFTED_RATES).await;
    (child, addr)
}

/// A conversation's visitor messages, read from its database file.
fn stored_messages(db: &Path, id: ConversationId) -> BTreeMap<usize, Seq> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn
        .prepare("SELECT client_id, seq FROM messages WHERE conversation_id = ?1 AND client_id IS NOT NULL")
        .unwrap();
    let rows = stmt.query_map([id.0], |row| Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))).unwrap();
    rows.map(|row| row.unwrap()).map(|(client_id, seq)| (number(&client_id), Seq(seq))).collect()
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap()
}

/// The backup directory and its subdirectory are 0700, every file 0600, and
/// each database is a single file (no `-wal`/`-shm` beside it).
fn assert_backup_is_private(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir), 0o700);
        assert_eq!(mode(&dir.join("tenants")), 0o700);
        for file in ["manifest.json", "registry.db", "secret.key", "tenants/acme.db", "tenants/globex.db"] {
            assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["acme.db", "globex.db"]);
    let header = std::fs::read(dir.join("tenants/acme.db")).unwrap();
    assert_eq!(&header[18..20], [1, 1], "rollback-journal mode, not WAL");
}
