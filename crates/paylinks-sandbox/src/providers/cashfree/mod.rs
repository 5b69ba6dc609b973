//! Cashfree PG payment links: `POST /links`, `GET /links/{link_id}`,
//! `POST /links/{link_id}/cancel`, `GET /links/{link_id}/orders`
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create>), under
//! `/cashfree/pg`, authenticated with `x-client-id` / `x-client-secret` and a required
//! `x-api-version`.
//!
//! Webhooks: a paid, partly paid, cancelled or expired link queues Cashfree's
//! `PAYMENT_LINK_EVENT` (see `links.rs`); each delivery attempt is signed like Cashfree's, with
//! the client secret (`client_secret`, default `cf_sandbox_secret`):
//! `x-webhook-signature` = base64 HMAC-SHA256 of `x-webhook-timestamp` (milliseconds) followed
//! by the body ([`paylinks_cashfree::webhook::sign`]).

mod errors;
mod links;
mod version;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use paylinks_cashfree::types::KnownCashfreeErrorType;
use serde_json::Value;

use self::errors::{RATE_LIMIT, bad_url, error, fault_status, rate_limited};
use self::links::Store;
use crate::body::header_text;
use crate::config::{SandboxConfig, SettingSpec};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, PayRequest};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};
use crate::webhooks::WebhookEvent;

/// The provider's name.
const NAME: &str = links::LINK_API;

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
        "Cashfree x-client-secret the sandbox accepts; also the secret it signs Cashfree's webhook events with (x-webhook-signature), as Cashfree does.",
        "cf_sandbox_secret",
    ),
];
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
        vec![("api_version", version::fact())]
    }

    /// `x-client-id` / `x-client-secret` (401 `authentication Failed`), then the required
    /// `x-api-version`, one the sandbox answers ([`version::refusal`]).
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
        version::refusal(headers)
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        Router::new()
            .route("/links", post(links::create))
            .route("/links/{link_id}", get(links::fetch))
            .route("/links/{link_id}/cancel", post(links::cancel))
            .route("/links/{link_id}/orders", get(links::orders))
            .fallback(bad_url)
            .method_not_allowed_fallback(bad_url)
            .layer(from_fn(version::shape))
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

    /// `{"message", "code": "request_failed", "type": "invalid_request_error"}` with `status`.
    fn refuse(&self, status: StatusCode, message: &str) -> Response {
        error(status, message, "request_failed", KnownCashfreeErrorType::InvalidRequestError)
    }

    /// A payment queues the PAID or PARTIALLY_PAID event and redirects to the link's
    /// `return_url`, if it has one; `"failed": true` is a failed attempt (an unpaid `ACTIVE`
    /// order, no state change, no event: Cashfree documents no link event for it; no
    /// redirect).
    fn pay(&self, stores: &mut Stores, _api: &str, id: &str, request: &PayRequest) -> Result<Paid, ControlError> {
        let store = stores.of::<Store>();
        if request.failed {
            store.fail_payment(id, request.amount).map(Paid::from)
        } else {
            store.pay(id, request.amount)
        }
    }

    /// Queues the EXPIRED event.
    fn expire(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<Value, ControlError> {
        stores.of::<Store>().expire(id)
    }

    fn links(&self, stores: &mut Stores, _api: &str) -> Vec<Value> {
        stores.of::<Store>().all_links()
    }

    /// Cashfree's link as the payment page shows it; 404 for an unknown link.
    fn page(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<PageLink, ControlError> {
        stores.of::<Store>().page(id).ok_or_else(|| ControlError::not_found(NAME, id))
    }

    /// `x-webhook-signature` (base64 HMAC-SHA256 of the timestamp text followed by the body,
    /// keyed with the configured client secret), `x-webhook-timestamp` (`now` in Unix
    /// milliseconds), `x-webhook-version` and `content-type: application/json`.
    fn sign_webhook(&self, config: &SandboxConfig, event: &WebhookEvent, now: DateTime<Utc>) -> HeaderMap {
        let secret = config.text(NAME, "client_secret").unwrap_or_default();
        paylinks_cashfree::webhook::sign(secret, now.timestamp_millis(), &event.body)
    }
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
