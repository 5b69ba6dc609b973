//! The facade against a local Pine Labs Online mock (token endpoint included): what each
//! operation sends, what it returns, and the Pine Labs error rows (refused token, cancel of a
//! processed link).

mod common;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::*;
use paylinks::{CreateLink, Error, LinkStatus, ListFilter, Money, NotifyMedium, Provider, RetryPolicy};
use serde_json::json;
use wiremock::MockServer;

const P: Provider = Provider::Pinelabs;
const LINKS: &str = "/api/pay/v1/paymentlink";
const ID_: &str = "pl-v1-250306082755-aa-uT0noy";
const LINK: &str = "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy";
const CANCEL: &str = "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy/cancel";
const NOTIFY: &str = "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy/notify";
const BY_REFERENCE: &str = "/api/pay/v1/paymentlink/ref/order-1042";

/// Pine Labs takes the mobile number without its country code.
fn order() -> CreateLink {
    order_with_phone("9876543210")
}

#[tokio::test]
async fn create_sends_amount_objects_with_a_bearer_token() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, pinelabs_link("CREATED")).await;
    let expiry = Utc::now() + chrono::Duration::days(30);
    let expiry = Utc.timestamp_opt(expiry.timestamp(), 0).unwrap();
    let link = order().note("order", "1042").return_url("https://shop.example/thanks").expires_at(expiry);
    let created = client.create(P, &link).await.unwrap();

    let all = all_requests(&server).await;
    assert_eq!(sent(&all), [format!("POST {TOKEN_PATH}"), format!("POST {LINKS}")]);
    assert_eq!(body(&all[0]), json!({"client_id": ID, "client_secret": SECRET, "grant_type": "client_credentials"}));
    let request = &all[1];
    assert_eq!(header(request, "authorization"), ["Bearer t"]);
    let sent_body = body(request);
    assert_eq!(
        sent_body,
        json!({
            "amount": {"value": 49950, "currency": "INR"},
            "merchant_payment_link_reference": "order-1042",
            "description": "Order #1042",
            "expire_by": sent_body["expire_by"],
            "callback_url": "https://shop.example/thanks",
            "merchant_metadata": {"order": "1042"},
            "customer": {"first_name": "Asha", "last_name": "Rao", "email_id": "asha@example.com", "mobile_number": "9876543210"}
        })
    );
    let expire_by = sent_body["expire_by"].as_str().unwrap();
    assert!(expire_by.ends_with('Z'), "UTC: {expire_by}");
    assert_eq!(chrono::DateTime::parse_from_rfc3339(expire_by).unwrap(), expiry);

    assert_eq!(created.provider, P);
    assert_eq!(created.id, ID_);
    assert_eq!(created.reference.as_deref(), Some("order-1042"));
    assert_eq!(created.status, LinkStatus::Active);
    assert_eq!(created.provider_status, "CREATED");
    assert_eq!(created.amount, Money::inr(49950));
    assert_eq!(created.amount_paid, Money::inr(10000), "amount minus amount_due");
    assert_eq!(created.url.as_deref(), Some("https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd"));
    assert_eq!(created.customer.name.as_deref(), Some("Asha Rao"));
    assert_eq!(created.expires_at, Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()), "a time without seconds");
    assert_eq!(
        created.created_at,
        Some(Utc.with_ymd_and_hms(2025, 3, 6, 8, 27, 55).unwrap() + chrono::Duration::milliseconds(881))
    );
    assert_eq!(created.notes.get("order").map(String::as_str), Some("1042"));
}

#[tokio::test]
async fn create_without_a_reference_generates_one_and_sends_the_idempotency_key() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, pinelabs_link("CREATED")).await;
    let mut link = CreateLink::new(Money::inr(100));
    link.idempotency_key = Some("idem-7".into());
    client.create(P, &link).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "idempotency-key"), ["idem-7"]);
    let sent = body(&request);
    let reference = sent["merchant_payment_link_reference"].as_str().unwrap();
    assert!(
        !reference.is_empty()
            && reference.len() <= 50
            && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{reference}"
    );
    assert_eq!(sent["amount"], json!({"value": 100, "currency": "INR"}));
}

#[tokio::test]
async fn validation_runs_before_sending_or_fetching_a_token() {
    let cases = [
        (order().partial_payments(None), "partial_payments"),
        (order().reference("order 1042!"), "reference"),
        (order().reference("r".repeat(51)), "reference"),
        (CreateLink::new(Money::inr(99)), "amount"),
        (order().notify(true, false), "notify"),
    ];
    for err in refused_before_sending(P, cases).await {
        assert!(err.to_string().starts_with("pinelabs: invalid"), "{err}");
    }
    // No upper bound (issue 9 §5): the docs give none, so Rs 10,00,000.01 is Pine Labs' to judge.
    paylinks::validate(P, &CreateLink::new(Money::inr(100_000_001)).reference("order-1042")).unwrap();
    paylinks::validate(P, &CreateLink::new(Money::inr(100)).reference("order-1042")).unwrap();
}

