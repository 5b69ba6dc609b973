//! Every operation against a local HTTP mock: what goes over the wire (method, path, headers,
//! body, the bearer token from the mocked token endpoint), and what comes back (the typed
//! response, the typed error).

use std::collections::BTreeMap;

use chrono::{SecondsFormat, Utc};
use paylinks_pinelabs::{Client, Credentials, Environment, Error, Secret, Timestamp, types};
use paylinks_testkit::mock::{
    answer_every_request, assert_empty_write, assert_loopback, assert_never_shows, assert_no_body, header,
    html_response, json_body, json_response,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "a17ce30e-f88e-4f81-ada1-c3b4909ed232";
const CLIENT_SECRET: &str = "abcdefgwei7egyhuggwp39w8rh-never-printed";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.cGluZWxhYnMtdGVzdA.bearer-never-printed";
const TOKEN_PATH: &str = "/api/auth/v1/token";
const USER_AGENT: &str = concat!("paylinks-pinelabs/", env!("CARGO_PKG_VERSION"));

/// The documented link object (docs, pay-by-links object), `STATUS` to be replaced.
const LINK: &str = r##"{"payment_link":"https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd",
"payment_link_id":"pl-v1-250306082755-aa-uT0noy","status":"STATUS","amount":{"value":100,"currency":"INR"},
"amount_due":{"value":100,"currency":"INR"},"order_id":"v1-250131113650-aa-TUzeRY",
"merchant_payment_link_reference":"link_ref","description":"Payment for order #12345","expire_by":"2025-03-21T08:29Z",
"allowed_payment_methods":["NETBANKING"],"pre_auth":false,"failure_callback_url":null,"is_mcc_transaction":true,
"customer":{"email_id":"kevin.bob@example.com","first_name":"Kevin","last_name":"Bob","customer_id":"123456",
"mobile_number":"9876543210","country_code":"91","billing_address":{"address1":"10 Downing Street Westminster London",
"address2":"Oxford Street Westminster London","address3":"Baker Street Westminster London","pincode":"51524036",
"city":"Westminster","state":"Westminster","country":"London"}},
"product_details":[{"product_code":"xyz","product_amount":{"currency":"INR","value":1200000},
"product_coupon_discount_amount":{"currency":"INR","value":0}}],
"split_info":{"split_type":"AMOUNT","split_details":[{"split_merchant_id":"111302","amount":{"value":100,"currency":"INR"},
"on_hold":true}]},"cart_coupon_discount_amount":{"currency":"INR","value":0},
"merchant_metadata":{"Key_XY":"DD","Key_ZZ":"XOY"},"created_at":"2025-03-06T08:27:55.881Z",
"updated_at":"2025-03-06T08:27:55.881Z"}"##;

fn link(status: &str) -> String {
    LINK.replace("STATUS", status)
}

/// A token valid for an hour from now, as the token endpoint answers.
fn token_body() -> Value {
    let expires_at = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({"access_token": TOKEN, "expires_at": expires_at})
}

fn client_for(server: &MockServer) -> Client {
    assert_loopback(server);
    Client::builder(Credentials::new(CLIENT_ID, CLIENT_SECRET))
        .environment(Environment::Custom(server.uri()))
        .build()
        .unwrap()
}

/// A mock with a token endpoint, answering every other request with `response`.
async fn setup_with(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .with_priority(1)
        .mount(&server)
        .await;
    answer_every_request(&server, response).await;
    let client = client_for(&server);
    (server, client)
}

async fn setup(status: u16, body: &str) -> (MockServer, Client) {
    setup_with(json_response(status, body)).await
}

/// The token call: POST with the credentials in a JSON body, and no bearer.
fn assert_token_request(request: &Request) {
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), TOKEN_PATH);
    assert_eq!(request.url.query(), None);
    assert!(header(request, "authorization").is_empty(), "the token call sends no authorization");
    assert_eq!(header(request, "user-agent"), [USER_AGENT]);
    assert!(header(request, "api-version").is_empty(), "progenitor's api-version header is not sent");
    assert_eq!(
        json_body(request),
        json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"})
    );
}

