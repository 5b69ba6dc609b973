use std::fmt;
use std::time::Duration;

use progenitor_client::{Error as ClientError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// What paylinks needs to know about a provider's error body, and the response headers that
/// come with it.
///
/// Each provider crate implements it for the error schema of its spec.
pub trait ErrorBody {
    /// The provider's name, as errors print it: lower case, one word (the crate name without
    /// `paylinks-`).
    const PROVIDER: &'static str;

    /// Response headers that say how many seconds to wait before retrying, read in this
    /// order; the first one holding a whole number above 0 becomes
    /// [`ApiError::Provider::retry_after`](ApiError::Provider). Lower case.
    ///
    /// Default: `retry-after` (RFC 9110, section 10.2.3; the delay-seconds form only). A
    /// provider with its own header lists it after `retry-after`.
    const RETRY_AFTER_HEADERS: &'static [&'static str] = &["retry-after"];

    /// Response headers that carry the provider's request id, read in this order; the first
    /// one present (and visible ASCII) becomes `request_id`. Lower case.
    ///
    /// Default: `x-request-id`, then `request-id`. A provider with its own header lists it
    /// after those.
    const REQUEST_ID_HEADERS: &'static [&'static str] = &["x-request-id", "request-id"];

    /// The provider's machine-readable error code (`BAD_REQUEST_ERROR`, `request_failed`).
    fn code(&self) -> Option<String>;

    /// The provider's human-readable message.
    fn message(&self) -> Option<&str>;

    /// A body of this provider's error schema standing in for an error response whose body
    /// was not JSON (an HTML page from a proxy, an empty 502). It says what arrived and
    /// carries none of it, so the status and headers reach the caller typed.
    fn non_json_stand_in(info: &crate::http::NonJsonBody) -> serde_json::Value;
}

/// The error of a provider call.
///
/// `Display` never prints a response body (bodies hold customer data) nor a credential: it
/// prints the provider, the HTTP status, and the provider's error code and message.
pub enum ApiError<E> {
    /// The provider answered with a documented error status and its error body.
    Provider {
        /// The HTTP status.
        status: StatusCode,
        /// The decoded error body.
        body: E,
        /// The provider's request id: the first of its [`ErrorBody::REQUEST_ID_HEADERS`] it
        /// sent.
        request_id: Option<String>,
        /// How long the provider asked us to wait: the first of the provider's
        /// [`ErrorBody::RETRY_AFTER_HEADERS`] it sent, in whole seconds.
        retry_after: Option<Duration>,
    },
    /// The provider answered with a status its spec does not document.
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The provider's request id, as for [`ApiError::Provider`].
        request_id: Option<String>,
        /// How long the provider asked us to wait (a 429), as for [`ApiError::Provider`].
        retry_after: Option<Duration>,
    },
    /// The request was not sent: a required field was missing or a value was invalid.
    InvalidRequest(String),
    /// The request or the response did not make it across the network.
    Transport(reqwest::Error),
    /// The response arrived but does not decode as the spec describes.
    Decode {
        /// Where in the body and what kind of mismatch (no body content).
        message: String,
    },
    /// A client hook failed (fetching an access token, say).
    Hook(String),
}

