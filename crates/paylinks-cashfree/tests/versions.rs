//! API versions: the client sends `2026-01-01` unless a caller pins another version per client
//! (`ClientBuilder::api_version`) or per call (`x_api_version`), and the bodies of every version
//! (`tests/fixtures/cashfree/versions/`, sources in `tests/fixtures/SOURCES.md`) decode into the
//! generated types with the fields whose type changed between versions kept as sent.

use paylinks_cashfree::types::{CreateLinkRequest, LinkEntity, PaymentLinkOrderEntity};
use paylinks_cashfree::{Client, Credentials, DEFAULT_API_VERSION, Environment};
use paylinks_testkit::conformance_files;
use paylinks_testkit::mock::{answer_every_request, header, json_response};
use paylinks_testkit::tables::check_conformance;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::MockServer;

/// What a body of `versions/` is.
#[derive(Debug, Clone, Copy)]
enum Body {
    /// A link (create / fetch / cancel 200).
    Link,
    /// The orders of a link.
    Orders,
    /// A create request.
    Create,
}

/// File → body. The file name starts with the API version the body belongs to.
const TABLE: &[(&str, Body)] = &[
    ("v2022-09-01_cancel_link.json", Body::Link),
    ("v2022-09-01_fetch_link_go_sdk_docs.json", Body::Link),
    ("v2022-09-01_link_orders.json", Body::Orders),
    ("v2023-08-01_link_synthetic.json", Body::Link),
    ("v2025-01-01_create_link_request.json", Body::Create),
    ("v2025-01-01_link_entity.json", Body::Link),
    ("v2025-01-01_link_orders.json", Body::Orders),
    ("v2026-01-01_create_link_request_synthetic.json", Body::Create),
    ("v2026-01-01_link_synthetic.json", Body::Link),
];

/// The fields whose JSON type differs between versions, and those of one version only: each
/// must come back from the decoded value exactly as it was sent (a boolean stays a boolean, an
/// integer id an integer).
const KEPT_AS_SENT: &[&str] = &[
    "/cf_link_id",
    "/link_meta/upi_intent",
    "/link_qrcode",
    "/customer_details/customer_bank_acoount_holder_name",
    "/customer_details/customer_bank_account_number",
    "/enable_invoice",
    "/subscription/plan_details/plan_id",
    "/subscription/plan_details/plan_max_cycles",
    "/subscription/authorization_amount_refund",
    "/subscription/subscription_id",
    "/link_id",
    "/link_purpose",
];

/// The same, for each order of a list.
const ORDER_KEPT_AS_SENT: &[&str] =
    &["/cf_order_id", "/order_token", "/payment_session_id", "/payments/url", "/order_status"];

fn round_trip<T: DeserializeOwned + Serialize>(file: &str, raw: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(raw.clone()).map_err(|e| format!("{file}: does not decode: {e}"))?;
    serde_json::to_value(decoded).map_err(|e| format!("{file}: does not serialise: {e}"))
}

fn kept(file: &str, raw: &Value, back: &Value, pointers: &[&str]) -> Result<(), String> {
    for pointer in pointers {
        let sent = raw.pointer(pointer).filter(|v| !v.is_null());
        if sent != back.pointer(pointer) {
            return Err(format!(
                "{file}: {pointer} sent as {sent:?}, decoded and written as {:?}",
                back.pointer(pointer)
            ));
        }
    }
    Ok(())
}

fn check(file: &str, bytes: &[u8], body: Body) -> Result<(), String> {
    let raw: Value = serde_json::from_slice(bytes).map_err(|e| format!("{file}: not JSON: {e}"))?;
    match body {
        Body::Link => kept(file, &raw, &round_trip::<LinkEntity>(file, &raw)?, KEPT_AS_SENT),
        Body::Create => kept(file, &raw, &round_trip::<CreateLinkRequest>(file, &raw)?, KEPT_AS_SENT),
        Body::Orders => {
            let back = round_trip::<Vec<PaymentLinkOrderEntity>>(file, &raw)?;
            let (Value::Array(sent), Value::Array(back)) = (&raw, &back) else {
                return Err(format!("{file}: not an array"));
            };
            sent.iter().zip(back).try_for_each(|(sent, back)| kept(file, sent, back, ORDER_KEPT_AS_SENT))
        }
    }
}

