//! Shared by the facade's operation and error tests: clients pointed at a local wiremock
//! server, provider link bodies, the sample order, and checks every error must pass (with the
//! error rows every provider's operation tests check: refusals before sending, refused
//! cancels, rate limits).
#![allow(dead_code)]

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use paylinks::{CreateLink, Environment, Error, Money, Paylinks, PaymentLink, Provider, RetryPolicy};
// Not every test file reads headers.
#[allow(unused_imports)]
pub use paylinks_testkit::mock::header;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The id configured for every provider.
pub const ID: &str = "rzp_test_key";
/// The secret configured for every provider: no error may print it.
pub const SECRET: &str = "sk_test_TOPSECRET_9f8e7d";
/// `Basic base64("rzp_test_key:sk_test_TOPSECRET_9f8e7d")`.
pub const RAZORPAY_BASIC: &str = "Basic cnpwX3Rlc3Rfa2V5OnNrX3Rlc3RfVE9QU0VDUkVUXzlmOGU3ZA==";
/// Where Cashfree's API lives under the mock server, as under its real hosts.
pub const CASHFREE_PREFIX: &str = "/pg";
/// Pine Labs' token endpoint.
pub const TOKEN_PATH: &str = "/api/auth/v1/token";

/// Retries with millisecond delays.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, base_delay: Duration::from_millis(1), max_delay: Duration::from_secs(1) }
}

/// A client of `provider` pointed at `base` (the server's URI, or a closed port).
pub fn client_at(provider: Provider, base: &str, retry: RetryPolicy) -> Paylinks {
    let builder = Paylinks::builder();
    let builder = match provider {
        Provider::Cashfree => builder.cashfree(ID, SECRET, Environment::Custom(format!("{base}{CASHFREE_PREFIX}"))),
        Provider::Razorpay | Provider::RazorpayInvoice => {
            builder.razorpay(ID, SECRET, Environment::Custom(base.to_owned()))
        }
        Provider::Pinelabs => builder.pinelabs(ID, SECRET, Environment::Custom(base.to_owned())),
    };
    builder.retry(retry).build().unwrap()
}

/// A mock server for `provider` (with Pine Labs' token endpoint) and a client pointed at it.
pub async fn setup(provider: Provider, retry: RetryPolicy) -> (MockServer, Paylinks) {
    let server = MockServer::start().await;
    if provider == Provider::Pinelabs {
        mount_token(&server).await;
    }
    let client = client_at(provider, &server.uri(), retry);
    (server, client)
}

/// Mounts `response` on the sample link's fetch path of `provider`, then fetches it.
pub async fn get_answered(
    provider: Provider,
    retry: RetryPolicy,
    response: ResponseTemplate,
) -> (MockServer, Result<PaymentLink, Error>) {
    let (server, client) = setup(provider, retry).await;
    Mock::given(method("GET")).and(path(get_path(provider))).respond_with(response).mount(&server).await;
    let result = client.get(&sample_ref(provider)).await;
    (server, result)
}

/// Pine Labs' token endpoint, answering a token valid for an hour.
pub async fn mount_token(server: &MockServer) {
    let expires_at = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "expires_at": expires_at})))
        .mount(server)
        .await;
}

/// Answers `status` with a JSON body to `verb path`.
pub async fn mount(server: &MockServer, verb: &str, at: &str, status: u16, body: Value) {
    Mock::given(method(verb)).and(path(at)).respond_with(json_response(status, body)).mount(server).await;
}

/// Answers `status` with a JSON body to `verb path`, for the first `times` matching requests
/// only; mount the later answers after it.
pub async fn mount_times(server: &MockServer, verb: &str, at: &str, times: u64, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(json_response(status, body))
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// A JSON response.
pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// Every request the server received except Pine Labs token calls.
pub async fn api_requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() != TOKEN_PATH).collect()
}

/// Every request the server received, token calls included.
pub async fn all_requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The one API request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = api_requests(server).await;
    assert_eq!(requests.len(), 1, "exactly one request: {:?}", summary(&requests));
    requests.remove(0)
}

/// The one API request the server received, which must be `method path`.
pub async fn only_call(server: &MockServer, method: &str, path: &str) -> Request {
    let request = only_request(server).await;
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    request
}

/// `METHOD path?query` of each request, for assertion messages.
pub fn summary(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r.method, r.url)).collect()
}

/// `METHOD path` of each request (no query), to compare with the calls a test expects.
pub fn sent(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect()
}

/// The request's JSON body.
pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", request.body))
}

/// The request's query parameters, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// What every facade error must do: name its provider, and never print the secret.
#[track_caller]
pub fn assert_displays_safely(error: &Error, provider: Provider) {
    let shown = error.to_string();
    assert!(shown.contains(provider.as_str()), "`{shown}` does not name {provider}");
    assert!(!shown.contains(SECRET), "`{shown}` prints the secret");
    let debug = format!("{error:?}");
    assert!(!debug.contains(SECRET), "`{debug}` prints the secret");
    assert_eq!(error.provider(), Some(provider), "{shown}");
}

