//! The Cashfree sandbox answers in the shape of the `x-api-version` a request names: each
//! supported version drives create, fetch, pay, orders and cancel, and every body is checked
//! against the spec's schema (which decodes every version) and against what that version's own
//! schema says differently (`specs/cashfree.yaml`, header comment): the JSON type of
//! `cf_link_id`, `cf_order_id` and `link_meta.upi_intent`, and the fields one version has and
//! another has not.

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use crate::support::{Harness, Reply, send, start};

const VERSIONS: [&str; 4] = ["2022-09-01", "2023-08-01", "2025-01-01", "2026-01-01"];

/// A Cashfree request naming `version` (and only it) in `x-api-version`.
fn cashfree(h: &Harness, version: &str, method: Method, path: &str) -> RequestBuilder {
    h.raw(method, &format!("{}{path}", h.base_url("cashfree")))
        .header("x-client-id", h.setting("cashfree", "client_id"))
        .header("x-client-secret", h.setting("cashfree", "client_secret"))
        .header("x-api-version", version)
}

/// `boolean`, `string`, `integer`, `object`, ... or `absent`.
fn json_type(body: &Value, pointer: &str) -> &'static str {
    match body.pointer(pointer) {
        None | Some(Value::Null) => "absent",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::String(_)) => "string",
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
        Some(Value::Number(_)) => "number",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// What `version`'s schema says of a link, where versions differ: (JSON pointer, JSON type).
fn link_shape(version: &str) -> Vec<(&'static str, &'static str)> {
    let v2022 = version == "2022-09-01";
    let v2026 = version == "2026-01-01";
    vec![
        ("/cf_link_id", if v2022 { "integer" } else { "string" }),
        ("/link_meta/upi_intent", if v2022 { "boolean" } else { "string" }),
        ("/link_qrcode", if v2022 { "absent" } else { "string" }),
        ("/subscription", if v2026 { "object" } else { "absent" }),
        ("/subscription/plan_details/plan_id", if v2026 { "string" } else { "absent" }),
        ("/customer_details/customer_bank_acoount_holder_name", if v2026 { "string" } else { "absent" }),
        ("/customer_details/customer_bank_code", "integer"),
        ("/link_id", "string"),
        ("/link_amount", "number"),
    ]
}

/// What `version`'s schema says of an order of a link, where versions differ.
fn order_shape(version: &str) -> Vec<(&'static str, &'static str)> {
    let v2022 = version == "2022-09-01";
    vec![
        ("/cf_order_id", if v2022 { "integer" } else { "string" }),
        ("/order_token", if v2022 { "string" } else { "absent" }),
        ("/payment_session_id", if v2022 { "absent" } else { "string" }),
        ("/payments/url", if v2022 { "string" } else { "absent" }),
        ("/refunds/url", if v2022 { "string" } else { "absent" }),
        ("/settlements/url", if v2022 { "string" } else { "absent" }),
    ]
}

#[track_caller]
fn has_shape(version: &str, what: &str, body: &Value, shape: &[(&str, &str)]) {
    for (pointer, want) in shape {
        let got = json_type(body, pointer);
        assert_eq!(got, *want, "{version} {what}: {pointer} is {got}, want {want}\nbody: {body:#}");
    }
}

/// A create request as a caller of `version` writes it: `upi_intent` in the form its schema
/// documents, the 2026-only fields (ignored by older versions) always.
fn create_request(version: &str, link_id: &str) -> Value {
    let upi_intent = if version == "2022-09-01" { json!(true) } else { json!("true") };
    json!({
        "link_id": link_id,
        "link_amount": 100.5,
        "link_currency": "INR",
        "link_purpose": "Versions",
        "customer_details": {
            "customer_phone": "9999999999",
            "customer_name": "Asha Rao",
            "customer_bank_code": 7001,
            "customer_bank_acoount_holder_name": "Asha Rao"
        },
        "link_partial_payments": true,
        "link_minimum_partial_amount": 20,
        "link_meta": {"upi_intent": upi_intent, "return_url": "https://example.com/thanks"},
        "enable_invoice": true,
        "subscription": {
            "subscription_id": "sub_1",
            "plan_details": {"plan_id": "plan_1", "plan_name": "Monthly", "plan_type": "PERIODIC", "plan_max_amount": 999}
        }
    })
}

