//! KPIs on a big tenant (issue 14): seeds a year of history straight into a
//! tenant database created by the relay's own migrations — by default
//! 1,000,000 messages in ~100,000 conversations over 365 days, 25 agents, 12
//! tags, transfers, ratings, every closed reason — then computes the rollups
//! with the relay's own pending-queue code (`kpi_drain`: the actor's runs of
//! 200 conversations, one transaction each, until the queue is empty), and
//! times the year queries the KPI API runs, on a read-only connection as the
//! tenant's `Reader` opens it (HTTP and JSON not included): median and worst
//! of 7 runs after one warm-up. Last, it streams a year's CSV exports page by
//! page as `GET /v1/admin/exports/*.csv` does, with rows/s and the process's
//! peak RSS during the export (reset before it through `/proc/self/clear_refs`).
//!
//! `cargo run --release -p natter-relay --example bench_kpi -- 1000000 [DIR to keep the database in]`
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::time::{Duration, Instant};

use natter_protocol::{KpiTargets, TenantSettings, UnixMillis};
use natter_relay::store::{self, schema};
use natter_relay::tenant::kpi_export::{self, Cursor, Filter, Kind};
use natter_relay::tenant::kpi_report::{self, By, Period};
use natter_relay::tenant::{kpi_days, kpi_drain};
use rusqlite::{Connection, OpenFlags, params};

const ZONE: &str = "Asia/Bangkok";
const AGENTS: u64 = 25;
const TAGS: u64 = 12;
const DAY_MS: i64 = 86_400_000;
/// 2026-12-01 00:00 UTC: the seeded year ends here.
const NOW: i64 = 1_796_083_200_000;

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// true with probability pct %.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn main() {
    let messages: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    // A second argument keeps the database there (for EXPLAIN QUERY PLAN and the sqlite3 shell).
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = match std::env::args().nth(2) {
        Some(keep) => Path::new(&keep).join("bench.db"),
        None => dir.path().join("bench.db"),
    };
    let mut db = store::open(&path, schema::TENANT).expect("tenant database");
    let mut settings = TenantSettings::default();
    settings.hours.timezone = ZONE.to_owned();

    let started = Instant::now();
    let seeded = seed(&mut db, messages);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {} conversations, {} messages, {} ratings in {:.1?} ({} MB)",
        seeded.conversations,
        seeded.messages,
        seeded.ratings,
        started.elapsed(),
        size / 1_000_000
    );

    let started = Instant::now();
    let runs = kpi_drain(&db, &settings).expect("rollups");
    let took = started.elapsed();
    let rate = seeded.conversations as f64 / took.as_secs_f64();
    println!("rollups: {runs} runs of the pending queue in {took:.1?} ({rate:.0} conversations/s)");
    drop(db);

    let reader = read_only(&path);
    queries(&reader);
    exports(&reader);
}

struct Seeded {
    conversations: u64,
    messages: u64,
    ratings: u64,
}

/// A read-only connection as the tenant's `Reader` opens it.
fn read_only(path: &Path) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(path, flags).expect("read-only connection");
    store::configure(&db).expect("configure");
    db
}

/// Creation times: uniform over the days, busier in the afternoon (local).
fn created_at(rng: &mut Rng) -> i64 {
    let day = i64::try_from(rng.below(365)).unwrap_or(0);
    // Hours 9–21 local (UTC+7) get 85 % of the traffic.
    let local_hour = if rng.pct(85) { 9 + rng.below(13) } else { rng.below(24) };
    let utc_hour = (i64::try_from(local_hour).unwrap_or(0) + 24 - 7) % 24;
    let minute_ms = i64::try_from(rng.below(3_600_000)).unwrap_or(0);
    NOW - 365 * DAY_MS + day * DAY_MS + utc_hour * 3_600_000 + minute_ms
}

/// How a seeded conversation goes.
struct Plan {
    id: u64,
    visitor: u64,
    created: i64,
    agent: Option<u64>,
    /// agent | visitor | abandoned | inactive
    reason: &'static str,
    offline: bool,
    transferred: bool,
    messages: u64,
}

