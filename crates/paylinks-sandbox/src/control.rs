//! The control API under `/_sandbox`: pay and expire links as a customer or the clock would,
//! list every link, inject faults, reset. Plain JSON; errors are `{"message": ...}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError};
use crate::state::AppState;

/// A control request that cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ControlError {
    status: StatusCode,
    message: String,
}

impl ControlError {
    /// 404: no such link.
    pub(crate) fn not_found(provider: &str, id: &str) -> ControlError {
        ControlError { status: StatusCode::NOT_FOUND, message: format!("no {provider} link with id {id}") }
    }

    /// 400: the request does not fit the link or is malformed.
    pub(crate) fn invalid(message: impl Into<String>) -> ControlError {
        ControlError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }
}

impl From<ControlError> for Response {
    fn from(error: ControlError) -> Response {
        message(error.status, &error.message)
    }
}

fn message(status: StatusCode, text: &str) -> Response {
    body::json(status, &json!({ "message": text }))
}

/// The amount a payment of `requested` minor units (default: everything `due`) settles, or why
/// it cannot: more than is due, a part payment where the link takes none, or a first part
/// payment below `minimum_first`.
pub(crate) fn settle_payment(
    due: i64,
    requested: Option<i64>,
    partial_allowed: bool,
    minimum_first: i64,
) -> Result<i64, ControlError> {
    let amount = requested.unwrap_or(due);
    if amount <= 0 {
        return Err(ControlError::invalid("amount must be a positive number of minor units"));
    }
    if amount > due {
        return Err(ControlError::invalid(format!("amount {amount} is more than the {due} still due")));
    }
    if amount < due && !partial_allowed {
        return Err(ControlError::invalid(format!(
            "partial payments are not allowed on this link: pay the full {due} still due"
        )));
    }
    if amount < due && amount < minimum_first {
        return Err(ControlError::invalid(format!("the first partial payment must be at least {minimum_first}")));
    }
    Ok(amount)
}

/// The link families of the control API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Cashfree,
    Razorpay,
    RazorpayInvoice,
    Pinelabs,
}

impl Family {
    fn parse(name: &str) -> Result<Family, ControlError> {
        match name {
            "cashfree" => Ok(Family::Cashfree),
            "razorpay" => Ok(Family::Razorpay),
            "razorpay_invoice" => Ok(Family::RazorpayInvoice),
            "pinelabs" => Ok(Family::Pinelabs),
            _ => Err(ControlError {
                status: StatusCode::NOT_FOUND,
                message: format!("unknown provider `{name}`: use cashfree, razorpay, razorpay_invoice or pinelabs"),
            }),
        }
    }
}

/// An optional JSON object body (empty body = `{}`).
fn optional_object(bytes: &[u8]) -> Result<Map<String, Value>, ControlError> {
    match body::object(bytes) {
        Ok(map) => Ok(map),
        Err(BodyError::Empty) => Ok(Map::new()),
        Err(BodyError::Malformed(why)) => Err(ControlError::invalid(format!("body is not valid JSON: {why}"))),
        Err(BodyError::NotAnObject) => Err(ControlError::invalid("body must be a JSON object")),
    }
}

/// `POST /_sandbox/{provider}/links/{id}/pay` with `{"amount": <minor units>}` (optional;
/// default: everything still due). Cashfree also takes `"failed": true` (a failed attempt:
/// an unpaid order, no state change); Razorpay takes `"method"` (default `card`, `upi` for
/// UPI links). Answers the link as the provider's API would show it.
pub(crate) async fn pay(
    State(app): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let result = (|| {
        let family = Family::parse(&provider)?;
        let request = optional_object(&bytes)?;
        let amount = match request.get("amount") {
            None | Some(Value::Null) => None,
            Some(value) => {
                Some(value.as_i64().ok_or_else(|| ControlError::invalid("amount must be an integer of minor units"))?)
            }
        };
        let failed = match request.get("failed") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(ControlError::invalid("failed must be a boolean")),
        };
        let method = request.get("method").and_then(Value::as_str);
        let mut stores = app.lock();
        match family {
            Family::Cashfree if failed => stores.cashfree.fail_payment(&id),
            Family::Cashfree => stores.cashfree.pay(&id, amount),
            Family::Razorpay => stores.razorpay.pay(&id, amount, method),
            Family::RazorpayInvoice => stores.invoices.pay(&id, amount),
            Family::Pinelabs => stores.pinelabs.pay(&id, amount),
        }
    })();
    body::respond(result)
}

