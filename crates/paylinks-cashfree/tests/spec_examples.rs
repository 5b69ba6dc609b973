//! Every `example` / `examples` entry of `specs/cashfree.yaml` decodes into the generated type
//! of its endpoint, and the decoded value is pinned by a snapshot
//! (`snapshots/spec_examples__<operationId>-<location>-<name>.snap`).
//!
//! Read the snapshots when they change: amounts must keep their decimals (`10.12` stays
//! `10.12`), timestamps their offset (`+05:30`), statuses must land in the known variant.

use std::fmt::Debug;

use paylinks_cashfree::types::{CashfreeError, CreateLinkRequest, LinkEntity, PaymentLinkOrderEntity};
use paylinks_testkit::{SpecExample, decode_value, spec_examples};
use serde::de::DeserializeOwned;

/// The generated type each example must decode into, by operation and location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    CreateLinkRequest,
    LinkEntity,
    LinkOrders,
    Error,
}

/// Operation id → (location → body). A location not listed here fails the test, so a new
/// example or operation must be added to this table on purpose.
const TABLE: &[(&str, &str, Body)] = &[
    ("createLink", "request", Body::CreateLinkRequest),
    ("createLink", "response 200", Body::LinkEntity),
    ("fetchLink", "response 200", Body::LinkEntity),
    ("cancelLink", "response 200", Body::LinkEntity),
    ("fetchLinkOrders", "response 200", Body::LinkOrders),
];

/// Error statuses documented per operation: their examples (if any) are `CashfreeError`s.
const ERROR_STATUSES: &[&str] = &["400", "401", "404", "409", "422", "429", "500", "502"];

fn body_of(example: &SpecExample) -> Option<Body> {
    if let Some((_, _, body)) =
        TABLE.iter().find(|(op, location, _)| *op == example.operation_id && *location == example.location)
    {
        return Some(*body);
    }
    let status = example.location.strip_prefix("response ")?;
    let known_operation = TABLE.iter().any(|(op, _, _)| *op == example.operation_id);
    (known_operation && ERROR_STATUSES.contains(&status)).then_some(Body::Error)
}

fn snapshot<T: DeserializeOwned + Debug>(example: &SpecExample) -> Result<(), String> {
    let decoded: T = decode_value(&example.value).map_err(|e| {
        format!("{}: does not decode into {}: {e}", example.snapshot_name(), std::any::type_name::<T>())
    })?;
    insta::assert_debug_snapshot!(example.snapshot_name(), decoded);
    Ok(())
}

#[test]
fn every_spec_example_decodes_into_its_generated_type() {
    let examples = spec_examples("cashfree");
    assert!(!examples.is_empty(), "specs/cashfree.yaml has no examples");

    let mut failures = Vec::new();
    for example in &examples {
        let result = match body_of(example) {
            Some(Body::CreateLinkRequest) => snapshot::<CreateLinkRequest>(example),
            Some(Body::LinkEntity) => snapshot::<LinkEntity>(example),
            Some(Body::LinkOrders) => snapshot::<Vec<PaymentLinkOrderEntity>>(example),
            Some(Body::Error) => snapshot::<CashfreeError>(example),
            None => Err(format!(
                "{}: no generated type is listed for operation `{}` at `{}`; add it to TABLE",
                example.snapshot_name(),
                example.operation_id,
                example.location
            )),
        };
        if let Err(e) = result {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// specs/README.md rule 18: every request body and every success response has an example.
#[test]
fn every_request_body_and_success_response_has_an_example() {
    let examples = spec_examples("cashfree");
    for (operation, location, _) in TABLE {
        assert!(
            examples.iter().any(|e| e.operation_id == *operation && e.location == *location),
            "{operation}: no example for `{location}`"
        );
    }
}
