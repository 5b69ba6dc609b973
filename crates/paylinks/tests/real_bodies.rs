//! `decode_link` on what providers really send (issue 9): `null` in an optional field is
//! absent, and a timestamp without an offset is read in the provider's documented zone
//! (Cashfree: India, +05:30; Pine Labs: UTC; Razorpay sends Unix seconds).

use chrono::{DateTime, Utc};
use paylinks::{LinkStatus, Money, Provider, decode_link};
use serde_json::{Value, json};

fn decode(provider: Provider, body: &Value) -> paylinks::PaymentLink {
    decode_link(provider, body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{provider:?}: {e}"))
}

fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(text.parse().unwrap())
}

#[test]
fn cashfree_nulls_are_absent_and_offset_less_times_are_india_time() {
    let body = json!({
        "cf_link_id": 1576977, "link_id": "payment_ps11", "link_status": "PARTIALLY_PAID",
        "link_currency": "INR", "link_amount": "200.12", "link_amount_paid": "55.00",
        "link_partial_payments": true, "link_minimum_partial_amount": "11.00",
        "link_created_at": "2021-08-18T07:13:41", "link_expiry_time": "2021-11-28 21:46:20.5",
        "link_notes": null, "order_splits": null, "subscription": null, "customer_details": null,
        "link_meta": null, "link_notify": null
    });
    let link = decode(Provider::Cashfree, &body);
    assert_eq!((link.amount, link.amount_paid), (Money::inr(20012), Money::inr(5500)));
    assert_eq!(link.minimum_partial_amount, Some(Money::inr(1100)));
    assert_eq!(link.status, LinkStatus::PartiallyPaid);
    assert_eq!(link.created_at, at("2021-08-18T01:43:41Z"));
    assert_eq!(link.expires_at, at("2021-11-28T16:16:20.5Z"));
    assert!(link.notes.is_empty());
}

#[test]
fn pinelabs_nulls_are_absent_and_offset_less_times_are_utc() {
    let body = json!({
        "payment_link_id": "pl-v1-250306082755-aa-uT0noy", "status": "CREATED",
        "amount": {"value": 100, "currency": "INR"}, "amount_due": {"value": 100, "currency": "INR"},
        "merchant_metadata": null, "product_details": null, "allowed_payment_methods": null,
        "account_details": null, "split_info": {"split_type": "AMOUNT", "split_details": null},
        "created_at": "2025-03-06 08:27:55.881", "expire_by": "2025-03-21T08:29:00"
    });
    let link = decode(Provider::Pinelabs, &body);
    assert_eq!((link.amount, link.amount_paid), (Money::inr(100), Money::inr(0)));
    assert_eq!(link.status, LinkStatus::Active);
    assert_eq!(link.created_at, at("2025-03-06T08:27:55.881Z"));
    assert_eq!(link.expires_at, at("2025-03-21T08:29:00Z"));
    assert!(link.notes.is_empty());
}

#[test]
fn razorpay_nulls_are_absent() {
    // razorpay-java's PaymentLinkTest mock sends `"updated_at": null` and `"payments": null`.
    let body = json!({
        "id": "plink_Fo48rl281ENAg9", "status": "created", "currency": "INR", "amount": 1000,
        "amount_paid": 0, "created_at": 1591097057, "updated_at": null, "notify": null,
        "payments": null, "notes": null, "expire_by": 0
    });
    let link = decode(Provider::Razorpay, &body);
    assert_eq!((link.amount, link.amount_paid), (Money::inr(1000), Money::inr(0)));
    assert_eq!(link.status, LinkStatus::Active);
    assert_eq!((link.created_at, link.expires_at), (at("2020-06-02T11:24:17Z"), None));

    let invoice = json!({"id": "inv_1", "status": "issued", "currency": "INR", "amount": 600,
                         "amount_paid": 0, "line_items": null, "created_at": 1591097057});
    let link = decode(Provider::RazorpayInvoice, &invoice);
    assert_eq!((link.amount, link.status), (Money::inr(600), LinkStatus::Active));
}

#[test]
fn a_null_amount_is_absent_and_an_error_naming_it_never_a_zero() {
    let bodies = [
        (
            Provider::Cashfree,
            json!({"link_id": "l1", "link_status": "ACTIVE", "link_currency": "INR", "link_amount": null}),
        ),
        (Provider::Razorpay, json!({"id": "plink_1", "status": "created", "currency": "INR", "amount": null})),
        (Provider::RazorpayInvoice, json!({"id": "inv_1", "status": "issued", "currency": "INR", "amount": null})),
        (Provider::Pinelabs, json!({"payment_link_id": "pl-1", "status": "CREATED", "amount": null})),
    ];
    for (provider, body) in bodies {
        let err = decode_link(provider, body.to_string().as_bytes()).unwrap_err();
        assert!(matches!(err, paylinks::Error::Decode { .. }), "{provider:?}: {err:?}");
        assert!(err.to_string().contains("amount"), "{provider:?}: {err}");
    }
}