/// `error` is the refusal of `field` by `provider`, and displays safely.
#[track_caller]
pub fn assert_invalid(error: &Error, provider: Provider, field: &str) {
    match error {
        Error::InvalidRequest { provider: refused_by, field: named, .. } => {
            assert_eq!(*refused_by, provider, "{error}");
            assert_eq!(named, field, "{error}");
        }
        other => panic!("expected InvalidRequest on {field}, got {other:?}"),
    }
    assert_displays_safely(error, provider);
}

/// Creates each link of `cases` with one client of `provider` (retries allowed) and checks each
/// refusal by [`assert_invalid`] with its case's field; asserts nothing reached the server, not
/// even a token call. Returns the refusals in the order of `cases`.
pub async fn refused_before_sending<'a>(
    provider: Provider,
    cases: impl IntoIterator<Item = (CreateLink, &'a str)>,
) -> Vec<Error> {
    let (server, client) = setup(provider, fast_retry(3)).await;
    let mut refusals = Vec::new();
    for (link, field) in cases {
        let err = client.create(provider, &link).await.unwrap_err();
        assert_invalid(&err, provider, field);
        refusals.push(err);
    }
    assert!(all_requests(&server).await.is_empty(), "nothing is sent, not even a token call");
    refusals
}

/// `error` refuses to cancel the link `id` of `provider` because of its provider status
/// `provider_status`, and displays safely. Returns the provider's message.
#[track_caller]
pub fn assert_refused_cancel<'e>(error: &'e Error, provider: Provider, id: &str, provider_status: &str) -> &'e str {
    match error {
        Error::InvalidState { provider: refused_by, id: refused, operation, provider_status: status, message } => {
            assert_eq!((*refused_by, refused.as_str(), *operation), (provider, id, "cancel"));
            assert_eq!(status.as_deref(), Some(provider_status));
            assert_displays_safely(error, provider);
            message
        }
        other => panic!("expected InvalidState, got {other:?}"),
    }
}

/// `error` refuses `operation` on a link whose provider status is `provider_status`.
#[track_caller]
pub fn assert_invalid_state(error: &Error, operation: &str, provider_status: &str) {
    assert!(
        matches!(error, Error::InvalidState { operation: refused, provider_status: Some(status), .. }
            if *refused == operation && status == provider_status),
        "{error:?}"
    );
}

/// Fetches the sample link of `provider`, without retries, while `provider` answers 429 with
/// an error `code` and the header `wait` (name, value). Asserts the facade's row for it: a
/// `RateLimited` error of `provider` with `retry_after`, shown safely, after one request.
/// Returns the error.
pub async fn assert_get_rate_limited(
    provider: Provider,
    code: &str,
    wait: (&str, &str),
    retry_after: Option<Duration>,
) -> Error {
    let response = json_response(429, error_body(provider, code, "Too many requests")).insert_header(wait.0, wait.1);
    let (server, result) = get_answered(provider, RetryPolicy::none(), response).await;
    let error = result.expect_err("a 429 fails the fetch");
    assert!(
        matches!(&error, Error::RateLimited { provider: p, retry_after: wait } if *p == provider && *wait == retry_after),
        "{error:?}"
    );
    assert_displays_safely(&error, provider);
    assert_eq!(api_requests(&server).await.len(), 1);
    error
}

/// A port on 127.0.0.1 that nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A Cashfree link entity (`link_id` `order-1042`, ₹499.50, created at 17:05:01 IST).
pub fn cashfree_link(status: &str) -> Value {
    json!({
        "cf_link_id": "1996567",
        "link_id": "order-1042",
        "link_status": status,
        "link_currency": "INR",
        "link_amount": 499.5,
        "link_amount_paid": 0,
        "link_partial_payments": true,
        "link_minimum_partial_amount": 100,
        "link_purpose": "Order #1042",
        "link_created_at": "2021-09-30T17:05:01+05:30",
        "link_expiry_time": "2030-01-01T05:30:00+05:30",
        "customer_details": {"customer_name": "Asha Rao", "customer_phone": "+919876543210", "customer_email": "asha@example.com"},
        "link_notes": {"order": "1042"},
        "link_url": "https://payments-test.cashfree.com/links/o1tf1nvcvjhg"
    })
}

/// A Razorpay payment link entity (`plink_ExjpAUN3gVHrPJ`, ₹499.50, reference `order-1042`).
pub fn razorpay_link(status: &str) -> Value {
    json!({
        "id": "plink_ExjpAUN3gVHrPJ",
        "accept_partial": true,
        "amount": 49950,
        "amount_paid": 0,
        "currency": "INR",
        "description": "Order #1042",
        "customer": {"name": "Asha Rao", "email": "asha@example.com", "contact": "+919876543210"},
        "expire_by": 1_893_456_000,
        "expired_at": 0,
        "cancelled_at": if status == "cancelled" { 1_700_000_100 } else { 0 },
        "first_min_partial_amount": 10000,
        "notes": {"order": "1042"},
        "notify": {"sms": true, "email": false},
        "payments": null,
        "reference_id": "order-1042",
        "reminder_enable": false,
        "reminders": [],
        "short_url": "https://rzp.io/i/nxrHnLJ",
        "status": status,
        "created_at": 1_700_000_000,
        "updated_at": 1_700_000_000,
        "user_id": ""
    })
}

