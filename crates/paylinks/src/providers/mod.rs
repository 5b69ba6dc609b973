//! One module per provider: validation of a [`CreateLink`](crate::CreateLink), the mapping of
//! the generated wire types to and from the facade's, and the mapping of errors.
//!
//! What every provider shares lives here: turning a provider crate's
//! [`ApiError`](paylinks_core::ApiError) into the facade's [`Error`].

#[cfg(feature = "cashfree")]
pub(crate) mod cashfree;
#[cfg(feature = "pinelabs")]
pub(crate) mod pinelabs;
#[cfg(feature = "razorpay")]
pub(crate) mod razorpay;
#[cfg(feature = "razorpay")]
pub(crate) mod razorpay_invoice;

use paylinks_core::{ApiError, ErrorBody};

use crate::{Error, Provider};

/// A single attempt: reading a link's state to explain a refusal, or listing after a
/// retried create, must not start retries of its own.
pub(crate) static ONE_ATTEMPT: crate::RetryPolicy = crate::RetryPolicy::none();

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
#[cfg(any(feature = "razorpay", feature = "pinelabs"))]
pub(crate) fn optional<T, V>(provider: Provider, name: &str, value: Option<V>) -> Result<Option<T>, Error>
where
    T: TryFrom<V>,
    T::Error: std::fmt::Display,
{
    value.map(|v| field(provider, name, v)).transpose()
}

/// A random id of `len` ASCII letters and digits, for references the provider requires.
#[cfg(any(feature = "cashfree", feature = "pinelabs"))]
pub(crate) fn random_id(prefix: &str, len: usize) -> String {
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    id.extend(std::iter::repeat_with(fastrand::alphanumeric).take(len));
    id
}

/// Checks a merchant reference: at most `max` characters of `A-Z a-z 0-9 - _`.
#[cfg(any(feature = "cashfree", feature = "pinelabs"))]
pub(crate) fn check_reference(provider: Provider, reference: &str, max: usize) -> Result<(), Error> {
    let valid = !reference.is_empty()
        && reference.len() <= max
        && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(provider, "reference", format!("must be 1 to {max} characters of A-Z, a-z, 0-9, - and _")))
    }
}

/// Checks the fields every provider shares: a positive amount, a partial minimum that makes
/// sense.
pub(crate) fn check_common(provider: Provider, link: &crate::CreateLink) -> Result<(), Error> {
    if link.amount.minor <= 0 {
        return Err(Error::invalid(provider, "amount", "must be greater than zero"));
    }
    if let Some(minimum) = link.minimum_partial_amount {
        if !link.partial_payments {
            return Err(Error::invalid(provider, "minimum_partial_amount", "is set but partial payments are off"));
        }
        if minimum.currency != link.amount.currency {
            return Err(Error::invalid(provider, "minimum_partial_amount", "must be in the link's currency"));
        }
        if minimum.minor <= 0 || minimum.minor > link.amount.minor {
            return Err(Error::invalid(provider, "minimum_partial_amount", "must be positive and at most the amount"));
        }
    }
    Ok(())
}

/// Runs a create whose retries the provider's uniqueness of the merchant reference makes
/// safe (Razorpay `reference_id`, invoice `receipt`). When a retry is refused as a duplicate
/// (`duplicate` says which refusals are), an earlier attempt created the link and its response
/// was lost: the link is looked up by its reference with `find`. When none has it, the
/// refusal stands. Without a reference nothing tells a retry from a second link, so the
/// create is attempted once.
#[cfg(feature = "razorpay")]
pub(crate) async fn created_once<Op, OpFut, Find, FindFut>(
    retry: &crate::RetryPolicy,
    reference: Option<&str>,
    create: Op,
    duplicate: fn(&Error) -> bool,
    find: Find,
) -> Result<crate::PaymentLink, Error>
where
    Op: Fn() -> OpFut,
    OpFut: std::future::Future<Output = Result<crate::PaymentLink, Error>>,
    Find: Fn() -> FindFut,
    FindFut: std::future::Future<Output = Result<Vec<crate::PaymentLink>, Error>>,
{
    let retry = if reference.is_some() { retry } else { &ONE_ATTEMPT };
    retry
        .run(|attempt| {
            let (create, find) = (&create, &find);
            async move {
                match create().await {
                    Err(refused) if attempt > 1 && duplicate(&refused) => {
                        find().await?.into_iter().next().ok_or(refused)
                    }
                    other => other,
                }
            }
        })
        .await
}

/// Runs a cancel or a notification under the retry policy; a refusal is explained by the
/// link's state, read with `current` (see [`explain_refusal`]). `already_done` turns the link
/// an earlier, lost attempt already cancelled into the operation's result.
pub(crate) async fn state_checked<T, Op, OpFut, Cur, CurFut>(
    call: &Call,
    retry: &crate::RetryPolicy,
    operation: Op,
    current: Cur,
    already_done: fn(crate::PaymentLink) -> T,
) -> Result<T, Error>
where
    Op: Fn() -> OpFut,
    OpFut: std::future::Future<Output = Result<T, Error>>,
    Cur: Fn() -> CurFut,
    CurFut: std::future::Future<Output = Result<crate::PaymentLink, Error>>,
{
    retry
        .run(|attempt| {
            let (operation, current) = (&operation, &current);
            async move {
                match operation().await {
                    Err(error) => explain_refusal(call, attempt, error, current()).await.map(already_done),
                    ok => ok,
                }
            }
        })
        .await
}

/// After a provider refused a cancel or a notification: when the link's state explains the
/// refusal, a [`Error::NotCancellable`] that names the state; when an earlier attempt of a
/// retried cancel already cancelled the link (its response was lost), the link.
async fn explain_refusal<Fut>(
    call: &Call,
    attempt: u32,
    error: Error,
    current: Fut,
) -> Result<crate::PaymentLink, Error>
where
    Fut: std::future::Future<Output = Result<crate::PaymentLink, Error>>,
{
    let message = match &error {
        Error::Provider { status: 400 | 409 | 422, message, code, .. } => {
            message.clone().or_else(|| code.clone()).unwrap_or_default()
        }
        Error::InvalidRequest { message, .. } => message.clone(),
        _ => return Err(error),
    };
    let Ok(link) = current.await else { return Err(error) };
    let cancelling = call.operation == "cancel";
    if cancelling && attempt > 1 && link.status == crate::LinkStatus::Cancelled {
        return Ok(link);
    }
    let forbidden = match call.provider {
        // Pine Labs cancels and notifies only CREATED links, though CLICKED and
        // PAYMENT_INITIATED ones are still payable (active).
        Provider::Pinelabs => link.provider_status != "CREATED",
        _ if cancelling => link.status != crate::LinkStatus::Active,
        _ => !link.status.is_payable(),
    };
    if !forbidden {
        return Err(error);
    }
    Err(Error::NotCancellable {
        provider: call.provider,
        id: call.id.clone(),
        operation: call.operation,
        provider_status: Some(link.provider_status),
        message,
    })
}
