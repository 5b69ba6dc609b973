//! The facade against a local Cashfree mock: what each operation sends, what it returns, and
//! the Cashfree-specific error rows (409 duplicate link_id, cancel of a paid link,
//! `x-ratelimit-retry`).

mod common;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::*;
use paylinks::{CreateLink, Error, LinkRef, LinkStatus, ListFilter, Money, NotifyMedium, Provider, RetryPolicy};
use serde_json::json;

const P: Provider = Provider::Cashfree;
const LINKS: &str = "/pg/links";
const LINK: &str = "/pg/links/order-1042";

#[tokio::test]
async fn create_sends_major_units_and_every_field() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, cashfree_link("ACTIVE")).await;
    let link = order()
        .partial_payments(Some(Money::inr(10000)))
        .note("order", "1042")
        .notify(true, false)
        .return_url("https://shop.example/thanks")
        .expires_at(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
    let created = client.create(P, &link).await.unwrap();

    let request = only_call(&server, "POST", LINKS).await;
    assert_eq!(header(&request, "x-client-id"), [ID]);
    assert_eq!(header(&request, "x-client-secret"), [SECRET]);
    assert_eq!(header(&request, "x-idempotency-key"), ["order-1042"], "the key defaults to the reference");
    let sent = body(&request);
    assert_eq!(
        sent,
        json!({
            "link_id": "order-1042",
            "link_amount": 499.5,
            "link_currency": "INR",
            "link_purpose": "Order #1042",
            "customer_details": {"customer_phone": "+919876543210", "customer_email": "asha@example.com", "customer_name": "Asha Rao"},
            "link_partial_payments": true,
            "link_minimum_partial_amount": 100,
            "link_expiry_time": "2030-01-01T00:00:00Z",
            "link_notes": {"order": "1042"},
            "link_notify": {"send_sms": true, "send_email": false},
            "link_meta": {"return_url": "https://shop.example/thanks"}
        })
    );
    let raw = String::from_utf8(request.body.clone()).unwrap();
    assert!(raw.contains(r#""link_amount":499.5"#), "major units, not paise: {raw}");

    assert_eq!(created.provider, P);
    assert_eq!(created.id, "order-1042");
    assert_eq!(created.reference.as_deref(), Some("order-1042"));
    assert_eq!(created.status, LinkStatus::Active);
    assert_eq!(created.provider_status, "ACTIVE");
    assert_eq!(created.amount, Money::inr(49950));
    assert_eq!(created.amount_paid, Money::inr(0));
    assert_eq!(created.minimum_partial_amount, Some(Money::inr(10000)));
    assert!(created.partial_payments);
    assert_eq!(created.url.as_deref(), Some("https://payments-test.cashfree.com/links/o1tf1nvcvjhg"));
    assert_eq!(created.description.as_deref(), Some("Order #1042"));
    assert_eq!(created.customer.phone.as_deref(), Some("+919876543210"));
    assert_eq!(
        created.created_at,
        Some(Utc.with_ymd_and_hms(2021, 9, 30, 11, 35, 1).unwrap()),
        "17:05:01+05:30 in UTC"
    );
    assert_eq!(created.expires_at, Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()));
    assert_eq!(created.notes.get("order").map(String::as_str), Some("1042"));
    assert_eq!(created.link_ref(), LinkRef::new(P, "order-1042"));
}

#[tokio::test]
async fn create_sends_an_explicit_idempotency_key_and_leaves_out_unset_fields() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, cashfree_link("ACTIVE")).await;
    let mut link = CreateLink::new(Money::inr(100)).reference("order-1042").customer(None, None, Some("9999999999"));
    link.idempotency_key = Some("idem-42".into());
    client.create(P, &link).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-idempotency-key"), ["idem-42"]);
    assert_eq!(
        body(&request),
        json!({"link_id": "order-1042", "link_amount": 1, "link_currency": "INR",
               "customer_details": {"customer_phone": "9999999999"}})
    );
}

#[tokio::test]
async fn create_without_a_reference_generates_a_link_id_and_keys_on_it() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, cashfree_link("ACTIVE")).await;
    client.create(P, &CreateLink::new(Money::inr(100)).customer(None, None, Some("9999999999"))).await.unwrap();
    let request = only_request(&server).await;
    let link_id = body(&request)["link_id"].as_str().unwrap().to_owned();
    assert!(link_id.len() <= 50, "{link_id}");
    assert!(link_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'), "{link_id}");
    assert_eq!(header(&request, "x-idempotency-key"), [link_id]);
}

async fn assert_refused_before_sending(link: CreateLink, field: &str) {
    let (server, client) = setup(P, fast_retry(3)).await;
    let err = client.create(P, &link).await.unwrap_err();
    assert_invalid(&err, P, field);
    assert!(err.to_string().contains(field), "{err}");
    assert!(all_requests(&server).await.is_empty(), "nothing is sent");
    assert_eq!(client.validate(P, &link).unwrap_err().to_string(), err.to_string(), "validate says the same");
}

#[tokio::test]
async fn a_missing_customer_phone_is_refused_before_sending() {
    assert_refused_before_sending(
        CreateLink::new(Money::inr(49950)).customer(Some("Asha"), Some("a@example.com"), None),
        "customer.phone",
    )
    .await;
}

#[tokio::test]
async fn six_notes_are_refused_before_sending() {
    let link = (1..=6).fold(order(), |link, n| link.note(format!("k{n}"), "v"));
    assert_refused_before_sending(link, "notes").await;
    // Five are fine.
    let five = (1..=5).fold(order(), |link, n| link.note(format!("k{n}"), "v"));
    paylinks::validate(P, &five).unwrap();
}

