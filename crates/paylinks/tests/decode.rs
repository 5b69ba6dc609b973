//! Saved bodies that are not one link (issue 9 §3, §4): a provider's error answer, a list
//! response, a webhook event, a link with impossible amounts. Each gets a true answer, never
//! `the link has no link_id`.

use paylinks::{Decoded, Error, Provider, decode_body, decode_link};
use paylinks_testkit::conformance_files;
use serde_json::{Value, json};

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// The provider's code and message of an [`Error::ErrorBody`], or a panic naming the error.
fn error_body(provider: Provider, body: &[u8]) -> (Option<String>, Option<String>) {
    match decode_link(provider, body) {
        Err(Error::ErrorBody { provider: p, code, message }) => {
            assert_eq!(p, provider);
            (code, message)
        }
        other => panic!("{provider}: expected the provider's error, got {other:?}"),
    }
}

fn decode_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Decode { message, .. }) => message,
        other => panic!("expected a Decode error, got {other:?}"),
    }
}

#[test]
fn a_cashfree_error_body_is_cashfrees_error_with_its_code_and_message() {
    let body = br#"{"message":"Currency USD is not enabled","code":"link_post_failed","type":"invalid_request_error"}"#;
    let (code, message) = error_body(Provider::Cashfree, body);
    assert_eq!(code.as_deref(), Some("link_post_failed"));
    assert_eq!(message.as_deref(), Some("Currency USD is not enabled"));
    let shown = decode_link(Provider::Cashfree, body).unwrap_err().to_string();
    assert_eq!(
        shown,
        "cashfree: the body is cashfree's error answer, not a link: link_post_failed: Currency USD is not enabled"
    );
    assert!(!shown.contains("link_id"), "{shown}");
    // Every error body of Cashfree's conformance folder, too.
    for (name, body) in conformance_files("cashfree") {
        let (code, message) = error_body(Provider::Cashfree, &body);
        assert!(code.is_some() && message.is_some(), "{name}");
    }
}

#[test]
fn every_razorpay_error_body_is_razorpays_error_with_its_code_and_description() {
    let body = json!({"error": {"code": "SERVER_ERROR", "description": "The server encountered an error. The incident has been reported to admins.", "source": "NA", "step": "NA", "reason": "NA", "metadata": {}}});
    for provider in [Provider::Razorpay, Provider::RazorpayInvoice] {
        let (code, message) = error_body(provider, &bytes(&body));
        assert_eq!(code.as_deref(), Some("SERVER_ERROR"));
        assert!(message.unwrap().starts_with("The server encountered an error"));
    }
    let files = [
        ("razorpay", "docs_create_standard_failure_invalid_key.json", Provider::Razorpay),
        ("razorpay", "docs_error_sample_generic.json", Provider::Razorpay),
        ("razorpay", "docs_notify_by_failure_invalid_id.json", Provider::Razorpay),
        ("razorpay", "sdk_python_ruby_bad_request_error.json", Provider::Razorpay),
        ("razorpay_invoices", "docs_cancel_failure_already_cancelled.json", Provider::RazorpayInvoice),
        ("razorpay_invoices", "docs_error_invalid_api_key.json", Provider::RazorpayInvoice),
    ];
    for (dir, file, provider) in files {
        let (_, body) = conformance_files(dir).into_iter().find(|(n, _)| n == file).expect(file);
        let (code, message) = error_body(provider, &body);
        assert_eq!(code.as_deref(), Some("BAD_REQUEST_ERROR"), "{file}");
        assert!(message.is_some_and(|m| !m.is_empty()), "{file}");
    }
}

#[test]
fn a_pinelabs_error_body_is_pine_labs_error() {
    let body = br#"{"code":"INVALID_REQUEST","message":"Invalid merchant payment link reference"}"#;
    let (code, message) = error_body(Provider::Pinelabs, body);
    assert_eq!(code.as_deref(), Some("INVALID_REQUEST"));
    assert_eq!(message.as_deref(), Some("Invalid merchant payment link reference"));
}

