//! Every body in `tests/fixtures/razorpay/` (Payment Links v2) and
//! `tests/fixtures/razorpay_invoices/` (legacy invoice-based links and the Invoices API)
//! decodes into the generated type of its endpoint, and the decoded value is pinned by a
//! snapshot (`snapshots/conformance__<dir>__<file stem>.snap`).
//!
//! Two files are not what their names say, and decode as what they are:
//! - `sdk_ruby_payment_link_collection.json` is the generic collection envelope
//!   `{entity, count, items}` instead of the documented `{payment_links}`: it decodes as the
//!   `listPaymentLinks` body, `PaymentLinkList`, whose `items` carry the links.
//! - `sdk_go_paymentlink_collection.json` is a single link: it decodes as `PaymentLink`.
//!
//! `sdk_python_fake_invoice_edit.json` is not valid JSON (trailing comma); decoding it must fail
//! with an error that says why and where, without panicking.
//!
//! Beyond the snapshots, `expectations` asserts the documented quirks explicitly (the Go
//! fixture's `active` status is `Unknown`, `customer: []` is the empty-array variant, ...).

use std::fmt::Debug;

use paylinks_razorpay::types::{
    BoolOrString, EmptyArray, Invoice, InvoiceList, InvoiceStatus, InvoiceType, KnownInvoiceStatus, KnownInvoiceType,
    KnownPaymentLinkStatus, KnownPaymentMethod, KnownRazorpayErrorCode, KnownReminderStatus, NotesOrEmptyArray,
    NotifyResult, PaymentLink, PaymentLinkCustomerOrEmptyArray, PaymentLinkList, PaymentLinkRemindersOrEmptyArray,
    PaymentLinkStatus, PaymentMethod, RazorpayError, RazorpayErrorCode, RazorpayErrorMetadataOrEmptyArray,
    ReminderStatus,
};
use paylinks_testkit::tables::check_conformance;
use paylinks_testkit::{decode, decode_as};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod common;

/// The generated type a conformance body must decode into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// A payment link (create / fetch / update / cancel 200).
    PaymentLink,
    /// The `listPaymentLinks` body, documented or generic-collection shape.
    PaymentLinkList,
    /// An invoice or legacy link (create / fetch / update / issue / cancel 200).
    Invoice,
    /// The `listInvoices` body.
    InvoiceList,
    /// `deleteInvoice` 200: `[]`.
    EmptyArray,
    /// `notify_by` 200.
    NotifyResult,
    /// A non-2xx body of any endpoint.
    Error,
    /// Not JSON at all; decoding must fail (as an `Invoice`, its endpoint's type).
    InvalidJson,
}

