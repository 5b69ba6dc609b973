use std::fmt;
use std::time::Duration;

use progenitor_client::{Error as ClientError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// What paylinks needs to know about a provider's error body.
///
/// Each provider crate implements it for the error schema of its spec.
pub trait ErrorBody {
    /// The provider's name, as errors print it (`cashfree`, `razorpay`, `pinelabs`).
    const PROVIDER: &'static str;

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
        /// The provider's request id header, when it sent one.
        request_id: Option<String>,
        /// How long the provider asked us to wait (`Retry-After`, Cashfree `x-ratelimit-retry`).
        retry_after: Option<Duration>,
    },
    /// The provider answered with a status its spec does not document.
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The provider's request id header, when it sent one.
        request_id: Option<String>,
        /// How long the provider asked us to wait, for a 429.
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
    /// A client hook failed (for Pine Labs: fetching the access token).
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
}

/// Reads how long to wait from `Retry-After` (seconds) or Cashfree's `x-ratelimit-retry`.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    ["retry-after", "x-ratelimit-retry"].iter().find_map(|name| {
        let seconds: u64 = headers.get(*name)?.to_str().ok()?.trim().parse().ok()?;
        (seconds > 0).then(|| Duration::from_secs(seconds))
    })
}

/// Reads the provider's request id from the response headers.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id", "x-razorpay-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned))
}

impl<E> From<ClientError<E>> for ApiError<E> {
    fn from(error: ClientError<E>) -> Self {
        match error {
            ClientError::ErrorResponse(value) => provider_error(value),
            ClientError::UnexpectedResponse(response) => Self::UnexpectedStatus {
                status: response.status(),
                request_id: request_id(response.headers()),
                retry_after: retry_after(response.headers()),
            },
            ClientError::InvalidRequest(message) => Self::InvalidRequest(message),
            ClientError::CommunicationError(error) | ClientError::ResponseBodyError(error) => Self::Transport(error),
            ClientError::InvalidResponsePayload(_body, error) => Self::Decode { message: describe_json_error(&error) },
            ClientError::InvalidUpgrade(error) => Self::Transport(error),
            ClientError::Custom(message) => Self::Hook(message),
        }
    }
}

fn provider_error<E>(value: ResponseValue<E>) -> ApiError<E> {
    let status = value.status();
    let request_id = request_id(value.headers());
    let retry_after = retry_after(value.headers());
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
