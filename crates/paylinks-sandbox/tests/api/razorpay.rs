//! Razorpay payment links v2.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Harness, Reply, assert_page_url, error_description, send, start};

fn create_request(reference_id: &str) -> Value {
    json!({
        "amount": 1000,
        "currency": "INR",
        "accept_partial": true,
        "first_min_partial_amount": 100,
        "reference_id": reference_id,
        "description": "Payment for policy no #23456",
        "customer": {"name": "Gaurav Kumar", "contact": "+919876543210", "email": "gaurav.kumar@example.com"},
        "notify": {"sms": true, "email": true},
        "reminder_enable": true,
        "notes": {"policy_name": "Life Insurance Policy"},
        "callback_url": "https://example-callback-url.com/",
        "callback_method": "get",
    })
}

async fn create(h: &Harness, body: &Value) -> Reply {
    send(h.razorpay(Method::POST, "/v1/payment_links").json(body)).await
}

#[tokio::test]
async fn auth_failures_use_the_documented_envelope() {
    let h = start().await;
    let url = format!("{}/v1/payment_links", h.base_url("razorpay"));
    let expected = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The api key provided is invalid",
        "source": "NA", "step": "NA", "reason": "NA", "metadata": {}}});
    let missing = send(h.raw(Method::GET, &url)).await;
    missing.status(401).conforms("razorpay", "listPaymentLinks");
    assert_eq!(missing.body, expected);
    let wrong_key =
        send(h.raw(Method::POST, &url).basic_auth("rzp_test_other", Some("rzp_sandbox_secret")).json(&json!({}))).await;
    wrong_key.status(401).conforms("razorpay", "createPaymentLink");
    assert_eq!(wrong_key.body, expected);
    let wrong_secret = send(h.raw(Method::GET, &url).basic_auth("rzp_test_paylinks", Some("nope"))).await;
    wrong_secret.status(401);
    assert_eq!(error_description(&wrong_secret), "The api secret provided is invalid");
    let bearer = send(h.raw(Method::GET, &url).bearer_auth("rzp_test_paylinks:rzp_sandbox_secret")).await;
    bearer.status(401);
}

