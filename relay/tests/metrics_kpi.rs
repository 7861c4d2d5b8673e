//! KPIs and CSAT end to end: a synthetic history with a known answer, built
//! through the real sockets on a manual clock standing in Berlin's night of the
//! March 2026 daylight-saving change, gives exactly the expected figures; the
//! survey, its expiry, one change and no second, the signed rating page
//! (forged and expired links), tenant isolation and the plain agent's limits.
//! Nothing sleeps: tests wait for the frames that say a step is done (the
//! `metrics_changed` frame follows the rollup's commit).

mod common;

use std::time::Duration;

use common::{AgentClient, TestRelay, VisitorClient, cid};
use natter_protocol::{
    AgentFrame, AgentId, ConversationId, ConversationStatus, ErrorCode, KpiSummary, TenantId, ToAgent, ToVisitor,
    UnixMillis, VisitorFrame,
};
use natter_relay::auth::rating_link::RatingLinks;
use natter_relay::time::Clock;

const MIN: u64 = 60;

fn at(iso: &str) -> UnixMillis {
    UnixMillis(iso.parse::<jiff::Timestamp>().unwrap().as_millisecond())
}

async fn start(clock: &Clock) -> TestRelay {
    let clock = clock.clone();
    let relay = TestRelay::start_with(move |c| {
        c.housekeeping_every = Duration::from_millis(20);
        // Agents stay signed in and available across the hours the clock jumps.
        c.sessions.idle_timeout = Duration::from_secs(24 * 3600);
        c.clock = clock;
    })
    .await;
    relay
        .edit_settings("acme", |s| {
            s.hours.timezone = "Europe/Berlin".into();
            s.routing.abandon_after_secs = 60;
            s.routing.away_after_secs = 86_400;
            s.csat.enabled = true;
            s.csat.expiry_hours = 1;
        })
        .await;
    relay
}

