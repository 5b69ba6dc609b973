//! What Cashfree really sends (issue 9): `null` in optional fields decodes as absent, and a
//! timestamp without an offset is India Standard Time (+05:30).

use paylinks_cashfree::{Client, Credentials, Environment, types};
use paylinks_testkit::mock::{answer_every_request, json_response};
use paylinks_testkit::schema::check_response;
use serde_json::{Value, json};
use wiremock::MockServer;

async fn client_answering(body: &Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    answer_every_request(&server, json_response(200, &body.to_string())).await;
    let client = Client::builder(Credentials::new("TEST_APP_ID", "TEST_SECRET"))
        .environment(Environment::Custom(format!("{}/pg", server.uri())))
        .build()
        .unwrap();
    (server, client)
}

fn utc(at: Option<paylinks_cashfree::Timestamp>) -> Option<String> {
    at.map(|t| t.to_utc().to_rfc3339())
}

fn minor(amount: Option<paylinks_cashfree::DecimalAmount>) -> Option<i64> {
    amount.map(|a| a.to_minor(2).unwrap())
}

/// Two orders of a link, the first as Cashfree's captured order responses carry it:
/// `order_tags`, `order_meta`, `order_splits` and `terminal_data` all `null`.
fn orders_page() -> Value {
    json!([
        {"cf_order_id": "2149460581", "link_id": "my_link_id", "order_id": "CFPay_U1mgll3c0e9g_ehdcjjbtckf",
         "entity": "order", "order_currency": "INR", "order_amount": 10.12, "order_status": "PAID",
         "order_expiry_time": "2022-04-01T16:29:09+05:30", "created_at": "2022-03-02T16:29:09+05:30",
         "order_tags": null, "order_meta": null, "order_splits": null, "terminal_data": null,
         "customer_details": null, "payment_session_id": null},
        {"cf_order_id": 2305826, "order_id": "order_2", "order_amount": 22, "order_status": "ACTIVE",
         "order_tags": {"link_id": "my_link_id"}, "order_splits": [{"vendor_id": "v1", "amount": 5, "tags": null}]}
    ])
}

#[tokio::test]
async fn a_page_of_orders_with_null_tags_meta_and_splits_decodes() {
    let page = orders_page();
    check_response("cashfree", "fetchLinkOrders", 200, &page).unwrap();
    let (_server, client) = client_answering(&page).await;
    let orders = client.fetch_link_orders().link_id("my_link_id").send().await.unwrap().into_inner();
    assert_eq!(orders.len(), 2, "one null does not fail the page");
    let first = &orders[0];
    assert_eq!(minor(first.order_amount), Some(1012));
    assert_eq!(first.order_status, Some(types::KnownOrderStatus::Paid.into()));
    assert_eq!((&first.order_tags, &first.order_meta, &first.order_splits), (&None, &None, &None));
    assert_eq!((&first.customer_details, &first.payment_session_id), (&None, &None));
    assert_eq!(utc(first.order_expiry_time), Some("2022-04-01T10:59:09+00:00".into()));
    let second = &orders[1];
    assert_eq!(minor(second.order_amount), Some(2200));
    assert_eq!(second.order_tags.as_ref().and_then(|t| t.get("link_id")).map(String::as_str), Some("my_link_id"));
    let split = &second.order_splits.as_deref().unwrap()[0];
    assert_eq!((minor(split.amount), &split.tags), (Some(500), &None));
}

#[test]
fn a_link_with_null_notes_splits_subscription_and_split_tags_decodes() {
    let body = json!({
        "cf_link_id": "1996567", "link_id": "my_link_id", "link_status": "PAID", "link_currency": "INR",
        "link_amount": 100.12, "link_amount_paid": 100.12, "link_minimum_partial_amount": null,
        "link_created_at": "2021-09-30T17:05:01+05:30", "link_notes": null, "order_splits": null,
        "subscription": null, "link_meta": null, "link_notify": null, "customer_details": null,
        "link_qrcode": null, "enable_invoice": null
    });
    check_response("cashfree", "fetchLink", 200, &body).unwrap();
    let link: types::LinkEntity = serde_json::from_value(body).unwrap();
    assert_eq!((minor(link.link_amount), minor(link.link_amount_paid)), (Some(10012), Some(10012)));
    assert_eq!(link.link_status, Some(types::KnownLinkStatus::Paid.into()));
    assert_eq!((&link.link_notes, &link.order_splits, &link.subscription), (&None, &None, &None));
    assert_eq!(link.link_minimum_partial_amount, None);

    let split = json!({"order_splits": [{"vendor_id": "v1", "percentage": 10, "tags": null}]});
    check_response("cashfree", "fetchLink", 200, &split).unwrap();
    let link: types::LinkEntity = serde_json::from_value(split).unwrap();
    let splits = link.order_splits.unwrap();
    assert_eq!(
        (splits[0].vendor_id.as_deref(), splits[0].percentage, &splits[0].tags),
        (Some("v1"), Some(10.0), &None)
    );
}

