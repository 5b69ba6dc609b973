//! What Pine Labs really sends (issue 9): `null` in optional fields decodes as absent, and a
//! timestamp without an offset is UTC (the token's `expires_at` is covered in `auth.rs`).

use chrono::{SecondsFormat, Utc};
use paylinks_pinelabs::{Client, Credentials, Environment, types};
use paylinks_testkit::mock::json_response;
use paylinks_testkit::schema::check_response;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer};

/// A server with a token endpoint whose every link call answers `link`.
async fn client_answering(link: &Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let expires_at = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let token = json!({"access_token": "token-1", "expires_at": expires_at}).to_string();
    Mock::given(method("POST"))
        .and(path("/api/auth/v1/token"))
        .respond_with(json_response(200, &token))
        .mount(&server)
        .await;
    Mock::given(path_regex("^/api/pay/v1/paymentlink"))
        .respond_with(json_response(200, &link.to_string()))
        .mount(&server)
        .await;
    let client = Client::builder(Credentials::new("client-1", "secret-1"))
        .environment(Environment::Custom(server.uri()))
        .build()
        .unwrap();
    (server, client)
}

fn utc(at: Option<paylinks_pinelabs::Timestamp>) -> Option<String> {
    at.map(|t| t.to_utc().to_rfc3339())
}

#[tokio::test]
async fn a_link_with_null_collections_decodes() {
    let body = json!({
        "payment_link_id": "pl-v1-250306082755-aa-uT0noy", "status": "CREATED",
        "amount": {"value": 100, "currency": "INR"}, "amount_due": {"value": 100, "currency": "INR"},
        "merchant_metadata": null, "product_details": null, "allowed_payment_methods": null,
        "account_details": null, "split_info": {"split_type": "AMOUNT", "split_details": null},
        "customer": null, "cart_coupon_discount_amount": null, "pre_auth": null, "expire_by": null,
        "created_at": "2025-03-06T08:27:55.881Z"
    });
    check_response("pinelabs", "getPaymentLink", 200, &body).unwrap();
    let (_server, client) = client_answering(&body).await;
    let link =
        client.get_payment_link().payment_link_id("pl-v1-250306082755-aa-uT0noy").send().await.unwrap().into_inner();
    assert_eq!(link.amount, Some(types::Amount { value: 100, currency: "INR".into() }));
    assert_eq!(link.status, Some(types::KnownLinkStatus::Created.into()));
    assert_eq!((&link.merchant_metadata, &link.product_details, &link.allowed_payment_methods), (&None, &None, &None));
    assert_eq!((&link.account_details, &link.customer, &link.expire_by), (&None, &None, &None));
    assert_eq!(link.split_info.unwrap().split_details, None);
    assert_eq!(utc(link.created_at), Some("2025-03-06T08:27:55.881+00:00".into()));
}

#[tokio::test]
async fn every_offset_less_form_is_utc() {
    for (text, expected) in [
        ("2025-03-06T08:27:55", "2025-03-06T08:27:55+00:00"),
        ("2025-03-06 08:27:55", "2025-03-06T08:27:55+00:00"),
        ("2025-03-06T08:27:55.881", "2025-03-06T08:27:55.881+00:00"),
        ("2024-10-14 15:04:05.909140", "2024-10-14T15:04:05.909140+00:00"),
        ("2025-03-21T08:29", "2025-03-21T08:29:00+00:00"),
        ("2024-10-14 15:04:05+05:30", "2024-10-14T09:34:05+00:00"),
    ] {
        let body = json!({"payment_link_id": "pl-1", "amount": {"value": 100, "currency": "INR"},
            "expire_by": text, "created_at": text, "updated_at": text,
            "split_info": {"split_details": [{"split_merchant_id": "111302", "updated_at": text}]}});
        let (_server, client) = client_answering(&body).await;
        let link = client.get_payment_link().payment_link_id("pl-1").send().await.unwrap().into_inner();
        for at in [link.expire_by, link.created_at, link.updated_at] {
            assert_eq!(utc(at).as_deref(), Some(expected), "{text}");
        }
        let split = &link.split_info.unwrap().split_details.unwrap()[0];
        assert_eq!(utc(split.updated_at).as_deref(), Some(expected), "{text}");
    }
}