/// A visitor who wrote `text`: their socket and conversation.
async fn visitor_writes(relay: &TestRelay, text: &str) -> (VisitorClient, ConversationId) {
    let mut v = relay.visitor("acme").await;
    v.recv().await;
    v.send(&VisitorFrame::Send { client_id: cid("v1"), text: text.into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    (v, conversation_id)
}

fn status_of(f: &ToAgent, id: ConversationId) -> Option<ConversationStatus> {
    match f {
        ToAgent::Conversation { conversation } if conversation.id == id => Some(conversation.status),
        _ => None,
    }
}

async fn claim(agent: &mut AgentClient, id: ConversationId) {
    agent.send(&AgentFrame::Claim { conversation_id: id }).await;
    agent.until(|f| status_of(f, id) == Some(ConversationStatus::Active)).await;
}

async fn reply(agent: &mut AgentClient, id: ConversationId, client_id: &str) {
    let frame = AgentFrame::Send {
        conversation_id: id,
        client_id: cid(client_id),
        text: "hello".into(),
        attachments: vec![],
        quick_replies: vec![],
    };
    agent.send(&frame).await;
    agent.until(|f| matches!(f, ToAgent::Ack { .. })).await;
}

async fn close(agent: &mut AgentClient, id: ConversationId) {
    agent.send(&AgentFrame::Close { conversation_id: id }).await;
    agent.until(|f| status_of(f, id) == Some(ConversationStatus::Closed)).await;
}

/// Waits for the rollup that follows what the socket has seen so far.
async fn rolled_up(agent: &mut AgentClient) {
    agent.until(|f| matches!(f, ToAgent::MetricsChanged { .. })).await;
}

async fn get(relay: &TestRelay, token: &str, path: &str) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new().get(relay.http(path)).bearer_auth(token).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

async fn summary(relay: &TestRelay, token: &str, day: &str) -> KpiSummary {
    let (status, body) = get(relay, token, &format!("/v1/admin/metrics/summary?from={day}&to={day}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_known_history_gives_exact_kpis_on_local_days_across_dst() {
    // 23:00 in Berlin (UTC+1) on Saturday 28 March 2026; clocks go forward at
    // 02:00 the next night.
    let clock = Clock::manual_at(at("2026-03-28T22:00:00Z"));
    let relay = start(&clock).await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;
    let (mut bob, _) = relay.agent("acme", "bob@x.test").await;
    let bob_id = relay.login("acme", "bob@x.test").await.agent.id;

    // A: 23:00 on the 28th; claimed after 30 s, answered after 60 s, closed
    // after 10 minutes; rated 4 after midnight.
    let (mut va, a) = visitor_writes(&relay, "hi").await;
    clock.advance(Duration::from_secs(30));
    claim(&mut ann, a).await;
    clock.advance(Duration::from_secs(30));
    reply(&mut ann, a, "a1").await;
    clock.advance(Duration::from_secs(9 * MIN));
    close(&mut ann, a).await;
    va.until(|f| matches!(f, ToVisitor::Survey { can_rate: true, .. })).await;

    // Five past midnight: A is rated (within the survey's hour); it counts on the 28th.
    clock.advance(Duration::from_secs(55 * MIN));
    va.send(&VisitorFrame::Rate { conversation_id: a, score: 4, comment: Some("ok".into()) }).await;
    va.until(|f| matches!(f, ToVisitor::Survey { score: Some(4), .. })).await;

    // B: 03:30 CEST on the 29th (01:30 UTC): answered after 2 minutes, then
    // transferred to Bob, who closes it.
    clock.advance(Duration::from_secs(2 * 3600 + 25 * MIN));
    let (_vb, b) = visitor_writes(&relay, "help").await;
    claim(&mut ann, b).await;
    clock.advance(Duration::from_secs(2 * MIN));
    reply(&mut ann, b, "b1").await;
    ann.send(&AgentFrame::Transfer { conversation_id: b, to: bob_id, note: None }).await;
    bob.until(|f| {
        matches!(f, ToAgent::Conversation { conversation } if conversation.id == b
        && conversation.assignee.as_ref().map(|a| a.id) == Some(bob_id))
    })
    .await;
    clock.advance(Duration::from_secs(5 * MIN));
    close(&mut bob, b).await;

    // C: the visitor leaves the queue unanswered: missed.
    let (vc, c) = visitor_writes(&relay, "anyone?").await;
    vc.close_and_wait().await;
    ann.round_trip().await;
    clock.advance(Duration::from_secs(MIN));
    ann.until(|f| status_of(f, c) == Some(ConversationStatus::Closed)).await;
    rolled_up(&mut ann).await;

    let saturday = summary(&relay, &owner, "2026-03-28").await;
    let f = &saturday.figures;
    assert_eq!((f.conversations, f.closed, f.answered, f.missed), (1, 1, 1, 0));
    assert_eq!((f.frt_median_ms, f.frt_p90_ms), (Some(60_000), Some(60_000)));
    assert_eq!(f.resolution_avg_ms, Some(600_000));
    assert_eq!(f.wait_avg_ms, Some(30_000));
    assert_eq!((f.fcr_rate, f.csat_avg, f.csat_distribution), (Some(1.0), Some(4.0), [0, 0, 0, 1, 0]));
    assert_eq!(saturday.timezone, "Europe/Berlin");

    let sunday = summary(&relay, &owner, "2026-03-29").await;
    let f = &sunday.figures;
    assert_eq!((f.conversations, f.closed, f.answered, f.missed, f.transfers), (3 - 1, 2, 1, 1, 1));
    assert_eq!(f.frt_median_ms, Some(120_000));
    assert_eq!(f.resolution_avg_ms, Some(7 * 60_000));
    assert_eq!((f.fcr_rate, f.missed_rate, f.csat_avg), (Some(0.0), Some(0.5), None));
    // The previous period of the 29th is the 28th; FRT 120 s against a 120 s target: green, and worse.
    let frt = sunday.judged.iter().find(|j| j.name == "frt_median_ms").unwrap();
    assert_eq!(frt.previous, Some(60_000.0));
    assert_eq!((frt.status, frt.better), (Some(natter_protocol::TargetStatus::Green), Some(false)));
    assert!(sunday.per_agent.iter().any(|p| p.agent_id == bob_id && p.conversations == 1));

    // The heatmap puts B and C on Sunday (6) at 03:00 local, A on Saturday at 23:00.
    let (_, heat) = get(&relay, &owner, "/v1/admin/metrics/heatmap?from=2026-03-28&to=2026-03-29").await;
    assert_eq!(heat["counts"][5][23], 1);
    assert_eq!(heat["counts"][6][3], 2);

    // Trends: one point per day, oldest first.
    let (_, trends) = get(&relay, &owner, "/v1/admin/metrics/trends?from=2026-03-27&to=2026-03-29").await;
    let days: Vec<_> =
        trends["days"].as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap().to_owned()).collect();
    assert_eq!(days, ["2026-03-27", "2026-03-28", "2026-03-29"]);
    assert_eq!(trends["days"][1]["figures"]["conversations"], 1);

    // Scorecards: Ann has A (rated 4), Bob has B (one transfer).
    let (_, cards) = get(&relay, &owner, "/v1/admin/metrics/agents?from=2026-03-28&to=2026-03-29").await;
    let card = |name: &str| cards["agents"].as_array().unwrap().iter().find(|c| c["name"] == name).cloned().unwrap();
    assert_eq!((card("Ann")["chats"].as_u64(), card("Ann")["csat_avg"].as_f64()), (Some(1), Some(4.0)));
    assert_eq!((card("Bob")["chats"].as_u64(), card("Bob")["transfers"].as_u64()), (Some(1), Some(1)));

    // Breakdown by closed reason.
    let (_, by_reason) =
        get(&relay, &owner, "/v1/admin/metrics/breakdown?by=closed_reason&from=2026-03-28&to=2026-03-29").await;
    let rows = by_reason["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["key"] == "abandoned" && r["missed"] == 1), "{by_reason}");

    // The CSV export streams the three conversations with their KPIs.
    let csv = reqwest::Client::new()
        .get(relay.http("/v1/admin/exports/conversations.csv?from=2026-03-28&to=2026-03-29"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].starts_with(&format!("{},2026-03-28,", a.0)), "{text}");
    assert!(lines[1].contains(",60.0,600.0,0,1,4,ok,"), "{text}");

    // Live: nothing waits, nothing is active, two agents online.
    let (_, live) = get(&relay, &owner, "/v1/admin/metrics/live").await;
    assert_eq!(
        (live["waiting"].as_u64(), live["active"].as_u64(), live["agents_online"].as_u64()),
        (Some(0), Some(0), Some(2))
    );
}

#[tokio::test]
async fn ratings_change_once_expire_and_come_through_signed_links() {
    let clock = Clock::manual();
    let relay = start(&clock).await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    let (mut ann, _) = relay.agent("acme", "ann@x.test").await;

    let (mut v, c) = visitor_writes(&relay, "hi").await;
    claim(&mut ann, c).await;
    reply(&mut ann, c, "r1").await;
    close(&mut ann, c).await;
    let survey = v.until(|f| matches!(f, ToVisitor::Survey { .. })).await;
    assert!(matches!(
        survey,
        ToVisitor::Survey { can_rate: true, expires_in_secs: 3600, delay_secs: 0, score: None, .. }
    ));

    // Bad input is refused, typed.
    v.send(&VisitorFrame::Rate { conversation_id: c, score: 0, comment: None }).await;
    assert_eq!(v.error().await.0, ErrorCode::InvalidInput);
    v.send(&VisitorFrame::Rate { conversation_id: c, score: 3, comment: Some("x".repeat(1001)) }).await;
    assert_eq!(v.error().await.0, ErrorCode::InvalidInput);
    v.send(&VisitorFrame::Rate { conversation_id: ConversationId(c.0 + 100), score: 3, comment: None }).await;
    assert_eq!(v.error().await.0, ErrorCode::RatingUnavailable);

    // Rated, changed once, then locked; the agent sees it on the conversation.
    v.send(&VisitorFrame::Rate { conversation_id: c, score: 2, comment: Some("slow".into()) }).await;
    v.until(|f| matches!(f, ToVisitor::Survey { score: Some(2), can_rate: true, .. })).await;
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.rating.as_ref().is_some_and(|r| r.score == 2))).await;
    v.send(&VisitorFrame::Rate { conversation_id: c, score: 5, comment: None }).await;
    v.until(|f| matches!(f, ToVisitor::Survey { score: Some(5), can_rate: false, .. })).await;
    v.send(&VisitorFrame::Rate { conversation_id: c, score: 1, comment: None }).await;
    assert_eq!(v.error().await.0, ErrorCode::RatingLocked);

    // Another conversation: after the hour, too late.
    v.send(&VisitorFrame::Send { client_id: cid("v2"), text: "again".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: c2, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    claim(&mut ann, c2).await;
    reply(&mut ann, c2, "r2").await;
    close(&mut ann, c2).await;
    v.until(|f| matches!(f, ToVisitor::Survey { conversation_id, .. } if *conversation_id == c2)).await;
    clock.advance(Duration::from_secs(61 * MIN));
    v.send(&VisitorFrame::Rate { conversation_id: c2, score: 4, comment: None }).await;
    assert_eq!(v.error().await.0, ErrorCode::RatingExpired);

    // The signed page: a third conversation rated through its link.
    v.send(&VisitorFrame::Send { client_id: cid("v3"), text: "third".into(), attachments: vec![] }).await;
    let ToVisitor::Ack { conversation_id: c3, .. } = v.until(|f| matches!(f, ToVisitor::Ack { .. })).await else {
        unreachable!()
    };
    claim(&mut ann, c3).await;
    reply(&mut ann, c3, "r3").await;
    close(&mut ann, c3).await;
    let secret = natter_relay::auth::secret::load_or_create(relay.dir.path()).unwrap();
    let links = RatingLinks::new(&secret);
    let acme = TenantId::parse("acme").unwrap();
    let later = UnixMillis(clock.now().0 + 3_600_000);
    let http = reqwest::Client::new();
    let page =
        http.get(links.url(&relay.http(""), &acme, c3, later)).header("accept-language", "th-TH").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("form-action 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("lang=\"th\"") && html.contains("type=\"radio\"") && html.contains("<legend>"), "{html}");
    let sent = http
        .post(links.url(&relay.http(""), &acme, c3, later))
        .form(&[("score", "4"), ("comment", "quick <b>and</b> kind")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    ann.until(|f| matches!(f, ToAgent::Conversation { conversation } if conversation.id == c3 && conversation.rating.is_some())).await;

    // Forged, another tenant's key, expired: refused.
    let token = links.token(&acme, c3, later);
    let forged = format!("{}x", token);
    assert_eq!(http.get(relay.http(&format!("/r/{forged}"))).send().await.unwrap().status(), 403);
    let other = RatingLinks::new(b"not the installation secret").token(&acme, c3, later);
    assert_eq!(http.get(relay.http(&format!("/r/{other}"))).send().await.unwrap().status(), 403);
    let expired = links.token(&acme, c3, UnixMillis(clock.now().0 - 1000));
    assert_eq!(http.get(relay.http(&format!("/r/{expired}"))).send().await.unwrap().status(), 410);
    // A globex link naming acme's conversation id finds nothing there.
    let globex = TenantId::parse("globex").unwrap();
    let cross = links.token(&globex, c3, later);
    assert_eq!(http.get(relay.http(&format!("/r/{cross}"))).send().await.unwrap().status(), 404);

    // Supervisors see the comments; globex's owner sees none of acme's.
    let (status, list) = get(&relay, &owner, "/v1/admin/ratings?with_comment=true").await;
    assert_eq!(status, 200);
    let ratings = list["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 1, "{list}");
    assert_eq!((ratings[0]["score"].as_u64(), ratings[0]["via"].as_str()), (Some(4), Some("link")));
    let globex_owner = relay.login("globex", "ann@x.test").await.token;
    let (_, theirs) = get(&relay, &globex_owner, "/v1/admin/ratings").await;
    assert_eq!(theirs["ratings"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn plain_agents_see_their_own_scorecard_and_bad_queries_are_typed() {
    let clock = Clock::manual();
    let relay = start(&clock).await;
    let bob = relay.login("acme", "bob@x.test").await;
    let ann_id: AgentId = relay.login("acme", "ann@x.test").await.agent.id;
    for path in [
        "/v1/admin/metrics/live",
        "/v1/admin/metrics/summary",
        "/v1/admin/metrics/trends",
        "/v1/admin/metrics/heatmap",
        "/v1/admin/metrics/breakdown?by=skill",
        "/v1/admin/ratings",
        "/v1/admin/exports/conversations.csv",
    ] {
        assert_eq!(get(&relay, &bob.token, path).await.0, 403, "{path}");
        assert_eq!(get(&relay, "nope", path).await.0, 401, "{path}");
    }
    let (status, own) = get(&relay, &bob.token, "/v1/admin/metrics/agents").await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(get(&relay, &bob.token, &format!("/v1/admin/metrics/agents?agent={}", ann_id.0)).await.0, 403);
    relay.edit_settings("acme", |s| s.metrics.agents_see_team = true).await;
    assert_eq!(get(&relay, &bob.token, &format!("/v1/admin/metrics/agents?agent={}", ann_id.0)).await.0, 200);

    let owner = relay.login("acme", "ann@x.test").await.token;
    for (path, field) in [
        ("/v1/admin/metrics/summary?from=2026-13-01", "from"),
        ("/v1/admin/metrics/summary?from=2026-03-02&to=2026-03-01", "to"),
        ("/v1/admin/metrics/summary?from=2024-01-01&to=2026-01-01", "to"),
        ("/v1/admin/metrics/trends?days=0", "days"),
        ("/v1/admin/metrics/breakdown?by=colour", "by"),
        ("/v1/admin/ratings?limit=0", "limit"),
        ("/v1/admin/exports/conversations.csv?rating=9", "rating"),
    ] {
        let (status, body) = get(&relay, &owner, path).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some(field)), "{path}: {body}");
    }
    assert_eq!(get(&relay, &owner, "/v1/admin/metrics/summary?colour=red").await.0, 422);
    assert_eq!(get(&relay, &owner, "/v1/admin/exports/secrets.csv").await.0, 404);
}
