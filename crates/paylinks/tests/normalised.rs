//! Every link body we have — spec examples and real provider bodies — normalised into a
//! `PaymentLink`, snapshotted as its JSON form (reviewed: amounts, times, statuses). Bodies
//! that cannot be a link (documented artifacts, invalid JSON) snapshot their error message.

use paylinks::{Provider, decode_link};
use paylinks_testkit::{conformance_files, spec_examples};
use serde_json::{Value, json};

/// What a conformance file holds.
#[derive(Clone, Copy)]
enum Kind {
    /// One link body.
    Link(Provider),
    /// A list of link bodies under this key.
    Collection(Provider, &'static str),
    /// Not a link (an error body, `{"success": true}`, `[]`).
    NotALink,
}

use Kind::*;

const RAZORPAY: &[(&str, Kind)] = &[
    ("docs_cancel_standard_success.json", Link(Provider::Razorpay)),
    ("docs_create_standard_failure_invalid_key.json", NotALink),
    ("docs_create_standard_success.json", Link(Provider::Razorpay)),
    ("docs_entity_standard.json", Link(Provider::Razorpay)),
    ("docs_entity_upi.json", Link(Provider::Razorpay)),
    ("docs_error_sample_generic.json", NotALink),
    ("docs_fetch_all_standard_curlec.json", Collection(Provider::Razorpay, "payment_links")),
    ("docs_notify_by_failure_invalid_id.json", NotALink),
    ("docs_notify_by_success.json", NotALink),
    ("sdk_go_fake_paymentlink.json", Link(Provider::Razorpay)),
    ("sdk_go_paymentlink_collection.json", Link(Provider::Razorpay)),
    ("sdk_python_cancel_payment_link.json", Link(Provider::Razorpay)),
    ("sdk_python_edit_payment_link.json", Link(Provider::Razorpay)),
    ("sdk_python_fake_payment_link.json", Link(Provider::Razorpay)),
    ("sdk_python_payment_link_collection.json", Collection(Provider::Razorpay, "payment_links")),
    ("sdk_python_ruby_bad_request_error.json", NotALink),
    ("sdk_ruby_fake_payment_link.json", Link(Provider::Razorpay)),
    ("sdk_ruby_notify_by_success.json", NotALink),
    ("sdk_ruby_payment_link_collection.json", Collection(Provider::Razorpay, "items")),
];

const RAZORPAY_INVOICES: &[(&str, Kind)] = &[
    ("docs_cancel_failure_already_cancelled.json", NotALink),
    ("docs_cancel_success.json", Link(Provider::RazorpayInvoice)),
    ("docs_create_with_details_success.json", Link(Provider::RazorpayInvoice)),
    ("docs_error_invalid_api_key.json", NotALink),
    ("docs_fetch_all_success.json", Collection(Provider::RazorpayInvoice, "items")),
    ("docs_fetch_with_id_success.json", Link(Provider::RazorpayInvoice)),
    ("docs_notify_by_success.json", NotALink),
    ("sdk_python_fake_invoice_cancel.json", Link(Provider::RazorpayInvoice)),
    ("sdk_python_fake_invoice_delete.json", NotALink),
    ("sdk_python_fake_invoice_edit.json", Link(Provider::RazorpayInvoice)),
    ("sdk_python_fake_invoice_notify_by.json", NotALink),
    ("sdk_python_go_fake_invoice.json", Link(Provider::RazorpayInvoice)),
    ("sdk_python_go_invoice_collection.json", Collection(Provider::RazorpayInvoice, "items")),
    ("sdk_python_go_invoice_collection_with_one_invoice.json", Collection(Provider::RazorpayInvoice, "items")),
    ("sdk_ruby_cancel_invoice.json", Link(Provider::RazorpayInvoice)),
    ("sdk_ruby_fake_invoice.json", Link(Provider::RazorpayInvoice)),
    ("sdk_ruby_invoice_collection.json", Collection(Provider::RazorpayInvoice, "items")),
    // These two SDK mocks say `issued` with `amount_paid` equal to `amount`; kept as published
    // (tests/fixtures/SOURCES.md): the status is the provider's, the amounts are kept.
    ("sdk_ruby_issue_invoice.json", Link(Provider::RazorpayInvoice)),
    ("sdk_ruby_update_invoice.json", Link(Provider::RazorpayInvoice)),
];

const PINELABS: &[(&str, Kind)] = &[
    ("docs_payment_link_object.json", Link(Provider::Pinelabs)),
    ("docs_token_response.json", NotALink),
    ("docs_token_response_authpage.json", NotALink),
];

const CASHFREE_ERRORS_ONLY: &str = "cashfree";

fn normalised(provider: Provider, body: &[u8]) -> Value {
    match decode_link(provider, body) {
        Ok(link) => serde_json::to_value(&link).expect("a PaymentLink serialises"),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

fn snapshot_folder(dir: &str, table: &[(&str, Kind)]) {
    let files = conformance_files(dir);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let listed: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every file of tests/fixtures/{dir} is classified, and only those");
    for ((name, body), (_, kind)) in files.iter().zip(table) {
        let snapshot = match *kind {
            NotALink => continue,
            Link(provider) => normalised(provider, body),
            Collection(provider, key) => {
                let value: Value = serde_json::from_slice(body).expect("collections are valid JSON");
                let items = value[key].as_array().unwrap_or_else(|| panic!("{name}: no `{key}` array"));
                assert!(!items.is_empty(), "{name}: empty collection");
                Value::Array(items.iter().map(|item| normalised(provider, item.to_string().as_bytes())).collect())
            }
        };
        insta::assert_json_snapshot!(format!("conformance-{dir}-{}", name.trim_end_matches(".json")), snapshot);
    }
}

#[test]
fn razorpay_conformance_links_normalise() {
    snapshot_folder("razorpay", RAZORPAY);
}

#[test]
fn razorpay_invoice_conformance_links_normalise() {
    snapshot_folder("razorpay_invoices", RAZORPAY_INVOICES);
}

#[test]
fn pinelabs_conformance_links_normalise() {
    snapshot_folder("pinelabs", PINELABS);
}

#[test]
fn cashfree_conformance_holds_no_link_bodies() {
    // Only error bodies exist for Cashfree (SOURCES.md); they are decoded by the
    // paylinks-cashfree conformance test. Spec examples cover its link bodies below.
    for (name, body) in conformance_files(CASHFREE_ERRORS_ONLY) {
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert!(value.get("code").is_some() && value.get("link_id").is_none(), "{name} is an error body");
    }
}

/// Which operations of each spec answer with a link body.
const LINK_OPERATIONS: &[(&str, &str, Provider)] = &[
    ("cashfree", "createLink", Provider::Cashfree),
    ("cashfree", "fetchLink", Provider::Cashfree),
    ("cashfree", "cancelLink", Provider::Cashfree),
    ("razorpay", "createPaymentLink", Provider::Razorpay),
    ("razorpay", "fetchPaymentLink", Provider::Razorpay),
    ("razorpay", "updatePaymentLink", Provider::Razorpay),
    ("razorpay", "cancelPaymentLink", Provider::Razorpay),
    ("razorpay", "createInvoice", Provider::RazorpayInvoice),
    ("razorpay", "fetchInvoice", Provider::RazorpayInvoice),
    ("razorpay", "updateInvoice", Provider::RazorpayInvoice),
    ("razorpay", "issueInvoice", Provider::RazorpayInvoice),
    ("razorpay", "cancelInvoice", Provider::RazorpayInvoice),
    ("pinelabs", "createPaymentLink", Provider::Pinelabs),
    ("pinelabs", "getPaymentLink", Provider::Pinelabs),
    ("pinelabs", "getPaymentLinkByReference", Provider::Pinelabs),
    ("pinelabs", "cancelPaymentLink", Provider::Pinelabs),
    ("pinelabs", "resendPaymentLinkNotification", Provider::Pinelabs),
];

#[test]
fn every_spec_link_example_normalises() {
    for spec in ["cashfree", "razorpay", "pinelabs"] {
        let examples: Vec<_> =
            spec_examples(spec).into_iter().filter(|e| e.location.starts_with("response 2")).collect();
        for (_, operation, _) in LINK_OPERATIONS.iter().filter(|(s, _, _)| *s == spec) {
            assert!(examples.iter().any(|e| e.operation_id == *operation), "{spec} {operation} has a success example");
        }
        for example in examples {
            let Some((_, _, provider)) =
                LINK_OPERATIONS.iter().find(|(s, op, _)| *s == spec && *op == example.operation_id)
            else {
                continue;
            };
            let snapshot = normalised(*provider, example.value.to_string().as_bytes());
            insta::assert_json_snapshot!(format!("spec-{spec}-{}", example.snapshot_name()), snapshot);
        }
    }
}