/// (folder, file name) → body. A file not listed here fails the test; so does a listed file
/// that is gone.
const TABLE: &[(&str, &str, Body)] = &[
    ("razorpay", "docs_cancel_standard_success.json", Body::PaymentLink),
    ("razorpay", "docs_create_standard_failure_invalid_key.json", Body::Error),
    ("razorpay", "docs_create_standard_success.json", Body::PaymentLink),
    ("razorpay", "docs_entity_standard.json", Body::PaymentLink),
    ("razorpay", "docs_entity_upi.json", Body::PaymentLink),
    ("razorpay", "docs_error_sample_generic.json", Body::Error),
    ("razorpay", "docs_fetch_all_standard_curlec.json", Body::PaymentLinkList),
    ("razorpay", "docs_notify_by_failure_invalid_id.json", Body::Error),
    ("razorpay", "docs_notify_by_success.json", Body::NotifyResult),
    ("razorpay", "sdk_go_fake_paymentlink.json", Body::PaymentLink),
    // Named "collection" but a single link.
    ("razorpay", "sdk_go_paymentlink_collection.json", Body::PaymentLink),
    ("razorpay", "sdk_python_cancel_payment_link.json", Body::PaymentLink),
    ("razorpay", "sdk_python_edit_payment_link.json", Body::PaymentLink),
    ("razorpay", "sdk_python_fake_payment_link.json", Body::PaymentLink),
    ("razorpay", "sdk_python_payment_link_collection.json", Body::PaymentLinkList),
    ("razorpay", "sdk_python_ruby_bad_request_error.json", Body::Error),
    ("razorpay", "sdk_ruby_fake_payment_link.json", Body::PaymentLink),
    ("razorpay", "sdk_ruby_notify_by_success.json", Body::NotifyResult),
    // The generic `{entity, count, items}` envelope, not the documented `{payment_links}`.
    ("razorpay", "sdk_ruby_payment_link_collection.json", Body::PaymentLinkList),
    ("razorpay_invoices", "docs_cancel_failure_already_cancelled.json", Body::Error),
    ("razorpay_invoices", "docs_cancel_success.json", Body::Invoice),
    ("razorpay_invoices", "docs_create_with_details_success.json", Body::Invoice),
    ("razorpay_invoices", "docs_error_invalid_api_key.json", Body::Error),
    ("razorpay_invoices", "docs_fetch_all_success.json", Body::InvoiceList),
    ("razorpay_invoices", "docs_fetch_with_id_success.json", Body::Invoice),
    ("razorpay_invoices", "docs_notify_by_success.json", Body::NotifyResult),
    ("razorpay_invoices", "sdk_python_fake_invoice_cancel.json", Body::Invoice),
    ("razorpay_invoices", "sdk_python_fake_invoice_delete.json", Body::EmptyArray),
    ("razorpay_invoices", "sdk_python_fake_invoice_edit.json", Body::InvalidJson),
    ("razorpay_invoices", "sdk_python_fake_invoice_notify_by.json", Body::NotifyResult),
    ("razorpay_invoices", "sdk_python_go_fake_invoice.json", Body::Invoice),
    ("razorpay_invoices", "sdk_python_go_invoice_collection.json", Body::InvoiceList),
    ("razorpay_invoices", "sdk_python_go_invoice_collection_with_one_invoice.json", Body::InvoiceList),
    ("razorpay_invoices", "sdk_ruby_cancel_invoice.json", Body::Invoice),
    ("razorpay_invoices", "sdk_ruby_fake_invoice.json", Body::Invoice),
    ("razorpay_invoices", "sdk_ruby_invoice_collection.json", Body::InvoiceList),
    ("razorpay_invoices", "sdk_ruby_issue_invoice.json", Body::Invoice),
    ("razorpay_invoices", "sdk_ruby_update_invoice.json", Body::Invoice),
];

const FOLDERS: &[&str] = &["razorpay", "razorpay_invoices"];

fn snapshot_name(dir: &str, file: &str) -> String {
    format!("{dir}__{}", file.strip_suffix(".json").unwrap_or(file))
}

/// Decodes, pins the decoded value, and checks that it holds every value of the body: written
/// back as JSON it must equal the body except for `null`s and empty arrays left out.
fn decode_and_snapshot<T: DeserializeOwned + Serialize + Debug>(
    dir: &str,
    file: &str,
    bytes: &[u8],
) -> Result<T, String> {
    let decoded: T = decode_as(&format!("{dir}/{file}"), bytes)?;
    insta::assert_debug_snapshot!(snapshot_name(dir, file), decoded);
    let original: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("{dir}/{file}: {e}"))?;
    let written = serde_json::to_value(&decoded).map_err(|e| format!("{dir}/{file}: cannot serialise: {e}"))?;
    let differences = common::round_trip_differences(&original, &written);
    if !differences.is_empty() {
        return Err(format!("{dir}/{file}: the decoded value loses or changes data:\n  {}", differences.join("\n  ")));
    }
    Ok(decoded)
}

/// Asserts `condition` for one file, as a message instead of a panic.
fn expect(failures: &mut Vec<String>, dir: &str, file: &str, condition: bool, what: &str) {
    if !condition {
        failures.push(format!("{dir}/{file}: expected {what}"));
    }
}

fn link_status(link: &PaymentLink) -> Option<&PaymentLinkStatus> {
    link.status.as_ref()
}

fn is_known_link_status(link: &PaymentLink, known: KnownPaymentLinkStatus) -> bool {
    link_status(link) == Some(&PaymentLinkStatus::KnownPaymentLinkStatus(known))
}

fn is_known_invoice_status(invoice: &Invoice, known: KnownInvoiceStatus) -> bool {
    invoice.status == Some(InvoiceStatus::KnownInvoiceStatus(known))
}

