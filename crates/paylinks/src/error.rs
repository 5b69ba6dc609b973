//! The facade's one error type.

use std::time::Duration;

use crate::Provider;

/// Everything a facade call can fail with. Match on the variant; `Display` says what happened
/// and names the provider, never a secret nor a response body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The link does not exist (or is not visible to these credentials).
    #[error("{provider}: link {id} not found")]
    NotFound {
        /// The provider.
        provider: Provider,
        /// The id asked for.
        id: String,
    },
    /// The link's state forbids the operation: a refused cancel (of a paid link, say) or a
    /// refused resend of its notification (of a cancelled link, say). The provider refused it;
    /// paylinks read the link back to name its state.
    #[error("{provider}: cannot {operation} link {id} in its current state{}: {message}", status_suffix(.provider_status))]
    InvalidState {
        /// The provider.
        provider: Provider,
        /// The link.
        id: String,
        /// What was attempted (`cancel`, `resend_notification`).
        operation: &'static str,
        /// The provider's status of the link, when known.
        provider_status: Option<String>,
        /// The provider's message.
        message: String,
    },
    /// The request breaks a rule of the provider, found before sending or by the provider.
    #[error("{provider}: invalid {field}: {message}")]
    InvalidRequest {
        /// The provider whose rule it is.
        provider: Provider,
        /// The field (`amount`, `customer.phone`, `notes`...).
        field: String,
        /// The rule that failed.
        message: String,
    },
    /// The credentials were refused.
    #[error("{provider}: credentials refused: {message}")]
    Unauthorized {
        /// The provider.
        provider: Provider,
        /// The provider's message.
        message: String,
    },
    /// Too many requests; wait `retry_after` when the provider said how long.
    #[error("{provider}: rate limited{}", retry_suffix(.retry_after))]
    RateLimited {
        /// The provider.
        provider: Provider,
        /// How long the provider asked to wait.
        retry_after: Option<Duration>,
    },
    /// The provider does not offer this operation.
    #[error("{provider} does not support {operation}")]
    Unsupported {
        /// The provider.
        provider: Provider,
        /// The operation (`resend_notification`, `list`...).
        operation: &'static str,
    },
    /// Any other error the provider answered with.
    #[error("{provider} answered HTTP {status}{}{}", code_suffix(.code), message_suffix(.message))]
    Provider {
        /// The provider.
        provider: Provider,
        /// The HTTP status.
        status: u16,
        /// The provider's error code.
        code: Option<String>,
        /// The provider's message.
        message: Option<String>,
    },
    /// A saved body given to [`decode_link`](crate::decode_link) or
    /// [`decode_body`](crate::decode_body) is the provider's error answer, not a link: its
    /// code and message, as the provider sent them.
    #[error("{provider}: the body is {provider}'s error answer, not a link{}{}", code_suffix(.code), message_suffix(.message))]
    ErrorBody {
        /// The provider.
        provider: Provider,
        /// The provider's error code (`link_post_failed`, `BAD_REQUEST_ERROR`).
        code: Option<String>,
        /// The provider's message.
        message: Option<String>,
    },
    /// The request or response did not make it across the network, or timed out.
    #[error("{provider}: transport error: {message}")]
    Transport {
        /// The provider.
        provider: Provider,
        /// What failed.
        message: String,
    },
    /// The response does not decode, or does not make sense as a link (no amount, an amount
    /// with more decimals than its currency...).
    #[error("{provider}: {operation} response cannot be read: {message}")]
    Decode {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: &'static str,
        /// What is wrong (no body content).
        message: String,
    },
    /// The facade is not configured for this: a missing environment variable, a provider not
    /// enabled.
    #[error("{message}")]
    Config {
        /// What is missing, naming the variables to set.
        message: String,
    },
    /// A webhook delivery given to [`Webhooks::verify`](crate::Webhooks::verify) was refused:
    /// a missing or malformed header, a signature that does not match the body, a timestamp
    /// outside the replay window, an empty or oversized body, or a body that is not one of
    /// the provider's events. Answer the delivery with a 4xx and do not act on it.
    #[error(transparent)]
    Webhook(#[from] crate::WebhookError),
    /// A redirect back to the merchant given to
    /// [`Paylinks::verify_return`](crate::Paylinks::verify_return) was refused: a missing or
    /// malformed parameter, or a signature that does not match. Do not treat the payment as
    /// made; show the customer a neutral page and check the link with
    /// [`Paylinks::get`](crate::Paylinks::get).
    #[error(transparent)]
    Return(#[from] crate::ReturnError),
}

fn status_suffix(status: &Option<String>) -> String {
    status.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    retry_after.map(|d| format!("; retry after {} s", d.as_secs())).unwrap_or_default()
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(": {c}")).unwrap_or_default()
}

fn message_suffix(message: &Option<String>) -> String {
    message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
}

impl Error {
    /// The provider the error is about, when there is one.
    pub fn provider(&self) -> Option<Provider> {
        match self {
            Self::NotFound { provider, .. }
            | Self::InvalidState { provider, .. }
            | Self::InvalidRequest { provider, .. }
            | Self::Unauthorized { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::Unsupported { provider, .. }
            | Self::Provider { provider, .. }
            | Self::Transport { provider, .. }
            | Self::ErrorBody { provider, .. }
            | Self::Decode { provider, .. } => Some(*provider),
            Self::Webhook(refusal) => refusal.provider().parse().ok(),
            Self::Return(refusal) => Some(refusal.provider()),
            Self::Config { .. } => None,
        }
    }

    /// Whether trying again later may succeed (transport errors, 429, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::RateLimited { .. } => true,
            Self::Provider { status, .. } => *status >= 500,
            _ => false,
        }
    }

    pub(crate) fn invalid(provider: Provider, field: &str, message: impl Into<String>) -> Self {
        Self::InvalidRequest { provider, field: field.to_owned(), message: message.into() }
    }
}

/// Result of a facade call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
