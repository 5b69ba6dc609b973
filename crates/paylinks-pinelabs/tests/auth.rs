//! The access token: fetched once, shared by concurrent calls, refreshed before expiry,
//! dropped after a 401, and sent as a sensitive bearer header.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use paylinks_pinelabs::{Client, Credentials, Environment, Error};
use paylinks_testkit::mock::json_response;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LINK: &str = r#"{"payment_link_id":"pl-v1-250306082755-aa-uT0noy","status":"CREATED",
"amount":{"value":100,"currency":"INR"},"amount_due":{"value":100,"currency":"INR"},
"expire_by":"2025-03-21T08:29Z","created_at":"2025-03-06T08:27:55.881Z"}"#;

fn token_body(valid_for: chrono::Duration, n: usize) -> serde_json::Value {
    let expires_at = (Utc::now() + valid_for).to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({"access_token": format!("token-{n}"), "expires_at": expires_at})
}

/// A mock server whose token endpoint answers with `responder`.
async fn server_with_token_endpoint(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/auth/v1/token")).respond_with(responder).mount(&server).await;
    server
}

async fn server_with_token(valid_for: chrono::Duration) -> MockServer {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let server = server_with_token_endpoint(move |_: &Request| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(token_body(valid_for, n)).set_delay(Duration::from_millis(50))
    })
    .await;
    Mock::given(method("GET"))
        .and(path("/api/pay/v1/paymentlink/pl-1"))
        .respond_with(json_response(200, LINK))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::from_credentials(Credentials::new("client-1", "secret-1"), Environment::Custom(server.uri())).unwrap()
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == wanted).collect()
}

#[tokio::test]
async fn the_token_request_carries_the_credentials() {
    let server = server_with_token(chrono::Duration::hours(1)).await;
    client(&server).get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    let token_requests = requests_to(&server, "/api/auth/v1/token").await;
    assert_eq!(token_requests.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&token_requests[0].body).unwrap();
    assert_eq!(body, json!({"client_id": "client-1", "client_secret": "secret-1", "grant_type": "client_credentials"}));
    assert!(token_requests[0].headers.get("authorization").is_none(), "the token call sends no bearer");
    let link_requests = requests_to(&server, "/api/pay/v1/paymentlink/pl-1").await;
    assert_eq!(link_requests[0].headers["authorization"], "Bearer token-1");
}

#[tokio::test]
async fn concurrent_calls_share_one_token_fetch() {
    let server = server_with_token(chrono::Duration::hours(1)).await;
    let client = client(&server);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            // Spawned: the request future must be Send.
            tokio::spawn(async move { client.get_payment_link().payment_link_id("pl-1").send().await.map(drop) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 1);
    for request in requests_to(&server, "/api/pay/v1/paymentlink/pl-1").await {
        assert_eq!(request.headers["authorization"], "Bearer token-1");
    }
}

#[tokio::test]
async fn a_token_within_the_refresh_margin_is_replaced() {
    // Valid for 30 s, refreshed 60 s before expiry: every call needs a new one.
    let server = server_with_token(chrono::Duration::seconds(30)).await;
    let client = client(&server);
    for _ in 0..3 {
        client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    }
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 3);
    let last = requests_to(&server, "/api/pay/v1/paymentlink/pl-1").await.pop().unwrap();
    assert_eq!(last.headers["authorization"], "Bearer token-3");

    // With a 10 s margin the same token lasts.
    let client = Client::builder(Credentials::new("c", "s"))
        .environment(Environment::Custom(server.uri()))
        .refresh_margin(Duration::from_secs(10))
        .build()
        .unwrap();
    client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 4);
}

#[tokio::test]
async fn a_401_drops_the_cached_token() {
    let server =
        server_with_token_endpoint(ResponseTemplate::new(200).set_body_json(token_body(chrono::Duration::hours(1), 1)))
            .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"code": "UNAUTHORIZED", "message": "token expired"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..2 {
        let err = Error::from(client.get_payment_link().payment_link_id("pl-1").send().await.unwrap_err());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    }
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 2);
}

#[tokio::test]
async fn token_errors_are_typed_and_name_the_cause() {
    let refusal = json!({"code": "USER_AUTHENTICATION_FAILED", "message": "Invalid client credentials"});
    let server = server_with_token_endpoint(ResponseTemplate::new(422).set_body_json(refusal)).await;
    let client = client(&server);
    let err = client.access_token().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.code().as_deref(), Some("USER_AUTHENTICATION_FAILED"));

    let err = Error::from(client.get_payment_link().payment_link_id("pl-1").send().await.unwrap_err());
    let shown = err.to_string();
    assert!(shown.contains("access token") && shown.contains("USER_AUTHENTICATION_FAILED"), "{shown}");
    assert!(!shown.contains("secret-1"), "{shown}");
}