/// The two requests of a first link call: the token call, then the link call (returned).
async fn link_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one token call, then one link call");
    assert_token_request(&requests[0]);
    requests.remove(1)
}

/// The link call of a first link call (after the token call), checked by [`assert_call`].
async fn link_call(server: &MockServer, method: &str, path: &str) -> Request {
    let request = link_request(server).await;
    assert_call(&request, method, path);
    request
}

/// A link call: method, path, no query, the bearer from the token endpoint, our user agent,
/// JSON accepted, no `api-version`.
fn assert_call(request: &Request, method: &str, path: &str) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), None);
    assert_eq!(header(request, "authorization"), [format!("Bearer {TOKEN}").as_str()]);
    assert_eq!(header(request, "user-agent"), [USER_AGENT]);
    assert_eq!(header(request, "accept"), ["application/json"]);
    assert!(header(request, "api-version").is_empty(), "progenitor's api-version header is not sent");
}

fn known(status: types::KnownLinkStatus) -> Option<types::LinkStatus> {
    Some(types::LinkStatus::KnownLinkStatus(status))
}

fn inr(value: i64) -> types::Amount {
    types::Amount { value, currency: "INR".into() }
}

fn inr_request(value: i64) -> types::AmountRequest {
    types::AmountRequest { value, currency: "INR".parse().unwrap() }
}