#[test]
fn every_versions_body_decodes_with_the_version_specific_fields_kept_as_sent() {
    let failures = check_conformance("cashfree/versions", TABLE, check);
    assert!(failures.is_empty(), "{} body(ies) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_version_specific_forms_are_really_in_the_fixtures() {
    // The decoding test above proves something only if the forms it keeps are there: an
    // integer and a string `cf_link_id`, a boolean and a string `upi_intent`, a 2026-only
    // `subscription` and a 2026 create request without `link_id` and `link_purpose`.
    let files = conformance_files("cashfree/versions");
    let value = |name: &str| -> Value {
        let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name}"));
        serde_json::from_slice(bytes).unwrap()
    };
    assert!(value("v2022-09-01_cancel_link.json")["cf_link_id"].is_i64());
    assert!(value("v2022-09-01_cancel_link.json")["link_meta"]["upi_intent"].is_boolean());
    assert!(value("v2022-09-01_fetch_link_go_sdk_docs.json")["link_meta"]["upi_intent"].is_string());
    assert!(value("v2022-09-01_link_orders.json")[0]["cf_order_id"].is_i64());
    assert!(value("v2025-01-01_link_entity.json")["cf_link_id"].is_string());
    assert!(value("v2025-01-01_link_entity.json")["link_meta"]["upi_intent"].is_boolean());
    assert!(value("v2025-01-01_link_orders.json")[0]["cf_order_id"].is_string());
    let newest = value("v2026-01-01_link_synthetic.json");
    assert!(newest["link_meta"]["upi_intent"].is_string() && newest["subscription"]["plan_details"].is_object());
    let create = value("v2026-01-01_create_link_request_synthetic.json");
    assert!(create.get("link_id").is_none() && create.get("link_purpose").is_none());
    assert!(create["link_meta"]["upi_intent"].is_string() && create["enable_invoice"].is_boolean());
}

#[test]
fn a_2026_create_request_without_link_id_and_purpose_is_valid() {
    let bytes = std::fs::read(
        paylinks_testkit::conformance_dir().join("cashfree/versions/v2026-01-01_create_link_request_synthetic.json"),
    )
    .unwrap();
    let request: CreateLinkRequest = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((request.link_id, request.link_purpose), (None, None));
    let plan = request.subscription.and_then(|s| s.plan_details).expect("plan_details");
    assert_eq!(plan.plan_amount.map(|a| a.to_string()), Some("499.5".to_owned()));
}

// ------------------------------------------------------------------------------ pinning

const LINK_2022: &str = r#"{"cf_link_id":1996567,"link_id":"my_link_id","link_status":"ACTIVE",
"link_meta":{"upi_intent":false},"link_amount":100}"#;

async fn server() -> MockServer {
    let server = MockServer::start().await;
    answer_every_request(&server, json_response(200, LINK_2022)).await;
    server
}

fn builder(server: &MockServer) -> paylinks_cashfree::ClientBuilder {
    Client::builder(Credentials::new("TEST_APP_ID", "TEST_SECRET"))
        .environment(Environment::Custom(format!("{}/pg", server.uri())))
}

async fn versions_sent(server: &MockServer) -> Vec<Vec<String>> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|request| header(request, "x-api-version").into_iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn the_default_version_is_2026_01_01() {
    assert_eq!(DEFAULT_API_VERSION, "2026-01-01");
    let server = server().await;
    let client = builder(&server).build().unwrap();
    client.fetch_link().link_id("my_link_id").send().await.unwrap();
    assert_eq!(versions_sent(&server).await, [["2026-01-01"]]);
}

#[tokio::test]
async fn an_older_version_can_be_pinned_per_client_and_per_call() {
    let server = server().await;
    let pinned = builder(&server).api_version("2022-09-01").build().unwrap();
    let link = pinned.fetch_link().link_id("my_link_id").send().await.unwrap().into_inner();
    assert_eq!(link.cf_link_id, Some(paylinks_cashfree::types::CfLinkId::Integer(1_996_567)));
    pinned.cancel_link().link_id("my_link_id").send().await.unwrap();
    // A call's own version wins over the client's, on a pinned client and on a default one.
    pinned.fetch_link().link_id("my_link_id").x_api_version("2023-08-01").send().await.unwrap();
    let default = builder(&server).build().unwrap();
    default.fetch_link().link_id("my_link_id").x_api_version("2025-01-01").send().await.unwrap();
    assert_eq!(
        versions_sent(&server).await,
        [["2022-09-01"], ["2022-09-01"], ["2023-08-01"], ["2025-01-01"]],
        "one x-api-version per request, the pinned one"
    );
}