impl<E: ErrorBody> ApiError<E> {
    /// The HTTP status, when the provider answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Provider { status, .. } | Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::Transport(error) => error.status(),
            _ => None,
        }
    }

    /// The decoded error body, when the provider sent one.
    pub fn body(&self) -> Option<&E> {
        match self {
            Self::Provider { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The provider's error code, when it sent one.
    pub fn code(&self) -> Option<String> {
        self.body().and_then(ErrorBody::code)
    }

    /// The provider's request id (from its [`ErrorBody::REQUEST_ID_HEADERS`]), when the
    /// provider answered with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Provider { request_id, .. } | Self::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the provider asked us to wait before retrying (from its
    /// [`ErrorBody::RETRY_AFTER_HEADERS`], whole seconds), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Provider { retry_after, .. } | Self::UnexpectedStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// How long to wait: the first of `E::RETRY_AFTER_HEADERS` holding whole seconds above 0.
pub(crate) fn retry_after<E: ErrorBody>(headers: &HeaderMap) -> Option<Duration> {
    E::RETRY_AFTER_HEADERS.iter().find_map(|name| {
        let seconds: u64 = headers.get(*name)?.to_str().ok()?.trim().parse().ok()?;
        (seconds > 0).then(|| Duration::from_secs(seconds))
    })
}

/// The provider's request id: the first of `E::REQUEST_ID_HEADERS` present.
pub(crate) fn request_id<E: ErrorBody>(headers: &HeaderMap) -> Option<String> {
    E::REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

/// From the error of a generated call: the status, the typed body, and the request id and
/// retry delay read from the headers `E` names ([`ErrorBody::REQUEST_ID_HEADERS`],
/// [`ErrorBody::RETRY_AFTER_HEADERS`]).
impl<E: ErrorBody> From<ClientError<E>> for ApiError<E> {
    fn from(error: ClientError<E>) -> Self {
        match error {
            ClientError::ErrorResponse(value) => provider_error(value),
            ClientError::UnexpectedResponse(response) => Self::UnexpectedStatus {
                status: response.status(),
                request_id: request_id::<E>(response.headers()),
                retry_after: retry_after::<E>(response.headers()),
            },
            ClientError::InvalidRequest(message) => Self::InvalidRequest(message),
            ClientError::CommunicationError(error) | ClientError::ResponseBodyError(error) => Self::Transport(error),
            ClientError::InvalidResponsePayload(_body, error) => Self::Decode { message: describe_json_error(&error) },
            ClientError::InvalidUpgrade(error) => Self::Transport(error),
            ClientError::Custom(message) => Self::Hook(message),
        }
    }
}

fn provider_error<E: ErrorBody>(value: ResponseValue<E>) -> ApiError<E> {
    let status = value.status();
    let request_id = request_id::<E>(value.headers());
    let retry_after = retry_after::<E>(value.headers());
    ApiError::Provider { status, body: value.into_inner(), request_id, retry_after }
}

/// Describes a JSON decoding error by position and kind only: serde's own message quotes the
/// offending value, which can be customer data.
pub fn describe_json_error(error: &serde_json::Error) -> String {
    let kind = match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "a value of the wrong type or shape",
        serde_json::error::Category::Eof => "the body ended early",
    };
    format!("{kind} at line {} column {}", error.line(), error.column())
}

impl<E: ErrorBody> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let provider = E::PROVIDER;
        match self {
            Self::Provider { status, body, .. } => {
                write!(f, "{provider} answered HTTP {}", status.as_u16())?;
                match (body.code(), body.message()) {
                    (Some(code), Some(message)) => write!(f, ": {code}: {message}"),
                    (Some(code), None) => write!(f, ": {code}"),
                    (None, Some(message)) => write!(f, ": {message}"),
                    (None, None) => Ok(()),
                }
            }
            Self::UnexpectedStatus { status, .. } => {
                write!(f, "{provider} answered HTTP {}, a status its API does not document", status.as_u16())
            }
            Self::InvalidRequest(message) => write!(f, "{provider}: request not sent: {message}"),
            Self::Transport(error) => write!(f, "{provider}: transport error: {error}"),
            Self::Decode { message } => {
                write!(f, "{provider}: the response does not match the API's schema: {message}")
            }
            Self::Hook(message) => write!(f, "{provider}: {message}"),
        }
    }
}

impl<E: ErrorBody> fmt::Debug for ApiError<E> {
    /// Like `Display`, plus the request id: never the body, whose fields can hold customer data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Provider { request_id, retry_after, .. } => f
                .debug_struct("ApiError")
                .field("error", &self.to_string())
                .field("request_id", request_id)
                .field("retry_after", retry_after)
                .finish(),
            _ => f.debug_tuple("ApiError").field(&self.to_string()).finish(),
        }
    }
}

