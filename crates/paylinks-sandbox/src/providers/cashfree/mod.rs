//! Cashfree PG payment links: `POST /links`, `GET /links/{link_id}`,
//! `POST /links/{link_id}/cancel`, `GET /links/{link_id}/orders`
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create>), under
//! `/cashfree/pg`, authenticated with `x-client-id` / `x-client-secret` and a required
//! `x-api-version`.

mod links;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use paylinks_cashfree::types::{CashfreeError, KnownCashfreeErrorType};
use serde_json::Value;

use self::links::{Replay, Store};
use crate::body::{self, BodyError, DecodeError, Problem, header_text};
use crate::config::SettingSpec;
use crate::payment::{ControlError, PayRequest};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};

/// The provider's name.
const NAME: &str = "cashfree";

/// Default credentials `cf_sandbox_app_id` / `cf_sandbox_secret`.
const SETTINGS: &[SettingSpec] = &[
    SettingSpec::text(
        NAME,
        "client_id",
        "cashfree-client-id",
        "Cashfree x-client-id the sandbox accepts.",
        "cf_sandbox_app_id",
    ),
    SettingSpec::text(
        NAME,
        "client_secret",
        "cashfree-client-secret",
        "Cashfree x-client-secret the sandbox accepts.",
        "cf_sandbox_secret",
    ),
];
/// The Cashfree API version the sandbox follows and reports in connection info
/// (`info.version` of `specs/cashfree.yaml`).
const API_VERSION: &str = "2025-01-01";

/// Cashfree PG payment links.
pub(crate) struct Cashfree;

impl Provider for Cashfree {
    fn name(&self) -> &'static str {
        NAME
    }

    fn prefix(&self) -> &'static str {
        "/cashfree/pg"
    }

    fn link_apis(&self) -> &'static [&'static str] {
        &[NAME]
    }

    fn settings(&self) -> &'static [SettingSpec] {
        SETTINGS
    }

    fn facts(&self) -> Vec<(&'static str, Value)> {
        vec![("api_version", Value::from(API_VERSION))]
    }

    /// `x-client-id` / `x-client-secret` (401 `authentication Failed`), then the required
    /// `x-api-version` in `YYYY-MM-DD` form (400 `version is missing in header`).
    fn authenticate(&self, app: &AppState, _path: &str, headers: &HeaderMap) -> Option<Response> {
        let matches = |header: &str, key: &str| {
            app.config.text(NAME, key).is_some_and(|expected| header_text(headers, header) == Some(expected))
        };
        if !(matches("x-client-id", "client_id") && matches("x-client-secret", "client_secret")) {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "authentication Failed",
                "request_failed",
                KnownCashfreeErrorType::AuthenticationError,
            ));
        }
        match header_text(headers, "x-api-version").map(str::trim) {
            None | Some("") => Some(bad_request("request_failed", "version is missing in header")),
            Some(version) if chrono::NaiveDate::parse_from_str(version, "%Y-%m-%d").is_err() => Some(bad_request(
                "request_failed",
                format!("x-api-version : {version} is not a valid API version (YYYY-MM-DD)"),
            )),
            Some(_) => None,
        }
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        Router::new()
            .route("/links", post(links::create))
            .route("/links/{link_id}", get(links::fetch))
            .route("/links/{link_id}/cancel", post(links::cancel))
            .route("/links/{link_id}/orders", get(links::orders))
            .fallback(bad_url)
            .method_not_allowed_fallback(bad_url)
            .layer(from_fn_with_state(Guarded { app: app.clone(), provider: self }, guard))
            .with_state(app.clone())
    }

    /// Every response, injected faults included, carries the rate-limit and request-id headers.
    fn outer_layers(self: Arc<Self>, routes: Router, app: &Arc<AppState>) -> Router {
        routes.layer(from_fn_with_state(app.clone(), response_headers))
    }

    fn fault_status(&self, status: StatusCode) -> Response {
        fault_status(status)
    }

    fn rate_limited(&self, retry_after_secs: u64) -> Response {
        rate_limited(retry_after_secs)
    }

    fn pay(&self, stores: &mut Stores, _api: &str, id: &str, request: &PayRequest) -> Result<Value, ControlError> {
        // `"failed": true`: a failed attempt (an unpaid `ACTIVE` order, no state change).
        let failed = match request.body.get("failed") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(ControlError::invalid("failed must be a boolean")),
        };
        let store = stores.of::<Store>();
        if failed { store.fail_payment(id) } else { store.pay(id, request.amount) }
    }

    fn expire(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<Value, ControlError> {
        stores.of::<Store>().expire(id)
    }

    fn links(&self, stores: &mut Stores, _api: &str) -> Vec<Value> {
        stores.of::<Store>().all_links()
    }
}