fn timestamp(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn address() -> types::AddressRequest {
    types::AddressRequest {
        address1: Some("10 Downing Street Westminster London".parse().unwrap()),
        address2: Some("Oxford Street Westminster London".parse().unwrap()),
        address3: Some("Baker Street Westminster London".parse().unwrap()),
        pincode: Some("51524036".parse().unwrap()),
        city: Some("Westminster".parse().unwrap()),
        state: Some("Westminster".parse().unwrap()),
        country: Some("London".parse().unwrap()),
        ..Default::default()
    }
}

/// What the documented link object decodes to, whatever the operation.
fn assert_documented_link(link: &types::PaymentLink) {
    assert_eq!(link.payment_link_id.as_deref(), Some("pl-v1-250306082755-aa-uT0noy"));
    assert_eq!(link.payment_link.as_deref(), Some("https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd"));
    assert_eq!(link.amount, Some(inr(100)), "minor units");
    assert_eq!(link.amount_due, Some(inr(100)));
    assert_eq!(link.merchant_payment_link_reference.as_deref(), Some("link_ref"));
    assert_eq!(link.pre_auth, Some(types::BoolOrString::Bool(false)), "a boolean in responses");
    assert_eq!(link.is_mcc_transaction, Some(types::BoolOrString::Bool(true)));
    assert_eq!(link.failure_callback_url, None, "null");
    assert_eq!(
        link.allowed_payment_methods,
        Some(vec![types::PaymentMethod::KnownPaymentMethod(types::KnownPaymentMethod::Netbanking)])
    );
    // The documented `2025-03-21T08:29Z` has no seconds.
    assert_eq!(link.expire_by.map(|t| t.to_utc().to_rfc3339()), Some("2025-03-21T08:29:00+00:00".to_owned()));
    assert_eq!(link.created_at, Some(timestamp("2025-03-06T08:27:55.881Z")));
    let customer = link.customer.as_ref().unwrap();
    assert_eq!(customer.country_code.as_deref(), Some("91"));
    assert_eq!(customer.billing_address.as_ref().and_then(|a| a.pincode.as_deref()), Some("51524036"));
    assert_eq!(link.product_details.as_deref().unwrap_or_default()[0].product_amount, Some(inr(1_200_000)));
    let split = link.split_info.as_ref().unwrap();
    assert_eq!(split.split_type, Some(types::SplitType::KnownSplitType(types::KnownSplitType::Amount)));
    assert_eq!(split.split_details.as_deref().unwrap_or_default()[0].amount, Some(inr(100)));
    assert_eq!(split.split_details.as_deref().unwrap_or_default()[0].on_hold, Some(true));
    assert_eq!(link.merchant_metadata.as_ref().and_then(|m| m.get("Key_XY")).map(String::as_str), Some("DD"));
}

// ------------------------------------------------------------------------------ token

#[tokio::test]
async fn generate_token_posts_the_credentials_without_a_bearer() {
    let server = MockServer::start().await;
    let token = r#"{"access_token":"eyJhbGciOiJIUzI1NiJ9.docs.example","expires_at":"2024-06-28T13:26:06.909140Z"}"#;
    answer_every_request(&server, json_response(200, token)).await;
    let client = client_for(&server);
    let token = client
        .generate_token()
        .body(
            types::TokenRequest::builder()
                .client_id(CLIENT_ID)
                .client_secret(Secret::new(CLIENT_SECRET))
                .grant_type(types::GrantType::ClientCredentials),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "the token call needs no token");
    assert_token_request(&requests[0]);
    assert_eq!(header(&requests[0], "accept"), ["application/json"]);

    assert_eq!(token.access_token.expose(), "eyJhbGciOiJIUzI1NiJ9.docs.example");
    assert_eq!(token.expires_at.to_utc().to_rfc3339(), "2024-06-28T13:26:06.909140+00:00", "microseconds kept");
    assert!(!format!("{token:?}").contains("docs.example"), "the token does not print");
}

// ------------------------------------------------------------------------------ links

#[tokio::test]
async fn create_payment_link_sends_the_body_with_string_flags_and_the_bearer() {
    let (server, client) = setup(200, &link("CREATED")).await;
    let body = types::CreatePaymentLinkRequest {
        amount: types::PaymentAmountRequest { value: 100, currency: "INR".parse().unwrap() },
        merchant_payment_link_reference: "link_ref".parse().unwrap(),
        description: Some("Payment for order #12345".into()),
        expire_by: Some(timestamp("2025-03-21T08:29:00Z")),
        allowed_payment_methods: vec![types::KnownPaymentMethod::Netbanking, types::KnownPaymentMethod::Upi],
        pre_auth: Some(types::StringBool::False),
        is_mcc_transaction: Some(types::StringBool::True),
        callback_url: Some("https://merchant.example.com/payment/success".into()),
        failure_callback_url: Some("https://merchant.example.com/payment/failure".into()),
        customer: Some(types::CustomerRequest {
            email_id: Some("kevin.bob@example.com".parse().unwrap()),
            first_name: Some("Kevin".parse().unwrap()),
            last_name: Some("Bob".parse().unwrap()),
            customer_id: Some("123456".parse().unwrap()),
            mobile_number: Some("9876543210".parse().unwrap()),
            country_code: Some("91".parse().unwrap()),
            billing_address: Some(address()),
            shipping_address: None,
        }),
        product_details: vec![types::ProductDetailRequest {
            product_code: "xyz".into(),
            product_amount: Some(inr_request(1_200_000)),
            product_coupon_discount_amount: Some(inr_request(0)),
        }],
        split_info: Some(types::SplitInfoRequest {
            split_type: Some(types::KnownSplitType::Amount),
            split_details: vec![types::SplitDetailRequest {
                split_merchant_id: Some("111302".into()),
                amount: Some(inr_request(100)),
                on_hold: Some(true),
            }],
        }),
        cart_coupon_discount_amount: Some(inr_request(0)),
        merchant_metadata: BTreeMap::from([
            ("Key_XY".to_owned(), "DD".parse().unwrap()),
            ("Key_ZZ".to_owned(), "XOY".parse().unwrap()),
        ]),
    };
    let link = client
        .create_payment_link()
        .request_id("c17ce30f-f88e-4f81-ada1-c3b4909ed235")
        .request_timestamp(timestamp("2024-07-09T07:57:08.022Z"))
        .idempotency_key("idem-7f3a")
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = link_call(&server, "POST", "/api/pay/v1/paymentlink").await;
    assert_eq!(header(&request, "request-id"), ["c17ce30f-f88e-4f81-ada1-c3b4909ed235"]);
    assert_eq!(header(&request, "request-timestamp"), ["2024-07-09T07:57:08.022Z"]);
    assert_eq!(header(&request, "idempotency-key"), ["idem-7f3a"]);
    assert_eq!(
        json_body(&request),
        json!({
            "amount": {"value": 100, "currency": "INR"},
            "merchant_payment_link_reference": "link_ref",
            "description": "Payment for order #12345",
            "expire_by": "2025-03-21T08:29:00Z",
            "allowed_payment_methods": ["NETBANKING", "UPI"],
            "pre_auth": "false",
            "is_mcc_transaction": "true",
            "callback_url": "https://merchant.example.com/payment/success",
            "failure_callback_url": "https://merchant.example.com/payment/failure",
            "customer": {
                "email_id": "kevin.bob@example.com",
                "first_name": "Kevin",
                "last_name": "Bob",
                "customer_id": "123456",
                "mobile_number": "9876543210",
                "country_code": "91",
                "billing_address": {
                    "address1": "10 Downing Street Westminster London",
                    "address2": "Oxford Street Westminster London",
                    "address3": "Baker Street Westminster London",
                    "pincode": "51524036",
                    "city": "Westminster",
                    "state": "Westminster",
                    "country": "London"
                }
            },
            "product_details": [{
                "product_code": "xyz",
                "product_amount": {"value": 1200000, "currency": "INR"},
                "product_coupon_discount_amount": {"value": 0, "currency": "INR"}
            }],
            "split_info": {
                "split_type": "AMOUNT",
                "split_details": [{"split_merchant_id": "111302", "amount": {"value": 100, "currency": "INR"}, "on_hold": true}]
            },
            "cart_coupon_discount_amount": {"value": 0, "currency": "INR"},
            "merchant_metadata": {"Key_XY": "DD", "Key_ZZ": "XOY"}
        })
    );

    assert_eq!(link.status, known(types::KnownLinkStatus::Created));
    assert_documented_link(&link);
}

#[tokio::test]
async fn create_payment_link_sends_only_what_is_set() {
    let (server, client) = setup(200, &link("CREATED")).await;
    client
        .create_payment_link()
        .body(
            types::CreatePaymentLinkRequest::builder()
                .amount(types::PaymentAmountRequest { value: 50_000, currency: "INR".parse().unwrap() })
                .merchant_payment_link_reference("order-42")
                .pre_auth(types::StringBool::True),
        )
        .send()
        .await
        .unwrap();
    let request = link_call(&server, "POST", "/api/pay/v1/paymentlink").await;
    assert!(header(&request, "request-id").is_empty(), "no Request-ID unless set");
    assert!(header(&request, "request-timestamp").is_empty());
    assert!(header(&request, "idempotency-key").is_empty());
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        json!({
            "amount": {"value": 50000, "currency": "INR"},
            "merchant_payment_link_reference": "order-42",
            "pre_auth": "true"
        })
    );
}

