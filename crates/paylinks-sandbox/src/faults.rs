//! Injected faults: error statuses, rate limits, delays and dropped connections for the next
//! N requests of a provider API (never for control requests).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::provider::Provider;
use crate::server::ConnHandle;
use crate::state::AppState;

/// What a fault does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FaultKind {
    /// Answer `status` with the provider's error body, without handling the request.
    Status,
    /// Answer 429 with the provider's error body and rate-limit headers.
    RateLimit,
    /// Wait `delay_ms`, then handle the request normally.
    Delay,
    /// Close the connection without a response, before handling the request.
    Drop,
    /// Handle the request (state changes happen), then close the connection without a
    /// complete response.
    DropResponse,
}

/// A queued fault.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Fault {
    /// The provider whose requests get the fault; `None` for any provider.
    pub(crate) provider: Option<Provider>,
    /// How many more requests get it.
    pub(crate) count: u32,
    /// What it does.
    pub(crate) kind: FaultKind,
    /// HTTP status of a `status` fault.
    pub(crate) status: u16,
    /// `Retry-After` of a `rate_limit` fault, in seconds.
    pub(crate) retry_after_secs: u64,
    /// Wait of a `delay` fault, in milliseconds.
    pub(crate) delay_ms: u64,
}

/// Faults in the order they were queued.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    faults: VecDeque<Fault>,
}

impl Queue {
    /// Queues a fault.
    pub(crate) fn push(&mut self, fault: Fault) {
        self.faults.push_back(fault);
    }

    /// The first fault that applies to a request of `provider`, counting it as used.
    pub(crate) fn take(&mut self, provider: Provider) -> Option<Fault> {
        let index = self.faults.iter().position(|f| f.provider.is_none_or(|p| p == provider))?;
        let fault = self.faults.get_mut(index)?;
        fault.count = fault.count.saturating_sub(1);
        let taken = fault.clone();
        if fault.count == 0 {
            self.faults.remove(index);
        }
        Some(taken)
    }

    /// The queue as JSON.
    pub(crate) fn to_json(&self) -> Value {
        serde_json::to_value(&self.faults).unwrap_or_else(|_| json!([]))
    }

    /// Forgets every fault.
    pub(crate) fn clear(&mut self) {
        self.faults.clear();
    }
}

/// Reads a fault request: `{"provider": "cashfree"|"razorpay"|"pinelabs"|null, "count": N,
/// "kind": "status"|"rate_limit"|"delay"|"drop"|"drop_response", "status": 500,
/// "retry_after_secs": n, "delay_ms": n}`.
pub(crate) fn parse(body: &Map<String, Value>) -> Result<Fault, String> {
    let provider = match body.get("provider") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(
            Provider::parse(name)
                .ok_or_else(|| format!("unknown provider `{name}` (cashfree, razorpay or pinelabs)"))?,
        ),
        Some(_) => return Err("`provider` must be a string or null".into()),
    };
    let kind = match body.get("kind").and_then(Value::as_str) {
        Some("status") => FaultKind::Status,
        Some("rate_limit") => FaultKind::RateLimit,
        Some("delay") => FaultKind::Delay,
        Some("drop") => FaultKind::Drop,
        Some("drop_response") => FaultKind::DropResponse,
        _ => return Err("`kind` must be one of status, rate_limit, delay, drop, drop_response".into()),
    };
    let number = |key: &str, default: u64| -> Result<u64, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(value) => value.as_u64().ok_or_else(|| format!("`{key}` must be a non-negative integer")),
        }
    };
    let count = u32::try_from(number("count", 1)?).map_err(|_| "`count` is too large".to_owned())?;
    if count == 0 {
        return Err("`count` must be at least 1".into());
    }
    let status = number("status", 500)?;
    if !(400..=599).contains(&status) {
        return Err("`status` must be an HTTP error status (400-599)".into());
    }
    let retry_after_secs = number("retry_after_secs", 1)?;
    let delay_ms = number("delay_ms", 1000)?;
    if delay_ms > 60_000 {
        return Err("`delay_ms` must be at most 60000".into());
    }
    Ok(Fault { provider, count, kind, status: status as u16, retry_after_secs, delay_ms })
}

/// The state the fault middleware of one provider's router needs.
#[derive(Clone)]
pub(crate) struct FaultScope {
    /// The sandbox state.
    pub(crate) app: Arc<AppState>,
    /// Whose requests this middleware sees.
    pub(crate) provider: Provider,
}

/// Middleware: applies the next queued fault of the scope's provider, if any.
pub(crate) async fn inject(State(scope): State<FaultScope>, request: Request, next: Next) -> Response {
    let fault = scope.app.lock().faults.take(scope.provider);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let connection = request.extensions().get::<ConnectInfo<ConnHandle>>().map(|info| info.0.clone());
    match fault.kind {
        FaultKind::Status => {
            let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            scope.provider.fault_status(status)
        }
        FaultKind::RateLimit => scope.provider.rate_limited(fault.retry_after_secs),
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
            next.run(request).await
        }
        FaultKind::Drop => dropped(connection, Response::new(Body::empty())),
        FaultKind::DropResponse => {
            let response = next.run(request).await;
            dropped(connection, response)
        }
    }
}

/// Makes sure `response` never reaches the client complete: the connection is killed (under
/// [`crate::Sandbox`]), or, when the router is embedded elsewhere and there is no connection
/// handle, the body fails so that the server aborts the connection.
fn dropped(connection: Option<ConnHandle>, response: Response) -> Response {
    match connection {
        Some(connection) => {
            connection.kill();
            response
        }
        None => {
            let (parts, _) = response.into_parts();
            Response::from_parts(parts, Body::from_stream(BrokenBody))
        }
    }
}

/// A body stream whose first chunk is an error.
struct BrokenBody;

impl futures_core::Stream for BrokenBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(Some(Err(std::io::Error::other("connection dropped by a sandbox fault"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(provider: Option<Provider>, count: u32) -> Fault {
        Fault { provider, count, kind: FaultKind::Status, status: 500, retry_after_secs: 1, delay_ms: 0 }
    }

    #[test]
    fn takes_in_order_and_counts() {
        let mut queue = Queue::default();
        queue.push(fault(Some(Provider::Razorpay), 2));
        queue.push(fault(None, 1));
        assert!(queue.take(Provider::Cashfree).is_some_and(|f| f.provider.is_none()));
        assert!(queue.take(Provider::Cashfree).is_none());
        assert!(queue.take(Provider::Razorpay).is_some());
        assert!(queue.take(Provider::Razorpay).is_some());
        assert!(queue.take(Provider::Razorpay).is_none());
    }

    #[test]
    fn parses_and_rejects() {
        let ok = parse(json!({"provider": "pinelabs", "kind": "rate_limit", "count": 3}).as_object().unwrap()).unwrap();
        assert_eq!((ok.provider, ok.kind, ok.count), (Some(Provider::Pinelabs), FaultKind::RateLimit, 3));
        assert!(parse(json!({"kind": "explode"}).as_object().unwrap()).is_err());
        assert!(parse(json!({"kind": "status", "status": 200}).as_object().unwrap()).is_err());
        assert!(parse(json!({"kind": "drop", "provider": "stripe"}).as_object().unwrap()).is_err());
    }
}
