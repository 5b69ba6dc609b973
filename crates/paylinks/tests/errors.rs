//! The error mapping table of the crate docs, row by row, for every provider it applies to,
//! and the retry policy as the user sees it (how many requests reach the provider). Every
//! error must name its provider and never print the configured secret.

mod common;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use paylinks::{Error, LinkStatus, Provider, RetryPolicy};
use paylinks_testkit::mock::html_response;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ALL: [Provider; 4] = Provider::ALL;

async fn get_failing(provider: Provider, retry: RetryPolicy, response: ResponseTemplate) -> (MockServer, Error) {
    let (server, result) = get_answered(provider, retry, response).await;
    let err = result.expect_err("the fetch fails");
    assert_displays_safely(&err, provider);
    (server, err)
}

fn error(provider: Provider, status: u16, code: &str, message: &str) -> ResponseTemplate {
    json_response(status, error_body(provider, code, message))
}

// Row: 401 / 403 (any provider) → Unauthorized.

#[tokio::test]
async fn http_401_is_unauthorized_for_every_provider() {
    for provider in ALL {
        let code = if matches!(provider, Provider::Razorpay | Provider::RazorpayInvoice) {
            "BAD_REQUEST_ERROR"
        } else {
            "UNAUTHORIZED"
        };
        let (server, err) =
            get_failing(provider, fast_retry(3), error(provider, 401, code, "Authentication failed")).await;
        match &err {
            Error::Unauthorized { message, .. } => assert_eq!(message, "Authentication failed", "{provider}"),
            other => panic!("{provider}: expected Unauthorized, got {other:?}"),
        }
        // Pine Labs: a 401 means the cached token is no longer honoured; the facade fetches a
        // fresh token and tries once more. Elsewhere a 401 is final.
        let expected = if provider == Provider::Pinelabs { 2 } else { 1 };
        assert_eq!(api_requests(&server).await.len(), expected, "{provider}: a 401 is not retried");
    }
}

#[tokio::test]
async fn http_403_is_unauthorized_for_every_provider() {
    for provider in ALL {
        let (_server, err) =
            get_failing(provider, RetryPolicy::none(), error(provider, 403, "FORBIDDEN", "forbidden")).await;
        assert!(matches!(err, Error::Unauthorized { .. }), "{provider}: {err:?}");
    }
}

// Row: 404 (any) → NotFound.

#[tokio::test]
async fn http_404_is_not_found_for_every_provider() {
    for provider in ALL {
        let (server, err) = get_failing(provider, fast_retry(3), error(provider, 404, "NOT_FOUND", "not found")).await;
        match &err {
            Error::NotFound { id, .. } => assert_eq!(id, sample_id(provider)),
            other => panic!("{provider}: expected NotFound, got {other:?}"),
        }
        assert!(err.to_string().contains(sample_id(provider)), "{err}");
        assert_eq!(api_requests(&server).await.len(), 1, "{provider}: a 404 is not retried");
    }
}

#[tokio::test]
async fn pinelabs_not_found_code_is_not_found_whatever_the_status() {
    let (_server, err) = get_failing(
        Provider::Pinelabs,
        RetryPolicy::none(),
        error(Provider::Pinelabs, 400, "NOT_FOUND", "no such link"),
    )
    .await;
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

// Row: 429 with Retry-After / Cashfree x-ratelimit-retry → RateLimited.

fn rate_limited(provider: Provider, seconds: u64) -> ResponseTemplate {
    let header = if provider == Provider::Cashfree { "x-ratelimit-retry" } else { "Retry-After" };
    error(provider, 429, "RATE_LIMIT", "Too many requests").insert_header(header, seconds.to_string().as_str())
}

#[tokio::test]
async fn http_429_is_rate_limited_with_the_providers_wait() {
    for provider in ALL {
        let (server, err) = get_failing(provider, RetryPolicy::none(), rate_limited(provider, 3)).await;
        match &err {
            Error::RateLimited { retry_after, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(3)), "{provider}")
            }
            other => panic!("{provider}: expected RateLimited, got {other:?}"),
        }
        assert!(err.is_transient());
        assert_eq!(api_requests(&server).await.len(), 1, "{provider}: RetryPolicy::none() sends one request");
    }
}

