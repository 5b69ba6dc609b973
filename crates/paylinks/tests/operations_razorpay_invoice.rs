//! The facade against a local mock of Razorpay's legacy invoice-based links (`/v1/invoices`,
//! `type: link`): what each operation sends, what it returns, and the invoice error rows.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use paylinks::{CreateLink, Error, LinkStatus, ListFilter, Money, NotifyMedium, Provider, RetryPolicy};
use serde_json::json;

const P: Provider = Provider::RazorpayInvoice;
const INVOICES: &str = "/v1/invoices";
const ID_: &str = "inv_DAweOiQ7amIUVd";
const INVOICE: &str = "/v1/invoices/inv_DAweOiQ7amIUVd";
const CANCEL: &str = "/v1/invoices/inv_DAweOiQ7amIUVd/cancel";

#[tokio::test]
async fn create_sends_a_link_invoice_in_minor_units() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", INVOICES, 200, invoice("issued")).await;
    let expiry = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    let link = order().partial_payments(None).note("order", "1042").notify(true, false).expires_at(expiry);
    let created = client.create(P, &link).await.unwrap();

    let request = only_call(&server, "POST", INVOICES).await;
    assert_eq!(header(&request, "authorization"), [RAZORPAY_BASIC]);
    assert_eq!(
        body(&request),
        json!({
            "type": "link",
            "amount": 49950,
            "currency": "INR",
            "description": "Order #1042",
            "receipt": "order-1042",
            "customer": {"name": "Asha Rao", "email": "asha@example.com", "contact": "+919876543210"},
            "expire_by": 1_893_456_000,
            "sms_notify": true,
            "email_notify": false,
            "partial_payment": true,
            "notes": {"order": "1042"}
        })
    );

    assert_eq!(created.provider, P);
    assert_eq!(created.id, ID_);
    assert_eq!(created.reference.as_deref(), Some("order-1042"));
    assert_eq!(created.status, LinkStatus::Active);
    assert_eq!(created.provider_status, "issued");
    assert_eq!(created.amount, Money::inr(49950));
    assert_eq!(created.amount_due(), Money::inr(49950));
    assert_eq!(created.url.as_deref(), Some("https://rzp.io/i/2wxV8Xs"));
    assert_eq!(created.customer.name.as_deref(), Some("Asha Rao"));
    assert_eq!(created.created_at, Some(Utc.with_ymd_and_hms(2023, 11, 14, 22, 13, 20).unwrap()));
    assert_eq!(created.expires_at, Some(expiry));
    assert_eq!(created.cancelled_at, None, "null means not cancelled");
}

#[tokio::test]
async fn create_sends_the_first_payment_minimum_and_the_callback() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", INVOICES, 200, invoice("issued")).await;
    let link = order().partial_payments(Some(Money::inr(10000))).return_url("https://shop.example/thanks");
    client.create(P, &link).await.unwrap();
    let sent = body(&only_call(&server, "POST", INVOICES).await);
    assert_eq!(sent["partial_payment"], json!(true));
    assert_eq!(sent["first_payment_min_amount"], json!(10000));
    assert_eq!(sent["callback_url"], json!("https://shop.example/thanks"));
    assert_eq!(sent["callback_method"], json!("get"));
}

#[tokio::test]
async fn validation_runs_before_sending() {
    let cases = [
        (CreateLink::new(Money::inr(99)), "amount"),
        // A first partial payment above the amount (the minimum and `return_url` themselves are
        // sent since issue 9 §5: `first_payment_min_amount`, `callback_url`).
        (order().partial_payments(Some(Money::inr(49951))), "minimum_partial_amount"),
        ((1..=16).fold(order(), |link, n| link.note(format!("k{n}"), "v")), "notes"),
    ];
    for err in refused_before_sending(P, cases).await {
        assert!(err.to_string().starts_with("razorpay_invoice: invalid"), "{err}");
    }
}

#[tokio::test]
async fn get_cancel_and_resend_use_the_invoice_endpoints() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", INVOICE, 200, invoice("partially_paid")).await;
    mount(&server, "POST", CANCEL, 200, invoice("cancelled")).await;
    mount(&server, "POST", "/v1/invoices/inv_DAweOiQ7amIUVd/notify_by/email", 200, json!({"success": true})).await;

    assert_eq!(client.get(&sample_ref(P)).await.unwrap().status, LinkStatus::PartiallyPaid);
    let cancelled = client.cancel(&sample_ref(P)).await.unwrap();
    assert_eq!(cancelled.status, LinkStatus::Cancelled);
    assert_eq!(cancelled.cancelled_at, Some(Utc.with_ymd_and_hms(2023, 11, 14, 22, 15, 0).unwrap()));
    client.resend_notification(&sample_ref(P), NotifyMedium::Email).await.unwrap();

    let requests = api_requests(&server).await;
    assert_eq!(
        sent(&requests),
        [format!("GET {INVOICE}"), format!("POST {CANCEL}"), format!("POST {INVOICE}/notify_by/email")]
    );
}

