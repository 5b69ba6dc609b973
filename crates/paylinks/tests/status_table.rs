//! The status table as the crate exports it: every documented status of every link API, row
//! by row, and nothing else.

use paylinks::Provider::*;
use paylinks::{LinkStatus, STATUS_TABLE, map_status};

#[test]
fn every_documented_status_row_by_row() {
    let rows = [
        (Cashfree, "ACTIVE", "active"),
        (Cashfree, "PARTIALLY_PAID", "partially_paid"),
        (Cashfree, "PAID", "paid"),
        (Cashfree, "EXPIRED", "expired"),
        (Cashfree, "CANCELLED", "cancelled"),
        (Razorpay, "created", "active"),
        (Razorpay, "issued", "active"),
        (Razorpay, "active", "active"),
        (Razorpay, "partially_paid", "partially_paid"),
        (Razorpay, "paid", "paid"),
        (Razorpay, "expired", "expired"),
        (Razorpay, "cancelled", "cancelled"),
        (RazorpayInvoice, "draft", "draft"),
        (RazorpayInvoice, "issued", "active"),
        (RazorpayInvoice, "partially_paid", "partially_paid"),
        (RazorpayInvoice, "paid", "paid"),
        (RazorpayInvoice, "expired", "expired"),
        (RazorpayInvoice, "cancelled", "cancelled"),
        (RazorpayInvoice, "deleted", "cancelled"),
        (Pinelabs, "CREATED", "active"),
        (Pinelabs, "CLICKED", "active"),
        (Pinelabs, "PAYMENT_INITIATED", "active"),
        (Pinelabs, "PARTIAL_PROCESSED", "partially_paid"),
        (Pinelabs, "PROCESSED", "paid"),
        (Pinelabs, "EXPIRED", "expired"),
        (Pinelabs, "CANCELLED", "cancelled"),
    ];
    for (provider, raw, expected) in rows {
        assert_eq!(map_status(provider, raw).as_str(), expected, "{provider} {raw}");
    }
    assert_eq!(rows.len(), STATUS_TABLE.len(), "every table row is tested");
}

#[test]
fn anything_else_is_unknown_not_a_guess() {
    assert_eq!(map_status(Cashfree, "ON_HOLD"), LinkStatus::Unknown);
    assert_eq!(map_status(Cashfree, "paid"), LinkStatus::Unknown, "case matters: cashfree sends upper case");
    assert_eq!(map_status(Pinelabs, "created"), LinkStatus::Unknown);
    assert_eq!(map_status(Razorpay, "draft"), LinkStatus::Unknown, "v2 links have no draft");
}

/// The table in `STATUS_TABLE`'s docs (`| provider | `raw`, `raw` | status |`) says what the
/// link APIs register, no more, no less.
#[test]
fn the_documented_table_is_the_registered_one() {
    let source = include_str!("../src/status.rs");
    let mut documented: Vec<(String, String, String)> = Vec::new();
    for line in source.lines().filter_map(|l| l.strip_prefix("/// | ")) {
        let cells: Vec<&str> = line.trim_end_matches(" |").split(" | ").collect();
        let [provider, raws, status] = cells[..] else { continue };
        for raw in raws.split(", ").filter_map(|r| r.split('`').nth(1)) {
            documented.push((provider.to_owned(), raw.to_owned(), status.to_owned()));
        }
    }
    let mut registered: Vec<(String, String, String)> = STATUS_TABLE
        .iter()
        .map(|(provider, raw, status)| (provider.to_string(), raw.to_string(), status.to_string()))
        .collect();
    documented.sort();
    registered.sort();
    assert_eq!(documented, registered);
}