#[tokio::test]
async fn each_version_is_answered_in_its_own_shape() {
    let h = start().await;
    for version in VERSIONS {
        let link_id = format!("v{}", version.replace('-', "_"));
        let created =
            send(cashfree(&h, version, Method::POST, "/links").json(&create_request(version, &link_id))).await;
        created.status(200).conforms("cashfree", "createLink");
        has_shape(version, "create", &created.body, &link_shape(version));
        assert_eq!(created.body["link_meta"]["upi_intent"].to_string().trim_matches('"'), "true", "{version}");
        assert_eq!(created.header("x-api-version"), Some(version));

        let fetched = send(cashfree(&h, version, Method::GET, &format!("/links/{link_id}"))).await;
        fetched.status(200).conforms("cashfree", "fetchLink");
        has_shape(version, "fetch", &fetched.body, &link_shape(version));

        h.pay("cashfree", &link_id, Some(3000)).await.status(200);
        let orders_path = format!("/links/{link_id}/orders?status=ALL");
        let orders = send(cashfree(&h, version, Method::GET, &orders_path)).await;
        orders.status(200).conforms("cashfree", "fetchLinkOrders");
        let items = orders.body.as_array().expect("an array of orders");
        assert_eq!(items.len(), 1, "{version}");
        for order in items {
            has_shape(version, "orders", order, &order_shape(version));
        }

        let other = format!("{link_id}_cancel");
        send(cashfree(&h, version, Method::POST, "/links").json(&create_request(version, &other))).await.status(200);
        let cancelled = send(cashfree(&h, version, Method::POST, &format!("/links/{other}/cancel"))).await;
        cancelled.status(200).conforms("cashfree", "cancelLink");
        has_shape(version, "cancel", &cancelled.body, &link_shape(version));
        assert_eq!(cancelled.body["link_status"], "CANCELLED");
    }
}

#[tokio::test]
async fn one_link_is_shown_in_the_shape_of_each_request() {
    let h = start().await;
    send(cashfree(&h, "2026-01-01", Method::POST, "/links").json(&create_request("2026-01-01", "shared")))
        .await
        .status(200);
    for version in VERSIONS {
        let fetched = send(cashfree(&h, version, Method::GET, "/links/shared")).await;
        fetched.status(200).conforms("cashfree", "fetchLink");
        has_shape(version, "fetch", &fetched.body, &link_shape(version));
    }
}

#[tokio::test]
async fn versions_before_2026_require_link_id_and_link_purpose() {
    let h = start().await;
    for version in VERSIONS {
        for field in ["link_id", "link_purpose"] {
            let mut request = create_request(version, &format!("req_{}_{field}", version.replace('-', "")));
            request.as_object_mut().unwrap().remove(field);
            let reply: Reply = send(cashfree(&h, version, Method::POST, "/links").json(&request)).await;
            if version == "2026-01-01" {
                reply.status(200).conforms("cashfree", "createLink");
            } else {
                reply.status(400).conforms("cashfree", "createLink");
                assert_eq!(reply.body["code"], format!("{field}_missing"), "{version}");
                assert_eq!(reply.body["type"], "invalid_request_error");
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_or_missing_version_is_refused_as_cashfree_documents() {
    let h = start().await;
    for unknown in ["2024-01-01", "2021-05-21", "latest", "2026-1-1"] {
        let reply = send(cashfree(&h, unknown, Method::GET, "/links/any")).await;
        reply.status(400).conforms("cashfree", "fetchLink");
        assert_eq!(reply.body["code"], "version_invalid", "{unknown}");
        assert_eq!(reply.body["type"], "invalid_request_error");
        let message = reply.body["message"].as_str().unwrap();
        assert!(message.contains(unknown) && message.contains("2026-01-01"), "{message}");
    }
    let missing = send(
        h.raw(Method::GET, &format!("{}/links/any", h.base_url("cashfree")))
            .header("x-client-id", h.setting("cashfree", "client_id"))
            .header("x-client-secret", h.setting("cashfree", "client_secret")),
    )
    .await;
    missing.status(400).conforms("cashfree", "fetchLink");
    assert_eq!(
        missing.body,
        json!({"message": "version is missing in header", "code": "request_failed", "type": "invalid_request_error"})
    );
}

#[tokio::test]
async fn the_connection_json_names_the_versions_answered() {
    let h = start().await;
    assert_eq!(h.sandbox.connection_info()["cashfree"]["api_version"], json!(VERSIONS));
}
