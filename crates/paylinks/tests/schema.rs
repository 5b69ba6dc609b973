//! The JSON form of `PaymentLink` is an interface: its schema is committed at
//! `crates/paylinks/payment_link.schema.json` (and `LinkEvent`'s at `link_event.schema.json`), and
//! these tests fail when they change unnoticed.
//! After an intended change, run `PAYLINKS_UPDATE_SCHEMA=1 cargo test -p paylinks --test schema`
//! and review the diff.

use std::path::Path;

#[test]
fn the_payment_link_schema_is_the_committed_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("payment_link.schema.json");
    let generated = serde_json::to_string_pretty(&paylinks::payment_link_schema()).unwrap() + "\n";
    if std::env::var_os("PAYLINKS_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "the JSON Schema of PaymentLink changed; if intended, run \
         `PAYLINKS_UPDATE_SCHEMA=1 cargo test -p paylinks --test schema` and commit the new {}",
        path.display()
    );
}

#[test]
fn the_schema_names_every_stable_key() {
    let schema = serde_json::to_value(paylinks::payment_link_schema()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for key in [
        "provider",
        "id",
        "reference",
        "order_id",
        "status",
        "provider_status",
        "amount",
        "amount_paid",
        "url",
        "description",
        "customer",
        "partial_payments",
        "minimum_partial_amount",
        "created_at",
        "expires_at",
        "cancelled_at",
        "notes",
    ] {
        assert!(properties.contains_key(key), "missing {key}");
    }
    assert!(!properties.contains_key("raw"), "the typed provider response is not part of the JSON form");
}

/// The JSON form of `LinkEvent` (what `paylinks webhook verify` prints) is an interface too:
/// committed at `crates/paylinks/link_event.schema.json`, updated the same way.
#[test]
fn the_link_event_schema_is_the_committed_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("link_event.schema.json");
    let generated = serde_json::to_string_pretty(&paylinks::link_event_schema()).unwrap() + "\n";
    if std::env::var_os("PAYLINKS_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "the JSON Schema of LinkEvent changed; if intended, run \
         `PAYLINKS_UPDATE_SCHEMA=1 cargo test -p paylinks --test schema` and commit the new {}",
        path.display()
    );
    let schema = serde_json::to_value(paylinks::link_event_schema()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for key in
        ["provider", "event_id", "kind", "provider_event", "occurred_at", "link_id", "order_id", "link", "payment"]
    {
        assert!(properties.contains_key(key), "missing {key}");
    }
}