#[tokio::test]
async fn invalid_values_are_refused_before_anything_is_sent() {
    let (server, client) = setup(200, &link("CREATED")).await;
    let err = Error::from(
        client.get_payment_link_by_reference().merchant_payment_link_reference("has spaces").send().await.unwrap_err(),
    );
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    let err = Error::from(
        client
            .create_payment_link()
            .body(
                types::CreatePaymentLinkRequest::builder()
                    .amount(types::PaymentAmountRequest::builder().value(100).currency("rupees"))
                    .merchant_payment_link_reference("ok-ref"),
            )
            .send()
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().starts_with("pinelabs: request not sent"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty(), "neither a token call nor a link call");
}

#[tokio::test]
async fn get_payment_link_sends_the_bearer_and_the_request_id() {
    let (server, client) = setup(200, &link("PROCESSED")).await;
    let link = client
        .get_payment_link()
        .payment_link_id("pl-v1-250306082755-aa-uT0noy")
        .request_id("c17ce30f-f88e-4f81-ada1-c3b4909ed235")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = link_call(&server, "GET", "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy").await;
    assert_eq!(header(&request, "request-id"), ["c17ce30f-f88e-4f81-ada1-c3b4909ed235"]);
    assert!(header(&request, "request-timestamp").is_empty());
    assert_no_body(&request);

    assert_eq!(link.status, known(types::KnownLinkStatus::Processed));
    assert_documented_link(&link);
}

#[tokio::test]
async fn get_payment_link_by_reference_uses_the_ref_path() {
    let (server, client) = setup(200, &link("CLICKED")).await;
    let link = client
        .get_payment_link_by_reference()
        .merchant_payment_link_reference("link_ref")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = link_call(&server, "GET", "/api/pay/v1/paymentlink/ref/link_ref").await;
    assert!(header(&request, "request-id").is_empty(), "no Request-ID unless set");
    assert_no_body(&request);
    assert_eq!(link.status, known(types::KnownLinkStatus::Clicked));
    assert_documented_link(&link);
}

#[tokio::test]
async fn cancel_payment_link_is_a_put_without_a_body() {
    let (server, client) = setup(200, &link("CANCELLED")).await;
    let link = client
        .cancel_payment_link()
        .payment_link_id("pl-v1-250306082755-aa-uT0noy")
        .request_id("req-cancel-1")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = link_call(&server, "PUT", "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy/cancel").await;
    assert_eq!(header(&request, "request-id"), ["req-cancel-1"]);
    assert_empty_write(&request);
    assert_eq!(link.status, known(types::KnownLinkStatus::Cancelled));
    assert_documented_link(&link);
}

#[tokio::test]
async fn resend_payment_link_notification_is_a_patch_without_a_body() {
    let (server, client) = setup(200, &link("CREATED")).await;
    let link = client
        .resend_payment_link_notification()
        .payment_link_id("pl-v1-250306082755-aa-uT0noy")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = link_call(&server, "PATCH", "/api/pay/v1/paymentlink/pl-v1-250306082755-aa-uT0noy/notify").await;
    assert!(header(&request, "request-id").is_empty());
    assert_empty_write(&request);
    assert_eq!(link.status, known(types::KnownLinkStatus::Created));
    assert_documented_link(&link);
}

#[tokio::test]
async fn later_calls_reuse_the_token() {
    let (server, client) = setup(200, &link("CREATED")).await;
    client.get_payment_link().payment_link_id("pl-1").send().await.unwrap();
    client.cancel_payment_link().payment_link_id("pl-1").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, [TOKEN_PATH, "/api/pay/v1/paymentlink/pl-1", "/api/pay/v1/paymentlink/pl-1/cancel"]);
    for request in &requests[1..] {
        assert_eq!(header(request, "authorization"), [format!("Bearer {TOKEN}").as_str()]);
    }
}

