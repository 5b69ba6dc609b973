//! Property tests: every minor amount survives each provider's wire form exactly, for
//! currencies with 0, 2 and 3 decimals.

use paylinks::{Currency, Money, Provider, decode_link};
use proptest::prelude::*;
use serde_json::json;

fn currency(exponent: u32) -> Currency {
    let code = match exponent {
        0 => "JPY",
        2 => "INR",
        _ => "KWD",
    };
    code.parse().unwrap()
}

fn exponents() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0_u32), Just(2), Just(3)]
}

/// Cashfree's amounts are JSON numbers (doubles): every amount of up to 15 significant digits.
const CASHFREE_MAX: i64 = 999_999_999_999_999;

/// Whether `body` is refused as a [`paylinks::Error::Decode`] naming `field`.
fn refused(provider: Provider, body: &[u8], field: &str) -> bool {
    matches!(decode_link(provider, body), Err(paylinks::Error::Decode { message, .. }) if message.starts_with(&format!("{field}: ")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cashfree_major_units_round_trip(minor in -CASHFREE_MAX..=CASHFREE_MAX, exponent in exponents()) {
        let money = Money::new(minor, currency(exponent));
        // The wire form as paylinks sends it, read back as Cashfree's response.
        let wire = serde_json::to_string(&money.to_major()).unwrap();
        let body = format!(
            r#"{{"link_id":"l1","link_status":"ACTIVE","link_currency":"{}","link_amount":{wire},"link_amount_paid":{wire}}}"#,
            money.currency
        );
        // A link's amount is above zero (issue 9 §3): the rest is refused naming the field.
        if minor <= 0 {
            prop_assert!(refused(Provider::Cashfree, body.as_bytes(), "link_amount"));
            return Ok(());
        }
        let link = decode_link(Provider::Cashfree, body.as_bytes()).unwrap();
        prop_assert_eq!(link.amount, money);
        prop_assert_eq!(link.amount_paid, money);
    }

    #[test]
    fn cashfree_amounts_as_strings_round_trip(minor in 1..=CASHFREE_MAX, exponent in exponents()) {
        let money = Money::new(minor, currency(exponent));
        let body = json!({"link_id": "l1", "link_status": "PAID", "link_currency": money.currency.code(),
                          "link_amount": money.to_major().to_string()});
        let link = decode_link(Provider::Cashfree, body.to_string().as_bytes()).unwrap();
        prop_assert_eq!(link.amount, money);
    }

    #[test]
    fn razorpay_minor_units_round_trip(minor in any::<i64>(), exponent in exponents()) {
        let money = Money::new(minor, currency(exponent));
        let body = json!({"id": "plink_1", "status": "created", "currency": money.currency.code(),
                          "amount": minor, "amount_paid": minor});
        let invoice = json!({"id": "inv_1", "status": "issued", "currency": money.currency.code(), "amount": minor});
        if minor <= 0 {
            prop_assert!(refused(Provider::Razorpay, body.to_string().as_bytes(), "amount"));
            prop_assert!(refused(Provider::RazorpayInvoice, invoice.to_string().as_bytes(), "amount"));
            return Ok(());
        }
        let link = decode_link(Provider::Razorpay, body.to_string().as_bytes()).unwrap();
        prop_assert_eq!(link.amount, money);
        prop_assert_eq!(link.amount_paid, money);
        let link = decode_link(Provider::RazorpayInvoice, invoice.to_string().as_bytes()).unwrap();
        prop_assert_eq!(link.amount, money);
    }

    #[test]
    fn pinelabs_minor_units_round_trip(minor in any::<i64>(), paid in 0_i64..1_000_000, exponent in exponents()) {
        let money = Money::new(minor, currency(exponent));
        let due = minor.saturating_sub(paid);
        let body = json!({"payment_link_id": "pl-1", "status": "CREATED",
                          "amount": {"value": minor, "currency": money.currency.code()},
                          "amount_due": {"value": due, "currency": money.currency.code()}});
        if minor <= 0 {
            prop_assert!(refused(Provider::Pinelabs, body.to_string().as_bytes(), "amount.value"));
            return Ok(());
        }
        if paid > minor {
            prop_assert!(refused(Provider::Pinelabs, body.to_string().as_bytes(), "amount_due"));
            return Ok(());
        }
        let link = decode_link(Provider::Pinelabs, body.to_string().as_bytes()).unwrap();
        prop_assert_eq!(link.amount, money);
        prop_assert_eq!(link.amount_paid.minor, minor - due);
    }

    #[test]
    fn major_text_parses_to_the_same_minor_units(minor in any::<i64>(), exponent in exponents()) {
        let money = Money::new(minor, currency(exponent));
        let text = money.to_major().to_string();
        prop_assert_eq!(Money::parse_major(&text, money.currency).unwrap(), money);
    }
}

#[test]
fn integers_beyond_two_to_the_53_stay_exact() {
    let minor = (1_i64 << 53) + 1;
    let body = json!({"id": "plink_1", "status": "paid", "currency": "INR", "amount": minor});
    assert_eq!(
        decode_link(Provider::Razorpay, body.to_string().as_bytes()).unwrap().amount.minor,
        9_007_199_254_740_993
    );
}

#[test]
fn a_cashfree_amount_finer_than_the_currency_is_an_error_not_a_rounding() {
    let body = br#"{"link_id":"l1","link_status":"ACTIVE","link_currency":"INR","link_amount":10.125}"#;
    let err = decode_link(Provider::Cashfree, body).unwrap_err().to_string();
    assert_eq!(
        err,
        "cashfree: decode response cannot be read: link_amount: 10.125 has 3 decimal places; the currency allows 2"
    );
    let jpy = br#"{"link_id":"l1","link_status":"ACTIVE","link_currency":"JPY","link_amount":1.5}"#;
    assert!(decode_link(Provider::Cashfree, jpy).is_err());
}

#[test]
fn documented_cashfree_decimals_are_exact() {
    for (wire, minor) in [("0.29", 29), ("0.57", 57), ("12345678901.23", 1_234_567_890_123_i64), ("10.12", 1012)] {
        let body = format!(r#"{{"link_id":"l1","link_status":"ACTIVE","link_currency":"INR","link_amount":{wire}}}"#);
        assert_eq!(decode_link(Provider::Cashfree, body.as_bytes()).unwrap().amount.minor, minor, "{wire}");
    }
}
