//! Cashfree PG payment links.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Harness, assert_page_url, send, start};

fn create_request(link_id: &str) -> Value {
    json!({
        "link_id": link_id,
        "link_amount": 100.5,
        "link_currency": "INR",
        "link_purpose": "Payment for PlayStation 11",
        "customer_details": {"customer_phone": "9999999999", "customer_email": "john@cashfree.com", "customer_name": "John Doe"},
        "link_partial_payments": true,
        "link_minimum_partial_amount": 20,
        "link_notes": {"key_1": "value_1"},
        "link_notify": {"send_sms": false, "send_email": true},
        "link_meta": {"return_url": "https://example.com/thanks", "upi_intent": false},
    })
}

async fn create(h: &Harness, body: &Value) -> crate::support::Reply {
    send(h.cashfree(Method::POST, "/links").json(body)).await
}

#[tokio::test]
async fn auth_failures_use_the_documented_bodies() {
    let h = start().await;
    let url = format!("{}/links/any", h.base_url("cashfree"));
    let none = send(h.raw(Method::GET, &url).header("x-api-version", "2025-01-01")).await;
    none.status(401).conforms("cashfree", "fetchLink");
    assert_eq!(
        none.body,
        json!({"message": "authentication Failed", "code": "request_failed", "type": "authentication_error"})
    );
    let wrong = send(
        h.raw(Method::GET, &url)
            .header("x-client-id", "cf_sandbox_app_id")
            .header("x-client-secret", "wrong")
            .header("x-api-version", "2025-01-01"),
    )
    .await;
    wrong.status(401);
    assert_eq!(wrong.body, none.body);
    let no_version = send(
        h.raw(Method::GET, &url)
            .header("x-client-id", "cf_sandbox_app_id")
            .header("x-client-secret", "cf_sandbox_secret"),
    )
    .await;
    no_version.status(400).conforms("cashfree", "fetchLink");
    assert_eq!(no_version.body["type"], "invalid_request_error");
    assert_eq!(no_version.body["message"], "version is missing in header");
}

#[tokio::test]
async fn lifecycle_create_fetch_pay_orders_and_forbidden_cancel() {
    let h = start().await;
    let created = create(&h, &create_request("order_1001")).await;
    created.status(200).conforms("cashfree", "createLink");
    let link = &created.body;
    assert_eq!(link["link_id"], "order_1001");
    assert_eq!(link["link_status"], "ACTIVE");
    assert_eq!(link["link_amount"], json!(100.5));
    assert_eq!(link["link_amount_paid"], json!(0));
    assert!(link["cf_link_id"].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
    assert_page_url(&link["link_url"], "cashfree", "order_1001");
    assert!(link["link_qrcode"].as_str().unwrap().starts_with("data:image/png;base64,iVBORw0KGgo"));
    assert!(link["link_created_at"].as_str().unwrap().ends_with("+05:30"));
    assert_eq!(created.header("x-ratelimit-retry"), Some("0"));
    assert!(created.header("x-ratelimit-limit").is_some());
    assert!(created.header("x-ratelimit-remaining").is_some());

    let fetched = send(h.cashfree(Method::GET, "/links/order_1001").header("x-request-id", "req-42")).await;
    fetched.status(200).conforms("cashfree", "fetchLink");
    assert_eq!(fetched.header("x-request-id"), Some("req-42"));
    assert_eq!(fetched.body["cf_link_id"], link["cf_link_id"]);

    // Below the minimum first instalment (20.00): refused by the control API.
    h.pay("cashfree", "order_1001", Some(1000)).await.status(400);
    let partly = h.pay("cashfree", "order_1001", Some(2025)).await;
    partly.status(200).conforms("cashfree", "fetchLink");
    assert_eq!(partly.body["link_status"], "PARTIALLY_PAID");
    assert_eq!(partly.body["link_amount_paid"], json!(20.25));

    let cancel = send(h.cashfree(Method::POST, "/links/order_1001/cancel")).await;
    cancel.status(400).conforms("cashfree", "cancelLink");
    assert_eq!(cancel.body["type"], "invalid_request_error");
    assert!(cancel.body["message"].as_str().unwrap().contains("PARTIALLY_PAID"), "{}", cancel.body);

    let paid = h.pay("cashfree", "order_1001", None).await;
    paid.status(200);
    assert_eq!(paid.body["link_status"], "PAID");
    assert_eq!(paid.body["link_amount_paid"], json!(100.5));

    let orders = send(h.cashfree(Method::GET, "/links/order_1001/orders")).await;
    orders.status(200).conforms("cashfree", "fetchLinkOrders");
    let orders = orders.body.as_array().unwrap().clone();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0]["order_amount"], json!(20.25));
    assert_eq!(orders[1]["order_amount"], json!(80.25));
    assert!(orders.iter().all(|o| o["order_status"] == "PAID" && o["link_id"] == "order_1001"));

    let cancel = send(h.cashfree(Method::POST, "/links/order_1001/cancel")).await;
    cancel.status(400).conforms("cashfree", "cancelLink");
    assert!(cancel.body["message"].as_str().unwrap().contains("PAID"));
}