/// The quirks each file exists for, asserted on the decoded value.
fn link_expectations(failures: &mut Vec<String>, dir: &str, file: &str, link: &PaymentLink) {
    let mut check = |condition: bool, what: &str| expect(failures, dir, file, condition, what);
    // Every link fixture has an id, an amount in minor units and integer timestamps.
    check(link.id.as_deref().is_some_and(|id| id.starts_with("plink_")), "a plink_ id");
    check(link.amount.is_some_and(|a| a > 0), "a positive integer amount");
    check(link.created_at.is_some_and(|t| t > 1_500_000_000), "created_at in Unix seconds");
    match file {
        "docs_create_standard_success.json" => {
            check(is_known_link_status(link, KnownPaymentLinkStatus::Created), "status created");
            check(link.payments.is_none(), "payments: null → None");
            check(
                link.reminders == Some(PaymentLinkRemindersOrEmptyArray::EmptyArray(EmptyArray(vec![]))),
                "reminders: [] → EmptyArray",
            );
            check(link.cancelled_at == Some(0), "cancelled_at 0 (not set)");
            check(
                link.amount == Some(1000) && link.first_min_partial_amount == Some(100),
                "amount 1000, first partial 100",
            );
        }
        "docs_cancel_standard_success.json" | "docs_entity_standard.json" => {
            check(is_known_link_status(link, KnownPaymentLinkStatus::Cancelled), "status cancelled");
            check(link.cancelled_at == Some(1_591_097_270), "cancelled_at set");
            check(link.currency.as_deref() == Some(""), "the docs' empty currency kept as sent");
            check(link.payments.as_ref().is_some_and(Vec::is_empty), "payments: [] → Some(empty)");
            check(
                matches!(&link.reminders, Some(PaymentLinkRemindersOrEmptyArray::PaymentLinkReminders(r))
                    if r.status == Some(ReminderStatus::KnownReminderStatus(KnownReminderStatus::Failed))),
                "reminders.status failed",
            );
        }
        "docs_entity_upi.json" => {
            check(link.upi_link == Some(BoolOrString::String("true".into())), "upi_link as the string \"true\"");
            check(link.payments.is_none(), "payments: null → None");
            check(link.source.as_deref() == Some(""), "source \"\"");
        }
        "sdk_go_fake_paymentlink.json" => {
            check(link_status(link) == Some(&PaymentLinkStatus::Unknown("active".into())), "status `active` → Unknown");
            check(link.reference_id.is_none(), "no reference_id");
            check(link.expire_by == Some(0), "expire_by 0 (not set)");
        }
        "sdk_go_paymentlink_collection.json" => {
            check(is_known_link_status(link, KnownPaymentLinkStatus::Cancelled), "a single cancelled link");
        }
        "sdk_python_cancel_payment_link.json" => {
            check(link.notes.is_none(), "notes: null → None");
            check(link.upi_link == Some(BoolOrString::Bool(true)), "upi_link true");
            check(
                matches!(&link.customer, Some(PaymentLinkCustomerOrEmptyArray::PaymentLinkCustomer(c))
                    if c.name.is_none() && c.contact.as_deref() == Some("9999999999")),
                "customer without name",
            );
        }
        "sdk_python_edit_payment_link.json" | "sdk_python_fake_payment_link.json" => {
            check(is_known_link_status(link, KnownPaymentLinkStatus::Paid), "status paid");
            let payment = link.payments.as_ref().and_then(|p| p.first());
            check(
                payment.is_some_and(|p| {
                    p.amount == Some(100)
                        && p.created_at == Some(1_602_522_351)
                        && p.method == Some(PaymentMethod::KnownPaymentMethod(KnownPaymentMethod::Upi))
                }),
                "one captured UPI payment of 100",
            );
        }
        "sdk_ruby_fake_payment_link.json" => {
            check(link.upi_link == Some(BoolOrString::Bool(false)), "upi_link false");
            check(link.payments.as_ref().is_some_and(Vec::is_empty), "payments: [] → Some(empty)");
        }
        _ => {}
    }
}