/// `POST /_sandbox/{provider}/links/{id}/expire`: an open link expires now.
pub(crate) async fn expire(State(app): State<Arc<AppState>>, Path((provider, id)): Path<(String, String)>) -> Response {
    let result = Family::parse(&provider).and_then(|family| {
        let mut stores = app.lock();
        match family {
            Family::Cashfree => stores.cashfree.expire(&id),
            Family::Razorpay => stores.razorpay.expire(&id),
            Family::RazorpayInvoice => stores.invoices.expire(&id),
            Family::Pinelabs => stores.pinelabs.expire(&id),
        }
    });
    body::respond(result)
}

/// `GET /_sandbox/{provider}/links`: every link of the provider, oldest first, as its API
/// shows them (a JSON array).
pub(crate) async fn links(State(app): State<Arc<AppState>>, Path(provider): Path<String>) -> Response {
    let family = match Family::parse(&provider) {
        Ok(family) => family,
        Err(e) => return e.into(),
    };
    let mut stores = app.lock();
    let links = match family {
        Family::Cashfree => stores.cashfree.all_links(),
        Family::Razorpay => stores.razorpay.all_links(),
        Family::RazorpayInvoice => stores.invoices.all_links(),
        Family::Pinelabs => stores.pinelabs.all_links(),
    };
    body::json(StatusCode::OK, &Value::Array(links))
}

/// `POST /_sandbox/faults`: queues a fault (see [`crate::faults::parse`]); answers the queue.
pub(crate) async fn add_fault(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    let fault =
        optional_object(&bytes).and_then(|request| crate::faults::parse(&request).map_err(ControlError::invalid));
    match fault {
        Ok(fault) => {
            let mut stores = app.lock();
            stores.faults.push(fault);
            body::json(StatusCode::OK, &json!({ "faults": stores.faults.to_json() }))
        }
        Err(e) => e.into(),
    }
}

/// `GET /_sandbox/faults`: the faults still queued.
pub(crate) async fn faults(State(app): State<Arc<AppState>>) -> Response {
    body::json(StatusCode::OK, &json!({ "faults": app.lock().faults.to_json() }))
}

/// `DELETE /_sandbox/faults`: forgets every queued fault.
pub(crate) async fn clear_faults(State(app): State<Arc<AppState>>) -> Response {
    app.lock().faults.clear();
    body::json(StatusCode::OK, &json!({ "faults": [] }))
}

/// `POST /_sandbox/reset`: forgets every link, order, token, idempotency key and fault.
pub(crate) async fn reset(State(app): State<Arc<AppState>>) -> Response {
    *app.lock() = crate::state::Stores::default();
    body::json(StatusCode::OK, &json!({ "reset": true }))
}

/// `GET /_sandbox`: what the sandbox serves and the credentials it accepts.
pub(crate) async fn describe(State(app): State<Arc<AppState>>) -> Response {
    let config = &app.config;
    body::json(
        StatusCode::OK,
        &json!({
            "providers": {
                "cashfree": {
                    "path": "/cashfree/pg",
                    "client_id": config.cashfree.client_id,
                    "client_secret": config.cashfree.client_secret,
                    "api_version": crate::CASHFREE_API_VERSION,
                },
                "razorpay": {
                    "path": "/razorpay",
                    "key_id": config.razorpay.key_id,
                    "key_secret": config.razorpay.key_secret,
                },
                "pinelabs": {
                    "path": "/pinelabs",
                    "client_id": config.pinelabs.client_id,
                    "client_secret": config.pinelabs.client_secret,
                    "token_ttl_secs": config.token_ttl.as_secs_f64(),
                },
            },
            "control": [
                "POST /_sandbox/{provider}/links/{id}/pay {\"amount\": <minor units>}",
                "POST /_sandbox/{provider}/links/{id}/expire",
                "GET /_sandbox/{provider}/links",
                "POST /_sandbox/faults {\"provider\", \"count\", \"kind\", \"status\", \"retry_after_secs\", \"delay_ms\"}",
                "GET /_sandbox/faults",
                "DELETE /_sandbox/faults",
                "POST /_sandbox/reset",
            ],
        }),
    )
}

/// Any other control URL.
pub(crate) async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "no such control endpoint; GET /_sandbox lists them")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settles_payments() {
        assert_eq!(settle_payment(1000, None, false, 0), Ok(1000));
        assert_eq!(settle_payment(1000, Some(400), true, 100), Ok(400));
        assert!(settle_payment(1000, Some(400), false, 0).is_err());
        assert!(settle_payment(1000, Some(50), true, 100).is_err());
        assert!(settle_payment(1000, Some(1001), true, 0).is_err());
        assert!(settle_payment(1000, Some(0), true, 0).is_err());
    }
}