#[tokio::test]
async fn http_429_without_a_wait_is_rate_limited_without_one() {
    for provider in ALL {
        let (_server, err) =
            get_failing(provider, RetryPolicy::none(), error(provider, 429, "RATE_LIMIT", "slow down")).await;
        assert!(matches!(err, Error::RateLimited { retry_after: None, .. }), "{provider}: {err:?}");
    }
}

// Row: anything else (5xx, 422 idempotency...) → Provider with status, code and message.

#[tokio::test]
async fn http_500_is_a_provider_error_with_code_and_message() {
    for provider in ALL {
        let code = match provider {
            Provider::Cashfree => "internal_error",
            Provider::Razorpay | Provider::RazorpayInvoice => "SERVER_ERROR",
            Provider::Pinelabs => "INTERNAL_ERROR",
        };
        let (_server, err) =
            get_failing(provider, RetryPolicy::none(), error(provider, 500, code, "Something went wrong")).await;
        match &err {
            Error::Provider { status: 500, code: got, message, .. } => {
                assert_eq!(got.as_deref(), Some(code), "{provider}");
                assert_eq!(message.as_deref(), Some("Something went wrong"), "{provider}");
            }
            other => panic!("{provider}: expected Provider, got {other:?}"),
        }
        assert_eq!(err.to_string(), format!("{provider} answered HTTP 500: {code}: Something went wrong"));
    }
}

#[tokio::test]
async fn a_cashfree_idempotency_conflict_on_create_names_the_reference() {
    let provider = Provider::Cashfree;
    let (server, client) = setup(provider, fast_retry(3)).await;
    let body = json!({"message": "idempotency key reused with a different body", "code": "request_invalid", "type": "idempotency_error"});
    mount(&server, "POST", "/pg/links", 422, body).await;
    let link = paylinks::CreateLink::new(paylinks::Money::inr(100)).customer(None, None, Some("9999999999"));
    let err = client.create(provider, &link).await.unwrap_err();
    // The default idempotency key is the link's reference: a reused key is a reused reference.
    assert!(
        matches!(&err, Error::InvalidRequest { field, message, .. }
            if field == "reference" && message == "idempotency key reused with a different body"),
        "{err:?}"
    );
    assert_displays_safely(&err, provider);
    assert_eq!(api_requests(&server).await.len(), 1, "a 422 is not retried");
}

#[tokio::test]
async fn a_non_json_error_body_keeps_its_status_and_never_prints_the_body() {
    const PAGE: &str = "<html><body>502 Bad Gateway: upstream nginx-secret-host said no</body></html>";
    for provider in ALL {
        let response = html_response(502, PAGE);
        let (_server, err) = get_failing(provider, RetryPolicy::none(), response).await;
        assert!(matches!(err, Error::Provider { status: 502, .. }), "{provider}: {err:?}");
        let shown = err.to_string();
        assert!(shown.starts_with(&format!("{provider} answered HTTP 502")), "{shown}");
        for fragment in ["<html", "nginx-secret-host", "Bad Gateway"] {
            assert!(!shown.contains(fragment), "{provider}: `{shown}` prints the body");
            assert!(!format!("{err:?}").contains(fragment), "{provider}: {err:?} prints the body");
        }
    }
}

#[tokio::test]
async fn a_non_json_body_on_a_documented_error_status_is_not_printed_either() {
    for provider in ALL {
        let response = ResponseTemplate::new(500).set_body_raw("Internal failure at db-host-7", "text/plain");
        let (_server, err) = get_failing(provider, RetryPolicy::none(), response).await;
        assert!(matches!(err, Error::Provider { status: 500, .. }), "{provider}: {err:?}");
        assert!(!err.to_string().contains("db-host-7"), "{provider}: {err}");
    }
}

// Row: connection, timeout, broken body → Transport.

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    for provider in ALL {
        let client = client_at(provider, &base, RetryPolicy::none());
        let err = client.get(&sample_ref(provider)).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{provider}: {err:?}");
        assert!(err.is_transient());
        assert_displays_safely(&err, provider);
        assert!(err.to_string().starts_with(&format!("{provider}: transport error")), "{err}");
    }
}