/// A Razorpay invoice link entity (`inv_DAweOiQ7amIUVd`, ₹499.50, receipt `order-1042`).
pub fn invoice(status: &str) -> Value {
    json!({
        "id": "inv_DAweOiQ7amIUVd",
        "entity": "invoice",
        "receipt": "order-1042",
        "customer_id": "cust_1",
        "customer_details": {"id": "cust_1", "name": "Asha Rao", "email": "asha@example.com", "contact": "+919876543210",
                             "billing_address": null, "shipping_address": null},
        "status": status,
        "expire_by": 1_893_456_000,
        "issued_at": 1_700_000_000,
        "paid_at": null,
        "cancelled_at": if status == "cancelled" { json!(1_700_000_100) } else { Value::Null },
        "expired_at": null,
        "sms_status": "pending",
        "email_status": null,
        "partial_payment": false,
        "amount": 49950,
        "amount_paid": 0,
        "amount_due": 49950,
        "currency": "INR",
        "description": "Order #1042",
        "notes": {"order": "1042"},
        "short_url": "https://rzp.io/i/2wxV8Xs",
        "type": "link",
        "created_at": 1_700_000_000
    })
}

/// A Pine Labs payment link object (`pl-v1-250306082755-aa-uT0noy`, ₹499.50, ₹100 paid).
pub fn pinelabs_link(status: &str) -> Value {
    json!({
        "payment_link": "https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd",
        "payment_link_id": "pl-v1-250306082755-aa-uT0noy",
        "status": status,
        "amount": {"value": 49950, "currency": "INR"},
        "amount_due": {"value": 39950, "currency": "INR"},
        "order_id": "v1-250131113650-aa-TUzeRY",
        "merchant_payment_link_reference": "order-1042",
        "description": "Order #1042",
        "expire_by": "2030-01-01T00:00Z",
        "customer": {"email_id": "asha@example.com", "first_name": "Asha", "last_name": "Rao", "mobile_number": "9876543210"},
        "merchant_metadata": {"order": "1042"},
        "created_at": "2025-03-06T08:27:55.881Z",
        "updated_at": "2025-03-06T08:27:55.881Z"
    })
}

/// The order the operation tests create: ₹499.50, reference `order-1042`, a customer with
/// this phone number.
pub fn order_with_phone(phone: &str) -> CreateLink {
    CreateLink::new(Money::inr(49950)).description("Order #1042").reference("order-1042").customer(
        Some("Asha Rao"),
        Some("asha@example.com"),
        Some(phone),
    )
}

/// [`order_with_phone`] with the phone number in international form, `+919876543210`.
pub fn order() -> CreateLink {
    order_with_phone("+919876543210")
}

/// The id of the sample link of `provider`.
pub fn sample_id(provider: Provider) -> &'static str {
    match provider {
        Provider::Cashfree => "order-1042",
        Provider::Razorpay => "plink_ExjpAUN3gVHrPJ",
        Provider::RazorpayInvoice => "inv_DAweOiQ7amIUVd",
        Provider::Pinelabs => "pl-v1-250306082755-aa-uT0noy",
    }
}

/// The sample link body of `provider`, in an active state.
pub fn sample_link(provider: Provider) -> Value {
    match provider {
        Provider::Cashfree => cashfree_link("ACTIVE"),
        Provider::Razorpay => razorpay_link("created"),
        Provider::RazorpayInvoice => invoice("issued"),
        Provider::Pinelabs => pinelabs_link("CREATED"),
    }
}

/// The path `get` fetches the sample link of `provider` from.
pub fn get_path(provider: Provider) -> String {
    let id = sample_id(provider);
    match provider {
        Provider::Cashfree => format!("{CASHFREE_PREFIX}/links/{id}"),
        Provider::Razorpay => format!("/v1/payment_links/{id}"),
        Provider::RazorpayInvoice => format!("/v1/invoices/{id}"),
        Provider::Pinelabs => format!("/api/pay/v1/paymentlink/{id}"),
    }
}

/// The sample link's reference for `get`.
pub fn sample_ref(provider: Provider) -> paylinks::LinkRef {
    paylinks::LinkRef::new(provider, sample_id(provider))
}

/// An error body in `provider`'s documented shape.
pub fn error_body(provider: Provider, code: &str, message: &str) -> Value {
    match provider {
        Provider::Cashfree => json!({"message": message, "code": code, "type": "api_error"}),
        Provider::Razorpay | Provider::RazorpayInvoice => json!({"error": {
            "code": code, "description": message, "source": "NA", "step": "NA", "reason": "NA", "metadata": {}
        }}),
        Provider::Pinelabs => json!({"code": code, "message": message}),
    }
}
