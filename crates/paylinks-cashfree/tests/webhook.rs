//! The webhook verifier against signed deliveries whose signatures were computed by OpenSSL,
//! not by paylinks (`tests/fixtures/cashfree/webhooks/`, recipe in `tests/fixtures/SOURCES.md`):
//! each good delivery verifies and decodes exactly; each way a delivery can be wrong is refused
//! with its own error.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use paylinks_cashfree::types::{CfLinkId, KnownLinkStatus, KnownTransactionStatus, PaymentLinkEvent, TransactionId};
use paylinks_cashfree::webhook::{Event, Verifier, event_id, sign};
use paylinks_core::webhook::{MAX_BODY_BYTES, WebhookError};
use paylinks_testkit::{conformance_dir, decode_value_as, spec_examples};

/// The client secret the fixtures were signed with (obviously fake).
const SECRET: &str = "whsec_paylinks_test_cashfree_client_secret";
/// The `x-webhook-timestamp` of every fixture, Unix milliseconds.
const SIGNED_AT_MS: i64 = 1_746_427_759_733;
const FIXTURES: &[&str] = &["docs_partially_paid", "synthetic_cancelled"];
const PROVIDER: &str = "cashfree";

/// A fixture's raw body and headers.
fn delivery(name: &str) -> (Vec<u8>, HeaderMap) {
    let folder = conformance_dir().join("cashfree/webhooks");
    let body = std::fs::read(folder.join(format!("{name}.json"))).unwrap();
    let text = std::fs::read_to_string(folder.join(format!("{name}.headers"))).unwrap();
    let mut headers = HeaderMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (name, value) = line.split_once(':').unwrap();
        headers.insert(
            HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            HeaderValue::from_str(value.trim()).unwrap(),
        );
    }
    (body, headers)
}

fn signed_at() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(SIGNED_AT_MS).unwrap()
}

fn verify(headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<Event, WebhookError> {
    Verifier::new(SECRET).verify_at(headers, body, now)
}

#[test]
fn every_openssl_signed_delivery_verifies_within_the_window() {
    for name in FIXTURES {
        let (body, headers) = delivery(name);
        for offset_secs in [-299, 0, 299] {
            let now = signed_at() + chrono::Duration::seconds(offset_secs);
            let event = verify(&headers, &body, now).unwrap_or_else(|e| panic!("{name} at {offset_secs}s: {e}"));
            assert_eq!(event.signed_at, signed_at());
            assert_eq!(event.event.type_, "PAYMENT_LINK_EVENT");
        }
    }
}

#[test]
fn the_documented_event_decodes_exactly() {
    let (body, headers) = delivery("docs_partially_paid");
    let event = verify(&headers, &body, signed_at()).unwrap();
    assert_eq!(event.id, "PAYMENT_LINK_EVENT:payment_ps11:PARTIALLY_PAID:CFPay_U1mgll3c0e9g_ehdcjjbtckf:1021206");
    assert_eq!(event.idempotency_key, None);
    let data = &event.event.data;
    assert_eq!(data.cf_link_id, Some(CfLinkId::Integer(1_576_977)));
    assert_eq!(data.link_status, Some(KnownLinkStatus::PartiallyPaid.into()));
    // String amounts, exactly, decimals kept.
    assert_eq!(data.link_amount.unwrap().to_string(), "200.12");
    assert_eq!(data.link_amount_paid.unwrap().to_string(), "55.00");
    assert_eq!(data.link_minimum_partial_amount.unwrap().to_string(), "11.00");
    // Offset-less times are India time; event_time keeps its offset.
    assert_eq!(data.link_created_at.unwrap().to_utc().to_rfc3339(), "2021-08-18T01:43:41+00:00");
    assert_eq!(data.link_expiry_time.unwrap().to_utc().to_rfc3339(), "2021-11-28T16:16:20+00:00");
    assert_eq!(event.event.event_time.to_utc().to_rfc3339(), "2021-08-18T07:25:06+00:00");
    let order = data.order.as_ref().unwrap();
    assert_eq!(order.order_amount.unwrap().to_string(), "22.00");
    assert_eq!(order.order_expiry_time.unwrap().to_utc().to_rfc3339(), "2021-08-18T02:04:50+00:00");
    assert_eq!(order.transaction_id, Some(TransactionId::Integer(1_021_206)));
    assert_eq!(order.transaction_status, Some(KnownTransactionStatus::Success.into()));
}

#[test]
fn an_event_without_an_order_has_a_key_without_one() {
    let (body, headers) = delivery("synthetic_cancelled");
    let event = verify(&headers, &body, signed_at()).unwrap();
    assert_eq!(event.id, "PAYMENT_LINK_EVENT:order-1042:CANCELLED:-:-");
    assert!(event.event.data.order.is_none());
    assert_eq!(event.event.data.link_amount.unwrap().to_string(), "499.50");
}

#[test]
fn a_redelivery_signed_later_has_the_same_id() {
    let (body, headers) = delivery("docs_partially_paid");
    let first = verify(&headers, &body, signed_at()).unwrap();
    let later = signed_at() + chrono::Duration::minutes(30);
    let again = verify(&sign(SECRET, later.timestamp_millis(), &body), &body, later).unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.signed_at, later);
}