#[tokio::test]
async fn cancel_only_active_links_and_orders_filter() {
    let h = start().await;
    let mut request = create_request("to_cancel");
    request["link_partial_payments"] = json!(false);
    create(&h, &request).await.status(200);
    // A failed attempt leaves an unpaid order, visible with status=ALL only.
    send(h.control(Method::POST, "/cashfree/links/to_cancel/pay").json(&json!({"failed": true}))).await.status(200);
    let paid_only = send(h.cashfree(Method::GET, "/links/to_cancel/orders")).await;
    assert_eq!(paid_only.status(200).body, json!([]));
    let all = send(h.cashfree(Method::GET, "/links/to_cancel/orders?status=ALL")).await;
    all.status(200).conforms("cashfree", "fetchLinkOrders");
    assert_eq!(all.body[0]["order_status"], "ACTIVE");
    // Partial payments are off for this link.
    h.pay("cashfree", "to_cancel", Some(5000)).await.status(400);

    let cancelled = send(h.cashfree(Method::POST, "/links/to_cancel/cancel")).await;
    cancelled.status(200).conforms("cashfree", "cancelLink");
    assert_eq!(cancelled.body["link_status"], "CANCELLED");
    let again = send(h.cashfree(Method::POST, "/links/to_cancel/cancel")).await;
    again.status(400).conforms("cashfree", "cancelLink");
    assert!(again.body["message"].as_str().unwrap().contains("CANCELLED"));
    h.pay("cashfree", "to_cancel", None).await.status(400);

    create(&h, &create_request("to_expire")).await.status(200);
    let expired = send(h.control(Method::POST, "/cashfree/links/to_expire/expire")).await;
    assert_eq!(expired.status(200).body["link_status"], "EXPIRED");
    let cancel = send(h.cashfree(Method::POST, "/links/to_expire/cancel")).await;
    cancel.status(400).conforms("cashfree", "cancelLink");
    assert!(cancel.body["message"].as_str().unwrap().contains("EXPIRED"));

    let bad_filter = send(h.cashfree(Method::GET, "/links/to_expire/orders?status=SOME")).await;
    bad_filter.status(400).conforms("cashfree", "fetchLinkOrders");
}

#[tokio::test]
async fn unknown_links_are_404() {
    let h = start().await;
    for (method, path, operation) in [
        (Method::GET, "/links/nope", "fetchLink"),
        (Method::POST, "/links/nope/cancel", "cancelLink"),
        (Method::GET, "/links/nope/orders", "fetchLinkOrders"),
    ] {
        let reply = send(h.cashfree(method, path)).await;
        reply.status(404).conforms("cashfree", operation);
        assert_eq!(reply.body["type"], "invalid_request_error");
    }
    let bad_url = send(h.cashfree(Method::GET, "/nowhere")).await;
    bad_url.status(400);
    assert_eq!(bad_url.body["message"], "bad URL, please check API documentation");
}

