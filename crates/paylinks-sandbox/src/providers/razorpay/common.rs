//! What Razorpay's two link APIs share: names, the error envelope (the generated
//! `RazorpayError`) with its documented wording, and the readers of request fields the
//! generated types leave to the sandbox.

use std::collections::{BTreeMap, HashMap};

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use paylinks_razorpay::types::{
    KnownRazorpayErrorCode, NotesRequest, RazorpayError as ErrorBody, RazorpayErrorDetail, RazorpayErrorMetadata,
};
use serde_json::{Map, Value};

use crate::body::{self, BodyError, DecodeError, Problem, QueryMap, present};
use crate::ids::alnum;
use crate::links::Page;

/// The provider's name, also the control API's name of payment links.
pub(super) const NAME: &str = "razorpay";
/// The control API's name of the invoice-based link API.
pub(super) const INVOICES: &str = "razorpay_invoice";

/// A Razorpay id: `prefix_` and 14 alphanumerics (`plink_ExjpAUN3gVHrPJ`).
pub(super) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", alnum(14))
}

/// Whether `code` is an ISO 4217 currency with a minor unit (amounts are integers in it).
pub(super) fn is_currency(code: &str) -> bool {
    iso_currency::Currency::from_code(code).is_some_and(|currency| currency.exponent().is_some())
}

// ------------------------------------------------------------------------------ errors

/// A Razorpay error: `{"error": {"code", "description", "field"?, "source", "step", "reason",
/// "metadata"}}`.
#[derive(Debug, Clone)]
pub(super) struct RazorpayError {
    status: StatusCode,
    code: KnownRazorpayErrorCode,
    description: String,
    field: Option<String>,
    source: &'static str,
    step: &'static str,
    reason: &'static str,
}

impl RazorpayError {
    /// 400 `BAD_REQUEST_ERROR` with `source`/`step`/`reason` `NA` (API validation errors).
    pub(super) fn bad_request(description: impl Into<String>) -> RazorpayError {
        RazorpayError {
            status: StatusCode::BAD_REQUEST,
            code: KnownRazorpayErrorCode::BadRequestError,
            description: description.into(),
            field: None,
            source: "NA",
            step: "NA",
            reason: "NA",
        }
    }

    /// Names the offending request field.
    pub(super) fn field(mut self, field: &str) -> RazorpayError {
        self.field = Some(field.to_owned());
        self
    }

    /// A business-rule error (`source: business`, `step: payment_initiation`,
    /// `reason: input_validation_failed`), as in the documented invoice cancel failure.
    pub(super) fn business(description: impl Into<String>) -> RazorpayError {
        RazorpayError {
            source: "business",
            step: "payment_initiation",
            reason: "input_validation_failed",
            ..Self::bad_request(description)
        }
    }

    /// Another status and code.
    pub(super) fn with_status(mut self, status: StatusCode, code: KnownRazorpayErrorCode) -> RazorpayError {
        self.status = status;
        self.code = code;
        self
    }

    /// The error body, the generated `RazorpayError` envelope.
    pub(super) fn body(&self) -> ErrorBody {
        ErrorBody {
            error: Some(RazorpayErrorDetail {
                code: Some(self.code.into()),
                description: Some(self.description.clone()),
                field: self.field.clone(),
                metadata: Some(RazorpayErrorMetadata::default().into()),
                reason: Some(self.reason.into()),
                source: Some(self.source.into()),
                step: Some(self.step.into()),
            }),
        }
    }

    /// The error response.
    pub(super) fn response(&self) -> Response {
        body::json(self.status, &serde_json::to_value(self.body()).unwrap_or_default())
    }
}

impl From<RazorpayError> for Response {
    fn from(error: RazorpayError) -> Response {
        error.response()
    }
}

/// The error for an unknown id.
pub(super) fn unknown_id() -> RazorpayError {
    RazorpayError::bad_request("The id provided does not exist").field("id")
}

/// The error for a request body that is not a JSON object.
pub(super) fn bad_body(error: &BodyError) -> RazorpayError {
    match error {
        BodyError::Empty => RazorpayError::bad_request("The request body is missing."),
        BodyError::Malformed(_) | BodyError::NotAnObject => {
            RazorpayError::bad_request("incorrect JSON object received.")
        }
    }
}

/// The query string, or the error for one that cannot be read.
pub(super) fn query_map(query: QueryMap) -> Result<HashMap<String, String>, RazorpayError> {
    query.map(|Query(query)| query).map_err(|_| RazorpayError::bad_request("incorrect query string received."))
}

/// The documented default page size of a Razorpay list (`count`).
pub(super) const DEFAULT_COUNT: usize = 10;
/// The largest page the sandbox answers (`count`).
pub(super) const MAX_COUNT: usize = 100;