/// A token endpoint counting its requests: token `n` is valid for `valid_for(n)`, answered
/// after `delay`.
fn counting_tokens(
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    delay: Duration,
    valid_for: impl Fn(usize) -> chrono::Duration + Send + Sync + 'static,
) -> impl Respond + 'static {
    move |_: &Request| {
        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(token_body(valid_for(n), n)).set_delay(delay)
    }
}

/// `n` concurrent `GET /paymentlink/pl-1` calls, each on its own task; their results.
async fn burst(client: &Client, n: usize) -> Vec<Result<(), Error>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client.get_payment_link().payment_link_id("pl-1").send().await.map(drop).map_err(Error::from)
            })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for call in calls {
        results.push(call.await.expect("no call panics"));
    }
    results
}

async fn link_endpoint(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/pay/v1/paymentlink/pl-1"))
        .respond_with(json_response(200, LINK))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_hundred_calls_on_a_cold_client_make_one_token_request() {
    let count = std::sync::Arc::default();
    let server =
        server_with_token_endpoint(counting_tokens(std::sync::Arc::clone(&count), Duration::from_millis(200), |_| {
            chrono::Duration::hours(1)
        }))
        .await;
    link_endpoint(&server).await;
    let results = burst(&client(&server), 100).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 1, "one token request for 100 calls");
    for request in requests_to(&server, "/api/pay/v1/paymentlink/pl-1").await {
        assert_eq!(request.headers["authorization"], "Bearer token-1");
    }
}

#[tokio::test]
async fn a_token_expiring_under_load_is_refreshed_once() {
    let count = std::sync::Arc::default();
    // The first token lasts 1 s, the next an hour; no refresh margin, so the expiry is seen.
    let server =
        server_with_token_endpoint(counting_tokens(std::sync::Arc::clone(&count), Duration::from_millis(50), |n| {
            if n == 1 { chrono::Duration::seconds(1) } else { chrono::Duration::hours(1) }
        }))
        .await;
    link_endpoint(&server).await;
    let client = Client::builder(Credentials::new("c", "s"))
        .environment(Environment::Custom(server.uri()))
        .refresh_margin(Duration::ZERO)
        .build()
        .unwrap();
    let until = tokio::time::Instant::now() + Duration::from_millis(2000);
    let workers: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut calls = 0_u32;
                while tokio::time::Instant::now() < until {
                    client.get_payment_link().payment_link_id("pl-1").send().await.map(drop).map_err(Error::from)?;
                    calls += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok::<_, Error>(calls)
            })
        })
        .collect();
    let mut calls = 0;
    for worker in workers {
        calls += worker.await.unwrap().unwrap();
    }
    assert!(calls >= 200, "the run spans the expiry: {calls} calls");
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 2, "one fetch, then exactly one refresh");
    let used: std::collections::BTreeSet<_> = requests_to(&server, "/api/pay/v1/paymentlink/pl-1")
        .await
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(used, ["Bearer token-1".to_owned(), "Bearer token-2".to_owned()].into());
}

/// The link endpoint refuses `token-1` once it is revoked, and accepts any other token.
struct Revocable(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Respond for Revocable {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let revoked = self.0.load(std::sync::atomic::Ordering::SeqCst);
        if revoked && request.headers["authorization"] == "Bearer token-1" {
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "UNAUTHORIZED", "message": "token revoked"}))
                .set_delay(Duration::from_millis(100))
        } else {
            json_response(200, LINK)
        }
    }
}

