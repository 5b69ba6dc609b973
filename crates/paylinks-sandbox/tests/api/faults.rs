//! Injected faults: statuses, rate limits, delays, dropped connections.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{send, start};

fn cashfree_link(link_id: &str) -> Value {
    json!({"link_id": link_id, "link_amount": 100, "link_currency": "INR", "link_purpose": "Fault test",
        "customer_details": {"customer_phone": "9999999999"}})
}

fn pinelabs_link(reference: &str) -> Value {
    json!({"amount": {"value": 10000, "currency": "INR"}, "merchant_payment_link_reference": reference})
}

#[tokio::test]
async fn status_faults_use_each_providers_error_body() {
    let h = start().await;
    h.fault(json!({"provider": "cashfree", "kind": "status", "status": 500})).await;
    let reply = send(h.cashfree(Method::POST, "/links").json(&cashfree_link("f1"))).await;
    reply.status(500).conforms("cashfree", "createLink");
    assert_eq!(reply.body["type"], "api_error");
    assert!(h.all_links("cashfree").await.is_empty(), "a status fault does not handle the request");

    h.fault(json!({"provider": "cashfree", "kind": "status", "status": 502})).await;
    send(h.cashfree(Method::GET, "/links/f1")).await.status(502).conforms("cashfree", "fetchLink");

    h.fault(json!({"provider": "razorpay", "kind": "status", "status": 500})).await;
    let reply = send(h.razorpay(Method::GET, "/v1/payment_links")).await;
    reply.status(500).conforms("razorpay", "listPaymentLinks");
    assert_eq!(reply.body["error"]["code"], "SERVER_ERROR");

    h.fault(json!({"provider": "razorpay", "kind": "status", "status": 503})).await;
    let reply = send(h.razorpay(Method::GET, "/v1/invoices")).await;
    reply.status(503);
    assert_eq!(reply.body["error"]["code"], "SERVER_ERROR");

    let token = h.pinelabs_token().await;
    h.fault(json!({"provider": "pinelabs", "kind": "status", "status": 500})).await;
    let reply = send(h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token).json(&pinelabs_link("p1"))).await;
    reply.status(500).conforms("pinelabs", "createPaymentLink");
    assert_eq!(reply.body["code"], "INTERNAL_ERROR");

    h.fault(json!({"provider": "cashfree", "kind": "status", "status": 503})).await;
    let reply = send(h.cashfree(Method::GET, "/links/f1")).await;
    reply.status(503);
    assert_eq!(reply.body["type"], "api_error");
}