#[tokio::test]
async fn get_cancel_and_resend_use_their_methods() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("PARTIAL_PROCESSED")).await;
    mount(&server, "PUT", CANCEL, 200, pinelabs_link("CANCELLED")).await;
    mount(&server, "PATCH", NOTIFY, 200, pinelabs_link("CREATED")).await;

    let fetched = client.get(&sample_ref(P)).await.unwrap();
    assert_eq!((fetched.status, fetched.provider_status.as_str()), (LinkStatus::PartiallyPaid, "PARTIAL_PROCESSED"));
    assert_eq!(client.cancel(&sample_ref(P)).await.unwrap().status, LinkStatus::Cancelled);
    client.resend_notification(&sample_ref(P), NotifyMedium::Sms).await.unwrap();

    let requests = api_requests(&server).await;
    assert_eq!(sent(&requests), [format!("GET {LINK}"), format!("PUT {CANCEL}"), format!("PATCH {NOTIFY}")]);
    for request in &requests {
        assert_eq!(header(request, "authorization"), ["Bearer t"]);
    }
    assert!(requests[1].body.is_empty() && requests[2].body.is_empty());
    assert_eq!(header(&requests[1], "content-length"), ["0"]);
    let tokens = all_requests(&server).await.len() - requests.len();
    assert_eq!(tokens, 1, "one token serves every call");
}

#[tokio::test]
async fn list_by_reference_uses_the_reference_endpoint() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", BY_REFERENCE, 200, pinelabs_link("PROCESSED")).await;
    let missing = "/api/pay/v1/paymentlink/ref/missing";
    mount(&server, "GET", missing, 404, error_body(P, "NOT_FOUND", "Payment link not found")).await;
    let found = client.list(P, &ListFilter { reference: Some("order-1042".into()) }).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id.as_str(), found[0].status), (ID_, LinkStatus::Paid));
    assert!(client.list(P, &ListFilter { reference: Some("missing".into()) }).await.unwrap().is_empty());
    assert_eq!(sent(&api_requests(&server).await), [format!("GET {BY_REFERENCE}"), format!("GET {missing}")]);
}

#[tokio::test]
async fn list_without_a_reference_is_unsupported() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let err = client.list(P, &ListFilter::default()).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { provider: P, .. }), "{err:?}");
    assert!(all_requests(&server).await.is_empty());
}

async fn assert_cancel_refused(status: u16) {
    let (server, client) = setup(P, fast_retry(3)).await;
    let refusal = error_body(P, "INVALID_REQUEST", "Payment link cannot be cancelled in its current state");
    mount(&server, "PUT", CANCEL, status, refusal).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("PROCESSED")).await;
    let err = client.cancel(&sample_ref(P)).await.unwrap_err();
    assert_refused_cancel(&err, P, ID_, "PROCESSED");
    assert_eq!(sent(&api_requests(&server).await), [format!("PUT {CANCEL}"), format!("GET {LINK}")]);
}

#[tokio::test]
async fn cancelling_a_processed_link_is_invalid_state_on_422() {
    assert_cancel_refused(422).await;
}

#[tokio::test]
async fn cancelling_a_processed_link_is_invalid_state_on_400() {
    assert_cancel_refused(400).await;
}

#[tokio::test]
async fn resending_an_expired_link_is_invalid_state_with_its_status() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "PATCH", NOTIFY, 422, error_body(P, "INVALID_REQUEST", "Link is not active")).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("EXPIRED")).await;
    let err = client.resend_notification(&sample_ref(P), NotifyMedium::Email).await.unwrap_err();
    assert_invalid_state(&err, "resend_notification", "EXPIRED");
}

#[tokio::test]
async fn a_refused_token_is_unauthorized_and_no_link_call_is_made() {
    let server = MockServer::start().await;
    let refusal = json!({"code": "USER_AUTHENTICATION_FAILED", "message": "Invalid client credentials"});
    mount(&server, "POST", TOKEN_PATH, 422, refusal).await;
    let client = client_at(P, &server.uri(), fast_retry(3));
    let err = client.get(&sample_ref(P)).await.unwrap_err();
    match &err {
        Error::Unauthorized { provider: P, message } => assert_eq!(message, "Invalid client credentials"),
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_displays_safely(&err, P);
    assert!(api_requests(&server).await.is_empty(), "no link call without a token");
    let err = client.create(P, &order()).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { provider: P, .. }), "{err:?}");
}