#[tokio::test]
async fn idempotency_key_replays_the_first_response() {
    let h = start().await;
    let first =
        send(h.cashfree(Method::POST, "/links").header("x-idempotency-key", "key-1").json(&create_request("idem_1")))
            .await;
    first.status(200).conforms("cashfree", "createLink");
    assert_eq!(first.header("x-idempotency-replayed"), Some("false"));
    let replay =
        send(h.cashfree(Method::POST, "/links").header("x-idempotency-key", "key-1").json(&create_request("idem_1")))
            .await;
    replay.status(200).conforms("cashfree", "createLink");
    assert_eq!(replay.header("x-idempotency-replayed"), Some("true"));
    assert_eq!(replay.header("x-idempotency-key"), Some("key-1"));
    assert_eq!(replay.body, first.body);
    assert_eq!(h.all_links("cashfree").await.len(), 1);

    // The same key with another request is an idempotency error.
    let other =
        send(h.cashfree(Method::POST, "/links").header("x-idempotency-key", "key-1").json(&create_request("idem_2")))
            .await;
    other.status(422).conforms("cashfree", "createLink");
    assert_eq!(other.body["type"], "idempotency_error");

    // Without a key, the same link_id is a conflict.
    let duplicate = create(&h, &create_request("idem_1")).await;
    duplicate.status(409).conforms("cashfree", "createLink");
    assert_eq!(duplicate.body["code"], "link_post_failed");

    // An error is replayed too.
    let mut bad = create_request("idem_3");
    bad["customer_details"] = json!({"customer_name": "No Phone"});
    let failed = send(h.cashfree(Method::POST, "/links").header("x-idempotency-key", "key-2").json(&bad)).await;
    failed.status(400);
    let failed_again = send(h.cashfree(Method::POST, "/links").header("x-idempotency-key", "key-2").json(&bad)).await;
    failed_again.status(400);
    assert_eq!(failed_again.header("x-idempotency-replayed"), Some("true"));
}

#[tokio::test]
async fn create_validation_errors() {
    let h = start().await;
    let mut no_phone = create_request("v1");
    no_phone["customer_details"] = json!({"customer_email": "a@b.com"});
    let reply = create(&h, &no_phone).await;
    reply.status(400).conforms("cashfree", "createLink");
    assert_eq!(reply.body["code"], "customer_details.customer_phone_missing");
    assert_eq!(reply.body["message"], "customer_details.customer_phone : is missing in the request");

    let mut no_amount = create_request("v2");
    no_amount.as_object_mut().unwrap().remove("link_amount");
    assert_eq!(create(&h, &no_amount).await.status(400).body["code"], "link_amount_missing");

    let mut precise = create_request("v3");
    precise["link_amount"] = json!(10.123);
    assert_eq!(create(&h, &precise).await.status(400).body["code"], "link_amount_invalid");

    let mut minimum = create_request("v4");
    minimum["link_minimum_partial_amount"] = json!(500);
    assert_eq!(create(&h, &minimum).await.status(400).body["code"], "link_minimum_partial_amount_invalid");

    let mut past = create_request("v5");
    past["link_expiry_time"] = json!("2021-10-14T15:04:05+05:30");
    assert_eq!(create(&h, &past).await.status(400).body["code"], "link_expiry_time_invalid");

    let malformed =
        send(h.cashfree(Method::POST, "/links").header("content-type", "application/json").body("{not json")).await;
    malformed.status(400).conforms("cashfree", "createLink");

    // Without link_id the sandbox generates one; amounts stay exact.
    let mut generated = create_request("x");
    generated.as_object_mut().unwrap().remove("link_id");
    generated["link_amount"] = json!(10.12);
    generated["link_minimum_partial_amount"] = json!(5.5);
    generated["link_expiry_time"] = json!("2099-10-14T15:04:05+05:30");
    let reply = create(&h, &generated).await;
    reply.status(200).conforms("cashfree", "createLink");
    assert!(!reply.body["link_id"].as_str().unwrap().is_empty());
    assert_eq!(reply.body["link_amount"].to_string(), "10.12");
    assert_eq!(reply.body["link_expiry_time"], "2099-10-14T15:04:05+05:30");
}

/// A link in `currency` for `amount` (major units, as sent), partial payments on.
fn foreign_request(link_id: &str, currency: &str, amount: Value, minimum: Value) -> Value {
    let mut request = create_request(link_id);
    request["link_currency"] = json!(currency);
    request["link_amount"] = amount;
    request["link_minimum_partial_amount"] = minimum;
    request
}

