//! The JSON form of `PaymentLink` is an interface: its schema is committed at
//! `crates/paylinks/payment_link.schema.json`, and this test fails when it changes unnoticed.
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
