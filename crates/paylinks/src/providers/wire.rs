//! Between the facade's types and a generated client's: the call an error happened in, the
//! mapping every provider shares from [`ApiError`] to [`Error`], building constrained wire
//! values and requests, reading open enums.

use paylinks_core::{ApiError, ErrorBody};

use crate::api::Body;
use crate::{Error, PaymentLink, Provider};

/// The call an error happened in.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub provider: Provider,
    pub operation: &'static str,
    pub id: String,
}

impl Call {
    pub fn new(provider: Provider, operation: &'static str, id: impl Into<String>) -> Self {
        Self { provider, operation, id: id.into() }
    }

    /// A decoding error of this call.
    pub fn decode(&self, message: impl Into<String>) -> Error {
        Error::Decode { provider: self.provider, operation: self.operation, message: message.into() }
    }
}

/// A list by reference on an API that finds at most one link by it: that link, or none when
/// the API answers [`Error::NotFound`].
#[allow(dead_code, reason = "unused when only link APIs with a list endpoint are built")]
pub(crate) fn listed_by_reference(found: Result<PaymentLink, Error>) -> Result<Vec<PaymentLink>, Error> {
    match found {
        Ok(link) => Ok(vec![link]),
        Err(Error::NotFound { .. }) => Ok(vec![]),
        Err(error) => Err(error),
    }
}

/// The mapping every provider shares, by HTTP status first: 401/403 → `Unauthorized`,
/// 404 → `NotFound`, 429 → `RateLimited`, other statuses → `Provider`; transport, decoding
/// and request-building errors to their variants.
pub(crate) fn map_api_error<E: ErrorBody>(call: &Call, error: ApiError<E>) -> Error {
    let provider = call.provider;
    match error {
        ApiError::Provider { status, body, retry_after, .. } => {
            let code = body.code();
            let message = body.message().map(str::to_owned);
            match status.as_u16() {
                401 | 403 => Error::Unauthorized { provider, message: message.or(code).unwrap_or_default() },
                404 => Error::NotFound { provider, id: call.id.clone() },
                429 => Error::RateLimited { provider, retry_after },
                status => Error::Provider { provider, status, code, message },
            }
        }
        ApiError::UnexpectedStatus { status, retry_after, .. } => match status.as_u16() {
            401 | 403 => Error::Unauthorized { provider, message: format!("HTTP {}", status.as_u16()) },
            404 => Error::NotFound { provider, id: call.id.clone() },
            429 => Error::RateLimited { provider, retry_after },
            status => Error::Provider { provider, status, code: None, message: None },
        },
        ApiError::InvalidRequest(message) => builder_error(provider, message),
        ApiError::Transport(error) => Error::Transport { provider, message: error.to_string() },
        ApiError::Decode { message } => call.decode(message),
        ApiError::Hook(message) => Error::Transport { provider, message },
    }
}

/// The event a create that is safe to retry records (`paylinks.idempotent_create`): which
/// link API, and `by` what it is idempotent (`x-idempotency-key`, `reference_id`, ...).
pub(crate) fn idempotent_create(provider: Provider, by: &'static str) {
    tracing::event!(
        name: "paylinks.idempotent_create",
        tracing::Level::INFO,
        paylinks.provider = provider.as_str(),
        by,
        "create is safe to retry"
    );
}

/// The provider's raw value of an open enum (`"paid"`, `"ACTIVE"`), as sent.
pub(crate) fn raw_value<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// A generated request built from its builder; a value the spec's constraints refuse is an
/// [`Error::InvalidRequest`] naming the wire field.
pub(crate) fn build<B, T>(provider: Provider, builder: B) -> Result<T, Error>
where
    T: TryFrom<B>,
    T::Error: std::fmt::Display,
{
    T::try_from(builder).map_err(|e| builder_error(provider, e.to_string()))
}

/// A value a generated builder refused: it says "error converting supplied value for
/// <field>: <why>", so the error names that field.
fn builder_error(provider: Provider, message: String) -> Error {
    let field = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("request")
        .to_owned();
    Error::InvalidRequest { provider, field, message }
}

/// A constrained wire value (`link_id`, `reference_id`...) from the facade's `field`.
pub(crate) fn field<T, V>(provider: Provider, field: &str, value: V) -> Result<T, Error>
where
    T: TryFrom<V>,
    T::Error: std::fmt::Display,
{
    T::try_from(value).map_err(|e| Error::invalid(provider, field, e.to_string()))
}

/// An optional constrained wire value.
pub(crate) fn optional<T, V>(provider: Provider, name: &str, value: Option<V>) -> Result<Option<T>, Error>
where
    T: TryFrom<V>,
    T::Error: std::fmt::Display,
{
    value.map(|v| field(provider, name, v)).transpose()
}

/// A saved body that is an API's error answer, read as its generated error type `E` (for its
/// code and message through [`ErrorBody`]); `None` when it does not read as one.
pub(crate) fn error_body<E: ErrorBody + serde::de::DeserializeOwned>(body: &serde_json::Value) -> Option<Body> {
    let error = serde_json::from_value::<E>(body.clone()).ok()?;
    Some(Body::Error { code: error.code(), message: error.message().map(str::to_owned) })
}

/// The link bodies of a list response, under the first of `keys` that holds an array.
#[allow(dead_code, reason = "only link APIs with a list response use it; unused when none of them is built")]
pub(crate) fn list_under(body: &serde_json::Value, keys: &[&str]) -> Option<Body> {
    keys.iter().find_map(|key| body.get(*key)?.as_array()).map(|items| Body::List(items.clone()))
}

/// Whether `body` has a string at `key`.
pub(crate) fn has_text(body: &serde_json::Value, key: &str) -> bool {
    body.get(key).is_some_and(serde_json::Value::is_string)
}
