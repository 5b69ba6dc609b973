//! `paylinks_razorpay::webhook` against signatures computed by something else: every
//! documented event sample in `tests/fixtures/razorpay/webhooks/` and
//! `tests/fixtures/razorpay_invoices/webhooks/` was signed by OpenSSL
//! (`openssl dgst -sha256 -hmac whsec_paylinks_test_razorpay -r *.json > signatures.txt`, the
//! recipe in `tests/fixtures/SOURCES.md`), and the callback query by OpenSSL under a fake key
//! secret. Each way a delivery can be wrong is refused with its own error.

use http::{HeaderMap, HeaderValue};
use paylinks_core::webhook::{MAX_BODY_BYTES, WebhookError};
use paylinks_razorpay::types::{KnownWebhookEventName, WebhookEventName};
use paylinks_razorpay::webhook::{
    CALLBACK_PARAMETERS, Callback, EVENT_ID_HEADER, SIGNATURE_HEADER, Verifier, sign, sign_callback, verify_callback,
};
use paylinks_testkit::conformance_dir;

const SECRET: &str = "whsec_paylinks_test_razorpay";
const KEY_SECRET: &str = "paylinks_test_key_secret";
const FOLDERS: [&str; 2] = ["razorpay/webhooks", "razorpay_invoices/webhooks"];

/// One signed delivery of the fixtures: file name, body, OpenSSL's signature.
struct Delivery {
    file: String,
    body: Vec<u8>,
    signature: String,
}

fn deliveries() -> Vec<Delivery> {
    let mut out = Vec::new();
    for folder in FOLDERS {
        let dir = conformance_dir().join(folder);
        let listing = std::fs::read_to_string(dir.join("signatures.txt")).expect("signatures.txt");
        let mut signed = Vec::new();
        for line in listing.lines() {
            let (signature, file) = line.split_once(" *").expect("`<hex> *<file>` lines (openssl dgst -r)");
            let body = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{folder}/{file}: {e}"));
            signed.push(file.to_owned());
            out.push(Delivery { file: format!("{folder}/{file}"), body, signature: signature.to_owned() });
        }
        // Every sample is signed: a new file without a signature fails here.
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .collect();
        files.sort();
        signed.sort();
        assert_eq!(files, signed, "{folder}: every .json file is in signatures.txt");
    }
    assert_eq!(out.len(), 15, "6 payment-link and 9 invoice samples");
    out
}

fn headers(signature: &str, event_id: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    // Razorpay's spelling; names are case-insensitive.
    headers.insert("X-Razorpay-Signature", HeaderValue::from_str(signature).unwrap());
    if let Some(id) = event_id {
        headers.insert("X-Razorpay-Event-Id", HeaderValue::from_str(id).unwrap());
    }
    headers
}

fn verify(body: &[u8], headers: &HeaderMap) -> Result<paylinks_razorpay::webhook::Event, WebhookError> {
    Verifier::new(SECRET).verify(headers, body)
}

#[test]
fn every_documented_sample_verifies_under_the_openssl_signature_and_decodes() {
    for delivery in deliveries() {
        let event = verify(&delivery.body, &headers(&delivery.signature, Some("evt_docs_1")))
            .unwrap_or_else(|e| panic!("{}: {e}", delivery.file));
        assert_eq!(event.id, "evt_docs_1");
        let name = event.envelope.event.to_string();
        // The file is named after its event: docs_payment_link_paid_upi.json is payment_link.paid.
        let stem = delivery.file.rsplit('/').next().unwrap().trim_start_matches("docs_");
        let (entity, rest) = if let Some(rest) = stem.strip_prefix("payment_link_") {
            ("payment_link", rest)
        } else {
            ("invoice", stem.strip_prefix("invoice_").unwrap())
        };
        let kind =
            ["partially_paid", "paid", "cancelled", "expired"].into_iter().find(|k| rest.starts_with(k)).unwrap();
        assert_eq!(name, format!("{entity}.{kind}"), "{}", delivery.file);
        assert!(
            matches!(event.envelope.event, WebhookEventName::KnownWebhookEventName(_)),
            "{}: a documented event is a known name",
            delivery.file
        );
        let payload = &event.envelope.payload;
        assert_eq!(payload.payment_link.is_some(), entity == "payment_link", "{}", delivery.file);
        assert_eq!(payload.invoice.is_some(), entity == "invoice", "{}", delivery.file);
        // Payment events carry the order and the payment; cancelled and expired ones only the link.
        let pays = kind.ends_with("paid");
        assert_eq!(payload.payment.is_some(), pays, "{}", delivery.file);
        assert_eq!(payload.order.is_some(), pays, "{}", delivery.file);
        // Our own signer agrees with OpenSSL.
        let ours = sign(SECRET, "evt_docs_1", &delivery.body);
        assert_eq!(ours[SIGNATURE_HEADER], delivery.signature.as_str(), "{}", delivery.file);
    }
}

