//! Authentication of each provider API, as documented: Cashfree's `x-client-id` /
//! `x-client-secret` (and required `x-api-version`), Razorpay's HTTP Basic, Pine Labs' bearer
//! access token.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;

use crate::body::header_text;
use crate::razorpay::RazorpayError;
use crate::state::AppState;

/// Cashfree: `x-client-id` / `x-client-secret` (401 `authentication Failed`), then the
/// required `x-api-version` in `YYYY-MM-DD` form (400 `version is missing in header`).
pub(crate) async fn cashfree(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let credentials = &app.config.cashfree;
    let id_ok = header_text(headers, "x-client-id") == Some(credentials.client_id.as_str());
    let secret_ok = header_text(headers, "x-client-secret") == Some(credentials.client_secret.as_str());
    if !(id_ok && secret_ok) {
        return crate::cashfree::error(
            StatusCode::UNAUTHORIZED,
            "authentication Failed",
            "request_failed",
            "authentication_error",
        );
    }
    match header_text(headers, "x-api-version").map(str::trim) {
        None | Some("") => crate::cashfree::bad_request("request_failed", "version is missing in header"),
        Some(version) if chrono::NaiveDate::parse_from_str(version, "%Y-%m-%d").is_err() => {
            crate::cashfree::bad_request(
                "request_failed",
                format!("x-api-version : {version} is not a valid API version (YYYY-MM-DD)"),
            )
        }
        Some(_) => next.run(request).await,
    }
}

/// Razorpay: HTTP Basic `key_id:key_secret`. A missing or unknown key is 401 `The api key
/// provided is invalid`, a known key with a wrong secret 401 `The api secret provided is
/// invalid`, both in the error envelope with `BAD_REQUEST_ERROR`.
pub(crate) async fn razorpay(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let credentials = &app.config.razorpay;
    let decoded = header_text(request.headers(), "authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let (key, secret) = decoded.as_deref().and_then(|text| text.split_once(':')).unwrap_or(("", ""));
    let unauthorized = |what: &str| {
        RazorpayError::bad_request(format!("The api {what} provided is invalid"))
            .with_status(StatusCode::UNAUTHORIZED, "BAD_REQUEST_ERROR")
            .response()
    };
    if key != credentials.key_id {
        return unauthorized("key");
    }
    if secret != credentials.key_secret {
        return unauthorized("secret");
    }
    next.run(request).await
}

/// Pine Labs: `Authorization: Bearer <access_token>` of a token issued by the token endpoint
/// and not yet expired; else 401 `{"code": "UNAUTHORIZED", "message": ...}`.
pub(crate) async fn pinelabs(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let unauthorized = |message: &str| crate::pinelabs::error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    let Some(token) = header_text(request.headers(), "authorization")
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
    else {
        return unauthorized("Authorization header with a Bearer access token is required");
    };
    let expiry = app.lock().pinelabs.token_expiry(token);
    match expiry {
        None => unauthorized("Invalid access token"),
        Some(expiry) if Instant::now() >= expiry => unauthorized("Access token has expired"),
        Some(_) => next.run(request).await,
    }
}
