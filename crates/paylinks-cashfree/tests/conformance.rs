//! Every body in `tests/fixtures/cashfree/` decodes into the generated type of its endpoint,
//! and the decoded value is pinned by a snapshot (`snapshots/conformance__<file stem>.snap`).
//!
//! The bodies are the error examples of Cashfree's PG spec v2022-09-01 (see
//! `tests/fixtures/SOURCES.md`); Cashfree's SDK repositories hold no success fixtures.

use std::fmt::Debug;

use paylinks_cashfree::types::{CashfreeError, KnownCashfreeErrorType, LinkEntity, PaymentLinkOrderEntity};
use paylinks_testkit::decode_as;
use paylinks_testkit::tables::check_conformance;
use serde::de::DeserializeOwned;

/// The generated type a conformance body must decode into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// A non-2xx body of any link endpoint, with the error `type` Cashfree documents for it
    /// (`None`: the documented value is not one of the known types).
    Error(Option<KnownCashfreeErrorType>),
    /// A link (create / fetch / cancel 200).
    #[allow(dead_code)]
    LinkEntity,
    /// The orders of a link (fetch orders 200).
    #[allow(dead_code)]
    LinkOrders,
}

/// File name → body. A file not listed here fails the test; so does a listed file that is gone.
const TABLE: &[(&str, Body)] = &[
    ("spec2022_error_400_bad_request.json", Body::Error(Some(KnownCashfreeErrorType::InvalidRequestError))),
    ("spec2022_error_401_authentication.json", Body::Error(Some(KnownCashfreeErrorType::AuthenticationError))),
    ("spec2022_error_404_not_found.json", Body::Error(Some(KnownCashfreeErrorType::InvalidRequestError))),
    ("spec2022_error_409_conflict.json", Body::Error(Some(KnownCashfreeErrorType::InvalidRequestError))),
    ("spec2022_error_422_idempotency.json", Body::Error(Some(KnownCashfreeErrorType::IdempotencyError))),
    ("spec2022_error_429_rate_limit.json", Body::Error(Some(KnownCashfreeErrorType::RateLimitError))),
    ("spec2022_error_500_api_error.json", Body::Error(Some(KnownCashfreeErrorType::ApiError))),
    // The 2022 spec's ApiError502 schema says `api_error`, its example `invalid_request_error`.
    ("spec2022_error_502_bank.json", Body::Error(Some(KnownCashfreeErrorType::InvalidRequestError))),
];

fn snapshot_name(file: &str) -> String {
    file.strip_suffix(".json").unwrap_or(file).to_owned()
}

fn decode_and_snapshot<T: DeserializeOwned + Debug>(file: &str, bytes: &[u8]) -> Result<T, String> {
    let decoded: T = decode_as(file, bytes)?;
    insta::assert_debug_snapshot!(snapshot_name(file), decoded);
    Ok(decoded)
}

fn check(file: &str, bytes: &[u8], body: Body) -> Result<(), String> {
    match body {
        Body::Error(expected) => {
            let error: CashfreeError = decode_and_snapshot(file, bytes)?;
            let found = match &error.type_ {
                Some(paylinks_cashfree::types::CashfreeErrorType::KnownCashfreeErrorType(known)) => Some(*known),
                _ => None,
            };
            if found != expected {
                return Err(format!("{file}: error type decoded as {:?}, expected {expected:?}", error.type_));
            }
            Ok(())
        }
        Body::LinkEntity => decode_and_snapshot::<LinkEntity>(file, bytes).map(drop),
        Body::LinkOrders => decode_and_snapshot::<Vec<PaymentLinkOrderEntity>>(file, bytes).map(drop),
    }
}

#[test]
fn every_conformance_body_decodes_into_its_generated_type() {
    let failures = check_conformance("cashfree", TABLE, check);
    assert!(failures.is_empty(), "{} conformance body(ies) failed:\n{}", failures.len(), failures.join("\n"));
}