#[tokio::test]
async fn a_timeout_is_a_transport_error() {
    for provider in ALL {
        let server = MockServer::start().await;
        if provider == Provider::Pinelabs {
            mount_token(&server).await;
        }
        Mock::given(method("GET"))
            .and(path(get_path(provider)))
            .respond_with(json_response(200, sample_link(provider)).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let builder = paylinks::Paylinks::builder()
            .timeouts(paylinks::Timeouts { connect: Duration::from_secs(1), request: Duration::from_millis(200) })
            .retry(RetryPolicy::none());
        let env = |suffix: &str| paylinks::Environment::Custom(format!("{}{suffix}", server.uri()));
        let client = match provider {
            Provider::Cashfree => builder.cashfree(ID, SECRET, env(CASHFREE_PREFIX)),
            Provider::Razorpay | Provider::RazorpayInvoice => builder.razorpay(ID, SECRET, env("")),
            Provider::Pinelabs => builder.pinelabs(ID, SECRET, env("")),
        }
        .build()
        .unwrap();
        let err = client.get(&sample_ref(provider)).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{provider}: {err:?}");
        assert_displays_safely(&err, provider);
    }
}

// Row: a body that does not decode or has no amount → Decode.

#[tokio::test]
async fn a_200_body_that_is_not_a_link_is_a_decode_error() {
    for provider in ALL {
        for body in [json!({"success": true}), json!({"items": []})] {
            let (_server, err) = get_failing(provider, RetryPolicy::none(), json_response(200, body.clone())).await;
            assert!(matches!(err, Error::Decode { operation: "get", .. }), "{provider} {body}: {err:?}");
        }
    }
}

#[tokio::test]
async fn a_200_body_of_the_wrong_shape_is_a_decode_error_that_does_not_quote_it() {
    let wrong = |provider| -> Value {
        let mut body = sample_link(provider);
        let field = match provider {
            Provider::Cashfree => "link_currency",
            Provider::Razorpay | Provider::RazorpayInvoice => "amount",
            Provider::Pinelabs => "amount",
        };
        body[field] = json!(["customer-data-4111"]);
        body
    };
    for provider in ALL {
        let (_server, err) = get_failing(provider, RetryPolicy::none(), json_response(200, wrong(provider))).await;
        assert!(matches!(err, Error::Decode { .. }), "{provider}: {err:?}");
        assert!(!err.to_string().contains("4111"), "{provider}: {err}");
        let text = ResponseTemplate::new(200).set_body_raw("OK customer-data-4111", "application/json");
        let (_server, err) = get_failing(provider, RetryPolicy::none(), text).await;
        assert!(matches!(err, Error::Decode { .. }), "{provider}: {err:?}");
        assert!(!err.to_string().contains("4111"), "{provider}: {err}");
    }
}

#[tokio::test]
async fn a_link_without_an_amount_is_a_decode_error() {
    for provider in ALL {
        let mut body = sample_link(provider);
        let field = if provider == Provider::Cashfree { "link_amount" } else { "amount" };
        body.as_object_mut().unwrap().remove(field);
        let (_server, err) = get_failing(provider, RetryPolicy::none(), json_response(200, body)).await;
        assert!(matches!(err, Error::Decode { .. }), "{provider}: {err:?}");
        assert!(err.to_string().contains("amount"), "{err}");
    }
}

// Retries.

#[tokio::test]
async fn a_get_is_retried_after_a_503() {
    for provider in ALL {
        let (server, client) = setup(provider, fast_retry(3)).await;
        mount_times(&server, "GET", &get_path(provider), 1, 503, error_body(provider, "UNAVAILABLE", "try again"))
            .await;
        mount(&server, "GET", &get_path(provider), 200, sample_link(provider)).await;
        let link = client.get(&sample_ref(provider)).await.unwrap();
        assert_eq!(link.id, sample_id(provider));
        assert_eq!(api_requests(&server).await.len(), 2, "{provider}: exactly one retry");
    }
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    for provider in ALL {
        let (server, err) =
            get_failing(provider, fast_retry(3), error(provider, 503, "UNAVAILABLE", "try again")).await;
        assert!(matches!(err, Error::Provider { status: 503, .. }), "{provider}: {err:?}");
        assert_eq!(api_requests(&server).await.len(), 3, "{provider}");
    }
}

#[tokio::test]
async fn retry_policy_none_makes_exactly_one_request() {
    for provider in ALL {
        let (server, err) =
            get_failing(provider, RetryPolicy::none(), error(provider, 503, "UNAVAILABLE", "try again")).await;
        assert!(matches!(err, Error::Provider { status: 503, .. }), "{provider}: {err:?}");
        assert_eq!(api_requests(&server).await.len(), 1, "{provider}");
    }
}

#[tokio::test]
async fn a_wait_longer_than_max_delay_is_not_retried() {
    for provider in ALL {
        let (server, err) = get_failing(provider, fast_retry(3), rate_limited(provider, 30)).await;
        assert!(
            matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(30)),
            "{provider}: {err:?}"
        );
        assert_eq!(api_requests(&server).await.len(), 1, "{provider}: waiting 30 s is the caller's decision");
    }
}