#[tokio::test]
async fn unknown_values_are_kept_not_rejected() {
    let body = link("ON_HOLD")
        .replace(r#"["NETBANKING"]"#, r#"["NETBANKING","BNPL"]"#)
        .replace(r#""pre_auth":false"#, r#""pre_auth":"false""#);
    let (_server, client) = setup(200, &body).await;
    let link = client.get_payment_link().payment_link_id("pl-1").send().await.unwrap().into_inner();
    assert_eq!(link.status, Some(types::LinkStatus::Unknown("ON_HOLD".into())));
    assert_eq!(
        link.allowed_payment_methods.as_deref().unwrap_or_default()[1],
        types::PaymentMethod::Unknown("BNPL".into())
    );
    assert_eq!(link.pre_auth, Some(types::BoolOrString::String("false".into())), "the request form decodes too");
    assert_eq!(link.amount, Some(inr(100)), "the rest of the body still decodes");
}

// ------------------------------------------------------------------------------ errors

#[tokio::test]
async fn a_documented_error_is_typed_with_its_status() {
    let body = r#"{"code":"INVALID_REQUEST","message":"merchant_payment_link_reference is invalid",
        "additional_error_details":{"source":"merchant","step":"validation","reason":"invalid_field"}}"#;
    let (server, client) = setup(422, body).await;
    let err = Error::from(
        client
            .create_payment_link()
            .body(
                types::CreatePaymentLinkRequest::builder()
                    .amount(types::PaymentAmountRequest { value: 100, currency: "INR".parse().unwrap() })
                    .merchant_payment_link_reference("link_ref"),
            )
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.code().as_deref(), Some("INVALID_REQUEST"));
    assert_eq!(
        err.to_string(),
        "pinelabs answered HTTP 422: INVALID_REQUEST: merchant_payment_link_reference is invalid"
    );
    let details = err.body().and_then(|b| b.additional_error_details.clone()).unwrap();
    assert_eq!(details.get("reason"), Some(&json!("invalid_field")));
    link_call(&server, "POST", "/api/pay/v1/paymentlink").await;

    // The camelCase key the official MCP client reads decodes too.
    let body = r#"{"code":"NOT_FOUND","message":"Payment link not found","additionalErrorPayload":{"id":"pl-x"}}"#;
    let (_server, client) = setup(404, body).await;
    let err = Error::from(client.get_payment_link().payment_link_id("pl-x").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.to_string(), "pinelabs answered HTTP 404: NOT_FOUND: Payment link not found");
    assert_eq!(err.body().and_then(|b| b.additional_error_payload.clone()).unwrap().get("id"), Some(&json!("pl-x")));
}

#[tokio::test]
async fn retry_after_and_the_request_id_are_read_from_the_shared_headers() {
    let body = r#"{"code":"PAYMENT_RATE_LIMIT","message":"Too many requests"}"#;
    let response = json_response(429, body).insert_header("retry-after", "5").insert_header("x-request-id", "pl-req-7");
    let (_server, client) = setup_with(response).await;
    let err = Error::from(client.get_payment_link().payment_link_id("pl-1").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(5)));
    assert_eq!(err.request_id(), Some("pl-req-7"));
}

