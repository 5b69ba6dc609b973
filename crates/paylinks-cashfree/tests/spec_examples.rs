//! Every `example` / `examples` entry of `specs/cashfree.yaml` decodes into the generated type
//! of its endpoint, and the decoded value is pinned by a snapshot
//! (`snapshots/spec_examples__<operationId>-<location>-<name>.snap`).
//!
//! Read the snapshots when they change: amounts must keep their decimals (`10.12` stays
//! `10.12`), timestamps their offset (`+05:30`), statuses must land in the known variant.

use std::fmt::Debug;

use paylinks_cashfree::types::{
    CashfreeError, CreateLinkRequest, LinkEntity, PaymentLinkEvent, PaymentLinkOrderEntity,
};
use paylinks_testkit::tables::ExampleTable;
use paylinks_testkit::{SpecExample, decode_value_as, spec_examples};
use serde::de::DeserializeOwned;

/// Decodes an example into a generated type and pins the decoded value.
type Check = fn(&SpecExample) -> Result<(), String>;

/// Operation id → (location → the generated type its examples decode into). A location not
/// listed here fails the test, so a new example or operation must be added to this table on
/// purpose.
const TABLE: &[(&str, &str, Check)] = &[
    ("createLink", "request", snapshot::<CreateLinkRequest>),
    ("createLink", "response 200", snapshot::<LinkEntity>),
    ("fetchLink", "response 200", snapshot::<LinkEntity>),
    ("cancelLink", "response 200", snapshot::<LinkEntity>),
    ("fetchLinkOrders", "response 200", snapshot::<Vec<PaymentLinkOrderEntity>>),
    // The callback of createLink: the webhook Cashfree sends to `link_meta.notify_url`.
    ("paymentLinkEvent", "request", snapshot::<PaymentLinkEvent>),
];

/// Error statuses documented per operation: their examples (if any) are `CashfreeError`s.
const ERROR_STATUSES: &[&str] = &["400", "401", "404", "409", "422", "429", "500", "502"];

const EXAMPLES: ExampleTable<Check> =
    ExampleTable { rows: TABLE, errors: Some((ERROR_STATUSES, snapshot::<CashfreeError>)) };

fn snapshot<T: DeserializeOwned + Debug>(example: &SpecExample) -> Result<(), String> {
    let decoded: T = decode_value_as(&example.snapshot_name(), &example.value)?;
    insta::assert_debug_snapshot!(example.snapshot_name(), decoded);
    Ok(())
}

#[test]
fn every_spec_example_decodes_into_its_generated_type() {
    let examples = spec_examples("cashfree");
    assert!(!examples.is_empty(), "specs/cashfree.yaml has no examples");

    let failures = EXAMPLES.check_each(&examples, |example, decode| decode(example));
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// specs/README.md rule 18: every request body and every success response has an example.
#[test]
fn every_request_body_and_success_response_has_an_example() {
    let missing = EXAMPLES.rows_without_example(&spec_examples("cashfree"));
    assert!(missing.is_empty(), "(operation, location) without an example: {missing:?}");
}
