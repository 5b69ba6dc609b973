//! What the control API asks of a provider's links: pay (in full or in part), fail a payment
//! attempt, expire; and why it may refuse.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

// Refusals write amounts as the payment page does (`₹1,250.50`, `¥500`).
use crate::page::money::format as money;

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

/// How one provider words the refusals of a payment a link cannot take, quoting its docs
/// where they have words for it. The provider module supplies it; amounts come formatted in
/// the link's currency ([`money`]: `₹100.00`).
pub(crate) struct Refusals {
    /// More than is still due: `(amount, due)`.
    pub(crate) more_than_due: fn(&str, &str) -> String,
    /// A part payment on a link that takes none: `(due)`.
    pub(crate) no_part_payments: fn(&str) -> String,
    /// A first part payment below the link's minimum: `(amount, minimum)`.
    pub(crate) below_minimum: fn(&str, &str) -> String,
}

/// What a link will take now: `due` minor units of `currency` (ISO 4217), in parts or not,
/// the first part at least `minimum_first` (0: no minimum, or not the first part).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terms<'a> {
    pub(crate) due: i64,
    pub(crate) currency: &'a str,
    pub(crate) partial_allowed: bool,
    pub(crate) minimum_first: i64,
}

/// The amount a payment of `requested` minor units (default: everything due) settles under
/// `terms`, or why it cannot, worded by the provider's `refusals`: more than is due, a part
/// payment where the link takes none, or a first part payment below the minimum. A zero or
/// negative amount is refused in the sandbox's own words (no provider page lets one through).
pub(crate) fn settle_payment(
    terms: &Terms<'_>,
    requested: Option<i64>,
    refusals: &Refusals,
) -> Result<i64, ControlError> {
    let Terms { due, currency, partial_allowed, minimum_first } = *terms;
    let amount = requested.unwrap_or(due);
    if amount <= 0 {
        return Err(ControlError::invalid("amount must be a positive number of minor units"));
    }
    if amount > due {
        return Err(ControlError::invalid((refusals.more_than_due)(&money(amount, currency), &money(due, currency))));
    }
    if amount < due && !partial_allowed {
        return Err(ControlError::invalid((refusals.no_part_payments)(&money(due, currency))));
    }
    if amount < due && amount < minimum_first {
        return Err(ControlError::invalid((refusals.below_minimum)(
            &money(amount, currency),
            &money(minimum_first, currency),
        )));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that show which refusal was made, with its amounts.
    const PLAIN: Refusals = Refusals {
        more_than_due: |amount, due| format!("more: {amount} > {due}"),
        no_part_payments: |due| format!("whole: {due}"),
        below_minimum: |amount, minimum| format!("minimum: {amount} < {minimum}"),
    };

    fn terms(partial_allowed: bool, minimum_first: i64) -> Terms<'static> {
        Terms { due: 1000, currency: "INR", partial_allowed, minimum_first }
    }

    fn refusal(result: Result<i64, ControlError>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST);
        error.message
    }

    #[test]
    fn settles_payments_and_words_refusals_as_the_provider_does() {
        assert_eq!(settle_payment(&terms(false, 0), None, &PLAIN), Ok(1000));
        assert_eq!(settle_payment(&terms(true, 100), Some(400), &PLAIN), Ok(400));
        assert_eq!(
            settle_payment(&terms(true, 100), Some(1000), &PLAIN),
            Ok(1000),
            "the whole amount, below no minimum"
        );
        assert_eq!(refusal(settle_payment(&terms(false, 0), Some(400), &PLAIN)), "whole: ₹10.00");
        assert_eq!(refusal(settle_payment(&terms(true, 100), Some(50), &PLAIN)), "minimum: ₹0.50 < ₹1.00");
        assert_eq!(refusal(settle_payment(&terms(true, 0), Some(1001), &PLAIN)), "more: ₹10.01 > ₹10.00");
        assert!(refusal(settle_payment(&terms(true, 0), Some(0), &PLAIN)).contains("positive"));
        assert!(refusal(settle_payment(&terms(true, 0), Some(-5), &PLAIN)).contains("positive"));
    }

    #[test]
    fn money_is_written_with_the_currencys_symbol_and_exponent() {
        assert_eq!(money(125_050, "INR"), "₹1,250.50");
        assert_eq!(money(500, "JPY"), "¥500");
        assert!(money(1_234, "KWD").ends_with("1.234"), "three decimals");
        assert_eq!(money(7, "XYZ"), "7 minor units of XYZ");
    }
}
