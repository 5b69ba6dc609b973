//! Cancels and notifications a provider refused: explaining the refusal by the link's state
//! ([`Error::InvalidState`]), and recognising the link an earlier, lost attempt cancelled.

use std::future::Future;

use super::wire::Call;
use crate::api::LinkApi;
use crate::{Error, LinkStatus, PaymentLink, RetryPolicy};

/// A single attempt: listing after a retried create, or a create without a reference, must
/// not start retries of its own.
#[allow(dead_code, reason = "only link APIs that find a link by reference after a refused create use it")]
pub(crate) static ONE_ATTEMPT: RetryPolicy = RetryPolicy::none();

/// Whether a refused operation (`cancel`, `resend_notification`) is explained by the state of
/// the link read back after the refusal: a link API's
/// [`LinkApi::refusal_is_state`](crate::api::LinkApi::refusal_is_state).
pub(crate) type StateRule = fn(&str, &PaymentLink) -> bool;

/// Runs a cancel or a notification of link API `A` under the retry policy; a refusal is
/// explained by the link's state, read with `A::get` (itself retried under the policy when the
/// read meets a transient failure) and judged by [`LinkApi::refusal_is_state`] (see
/// [`explain_refusal`]). `already_done` turns the link an earlier, lost attempt already
/// cancelled into the operation's result.
pub(crate) async fn state_checked<A: LinkApi, T, OpFut>(
    call: &Call,
    retry: &RetryPolicy,
    client: &A::Client,
    operation: impl Fn() -> OpFut,
    already_done: fn(PaymentLink) -> T,
) -> Result<T, Error>
where
    OpFut: Future<Output = Result<T, Error>>,
{
    retry
        .run(|attempt| {
            let operation = &operation;
            async move {
                match operation().await {
                    Err(error) => {
                        let current = A::get(client, retry, &call.id);
                        explain_refusal(call, attempt, A::refusal_is_state, error, current).await.map(already_done)
                    }
                    ok => ok,
                }
            }
        })
        .await
}

/// After a provider refused a cancel or a notification: when the link's state explains the
/// refusal, an [`Error::InvalidState`] that names the state; when an earlier attempt of a
/// retried cancel already cancelled the link (its response was lost), the link; when the
/// state cannot be read after a retry, the read's transient error (the outcome is unknown);
/// otherwise the refusal.
async fn explain_refusal<Fut>(
    call: &Call,
    attempt: u32,
    is_state: StateRule,
    error: Error,
    current: Fut,
) -> Result<PaymentLink, Error>
where
    Fut: Future<Output = Result<PaymentLink, Error>>,
{
    let message = match &error {
        Error::Provider { status: 400 | 409 | 422, message, code, .. } => {
            message.clone().or_else(|| code.clone()).unwrap_or_default()
        }
        Error::InvalidRequest { message, .. } => message.clone(),
        _ => return Err(error),
    };
    let link = match current.await {
        Ok(link) => link,
        // After a retry, the refusal may answer this call's own earlier attempt, which did
        // what was asked but whose response was lost: only the state can tell, and it could
        // not be read. The read's transient error says "unknown" where the refusal would say
        // "failed" (found by the fault soak, tests/soak.rs).
        Err(unread) if attempt > 1 && unread.is_transient() => return Err(unread),
        Err(_) => return Err(error),
    };
    if call.operation == "cancel" && attempt > 1 && link.status == LinkStatus::Cancelled {
        return Ok(link);
    }
    if !is_state(call.operation, &link) {
        return Err(error);
    }
    Err(Error::InvalidState {
        provider: call.provider,
        id: call.id.clone(),
        operation: call.operation,
        provider_status: Some(link.provider_status),
        message,
    })
}