fn plan(rng: &mut Rng, id: u64, visitor: u64, created: i64, messages: u64) -> Plan {
    let roll = rng.below(100);
    let (reason, answered, offline) = match roll {
        0..70 => ("agent", true, false),
        70..82 => ("visitor", true, false),
        82..90 => ("abandoned", false, false),
        90..97 => ("inactive", rng.pct(50), false),
        _ => ("agent", true, true),
    };
    Plan {
        id,
        visitor,
        created,
        agent: answered.then(|| 1 + rng.below(AGENTS)),
        reason,
        offline,
        transferred: answered && rng.pct(8),
        messages: if answered { messages } else { messages.min(3) },
    }
}

fn seed(db: &mut Connection, target_messages: u64) -> Seeded {
    db.pragma_update(None, "synchronous", "OFF").expect("pragma");
    // Each conversation row is written after its messages (its close time is known then).
    db.pragma_update(None, "foreign_keys", "OFF").expect("pragma");
    let mut rng = Rng(14);
    let tx = db.transaction().expect("begin");
    for a in 1..=AGENTS {
        tx.execute(
            "INSERT INTO agents(id, email, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, 'agent', 'x', 0)",
            params![a, format!("agent{a}@shop.example"), format!("Agent {a:02}")],
        )
        .expect("agent");
    }
    for t in 1..=TAGS {
        tx.execute(
            "INSERT INTO tags(id, name, color, created_at) VALUES (?1, ?2, '#336699', 0)",
            params![t, format!("tag-{t:02}")],
        )
        .expect("tag");
    }
    tx.commit().expect("commit");

    // ~10 messages a conversation: 4 to 18 when answered, up to 3 when not.
    let conversations = target_messages / 10;
    let mut times: Vec<i64> = (0..conversations).map(|_| created_at(&mut rng)).collect();
    times.sort_unstable();
    let mut seeded = Seeded { conversations, messages: 0, ratings: 0 };
    let mut visitors = 0u64;
    for chunk in times.chunks(5_000).enumerate() {
        let tx = db.transaction().expect("begin");
        for (i, &created) in chunk.1.iter().enumerate() {
            let id = (chunk.0 * 5_000 + i) as u64 + 1;
            // 30 % come back: a visitor of one of the last 2,000 conversations.
            let visitor = if visitors > 2_000 && rng.pct(30) {
                visitors - rng.below(2_000)
            } else {
                visitors += 1;
                insert_visitor(&tx, visitors, created);
                visitors
            };
            let budget = 4 + rng.below(15);
            let p = plan(&mut rng, id, visitor, created, budget);
            let (n, rated) = insert_conversation(&tx, &mut rng, &p);
            seeded.messages += n;
            seeded.ratings += u64::from(rated);
        }
        tx.commit().expect("commit");
    }
    db.pragma_update(None, "synchronous", "FULL").expect("pragma");
    seeded
}

fn visitor_key(n: u64) -> String {
    format!("v{n:021}")
}