/// The paging of a Razorpay list (`count`, `skip`, `from`, `to`) and the range of creation
/// times (Unix seconds, both ends included) it asks for.
///
/// Razorpay documents these four for every list (<https://razorpay.com/docs/api/pagination/>):
/// `count` entities to fetch, default 10, with `skip` (default 0) to page; `from` and `to`,
/// Unix timestamps after and before which the entities were created. The invoices' "Fetch all
/// invoices" (<https://razorpay.com/docs/api/payments/invoices/>) takes the same four. Not
/// confirmed, the sandbox's choices: the largest `count`, 100 (the sandbox refuses more, and
/// a `count` below 1, with `The count must be between 1 and 100.`); whether "Fetch All
/// Standard Payment Links" (<https://razorpay.com/docs/api/payments/payment-links/>), whose
/// page shows only `payment_id` and `reference_id`, pages the same way (its .NET example
/// passes `count`); whether `from` and `to` include their ends; and the errors' wording.
pub(super) fn page_query(
    query: &HashMap<String, String>,
) -> Result<(Page, std::ops::RangeInclusive<i64>), RazorpayError> {
    let number = |key: &str, default: i64| -> Result<i64, RazorpayError> {
        match query.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .map_err(|_| RazorpayError::bad_request(format!("The {key} must be an integer.")).field(key)),
        }
    };
    let count = usize::try_from(number("count", DEFAULT_COUNT as i64)?)
        .ok()
        .filter(|count| (1..=MAX_COUNT).contains(count))
        .ok_or_else(|| RazorpayError::bad_request("The count must be between 1 and 100.").field("count"))?;
    let skip = usize::try_from(number("skip", 0)?)
        .map_err(|_| RazorpayError::bad_request("The skip must be at least 0.").field("skip"))?;
    let (from, to) = (number("from", i64::MIN)?, number("to", i64::MAX)?);
    Ok((Page { skip, count }, from..=to))
}

/// 404 for a URL (or method) the API does not have.
pub(super) async fn not_found() -> Response {
    RazorpayError::bad_request("The requested URL was not found on the server.")
        .with_status(StatusCode::NOT_FOUND, KnownRazorpayErrorCode::BadRequestError)
        .response()
}

/// The error body of an injected fault status.
pub(super) fn fault_status(status: StatusCode) -> Response {
    let error = match status.as_u16() {
        502 | 504 => RazorpayError::bad_request("The gateway did not respond in time. Please retry.")
            .with_status(status, KnownRazorpayErrorCode::GatewayError),
        s if s >= 500 => {
            RazorpayError::bad_request("The server encountered an error. The incident has been reported to admins.")
                .with_status(status, KnownRazorpayErrorCode::ServerError)
        }
        401 => RazorpayError::bad_request("The api key provided is invalid")
            .with_status(status, KnownRazorpayErrorCode::BadRequestError),
        _ => RazorpayError::bad_request("The request could not be processed.")
            .with_status(status, KnownRazorpayErrorCode::BadRequestError),
    };
    error.response()
}

// ------------------------------------------------------------------------------ validation

/// `incorrect JSON object received - faulty key: <key>.`: the documented type-mismatch error.
pub(super) fn faulty_key(key: &str) -> RazorpayError {
    RazorpayError::bad_request(format!("incorrect JSON object received - faulty key: {key}.")).field(key)
}

/// A string field.
pub(super) fn string_field(request: &Map<String, Value>, key: &str) -> Result<Option<String>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(faulty_key(key)),
    }
}

/// A whole-number field.
pub(super) fn int_field(request: &Map<String, Value>, key: &str) -> Result<Option<i64>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(value) => value.as_i64().map(Some).ok_or_else(|| faulty_key(key)),
    }
}

/// At most this many notes, as documented.
const MAX_NOTES: usize = 15;

/// Notes of a decoded request: at most 15 (the generated type checks each value).
pub(super) fn notes(notes: Option<NotesRequest>) -> Result<Option<BTreeMap<String, String>>, RazorpayError> {
    let Some(NotesRequest(notes)) = notes else {
        return Ok(None);
    };
    if notes.len() > MAX_NOTES {
        return Err(RazorpayError::bad_request("notes: the number of keys must not be greater than 15.").field("notes"));
    }
    Ok(Some(notes.into_iter().map(|(key, value)| (key, value.to_string())).collect()))
}

/// `expire_by` (Unix seconds) at least 15 minutes ahead, if given; `too_soon` words the
/// error for an earlier time.
pub(super) fn expire_by(expire_by: Option<i64>, too_soon: &str) -> Result<Option<i64>, RazorpayError> {
    match expire_by {
        Some(at) if at < Utc::now().timestamp() + 15 * 60 => {
            Err(RazorpayError::bad_request(too_soon).field("expire_by"))
        }
        other => Ok(other),
    }
}

/// `currency`: an ISO 4217 code with a minor unit, `INR` when absent or empty; `unsupported`
/// words the error for another.
pub(super) fn currency_of(currency: Option<&str>, unsupported: &str) -> Result<String, RazorpayError> {
    let currency = currency.filter(|c| !c.is_empty()).unwrap_or("INR");
    if !is_currency(currency) {
        return Err(RazorpayError::bad_request(unsupported).field("currency"));
    }
    Ok(currency.to_owned())
}

/// The documented wording for a body that does not decode into the generated request type:
/// `wording` words the error for some fields; any other field is `The <key> field is
/// required.` when missing and `incorrect JSON object received - faulty key: <key>.` when
/// malformed (`<key>` is the field's last name; `notes` for a note).
pub(super) fn undecodable(
    error: &DecodeError,
    wording: impl FnOnce(&str, &Problem) -> Option<RazorpayError>,
) -> RazorpayError {
    if let Some(refusal) = wording(&error.field, &error.problem) {
        return refusal;
    }
    let key =
        if error.field.starts_with("notes") { "notes" } else { error.field.rsplit('.').next().unwrap_or_default() };
    match error.problem {
        Problem::Missing => RazorpayError::bad_request(format!("The {key} field is required.")).field(key),
        Problem::Invalid(_) => faulty_key(key),
    }
}

/// An e-mail address as `email_address` reads RFC 5321/5322 addresses.
pub(super) fn is_email(text: &str) -> bool {
    email_address::EmailAddress::is_valid(text)
}

/// An absolute `http` or `https` URL, as the `url` crate (WHATWG URL) reads it.
pub(super) fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}