fn invoice_expectations(failures: &mut Vec<String>, dir: &str, file: &str, invoice: &Invoice) {
    let mut check = |condition: bool, what: &str| expect(failures, dir, file, condition, what);
    check(invoice.entity.as_deref() == Some("invoice"), "entity invoice");
    check(invoice.amount.is_some_and(|a| a > 0), "a positive integer amount");
    match file {
        "sdk_python_go_fake_invoice.json" | "sdk_python_fake_invoice_cancel.json" => {
            check(invoice.type_.is_none(), "type: null → None");
            check(invoice.notes == Some(NotesOrEmptyArray::EmptyArray(EmptyArray(vec![]))), "notes: [] → EmptyArray");
            check(
                invoice.customer_details.as_ref().is_some_and(|c| c.customer_name.is_none() && c.name.is_none()),
                "customer_details with null customer_* keys",
            );
        }
        "sdk_ruby_fake_invoice.json" => {
            check(invoice.type_ == Some(InvoiceType::KnownInvoiceType(KnownInvoiceType::Link)), "type link");
            check(is_known_invoice_status(invoice, KnownInvoiceStatus::Issued), "status issued");
        }
        "sdk_ruby_cancel_invoice.json" => {
            check(is_known_invoice_status(invoice, KnownInvoiceStatus::Cancelled), "status cancelled");
            check(invoice.group_taxes_amounts == Some(false), "group_taxes_amounts kept");
            check(
                invoice.cancelled_at == Some(1_482_299_424) && invoice.expire_by.is_none(),
                "cancelled_at set, expire_by null",
            );
        }
        "docs_cancel_success.json" => {
            check(is_known_invoice_status(invoice, KnownInvoiceStatus::Cancelled), "status cancelled");
            check(invoice.amount_due.is_none() && invoice.amount_paid.is_none(), "amount_due/amount_paid null");
            check(invoice.group_taxes_discounts == Some(false), "group_taxes_discounts kept");
            check(
                invoice.customer_details.as_ref().is_some_and(|c| {
                    c.name.as_deref() == Some("Asha Rao") && c.customer_name.as_deref() == Some("Asha Rao")
                }),
                "both name and customer_name",
            );
        }
        "docs_create_with_details_success.json" | "docs_fetch_with_id_success.json" => {
            check(is_known_invoice_status(invoice, KnownInvoiceStatus::Issued), "status issued");
            check(invoice.amount == Some(399) && invoice.amount_due == Some(399), "amount 399 due 399");
            check(
                invoice.customer_details.as_ref().is_some_and(|c| {
                    c.billing_address.as_ref().is_some_and(|a| a.zipcode.as_deref() == Some("560068"))
                        && c.shipping_address.is_some()
                }),
                "billing and shipping addresses",
            );
        }
        _ => {}
    }
}

fn error_expectations(failures: &mut Vec<String>, dir: &str, file: &str, error: &RazorpayError) {
    let mut check = |condition: bool, what: &str| expect(failures, dir, file, condition, what);
    let detail = error.error.as_ref();
    check(
        detail.is_some_and(|d| {
            d.code == Some(RazorpayErrorCode::KnownRazorpayErrorCode(KnownRazorpayErrorCode::BadRequestError))
        }),
        "code BAD_REQUEST_ERROR",
    );
    match file {
        "docs_notify_by_failure_invalid_id.json" => check(
            detail.is_some_and(|d| {
                d.metadata == Some(RazorpayErrorMetadataOrEmptyArray::EmptyArray(EmptyArray(vec![])))
                    && d.reason.is_none()
                    && d.source.is_none()
                    && d.step.is_none()
            }),
            "metadata [] and null reason/source/step",
        ),
        "docs_error_sample_generic.json" => check(
            detail.is_some_and(|d| {
                d.field.is_none()
                    && matches!(&d.metadata, Some(RazorpayErrorMetadataOrEmptyArray::RazorpayErrorMetadata(m))
                        if m.payment_id.as_deref() == Some("pay_EDNBKIP31Y4jl8"))
            }),
            "field null and metadata with the payment id",
        ),
        "sdk_python_ruby_bad_request_error.json" => {
            check(detail.is_some_and(|d| d.field.as_deref() == Some("amount")), "field amount")
        }
        _ => {}
    }
}