#[test]
fn one_changed_byte_is_a_signature_mismatch() {
    let (body, headers) = delivery("docs_partially_paid");
    let at = body.windows(6).position(|w| w == b"200.12").unwrap();
    let mut changed = body.clone();
    changed[at + 5] = b'3';
    assert_eq!(
        verify(&headers, &changed, signed_at()).unwrap_err(),
        WebhookError::SignatureMismatch { provider: PROVIDER }
    );
}

#[test]
fn a_re_serialised_body_is_a_signature_mismatch() {
    let (body, headers) = delivery("docs_partially_paid");
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    for reserialised in [serde_json::to_vec(&value).unwrap(), serde_json::to_vec_pretty(&value).unwrap()] {
        assert_ne!(reserialised, body);
        let err = verify(&headers, &reserialised, signed_at()).unwrap_err();
        assert_eq!(err, WebhookError::SignatureMismatch { provider: PROVIDER });
    }
}

#[test]
fn another_secret_is_a_signature_mismatch() {
    let (body, headers) = delivery("docs_partially_paid");
    for secret in ["whsec_paylinks_test_other", "", "whsec_paylinks_test_cashfree_client_secreT"] {
        let err = Verifier::new(secret).verify_at(&headers, &body, signed_at()).unwrap_err();
        assert_eq!(err, WebhookError::SignatureMismatch { provider: PROVIDER });
    }
}

#[test]
fn a_timestamp_outside_the_window_is_stale_either_way() {
    let (body, headers) = delivery("docs_partially_paid");
    let late = verify(&headers, &body, signed_at() + chrono::Duration::seconds(301)).unwrap_err();
    assert!(matches!(late, WebhookError::StaleTimestamp { age_secs: 301, tolerance_secs: 300, .. }), "{late:?}");
    let early = verify(&headers, &body, signed_at() - chrono::Duration::seconds(301)).unwrap_err();
    assert!(matches!(early, WebhookError::StaleTimestamp { age_secs: -301, .. }), "{early:?}");
    assert!(late.to_string().contains("x-webhook-timestamp"), "{late}");
    // A wider window accepts it; a narrower one refuses sooner.
    let wide = Verifier::new(SECRET).with_tolerance(Duration::from_secs(600));
    assert!(wide.verify_at(&headers, &body, signed_at() + chrono::Duration::seconds(301)).is_ok());
    let narrow = Verifier::new(SECRET).with_tolerance(Duration::from_secs(10));
    let err = narrow.verify_at(&headers, &body, signed_at() + chrono::Duration::seconds(11)).unwrap_err();
    assert!(matches!(err, WebhookError::StaleTimestamp { tolerance_secs: 10, .. }), "{err:?}");
}

