//! Razorpay legacy invoice-based payment links (`/v1/invoices`).

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Harness, Reply, assert_page_url, error_description, send, start};

fn link_request(receipt: &str) -> Value {
    json!({
        "type": "link",
        "description": "Payment link for order #123",
        "customer": {"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "+919876543210"},
        "line_items": [{"name": "Master Cloud Computing in 30 Days", "amount": 39900, "quantity": 1}],
        "receipt": receipt,
        "sms_notify": "1",
        "email_notify": "0",
        "partial_payment": true,
        "currency": "INR",
        "notes": {"key1": "Testing."},
    })
}

async fn create(h: &Harness, body: &Value) -> Reply {
    send(h.razorpay(Method::POST, "/v1/invoices").json(body)).await
}

#[tokio::test]
async fn lifecycle_issue_pay_and_forbidden_cancel() {
    let h = start().await;
    let created = create(&h, &link_request("R-1")).await;
    created.status(200).conforms("razorpay", "createInvoice");
    let invoice = created.body.clone();
    let id = invoice["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("inv_") && id.len() == 18, "{id}");
    assert_eq!(invoice["status"], "issued");
    assert_eq!(invoice["type"], "link");
    assert_eq!(invoice["amount"], 39900);
    assert_eq!(invoice["amount_due"], 39900);
    assert_eq!(invoice["paid_at"], Value::Null);
    assert_eq!(invoice["sms_status"], "pending");
    assert_eq!(invoice["email_status"], Value::Null);
    assert_page_url(&invoice["short_url"], "razorpay_invoice", &id);

    send(h.razorpay(Method::GET, &format!("/v1/invoices/{id}"))).await.status(200).conforms("razorpay", "fetchInvoice");
    let listed = send(h.razorpay(Method::GET, "/v1/invoices?type=link&receipt=R-1")).await;
    listed.status(200).conforms("razorpay", "listInvoices");
    assert_eq!(listed.body["entity"], "collection");
    assert_eq!(listed.body["count"], 1);

    let partly = h.pay("razorpay_invoice", &id, Some(10000)).await;
    partly.status(200).conforms("razorpay", "fetchInvoice");
    assert_eq!(partly.body["status"], "partially_paid");
    assert_eq!(partly.body["amount_due"], 29900);
    let payment_id = partly.body["payment_id"].as_str().unwrap().to_owned();
    let by_payment = send(h.razorpay(Method::GET, &format!("/v1/invoices?payment_id={payment_id}"))).await;
    assert_eq!(by_payment.status(200).body["items"][0]["id"], json!(id));

    let cancel = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/cancel"))).await;
    cancel.status(400).conforms("razorpay", "cancelInvoice");
    assert_eq!(error_description(&cancel), "Operation not allowed for Invoice in partially_paid status.");

    let paid = h.pay("razorpay_invoice", &id, None).await;
    assert_eq!(paid.status(200).body["status"], "paid");
    assert!(paid.body["paid_at"].as_i64().is_some());
    let cancel = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/cancel"))).await;
    cancel.status(400);
    assert_eq!(error_description(&cancel), "Operation not allowed for Invoice in paid status.");
    assert_eq!(cancel.body["error"]["reason"], "input_validation_failed");
}

#[tokio::test]
async fn drafts_issue_update_delete_and_cancel() {
    let h = start().await;
    let mut request = link_request("R-2");
    request["draft"] = json!("1");
    let draft = create(&h, &request).await;
    draft.status(200).conforms("razorpay", "createInvoice");
    let id = draft.body["id"].as_str().unwrap().to_owned();
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["amount_due"], Value::Null);
    assert_eq!(draft.body["short_url"], Value::Null);

    let updated = send(h.razorpay(Method::PATCH, &format!("/v1/invoices/{id}")).json(&json!({
        "line_items": [{"name": "Book / A Wild Sheep Chase", "amount": 200, "quantity": 1}],
        "notes": {"updated-key": "An updated note."}})))
    .await;
    updated.status(200).conforms("razorpay", "updateInvoice");
    assert_eq!(updated.body["amount"], 40100);
    assert_eq!(updated.body["line_items"].as_array().unwrap().len(), 2);

    let cancel_draft = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/cancel"))).await;
    cancel_draft.status(400).conforms("razorpay", "cancelInvoice");
    assert_eq!(error_description(&cancel_draft), "Operation not allowed for Invoice in draft status.");
    let notify_draft = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/notify_by/sms"))).await;
    notify_draft.status(400).conforms("razorpay", "notifyInvoice");

    let issued = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/issue"))).await;
    issued.status(200).conforms("razorpay", "issueInvoice");
    assert_eq!(issued.body["status"], "issued");
    assert!(issued.body["issued_at"].as_i64().is_some());
    let issue_again = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/issue"))).await;
    issue_again.status(400).conforms("razorpay", "issueInvoice");
    assert_eq!(error_description(&issue_again), "Operation not allowed for Invoice in issued status.");
    let delete_issued = send(h.razorpay(Method::DELETE, &format!("/v1/invoices/{id}"))).await;
    delete_issued.status(400).conforms("razorpay", "deleteInvoice");
    let line_items_on_issued =
        send(h.razorpay(Method::PATCH, &format!("/v1/invoices/{id}")).json(&json!({"line_items": []}))).await;
    line_items_on_issued.status(400).conforms("razorpay", "updateInvoice");
    let notified = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/notify_by/email"))).await;
    notified.status(200).conforms("razorpay", "notifyInvoice");
    let bad_medium = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/notify_by/fax"))).await;
    bad_medium.status(400);
    assert_eq!(error_description(&bad_medium), "fax is not a valid communication medium.");

    let cancelled = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/cancel"))).await;
    cancelled.status(200).conforms("razorpay", "cancelInvoice");
    assert_eq!(cancelled.body["status"], "cancelled");
    let again = send(h.razorpay(Method::POST, &format!("/v1/invoices/{id}/cancel"))).await;
    again.status(400).conforms("razorpay", "cancelInvoice");
    assert_eq!(
        again.body,
        json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Operation not allowed for Invoice in cancelled status.",
            "source": "business", "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {}}})
    );

    let mut request = link_request("R-3");
    request["draft"] = json!("1");
    let id = create(&h, &request).await.body["id"].as_str().unwrap().to_owned();
    let deleted = send(h.razorpay(Method::DELETE, &format!("/v1/invoices/{id}"))).await;
    deleted.status(200).conforms("razorpay", "deleteInvoice");
    assert_eq!(deleted.body, json!([]));
    let gone = send(h.razorpay(Method::GET, &format!("/v1/invoices/{id}"))).await;
    gone.status(400).conforms("razorpay", "fetchInvoice");
    assert_eq!(error_description(&gone), "The id provided does not exist");
}

#[tokio::test]
async fn list_filters_and_pagination() {
    let h = start().await;
    for n in 0..5 {
        let mut request = link_request(&format!("P-{n}"));
        if n % 2 == 0 {
            request["type"] = json!("invoice");
        }
        create(&h, &request).await.status(200);
    }
    let links = send(h.razorpay(Method::GET, "/v1/invoices?type=link")).await;
    assert_eq!(links.status(200).body["count"], 2);
    let page = send(h.razorpay(Method::GET, "/v1/invoices?count=2&skip=1")).await;
    page.status(200).conforms("razorpay", "listInvoices");
    assert_eq!(page.body["count"], 2);
    assert_eq!(page.body["items"][0]["receipt"], "P-3");
    let customer_id = page.body["items"][0]["customer_id"].as_str().unwrap().to_owned();
    let by_customer = send(h.razorpay(Method::GET, &format!("/v1/invoices?customer_id={customer_id}"))).await;
    assert_eq!(by_customer.status(200).body["count"], 1);
    let bad_count = send(h.razorpay(Method::GET, "/v1/invoices?count=500")).await;
    bad_count.status(400).conforms("razorpay", "listInvoices");
}

#[tokio::test]
async fn create_validation_errors() {
    let h = start().await;
    let mut no_customer = link_request("V-1");
    no_customer.as_object_mut().unwrap().remove("customer");
    let reply = create(&h, &no_customer).await;
    reply.status(400).conforms("razorpay", "createInvoice");
    assert_eq!(error_description(&reply), "customer is required.");

    let mut no_items = link_request("V-2");
    no_items.as_object_mut().unwrap().remove("line_items");
    no_items["type"] = json!("invoice");
    assert_eq!(error_description(create(&h, &no_items).await.status(400)), "line_items is required.");

    let mut currency = link_request("V-3");
    currency["line_items"][0]["currency"] = json!("USD");
    assert_eq!(
        error_description(create(&h, &currency).await.status(400)),
        "Currency of all items should be the same as of the invoice."
    );

    let mut expiry = link_request("V-4");
    expiry["expire_by"] = json!(1_600_000_000);
    assert_eq!(
        error_description(create(&h, &expiry).await.status(400)),
        "expire_by should be at least 15 minutes after current time."
    );

    create(&h, &link_request("DUP")).await.status(200);
    create(&h, &link_request("DUP")).await.status(400).conforms("razorpay", "createInvoice");

    // A simple legacy link with just an amount.
    let simple = create(
        &h,
        &json!({"type": "link", "amount": 5000, "customer_id": "cust_E7q0trFqXgExmT", "description": "Simple"}),
    )
    .await;
    simple.status(200).conforms("razorpay", "createInvoice");
    assert_eq!(simple.body["amount"], 5000);
    assert_eq!(simple.body["customer_id"], "cust_E7q0trFqXgExmT");
    // Partial payments are off on it.
    h.pay("razorpay_invoice", simple.body["id"].as_str().unwrap(), Some(100)).await.status(400);
}
