//! The public API and the control API.

use reqwest::Method;
use serde_json::json;

use crate::support::{send, start};

#[tokio::test]
async fn connection_info_and_base_urls() {
    let h = start().await;
    let port = h.sandbox.addr().port();
    assert_ne!(port, 0);
    assert_eq!(h.base_url("cashfree"), format!("http://127.0.0.1:{port}/cashfree/pg"));
    assert_eq!(h.base_url("razorpay"), format!("http://127.0.0.1:{port}/razorpay"));
    assert_eq!(h.base_url("pinelabs"), format!("http://127.0.0.1:{port}/pinelabs"));
    assert_eq!(h.sandbox.base_url("stripe"), None);
    assert_eq!(h.sandbox.providers(), ["cashfree", "razorpay", "pinelabs"]);
    let info = h.sandbox.connection_info();
    assert_eq!(info["cashfree"]["base_url"], json!(h.base_url("cashfree")));
    assert_eq!(info["cashfree"]["client_id"], "cf_sandbox_app_id");
    assert_eq!(info["cashfree"]["client_secret"], "cf_sandbox_secret");
    assert_eq!(info["cashfree"]["api_version"], json!(["2022-09-01", "2023-08-01", "2025-01-01", "2026-01-01"]));
    assert_eq!(info["razorpay"]["key_id"], "rzp_test_paylinks");
    assert_eq!(info["razorpay"]["key_secret"], "rzp_sandbox_secret");
    assert_eq!(info["pinelabs"]["client_id"], "pl_sandbox_client");
    assert_eq!(info["pinelabs"]["client_secret"], "pl_sandbox_secret");
    assert_eq!(info["control_url"], json!(format!("http://127.0.0.1:{port}/_sandbox")));
    let described = send(h.control(Method::GET, "")).await;
    assert_eq!(described.status(200).body["providers"]["razorpay"]["key_id"], "rzp_test_paylinks");
    h.sandbox.shutdown().await;
}

#[tokio::test]
async fn reset_forgets_everything() {
    let h = start().await;
    send(h.razorpay(Method::POST, "/v1/payment_links").json(&json!({"amount": 1000}))).await.status(200);
    let token = h.pinelabs_token().await;
    h.fault(json!({"kind": "status", "status": 500, "count": 10})).await;
    send(h.control(Method::POST, "/reset")).await.status(200);
    assert!(h.all_links("razorpay").await.is_empty());
    let reply = send(h.pinelabs(Method::GET, "/api/pay/v1/paymentlink/x", &token)).await;
    reply.status(401);
    send(h.razorpay(Method::GET, "/v1/payment_links")).await.status(200);
}

#[tokio::test]
async fn control_errors_are_json() {
    let h = start().await;
    let unknown_provider = send(h.control(Method::POST, "/stripe/links/x/pay")).await;
    unknown_provider.status(404);
    assert!(unknown_provider.body["message"].as_str().unwrap().contains("stripe"));
    let unknown_link = send(h.control(Method::POST, "/razorpay/links/plink_x/pay")).await;
    unknown_link.status(404);
    let bad_amount = send(h.control(Method::POST, "/pinelabs/links/x/pay").json(&json!({"amount": "ten"}))).await;
    bad_amount.status(400);
    let malformed = send(h.control(Method::POST, "/faults").header("content-type", "application/json").body("{")).await;
    malformed.status(400);
    send(h.control(Method::GET, "/nowhere/at/all")).await.status(404);

    let id = send(h.razorpay(Method::POST, "/v1/payment_links").json(&json!({"amount": 1000}))).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let too_much = h.pay("razorpay", &id, Some(5000)).await;
    too_much.status(400);
    assert!(too_much.body["message"].as_str().unwrap().contains("more than"));
    let partial = h.pay("razorpay", &id, Some(500)).await;
    partial.status(400);
    // Razorpay's words (its accept_partial description), with the amount due in rupees.
    assert_eq!(
        partial.body["message"],
        "Customer cannot make partial payments on this Payment Link (accept_partial is false): pay the full ₹10.00."
    );
}

#[tokio::test]
async fn embedded_router_serves_the_same_app() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = paylinks_sandbox::router(paylinks_sandbox::SandboxConfig::default());
    let server = tokio::spawn(async move { axum_serve(listener, app).await });
    let client = crate::support::http_client();
    let reply = client
        .post(format!("http://{addr}/razorpay/v1/payment_links"))
        .basic_auth("rzp_test_paylinks", Some("rzp_sandbox_secret"))
        .json(&json!({"amount": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    // Without a connection handle, a dropped response still never arrives whole.
    client.post(format!("http://{addr}/_sandbox/faults")).json(&json!({"kind": "drop_response"})).send().await.unwrap();
    let lost = client
        .get(format!("http://{addr}/razorpay/v1/payment_links"))
        .basic_auth("rzp_test_paylinks", Some("rzp_sandbox_secret"))
        .send()
        .await;
    let whole = match lost {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!whole, "the response must not arrive whole");
    server.abort();
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    let _ = axum::serve(listener, app).await;
}

#[test]
fn schema_checks_catch_wrong_bodies() {
    use crate::support::check_response;
    assert!(check_response("cashfree", "createLink", 400, &json!({"message": 1})).is_err());
    assert!(check_response("cashfree", "fetchLink", 200, &json!({"link_amount": "100"})).is_err());
    assert!(check_response("razorpay", "createPaymentLink", 200, &json!({"amount": "1000"})).is_err());
    assert!(check_response("razorpay", "fetchInvoice", 400, &json!({"error": {"description": 5}})).is_err());
    assert!(check_response("pinelabs", "createPaymentLink", 200, &json!({"amount": {"value": "1"}})).is_err());
    assert!(check_response("pinelabs", "generateToken", 200, &json!({"access_token": "x"})).is_err());
}
