//! Razorpay: one provider with two link APIs on one host and one authentication (HTTP Basic
//! `key_id:key_secret`), under `/razorpay`: Payment Links v2 (`links.rs`,
//! <https://razorpay.com/docs/api/payments/payment-links/>) and the legacy invoice-based links
//! (`invoices.rs`, <https://razorpay.com/docs/api/payments/invoices/>). This module holds what
//! both share: the provider's registration, its error envelope and field readers.

mod common;
mod invoices;
mod links;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use paylinks_razorpay::types::KnownRazorpayErrorCode;
use serde_json::Value;

use self::common::{RazorpayError, fault_status, not_found};
use crate::body::header_text;
use crate::config::SettingSpec;
use crate::payment::{ControlError, Paid, PayRequest};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};

/// The provider's name.
const NAME: &str = common::NAME;

/// Default credentials `rzp_test_paylinks` / `rzp_sandbox_secret` (a `rzp_test_` key
/// selects test mode, which rejects UPI links).
const SETTINGS: &[SettingSpec] = &[
    SettingSpec::text(NAME, "key_id", "razorpay-key-id", "Razorpay key id the sandbox accepts.", "rzp_test_paylinks"),
    SettingSpec::text(
        NAME,
        "key_secret",
        "razorpay-key-secret",
        "Razorpay key secret the sandbox accepts.",
        "rzp_sandbox_secret",
    ),
];
use self::common::INVOICES;

/// Razorpay: payment links and invoice-based links.
pub(super) struct Razorpay;

impl Provider for Razorpay {
    fn name(&self) -> &'static str {
        NAME
    }

    fn prefix(&self) -> &'static str {
        "/razorpay"
    }

    fn link_apis(&self) -> &'static [&'static str] {
        &[NAME, INVOICES]
    }

    fn settings(&self) -> &'static [SettingSpec] {
        SETTINGS
    }

    /// HTTP Basic `key_id:key_secret`. A missing or unknown key is 401 `The api key provided
    /// is invalid`, a known key with a wrong secret 401 `The api secret provided is invalid`,
    /// both in the error envelope with `BAD_REQUEST_ERROR`.
    fn authenticate(&self, app: &AppState, _path: &str, headers: &HeaderMap) -> Option<Response> {
        let decoded = header_text(headers, "authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let (key, secret) = decoded.as_deref().and_then(|text| text.split_once(':')).unwrap_or(("", ""));
        let unauthorized = |what: &str| {
            RazorpayError::bad_request(format!("The api {what} provided is invalid"))
                .with_status(StatusCode::UNAUTHORIZED, KnownRazorpayErrorCode::BadRequestError)
                .response()
        };
        if app.config.text(NAME, "key_id") != Some(key) {
            return Some(unauthorized("key"));
        }
        if app.config.text(NAME, "key_secret") != Some(secret) {
            return Some(unauthorized("secret"));
        }
        None
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        Router::new()
            .route("/v1/payment_links", post(links::create).get(links::list))
            .route("/v1/payment_links/", post(links::create).get(links::list))
            .route("/v1/payment_links/{id}", get(links::fetch).patch(links::update))
            .route("/v1/payment_links/{id}/cancel", post(links::cancel))
            .route("/v1/payment_links/{id}/notify_by/{medium}", post(links::notify))
            .route("/v1/invoices", post(invoices::create).get(invoices::list))
            .route("/v1/invoices/", post(invoices::create).get(invoices::list))
            .route("/v1/invoices/{id}", get(invoices::fetch).patch(invoices::update).delete(invoices::delete))
            .route("/v1/invoices/{id}/issue", post(invoices::issue))
            .route("/v1/invoices/{id}/cancel", post(invoices::cancel))
            .route("/v1/invoices/{id}/notify_by/{medium}", post(invoices::notify))
            .fallback(not_found)
            .method_not_allowed_fallback(not_found)
            .layer(from_fn_with_state(Guarded { app: app.clone(), provider: self }, guard))
            .with_state(app.clone())
    }

    fn fault_status(&self, status: StatusCode) -> Response {
        fault_status(status)
    }

    fn rate_limited(&self, _retry_after_secs: u64) -> Response {
        RazorpayError::bad_request("Too many requests. Please retry after some time.")
            .with_status(StatusCode::TOO_MANY_REQUESTS, KnownRazorpayErrorCode::BadRequestError)
            .response()
    }

    /// The error envelope with `BAD_REQUEST_ERROR` and `status`.
    fn refuse(&self, status: StatusCode, message: &str) -> Response {
        RazorpayError::bad_request(message).with_status(status, KnownRazorpayErrorCode::BadRequestError).response()
    }

    fn pay(&self, stores: &mut Stores, api: &str, id: &str, request: &PayRequest) -> Result<Paid, ControlError> {
        if api == INVOICES {
            stores.of::<invoices::Store>().pay(id, request.amount).map(Paid::from)
        } else {
            // `"method"`: how the customer pays (default `card`, `upi` on a UPI link).
            let method = request.body.get("method").and_then(Value::as_str);
            stores.of::<links::Store>().pay(id, request.amount, method).map(Paid::from)
        }
    }

    fn expire(&self, stores: &mut Stores, api: &str, id: &str) -> Result<Value, ControlError> {
        if api == INVOICES { stores.of::<invoices::Store>().expire(id) } else { stores.of::<links::Store>().expire(id) }
    }

    fn links(&self, stores: &mut Stores, api: &str) -> Vec<Value> {
        if api == INVOICES {
            stores.of::<invoices::Store>().all_links()
        } else {
            stores.of::<links::Store>().all_links()
        }
    }
}
