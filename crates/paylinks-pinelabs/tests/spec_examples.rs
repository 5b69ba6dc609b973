//! Every `example` of `specs/pinelabs.yaml` decodes into the generated type of its endpoint.
//!
//! The table below maps (operationId, location) to that type. An example the table does not
//! know fails the test, and so does a table row no example uses: a new operation or example
//! must be added here, and a renamed one cannot silently stop being checked.
//!
//! Each decoded value is recorded as a debug snapshot (`tests/snapshots/`), so a reviewer can
//! read what the generated types make of the documented bodies: amounts in paisa, timestamps
//! normalised (the docs' `2025-03-21T08:29Z` must read 08:29:00 UTC), statuses as known variants.

use std::fmt::Debug;

use paylinks_pinelabs::types;
use paylinks_testkit::tables::ExampleTable;
use paylinks_testkit::{SpecExample, decode_value, decode_value_as, spec_examples};
use serde::de::DeserializeOwned;

/// Decodes an example into a generated type and records the decoded value.
type Check = fn(&SpecExample) -> Result<(), String>;

/// (operationId, location) → the generated type its examples decode into.
const TABLE: &[(&str, &str, Check)] = &[
    ("generateToken", "request", check::<types::TokenRequest>),
    ("generateToken", "response 200", check::<types::TokenResponse>),
    ("createPaymentLink", "request", check::<types::CreatePaymentLinkRequest>),
    // Every operation of the link object: they all answer 200 with the same `PaymentLink`.
    ("createPaymentLink", "response 200", check::<types::PaymentLink>),
    ("getPaymentLink", "response 200", check::<types::PaymentLink>),
    ("getPaymentLinkByReference", "response 200", check::<types::PaymentLink>),
    ("cancelPaymentLink", "response 200", check::<types::PaymentLink>),
    ("resendPaymentLinkNotification", "response 200", check::<types::PaymentLink>),
    // The webhook events Pine Labs POSTs (the `orderEvents` callback of createPaymentLink).
    ("orderEvent", "request", check::<types::WebhookEvent>),
];

const EXAMPLES: ExampleTable<Check> = ExampleTable { rows: TABLE, errors: None };

/// Decodes `example` into `T` and records its `Debug` form under the example's name.
fn check<T: DeserializeOwned + Debug>(example: &SpecExample) -> Result<(), String> {
    let decoded: T = decode_value_as(&example.snapshot_name(), &example.value)?;
    let description = format!(
        "specs/pinelabs.yaml {} {} `{}` decoded as {}",
        example.operation_id,
        example.location,
        example.name,
        std::any::type_name::<T>()
    );
    insta::with_settings!({ description => description, omit_expression => true }, {
        insta::assert_debug_snapshot!(example.snapshot_name(), decoded);
    });
    Ok(())
}

#[test]
fn every_spec_example_decodes_into_its_generated_type() {
    let examples = spec_examples("pinelabs");
    assert!(!examples.is_empty(), "specs/pinelabs.yaml has no examples");

    let failures = EXAMPLES.check_each(&examples, |example, decode| decode(example));
    let unused = EXAMPLES.rows_without_example(&examples);
    assert!(failures.is_empty(), "examples that do not decode:\n{}", failures.join("\n"));
    assert!(unused.is_empty(), "table rows without an example in the spec: {unused:?}");
}

/// The values a reader relies on, checked explicitly in addition to the snapshots.
#[test]
fn documented_values_survive_decoding() {
    let examples = spec_examples("pinelabs");
    let find = |operation: &str, location: &str| {
        examples
            .iter()
            .find(|e| e.operation_id == operation && e.location == location)
            .unwrap_or_else(|| panic!("no example for {operation} {location}"))
    };

    let created: types::PaymentLink = decode_value(&find("createPaymentLink", "response 200").value).unwrap();
    assert!(matches!(created.status, Some(types::LinkStatus::KnownLinkStatus(types::KnownLinkStatus::Created))));
    assert_eq!(created.amount.as_ref().map(|a| (a.value, a.currency.as_str())), Some((100, "INR")));
    assert_eq!(created.expire_by.unwrap().to_utc().to_rfc3339(), "2025-03-21T08:29:00+00:00");
    assert_eq!(created.created_at.unwrap().to_utc().to_rfc3339(), "2025-03-06T08:27:55.881+00:00");
    assert!(matches!(created.pre_auth, Some(types::BoolOrString::Bool(false))));
    assert!(matches!(created.is_mcc_transaction, Some(types::BoolOrString::Bool(true))));
    assert_eq!(created.failure_callback_url, None);

    let cancelled: types::PaymentLink = decode_value(&find("cancelPaymentLink", "response 200").value).unwrap();
    assert!(matches!(cancelled.status, Some(types::LinkStatus::KnownLinkStatus(types::KnownLinkStatus::Cancelled))));

    let token: types::TokenResponse = decode_value(&find("generateToken", "response 200").value).unwrap();
    assert_eq!(token.expires_at.to_utc().to_rfc3339(), "2024-06-28T13:26:06.909140+00:00");

    let request: types::CreatePaymentLinkRequest = decode_value(&find("createPaymentLink", "request").value).unwrap();
    assert_eq!(request.amount.value, 100);
    assert!(matches!(request.pre_auth, Some(types::StringBool::False)));
    assert!(matches!(request.is_mcc_transaction, Some(types::StringBool::True)));
    // Sent as strings, as the create request expects.
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["pre_auth"], "false");
    assert_eq!(sent["is_mcc_transaction"], "true");
}

/// The fullest documented link object (cancel docs page) keeps its settlement and bank fields.
#[test]
fn every_documented_link_field_decodes() {
    let examples = spec_examples("pinelabs");
    let example = examples
        .iter()
        .find(|e| e.operation_id == "getPaymentLink" && e.name == "allFields")
        .expect("getPaymentLink has the allFields example");
    let link: types::PaymentLink = decode_value(&example.value).unwrap();
    // Seconds, no fraction; after `created_at` (the docs page's value was before it).
    assert_eq!(link.expire_by.unwrap().to_utc().to_rfc3339(), "2024-07-30T08:01:32+00:00");
    let customer = link.customer.unwrap();
    assert_eq!(customer.gstin.as_deref(), Some("27AAEPM1234C1Z5"));
    assert_eq!(customer.merchant_customer_reference.as_deref(), Some("customer_reference"));
    let split = &link.split_info.unwrap().split_details.unwrap()[0];
    assert_eq!(split.status.as_deref(), Some("RELEASED"));
    assert_eq!(split.amount.as_ref().map(|a| a.value), Some(50_000));
    assert_eq!(split.updated_at.unwrap().to_utc().to_rfc3339(), "2024-07-09T07:57:08.022+00:00");
    assert_eq!(link.account_details.as_ref().unwrap()["bank_details"]["ifsc_code"], "BANK0000123");
    assert_eq!(link.merchant_metadata.as_ref().map_or(0, |m| m.len()), 9);
}
