//! The sign-in throttle under attack: concurrent guesses get no more password
//! checks than sequential ones, a stranger cannot lock an agent out, forwarded
//! addresses count only from trusted proxies, and password hashes are bounded.

mod common;

use std::net::IpAddr;

use common::*;
use futures_util::future::join_all;
use natter_protocol::{ApiErrorBody, ErrorCode};

/// A client whose connections come from `local` (any 127.x address is this host).
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(local.parse::<IpAddr>().unwrap()).build().unwrap()
}

/// Signs in with `password`, optionally claiming to be `forwarded_for`;
/// returns the status and the error code, if any.
async fn sign_in(
    relay: &TestRelay,
    http: &reqwest::Client,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (u16, Option<ErrorCode>) {
    let mut req = http
        .post(relay.http("/v1/agent/login"))
        .json(&serde_json::json!({"tenant": "acme", "email": email, "password": password}));
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        return (status, None);
    }
    if status == 429 {
        assert!(res.headers().contains_key("retry-after"), "a 429 says when to retry");
    }
    let body: ApiErrorBody = res.json().await.unwrap();
    (status, Some(body.error.code))
}

#[tokio::test]
async fn concurrent_wrong_passwords_get_no_more_checks_than_sequential_ones() {
    let relay = TestRelay::start().await;
    let http = reqwest::Client::new();
    let guesses = (0..30).map(|i| {
        let http = &http;
        let relay = &relay;
        async move { sign_in(relay, http, "ann@x.test", &format!("guess {i}"), None).await }
    });
    let answers = join_all(guesses).await;
    let checked = answers.iter().filter(|a| **a == (401, Some(ErrorCode::InvalidCredentials))).count();
    let throttled = answers.iter().filter(|a| **a == (429, Some(ErrorCode::TooManyAttempts))).count();
    assert_eq!(checked, 5, "exactly the free failures are checked: {answers:?}");
    assert_eq!(throttled, 25, "{answers:?}");
}

#[tokio::test]
async fn a_stranger_cannot_lock_an_agent_out() {
    let relay = TestRelay::start().await;
    let stranger = client_from("127.0.0.2");
    for i in 0..10 {
        let (status, _) = sign_in(&relay, &stranger, "ann@x.test", &format!("guess {i}"), None).await;
        assert!(status == 401 || status == 429, "{status}");
    }
    assert_eq!(sign_in(&relay, &stranger, "ann@x.test", PASSWORD, None).await.0, 429, "the stranger waits");
    let ann = client_from("127.0.0.3");
    assert_eq!(sign_in(&relay, &ann, "ann@x.test", PASSWORD, None).await, (200, None), "Ann does not");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Behind a trusted proxy, clients are told apart by X-Forwarded-For.
    let relay = TestRelay::start_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let http = reqwest::Client::new();
    for i in 0..10 {
        sign_in(&relay, &http, "ann@x.test", &format!("guess {i}"), Some("203.0.113.66")).await;
    }
    let stranger = sign_in(&relay, &http, "ann@x.test", PASSWORD, Some("203.0.113.66")).await;
    assert_eq!(stranger, (429, Some(ErrorCode::TooManyAttempts)));
    // The client's own forged entry to the left is not believed.
    let forged = sign_in(&relay, &http, "ann@x.test", PASSWORD, Some("198.51.100.1, 203.0.113.66")).await;
    assert_eq!(forged.0, 429);
    assert_eq!(sign_in(&relay, &http, "ann@x.test", PASSWORD, Some("203.0.113.10")).await, (200, None));

    // From an untrusted peer the header is ignored: a new forged address per
    // guess does not buy new tries.
    let relay = TestRelay::start_with(|c| c.trusted_proxies.clear()).await;
    let answers = join_all((0..10).map(|i| {
        let (relay, http) = (&relay, &http);
        async move { sign_in(relay, http, "ann@x.test", "nope", Some(&format!("203.0.113.{i}"))).await.0 }
    }))
    .await;
    assert_eq!(answers.iter().filter(|s| **s == 401).count(), 5, "{answers:?}");
}

#[tokio::test]
async fn one_address_cannot_spray_a_password_over_many_accounts() {
    let relay = TestRelay::start_with(|c| c.limits.login_client_max_failures = 3).await;
    let sprayer = client_from("127.0.0.4");
    for email in ["a@x.test", "b@x.test", "c@x.test"] {
        assert_eq!(sign_in(&relay, &sprayer, email, "Summer2026!", None).await.0, 401);
    }
    let next = sign_in(&relay, &sprayer, "bob@x.test", "Summer2026!", None).await;
    assert_eq!(next, (429, Some(ErrorCode::TooManyAttempts)));
    let bob = client_from("127.0.0.5");
    assert_eq!(sign_in(&relay, &bob, "bob@x.test", PASSWORD, None).await, (200, None));
}

#[tokio::test]
async fn many_addresses_against_one_account_leave_the_agents_own_address_in() {
    let relay = TestRelay::start_with(|c| c.limits.login_account_max_failures = 4).await;
    let ann = client_from("127.0.0.6");
    assert_eq!(sign_in(&relay, &ann, "ann@x.test", PASSWORD, None).await.0, 200);
    for n in 10..14 {
        let bot = client_from(&format!("127.0.1.{n}"));
        assert_eq!(sign_in(&relay, &bot, "ann@x.test", "guess", None).await.0, 401);
    }
    let new_bot = client_from("127.0.1.99");
    assert_eq!(sign_in(&relay, &new_bot, "ann@x.test", "guess", None).await.0, 429);
    assert_eq!(sign_in(&relay, &ann, "ann@x.test", PASSWORD, None).await, (200, None));
}

#[tokio::test]
async fn password_hashes_beyond_the_bound_are_refused_with_a_retry_after() {
    let relay = TestRelay::start_with(|c| c.limits.login_concurrent_hashes = 0).await;
    let http = reqwest::Client::new();
    let answer = sign_in(&relay, &http, "ann@x.test", PASSWORD, None).await;
    assert_eq!(answer, (429, Some(ErrorCode::RateLimited)));
}
