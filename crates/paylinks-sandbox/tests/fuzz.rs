//! Fuzzing the sandbox's request parsing: bodies posted to every provider's create endpoint,
//! in process (`paylinks_sandbox::router` + `tower::ServiceExt::oneshot`), from the specs'
//! request examples mutated JSON-aware and byte by byte (`paylinks_testkit::fuzz`).
//!
//! Cases per endpoint: `PAYLINKS_FUZZ_CASES` (default 128); a long campaign is
//! `PAYLINKS_FUZZ_CASES=20000 cargo test -p paylinks-sandbox --test fuzz --release`.
//!
//! Properties: no panic; every answer is 200 or 4xx (never a 5xx), JSON, and an error is in
//! the provider's own error body; a link the sandbox creates asks for a positive amount in a
//! named currency.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, header};
use base64::Engine as _;
use paylinks_sandbox::{SandboxConfig, router};
use paylinks_testkit::fuzz::{config, mutated};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// One create endpoint.
struct Endpoint {
    provider: &'static str,
    spec: &'static str,
    operation: &'static str,
    path: &'static str,
    /// The amount and currency of a created link, in the provider's shape.
    amount: fn(&Value) -> (Option<f64>, Option<&str>),
    /// A small body that creates a link, a seed next to the spec's examples.
    good: fn() -> Value,
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        provider: "cashfree",
        spec: "cashfree",
        operation: "createLink",
        path: "/cashfree/pg/links",
        amount: |link| (link["link_amount"].as_f64(), link["link_currency"].as_str()),
        good: || {
            json!({"link_id": "fuzz", "link_amount": 100.5, "link_currency": "INR", "link_purpose": "fuzz",
                "customer_details": {"customer_phone": "9999999999"}})
        },
    },
    Endpoint {
        provider: "razorpay",
        spec: "razorpay",
        operation: "createPaymentLink",
        path: "/razorpay/v1/payment_links",
        amount: |link| (link["amount"].as_f64(), link["currency"].as_str()),
        good: || json!({"amount": 1000, "currency": "INR", "reference_id": "fuzz", "accept_partial": true}),
    },
    Endpoint {
        provider: "razorpay",
        spec: "razorpay",
        operation: "createInvoice",
        path: "/razorpay/v1/invoices",
        amount: |link| (link["amount"].as_f64(), link["currency"].as_str()),
        good: || {
            json!({"type": "link", "description": "fuzz", "customer": {"name": "Asha Rao", "email": "asha@example.com"},
                "line_items": [{"name": "A book", "amount": 39900, "quantity": 1}]})
        },
    },
    Endpoint {
        provider: "pinelabs",
        spec: "pinelabs",
        operation: "createPaymentLink",
        path: "/pinelabs/api/pay/v1/paymentlink",
        amount: |link| (link["amount"]["value"].as_f64(), link["amount"]["currency"].as_str()),
        good: || {
            json!({"amount": {"value": 1000, "currency": "INR"}, "merchant_payment_link_reference": "fuzz",
                "description": "fuzz"})
        },
    },
];

/// One request through a router: status, content type and body bytes.
async fn call(app: &Router, request: Request<Body>) -> (u16, String, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("the router never fails");
    let status = response.status().as_u16();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.expect("a whole body");
    (status, content_type, bytes.to_vec())
}

/// A POST of `body` to `path` with the provider's default credentials (a fresh Pine Labs
/// token from `app`).
async fn create_request(app: &Router, provider: &str, path: &str, body: Vec<u8>) -> Request<Body> {
    let config = SandboxConfig::default();
    let text = |key: &str| config.text(provider, key).unwrap_or_default().to_owned();
    let request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    let request = match provider {
        "cashfree" => request
            .header("x-client-id", text("client_id"))
            .header("x-client-secret", text("client_secret"))
            .header("x-api-version", "2025-01-01"),
        "razorpay" => {
            let basic =
                base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", text("key_id"), text("key_secret")));
            request.header(header::AUTHORIZATION, format!("Basic {basic}"))
        }
        _ => {
            let token_body = json!({"client_id": text("client_id"), "client_secret": text("client_secret"),
                "grant_type": "client_credentials"});
            let token = Request::post("/pinelabs/api/auth/v1/token")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(token_body.to_string()))
                .expect("a request");
            let (_, _, bytes) = call(app, token).await;
            let token: Value = serde_json::from_slice(&bytes).expect("a token body");
            request
                .header(header::AUTHORIZATION, format!("Bearer {}", token["access_token"].as_str().unwrap_or_default()))
        }
    };
    request.body(Body::from(body)).expect("a request")
}