/// The `data` of Cashfree's documented link webhook body, verbatim but for the customer
/// (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/webhooks>):
/// its times carry no offset and are India time (`event_time` beside them is `+05:30`).
#[test]
fn the_documented_webhook_link_reads_its_offset_less_times_in_india_time() {
    let data = json!({
        "cf_link_id": 1576977, "link_id": "payment_ps11", "link_status": "PARTIALLY_PAID",
        "link_currency": "INR", "link_amount": "200.12", "link_amount_paid": "55.00",
        "link_partial_payments": true, "link_minimum_partial_amount": "11.00",
        "link_purpose": "Payment for order 10", "link_created_at": "2021-08-18T07:13:41",
        "customer_details": {"customer_phone": "9999999999", "customer_email": "asha.rao@example.com", "customer_name": "Asha Rao"},
        "link_meta": {"notify_url": "https://example.com/notify"},
        "link_url": "https://payments-test.cashfree.com/links//U1mgll3c0e9g",
        "link_expiry_time": "2021-11-28T21:46:20", "link_notes": {"note_key_1": "note_value_1"},
        "link_auto_reminders": true, "link_notify": {"send_sms": true, "send_email": true},
        "order": {"order_amount": "22.00", "order_id": "CFPay_U1mgll3c0e9g_ehdcjjbtckf",
                  "order_expiry_time": "2021-08-18T07:34:50", "order_hash": "Gb2gC7z0tILhGbZUIeds",
                  "transaction_id": 1021206, "transaction_status": "SUCCESS"}
    });
    let link: types::LinkEntity = serde_json::from_value(data).unwrap();
    assert_eq!(utc(link.link_created_at), Some("2021-08-18T01:43:41+00:00".into()), "07:13:41 IST");
    assert_eq!(utc(link.link_expiry_time), Some("2021-11-28T16:16:20+00:00".into()), "21:46:20 IST");
    assert_eq!(link.link_created_at.unwrap().to_string(), "2021-08-18T07:13:41+05:30");
    assert_eq!(
        (minor(link.link_amount), minor(link.link_amount_paid), minor(link.link_minimum_partial_amount)),
        (Some(20012), Some(5500), Some(1100))
    );
    assert_eq!(link.link_status, Some(types::KnownLinkStatus::PartiallyPaid.into()));
}

#[tokio::test]
async fn every_offset_less_form_is_india_time_in_links_and_orders() {
    for (text, expected) in [
        ("2024-10-14T15:04:05", "2024-10-14T09:34:05+00:00"),
        ("2024-10-14 15:04:05", "2024-10-14T09:34:05+00:00"),
        ("2024-10-14T15:04:05.250", "2024-10-14T09:34:05.250+00:00"),
        ("2024-10-14 15:04:05.123456", "2024-10-14T09:34:05.123456+00:00"),
        ("2024-10-14 15:04:05+05:30", "2024-10-14T09:34:05+00:00"),
        ("2024-10-14T15:04:05Z", "2024-10-14T15:04:05+00:00"),
    ] {
        let link = json!({"link_id": "l1", "link_amount": 1, "link_created_at": text, "link_expiry_time": text});
        let (_server, client) = client_answering(&link).await;
        let link = client.fetch_link().link_id("l1").send().await.unwrap().into_inner();
        assert_eq!(utc(link.link_created_at).as_deref(), Some(expected), "{text}");
        assert_eq!(utc(link.link_expiry_time).as_deref(), Some(expected), "{text}");

        let orders = json!([{"order_id": "o1", "order_amount": 1, "created_at": text, "order_expiry_time": text}]);
        let (_server, client) = client_answering(&orders).await;
        let orders = client.fetch_link_orders().link_id("l1").send().await.unwrap().into_inner();
        assert_eq!(utc(orders[0].created_at).as_deref(), Some(expected), "{text}");
        assert_eq!(utc(orders[0].order_expiry_time).as_deref(), Some(expected), "{text}");
    }
}