fn check(dir: &str, file: &str, bytes: &[u8], body: Body, failures: &mut Vec<String>) -> Result<(), String> {
    match body {
        Body::PaymentLink => {
            let link: PaymentLink = decode_and_snapshot(dir, file, bytes)?;
            link_expectations(failures, dir, file, &link);
        }
        Body::PaymentLinkList => {
            let list: PaymentLinkList = decode_and_snapshot(dir, file, bytes)?;
            let payment_links = list.payment_links.clone().unwrap_or_default();
            let items = list.items.clone().unwrap_or_default();
            let links: Vec<&PaymentLink> = payment_links.iter().chain(items.iter()).collect();
            expect(failures, dir, file, !links.is_empty(), "at least one link in `payment_links` or `items`");
            for link in &links {
                link_expectations(failures, dir, file, link);
            }
            match file {
                "docs_fetch_all_standard_curlec.json" => expect(
                    failures,
                    dir,
                    file,
                    payment_links.len() == 2
                        && payment_links[0].customer
                            == Some(PaymentLinkCustomerOrEmptyArray::EmptyArray(EmptyArray(vec![])))
                        && payment_links[0].notes == Some(NotesOrEmptyArray::EmptyArray(EmptyArray(vec![])))
                        && payment_links[0].amount == Some(10000)
                        && payment_links[0].currency.as_deref() == Some("MYR"),
                    "two links, the first with customer [] and notes [] (MYR 100.00)",
                ),
                "sdk_ruby_payment_link_collection.json" => expect(
                    failures,
                    dir,
                    file,
                    payment_links.is_empty()
                        && list.entity.as_deref() == Some("collection")
                        && list.count == Some(3)
                        && items.len() == 1
                        && items[0].entity.as_deref() == Some("payment_link"),
                    "the generic envelope: entity collection, count 3, one item of entity payment_link",
                ),
                "sdk_python_payment_link_collection.json" => expect(
                    failures,
                    dir,
                    file,
                    payment_links.len() == 2
                        && payment_links[1].notes == Some(NotesOrEmptyArray::EmptyArray(EmptyArray(vec![]))),
                    "two links, the second with notes []",
                ),
                _ => {}
            }
        }
        Body::Invoice => {
            let invoice: Invoice = decode_and_snapshot(dir, file, bytes)?;
            invoice_expectations(failures, dir, file, &invoice);
        }
        Body::InvoiceList => {
            let list: InvoiceList = decode_and_snapshot(dir, file, bytes)?;
            let items = list.items.clone().unwrap_or_default();
            expect(
                failures,
                dir,
                file,
                list.entity.as_deref() == Some("collection") && !items.is_empty(),
                "a non-empty collection",
            );
            for invoice in &items {
                invoice_expectations(failures, dir, file, invoice);
            }
            if file == "docs_fetch_all_success.json" {
                expect(
                    failures,
                    dir,
                    file,
                    list.count == Some(2)
                        && is_known_invoice_status(&items[0], KnownInvoiceStatus::Draft)
                        && items[0].amount_due.is_none()
                        && is_known_invoice_status(&items[1], KnownInvoiceStatus::Cancelled)
                        && items[1].expire_by.is_none(),
                    "a draft (amount_due null) and a cancelled invoice (expire_by null)",
                );
            }
        }
        Body::EmptyArray => {
            let empty: EmptyArray = decode_and_snapshot(dir, file, bytes)?;
            expect(failures, dir, file, empty.is_empty(), "an empty array");
        }
        Body::NotifyResult => {
            let result: NotifyResult = decode_and_snapshot(dir, file, bytes)?;
            expect(failures, dir, file, result.success == Some(true), "success true");
        }
        Body::Error => {
            let error: RazorpayError = decode_and_snapshot(dir, file, bytes)?;
            error_expectations(failures, dir, file, &error);
        }
        Body::InvalidJson => {
            let outcome = std::panic::catch_unwind(|| decode::<Invoice>(bytes));
            let error = match outcome {
                Err(_) => return Err(format!("{dir}/{file}: decoding panicked")),
                Ok(Ok(invoice)) => {
                    return Err(format!("{dir}/{file}: invalid JSON decoded as {invoice:?}"));
                }
                Ok(Err(error)) => error,
            };
            if !(error.contains("trailing comma") && error.contains("line") && error.contains("column")) {
                return Err(format!("{dir}/{file}: the error does not name the cause and position: {error}"));
            }
            insta::assert_snapshot!(snapshot_name(dir, file), error);
        }
    }
    Ok(())
}

#[test]
fn every_conformance_body_decodes_into_its_generated_type() {
    let mut failures = Vec::new();
    let mut expectations = Vec::new();
    for dir in FOLDERS {
        let rows: Vec<(&str, Body)> =
            TABLE.iter().filter(|(d, _, _)| d == dir).map(|(_, file, body)| (*file, *body)).collect();
        failures.extend(check_conformance(dir, &rows, |file, bytes, body| {
            check(dir, file, bytes, body, &mut expectations)
        }));
    }
    failures.append(&mut expectations);
    assert!(failures.is_empty(), "{} conformance check(s) failed:\n{}", failures.len(), failures.join("\n"));
}
