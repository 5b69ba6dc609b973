//! Every operation against a local HTTP mock: what goes over the wire, and what comes back.

use paylinks_cashfree::{Client, Credentials, DecimalAmount, Environment, Error, types};
use paylinks_testkit::mock::{
    answer_every_request, assert_zero_length_body, header, html_response, json_body, json_response, only_request,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request};

const LINK: &str = r#"{"cf_link_id":"1996567","link_id":"my_link_id","link_status":"ACTIVE","link_currency":"INR",
"link_amount":100.12,"link_amount_paid":0,"link_partial_payments":true,"link_minimum_partial_amount":20,
"link_purpose":"Payment for PlayStation 11","link_created_at":"2021-09-30T17:05:01+05:30",
"link_url":"https://payments-test.cashfree.com/links/o1tf1nvcvjhg"}"#;

async fn setup(status: u16, body: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    answer_every_request(&server, json_response(status, body)).await;
    let client = Client::builder(Credentials::new("TEST_APP_ID", "TEST_SECRET"))
        .environment(Environment::Custom(format!("{}/pg", server.uri())))
        .build()
        .unwrap();
    (server, client)
}

fn assert_auth_headers(request: &Request, api_version: &str) {
    assert_eq!(header(request, "x-client-id"), ["TEST_APP_ID"]);
    assert_eq!(header(request, "x-client-secret"), ["TEST_SECRET"]);
    assert_eq!(header(request, "x-api-version"), [api_version]);
    assert_eq!(header(request, "user-agent"), [concat!("paylinks-cashfree/", env!("CARGO_PKG_VERSION"))]);
    assert!(header(request, "api-version").is_empty(), "progenitor's api-version header is not sent");
}

#[tokio::test]
async fn create_link_sends_the_body_and_headers() {
    let (server, client) = setup(200, LINK).await;
    let link = client
        .create_link()
        .x_idempotency_key("idem-1")
        .x_request_id("req-1")
        .body(
            types::CreateLinkRequest::builder()
                .link_id(Some("my_link_id".parse().unwrap()))
                .link_amount("100.12".parse::<DecimalAmount>().unwrap())
                .link_currency("INR")
                .link_purpose(Some("Payment for PlayStation 11".parse().unwrap()))
                .link_partial_payments(true)
                .link_minimum_partial_amount(DecimalAmount::from(20))
                .customer_details(types::LinkCustomerDetailsRequest::builder().customer_phone("9999999999")),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(link.link_amount.map(|a| a.to_string()), Some("100.12".to_owned()));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/pg/links");
    assert_auth_headers(&request, "2026-01-01");
    assert_eq!(header(&request, "x-idempotency-key"), ["idem-1"]);
    assert_eq!(header(&request, "x-request-id"), ["req-1"]);
    assert_eq!(
        json_body(&request),
        json!({
            "link_id": "my_link_id",
            "link_amount": 100.12,
            "link_currency": "INR",
            "link_purpose": "Payment for PlayStation 11",
            "link_partial_payments": true,
            "link_minimum_partial_amount": 20,
            "customer_details": {"customer_phone": "9999999999"}
        })
    );
}

#[tokio::test]
async fn create_link_validates_before_sending() {
    let (server, client) = setup(200, LINK).await;
    let err = client
        .create_link()
        .body(
            types::CreateLinkRequest::builder()
                .link_amount(DecimalAmount::from(1))
                .link_currency("RUPEES")
                .customer_details(types::LinkCustomerDetailsRequest::builder().customer_phone("9999999999")),
        )
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    let shown = err.to_string();
    assert!(shown.starts_with("cashfree: request not sent") && shown.contains("link_currency"), "{shown}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn an_invalid_link_id_is_refused_when_built() {
    let err = "has spaces".parse::<types::CreateLinkRequestLinkId>().unwrap_err();
    assert!(err.to_string().contains("pattern"), "{err}");
}

#[tokio::test]
async fn fetch_link_can_override_the_api_version() {
    let (server, client) = setup(200, LINK).await;
    let link = client.fetch_link().link_id("my_link_id").x_api_version("2023-08-01").send().await.unwrap();
    assert_eq!(link.link_id.as_deref(), Some("my_link_id"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/pg/links/my_link_id");
    assert_auth_headers(&request, "2023-08-01");
}

#[tokio::test]
async fn cancel_link_sends_content_length_zero() {
    let (server, client) = setup(200, &LINK.replace("ACTIVE", "CANCELLED")).await;
    let link = client.cancel_link().link_id("my_link_id").send().await.unwrap().into_inner();
    assert_eq!(link.link_status, Some(types::LinkStatus::KnownLinkStatus(types::KnownLinkStatus::Cancelled)));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/pg/links/my_link_id/cancel");
    assert_zero_length_body(&request);
    assert_auth_headers(&request, "2026-01-01");
}

#[tokio::test]
async fn fetch_link_orders_sends_the_status_filter() {
    let orders = r#"[{"cf_order_id":2305826,"link_id":"my_link_id","order_id":"order_1","order_amount":10.12,
        "order_status":"PAID","order_expiry_time":"2022-04-01T16:29:09+05:30"}]"#;
    let (server, client) = setup(200, orders).await;
    let orders = client
        .fetch_link_orders()
        .link_id("my_link_id")
        .status(types::LinkOrdersStatusFilter::All)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_amount.map(|a| a.to_minor(2).unwrap()), Some(1012));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/pg/links/my_link_id/orders");
    assert_eq!(request.url.query(), Some("status=ALL"));
}

#[tokio::test]
async fn an_unknown_link_status_is_kept_not_rejected() {
    let (_server, client) = setup(200, &LINK.replace("ACTIVE", "ON_HOLD")).await;
    let link = client.fetch_link().link_id("my_link_id").send().await.unwrap();
    assert_eq!(link.link_status, Some(types::LinkStatus::Unknown("ON_HOLD".into())));
}

#[tokio::test]
async fn error_responses_are_typed_with_their_status() {
    let body = r#"{"message":"link_id already exists","code":"link_post_failed","type":"invalid_request_error"}"#;
    let (_server, client) = setup(409, body).await;
    let err = Error::from(client.fetch_link().link_id("my_link_id").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.code().as_deref(), Some("link_post_failed"));
    assert_eq!(err.to_string(), "cashfree answered HTTP 409: link_post_failed: link_id already exists");
}

#[tokio::test]
async fn rate_limits_carry_the_retry_delay() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links/x"))
        .respond_with(
            json_response(429, r#"{"message":"Too many requests","code":"request_failed","type":"rate_limit_error"}"#)
                .insert_header("x-ratelimit-retry", "7"),
        )
        .mount(&server)
        .await;
    let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Custom(server.uri())).unwrap();
    let err = Error::from(client.fetch_link().link_id("x").send().await.unwrap_err());
    match err {
        Error::Provider { status, retry_after, .. } => {
            assert_eq!(status.as_u16(), 429);
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(7)));
        }
        other => panic!("expected a provider error, got {other}"),
    }
}