impl<E: ErrorBody> std::error::Error for ApiError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider that keeps the default headers.
    #[derive(Debug)]
    struct Plain;

    impl ErrorBody for Plain {
        const PROVIDER: &'static str = "plain";
        fn code(&self) -> Option<String> {
            None
        }
        fn message(&self) -> Option<&str> {
            None
        }
        fn non_json_stand_in(_: &crate::http::NonJsonBody) -> serde_json::Value {
            serde_json::Value::Null
        }
    }

    /// A provider with its own retry and request-id headers.
    #[derive(Debug)]
    struct Own;

    impl ErrorBody for Own {
        const PROVIDER: &'static str = "own";
        const RETRY_AFTER_HEADERS: &'static [&'static str] = &["retry-after", "x-own-retry"];
        const REQUEST_ID_HEADERS: &'static [&'static str] = &["x-request-id", "x-own-request-id"];
        fn code(&self) -> Option<String> {
            None
        }
        fn message(&self) -> Option<&str> {
            None
        }
        fn non_json_stand_in(_: &crate::http::NonJsonBody) -> serde_json::Value {
            serde_json::Value::Null
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (reqwest::header::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    fn provider<E: ErrorBody>(body: E, pairs: &[(&'static str, &'static str)]) -> ApiError<E> {
        ApiError::from(ClientError::ErrorResponse(ResponseValue::new(
            body,
            StatusCode::TOO_MANY_REQUESTS,
            headers(pairs),
        )))
    }

    fn unexpected<E: ErrorBody>(pairs: &[(&'static str, &'static str)]) -> ApiError<E> {
        let mut response = http::Response::new(Vec::<u8>::new());
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        *response.headers_mut() = headers(pairs);
        ApiError::from(ClientError::UnexpectedResponse(reqwest::Response::from(response)))
    }

    fn parts<E: ErrorBody>(error: &ApiError<E>) -> (Option<String>, Option<Duration>) {
        assert!(error.status().is_some(), "not a status error: {error}");
        (error.request_id().map(str::to_owned), error.retry_after())
    }

    const OWN_HEADERS: &[(&str, &str)] = &[("x-own-retry", "7"), ("x-own-request-id", "req-own")];

    #[test]
    fn the_default_headers_are_retry_after_and_x_request_id() {
        let sent = [("retry-after", "3"), ("x-request-id", "req-1")];
        let expected = (Some("req-1".to_owned()), Some(Duration::from_secs(3)));
        assert_eq!(parts(&provider(Plain, &sent)), expected);
        assert_eq!(parts(&unexpected::<Plain>(&sent)), expected);
        assert_eq!(parts(&provider(Plain, &[("request-id", "req-2")])).0.as_deref(), Some("req-2"));
    }

    #[test]
    fn a_provider_reads_its_own_headers_and_no_other() {
        let expected = (Some("req-own".to_owned()), Some(Duration::from_secs(7)));
        assert_eq!(parts(&provider(Own, OWN_HEADERS)), expected);
        assert_eq!(parts(&unexpected::<Own>(OWN_HEADERS)), expected);
        assert_eq!(parts(&provider(Plain, OWN_HEADERS)), (None, None), "another provider's headers are not read");
    }

    #[test]
    fn headers_are_read_in_order_and_zero_or_garbage_is_no_delay() {
        let both = [("retry-after", "2"), ("x-own-retry", "9")];
        assert_eq!(parts(&provider(Own, &both)).1, Some(Duration::from_secs(2)));
        let zero = [("retry-after", "0"), ("x-own-retry", "9")];
        assert_eq!(parts(&provider(Own, &zero)).1, Some(Duration::from_secs(9)));
        let garbage = [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")];
        assert_eq!(parts(&provider(Plain, &garbage)).1, None);
    }
}
