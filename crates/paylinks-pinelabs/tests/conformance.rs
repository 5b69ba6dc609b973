//! Every Pine Labs body in `tests/fixtures/pinelabs/` decodes into the generated type of
//! the endpoint that returns it.
//!
//! The table maps each file name to that type; a file the table does not know fails the test
//! (add a row when a fixture is added), and so does a row whose file is gone. Each decoded body
//! is recorded as a debug snapshot (`tests/snapshots/`).

use std::fmt::Debug;

use paylinks_pinelabs::types;
use paylinks_testkit::tables::check_conformance;
use paylinks_testkit::{conformance_files, decode};
use serde::de::DeserializeOwned;

/// The endpoint type of each fixture (see `tests/fixtures/SOURCES.md`).
const TABLE: &[(&str, Kind)] = &[
    // developer.pinelabsonline.com/reference/pay-by-links-object: the link object every link
    // endpoint returns (`expire_by` without seconds, `failure_callback_url: null`).
    ("docs_payment_link_object.json", Kind::PaymentLink),
    // POST /api/auth/v1/token 200, microsecond `expires_at`.
    ("docs_token_response.json", Kind::Token),
    // Same endpoint, authorization page: millisecond `expires_at`.
    ("docs_token_response_authpage.json", Kind::Token),
];

#[derive(Clone, Copy)]
enum Kind {
    PaymentLink,
    Token,
}

/// Decodes `bytes` into `T` and records its `Debug` form as `name`.
fn check<T: DeserializeOwned + Debug>(name: &str, bytes: &[u8]) -> Result<(), String> {
    let decoded: T = decode(bytes)?;
    let description = format!("tests/fixtures/pinelabs/{name}.json decoded as {}", std::any::type_name::<T>());
    insta::with_settings!({ description => description, omit_expression => true }, {
        insta::assert_debug_snapshot!(name, decoded);
    });
    Ok(())
}

#[test]
fn every_conformance_body_decodes_into_its_generated_type() {
    let failures = check_conformance("pinelabs", TABLE, |file, bytes, kind| {
        let stem = file.trim_end_matches(".json");
        match kind {
            Kind::PaymentLink => check::<types::PaymentLink>(stem, bytes),
            Kind::Token => check::<types::TokenResponse>(stem, bytes),
        }
        .map_err(|error| format!("{file}: {error}"))
    });
    assert!(
        failures.is_empty(),
        "conformance bodies that do not decode, or table rows without a file:\n{}",
        failures.join("\n")
    );
}

/// The values the provider meant, checked explicitly in addition to the snapshots.
#[test]
fn documented_values_survive_decoding() {
    let files = conformance_files("pinelabs");
    let body = |name: &str| &files.iter().find(|(file, _)| file == name).unwrap().1;

    let link: types::PaymentLink = decode(body("docs_payment_link_object.json")).unwrap();
    assert!(matches!(link.status, Some(types::LinkStatus::KnownLinkStatus(types::KnownLinkStatus::Created))));
    // No seconds on the wire: 08:29 means 08:29:00 UTC.
    assert_eq!(link.expire_by.unwrap().to_utc().to_rfc3339(), "2025-03-21T08:29:00+00:00");
    assert_eq!(link.updated_at.unwrap().to_utc().to_rfc3339(), "2025-03-06T08:27:55.881+00:00");
    assert_eq!(link.amount_due.as_ref().map(|a| a.value), Some(100));
    assert_eq!(
        link.product_details.as_deref().unwrap_or_default()[0].product_amount.as_ref().map(|a| a.value),
        Some(1_200_000)
    );
    assert!(matches!(link.pre_auth, Some(types::BoolOrString::Bool(false))));
    assert!(matches!(link.is_mcc_transaction, Some(types::BoolOrString::Bool(true))));
    assert_eq!(link.failure_callback_url, None);
    assert_eq!(link.customer.as_ref().and_then(|c| c.country_code.as_deref()), Some("91"));
    assert!(matches!(
        link.allowed_payment_methods.as_deref().unwrap_or_default(),
        [types::PaymentMethod::KnownPaymentMethod(types::KnownPaymentMethod::Netbanking)]
    ));
    assert_eq!(link.merchant_metadata.as_ref().and_then(|m| m.get("Key_ZZ")).map(String::as_str), Some("XOY"));

    let micro: types::TokenResponse = decode(body("docs_token_response.json")).unwrap();
    assert_eq!(micro.expires_at.to_utc().to_rfc3339(), "2024-06-28T13:26:06.909140+00:00");
    let milli: types::TokenResponse = decode(body("docs_token_response_authpage.json")).unwrap();
    assert_eq!(milli.expires_at.to_utc().to_rfc3339(), "2024-08-28T15:00:12.213+00:00");
}
