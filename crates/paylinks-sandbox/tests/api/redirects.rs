//! A failed attempt and the redirect after a payment, for every provider, through the control
//! API (`"failed": true`; the redirect's URL in `x-sandbox-redirect`, a POSTed form's fields
//! in `x-sandbox-redirect-form`), each redirect checked with its provider crate's verifier.

use reqwest::Method;
use serde_json::json;

use crate::support::{Harness, Reply, send, start};

/// The query pairs of the `x-sandbox-redirect` URL, and the URL without its query.
fn redirect_query(reply: &Reply) -> (String, Vec<(String, String)>) {
    let url = url::Url::parse(reply.header("x-sandbox-redirect").expect("a redirect")).unwrap();
    let query = url.query_pairs().into_owned().collect();
    let mut bare = url.clone();
    bare.set_query(None);
    (bare.into(), query)
}

async fn created(reply: Reply, id_member: &str) -> String {
    reply.status(200);
    reply.body[id_member].as_str().unwrap_or_else(|| panic!("{}", reply.body)).to_owned()
}

#[tokio::test]
async fn razorpay_links_and_invoices_redirect_signed_after_payments_only() {
    let h: Harness = start().await;
    let key_secret = h.setting("razorpay", "key_secret");
    let body = json!({"amount": 1000, "accept_partial": true, "reference_id": "R-7",
        "callback_url": "https://shop.example/done", "callback_method": "get"});
    let id = created(send(h.razorpay(Method::POST, "/v1/payment_links").json(&body)).await, "id").await;

    let failed = h.pay_with("razorpay", &id, &json!({"failed": true})).await;
    failed.status(200);
    assert_eq!((&failed.body["status"], failed.header("x-sandbox-redirect")), (&json!("created"), None));
    let paid = h.pay("razorpay", &id, Some(400)).await;
    let (url, query) = redirect_query(&paid);
    assert_eq!(url, "https://shop.example/done");
    let callback = paylinks_razorpay::redirect::verify_callback(&key_secret, query).unwrap();
    assert_eq!(
        (callback.payment_link_id, callback.reference_id, callback.status),
        (id, "R-7".into(), "partially_paid".into())
    );

    let body = json!({"type": "link", "amount": 39900, "receipt": "INV-7", "customer": {"name": "Asha Rao", "email": "asha.rao@example.com"},
        "callback_url": "https://shop.example/invoice", "callback_method": "get"});
    let invoice = created(send(h.razorpay(Method::POST, "/v1/invoices").json(&body)).await, "id").await;
    let failed = h.pay_with("razorpay_invoice", &invoice, &json!({"failed": true})).await;
    assert_eq!((&failed.body["status"], failed.header("x-sandbox-redirect")), (&json!("issued"), None));
    let paid = h.pay("razorpay_invoice", &invoice, None).await;
    let (url, query) = redirect_query(&paid);
    assert_eq!(url, "https://shop.example/invoice");
    let callback = paylinks_razorpay::redirect::verify_invoice_callback(&key_secret, query).unwrap();
    assert_eq!(
        (callback.invoice_id, callback.receipt, callback.status),
        (invoice.clone(), "INV-7".into(), "paid".into())
    );
    // "failed" is a boolean.
    let invoice_again = h.pay_with("razorpay_invoice", &invoice, &json!({"failed": "yes"})).await;
    invoice_again.status(400);
    assert_eq!(invoice_again.body["message"], "failed must be a boolean");
}

#[tokio::test]
async fn cashfree_returns_to_return_url_with_the_order_id() {
    let h = start().await;
    let body = json!({"link_id": "order_77", "link_amount": 100, "link_currency": "INR",
        "customer_details": {"customer_phone": "9999999999"},
        "link_meta": {"return_url": "https://shop.example/back?cf={order_id}"}});
    created(send(h.cashfree(Method::POST, "/links").json(&body)).await, "link_id").await;
    let failed = h.pay_with("cashfree", "order_77", &json!({"failed": true})).await;
    assert_eq!((&failed.body["link_status"], failed.header("x-sandbox-redirect")), (&json!("ACTIVE"), None));
    let paid = h.pay("cashfree", "order_77", None).await;
    paid.status(200);
    let orders = send(h.cashfree(Method::GET, "/links/order_77/orders")).await;
    let order_id = orders.body[0]["order_id"].as_str().unwrap();
    assert_eq!(paid.header("x-sandbox-redirect"), Some(format!("https://shop.example/back?cf={order_id}").as_str()));
    assert_eq!(paid.header("x-sandbox-redirect-form"), None, "a GET");
}

#[tokio::test]
async fn pinelabs_posts_the_signed_callback_form_to_the_success_or_failure_url() {
    let h = start().await;
    let token = h.pinelabs_token().await;
    let body = json!({"amount": {"value": 10000, "currency": "INR"}, "merchant_payment_link_reference": "pl-77",
        "customer": {"email_id": "asha.rao@example.com"},
        "callback_url": "https://shop.example/pl/ok", "failure_callback_url": "https://shop.example/pl/failed"});
    let link = send(h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token).json(&body)).await;
    let id = created(link, "payment_link_id").await;
    let secret = h.setting("pinelabs", "callback_secret");
    let form = |reply: &Reply| -> Vec<(String, String)> {
        let text = reply.header("x-sandbox-redirect-form").expect("a form");
        url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()
    };

    let failed = h.pay_with("pinelabs", &id, &json!({"failed": true, "amount": 4000})).await;
    failed.status(200);
    assert_eq!(failed.body["status"], "CREATED", "the link stays open");
    assert_eq!(failed.header("x-sandbox-redirect"), Some("https://shop.example/pl/failed"));
    let callback = paylinks_pinelabs::redirect::verify_callback(&secret, form(&failed)).unwrap();
    assert_eq!(
        (callback.status.as_str(), callback.error.map(|e| e.code)),
        ("FAILED", Some("USER_AUTHENTICATION_FAILED".into()))
    );

    let paid = h.pay("pinelabs", &id, None).await;
    assert_eq!(paid.header("x-sandbox-redirect"), Some("https://shop.example/pl/ok"));
    let callback = paylinks_pinelabs::redirect::verify_callback(&secret, form(&paid)).unwrap();
    assert_eq!(
        (callback.order_id.as_str(), callback.status.as_str()),
        (paid.body["order_id"].as_str().unwrap(), "PROCESSED")
    );
}