#[tokio::test]
async fn rate_limit_faults_send_retry_headers() {
    let h = start().await;
    h.fault(json!({"provider": "cashfree", "kind": "rate_limit", "retry_after_secs": 7})).await;
    let reply = send(h.cashfree(Method::POST, "/links").json(&cashfree_link("r1"))).await;
    reply.status(429).conforms("cashfree", "createLink");
    assert_eq!(reply.body["type"], "rate_limit_error");
    assert_eq!(reply.header("retry-after"), Some("7"));
    assert_eq!(reply.header("x-ratelimit-retry"), Some("7"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("0"));

    h.fault(json!({"provider": "razorpay", "kind": "rate_limit", "retry_after_secs": 3})).await;
    let reply = send(h.razorpay(Method::GET, "/v1/payment_links")).await;
    reply.status(429);
    assert_eq!(reply.header("retry-after"), Some("3"));
    assert_eq!(reply.body["error"]["code"], "BAD_REQUEST_ERROR");
    crate::support::check_response("razorpay", "listPaymentLinks", 400, &reply.body).expect("Razorpay envelope");

    h.fault(json!({"provider": "pinelabs", "kind": "rate_limit", "retry_after_secs": 2})).await;
    let reply = send(h.pinelabs_anonymous(Method::POST, "/api/auth/v1/token").json(&json!({}))).await;
    reply.status(429);
    assert_eq!(reply.header("retry-after"), Some("2"));
    crate::support::check_response("pinelabs", "getPaymentLink", 400, &reply.body).expect("Pine Labs error shape");
}

#[tokio::test]
async fn faults_count_down_and_skip_control_requests() {
    let h = start().await;
    h.fault(json!({"provider": null, "kind": "status", "status": 500, "count": 2})).await;
    // Control requests never see faults.
    assert!(h.all_links("cashfree").await.is_empty());
    send(h.razorpay(Method::GET, "/v1/payment_links")).await.status(500);
    send(h.cashfree(Method::GET, "/links/none")).await.status(500);
    send(h.cashfree(Method::GET, "/links/none")).await.status(404);
    let queue = send(h.control(Method::GET, "/faults")).await;
    assert_eq!(queue.status(200).body["faults"], json!([]));

    h.fault(json!({"provider": "razorpay", "kind": "status", "status": 502, "count": 5})).await;
    send(h.control(Method::DELETE, "/faults")).await.status(200);
    send(h.razorpay(Method::GET, "/v1/payment_links")).await.status(200);

    // Only the named provider's requests get it.
    h.fault(json!({"provider": "pinelabs", "kind": "status", "status": 500})).await;
    send(h.razorpay(Method::GET, "/v1/payment_links")).await.status(200);
    h.pinelabs_anonymous(Method::POST, "/api/auth/v1/token").send().await.map(|r| assert_eq!(r.status(), 500)).unwrap();

    let bad = send(h.control(Method::POST, "/faults").json(&json!({"kind": "explode"}))).await;
    bad.status(400);
    assert!(bad.body["message"].as_str().unwrap().contains("kind"));
}

#[tokio::test]
async fn delay_waits_then_handles() {
    let h = start().await;
    h.fault(json!({"provider": "razorpay", "kind": "delay", "delay_ms": 300})).await;
    let started = Instant::now();
    send(h.razorpay(Method::POST, "/v1/payment_links").json(&json!({"amount": 1000}))).await.status(200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(h.all_links("razorpay").await.len(), 1);
}

#[tokio::test]
async fn drop_closes_the_connection_before_handling() {
    let h = start().await;
    h.fault(json!({"provider": "razorpay", "kind": "drop"})).await;
    let result = h.razorpay(Method::POST, "/v1/payment_links").json(&json!({"amount": 1000})).send().await;
    assert!(result.is_err(), "no response: {result:?}");
    assert!(h.all_links("razorpay").await.is_empty(), "the request was not handled");
    send(h.razorpay(Method::POST, "/v1/payment_links").json(&json!({"amount": 1000}))).await.status(200);
}

#[tokio::test]
async fn drop_response_after_an_idempotent_cashfree_create_leaves_one_link() {
    let h = start().await;
    h.fault(json!({"provider": "cashfree", "kind": "drop_response"})).await;
    let request =
        || h.cashfree(Method::POST, "/links").header("x-idempotency-key", "retry-key").json(&cashfree_link("lost_1"));
    let lost = request().send().await;
    assert!(lost.is_err(), "the response is lost: {lost:?}");
    assert_eq!(h.all_links("cashfree").await.len(), 1, "the request was handled");
    let retried = send(request()).await;
    retried.status(200).conforms("cashfree", "createLink");
    assert_eq!(retried.header("x-idempotency-replayed"), Some("true"));
    assert_eq!(retried.body["link_id"], "lost_1");
    assert_eq!(h.all_links("cashfree").await.len(), 1);
}

#[tokio::test]
async fn drop_response_then_retry_by_reference() {
    let h = start().await;
    // Razorpay: the retry is refused, the link is found by its reference.
    h.fault(json!({"provider": "razorpay", "kind": "drop_response"})).await;
    let body = json!({"amount": 1000, "reference_id": "lost-ref"});
    assert!(h.razorpay(Method::POST, "/v1/payment_links").json(&body).send().await.is_err());
    let retry = send(h.razorpay(Method::POST, "/v1/payment_links").json(&body)).await;
    retry.status(400);
    let found = send(h.razorpay(Method::GET, "/v1/payment_links?reference_id=lost-ref")).await;
    assert_eq!(found.status(200).body["payment_links"].as_array().unwrap().len(), 1);

    // Pine Labs: the retry returns the link created by the lost request.
    let token = h.pinelabs_token().await;
    h.fault(json!({"provider": "pinelabs", "kind": "drop_response"})).await;
    let lost = h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token).json(&pinelabs_link("lost-pl")).send().await;
    assert!(lost.is_err());
    let retry = send(h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token).json(&pinelabs_link("lost-pl"))).await;
    retry.status(200).conforms("pinelabs", "createPaymentLink");
    assert_eq!(h.all_links("pinelabs").await.len(), 1);
}