#[tokio::test]
async fn lifecycle_create_fetch_list_pay_and_forbidden_cancel() {
    let h = start().await;
    let created = create(&h, &create_request("TS1989")).await;
    created.status(200).conforms("razorpay", "createPaymentLink");
    let link = created.body.clone();
    let id = link["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("plink_") && id.len() == 20, "{id}");
    assert_page_url(&link["short_url"], "razorpay", &id);
    assert_eq!(link["status"], "created");
    assert_eq!(link["payments"], Value::Null);
    assert_eq!(
        (link["cancelled_at"].clone(), link["expired_at"].clone(), link["expire_by"].clone()),
        (json!(0), json!(0), json!(0))
    );
    assert!(link["created_at"].as_i64().unwrap() > 1_600_000_000);

    send(h.razorpay(Method::GET, &format!("/v1/payment_links/{id}")))
        .await
        .status(200)
        .conforms("razorpay", "fetchPaymentLink");

    let other = create(&h, &json!({"amount": 500})).await;
    other.status(200).conforms("razorpay", "createPaymentLink");
    assert_eq!(other.body["customer"], json!([]));
    let all = send(h.razorpay(Method::GET, "/v1/payment_links")).await;
    all.status(200).conforms("razorpay", "listPaymentLinks");
    assert_eq!(all.body["payment_links"].as_array().unwrap().len(), 2);
    let by_reference = send(h.razorpay(Method::GET, "/v1/payment_links?reference_id=TS1989")).await;
    by_reference.status(200).conforms("razorpay", "listPaymentLinks");
    assert_eq!(by_reference.body["payment_links"].as_array().unwrap().len(), 1);
    assert_eq!(by_reference.body["payment_links"][0]["id"], json!(id));

    let partly = h.pay("razorpay", &id, Some(400)).await;
    partly.status(200).conforms("razorpay", "fetchPaymentLink");
    assert_eq!(partly.body["status"], "partially_paid");
    assert_eq!(partly.body["amount_paid"], 400);
    let payment_id = partly.body["payments"][0]["payment_id"].as_str().unwrap().to_owned();
    assert!(payment_id.starts_with("pay_"));
    let by_payment = send(h.razorpay(Method::GET, &format!("/v1/payment_links?payment_id={payment_id}"))).await;
    assert_eq!(by_payment.status(200).body["payment_links"][0]["id"], json!(id));

    // Update is allowed while partially paid.
    let updated = send(h.razorpay(Method::PATCH, &format!("/v1/payment_links/{id}")).json(&json!({
        "reference_id": "TS35", "reminder_enable": false, "notes": {"policy_name": "Jeevan Saral"}})))
    .await;
    updated.status(200).conforms("razorpay", "updatePaymentLink");
    assert_eq!(updated.body["reference_id"], "TS35");
    assert_eq!(updated.body["notes"]["policy_name"], "Jeevan Saral");

    let cancel = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/cancel"))).await;
    cancel.status(400).conforms("razorpay", "cancelPaymentLink");
    assert_eq!(error_description(&cancel), "cannot cancel or expire an already paid/partially paid link");

    let paid = h.pay("razorpay", &id, None).await;
    paid.status(200);
    assert_eq!(paid.body["status"], "paid");
    assert_eq!(paid.body["amount_paid"], 1000);
    assert_eq!(paid.body["payments"].as_array().unwrap().len(), 2);

    let cancel = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/cancel"))).await;
    cancel.status(400).conforms("razorpay", "cancelPaymentLink");
    assert_eq!(error_description(&cancel), "cannot cancel or expire an already paid/partially paid link");
    let update =
        send(h.razorpay(Method::PATCH, &format!("/v1/payment_links/{id}")).json(&json!({"notes": {"a": "b"}}))).await;
    update.status(400).conforms("razorpay", "updatePaymentLink");
    assert_eq!(error_description(&update), "update can only be made in created or partially paid state");

    let notified = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/notify_by/sms"))).await;
    notified.status(200).conforms("razorpay", "notifyPaymentLink");
    assert_eq!(notified.body, json!({"success": true}));
    let bad_medium = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/notify_by/fax"))).await;
    bad_medium.status(400).conforms("razorpay", "notifyPaymentLink");
    assert_eq!(error_description(&bad_medium), "not a valid notification medium");
}

#[tokio::test]
async fn cancel_and_expiry_rules() {
    let h = start().await;
    let id = create(&h, &json!({"amount": 1000})).await.body["id"].as_str().unwrap().to_owned();
    // Partial payments are off by default.
    h.pay("razorpay", &id, Some(100)).await.status(400);
    let cancelled = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/cancel"))).await;
    cancelled.status(200).conforms("razorpay", "cancelPaymentLink");
    assert_eq!(cancelled.body["status"], "cancelled");
    assert!(cancelled.body["cancelled_at"].as_i64().unwrap() > 0);
    let again = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/cancel"))).await;
    again.status(400).conforms("razorpay", "cancelPaymentLink");
    assert_eq!(error_description(&again), "cannot cancel or expire an expired link");

    let id = create(&h, &json!({"amount": 1000})).await.body["id"].as_str().unwrap().to_owned();
    let expired = send(h.control(Method::POST, &format!("/razorpay/links/{id}/expire"))).await;
    expired.status(200).conforms("razorpay", "fetchPaymentLink");
    assert_eq!(expired.body["status"], "expired");
    let cancel = send(h.razorpay(Method::POST, &format!("/v1/payment_links/{id}/cancel"))).await;
    cancel.status(400);
    assert_eq!(error_description(&cancel), "cannot cancel or expire an expired link");

    for (method, path, operation) in [
        (Method::GET, "/v1/payment_links/plink_00000000000000", "fetchPaymentLink"),
        (Method::POST, "/v1/payment_links/plink_00000000000000/cancel", "cancelPaymentLink"),
        (Method::POST, "/v1/payment_links/plink_00000000000000/notify_by/email", "notifyPaymentLink"),
    ] {
        let reply = send(h.razorpay(method, path)).await;
        reply.status(400).conforms("razorpay", operation);
        assert_eq!(error_description(&reply), "The id provided does not exist");
    }
}

#[tokio::test]
async fn duplicate_reference_id_is_rejected() {
    let h = start().await;
    create(&h, &create_request("REF-1")).await.status(200);
    let duplicate = create(&h, &create_request("REF-1")).await;
    duplicate.status(400).conforms("razorpay", "createPaymentLink");
    assert_eq!(error_description(&duplicate), "payment link creation with reference ID already attempted");
    assert_eq!(h.all_links("razorpay").await.len(), 1);
}

#[tokio::test]
async fn create_validation_errors() {
    let h = start().await;
    let cases = [
        (json!({"amount": 99}), "amount: amount should be minimum 100 for INR."),
        (json!({}), "amount: cannot be blank."),
        (
            json!({"amount": 10.5}),
            "amount, should be a whole number for e.g. 2234 to create a payment link for INR 22.34.",
        ),
        (
            json!({"amount": 1000, "currency": "XYZ"}),
            "amount: currency: wrong input field, please find the list of supported currencies on the documentation.",
        ),
        (json!({"amount": 1000, "surprise": 1}), "extra fields sent."),
        (
            json!({"amount": 1000, "accept_partial": true, "first_min_partial_amount": 2000}),
            "first_min_partial_amount must be less than or equal to amount.",
        ),
        (
            json!({"amount": 1000, "customer": {"email": "not-an-email"}}),
            "email: must be in a valid format for e.g. abcxyz@domain.com.",
        ),
        (json!({"amount": 1000, "customer": {"contact": "123"}}), "contact: the length must be between 8 and 14."),
        (json!({"amount": 1000, "expire_by": 1_600_000_000}), "timestamp must be atleast 15 minutes in future"),
        (json!({"amount": 1000, "expire_by": "tomorrow"}), "incorrect JSON object received - faulty key: expire_by."),
        (json!({"amount": 1000, "reference_id": "x".repeat(41)}), "reference_id: the length must be no more than 40."),
        (json!({"amount": 1000, "callback_url": "nope"}), "callback_url: URL should be sent in callback_url field."),
        (
            json!({"amount": 1000, "callback_url": "https://a.example", "callback_method": "post"}),
            "callback_method: must be a valid value.",
        ),
        (
            json!({"amount": 1000, "upi_link": "true"}),
            "UPI Payment Links is not supported in Test Mode. Please experience the product in Live Mode.",
        ),
    ];
    for (request, expected) in cases {
        let reply = create(&h, &request).await;
        reply.status(400).conforms("razorpay", "createPaymentLink");
        assert_eq!(error_description(&reply), expected, "request {request}");
        assert_eq!(reply.body["error"]["code"], "BAD_REQUEST_ERROR");
    }
    let malformed =
        send(h.razorpay(Method::POST, "/v1/payment_links").header("content-type", "application/json").body("[1,"))
            .await;
    malformed.status(400).conforms("razorpay", "createPaymentLink");
    assert!(h.all_links("razorpay").await.is_empty());
}

#[tokio::test]
async fn upi_links_in_live_mode() {
    let mut config = paylinks_sandbox::SandboxConfig::default();
    config.set("razorpay", "key_id", "rzp_live_paylinks").unwrap();
    let h = crate::support::start_with(config).await;
    let upi = create(&h, &json!({"amount": 1000, "upi_link": "true"})).await;
    upi.status(200).conforms("razorpay", "createPaymentLink");
    assert_eq!(upi.body["upi_link"], true);
    let partial = create(&h, &json!({"amount": 1000, "upi_link": true, "accept_partial": true})).await;
    partial.status(400);
    assert_eq!(error_description(&partial), "partial payment not supported in upi link");
}

#[tokio::test]
async fn lists_page_with_count_and_skip_and_look_up_by_reference() {
    let h = start().await;
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(create(&h, &create_request(&format!("page-{n}"))).await.body["id"].as_str().unwrap().to_owned());
    }
    let listed = |reply: &Reply| -> Vec<String> {
        let links = reply.body["payment_links"].as_array().unwrap();
        links.iter().map(|link| link["id"].as_str().unwrap().to_owned()).collect()
    };
    let newest: Vec<String> = ids.iter().rev().cloned().collect();
    // The documented default page is 10 links, newest first.
    let first = send(h.razorpay(Method::GET, "/v1/payment_links")).await;
    first.status(200).conforms("razorpay", "listPaymentLinks");
    assert_eq!(listed(&first), newest[..10]);
    let second = send(h.razorpay(Method::GET, "/v1/payment_links?count=10&skip=10")).await;
    assert_eq!(listed(second.status(200)), newest[10..]);
    let middle = send(h.razorpay(Method::GET, "/v1/payment_links?count=3&skip=2")).await;
    assert_eq!(listed(middle.status(200)), newest[2..5]);
    let past_the_end = send(h.razorpay(Method::GET, "/v1/payment_links?skip=12")).await;
    assert!(listed(past_the_end.status(200)).is_empty());
    let everything_old = send(h.razorpay(Method::GET, "/v1/payment_links?to=0")).await;
    assert!(listed(everything_old.status(200)).is_empty());
    let from_now = send(h.razorpay(Method::GET, "/v1/payment_links?from=0&count=100")).await;
    assert_eq!(listed(from_now.status(200)).len(), 12);
    for (query, field, description) in [
        ("count=0", "count", "The count must be between 1 and 100."),
        ("count=101", "count", "The count must be between 1 and 100."),
        ("count=ten", "count", "The count must be an integer."),
        ("skip=-1", "skip", "The skip must be at least 0."),
        ("from=yesterday", "from", "The from must be an integer."),
    ] {
        let refused = send(h.razorpay(Method::GET, &format!("/v1/payment_links?{query}"))).await;
        refused.status(400).conforms("razorpay", "listPaymentLinks");
        assert_eq!((error_description(&refused), refused.body["error"]["field"].as_str()), (description, Some(field)));
    }

    // A reference is indexed: after an update it names the link under its new reference only.
    let renamed = send(h.razorpay(Method::PATCH, &format!("/v1/payment_links/{}", ids[3])).json(&json!({
        "reference_id": "page-renamed"})))
    .await;
    renamed.status(200);
    let by_new = send(h.razorpay(Method::GET, "/v1/payment_links?reference_id=page-renamed")).await;
    assert_eq!(listed(by_new.status(200)), [ids[3].clone()]);
    let by_old = send(h.razorpay(Method::GET, "/v1/payment_links?reference_id=page-3")).await;
    assert!(listed(by_old.status(200)).is_empty());
    let reused = create(&h, &create_request("page-3")).await;
    reused.status(200);
    let taken = create(&h, &create_request("page-renamed")).await;
    taken.status(400);
    assert_eq!(error_description(&taken), "payment link creation with reference ID already attempted");
}
