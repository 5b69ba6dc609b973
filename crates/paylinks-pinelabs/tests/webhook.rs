//! `paylinks_pinelabs::webhook` against signatures made by something else: Pine Labs' own
//! worked example, an `openssl dgst` fixture (tests/fixtures/pinelabs/webhooks/, recipes in
//! tests/fixtures/SOURCES.md) and the Standard Webhooks reference crate (`standardwebhooks`);
//! every way a delivery can be wrong, each with its own error; every documented event
//! decodes, from the fixtures and from the spec's callback examples.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use paylinks_pinelabs::types::{EventType, KnownEventType, KnownOrderStatus, OrderStatus};
use paylinks_pinelabs::webhook::{
    self, DEFAULT_TOLERANCE, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier, WebhookError, sign,
};
use paylinks_testkit::{conformance_dir, conformance_files, spec_document};
use serde_json::Value;

/// The secret of the openssl fixture and of the tests below (used as its bytes, prefix and all).
const SECRET: &str = "whsec_paylinks_test_pinelabs";

fn fixture(name: &str) -> Vec<u8> {
    let path = conformance_dir().join("pinelabs/webhooks").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `*.headers` fixture: one `name: value` a line.
fn headers(name: &str) -> HeaderMap {
    let text = String::from_utf8(fixture(name)).unwrap();
    let mut map = HeaderMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(": ").unwrap();
        map.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    map
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

fn is_mismatch(result: Result<webhook::Event, WebhookError>) -> bool {
    matches!(result, Err(WebhookError::SignatureMismatch { provider: "pinelabs" }))
}

/// The openssl-signed delivery: `order_processed_card.json`, id `msg_paylinks_test_0001`,
/// signed at 1725871841.
const SIGNED_AT: i64 = 1_725_871_841;

#[test]
fn pine_labs_worked_example_verifies() {
    let headers = headers("docs_signature_example.headers");
    let body = fixture("docs_signature_example.body");
    assert_eq!(body, br#"{"payload":"payload"}"#);
    let now = at(1_728_543_028);
    // The example's body is not an event: the signature passes and the decoding says so.
    let result = Verifier::new("abc1234").verify_at(&headers, &body, now);
    let Err(WebhookError::NotAnEvent { provider: "pinelabs", why }) = result else {
        panic!("the docs' signature must verify: {result:?}");
    };
    assert!(why.contains("missing field `data`"), "{why}");
    // Keyed with the base64 text instead of its decoded bytes, it does not.
    assert!(is_mismatch(Verifier::new("YWJjMTIzNA==").verify_at(&headers, &body, now)));
}

#[test]
fn openssl_signed_fixture_verifies_and_decodes() {
    let event = Verifier::new(SECRET)
        .verify_at(&headers("order_processed_card.headers"), &fixture("order_processed_card.json"), at(SIGNED_AT + 5))
        .unwrap();
    assert_eq!(event.id, "msg_paylinks_test_0001");
    assert_eq!(event.timestamp, at(SIGNED_AT));
    assert_eq!(event.event_type(), "ORDER_PROCESSED");
    let order = &event.event.data;
    assert_eq!(order.order_id.as_deref(), Some("v1-240909084141-aa-O2oJwd"));
    assert_eq!(order.order_amount.as_ref().map(|a| (a.value, a.currency.as_str())), Some((200, "INR")));
    assert_eq!(order.updated_at.unwrap().to_utc().to_rfc3339(), "2024-09-09T08:50:41.082+00:00");
}

#[test]
fn our_signature_is_the_standard_webhooks_one() {
    let body = fixture("order_processed_card.json");
    let reference = standardwebhooks::Webhook::from_bytes(SECRET.as_bytes().to_vec()).unwrap();
    let ours = sign(SECRET, "msg_paylinks_test_0001", SIGNED_AT, &body).unwrap();
    assert_eq!(
        ours[SIGNATURE_HEADER].to_str().unwrap(),
        reference.sign("msg_paylinks_test_0001", SIGNED_AT, &body).unwrap()
    );
    // ... and the openssl fixture's.
    assert_eq!(ours, headers("order_processed_card.headers"));
    // The reference verifier (real clock, fixed 5-minute window) accepts what we sign now.
    let now = Utc::now();
    let fresh = sign(SECRET, "msg_fresh", now.timestamp(), &body).unwrap();
    reference.verify(&body, &fresh).expect("standardwebhooks accepts our delivery");
    assert!(Verifier::new(SECRET).verify(&fresh, &body).is_ok());
    // And ours accepts what the reference signs.
    let mut theirs = fresh.clone();
    theirs.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&reference.sign("msg_fresh", now.timestamp(), &body).unwrap()).unwrap(),
    );
    assert!(Verifier::new(SECRET).verify_at(&theirs, &body, now).is_ok());
}

/// A valid delivery of the fixture event, signed at `SIGNED_AT`.
fn delivery() -> (HeaderMap, Vec<u8>) {
    let body = fixture("order_processed_card.json");
    (sign(SECRET, "msg_1", SIGNED_AT, &body).unwrap(), body)
}

#[test]
fn every_way_a_delivery_can_be_wrong_has_its_own_error() {
    let verifier = Verifier::new(SECRET);
    let now = at(SIGNED_AT);
    let (headers, body) = delivery();
    assert!(verifier.verify_at(&headers, &body, now).is_ok());

    // One byte changed.
    let mut changed = body.clone();
    let at_amount = changed.windows(3).position(|w| w == b"200").unwrap();
    changed[at_amount] = b'9';
    assert!(is_mismatch(verifier.verify_at(&headers, &changed, now)));

    // The same JSON, serialised again (compact): the bytes differ, so the signature does.
    let reserialised = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_ne!(reserialised, body);
    assert!(is_mismatch(verifier.verify_at(&headers, &reserialised, now)));

    // Another secret.
    assert!(is_mismatch(Verifier::new("whsec_paylinks_test_other").verify_at(&headers, &body, now)));

    // Outside the window, both ways; inside a wider one.
    let tolerance = DEFAULT_TOLERANCE.as_secs() as i64;
    assert_eq!(
        verifier.verify_at(&headers, &body, at(SIGNED_AT + tolerance + 1)).unwrap_err(),
        WebhookError::StaleTimestamp {
            provider: "pinelabs",
            header: TIMESTAMP_HEADER,
            age_secs: tolerance + 1,
            tolerance_secs: 300
        }
    );
    assert!(matches!(
        verifier.verify_at(&headers, &body, at(SIGNED_AT - tolerance - 1)),
        Err(WebhookError::StaleTimestamp { age_secs, .. }) if age_secs == -(tolerance + 1)
    ));
    assert!(verifier.verify_at(&headers, &body, at(SIGNED_AT + tolerance)).is_ok());
    let patient = Verifier::new(SECRET).with_tolerance(Duration::from_secs(3600));
    assert!(patient.verify_at(&headers, &body, at(SIGNED_AT + 3000)).is_ok());

    // Each header missing.
    for header in [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER] {
        let mut without = headers.clone();
        without.remove(header);
        assert_eq!(
            verifier.verify_at(&without, &body, now).unwrap_err(),
            WebhookError::MissingHeader { provider: "pinelabs", header },
        );
    }

    // Empty, and 1 MB.
    assert_eq!(verifier.verify_at(&headers, b"", now).unwrap_err(), WebhookError::EmptyBody { provider: "pinelabs" });
    let huge = vec![b' '; 1024 * 1024];
    assert!(matches!(
        verifier.verify_at(&headers, &huge, now),
        Err(WebhookError::TooLarge { provider: "pinelabs", length: 1_048_576, .. })
    ));

    // Malformed headers.
    let mut bad_time = headers.clone();
    bad_time.insert(TIMESTAMP_HEADER, HeaderValue::from_static("1725871841000x"));
    assert!(matches!(
        verifier.verify_at(&bad_time, &body, now),
        Err(WebhookError::MalformedHeader { header: TIMESTAMP_HEADER, .. })
    ));
    let mut bad_signature = headers.clone();
    bad_signature.insert(SIGNATURE_HEADER, HeaderValue::from_static("v2,c2lnbmF0dXJl"));
    assert!(matches!(
        verifier.verify_at(&bad_signature, &body, now),
        Err(WebhookError::MalformedHeader { header: SIGNATURE_HEADER, .. })
    ));
}

#[test]
fn any_v1_entry_of_a_list_may_match() {
    let verifier = Verifier::new(SECRET);
    let (headers, body) = delivery();
    let good = headers[SIGNATURE_HEADER].to_str().unwrap().to_owned();
    let old_secret = sign("whsec_paylinks_test_rotated", "msg_1", SIGNED_AT, &body).unwrap();
    let old = old_secret[SIGNATURE_HEADER].to_str().unwrap().to_owned();
    for list in [format!("{old} {good}"), format!("{good} {old}"), format!("v1a,AAAA {good}"), good[3..].to_owned()] {
        let mut listed = headers.clone();
        listed.insert(SIGNATURE_HEADER, HeaderValue::from_str(&list).unwrap());
        assert!(verifier.verify_at(&listed, &body, at(SIGNED_AT)).is_ok(), "{list}");
    }
    let mut only_old = headers.clone();
    only_old.insert(SIGNATURE_HEADER, HeaderValue::from_str(&old).unwrap());
    assert!(is_mismatch(verifier.verify_at(&only_old, &body, at(SIGNED_AT))));
}

#[test]
fn a_signed_body_that_is_not_an_event_names_the_path() {
    let verifier = Verifier::new(SECRET);
    let body = br#"{"event_type":"ORDER_PROCESSED","data":{"payments":[{"payment_amount":{"value":"12.00","currency":"INR"}}]}}"#;
    let headers = sign(SECRET, "msg_2", SIGNED_AT, body).unwrap();
    let Err(WebhookError::NotAnEvent { provider: "pinelabs", why }) = verifier.verify_at(&headers, body, at(SIGNED_AT))
    else {
        panic!("not an event");
    };
    assert!(why.contains("data.payments[0].payment_amount.value"), "{why}");
    assert!(!why.contains("12.00"), "{why}");
}

/// The documented event name of a fixture file: `order_processed_card.json` → `ORDER_PROCESSED`.
fn documented_type(file: &str) -> &'static str {
    ["ORDER_AUTHORIZED", "ORDER_PROCESSED", "ORDER_CANCELLED", "ORDER_FAILED", "PAYMENT_FAILED", "REFUND_PROCESSED"]
        .into_iter()
        .find(|t| file.starts_with(&t.to_ascii_lowercase()))
        .unwrap_or_else(|| panic!("{file}: no documented event type in its name"))
}

