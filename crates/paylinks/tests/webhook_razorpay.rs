//! Razorpay: what a merchant reconciles with, through the public API. The payments of a link
//! (`PaymentLink.payments`, from Razorpay's `payments[]`) are read by every link decoder; the
//! verification of webhook deliveries into `LinkEvent`s is tested where it is written
//! (`src/providers/razorpay.rs`, module `tests::events`, against the OpenSSL-signed samples of
//! `tests/fixtures/razorpay*/webhooks/`) until the facade's public webhook entry point lands.

use paylinks::{Currency, Error, Money, PaymentStatus, Provider, decode_link};

fn link_with_payments(payments: &str) -> String {
    format!(
        r#"{{"id":"plink_1","status":"partially_paid","currency":"INR","amount":50000,"amount_paid":30000,
            "accept_partial":true,"payments":{payments}}}"#
    )
}

#[test]
fn every_payment_of_a_link_is_read_in_the_links_currency() {
    let body = link_with_payments(
        r#"[{"amount":10000,"created_at":1602522351,"method":"upi","payment_id":"pay_A","plink_id":"plink_1","status":"captured"},
            {"amount":20000,"created_at":1602522400,"method":"card","payment_id":"pay_B","plink_id":"plink_1","status":"captured"},
            {"amount":5000,"created_at":1602522500,"method":"netbanking","payment_id":"pay_C","status":"failed"},
            {"amount":7000,"payment_id":"pay_D","status":"on_hold"}]"#,
    );
    let link = decode_link(Provider::Razorpay, body.as_bytes()).unwrap();
    let read: Vec<(&str, Money, PaymentStatus, &str, Option<&str>)> = link
        .payments
        .iter()
        .map(|p| (p.id.as_str(), p.amount, p.status, p.provider_status.as_str(), p.method.as_deref()))
        .collect();
    assert_eq!(
        read,
        [
            ("pay_A", Money::new(10000, Currency::INR), PaymentStatus::Succeeded, "captured", Some("upi")),
            ("pay_B", Money::new(20000, Currency::INR), PaymentStatus::Succeeded, "captured", Some("card")),
            ("pay_C", Money::new(5000, Currency::INR), PaymentStatus::Failed, "failed", Some("netbanking")),
            // A state paylinks does not interpret is kept as sent.
            ("pay_D", Money::new(7000, Currency::INR), PaymentStatus::Other, "on_hold", None),
        ]
    );
    assert_eq!(link.payments[0].created_at.map(|t| t.timestamp()), Some(1602522351));
    assert_eq!(link.payments[3].created_at, None);
}

#[test]
fn no_payments_yet_is_an_empty_list() {
    for payments in ["null", "[]"] {
        let link = decode_link(Provider::Razorpay, link_with_payments(payments).as_bytes()).unwrap();
        assert!(link.payments.is_empty(), "{payments}");
    }
}

#[test]
fn a_payment_without_its_id_amount_or_status_or_with_no_amount_is_refused_with_its_index() {
    for (payment, missing) in [
        (r#"{"amount":100,"status":"captured"}"#, "payment_id"),
        (r#"{"payment_id":"pay_A","status":"captured"}"#, "amount"),
        (r#"{"payment_id":"pay_A","amount":100}"#, "status"),
        (r#"{"payment_id":"pay_A","amount":0,"status":"captured"}"#, "not above zero"),
        (r#"{"payment_id":"pay_A","amount":-100,"status":"captured"}"#, "not above zero"),
    ] {
        let body =
            link_with_payments(&format!(r#"[{{"payment_id":"pay_0","amount":1,"status":"captured"}},{payment}]"#));
        match decode_link(Provider::Razorpay, body.as_bytes()) {
            Err(Error::Decode { provider: Provider::Razorpay, message, .. }) => {
                assert!(message.contains("payments[1]") && message.contains(missing), "{message}");
            }
            other => panic!("{payment}: {other:?}"),
        }
    }
}

#[test]
fn invoice_links_list_no_payments() {
    // The invoice entity names only its `payment_id`, with no amount or state of that payment
    // (and a partly paid invoice names its first payment only), so no payment is made up.
    let body =
        br#"{"id":"inv_1","status":"paid","currency":"INR","amount":1000,"amount_paid":1000,"payment_id":"pay_A"}"#;
    let link = decode_link(Provider::RazorpayInvoice, body).unwrap();
    assert!(link.payments.is_empty());
}