fn insert_visitor(tx: &Connection, n: u64, at: i64) {
    tx.prepare_cached("INSERT INTO visitors(id, name, email, created_at) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| s.execute(params![visitor_key(n), format!("Visitor {n}"), format!("v{n}@mail.example"), at]))
        .expect("visitor");
}

/// Inserts one conversation with its messages, assignments, tags and rating;
/// returns the messages written and whether it was rated.
fn insert_conversation(tx: &Connection, rng: &mut Rng, p: &Plan) -> (u64, bool) {
    let wait = 5_000 + i64::try_from(rng.below(240_000)).unwrap_or(0);
    let mut at = p.created;
    let mut m = Messages { conversation: p.id, seq: 0 };
    m.add(tx, at, "visitor", None, "text", "Hello, where is my parcel? It has not arrived yet.");
    if let Some(agent) = p.agent {
        at += wait;
        let claimed = format!(r#"{{"event":"claimed","agent":{{"id":{agent},"name":"Agent {agent:02}"}}}}"#);
        m.add(tx, at, "system", None, "event", &claimed);
        assignment(tx, p.id, at, "claimed", agent);
        if p.transferred {
            assignment(tx, p.id, at + 60_000, "transferred", 1 + (agent % AGENTS));
        }
    }
    let agent = p.agent.map(|a| if p.transferred { 1 + (a % AGENTS) } else { a });
    let texts = p.messages.saturating_sub(m.seq + 1);
    for i in 0..texts {
        at += 10_000 + i64::try_from(rng.below(90_000)).unwrap_or(0);
        match agent.filter(|_| i % 2 == 0) {
            Some(a) => m.add(tx, at, "agent", Some(a), "text", "Thanks for waiting, let me check that order for you."),
            None => m.add(tx, at, "visitor", None, "text", "It was order 1234, placed last Tuesday."),
        };
    }
    at += 30_000;
    let closed =
        format!(r#"{{"event":"closed","by":{{"role":"{}"}}}}"#, if p.reason == "agent" { "agent" } else { "system" });
    let last = m.add(tx, at, "system", None, "event", &closed);
    tx.prepare_cached(
        "INSERT INTO conversations(id, visitor_id, status, assignee_id, assignee_name, created_at, closed_at, last_seq,
            queued_at, assigned_at, closed_reason, last_activity_at, offline, skill, preview)
         VALUES (?1, ?2, 'closed', ?3, ?4, ?5, ?6, ?7, ?5, ?8, ?9, ?6, ?10, ?11, 'It was order 1234')",
    )
    .and_then(|mut s| {
        let skill = ["sales", "support", "returns"][usize::try_from(p.id % 3).unwrap_or(0)];
        let name = agent.map(|a| format!("Agent {a:02}"));
        let assigned = agent.map(|_| p.created + wait);
        s.execute(params![
            p.id,
            visitor_key(p.visitor),
            agent,
            name,
            p.created,
            at,
            last,
            assigned,
            p.reason,
            p.offline,
            skill
        ])
    })
    .expect("conversation");
    tag(tx, rng, p.id, at);
    let rated = agent.is_some() && rng.pct(25);
    if rated {
        let score = [5, 5, 5, 4, 4, 4, 3, 2, 1, 5][usize::try_from(rng.below(10)).unwrap_or(0)];
        let comment = rng.pct(30).then_some("Quick and kind, thank you");
        tx.prepare_cached(
            "INSERT INTO ratings(conversation_id, agent_id, score, comment, first_rated_at, rated_at, via)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'widget')",
        )
        .and_then(|mut s| s.execute(params![p.id, agent, score, comment, at + 120_000]))
        .expect("rating");
    }
    (m.seq, rated)
}

/// Writes a conversation's messages in seq order.
struct Messages {
    conversation: u64,
    seq: u64,
}

impl Messages {
    fn add(&mut self, tx: &Connection, at: i64, author: &str, agent: Option<u64>, kind: &str, body: &str) -> u64 {
        self.seq += 1;
        let sender = match author {
            "visitor" => Some("v".to_owned()),
            "agent" => agent.map(|a| format!("a{a}")),
            _ => None,
        };
        let client = sender.as_ref().map(|_| format!("c{}-{}", self.conversation, self.seq));
        let name = agent.map(|a| format!("Agent {a:02}"));
        tx.prepare_cached(
            "INSERT INTO messages(conversation_id, seq, at, author, agent_id, agent_name, kind, body, sender, client_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .and_then(|mut s| s.execute(params![self.conversation, self.seq, at, author, agent, name, kind, body, sender, client]))
        .expect("message");
        self.seq
    }
}

fn assignment(tx: &Connection, conversation: u64, at: i64, kind: &str, agent: u64) {
    tx.prepare_cached(
        "INSERT INTO assignments(conversation_id, at, kind, agent_id, by_agent_id) VALUES (?1, ?2, ?3, ?4, ?4)",
    )
    .and_then(|mut s| s.execute(params![conversation, at, kind, agent]))
    .expect("assignment");
}

/// 40 % get one tag, 10 % two.
fn tag(tx: &Connection, rng: &mut Rng, conversation: u64, at: i64) {
    let n = match rng.below(100) {
        0..40 => 1,
        40..50 => 2,
        _ => 0,
    };
    let first = 1 + rng.below(TAGS);
    for t in 0..n {
        tx.prepare_cached("INSERT INTO conversation_tags(conversation_id, tag_id, added_at) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![conversation, 1 + (first + t) % TAGS, at]))
            .expect("tag");
    }
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`):
/// unlike wall time, not inflated when other processes share the cores.
fn cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// One run: wall and CPU time.
fn run_once<T>(f: &mut impl FnMut() -> T) -> (Duration, Duration) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    drop(f());
    (wall.elapsed(), Duration::from_nanos(cpu_ns().saturating_sub(cpu)))
}

/// Median and worst of 7 runs after a warm-up (the first run), wall and CPU.
fn time<T>(what: &str, mut f: impl FnMut() -> T) {
    let first = run_once(&mut f);
    let runs: Vec<(Duration, Duration)> = (0..7).map(|_| run_once(&mut f)).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut wall: Vec<Duration> = runs.iter().map(|r| r.0).collect();
    let mut cpu: Vec<Duration> = runs.iter().map(|r| r.1).collect();
    wall.sort_unstable();
    cpu.sort_unstable();
    println!(
        "{what:<37} wall median {:>7.2} ms worst {:>7.2} ms first {:>7.2} ms | CPU median {:>7.2} ms worst {:>7.2} ms",
        ms(wall[3]),
        ms(wall[6]),
        ms(first.0),
        ms(cpu[3]),
        ms(cpu[6])
    );
}

fn last_days(n: i64) -> Period {
    let tz = kpi_days::zone(ZONE);
    let today = kpi_days::today(&tz, UnixMillis(NOW - 1));
    Period { from: kpi_days::shift(today, 1 - n), to: today }
}

fn queries(db: &Connection) {
    let (year, month) = (last_days(365), last_days(30));
    let targets = KpiTargets::default();
    time("summary, 365 days", || kpi_report::summary(db, ZONE, year, &targets).expect("summary"));
    time("trends, 30 days", || kpi_report::trends(db, ZONE, month).expect("trends"));
    time("trends, 365 days", || kpi_report::trends(db, ZONE, year).expect("trends"));
    time("heatmap, 365 days", || kpi_report::heatmap(db, ZONE, year).expect("heatmap"));
    time("agents (scorecards), 365 days", || kpi_report::scorecards(db, year, None).expect("scorecards"));
    time("breakdown by tag, 365 days", || kpi_report::breakdown(db, By::Tag, year).expect("breakdown"));
    time("breakdown by closed_reason, 365 days", || {
        kpi_report::breakdown(db, By::ClosedReason, year).expect("breakdown")
    });
    time("breakdown by skill, 365 days", || kpi_report::breakdown(db, By::Skill, year).expect("breakdown"));
}

/// Peak RSS since the last reset, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn exports(db: &Connection) {
    let filter = Filter { period: last_days(365), agent: None, tag: None, rating: None };
    for (name, kind) in
        [("conversations.csv", Kind::Conversations), ("messages.csv", Kind::Messages), ("ratings.csv", Kind::Ratings)]
    {
        // Writing "5" resets the peak RSS (VmHWM) to the current RSS.
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let before = peak_rss_kib();
        let (started, cpu_before) = (Instant::now(), cpu_ns());
        let (mut rows, mut bytes, mut pages) = (0u64, kpi_export::header(kind).expect("header").len(), 0u64);
        let mut cursor = Some(Cursor::default());
        while let Some(c) = cursor {
            let (page, next) = kpi_export::page(db, kind, &filter, c).expect("page");
            rows += page.iter().filter(|b| **b == b'\n').count() as u64;
            bytes += page.len();
            pages += 1;
            cursor = next;
        }
        let took = started.elapsed();
        let cpu = Duration::from_nanos(cpu_ns().saturating_sub(cpu_before));
        let peak = if reset { format!("{} KiB (before: {before} KiB)", peak_rss_kib()) } else { "n/a".to_owned() };
        println!(
            "export {name:<18} {rows:>8} rows {:>6.1} MB {pages:>5} pages  wall {took:>8.2?} ({:>7.0} rows/s)  CPU {cpu:>8.2?} ({:>7.0} rows/s)  peak RSS {peak}",
            bytes as f64 / 1e6,
            rows as f64 / took.as_secs_f64(),
            rows as f64 / cpu.as_secs_f64()
        );
    }
}
