//! Cashfree's payments and webhook through the facade: `get` reads a paid link's orders
//! (`GET /links/{link_id}/orders?status=ALL`) into `PaymentLink::payments`, under the retry
//! policy, and fails with the orders call's error; the crate's webhook verifier is reachable
//! as `paylinks::cashfree::webhook`.
//!
//! The facade's reading of a verified event (`LinkApi::verify_event`) is tested beside it, in
//! `src/providers/cashfree.rs`, until the facade's webhook entry point is public.

mod common;

use common::*;
use paylinks::{Error, LinkRef, Money, PaymentStatus, Provider, RetryPolicy};
use serde_json::{Value, json};

const P: Provider = Provider::Cashfree;
const LINK: &str = "/pg/links/order-1042";
const ORDERS: &str = "/pg/links/order-1042/orders";

/// The sample link, PARTIALLY_PAID with ₹200 of ₹499.50 paid.
fn partly_paid() -> Value {
    let mut link = cashfree_link("PARTIALLY_PAID");
    link["link_amount_paid"] = json!(200);
    link
}

/// An order of the link as `GET /links/{link_id}/orders` lists it.
fn order(id: &str, amount: impl Into<Value>, status: &str, created_at: &str) -> Value {
    let amount: Value = amount.into();
    json!({
        "cf_order_id": "2149460581", "link_id": "order-1042", "order_id": id, "entity": "order",
        "order_currency": "INR", "order_amount": amount, "order_status": status,
        "order_expiry_time": "2030-01-01T05:30:00+05:30", "created_at": created_at, "order_tags": null
    })
}

#[tokio::test]
async fn get_of_a_paid_link_lists_its_orders_as_payments_oldest_first() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, partly_paid()).await;
    let orders = json!([
        order("CFPay_second", 299.5, "ACTIVE", "2026-11-29T11:00:00+05:30"),
        order("CFPay_first", 200, "PAID", "2026-11-29T10:00:00+05:30"),
        order("CFPay_old", 499.5, "EXPIRED", "2026-11-28T10:00:00+05:30"),
        order("CFPay_ending", 299.5, "TERMINATION_REQUESTED", "2026-11-29T12:00:00+05:30"),
    ]);
    mount(&server, "GET", ORDERS, 200, orders).await;

    let link = client.get(&LinkRef::new(P, "order-1042")).await.unwrap();

    let requests = api_requests(&server).await;
    assert_eq!(sent(&requests), [format!("GET {LINK}"), format!("GET {ORDERS}")]);
    assert_eq!(query(&requests[1]), [("status".to_owned(), "ALL".to_owned())]);
    let seen: Vec<(&str, Money, PaymentStatus, &str)> =
        link.payments.iter().map(|p| (p.id.as_str(), p.amount, p.status, p.provider_status.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("CFPay_old", Money::inr(49950), PaymentStatus::Failed, "EXPIRED"),
            ("CFPay_first", Money::inr(20000), PaymentStatus::Succeeded, "PAID"),
            ("CFPay_second", Money::inr(29950), PaymentStatus::Pending, "ACTIVE"),
            ("CFPay_ending", Money::inr(29950), PaymentStatus::Pending, "TERMINATION_REQUESTED"),
        ]
    );
    assert_eq!(link.payments[1].created_at.unwrap().to_rfc3339(), "2026-11-29T04:30:00+00:00");
    assert!(link.payments.iter().all(|p| p.method.is_none()));
}

#[tokio::test]
async fn get_of_a_link_with_nothing_paid_makes_one_call() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, cashfree_link("ACTIVE")).await;
    let link = client.get(&LinkRef::new(P, "order-1042")).await.unwrap();
    only_call(&server, "GET", LINK).await;
    assert!(link.payments.is_empty());
}

#[tokio::test]
async fn the_orders_call_is_retried_under_the_policy() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "GET", LINK, 200, partly_paid()).await;
    mount_times(&server, "GET", ORDERS, 1, 500, error_body(P, "internal_error", "internal error")).await;
    mount(&server, "GET", ORDERS, 200, json!([order("CFPay_first", 200, "PAID", "2026-11-29T10:00:00+05:30")])).await;
    let link = client.get(&LinkRef::new(P, "order-1042")).await.unwrap();
    assert_eq!(link.payments.len(), 1);
    assert_eq!(
        sent(&api_requests(&server).await),
        ["GET /pg/links/order-1042", "GET /pg/links/order-1042/orders", "GET /pg/links/order-1042/orders"]
    );
}

#[tokio::test]
async fn a_failed_orders_call_fails_the_get_with_its_error() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, partly_paid()).await;
    mount(&server, "GET", ORDERS, 401, error_body(P, "request_failed", "authentication Failed")).await;
    let err = client.get(&LinkRef::new(P, "order-1042")).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { provider: P, .. }), "{err:?}");
    assert_displays_safely(&err, P);
}

#[tokio::test]
async fn an_order_that_is_not_a_payment_fails_the_get_naming_the_field() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, partly_paid()).await;
    let mut nameless = order("CFPay_first", 200, "PAID", "2026-11-29T10:00:00+05:30");
    nameless.as_object_mut().unwrap().remove("order_id");
    mount(&server, "GET", ORDERS, 200, json!([nameless])).await;
    let err = client.get(&LinkRef::new(P, "order-1042")).await.unwrap_err();
    match &err {
        Error::Decode { provider: P, operation: "get", message } => assert!(message.contains("order_id"), "{message}"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn the_crate_verifier_is_reachable_through_the_facade() {
    use paylinks::cashfree::webhook::{Verifier, sign};
    let body = br#"{"type":"PAYMENT_LINK_EVENT","event_time":"2026-11-29T11:15:00+05:30","data":{"link_id":"order-1042","link_status":"PAID"}}"#;
    let now = chrono::Utc::now();
    let headers = sign("whsec_paylinks_test_cashfree_client_secret", now.timestamp_millis(), body);
    let event = Verifier::new("whsec_paylinks_test_cashfree_client_secret").verify_at(&headers, body, now).unwrap();
    assert_eq!(event.id, "PAYMENT_LINK_EVENT:order-1042:PAID:-:-");
}
