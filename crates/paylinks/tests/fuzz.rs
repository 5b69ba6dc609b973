//! Fuzzing link decoding: every provider's link bodies into the generated types and through
//! `paylinks::decode_link`, from the conformance bodies and spec examples mutated JSON-aware
//! (dropped, duplicated, retyped and nulled members, numbers at the edges, odd unicode) and
//! byte by byte (`paylinks_testkit::fuzz`).
//!
//! Cases per property: `PAYLINKS_FUZZ_CASES` (default 128); a long campaign is
//! `PAYLINKS_FUZZ_CASES=50000 cargo test -p paylinks --test fuzz --release`.
//!
//! Properties: nothing panics; a decoded link's amount and amount paid are in one currency;
//! its amount is positive and its amount paid not negative (issue 9 §3).

use paylinks::{PaymentLink, Provider, decode_link};
use paylinks_testkit::fuzz::{config, mutated, seeds};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

/// Each link API with its fixture folder and the spec operations that answer one link.
fn apis() -> Vec<(Provider, Vec<serde_json::Value>)> {
    Provider::ALL
        .into_iter()
        .map(|provider| {
            let seeds = match provider {
                Provider::Cashfree => seeds(&["cashfree"], &["cashfree"], |op| op.contains("Link")),
                Provider::Razorpay => seeds(&["razorpay"], &["razorpay"], |op| op.contains("PaymentLink")),
                Provider::RazorpayInvoice => seeds(&["razorpay_invoices"], &["razorpay"], |op| op.contains("Invoice")),
                Provider::Pinelabs => seeds(&["pinelabs"], &["pinelabs"], |op| op.contains("PaymentLink")),
            };
            (provider, seeds)
        })
        .collect()
}

/// Decodes `body` into the provider's generated link type (the value is not needed: the
/// point is that it returns).
fn generated(provider: Provider, body: &[u8]) -> bool {
    match provider {
        Provider::Cashfree => serde_json::from_slice::<paylinks::cashfree::types::LinkEntity>(body).is_ok(),
        Provider::Razorpay => serde_json::from_slice::<paylinks::razorpay::types::PaymentLink>(body).is_ok(),
        Provider::RazorpayInvoice => serde_json::from_slice::<paylinks::razorpay::types::Invoice>(body).is_ok(),
        Provider::Pinelabs => serde_json::from_slice::<paylinks::pinelabs::types::PaymentLink>(body).is_ok(),
    }
}

/// Runs `check` over mutated bodies of every link API; counts the bodies that decoded.
fn fuzz_each(default_cases: u32, check: impl Fn(Provider, &[u8], Option<&PaymentLink>) -> Result<(), TestCaseError>) {
    for (provider, seeds) in apis() {
        let mut runner = TestRunner::new(config(default_cases));
        let decoded = std::cell::Cell::new(0u32);
        let result = runner.run(&mutated(seeds), |body| {
            let _ = generated(provider, &body);
            let link = decode_link(provider, &body).ok();
            if link.is_some() {
                decoded.set(decoded.get() + 1);
            }
            check(provider, &body, link.as_ref())
        });
        if let Err(failure) = result {
            panic!("{provider}: {failure}");
        }
        // Some mutated bodies must still decode, or the invariants were never checked.
        assert!(decoded.get() > 0 || runner.config().cases < 32, "{provider}: no mutated body decoded");
    }
}

#[test]
fn decoding_never_panics_and_currencies_agree() {
    fuzz_each(128, |provider, body, link| {
        if let Some(link) = link {
            prop_assert_eq!(link.provider, provider);
            prop_assert_eq!(
                link.amount.currency,
                link.amount_paid.currency,
                "{}: {}",
                provider,
                String::from_utf8_lossy(body)
            );
            if let Some(minimum) = &link.minimum_partial_amount {
                prop_assert_eq!(minimum.currency, link.amount.currency);
            }
        }
        Ok(())
    });
}

#[test]
fn a_decoded_amount_is_positive_and_the_amount_paid_not_negative() {
    fuzz_each(128, |provider, body, link| {
        if let Some(link) = link {
            let body = String::from_utf8_lossy(body);
            prop_assert!(link.amount.minor > 0, "{}: amount {:?} from {}", provider, link.amount, body);
            prop_assert!(link.amount_paid.minor >= 0, "{}: amount paid {:?} from {}", provider, link.amount_paid, body);
        }
        Ok(())
    });
}

/// What issue 9 §3 describes, found again by the property above: a Razorpay link with a
/// negative amount is a decode error naming the amount, never a link.
#[test]
fn a_negative_amount_is_refused_naming_the_field() {
    let razorpay = seeds(&["razorpay"], &[], |_| false)
        .into_iter()
        .find(|seed| seed["currency"] == "INR" && seed.get("short_url").is_some())
        .expect("a Razorpay link fixture");
    let mut negative = razorpay.clone();
    negative["amount"] = (-1).into();
    let decoded = decode_link(Provider::Razorpay, &serde_json::to_vec(&negative).unwrap());
    match decoded {
        Err(paylinks::Error::Decode { message, .. }) => assert!(message.starts_with("amount"), "{message}"),
        other => panic!("a negative amount must be refused: {other:?}"),
    }
}
