//! What Razorpay really sends (issue 9): `null` in optional fields decodes as absent and
//! passes the project's schema check. (Razorpay times are Unix seconds: no zone to apply.)

use paylinks_razorpay::{Client, Credentials, Environment, types};
use paylinks_testkit::mock::{answer_every_request, json_response};
use paylinks_testkit::schema::check_response;
use serde_json::{Value, json};
use wiremock::MockServer;

async fn client_answering(body: &Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    answer_every_request(&server, json_response(200, &body.to_string())).await;
    let client = Client::builder(Credentials::new("rzp_test_1", "secret"))
        .environment(Environment::Custom(server.uri()))
        .build()
        .unwrap();
    (server, client)
}

/// A payment link as the official Java SDK's test mock sends it (razorpay-java
/// `PaymentLinkTest.java`): `"updated_at": null`, `"payments": null`, `"upi_link": "true"`;
/// plus `notify: null`.
fn sdk_mock_link() -> Value {
    json!({
        "id": "plink_Fo48rl281ENAg9", "entity": "payment_link", "accept_partial": true, "amount": 1000,
        "amount_paid": 0, "currency": "INR", "description": "Payment for policy no #23456",
        "customer": {"contact": "+919999999999", "email": "asha.rao@example.com", "name": "Asha Rao"},
        "expire_by": 1691097057, "expired_at": 0, "cancelled_at": 0, "created_at": 1591097057,
        "updated_at": null, "first_min_partial_amount": 100, "notes": {"policy_name": "Jeevan Bima"},
        "notify": null, "payments": null, "reference_id": "TS1989", "reminder_enable": true,
        "reminders": [], "short_url": "https://rzp.io/i/nxrHnLJ", "status": "created", "upi_link": "true",
        "user_id": ""
    })
}

#[tokio::test]
async fn the_sdk_mock_link_with_null_updated_at_and_notify_decodes_and_passes_the_schema_check() {
    let body = sdk_mock_link();
    check_response("razorpay", "fetchPaymentLink", 200, &body).unwrap();
    let (_server, client) = client_answering(&body).await;
    let link = client.fetch_payment_link().id("plink_Fo48rl281ENAg9").send().await.unwrap().into_inner();
    assert_eq!((link.amount, link.amount_paid, link.currency.as_deref()), (Some(1000), Some(0), Some("INR")));
    assert_eq!(
        link.status,
        Some(types::PaymentLinkStatus::KnownPaymentLinkStatus(types::KnownPaymentLinkStatus::Created))
    );
    assert_eq!((link.updated_at, link.created_at), (None, Some(1_591_097_057)));
    assert_eq!((&link.notify, &link.payments), (&None, &None));
    assert_eq!(link.upi_link, Some(types::BoolOrString::String("true".into())));
}

#[tokio::test]
async fn a_list_with_null_payment_links_falls_back_to_items() {
    let body = json!({"payment_links": null, "entity": "collection", "count": 1, "items": [sdk_mock_link()]});
    check_response("razorpay", "listPaymentLinks", 200, &body).unwrap();
    let (_server, client) = client_answering(&body).await;
    let list = client.list_payment_links().send().await.unwrap().into_inner();
    assert_eq!(list.payment_links, None);
    let items = list.items.unwrap();
    assert_eq!((items.len(), items[0].amount, items[0].updated_at), (1, Some(1000), None));

    let body = json!({"payment_links": [sdk_mock_link()], "items": null});
    check_response("razorpay", "listPaymentLinks", 200, &body).unwrap();
    let list: types::PaymentLinkList = serde_json::from_value(body).unwrap();
    assert_eq!((list.payment_links.map(|l| l.len()), list.items), (Some(1), None));
}

#[tokio::test]
async fn an_invoice_with_null_line_items_decodes() {
    let body = json!({
        "id": "inv_E7q0tqkxBRzdau", "entity": "invoice", "type": "link", "status": "issued",
        "amount": 100000, "amount_paid": 0, "amount_due": 100000, "currency": "INR",
        "line_items": null, "short_url": "https://rzp.io/i/2wxV8Xs", "created_at": 1580380420
    });
    check_response("razorpay", "fetchInvoice", 200, &body).unwrap();
    let (_server, client) = client_answering(&body).await;
    let invoice = client.fetch_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap().into_inner();
    assert_eq!((invoice.amount, invoice.amount_due, invoice.line_items), (Some(100_000), Some(100_000), None));
    assert_eq!(invoice.status, Some(types::InvoiceStatus::KnownInvoiceStatus(types::KnownInvoiceStatus::Issued)));

    let items =
        json!({"entity": "invoice", "amount": 600, "line_items": [{"id": "li_1", "amount": 600, "taxes": null}]});
    check_response("razorpay", "fetchInvoice", 200, &items).unwrap();
    let invoice: types::Invoice = serde_json::from_value(items).unwrap();
    let line_items = invoice.line_items.unwrap();
    assert_eq!((line_items[0].amount, &line_items[0].taxes), (Some(600), &None));
}