#[tokio::test]
async fn an_invalid_request_on_create_is_invalid() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", LINKS, 400, error_body(P, "INVALID_REQUEST", "customer: email_id is invalid")).await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { provider: P, message, .. } if message == "customer: email_id is invalid"),
        "{err:?}"
    );
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn rate_limits_read_retry_after() {
    assert_get_rate_limited(P, "PAYMENT_RATE_LIMIT", ("Retry-After", "3"), Some(Duration::from_secs(3))).await;
}

#[tokio::test]
async fn create_is_retried_under_the_same_reference() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", LINKS, 1, 503, error_body(P, "INTERNAL_ERROR", "unavailable")).await;
    mount(&server, "POST", LINKS, 200, pinelabs_link("CREATED")).await;
    let link = client.create(P, &CreateLink::new(Money::inr(49950))).await.unwrap();
    assert_eq!(link.id, ID_);
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2, "{:?}", summary(&requests));
    let reference = body(&requests[0])["merchant_payment_link_reference"].clone();
    assert!(reference.is_string());
    assert_eq!(body(&requests[1])["merchant_payment_link_reference"], reference, "the generated reference is reused");
}

#[tokio::test]
async fn a_cancel_retried_after_a_lost_response_returns_the_cancelled_link() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "PUT", CANCEL, 1, 500, error_body(P, "INTERNAL_ERROR", "internal error")).await;
    mount(&server, "PUT", CANCEL, 422, error_body(P, "INVALID_REQUEST", "Payment link is already cancelled")).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("CANCELLED")).await;
    let link = client.cancel(&sample_ref(P)).await.unwrap();
    assert_eq!(link.status, LinkStatus::Cancelled);
    assert_eq!(
        sent(&api_requests(&server).await),
        [format!("PUT {CANCEL}"), format!("PUT {CANCEL}"), format!("GET {LINK}")]
    );
}

#[tokio::test]
async fn a_token_endpoint_failure_is_retried_like_the_call() {
    let server = MockServer::start().await;
    mount_times(&server, "POST", TOKEN_PATH, 1, 500, error_body(P, "INTERNAL_ERROR", "token service down")).await;
    mount_token(&server).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("CREATED")).await;
    let client = client_at(P, &server.uri(), fast_retry(3));
    let link = client.get(&sample_ref(P)).await.unwrap();
    assert_eq!(link.id, ID_);
    assert_eq!(
        sent(&all_requests(&server).await),
        [format!("POST {TOKEN_PATH}"), format!("POST {TOKEN_PATH}"), format!("GET {LINK}")]
    );
}

#[tokio::test]
async fn a_token_endpoint_failure_without_retries_is_a_provider_error() {
    let server = MockServer::start().await;
    mount(&server, "POST", TOKEN_PATH, 500, error_body(P, "INTERNAL_ERROR", "token service down")).await;
    let client = client_at(P, &server.uri(), RetryPolicy::none());
    let err = client.get(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(err, Error::Provider { provider: P, status: 500, .. }), "{err:?}");
    assert_displays_safely(&err, P);
    assert_eq!(all_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_phone_with_a_country_prefix_is_refused_before_sending() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let link = order().customer(Some("Asha Rao"), None, Some("+919876543210"));
    let err = client.create(P, &link).await.unwrap_err();
    assert_invalid(&err, P, "customer.phone");
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn only_created_links_can_be_cancelled_or_resent() {
    // CLICKED and PAYMENT_INITIATED links are still payable (active), but Pine Labs cancels and
    // notifies only CREATED ones: a refusal on them is explained by that state.
    for state in ["CLICKED", "PAYMENT_INITIATED"] {
        let (server, client) = setup(P, RetryPolicy::none()).await;
        let refusal = error_body(P, "INVALID_REQUEST", "Payment link is not in CREATED state");
        mount(&server, "PUT", CANCEL, 422, refusal.clone()).await;
        mount(&server, "PATCH", NOTIFY, 422, refusal).await;
        mount(&server, "GET", LINK, 200, pinelabs_link(state)).await;
        let err = client.cancel(&sample_ref(P)).await.unwrap_err();
        assert_invalid_state(&err, "cancel", state);
        let err = client.resend_notification(&sample_ref(P), NotifyMedium::Sms).await.unwrap_err();
        assert_invalid_state(&err, "resend_notification", state);
    }
}

#[tokio::test]
async fn a_refusal_on_a_created_link_is_not_blamed_on_its_state() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "PUT", CANCEL, 422, error_body(P, "DUPLICATE_REQUEST", "Duplicate request")).await;
    mount(&server, "GET", LINK, 200, pinelabs_link("CREATED")).await;
    let err = client.cancel(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(&err, Error::Provider { status: 422, code: Some(c), .. } if c == "DUPLICATE_REQUEST"), "{err:?}");
}