#[test]
fn a_missing_or_malformed_header_is_named() {
    let (body, headers) = delivery("docs_partially_paid");
    for header in ["x-webhook-signature", "x-webhook-timestamp"] {
        let mut without = headers.clone();
        without.remove(header);
        let err = verify(&without, &body, signed_at()).unwrap_err();
        assert_eq!(err, WebhookError::MissingHeader { provider: PROVIDER, header });
    }
    let mut bad = headers.clone();
    bad.insert("x-webhook-signature", HeaderValue::from_static("not base64!"));
    let err = verify(&bad, &body, signed_at()).unwrap_err();
    assert!(matches!(err, WebhookError::MalformedHeader { header: "x-webhook-signature", .. }), "{err:?}");
    let mut bad = headers.clone();
    bad.insert("x-webhook-timestamp", HeaderValue::from_static("2025-05-05T06:49:19Z"));
    let err = verify(&bad, &body, signed_at()).unwrap_err();
    assert!(matches!(err, WebhookError::MalformedHeader { header: "x-webhook-timestamp", .. }), "{err:?}");
}

#[test]
fn an_empty_or_oversized_body_is_refused_before_the_mac() {
    let (_, headers) = delivery("docs_partially_paid");
    assert_eq!(verify(&headers, b"", signed_at()).unwrap_err(), WebhookError::EmptyBody { provider: PROVIDER });
    let huge = vec![b' '; 1024 * 1024];
    let signed = sign(SECRET, SIGNED_AT_MS, &huge);
    let err = verify(&signed, &huge, signed_at()).unwrap_err();
    assert_eq!(err, WebhookError::TooLarge { provider: PROVIDER, length: 1024 * 1024, limit: MAX_BODY_BYTES });
}

#[test]
fn errors_never_show_the_secret_or_the_body() {
    let (body, headers) = delivery("docs_partially_paid");
    let mut changed = body.clone();
    changed[10] ^= 1;
    let errors = [
        verify(&headers, &changed, signed_at()).unwrap_err(),
        verify(&headers, &body, signed_at() + chrono::Duration::hours(1)).unwrap_err(),
        Verifier::new("whsec_paylinks_test_other").verify_at(&headers, &body, signed_at()).unwrap_err(),
    ];
    let signature = headers["x-webhook-signature"].to_str().unwrap();
    for err in errors {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(signature), "{shown}");
        assert!(!shown.contains("payment_ps11") && !shown.contains("9000000000"), "{shown}");
    }
}

#[test]
fn sign_writes_cashfrees_headers() {
    let headers = sign(SECRET, SIGNED_AT_MS, b"{}");
    assert_eq!(headers["x-webhook-timestamp"], "1746427759733");
    assert_eq!(headers["x-webhook-version"], paylinks_cashfree::DEFAULT_API_VERSION);
    assert_eq!(headers["content-type"], "application/json");
    // The same recipe as the fixtures, for the body of one of them.
    let (body, fixture) = delivery("synthetic_cancelled");
    assert_eq!(sign(SECRET, SIGNED_AT_MS, &body)["x-webhook-signature"], fixture["x-webhook-signature"]);
}

/// Every documented example of the event (the spec's callback) decodes, and the id derived
/// from it is stable.
#[test]
fn every_documented_event_example_decodes() {
    let examples: Vec<_> =
        spec_examples("cashfree").into_iter().filter(|e| e.operation_id == "paymentLinkEvent").collect();
    assert!(!examples.is_empty(), "specs/cashfree.yaml documents no payment link event");
    for example in examples {
        let event: PaymentLinkEvent = decode_value_as(&example.snapshot_name(), &example.value).unwrap();
        assert!(event_id(&event).starts_with("PAYMENT_LINK_EVENT:"), "{}", example.snapshot_name());
    }
}