#[tokio::test]
async fn refusals_of_a_revoked_token_cost_one_refresh_and_spare_its_successor() {
    let count = std::sync::Arc::default();
    let server =
        server_with_token_endpoint(counting_tokens(std::sync::Arc::clone(&count), Duration::from_millis(150), |_| {
            chrono::Duration::hours(1)
        }))
        .await;
    let revoked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    Mock::given(method("GET"))
        .and(path("/api/pay/v1/paymentlink/pl-1"))
        .respond_with(Revocable(std::sync::Arc::clone(&revoked)))
        .mount(&server)
        .await;
    let client = client(&server);
    client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    revoked.store(true, std::sync::atomic::Ordering::SeqCst);
    // 100 calls: those sent with token-1 are refused; the first refusal drops token-1 while
    // the others are still in flight or waiting for the refresh. Later refusals of token-1
    // must not drop token-2.
    let first = burst(&client, 100).await;
    let refused = first.iter().filter(|r| r.is_err()).count();
    assert!(refused >= 1, "some calls went out with the revoked token");
    for error in first.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    }
    let second = burst(&client, 100).await;
    assert!(second.iter().all(Result::is_ok), "every call after the refusals succeeds: {second:?}");
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 2, "one refresh for {refused} refusals");
}

#[tokio::test]
async fn a_failing_token_endpoint_fails_every_waiting_caller_alike() {
    let refusal = json!({"code": "INTERNAL_ERROR", "message": "token service down"});
    let server = server_with_token_endpoint(
        ResponseTemplate::new(503).set_body_json(refusal).set_delay(Duration::from_millis(400)),
    )
    .await;
    link_endpoint(&server).await;
    let started = std::time::Instant::now();
    let results = tokio::time::timeout(Duration::from_secs(10), burst(&client(&server), 100))
        .await
        .expect("no caller hangs on a failing token endpoint");
    let shown: std::collections::BTreeSet<String> =
        results.iter().map(|r| r.as_ref().expect_err("no token, no call").to_string()).collect();
    assert_eq!(shown.len(), 1, "one error for every caller: {shown:?}");
    let shown = shown.into_iter().next().unwrap();
    assert!(shown.contains("access token") && shown.contains("INTERNAL_ERROR"), "{shown}");
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 1, "the waiters shared the failed fetch");
    assert!(started.elapsed() < Duration::from_secs(3), "not one wait per caller: {:?}", started.elapsed());
    // The failure is not cached: the next caller tries again.
    assert!(client(&server).access_token().await.is_err());
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 2);
}

#[tokio::test]
async fn a_token_endpoint_timing_out_fails_every_waiting_caller_alike() {
    let server = server_with_token_endpoint(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))).await;
    let client = Client::builder(Credentials::new("c", "s"))
        .environment(Environment::Custom(server.uri()))
        .timeouts(paylinks_pinelabs::Timeouts { connect: Duration::from_secs(1), request: Duration::from_millis(300) })
        .build()
        .unwrap();
    let results = tokio::time::timeout(Duration::from_secs(10), burst(&client, 50))
        .await
        .expect("no caller hangs on a token endpoint that never answers");
    let mut shown = std::collections::BTreeMap::<String, usize>::new();
    for result in &results {
        *shown.entry(result.as_ref().expect_err("no token, no call").to_string()).or_default() += 1;
    }
    // The caller that fetched keeps reqwest's error (a transport error); the 49 that waited
    // get one copy of its message. The facade reports both as the same `Transport` error
    // (tests/tokens.rs).
    assert!(shown.values().any(|&n| n >= 49), "the waiters got one error: {shown:?}");
    for text in shown.keys() {
        assert!(text.contains("access token") && text.contains("error sending request"), "{text}");
    }
    assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 1);
}

/// A link server whose token endpoint sends `expires_at` one hour ahead, written with `format`.
async fn server_with_token_expiry_written(format: &'static str) -> MockServer {
    let server = server_with_token_endpoint(move |_: &Request| {
        let expires_at = (Utc::now() + chrono::Duration::hours(1)).format(format).to_string();
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "token-1", "expires_at": expires_at}))
    })
    .await;
    Mock::given(method("GET"))
        .and(path("/api/pay/v1/paymentlink/pl-1"))
        .respond_with(json_response(200, LINK))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_expires_at_without_an_offset_is_utc_and_the_token_is_kept() {
    // Read as UTC the token lasts an hour: one fetch for two calls. (Read in India time it
    // would have expired 4.5 hours ago and be fetched again; refused, it would block every call.)
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.6f", "%Y-%m-%d %H:%M:%S%.3f"] {
        let server = server_with_token_expiry_written(format).await;
        let client = client(&server);
        client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
        client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
        assert_eq!(requests_to(&server, "/api/auth/v1/token").await.len(), 1, "{format}");
        let last = requests_to(&server, "/api/pay/v1/paymentlink/pl-1").await.pop().unwrap();
        assert_eq!(last.headers["authorization"], "Bearer token-1", "{format}");
    }
}
