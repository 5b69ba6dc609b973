//! Every `example` / `examples` entry of `specs/razorpay.yaml` decodes into the generated type
//! of its endpoint, and the decoded value is pinned by a snapshot
//! (`snapshots/spec_examples__<operationId>-<location>-<name>.snap`; the examples of the shared
//! error responses once, as `spec_examples__errors-response-<status>-<name>.snap`).
//!
//! Request examples must also serialise back to exactly the documented body: the request types
//! are what the client sends, so `upi_link: "true"` must stay a string and nothing may be added
//! or dropped.
//!
//! Read the snapshots when they change: amounts are integer minor units (`1000` = ₹10.00),
//! timestamps Unix seconds (`0` = not set on payment links, `None` on invoices), statuses must
//! land in the `Known...` variant unless the docs really send an undocumented value.

use std::collections::BTreeMap;
use std::fmt::Debug;

use paylinks_razorpay::types::{
    CreateInvoiceRequest, CreatePaymentLinkRequest, EmptyArray, Invoice, InvoiceList, NotifyResult, PaymentLink,
    PaymentLinkList, RazorpayError, UpdateInvoiceRequest, UpdatePaymentLinkRequest, WebhookEvent,
};
use paylinks_testkit::tables::ExampleTable;
use paylinks_testkit::{SpecExample, decode_value_as, spec_examples};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod common;

/// The generated type each example must decode into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    CreatePaymentLinkRequest,
    UpdatePaymentLinkRequest,
    PaymentLink,
    PaymentLinkList,
    CreateInvoiceRequest,
    UpdateInvoiceRequest,
    Invoice,
    InvoiceList,
    EmptyArray,
    NotifyResult,
    Error,
    /// A webhook event: the request body of the `callbacks` (`paymentLinkEvent`,
    /// `invoiceEvent`), received like a response, so it is pinned like one.
    WebhookEvent,
}

/// Operation id → (location → body). A location not listed here fails the test, so a new
/// example or operation must be added to this table on purpose.
const TABLE: &[(&str, &str, Body)] = &[
    ("createPaymentLink", "request", Body::CreatePaymentLinkRequest),
    ("createPaymentLink", "response 200", Body::PaymentLink),
    ("listPaymentLinks", "response 200", Body::PaymentLinkList),
    ("fetchPaymentLink", "response 200", Body::PaymentLink),
    ("updatePaymentLink", "request", Body::UpdatePaymentLinkRequest),
    ("updatePaymentLink", "response 200", Body::PaymentLink),
    ("cancelPaymentLink", "response 200", Body::PaymentLink),
    ("notifyPaymentLink", "response 200", Body::NotifyResult),
    ("createInvoice", "request", Body::CreateInvoiceRequest),
    ("createInvoice", "response 200", Body::Invoice),
    ("listInvoices", "response 200", Body::InvoiceList),
    ("fetchInvoice", "response 200", Body::Invoice),
    ("updateInvoice", "request", Body::UpdateInvoiceRequest),
    ("updateInvoice", "response 200", Body::Invoice),
    ("deleteInvoice", "response 200", Body::EmptyArray),
    ("issueInvoice", "response 200", Body::Invoice),
    ("cancelInvoice", "response 200", Body::Invoice),
    ("notifyInvoice", "response 200", Body::NotifyResult),
    ("paymentLinkEvent", "request", Body::WebhookEvent),
    ("invoiceEvent", "request", Body::WebhookEvent),
];

/// Error statuses the spec documents; their examples (if any) are `RazorpayError`s.
const ERROR_STATUSES: &[&str] = &["400", "401", "404", "500"];

const EXAMPLES: ExampleTable<Body> = ExampleTable { rows: TABLE, errors: Some((ERROR_STATUSES, Body::Error)) };

/// Decodes, pins the decoded value under `name` (when `pin`), and checks that it holds every
/// value of the example: written back as JSON it must equal the example except for `null`s and
/// empty arrays left out.
fn decode_pin<T: DeserializeOwned + Serialize + Debug>(
    example: &SpecExample,
    name: &str,
    pin: bool,
) -> Result<T, String> {
    let decoded: T = decode_value_as(name, &example.value)?;
    if pin {
        insta::assert_debug_snapshot!(name, decoded);
    }
    let written = serde_json::to_value(&decoded).map_err(|e| format!("{name}: cannot serialise: {e}"))?;
    let differences = common::round_trip_differences(&example.value, &written);
    if !differences.is_empty() {
        return Err(format!("{name}: the decoded value loses or changes data:\n  {}", differences.join("\n  ")));
    }
    Ok(decoded)
}