#[test]
fn a_list_response_decodes_to_its_links() {
    let link = |id: &str, amount: i64| json!({"id": id, "status": "created", "currency": "INR", "amount": amount, "amount_paid": 0});
    let body = json!({"count": 2, "payment_links": [link("plink_A", 1000), link("plink_B", 2500)]});
    let Decoded::Links(links) = decode_body(Provider::Razorpay, &bytes(&body)).unwrap() else { panic!("a list") };
    let ids: Vec<(&str, i64)> = links.iter().map(|l| (l.id.as_str(), l.amount.minor)).collect();
    assert_eq!(ids, [("plink_A", 1000), ("plink_B", 2500)]);
    let message = decode_message(decode_link(Provider::Razorpay, &bytes(&body)));
    assert_eq!(
        message,
        "the body is a list of 2 links, not one link; paylinks::decode_body (or `paylinks decode`) reads lists"
    );
    // An empty page is an empty list, not a link without an id.
    let empty = json!({"entity": "collection", "count": 0, "items": []});
    assert_eq!(decode_body(Provider::RazorpayInvoice, &bytes(&empty)).unwrap(), Decoded::Links(vec![]));
    // The conformance lists: Razorpay's `payment_links` and `items`, the invoices' `items`.
    for (dir, file, provider, count) in [
        ("razorpay", "docs_fetch_all_standard_curlec.json", Provider::Razorpay, 2),
        ("razorpay", "sdk_ruby_payment_link_collection.json", Provider::Razorpay, 1),
        ("razorpay_invoices", "sdk_ruby_invoice_collection.json", Provider::RazorpayInvoice, 3),
    ] {
        let (_, body) = conformance_files(dir).into_iter().find(|(n, _)| n == file).expect(file);
        match decode_body(provider, &body) {
            Ok(Decoded::Links(links)) => assert_eq!(links.len(), count, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
    }
    // A link of a list with an impossible amount names its place.
    let bad = json!({"count": 2, "payment_links": [link("plink_A", 1000), link("plink_B", -1)]});
    let message = decode_message(decode_body(Provider::Razorpay, &bytes(&bad)));
    assert_eq!(message, "link 1 of the list: amount: the link's amount must be greater than zero");
}

#[test]
fn a_webhook_envelope_is_an_event_not_a_link() {
    let events = [
        (
            Provider::Razorpay,
            json!({"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "payment_link.paid",
                   "contains": ["payment_link", "order", "payment"],
                   "payload": {"payment_link": {"entity": {"id": "plink_A", "amount": 1000}}}, "created_at": 1602080000}),
        ),
        (
            Provider::RazorpayInvoice,
            json!({"entity": "event", "event": "invoice.paid", "payload": {"invoice": {"entity": {"id": "inv_A"}}}}),
        ),
        (
            Provider::Cashfree,
            json!({"data": {"link_id": "my_link", "link_amount": 100, "link_status": "PAID"},
                   "type": "PAYMENT_LINK_EVENT", "version": 1, "event_time": "2021-08-18T12:55:06+05:30"}),
        ),
        (Provider::Pinelabs, json!({"event_type": "ORDER_PROCESSED", "data": {"order_id": "v1-1"}})),
    ];
    for (provider, body) in events {
        let message = decode_message(decode_link(provider, &bytes(&body)));
        assert_eq!(
            message, "the body is a webhook event, not a link; verifying and decoding events is not supported yet",
            "{provider}"
        );
    }
}

#[test]
fn a_link_whose_amounts_cannot_be_right_is_refused_naming_the_field() {
    let cashfree = |amount: Value, paid: Value| json!({"link_id": "l1", "link_status": "ACTIVE", "link_currency": "INR", "link_amount": amount, "link_amount_paid": paid});
    let razorpay = |amount: Value, paid: Value| json!({"id": "plink_1", "status": "created", "currency": "INR", "amount": amount, "amount_paid": paid});
    let invoice = |amount: Value, paid: Value| json!({"id": "inv_1", "status": "issued", "currency": "INR", "amount": amount, "amount_paid": paid});
    let pinelabs = |amount: Value, due: Value| {
        json!({"payment_link_id": "pl-1", "status": "CREATED", "amount": {"value": amount, "currency": "INR"},
               "amount_due": {"value": due, "currency": "INR"}})
    };
    let cases = [
        // A negative amount, a zero amount, a negative amount paid, more paid than the amount.
        (Provider::Cashfree, cashfree(json!(-1), json!(0)), "link_amount: the link's amount must be greater than zero"),
        (Provider::Cashfree, cashfree(json!(0), json!(0)), "link_amount: the link's amount must be greater than zero"),
        (Provider::Cashfree, cashfree(json!(10), json!(-1)), "link_amount_paid: gives a negative amount paid"),
        (
            Provider::Cashfree,
            cashfree(json!(10), json!(10.01)),
            "link_amount_paid: gives an amount paid above the link's link_amount",
        ),
        (Provider::Razorpay, razorpay(json!(-1), json!(0)), "amount: the link's amount must be greater than zero"),
        (Provider::Razorpay, razorpay(json!(0), json!(0)), "amount: the link's amount must be greater than zero"),
        (Provider::Razorpay, razorpay(json!(1000), json!(-100)), "amount_paid: gives a negative amount paid"),
        (
            Provider::Razorpay,
            razorpay(json!(1000), json!(1001)),
            "amount_paid: gives an amount paid above the link's amount",
        ),
        (
            Provider::RazorpayInvoice,
            invoice(json!(-1), json!(0)),
            "amount: the link's amount must be greater than zero",
        ),
        (Provider::RazorpayInvoice, invoice(json!(0), json!(0)), "amount: the link's amount must be greater than zero"),
        (Provider::RazorpayInvoice, invoice(json!(1000), json!(-1)), "amount_paid: gives a negative amount paid"),
        (
            Provider::Pinelabs,
            pinelabs(json!(-1), json!(-1)),
            "amount.value: the link's amount must be greater than zero",
        ),
        (Provider::Pinelabs, pinelabs(json!(0), json!(0)), "amount.value: the link's amount must be greater than zero"),
        // Pine Labs sends what is due: more due than the amount is a negative amount paid.
        (Provider::Pinelabs, pinelabs(json!(100), json!(101)), "amount_due: gives a negative amount paid"),
        (
            Provider::Pinelabs,
            pinelabs(json!(100), json!(-1)),
            "amount_due: gives an amount paid above the link's amount.value",
        ),
    ];
    for (provider, body, expected) in cases {
        let error = decode_link(provider, &bytes(&body)).unwrap_err();
        assert!(matches!(error, Error::Decode { provider: p, operation: "decode", .. } if p == provider), "{error:?}");
        assert_eq!(error.to_string(), format!("{provider}: decode response cannot be read: {expected}"));
    }
    // The edges stay links: the whole amount paid, nothing paid, the smallest amount.
    let link = decode_link(Provider::Razorpay, &bytes(&razorpay(json!(1), json!(1)))).unwrap();
    assert_eq!((link.amount.minor, link.amount_paid.minor), (1, 1));
    let link = decode_link(Provider::Pinelabs, &bytes(&pinelabs(json!(100), json!(100)))).unwrap();
    assert_eq!(link.amount_paid.minor, 0);
}

#[test]
fn a_cashfree_link_says_it_is_a_link() {
    // Cashfree's link responses carry `entity: "link"` (issue 9 §5); it is kept in `raw`.
    let body = json!({"entity": "link", "link_id": "my_link", "link_status": "ACTIVE", "link_currency": "INR",
                      "link_amount": 100, "link_amount_paid": 0});
    let link = decode_link(Provider::Cashfree, &bytes(&body)).unwrap();
    let paylinks::ProviderLink::Cashfree(raw) = &link.raw else { panic!("a Cashfree link") };
    assert_eq!(raw.entity.as_deref(), Some("link"));
    assert_eq!(link.amount.minor, 10000);
}