#[test]
fn the_paid_sample_carries_the_payment_and_its_amount() {
    let delivery = deliveries().into_iter().find(|d| d.file.ends_with("docs_payment_link_paid_standard.json")).unwrap();
    let event = verify(&delivery.body, &headers(&delivery.signature, Some("evt_1"))).unwrap();
    assert_eq!(event.envelope.event, WebhookEventName::KnownWebhookEventName(KnownWebhookEventName::PaymentLinkPaid));
    assert_eq!(event.envelope.created_at, 1749618314);
    let payment = event.envelope.payload.payment.unwrap().entity;
    assert_eq!(payment.id.as_deref(), Some("pay_Qfldmt5StKZFCB"));
    assert_eq!(payment.amount, Some(1000));
    assert_eq!(payment.currency.as_deref(), Some("INR"));
    assert_eq!(payment.status.unwrap().to_string(), "captured");
    let link = event.envelope.payload.payment_link.unwrap().entity;
    assert_eq!(link.id.as_deref(), Some("plink_QflcnnZqCekuvL"));
    assert_eq!(link.payments, None, "webhook links carry no payments[]");
}

#[test]
fn a_changed_byte_a_reserialised_body_and_a_wrong_secret_are_signature_mismatches() {
    let delivery = &deliveries()[0];
    let genuine = headers(&delivery.signature, Some("evt_1"));
    let mismatch = Err(WebhookError::SignatureMismatch { provider: "razorpay" });

    let mut changed = delivery.body.clone();
    let at = changed.iter().position(|b| b.is_ascii_digit()).unwrap();
    changed[at] = if changed[at] == b'9' { b'8' } else { changed[at] + 1 };
    assert_eq!(verify(&changed, &genuine).map(drop), mismatch);

    let value: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    let reserialised = serde_json::to_vec(&value).unwrap();
    assert_ne!(reserialised, delivery.body);
    assert_eq!(verify(&reserialised, &genuine).map(drop), mismatch);

    let wrong = Verifier::new("whsec_paylinks_test_other").verify(&genuine, &delivery.body);
    assert_eq!(wrong.map(drop), mismatch);
    // The API key secret is not the webhook secret.
    assert_eq!(Verifier::new(KEY_SECRET).verify(&genuine, &delivery.body).map(drop), mismatch);
}

#[test]
fn missing_and_malformed_headers_are_named() {
    let delivery = &deliveries()[0];
    assert_eq!(
        verify(&delivery.body, &HeaderMap::new()).map(drop),
        Err(WebhookError::MissingHeader { provider: "razorpay", header: SIGNATURE_HEADER })
    );
    assert_eq!(
        verify(&delivery.body, &headers(&delivery.signature, None)).map(drop),
        Err(WebhookError::MissingHeader { provider: "razorpay", header: EVENT_ID_HEADER })
    );
    assert_eq!(
        verify(&delivery.body, &headers(&delivery.signature, Some(" "))).map(drop),
        Err(WebhookError::MalformedHeader { provider: "razorpay", header: EVENT_ID_HEADER, why: "empty" })
    );
    assert!(matches!(
        verify(&delivery.body, &headers("not-hex", Some("evt_1"))),
        Err(WebhookError::MalformedHeader { header: SIGNATURE_HEADER, .. })
    ));
    // A hex signature of the wrong length is no match, not a crash.
    assert_eq!(
        verify(&delivery.body, &headers(&delivery.signature[..62], Some("evt_1"))).map(drop),
        Err(WebhookError::SignatureMismatch { provider: "razorpay" })
    );
}

#[test]
fn empty_and_oversized_bodies_are_refused_before_the_mac() {
    let signed = sign(SECRET, "evt_1", b"");
    assert_eq!(verify(b"", &signed).map(drop), Err(WebhookError::EmptyBody { provider: "razorpay" }));
    let big = vec![b' '; 1024 * 1024];
    let signed = sign(SECRET, "evt_1", &big);
    assert_eq!(
        verify(&big, &signed).map(drop),
        Err(WebhookError::TooLarge { provider: "razorpay", length: 1024 * 1024, limit: MAX_BODY_BYTES })
    );
}