#[tokio::test]
async fn a_non_json_502_keeps_its_status_and_is_not_printed() {
    let page = "<html>kevin.bob@example.com bad gateway</html>";
    let (_server, client) = setup_with(html_response(502, page)).await;
    let err = Error::from(client.cancel_payment_link().payment_link_id("pl-1").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    // The spec's 5XX range keeps the status and a typed stand-in body.
    assert_eq!(err.code().as_deref(), Some("NON_JSON_BODY"));
    assert_never_shows(&err, &["kevin.bob", "<html>"]);
}

#[tokio::test]
async fn a_non_json_500_becomes_a_typed_error_without_the_body() {
    let page = "<html>kevin.bob@example.com internal error</html>";
    let (_server, client) = setup_with(html_response(500, page)).await;
    let err = Error::from(client.resend_payment_link_notification().payment_link_id("pl-1").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.code().as_deref(), Some("NON_JSON_BODY"));
    assert_eq!(
        err.to_string(),
        format!(
            "pinelabs answered HTTP 500: NON_JSON_BODY: HTTP 500 with a {}-byte body that is not JSON (text/html); \
             paylinks kept the status and dropped the body",
            page.len()
        )
    );
    assert_never_shows(&err, &["kevin.bob"]);
}

#[tokio::test]
async fn debug_output_never_contains_the_secret_or_the_token() {
    let credentials = Credentials::new(CLIENT_ID, CLIENT_SECRET);
    let shown = format!("{credentials:?}");
    assert!(shown.contains(CLIENT_ID), "the client id is not secret: {shown}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(!format!("{:?}", Client::builder(credentials)).contains(CLIENT_SECRET));

    let request = types::TokenRequest::builder()
        .client_id(CLIENT_ID)
        .client_secret(Secret::new(CLIENT_SECRET))
        .grant_type(types::GrantType::ClientCredentials);
    let request = types::TokenRequest::try_from(request).unwrap();
    assert!(!format!("{request:?}").contains(CLIENT_SECRET));

    let body = r#"{"code":"INVALID_REQUEST","message":"bad request"}"#;
    let (_server, client) = setup(400, body).await;
    let err = Error::from(client.get_payment_link().payment_link_id("pl-1").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // The client now holds a token in its cache.
    let shown = format!("{client:?} {err:?} {err}");
    assert!(!shown.contains(CLIENT_SECRET) && !shown.contains(TOKEN), "{shown}");
    let token = client.access_token().await.unwrap();
    assert_eq!(token.expose(), TOKEN, "the cached token is the mocked one");
    assert!(!format!("{token:?} {token}").contains(TOKEN));
}