/// Requests per minute announced in `x-ratelimit-limit`.
const RATE_LIMIT: usize = 300;

// ------------------------------------------------------------------------------ errors

/// An error status and body, as the idempotency store keeps them.
type Failure = (StatusCode, Value);

/// A Cashfree error: the generated `CashfreeError` body `{"message", "code", "type"}` with
/// `status`.
fn fail(status: StatusCode, message: impl Into<String>, code: &str, kind: KnownCashfreeErrorType) -> Failure {
    let body = CashfreeError {
        code: Some(code.to_owned()),
        help: None,
        message: Some(message.into()),
        type_: Some(kind.into()),
    };
    (status, serde_json::to_value(body).unwrap_or_default())
}

/// A status and body as a response.
fn to_response((status, body): (StatusCode, Value)) -> Response {
    body::json(status, &body)
}

/// A Cashfree error response: body `{"message", "code", "type"}` with `status`.
fn error(status: StatusCode, message: impl Into<String>, code: &str, kind: KnownCashfreeErrorType) -> Response {
    to_response(fail(status, message, code, kind))
}

/// A 400 `invalid_request_error`.
fn invalid_request(code: &str, message: impl Into<String>) -> Failure {
    fail(StatusCode::BAD_REQUEST, message, code, KnownCashfreeErrorType::InvalidRequestError)
}

/// A 400 `invalid_request_error` response.
fn bad_request(code: &str, message: impl Into<String>) -> Response {
    to_response(invalid_request(code, message))
}

/// 400 for a missing field: `<field> : is missing in the request`, code `<field>_missing`.
fn missing(field: &str) -> Failure {
    invalid_request(&format!("{field}_missing"), format!("{field} : is missing in the request"))
}

/// 400 for an invalid field: `<field> : <reason>`, code `<field>_invalid`.
fn invalid(field: &str, reason: &str) -> Failure {
    invalid_request(&format!("{field}_invalid"), format!("{field} : {reason}"))
}

/// 400 for a body that does not decode into the generated request type: the failing field
/// and the documented wording (`<field>_missing` / `<field>_invalid`).
fn undecodable(error: &DecodeError) -> Failure {
    match &error.problem {
        Problem::Missing => missing(&error.field),
        Problem::Invalid(reason) => {
            let reason = match error.field.as_str() {
                "link_amount" | "link_minimum_partial_amount" => "should be a number",
                "link_id" => "should be 1 to 50 characters: letters, digits, - and _",
                "link_currency" => "should be a 3-letter ISO 4217 currency code such as INR",
                "link_purpose" => "should be a string of at most 500 characters",
                "link_expiry_time" => "should be an ISO 8601 timestamp, e.g. 2021-10-14T15:04:05+05:30",
                "link_notes" => "values should be strings",
                "link_meta.return_url" => "should be at most 250 characters",
                "customer_details.customer_bank_code" => "should be one of Cashfree's bank codes",
                _ => reason,
            };
            invalid(&error.field, reason)
        }
    }
}

/// 400 for a request body that is not a JSON object.
fn bad_body(error: &BodyError) -> Failure {
    match error {
        BodyError::Empty => invalid_request("request_failed", "request body is missing"),
        BodyError::Malformed(why) => {
            invalid_request("request_failed", format!("request body is not valid JSON: {why}"))
        }
        BodyError::NotAnObject => invalid_request("request_failed", "request body must be a JSON object"),
    }
}

/// 404 for an unknown link id.
fn link_not_found(link_id: &str) -> Failure {
    fail(
        StatusCode::NOT_FOUND,
        format!("link_id : link {link_id} does not exist"),
        "link_not_found",
        KnownCashfreeErrorType::InvalidRequestError,
    )
}