#[tokio::test]
async fn a_reference_with_bad_characters_is_refused_before_sending() {
    assert_refused_before_sending(order().reference("order 1042!"), "reference").await;
    assert_refused_before_sending(order().reference("x".repeat(51)), "reference").await;
}

#[tokio::test]
async fn get_fetches_by_link_id() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, cashfree_link("PARTIALLY_PAID")).await;
    let link = client.get(&LinkRef::new(P, "order-1042")).await.unwrap();
    only_call(&server, "GET", LINK).await;
    assert_eq!(link.status, LinkStatus::PartiallyPaid);
    assert_eq!(link.provider_status, "PARTIALLY_PAID");
    assert_eq!(link.amount, Money::inr(49950));
}

#[tokio::test]
async fn cancel_posts_to_the_cancel_endpoint() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", "/pg/links/order-1042/cancel", 200, cashfree_link("CANCELLED")).await;
    let link = client.cancel(&LinkRef::new(P, "order-1042")).await.unwrap();
    let request = only_call(&server, "POST", "/pg/links/order-1042/cancel").await;
    assert!(request.body.is_empty());
    assert_eq!(link.status, LinkStatus::Cancelled);
    assert_eq!(link.provider_status, "CANCELLED");
}

#[tokio::test]
async fn cancelling_a_paid_link_is_invalid_state_with_its_status() {
    let (server, client) = setup(P, fast_retry(3)).await;
    let refusal = error_body(P, "link_not_active", "Only a link in ACTIVE status can be cancelled");
    mount(&server, "POST", "/pg/links/order-1042/cancel", 400, refusal).await;
    mount(&server, "GET", LINK, 200, cashfree_link("PAID")).await;
    let err = client.cancel(&LinkRef::new(P, "order-1042")).await.unwrap_err();
    assert_refused_cancel(&err, P, "order-1042", "PAID");
    let requests = api_requests(&server).await;
    assert_eq!(summary(&requests).len(), 2, "one cancel, one fetch: {:?}", summary(&requests));
}

#[tokio::test]
async fn resend_is_unsupported_and_sends_nothing() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let err = client.resend_notification(&LinkRef::new(P, "order-1042"), NotifyMedium::Sms).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { provider: P, operation: "resend_notification" }), "{err:?}");
    assert_displays_safely(&err, P);
    assert!(all_requests(&server).await.is_empty());
}

#[tokio::test]
async fn list_without_a_reference_is_unsupported() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let err = client.list(P, &ListFilter::default()).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { provider: P, .. }), "{err:?}");
    assert!(all_requests(&server).await.is_empty());
}

#[tokio::test]
async fn list_by_reference_fetches_that_link_or_nothing() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, cashfree_link("ACTIVE")).await;
    mount(&server, "GET", "/pg/links/missing", 404, error_body(P, "link_not_found", "link does not exist")).await;
    let found = client.list(P, &ListFilter { reference: Some("order-1042".into()) }).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "order-1042");
    let none = client.list(P, &ListFilter { reference: Some("missing".into()) }).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(summary(&api_requests(&server).await).len(), 2);
}

#[tokio::test]
async fn a_duplicate_link_id_on_create_is_an_invalid_reference() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", LINKS, 409, error_body(P, "link_post_failed", "link_id already exists")).await;
    let err = client.create(P, &order()).await.unwrap_err();
    match &err {
        Error::InvalidRequest { provider: P, field, message } => {
            assert_eq!(field, "reference");
            assert!(message.contains("already exists"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_displays_safely(&err, P);
    assert_eq!(api_requests(&server).await.len(), 1, "a 409 is not retried");
}

#[tokio::test]
async fn rate_limits_read_x_ratelimit_retry() {
    assert_get_rate_limited(P, "request_failed", ("x-ratelimit-retry", "3"), Some(Duration::from_secs(3))).await;
}

#[tokio::test]
async fn create_is_retried_with_the_same_idempotency_key_and_body() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", LINKS, 2, 500, error_body(P, "internal_error", "internal error")).await;
    mount(&server, "POST", LINKS, 200, cashfree_link("ACTIVE")).await;
    // No reference: the generated link_id must stay the same on every attempt too.
    let link = CreateLink::new(Money::inr(49950)).customer(None, None, Some("9999999999"));
    client.create(P, &link).await.unwrap();
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 3, "{:?}", summary(&requests));
    let key = header(&requests[0], "x-idempotency-key");
    assert_eq!(key.len(), 1);
    for request in &requests {
        assert_eq!(header(request, "x-idempotency-key"), key);
        assert_eq!(body(request), body(&requests[0]));
    }
}

#[tokio::test]
async fn a_cancel_retried_after_a_lost_response_returns_the_cancelled_link() {
    let (server, client) = setup(P, fast_retry(3)).await;
    let cancel = "/pg/links/order-1042/cancel";
    mount_times(&server, "POST", cancel, 1, 500, error_body(P, "internal_error", "internal error")).await;
    mount(&server, "POST", cancel, 400, error_body(P, "link_not_active", "link is not active")).await;
    mount(&server, "GET", LINK, 200, cashfree_link("CANCELLED")).await;
    let link = client.cancel(&LinkRef::new(P, "order-1042")).await.unwrap();
    assert_eq!(link.status, LinkStatus::Cancelled);
    let requests = summary(&api_requests(&server).await);
    assert_eq!(requests.len(), 3, "cancel, cancel, fetch: {requests:?}");
}
