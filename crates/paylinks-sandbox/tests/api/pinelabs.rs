//! Pine Labs Online payment links.

use std::time::Duration;

use paylinks_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Harness, Reply, assert_page_url, send, start, start_with};

/// An `expire_by` 30 days ahead, in the documented minutes-only form (`2025-03-21T08:29Z`).
fn expire_by() -> String {
    (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT%H:%MZ").to_string()
}

fn create_request(reference: &str) -> Value {
    json!({
        "amount": {"value": 50000, "currency": "INR"},
        "merchant_payment_link_reference": reference,
        "description": "Order Payment Link",
        "expire_by": expire_by(),
        "allowed_payment_methods": ["NETBANKING", "UPI"],
        "pre_auth": "false",
        "is_mcc_transaction": "true",
        "callback_url": "https://merchant.example.com/payment/success",
        "customer": {"email_id": "kevin.bob@example.com", "first_name": "Kevin", "last_name": "Bob",
            "mobile_number": "9876543210", "country_code": "91"},
        "merchant_metadata": {"Key_XY": "DD"},
    })
}

async fn create(h: &Harness, token: &str, body: &Value) -> Reply {
    send(h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", token).json(body)).await
}

#[tokio::test]
async fn token_and_bearer_failures() {
    let h = start().await;
    let url_token = "/api/auth/v1/token";
    let wrong = send(h.pinelabs_anonymous(Method::POST, url_token).json(&json!({
        "client_id": "pl_sandbox_client", "client_secret": "nope", "grant_type": "client_credentials"})))
    .await;
    wrong.status(422).conforms("pinelabs", "generateToken");
    let missing =
        send(h.pinelabs_anonymous(Method::POST, url_token).json(&json!({"client_id": "pl_sandbox_client"}))).await;
    missing.status(422).conforms("pinelabs", "generateToken");
    let get = send(h.pinelabs_anonymous(Method::GET, url_token)).await;
    get.status(405).conforms("pinelabs", "generateToken");

    let token = h.pinelabs_token().await;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT-shaped token");

    let none = send(h.pinelabs_anonymous(Method::GET, "/api/pay/v1/paymentlink/pl-v1-x")).await;
    none.status(401).conforms("pinelabs", "getPaymentLink");
    assert_eq!(none.body["code"], "UNAUTHORIZED");
    let unknown = send(h.pinelabs(Method::GET, "/api/pay/v1/paymentlink/pl-v1-x", "not-a-token")).await;
    unknown.status(401).conforms("pinelabs", "getPaymentLink");
    assert_eq!(unknown.body["code"], "UNAUTHORIZED");
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let mut config = SandboxConfig::default();
    config.set("pinelabs", "token_ttl", Duration::from_millis(1200)).unwrap();
    let h = start_with(config).await;
    let before = chrono::Utc::now();
    let reply = send(h.pinelabs_anonymous(Method::POST, "/api/auth/v1/token").json(&json!({
        "client_id": "pl_sandbox_client", "client_secret": "pl_sandbox_secret", "grant_type": "client_credentials"})))
    .await;
    reply.status(200).conforms("pinelabs", "generateToken");
    let expires_at = reply.body["expires_at"].as_str().unwrap();
    assert_eq!(expires_at.len(), "2025-03-06T08:27:55.881Z".len(), "{expires_at}");
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).unwrap();
    let ttl = expires_at.signed_duration_since(before).num_milliseconds();
    assert!((1000..=2500).contains(&ttl), "ttl {ttl} ms");
    let token = reply.body["access_token"].as_str().unwrap().to_owned();
    create(&h, &token, &create_request("ttl-1")).await.status(200);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let expired = create(&h, &token, &create_request("ttl-2")).await;
    expired.status(401).conforms("pinelabs", "createPaymentLink");
    assert_eq!(expired.body["code"], "UNAUTHORIZED");
    assert_eq!(expired.body["message"], "Access token has expired");
    let fresh = h.pinelabs_token().await;
    create(&h, &fresh, &create_request("ttl-2")).await.status(200);
}

#[tokio::test]
async fn lifecycle_create_fetch_pay_and_forbidden_cancel() {
    let h = start().await;
    let token = h.pinelabs_token().await;
    // One request, sent and compared: its `expire_by` is of this minute, not of the minute the
    // comparison below runs in.
    let request = create_request("link_ref");
    let created = create(&h, &token, &request).await;
    created.status(200).conforms("pinelabs", "createPaymentLink");
    let link = created.body.clone();
    let id = link["payment_link_id"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = id.split('-').collect();
    assert_eq!((parts[0], parts[1], parts[3]), ("pl", "v1", "aa"), "{id}");
    assert_eq!((parts[2].len(), parts[4].len()), (12, 6), "{id}");
    assert_page_url(&link["payment_link"], "pinelabs", &id);
    assert_eq!(link["status"], "CREATED");
    assert_eq!(link["amount_due"], json!({"value": 50000, "currency": "INR"}));
    assert_eq!(link["pre_auth"], false);
    assert_eq!(link["is_mcc_transaction"], true);
    assert_eq!(link["expire_by"], request["expire_by"]);
    assert!(link["created_at"].as_str().unwrap().ends_with('Z'));

    let fetched = send(h.pinelabs(Method::GET, &format!("/api/pay/v1/paymentlink/{id}"), &token)).await;
    fetched.status(200).conforms("pinelabs", "getPaymentLink");
    let by_reference = send(h.pinelabs(Method::GET, "/api/pay/v1/paymentlink/ref/link_ref", &token)).await;
    by_reference.status(200).conforms("pinelabs", "getPaymentLinkByReference");
    assert_eq!(by_reference.body["payment_link_id"], json!(id));
    let notified = send(h.pinelabs(Method::PATCH, &format!("/api/pay/v1/paymentlink/{id}/notify"), &token)).await;
    notified.status(200).conforms("pinelabs", "resendPaymentLinkNotification");

    let partly = h.pay("pinelabs", &id, Some(20000)).await;
    partly.status(200).conforms("pinelabs", "getPaymentLink");
    assert_eq!(partly.body["status"], "PARTIAL_PROCESSED");
    assert_eq!(partly.body["amount_due"]["value"], 30000);
    let cancel = send(h.pinelabs(Method::PUT, &format!("/api/pay/v1/paymentlink/{id}/cancel"), &token)).await;
    cancel.status(400).conforms("pinelabs", "cancelPaymentLink");
    assert_eq!(cancel.body["code"], "INVALID_REQUEST");
    let notify = send(h.pinelabs(Method::PATCH, &format!("/api/pay/v1/paymentlink/{id}/notify"), &token)).await;
    notify.status(400).conforms("pinelabs", "resendPaymentLinkNotification");

    let paid = h.pay("pinelabs", &id, None).await;
    assert_eq!(paid.status(200).body["status"], "PROCESSED");
    assert_eq!(paid.body["amount_due"]["value"], 0);
    let cancel = send(h.pinelabs(Method::PUT, &format!("/api/pay/v1/paymentlink/{id}/cancel"), &token)).await;
    cancel.status(400).conforms("pinelabs", "cancelPaymentLink");
    assert!(cancel.body["message"].as_str().unwrap().contains("PROCESSED"));
}

#[tokio::test]
async fn cancel_expire_and_not_found() {
    let h = start().await;
    let token = h.pinelabs_token().await;
    let id = create(&h, &token, &create_request("c-1")).await.body["payment_link_id"].as_str().unwrap().to_owned();
    let cancelled = send(h.pinelabs(Method::PUT, &format!("/api/pay/v1/paymentlink/{id}/cancel"), &token)).await;
    cancelled.status(200).conforms("pinelabs", "cancelPaymentLink");
    assert_eq!(cancelled.body["status"], "CANCELLED");
    let again = send(h.pinelabs(Method::PUT, &format!("/api/pay/v1/paymentlink/{id}/cancel"), &token)).await;
    again.status(400).conforms("pinelabs", "cancelPaymentLink");
    h.pay("pinelabs", &id, None).await.status(400);

    let id = create(&h, &token, &create_request("c-2")).await.body["payment_link_id"].as_str().unwrap().to_owned();
    let expired = send(h.control(Method::POST, &format!("/pinelabs/links/{id}/expire"))).await;
    assert_eq!(expired.status(200).body["status"], "EXPIRED");
    let notify = send(h.pinelabs(Method::PATCH, &format!("/api/pay/v1/paymentlink/{id}/notify"), &token)).await;
    notify.status(400).conforms("pinelabs", "resendPaymentLinkNotification");

    for (method, path, operation) in [
        (Method::GET, "/api/pay/v1/paymentlink/pl-v1-000000000000-aa-zzzzzz", "getPaymentLink"),
        (Method::GET, "/api/pay/v1/paymentlink/ref/unknown", "getPaymentLinkByReference"),
        (Method::PUT, "/api/pay/v1/paymentlink/pl-v1-000000000000-aa-zzzzzz/cancel", "cancelPaymentLink"),
        (Method::PATCH, "/api/pay/v1/paymentlink/pl-v1-000000000000-aa-zzzzzz/notify", "resendPaymentLinkNotification"),
    ] {
        let reply = send(h.pinelabs(method, path, &token)).await;
        reply.status(404).conforms("pinelabs", operation);
        assert_eq!(reply.body["code"], "NOT_FOUND");
    }
}

#[tokio::test]
async fn duplicate_reference_returns_the_existing_link() {
    let h = start().await;
    let token = h.pinelabs_token().await;
    let first = create(&h, &token, &create_request("same-ref")).await;
    first.status(200);
    let mut again = create_request("same-ref");
    again["amount"]["value"] = json!(12345);
    let second = create(&h, &token, &again).await;
    second.status(200).conforms("pinelabs", "createPaymentLink");
    assert_eq!(second.body, first.body);
    assert_eq!(h.all_links("pinelabs").await.len(), 1);
}

#[tokio::test]
async fn create_validation_errors() {
    let h = start().await;
    let token = h.pinelabs_token().await;
    let mut no_reference = create_request("x");
    no_reference.as_object_mut().unwrap().remove("merchant_payment_link_reference");
    let reply = create(&h, &token, &no_reference).await;
    reply.status(400).conforms("pinelabs", "createPaymentLink");
    assert_eq!(reply.body["code"], "INVALID_REQUEST");
    assert!(reply.body["message"].as_str().unwrap().contains("merchant_payment_link_reference"));

    let mut small = create_request("small");
    small["amount"]["value"] = json!(99);
    create(&h, &token, &small).await.status(400).conforms("pinelabs", "createPaymentLink");
    let mut large = create_request("large");
    large["amount"]["value"] = json!(100_000_001);
    let reply = create(&h, &token, &large).await;
    reply.status(422).conforms("pinelabs", "createPaymentLink");
    assert_eq!(reply.body["code"], "AMOUNT_LIMIT_EXCEEDED");
    let mut no_contact = create_request("no-contact");
    no_contact["customer"] = json!({"first_name": "Kevin"});
    create(&h, &token, &no_contact).await.status(400);
    let mut bad_method = create_request("bad-method");
    bad_method["allowed_payment_methods"] = json!(["CHEQUE"]);
    create(&h, &token, &bad_method).await.status(400);
    let malformed = send(
        h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token)
            .header("content-type", "application/json")
            .body("{"),
    )
    .await;
    malformed.status(400).conforms("pinelabs", "createPaymentLink");
    assert!(h.all_links("pinelabs").await.is_empty());
}