#[test]
fn a_genuine_body_that_is_not_an_event_names_the_path_never_the_value() {
    let cases: [(&[u8], &str); 4] = [
        (br#"{"entity":"event","event":"payment_link.paid","created_at":"secret-value","payload":{}}"#, "created_at"),
        (br#"{"entity":"event","event":"payment_link.paid","payload":{}}"#, "the field `created_at` is missing"),
        (
            br#"{"entity":"event","event":"payment_link.paid","created_at":1,"payload":{"payment":{"entity":{"amount":"secret-value"}}}}"#,
            "payload.payment.entity.amount",
        ),
        (b"secret-value", "not valid JSON"),
    ];
    for (body, expected) in cases {
        let error = verify(body, &sign(SECRET, "evt_1", body)).unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, WebhookError::NotAnEvent { provider: "razorpay", .. }), "{text}");
        assert!(text.contains(expected), "{text} should name {expected}");
        assert!(!text.contains("secret-value"), "{text} quotes a value");
    }
}

#[test]
fn the_sandbox_signer_round_trips_and_no_clock_applies() {
    let body = br#"{"entity":"event","event":"order.paid","created_at":1,"payload":{}}"#;
    let headers = sign(SECRET, "evt_QaIlOGFf8KZNF8", body);
    assert_eq!(headers[http::header::CONTENT_TYPE], "application/json");
    let long_ago = chrono::DateTime::from_timestamp(0, 0).unwrap();
    let event = Verifier::new(SECRET).verify_at(&headers, body, long_ago).unwrap();
    assert_eq!(event.id, "evt_QaIlOGFf8KZNF8");
    assert_eq!(event.envelope.event, WebhookEventName::Unknown("order.paid".into()));
    // An id that cannot be a header value is left out, and verification says so.
    let headers = sign(SECRET, "evt\n1", body);
    assert!(headers.get(EVENT_ID_HEADER).is_none());
    assert_eq!(
        Verifier::new(SECRET).verify(&headers, body).map(drop),
        Err(WebhookError::MissingHeader { provider: "razorpay", header: EVENT_ID_HEADER })
    );
}

#[test]
fn the_verifier_never_shows_its_secret() {
    let shown = format!("{:?}", Verifier::new(SECRET));
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("***"), "{shown}");
}

fn callback_fixture() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(conformance_dir().join("razorpay/webhooks/callback_query.txt")).unwrap();
    // No value of the fixture needs percent-decoding.
    text.trim()
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[test]
fn the_callback_signed_by_openssl_verifies_with_the_key_secret() {
    let query = callback_fixture();
    let expected = Callback {
        payment_id: "pay_Fc8mUeDrEKf08Y".into(),
        payment_link_id: "plink_Fc8lXILABzQL7M".into(),
        reference_id: "TSsd1989".into(),
        status: "partially_paid".into(),
    };
    assert_eq!(verify_callback(KEY_SECRET, query.clone()), Ok(expected.clone()));
    // Our signer makes OpenSSL's parameters, in Razorpay's order.
    let ours: Vec<(String, String)> =
        sign_callback(KEY_SECRET, &expected).into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
    assert_eq!(ours, query);
    // Other parameters of the merchant's callback_url are ignored, in any order.
    let mut shuffled = query.clone();
    shuffled.reverse();
    shuffled.push(("order".into(), "42".into()));
    assert!(verify_callback(KEY_SECRET, shuffled).is_ok());
}

#[test]
fn a_changed_missing_or_repeated_callback_parameter_is_refused() {
    let query = callback_fixture();
    let mismatch = Err(WebhookError::SignatureMismatch { provider: "razorpay" });
    let mut paid = query.clone();
    paid[3].1 = "paid".into();
    assert_eq!(verify_callback(KEY_SECRET, paid), mismatch);
    assert_eq!(verify_callback(SECRET, query.clone()), mismatch, "the webhook secret is not the key secret");
    for (index, name) in CALLBACK_PARAMETERS.iter().enumerate() {
        let mut missing = query.clone();
        missing.remove(index);
        assert_eq!(
            verify_callback(KEY_SECRET, missing),
            Err(WebhookError::MissingHeader { provider: "razorpay", header: name })
        );
    }
    let mut repeated = query.clone();
    repeated.push(query[0].clone());
    assert!(matches!(
        verify_callback(KEY_SECRET, repeated),
        Err(WebhookError::MalformedHeader { header: "razorpay_payment_id", .. })
    ));
    let mut not_hex = query;
    not_hex[4].1 = "zz".into();
    assert!(matches!(
        verify_callback(KEY_SECRET, not_hex),
        Err(WebhookError::MalformedHeader { header: "razorpay_signature", .. })
    ));
}