#[tokio::test]
async fn jpy_links_have_no_minor_unit() {
    let h = start().await;
    let created = create(&h, &foreign_request("yen_1", "JPY", json!(1500), json!(100))).await;
    created.status(200).conforms("cashfree", "createLink");
    assert_eq!(created.body["link_currency"], "JPY");
    assert_eq!(created.body["link_amount"], json!(1500));
    assert_eq!(created.body["link_minimum_partial_amount"], json!(100));
    let fetched = send(h.cashfree(Method::GET, "/links/yen_1")).await;
    assert_eq!(fetched.status(200).body["link_amount"], json!(1500));

    // The control API pays in minor units, which for JPY are yen.
    let partly = h.pay("cashfree", "yen_1", Some(500)).await;
    partly.status(200).conforms("cashfree", "fetchLink");
    assert_eq!(partly.body["link_amount_paid"], json!(500));
    assert_eq!(partly.body["link_status"], "PARTIALLY_PAID");
    let paid = h.pay("cashfree", "yen_1", None).await;
    assert_eq!(paid.status(200).body["link_amount_paid"], json!(1500));
    let orders = send(h.cashfree(Method::GET, "/links/yen_1/orders")).await;
    orders.status(200).conforms("cashfree", "fetchLinkOrders");
    assert_eq!(orders.body[0]["order_amount"], json!(500));
    assert_eq!(orders.body[1]["order_amount"], json!(1000));
    assert_eq!(orders.body[1]["order_currency"], "JPY");

    // Yen have no decimals.
    let fraction = create(&h, &foreign_request("yen_2", "JPY", json!(1500.5), json!(100))).await;
    fraction.status(400).conforms("cashfree", "createLink");
    assert_eq!(fraction.body["code"], "link_amount_invalid");
    assert_eq!(fraction.body["message"], "link_amount : amount can have at most 0 decimal places");
}

#[tokio::test]
async fn kwd_links_have_three_decimals() {
    let h = start().await;
    let created = create(&h, &foreign_request("dinar_1", "KWD", json!(12.345), json!(2))).await;
    created.status(200).conforms("cashfree", "createLink");
    assert_eq!(created.body["link_amount"].to_string(), "12.345");
    assert_eq!(created.body["link_minimum_partial_amount"].to_string(), "2");
    let fetched = send(h.cashfree(Method::GET, "/links/dinar_1")).await;
    assert_eq!(fetched.status(200).body["link_amount"].to_string(), "12.345");

    // 2.345 KWD is 2345 fils.
    let partly = h.pay("cashfree", "dinar_1", Some(2345)).await;
    partly.status(200).conforms("cashfree", "fetchLink");
    assert_eq!(partly.body["link_amount_paid"].to_string(), "2.345");
    let paid = h.pay("cashfree", "dinar_1", None).await;
    assert_eq!(paid.status(200).body["link_amount_paid"].to_string(), "12.345");
    assert_eq!(paid.body["link_status"], "PAID");
    let orders = send(h.cashfree(Method::GET, "/links/dinar_1/orders")).await;
    orders.status(200).conforms("cashfree", "fetchLinkOrders");
    assert_eq!(orders.body[0]["order_amount"].to_string(), "2.345");
    assert_eq!(orders.body[1]["order_amount"].to_string(), "10");

    let precise = create(&h, &foreign_request("dinar_2", "KWD", json!(1.2345), json!(0.5))).await;
    precise.status(400).conforms("cashfree", "createLink");
    assert_eq!(precise.body["message"], "link_amount : amount can have at most 3 decimal places");
    let small = create(&h, &foreign_request("dinar_3", "KWD", json!(0.999), json!(0.5))).await;
    assert_eq!(small.status(400).body["message"], "link_amount : link_amount should be at least 1.000");
}

#[tokio::test]
async fn expiry_times_without_an_offset_are_read_in_ist() {
    let h = start().await;
    let mut request = create_request("naive_1");
    request["link_expiry_time"] = json!("2099-10-14T15:04:05");
    let reply = create(&h, &request).await;
    reply.status(200).conforms("cashfree", "createLink");
    assert_eq!(reply.body["link_expiry_time"], "2099-10-14T15:04:05+05:30");
    request["link_id"] = json!("naive_2");
    request["link_expiry_time"] = json!("next week");
    let reply = create(&h, &request).await;
    reply.status(400).conforms("cashfree", "createLink");
    assert_eq!(reply.body["code"], "link_expiry_time_invalid");
}