fn snapshot<T: DeserializeOwned + Serialize + Debug>(example: &SpecExample) -> Result<T, String> {
    decode_pin(example, &example.snapshot_name(), true)
}

/// A request example decodes, is pinned, and serialises back to the documented body unchanged.
fn request<T: DeserializeOwned + Serialize + Debug>(example: &SpecExample) -> Result<(), String> {
    let decoded: T = snapshot(example)?;
    let sent =
        serde_json::to_value(&decoded).map_err(|e| format!("{}: cannot serialise: {e}", example.snapshot_name()))?;
    if sent != example.value {
        return Err(format!(
            "{}: the client would send a different body.\n  documented: {}\n  sent:       {}",
            example.snapshot_name(),
            example.value,
            sent
        ));
    }
    Ok(())
}

#[test]
fn every_spec_example_decodes_into_its_generated_type() {
    let examples = spec_examples("razorpay");
    assert!(!examples.is_empty(), "specs/razorpay.yaml has no examples");

    // The error responses are shared components (`#/components/responses/...`), so every
    // operation repeats their examples: decode each occurrence, pin each example once as
    // `errors-response-<status>-<name>`.
    let mut errors_seen: BTreeMap<String, &serde_json::Value> = BTreeMap::new();
    let failures = EXAMPLES.check_each(&examples, |example, body| match body {
        Body::CreatePaymentLinkRequest => request::<CreatePaymentLinkRequest>(example),
        Body::UpdatePaymentLinkRequest => request::<UpdatePaymentLinkRequest>(example),
        Body::CreateInvoiceRequest => request::<CreateInvoiceRequest>(example),
        Body::UpdateInvoiceRequest => request::<UpdateInvoiceRequest>(example),
        Body::PaymentLink => snapshot::<PaymentLink>(example).map(drop),
        Body::PaymentLinkList => snapshot::<PaymentLinkList>(example).map(drop),
        Body::Invoice => snapshot::<Invoice>(example).map(drop),
        Body::InvoiceList => snapshot::<InvoiceList>(example).map(drop),
        Body::EmptyArray => snapshot::<EmptyArray>(example).map(drop),
        Body::NotifyResult => snapshot::<NotifyResult>(example).map(drop),
        Body::WebhookEvent => snapshot::<WebhookEvent>(example).map(drop),
        Body::Error => {
            let name = format!("errors-{}-{}", example.location.replace(' ', "-"), example.name);
            match errors_seen.get(&name) {
                Some(first) if *first != &example.value => {
                    Err(format!("{}: differs from the other operations' `{name}`", example.snapshot_name()))
                }
                seen => {
                    let pin = seen.is_none();
                    errors_seen.insert(name.clone(), &example.value);
                    decode_pin::<RazorpayError>(example, &name, pin).map(drop)
                }
            }
        }
    });
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// specs/README.md rule 18: every request body and every success response has an example, and
/// the two kinds of payment link (standard, UPI) both have one where the docs give both.
#[test]
fn every_request_body_and_success_response_has_an_example() {
    let examples = spec_examples("razorpay");
    let missing = EXAMPLES.rows_without_example(&examples);
    assert!(missing.is_empty(), "(operation, location) without an example: {missing:?}");
    for (operation, location) in [
        ("createPaymentLink", "request"),
        ("createPaymentLink", "response 200"),
        ("fetchPaymentLink", "response 200"),
        ("updatePaymentLink", "request"),
    ] {
        for name in ["standard", "upi"] {
            assert!(
                examples.iter().any(|e| e.operation_id == operation && e.location == location && e.name == name),
                "{operation} {location}: no `{name}` example"
            );
        }
    }
    let operations: std::collections::BTreeSet<&str> = examples.iter().map(|e| e.operation_id.as_str()).collect();
    // The webhook callbacks are requests Razorpay sends: they have no error answers.
    for operation in operations.iter().filter(|op| !op.ends_with("Event")) {
        for location in ["response 400", "response 401"] {
            assert!(
                examples.iter().any(|e| e.operation_id == *operation && e.location == location),
                "{operation}: no error example at `{location}`"
            );
        }
    }
    assert_eq!(
        operations.len(),
        16,
        "expected examples for the 14 operations and the 2 webhook callbacks, found {operations:?}"
    );
}
