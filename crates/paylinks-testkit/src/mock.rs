//! wiremock helpers shared by the request tests of the provider crates and the facade: answer
//! every request, read what was sent, and the body checks every provider's writes must pass.
//!
//! What a provider sends (its paths, headers, bodies) stays asserted in its own tests; these
//! helpers only read requests and check what holds for every provider.

use std::fmt::{Debug, Display};

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// `status` with `body` sent as it is, as `application/json`.
pub fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// `status` with `page` sent as `text/html`: what a proxy or gateway answers instead of JSON.
pub fn html_response(status: u16, page: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(page.to_owned(), "text/html")
}

/// Answers every request `server` receives with `response`, unless a mock mounted with a
/// higher priority matches first.
pub async fn answer_every_request(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any()).respond_with(response).mount(server).await;
}

/// Asserts `server` listens on the loopback interface only.
#[track_caller]
pub fn assert_loopback(server: &MockServer) {
    assert!(server.uri().starts_with("http://127.0.0.1:"), "only the loopback interface is used");
}

/// The one request `server` received; fails unless exactly one was sent.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request is sent");
    requests.remove(0)
}

/// Every value of the header `name` in `request`, in order; empty when it was not sent.
pub fn header<'a>(request: &'a Request, name: &str) -> Vec<&'a str> {
    request.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
}

/// The JSON body of `request`, which must say `content-type: application/json`.
#[track_caller]
pub fn json_body(request: &Request) -> Value {
    assert_eq!(header(request, "content-type"), ["application/json"]);
    serde_json::from_slice(&request.body).unwrap()
}

/// A write sent without a body, as such: `content-length: 0` and nothing after the headers.
#[track_caller]
pub fn assert_zero_length_body(request: &Request) {
    assert_eq!(header(request, "content-length"), ["0"]);
    assert!(request.body.is_empty(), "no body");
}

/// A body-less POST/PUT/PATCH: `content-length: 0`, no body and no content type.
#[track_caller]
pub fn assert_empty_write(request: &Request) {
    assert_zero_length_body(request);
    assert!(header(request, "content-type").is_empty(), "no content type without a body");
}

/// A GET or DELETE: no body, no content type.
#[track_caller]
pub fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "no body");
    assert!(header(request, "content-type").is_empty(), "no content type without a body");
}

/// Asserts that neither the `Display` nor the `Debug` form of `value` contains any of `hidden`
/// (a response body, a customer's details, a secret).
#[track_caller]
pub fn assert_never_shows(value: &(impl Display + Debug), hidden: &[&str]) {
    let shown = format!("{value} {value:?}");
    for text in hidden {
        assert!(!shown.contains(text), "{shown}");
    }
}