#[tokio::test]
async fn list_asks_for_link_invoices_by_receipt() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", INVOICES, 200, json!({"entity": "collection", "count": 1, "items": [invoice("paid")]})).await;
    let found = client.list(P, &ListFilter { reference: Some("order-1042".into()) }).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id.as_str(), found[0].status), (ID_, LinkStatus::Paid));
    let mut params = query(&only_request(&server).await);
    params.sort();
    // One page of the maximum 100 (issue 9 §5): a short page is the last.
    let expected = [("count", "100"), ("receipt", "order-1042"), ("skip", "0"), ("type", "link")];
    assert_eq!(params, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
}

#[tokio::test]
async fn list_without_a_receipt_asks_for_every_link_invoice() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(
        &server,
        "GET",
        INVOICES,
        200,
        json!({"entity": "collection", "count": 2, "items": [invoice("paid"), invoice("issued")]}),
    )
    .await;
    let found = client.list(P, &ListFilter::default()).await.unwrap();
    assert_eq!(found.len(), 2);
    let mut params = query(&only_request(&server).await);
    params.sort();
    assert_eq!(
        params,
        [
            ("count".to_owned(), "100".to_owned()),
            ("skip".to_owned(), "0".to_owned()),
            ("type".to_owned(), "link".to_owned())
        ]
    );
}

#[tokio::test]
async fn cancelling_a_cancelled_invoice_is_invalid_state_with_its_status() {
    let (server, client) = setup(P, fast_retry(3)).await;
    let refusal = error_body(P, "BAD_REQUEST_ERROR", "Operation not allowed for Invoice in cancelled status.");
    mount(&server, "POST", CANCEL, 400, refusal).await;
    mount(&server, "GET", INVOICE, 200, invoice("cancelled")).await;
    let err = client.cancel(&sample_ref(P)).await.unwrap_err();
    let message = assert_refused_cancel(&err, P, ID_, "cancelled");
    assert_eq!(message, "Operation not allowed for Invoice in cancelled status.");
    assert_eq!(sent(&api_requests(&server).await), [format!("POST {CANCEL}"), format!("GET {INVOICE}")]);
}

#[tokio::test]
async fn an_invalid_api_key_is_unauthorized() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", INVOICES, 400, error_body(P, "BAD_REQUEST_ERROR", "The API key provided is invalid.")).await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert!(matches!(&err, Error::Unauthorized { provider: P, .. }), "{err:?}");
    assert_displays_safely(&err, P);
}

#[tokio::test]
async fn an_id_that_does_not_exist_is_not_found() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", INVOICE, 400, error_body(P, "BAD_REQUEST_ERROR", "The id provided does not exist.")).await;
    let err = client.get(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { provider: P, id } if id == ID_), "{err:?}");
    assert_displays_safely(&err, P);
}

#[tokio::test]
async fn create_with_a_receipt_finds_the_invoice_an_earlier_attempt_made() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", INVOICES, 1, 500, error_body(P, "SERVER_ERROR", "internal error")).await;
    mount(
        &server,
        "POST",
        INVOICES,
        400,
        error_body(P, "BAD_REQUEST_ERROR", "receipt: the receipt has already been taken."),
    )
    .await;
    mount(&server, "GET", INVOICES, 200, json!({"entity": "collection", "count": 1, "items": [invoice("issued")]}))
        .await;
    let link = client.create(P, &order()).await.unwrap();
    assert_eq!(link.id, ID_);
    let requests = api_requests(&server).await;
    assert_eq!(sent(&requests), [format!("POST {INVOICES}"), format!("POST {INVOICES}"), format!("GET {INVOICES}")]);
    assert!(query(&requests[2]).contains(&("receipt".to_owned(), "order-1042".to_owned())));
}

#[tokio::test]
async fn a_retried_create_refused_for_another_reason_keeps_that_reason() {
    // The first attempt failed with a 500, the retry is refused on a field, and no invoice has
    // this receipt: the retry's refusal is the answer, not a puzzle about a missing invoice.
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", INVOICES, 1, 500, error_body(P, "SERVER_ERROR", "internal error")).await;
    let refusal = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "customer is required.", "field": "customer",
                                   "source": "NA", "step": "NA", "reason": "NA", "metadata": {}}});
    mount(&server, "POST", INVOICES, 400, refusal).await;
    mount(&server, "GET", INVOICES, 200, json!({"entity": "collection", "count": 0, "items": []})).await;
    let err = client.create(P, &order()).await.unwrap_err();
    match &err {
        Error::InvalidRequest { provider: P, field, message } => {
            assert_eq!(field, "customer");
            assert_eq!(message, "customer is required.");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn create_without_a_receipt_is_never_retried() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", INVOICES, 502, error_body(P, "SERVER_ERROR", "bad gateway")).await;
    let err = client.create(P, &CreateLink::new(Money::inr(49950))).await.unwrap_err();
    assert!(matches!(err, Error::Provider { provider: P, status: 502, .. }), "{err:?}");
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_cancel_retried_after_a_lost_response_returns_the_cancelled_invoice() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", CANCEL, 1, 500, error_body(P, "SERVER_ERROR", "internal error")).await;
    let refusal = error_body(P, "BAD_REQUEST_ERROR", "Operation not allowed for Invoice in cancelled status.");
    mount(&server, "POST", CANCEL, 400, refusal).await;
    mount(&server, "GET", INVOICE, 200, invoice("cancelled")).await;
    let link = client.cancel(&sample_ref(P)).await.unwrap();
    assert_eq!(link.status, LinkStatus::Cancelled);
    assert_eq!(api_requests(&server).await.len(), 3);
}