/// Whether `body` is the provider's error body.
fn is_error_body(provider: &str, body: &Value) -> bool {
    match provider {
        "cashfree" => body["message"].is_string() && body["type"].is_string(),
        "razorpay" => body["error"]["description"].is_string() && body["error"]["code"].is_string(),
        _ => body["message"].is_string() && body["code"].is_string(),
    }
}

/// The spec examples' expiry times have passed; a seed that expires in 2099 still creates.
fn in_the_future(mut seed: Value) -> Value {
    if seed["link_expiry_time"].is_string() {
        seed["link_expiry_time"] = json!("2099-10-14T15:04:05+05:30");
    }
    match &seed["expire_by"] {
        Value::Number(_) => seed["expire_by"] = json!(4_095_000_000_i64),
        Value::String(_) => seed["expire_by"] = json!("2099-10-14T15:04:05.000Z"),
        _ => {}
    }
    seed
}

#[test]
fn create_bodies_are_parsed_without_panic_and_answered_in_the_providers_format() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for endpoint in ENDPOINTS {
        let mut seeds: Vec<Value> = paylinks_testkit::spec_examples(endpoint.spec)
            .into_iter()
            .filter(|example| example.operation_id == endpoint.operation && example.location == "request")
            .map(|example| example.value)
            .map(in_the_future)
            .collect();
        seeds.push((endpoint.good)());
        assert!(!seeds.is_empty(), "{}: no request examples", endpoint.operation);
        let mut runner = TestRunner::new(config(128));
        let created = std::cell::Cell::new(0u32);
        let result = runner.run(&mutated(seeds), |body| {
            let shown = String::from_utf8_lossy(&body).into_owned();
            let (status, content_type, answer) = runtime.block_on(async {
                // A fresh sandbox per case: a Cashfree link id or a reference used by an earlier
                // case does not turn this one into a conflict.
                let app = router(SandboxConfig::default());
                let request = create_request(&app, endpoint.provider, endpoint.path, body).await;
                call(&app, request).await
            });
            prop_assert!(
                status == 200 || (400..500).contains(&status),
                "{} {}: {} for {}",
                endpoint.operation,
                endpoint.provider,
                status,
                shown
            );
            prop_assert!(
                content_type.starts_with("application/json"),
                "{}: {} for {}",
                endpoint.operation,
                content_type,
                shown
            );
            let answer: Value = serde_json::from_slice(&answer)
                .map_err(|e| TestCaseError::fail(format!("not JSON ({e}) for {shown}")))?;
            if status == 200 {
                created.set(created.get() + 1);
                let (amount, currency) = (endpoint.amount)(&answer);
                prop_assert!(
                    amount.is_some_and(|a| a > 0.0),
                    "{}: amount {:?} created from {}",
                    endpoint.operation,
                    amount,
                    shown
                );
                prop_assert!(
                    currency.is_some_and(|c| c.len() == 3),
                    "{}: currency {:?} from {}",
                    endpoint.operation,
                    currency,
                    shown
                );
            } else {
                prop_assert!(
                    is_error_body(endpoint.provider, &answer),
                    "{}: {} {} for {}",
                    endpoint.operation,
                    status,
                    answer,
                    shown
                );
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{}: {failure}", endpoint.operation);
        }
        // Some mutated bodies must still create a link, or the amount check never ran.
        assert!(
            created.get() > 0 || runner.config().cases < 32,
            "{}: no mutated body created a link",
            endpoint.operation
        );
    }
}
