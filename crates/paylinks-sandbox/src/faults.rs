//! Injected faults: error statuses, rate limits, delays and dropped connections for the next
//! N requests of a provider API (never for control requests). This module keeps the queue;
//! `inject.rs` applies it.

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::{Map, Value, json};

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
    /// The name of the provider whose requests get the fault; `None` for any provider.
    pub(crate) provider: Option<&'static str>,
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
    pub(crate) fn take(&mut self, provider: &str) -> Option<Fault> {
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

/// Reads a fault request: `{"provider": <one of providers>|null, "count": N,
/// "kind": "status"|"rate_limit"|"delay"|"drop"|"drop_response", "status": 500,
/// "retry_after_secs": n, "delay_ms": n}`.
pub(crate) fn parse(body: &Map<String, Value>, providers: &[&'static str]) -> Result<Fault, String> {
    let provider = match body.get("provider") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(
            providers
                .iter()
                .copied()
                .find(|known| known == name)
                .ok_or_else(|| format!("unknown provider `{name}` ({})", providers.join(", ")))?,
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

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDERS: &[&str] = &["alpha", "beta", "gamma"];

    fn fault(provider: Option<&'static str>, count: u32) -> Fault {
        Fault { provider, count, kind: FaultKind::Status, status: 500, retry_after_secs: 1, delay_ms: 0 }
    }

    #[test]
    fn takes_in_order_and_counts() {
        let mut queue = Queue::default();
        queue.push(fault(Some("beta"), 2));
        queue.push(fault(None, 1));
        assert!(queue.take("alpha").is_some_and(|f| f.provider.is_none()));
        assert!(queue.take("alpha").is_none());
        assert!(queue.take("beta").is_some());
        assert!(queue.take("beta").is_some());
        assert!(queue.take("beta").is_none());
    }

    #[test]
    fn parses_and_rejects() {
        let ok = parse(json!({"provider": "gamma", "kind": "rate_limit", "count": 3}).as_object().unwrap(), PROVIDERS)
            .unwrap();
        assert_eq!((ok.provider, ok.kind, ok.count), (Some("gamma"), FaultKind::RateLimit, 3));
        assert!(parse(json!({"kind": "explode"}).as_object().unwrap(), PROVIDERS).is_err());
        assert!(parse(json!({"kind": "status", "status": 200}).as_object().unwrap(), PROVIDERS).is_err());
        assert!(parse(json!({"kind": "drop", "provider": "stripe"}).as_object().unwrap(), PROVIDERS).is_err());
    }
}