#[test]
fn every_documented_event_verifies_and_decodes() {
    let files = conformance_files("pinelabs/webhooks");
    assert_eq!(files.len(), 13, "{:?}", files.iter().map(|(n, _)| n).collect::<Vec<_>>());
    let verifier = Verifier::new(SECRET);
    for (name, body) in files {
        let headers = sign(SECRET, &format!("msg_{name}"), SIGNED_AT, &body).unwrap();
        let event = verifier.verify_at(&headers, &body, at(SIGNED_AT)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event.event_type(), documented_type(&name), "{name}");
        assert!(matches!(event.event.event_type, EventType::KnownEventType(_)), "{name}");
        let order = &event.event.data;
        assert!(order.order_id.as_deref().is_some_and(|id| id.starts_with("v1-")), "{name}");
        assert!(matches!(order.status, Some(OrderStatus::KnownOrderStatus(_))), "{name}: {:?}", order.status);
        for payment in order.payments.iter().flatten() {
            assert!(payment.id.as_deref().is_some_and(|id| id.starts_with("v1-")), "{name}");
            assert!(payment.payment_amount.as_ref().is_some_and(|a| a.value > 0), "{name}");
        }
    }
}

#[test]
fn every_callback_example_of_the_spec_decodes() {
    let spec = spec_document("pinelabs");
    let callback = &spec["paths"]["/api/pay/v1/paymentlink"]["post"]["callbacks"]["orderEvents"];
    let (_, hook) = callback.as_object().unwrap().iter().next().unwrap();
    let examples = hook["post"]["requestBody"]["content"]["application/json"]["examples"].as_object().unwrap();
    assert_eq!(examples.len(), 13);
    for (name, example) in examples {
        let body = serde_json::to_vec(&example["value"]).unwrap();
        let event = webhook::decode(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(matches!(event.event_type, EventType::KnownEventType(_)), "{name}");
    }
    // The values a reader relies on.
    let decode = |name: &str| webhook::decode(&serde_json::to_vec(&examples[name]["value"]).unwrap()).unwrap();
    let partial = decode("orderProcessedPartialCapture");
    assert_eq!(partial.event_type, EventType::KnownEventType(KnownEventType::OrderProcessed));
    assert_eq!(partial.data.status, Some(OrderStatus::KnownOrderStatus(KnownOrderStatus::PartiallyCaptured)));
    let dcc = decode("orderProcessedDcc");
    let payment = &dcc.data.payments.as_ref().unwrap()[0];
    assert_eq!(payment.payment_amount.as_ref().map(|a| (a.value, a.currency.as_str())), Some((123, "USD")));
    assert_eq!(payment.base_amount.as_ref().map(|a| (a.value, a.currency.as_str())), Some((10000, "INR")));
    let expired = decode("paymentFailedLinkExpired");
    let error = expired.data.payments.as_ref().unwrap()[0].error_detail.clone().unwrap();
    assert_eq!(error.code.as_deref(), Some("PAYMENT_EXPIRED"));
    let cancelled = decode("orderCancelledNoPayment");
    assert_eq!(cancelled.data.payments.as_deref(), Some(&[][..]));
}
