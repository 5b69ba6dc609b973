//! What the control API asks of a provider's links: pay (in full or in part), fail a payment
//! attempt, expire; and why it may refuse.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

/// A control request that cannot be carried out: `{"message": ...}` with 400 or 404.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ControlError {
    status: StatusCode,
    message: String,
}

impl ControlError {
    /// 404: no such link (`what` names the link API: `cashfree`, `razorpay_invoice`, ...).
    pub(crate) fn not_found(what: &str, id: &str) -> ControlError {
        ControlError { status: StatusCode::NOT_FOUND, message: format!("no {what} link with id {id}") }
    }

    /// 404: no such link API or endpoint.
    pub(crate) fn unknown(message: impl Into<String>) -> ControlError {
        ControlError { status: StatusCode::NOT_FOUND, message: message.into() }
    }

    /// 400: the request does not fit the link or is malformed.
    pub(crate) fn invalid(message: impl Into<String>) -> ControlError {
        ControlError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }

    /// Its HTTP status (400 or 404).
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// Its message, as the control API and the payment page show it.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl From<ControlError> for Response {
    fn from(error: ControlError) -> Response {
        crate::body::json(error.status, &json!({ "message": error.message }))
    }
}

/// A payment the control API (or the payment page) asks for: `amount` in minor units
/// (`None`: everything still due), whether it is a failed attempt (`"failed": true`: no money
/// moves, the link stays open), and the whole request body for what a provider reads besides
/// (its own members, documented in the crate docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PayRequest {
    pub(crate) amount: Option<i64>,
    pub(crate) failed: bool,
    pub(crate) body: serde_json::Map<String, serde_json::Value>,
}

/// Where a provider sends the customer's browser after a payment attempt, as its docs
/// describe: a GET of a URL (query parameters included), or a form POSTed to a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Redirect {
    /// `303 See Other` to this absolute URL.
    Get(String),
    /// The browser POSTs these form fields (`application/x-www-form-urlencoded`) to `url`.
    PostForm {
        /// The absolute URL the form is posted to.
        url: String,
        /// The fields, in the order they are sent.
        fields: Vec<(String, String)>,
    },
}

impl Redirect {
    /// The URL the browser goes to.
    pub(crate) fn url(&self) -> &str {
        match self {
            Redirect::Get(url) | Redirect::PostForm { url, .. } => url,
        }
    }
}

/// What a payment (or a failed attempt) did: the link as the provider's API shows it now, and
/// where the customer's browser is sent next (the provider's callback or return URL), if
/// anywhere. The control API answers the redirect's URL in the `x-sandbox-redirect` header
/// (and a form's fields, URL-encoded, in `x-sandbox-redirect-form`); the payment page sends
/// the browser there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Paid {
    pub(crate) link: serde_json::Value,
    pub(crate) redirect: Option<Redirect>,
}

impl From<serde_json::Value> for Paid {
    fn from(link: serde_json::Value) -> Paid {
        Paid { link, redirect: None }
    }
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