/// 400 for a URL or method the API does not have (the documented 400 example).
async fn bad_url() -> Response {
    bad_request("request_failed", "bad URL, please check API documentation")
}

/// The error body of an injected fault status.
fn fault_status(status: StatusCode) -> Response {
    match status.as_u16() {
        500 => error(status, "internal Server Error", "internal_error", KnownCashfreeErrorType::ApiError),
        502 => error(
            status,
            "bank processing failure, please retry",
            "bank_processing_failure",
            KnownCashfreeErrorType::ApiError,
        ),
        503 => error(
            status,
            "service temporarily unavailable, please retry",
            "internal_error",
            KnownCashfreeErrorType::ApiError,
        ),
        s if s >= 500 => error(status, "internal Server Error", "internal_error", KnownCashfreeErrorType::ApiError),
        401 => error(status, "authentication Failed", "request_failed", KnownCashfreeErrorType::AuthenticationError),
        429 => rate_limited(1),
        _ => error(status, "request failed", "request_failed", KnownCashfreeErrorType::InvalidRequestError),
    }
}

/// 429 with the documented rate-limit body and `x-ratelimit-*` headers.
fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests from IP. Check headers",
        "request_failed",
        KnownCashfreeErrorType::RateLimitError,
    );
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", RATE_LIMIT.into());
    headers.insert("x-ratelimit-remaining", 0.into());
    headers.insert("x-ratelimit-retry", retry_after_secs.into());
    headers.insert("x-ratelimit-type", HeaderValue::from_static("app_id"));
    response
}

// ------------------------------------------------------------------------------ middleware

/// Middleware: every Cashfree response carries `x-api-version`, `x-ratelimit-*` and the
/// `x-request-id` of the request (a fresh one when none was sent).
async fn response_headers(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let version = request.headers().get("x-api-version").cloned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_str(&crate::ids::hex(32)).unwrap_or(HeaderValue::from_static("")));
    let remaining = app.lock().of::<Store>().count_request();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults = [
        ("x-ratelimit-limit", HeaderValue::from(RATE_LIMIT)),
        ("x-ratelimit-remaining", HeaderValue::from(remaining)),
        ("x-ratelimit-retry", HeaderValue::from(0)),
        ("x-ratelimit-type", HeaderValue::from_static("app_id")),
        ("x-request-id", request_id),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(name) {
            headers.insert(name, value);
        }
    }
    if let Some(version) = version {
        headers.insert("x-api-version", version);
    }
    response
}

// ------------------------------------------------------------------------------ idempotency

/// Runs `handle` once per `x-idempotency-key`: a retry with the same key and the same request
/// replays the first status and body with `x-idempotency-replayed: true`; the same key with
/// another request is a 422 `idempotency_error`.
fn idempotent(
    app: &AppState,
    headers: &HeaderMap,
    fingerprint: String,
    handle: impl FnOnce(&mut Store) -> Result<Value, Failure>,
) -> Response {
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    let Some(key) = header_text(headers, "x-idempotency-key").filter(|k| !k.is_empty()).map(str::to_owned) else {
        return to_response(parts(handle(store)));
    };
    let (status, body, replayed) = match store.idempotency.get(&key) {
        Some(replay) if replay.fingerprint == fingerprint => (replay.status, replay.body.clone(), true),
        Some(_) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "x-idempotency-key : this key was already used with a different request",
                "request_invalid",
                KnownCashfreeErrorType::IdempotencyError,
            );
        }
        None => {
            let (status, body) = parts(handle(store));
            store.idempotency.insert(key.clone(), Replay { fingerprint, status, body: body.clone() });
            (status, body, false)
        }
    };
    let mut response = body::json(status, &body);
    if let Ok(value) = HeaderValue::from_str(&key) {
        response.headers_mut().insert("x-idempotency-key", value);
    }
    response
        .headers_mut()
        .insert("x-idempotency-replayed", HeaderValue::from_static(if replayed { "true" } else { "false" }));
    response
}

/// Turns a handler's response into the (status, body) pair the idempotency store keeps.
fn parts(response: Result<Value, Failure>) -> (StatusCode, Value) {
    match response {
        Ok(body) => (StatusCode::OK, body),
        Err(failure) => failure,
    }
}
