//! The sandbox's cost as its store grows: with 1k, 4k and 16k Razorpay payment links in the
//! store, the time of a lookup by `reference_id`, a fetch by id, a lookup by payment id and a
//! list (`GET /v1/payment_links`, its first page), each one request through the router in
//! process (no sockets, so the figures are the sandbox's own work).
//!
//! Run: `cargo bench -p paylinks-sandbox --bench store`. A lookup's time should not grow with
//! the number of links; nor should a list's, which answers one page (10 links by default).

use std::hint::black_box;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use paylinks_sandbox::{SandboxConfig, router};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tower::ServiceExt as _;

/// Links in the store for each run.
const SIZES: [usize; 3] = [1_000, 4_000, 16_000];

/// One request through the router: the status and the body as JSON.
async fn call(app: &Router, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let credentials = base64::engine::general_purpose::STANDARD.encode("rzp_test_paylinks:rzp_sandbox_secret");
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Basic {credentials}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("a valid request");
    let response = app.clone().oneshot(request).await.expect("the router never fails");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.expect("a whole body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A sandbox with `n` Razorpay links, references `ref-0`..; answers the middle link's id and
/// the id of a payment made on it.
fn sandbox_with(runtime: &Runtime, n: usize) -> (Router, String, String) {
    runtime.block_on(async {
        let app = router(SandboxConfig::default());
        let mut middle = String::new();
        for i in 0..n {
            let body = json!({"amount": 1000, "currency": "INR", "reference_id": format!("ref-{i}"),
                "description": "bench", "accept_partial": true});
            let (status, link) = call(&app, Method::POST, "/razorpay/v1/payment_links", Some(body)).await;
            assert_eq!(status, StatusCode::OK, "{link}");
            if i == n / 2 {
                middle = link["id"].as_str().expect("an id").to_owned();
            }
        }
        let (status, paid) =
            call(&app, Method::POST, &format!("/_sandbox/razorpay/links/{middle}/pay"), Some(json!({"amount": 100})))
                .await;
        assert_eq!(status, StatusCode::OK, "{paid}");
        let payment = paid["payments"][0]["payment_id"].as_str().expect("a payment id").to_owned();
        (app, middle, payment)
    })
}

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let mut group = c.benchmark_group("razorpay_links");
    group.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for n in SIZES {
        let (app, middle, payment) = sandbox_with(&runtime, n);
        let reference = format!("/razorpay/v1/payment_links?reference_id=ref-{}", n / 2);
        let requests = [
            ("by_reference", reference),
            ("fetch_by_id", format!("/razorpay/v1/payment_links/{middle}")),
            ("by_payment", format!("/razorpay/v1/payment_links?payment_id={payment}")),
            ("list", "/razorpay/v1/payment_links".to_owned()),
        ];
        for (name, uri) in requests {
            let (status, body) = runtime.block_on(call(&app, Method::GET, &uri, None));
            assert_eq!(status, StatusCode::OK, "{name}: {body}");
            group.bench_with_input(BenchmarkId::new(name, n), &uri, |b, uri| {
                b.iter(|| black_box(runtime.block_on(call(&app, Method::GET, uri, None))));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
