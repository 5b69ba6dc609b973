//! Tracing: what the HTTP span of every provider call carries, and the attempt number the
//! facade's retries hand down to it.
//!
//! Every request a generated client sends runs inside one `http.client` span (level INFO,
//! target `paylinks_core::trace`) whose fields follow OpenTelemetry's HTTP-client semantic
//! conventions (<https://opentelemetry.io/docs/specs/semconv/http/http-spans/>):
//!
//! | field | value |
//! |---|---|
//! | `otel.name` | `{method} {url.template}` (`GET /links/{link_id}`) |
//! | `otel.kind` | `client` |
//! | `http.request.method` | `GET`, `POST`... |
//! | `url.template` | the spec's path template (`/links/{link_id}`), never the filled-in path |
//! | `server.address`, `server.port` | the host and port of the request |
//! | `http.response.status_code` | the status, once a response arrived |
//! | `error.type` | the status code for a 4xx/5xx, `timeout`, `connect`, `request` or `body` when none arrived |
//! | `paylinks.provider` | `cashfree`, `razorpay`, `pinelabs` |
//! | `paylinks.operation` | the spec's `operationId` (`fetchLink`) |
//! | `paylinks.attempt` | 1 for the first attempt, 2 for the first retry... |
//! | `paylinks.request_id` | the provider's request id header, when it sent one |
//!
//! A 429 adds a `paylinks.rate_limited` event (WARN) with `retry_after_s`. No field ever
//! holds a header value other than the request id, a query string, a body or a credential.
//! The macros of `tracing` evaluate nothing when no subscriber listens.

use std::future::Future;

tokio::task_local! {
    static ATTEMPT: u32;
}

/// Runs `call` as attempt `attempt` (from 1): the HTTP spans it opens carry that number as
/// `paylinks.attempt`. A call outside any `with_attempt` is attempt 1.
pub async fn with_attempt<F: Future>(attempt: u32, call: F) -> F::Output {
    ATTEMPT.scope(attempt, call).await
}

/// The attempt number set by the innermost [`with_attempt`], or 1.
pub fn attempt() -> u32 {
    ATTEMPT.try_with(|attempt| *attempt).unwrap_or(1)
}

/// One operation of a generated client, as its HTTP span names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The id progenitor's `OperationInfo` carries: the `operationId` in snake case
    /// (`create_link`).
    pub id: &'static str,
    /// The spec's `operationId` (`createLink`).
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The spec's path template (`/links/{link_id}`).
    pub url_template: &'static str,
}

/// The row of progenitor's operation id `id` in a generated client's table of operations
/// (`OPERATIONS`, written by `cargo xtask generate`).
pub fn find<'a>(operations: &'a [Operation], id: &str) -> Option<&'a Operation> {
    operations.iter().find(|op| op.id == id)
}

/// OpenTelemetry's `error.type` for a request that got no response.
pub(crate) fn transport_error_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else {
        "request"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_attempt_is_one_outside_a_retry_and_the_given_number_inside() {
        assert_eq!(attempt(), 1);
        assert_eq!(with_attempt(3, async { attempt() }).await, 3);
        assert_eq!(with_attempt(2, with_attempt(4, async { attempt() })).await, 4);
    }

    #[test]
    fn templates_are_found_by_operation_id() {
        let ops = [Operation {
            id: "fetch_link",
            operation_id: "fetchLink",
            method: "GET",
            url_template: "/links/{link_id}",
        }];
        assert_eq!(find(&ops, "fetch_link").map(|op| op.url_template), Some("/links/{link_id}"));
        assert_eq!(find(&ops, "other"), None);
    }
}