#[tokio::test]
async fn cashfree_s_own_headers_give_the_retry_delay_and_the_request_id() {
    let body = r#"{"message":"Too many requests","code":"request_failed","type":"rate_limit_error"}"#;
    let response = json_response(429, body)
        .insert_header("x-ratelimit-retry", "12")
        .insert_header("x-request-id", "req-cf-42")
        .insert_header("x-razorpay-request-id", "another-provider-s");
    let server = MockServer::start().await;
    answer_every_request(&server, response).await;
    let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Custom(server.uri())).unwrap();
    let err = Error::from(client.fetch_link().link_id("x").send().await.unwrap_err());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(12)));
    assert_eq!(err.request_id(), Some("req-cf-42"));
    assert!(format!("{err:?}").contains("req-cf-42"), "Debug shows the request id");
}

#[tokio::test]
async fn a_non_json_error_body_keeps_its_status_and_is_not_printed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(html_response(502, "<html>customer 9999999999 bad gateway</html>"))
        .mount(&server)
        .await;
    let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Custom(server.uri())).unwrap();
    let err = Error::from(client.fetch_link().link_id("x").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.code().as_deref(), Some("non_json_body"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("9999999999"), "{shown}");
    assert!(shown.contains("text/html"), "{shown}");
}

#[tokio::test]
async fn a_body_that_does_not_match_the_schema_is_a_decode_error_without_its_content() {
    let (_server, client) = setup(200, r#"{"link_id": 5, "customer_details": {"customer_phone": "9999999999"}}"#).await;
    let err = Error::from(client.fetch_link().link_id("x").send().await.unwrap_err());
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    let shown = err.to_string();
    assert!(shown.contains("cashfree") && shown.contains("line 1"), "{shown}");
}