#[tokio::test]
async fn a_wait_within_max_delay_is_honoured() {
    let retry =
        RetryPolicy { max_attempts: 2, base_delay: Duration::from_millis(1), max_delay: Duration::from_secs(2) };
    let run = |provider: Provider| async move {
        let (server, client) = setup(provider, retry).await;
        Mock::given(method("GET"))
            .and(path(get_path(provider)))
            .respond_with(rate_limited(provider, 1))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        mount(&server, "GET", &get_path(provider), 200, sample_link(provider)).await;
        let started = Instant::now();
        client.get(&sample_ref(provider)).await.unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1), "{provider}: waited {:?}", started.elapsed());
        assert_eq!(api_requests(&server).await.len(), 2, "{provider}");
    };
    tokio::join!(run(Provider::Cashfree), run(Provider::Razorpay), run(Provider::Pinelabs));
}

#[tokio::test]
async fn a_cancel_is_retried_after_a_500() {
    for provider in ALL {
        let (server, client) = setup(provider, fast_retry(3)).await;
        let (verb, cancel) = match provider {
            Provider::Pinelabs => ("PUT", format!("{}/cancel", get_path(provider))),
            _ => ("POST", format!("{}/cancel", get_path(provider))),
        };
        let cancelled = match provider {
            Provider::Cashfree => cashfree_link("CANCELLED"),
            Provider::Razorpay => razorpay_link("cancelled"),
            Provider::RazorpayInvoice => invoice("cancelled"),
            Provider::Pinelabs => pinelabs_link("CANCELLED"),
        };
        mount_times(&server, verb, &cancel, 1, 500, error_body(provider, "SERVER_ERROR", "oops")).await;
        mount(&server, verb, &cancel, 200, cancelled).await;
        let link = client.cancel(&sample_ref(provider)).await.unwrap();
        assert_eq!(link.status, LinkStatus::Cancelled, "{provider}");
        assert_eq!(api_requests(&server).await.len(), 2, "{provider}");
    }
}

#[tokio::test]
async fn a_client_error_is_never_retried() {
    for provider in ALL {
        let (server, err) = get_failing(provider, fast_retry(3), error(provider, 400, "BAD_REQUEST", "bad")).await;
        assert!(!err.is_transient(), "{provider}: {err:?}");
        assert_eq!(api_requests(&server).await.len(), 1, "{provider}");
    }
}

/// A server on 127.0.0.1 that reads each request and hangs up without answering; counts the
/// connections.
fn hanging_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            stream.set_read_timeout(Some(Duration::from_millis(200))).ok();
            let _ = stream.read(&mut [0; 8192]);
        }
    });
    (base, connections)
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_transport_error_retried_up_to_max_attempts() {
    for provider in ALL {
        let (base, connections) = hanging_up_server();
        let started = Instant::now();
        let client = client_at(provider, &base, fast_retry(3));
        let err = client.get(&sample_ref(provider)).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{provider}: {err:?}");
        assert_displays_safely(&err, provider);
        assert_eq!(connections.load(Ordering::SeqCst), 3, "{provider}: three attempts");
        assert!(started.elapsed() < Duration::from_secs(5), "millisecond delays");
        let client = client_at(provider, &base, RetryPolicy::none());
        client.get(&sample_ref(provider)).await.unwrap_err();
        assert_eq!(connections.load(Ordering::SeqCst), 4, "{provider}: RetryPolicy::none() tries once");
    }
}
