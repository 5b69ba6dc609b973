//! Pine Labs access tokens under load, through the facade: one token request for a cold
//! client's burst of calls, one refresh when the token nears expiry mid-run, and a failing
//! token endpoint failing every waiting call alike, promptly. The token endpoint is a mock
//! that counts its requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use paylinks::{Environment, LinkRef, Paylinks, Provider, RetryPolicy, Timeouts};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const LINK: &str = r#"{"payment_link_id":"pl-v1-250306082755-aa-uT0noy","status":"CREATED",
"amount":{"value":100,"currency":"INR"},"amount_due":{"value":100,"currency":"INR"},
"expire_by":"2025-03-21T08:29Z","created_at":"2025-03-06T08:27:55.881Z",
"payment_link":"https://pluraluat.v2.pinepg.in/pay/x"}"#;

/// A Pine Labs mock: token `n` valid for `valid_for(n)`, answered after `delay`; the link.
async fn pine_labs(
    delay: Duration,
    valid_for: impl Fn(usize) -> chrono::Duration + Send + Sync + 'static,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    Mock::given(method("POST"))
        .and(path("/api/auth/v1/token"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let expires_at = (Utc::now() + valid_for(n)).to_rfc3339_opts(SecondsFormat::Millis, true);
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": format!("token-{n}"), "expires_at": expires_at}))
                .set_delay(delay)
        })
        .mount(&server)
        .await;
    link_endpoint(&server).await;
    (server, count)
}

async fn link_endpoint(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(LINK, "application/json"))
        .mount(server)
        .await;
}

fn facade(server: &MockServer, retry: RetryPolicy, request_timeout: Duration) -> Paylinks {
    Paylinks::builder()
        .pinelabs("client-1", "secret-1", Environment::Custom(server.uri()))
        .retry(retry)
        .timeouts(Timeouts { connect: Duration::from_secs(2), request: request_timeout })
        .build()
        .unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(5), max_delay: Duration::from_secs(1) }
}

/// `n` concurrent facade `get`s, each on its own task; their results (within 20 s).
async fn burst(paylinks: &Paylinks, n: usize) -> Vec<Result<(), paylinks::Error>> {
    let link = LinkRef::new(Provider::Pinelabs, "pl-v1-250306082755-aa-uT0noy");
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let (paylinks, link) = (paylinks.clone(), link.clone());
            tokio::spawn(async move { paylinks.get(&link).await.map(drop) })
        })
        .collect();
    let all = async {
        let mut results = Vec::with_capacity(n);
        for call in calls {
            results.push(call.await.expect("no call panics"));
        }
        results
    };
    tokio::time::timeout(Duration::from_secs(20), all).await.expect("no call hangs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_facade_calls_on_a_cold_client_make_one_token_request() {
    let (server, tokens) = pine_labs(Duration::from_millis(200), |_| chrono::Duration::hours(1)).await;
    let results = burst(&facade(&server, quick(), Duration::from_secs(10)), 100).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "token requests for 100 calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_nearing_expiry_mid_run_is_refreshed_once() {
    // The facade refreshes 60 s before expiry: token 1 (61.5 s) is usable for 1.5 s.
    let (server, tokens) = pine_labs(Duration::from_millis(50), |n| {
        if n == 1 { chrono::Duration::milliseconds(61_500) } else { chrono::Duration::hours(1) }
    })
    .await;
    let paylinks = facade(&server, quick(), Duration::from_secs(10));
    let until = tokio::time::Instant::now() + Duration::from_millis(3000);
    let workers: Vec<_> = (0..100)
        .map(|_| {
            let paylinks = paylinks.clone();
            tokio::spawn(async move {
                let link = LinkRef::new(Provider::Pinelabs, "pl-v1-250306082755-aa-uT0noy");
                let mut calls = 0_u32;
                while tokio::time::Instant::now() < until {
                    paylinks.get(&link).await?;
                    calls += 1;
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                Ok::<_, paylinks::Error>(calls)
            })
        })
        .collect();
    let mut calls = 0;
    for worker in workers {
        calls += worker.await.unwrap().unwrap();
    }
    assert!(calls >= 400, "the run spans the refresh: {calls} calls");
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "one token, then exactly one refresh, for {calls} calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_fails_every_waiting_facade_call_alike() {
    let server = MockServer::start().await;
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    Mock::given(method("POST"))
        .and(path("/api/auth/v1/token"))
        .respond_with(move |_: &Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(503)
                .set_body_json(json!({"code": "SERVICE_UNAVAILABLE", "message": "token service down"}))
                .set_delay(Duration::from_millis(500))
        })
        .mount(&server)
        .await;
    link_endpoint(&server).await;
    let started = std::time::Instant::now();
    let results = burst(&facade(&server, quick(), Duration::from_secs(10)), 100).await;
    let shown: std::collections::BTreeSet<String> =
        results.iter().map(|r| r.as_ref().expect_err("no token, no call").to_string()).collect();
    assert_eq!(shown.len(), 1, "one error for all: {shown:?}");
    let error = results[0].as_ref().unwrap_err();
    assert!(matches!(error, paylinks::Error::Provider { status: 503, .. }), "{error:?}");
    // Each of the 3 attempts is one token request shared by every caller.
    assert_eq!(count.load(Ordering::SeqCst), 3, "token requests for 100 calls x 3 attempts");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_never_answers_fails_every_facade_call_alike() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let results = burst(&facade(&server, RetryPolicy::none(), Duration::from_millis(300)), 100).await;
    let shown: std::collections::BTreeSet<String> =
        results.iter().map(|r| r.as_ref().expect_err("no token, no call").to_string()).collect();
    assert_eq!(shown.len(), 1, "one error for all: {shown:?}");
    assert!(matches!(results[0], Err(paylinks::Error::Transport { provider: Provider::Pinelabs, .. })), "{shown:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "one token request");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}
