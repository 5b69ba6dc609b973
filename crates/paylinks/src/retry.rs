//! Retries: bounded, exponential with jitter, honouring the provider's wait, and only where a
//! retry cannot move money twice.

use std::future::Future;
use std::time::Duration;

use crate::Error;

/// When and how a failed call is tried again.
///
/// Only transient failures are retried (transport errors, 429, 5xx), and only for calls a
/// retry cannot duplicate: fetches and cancels always; creates only under the provider's own
/// idempotency (Cashfree `x-idempotency-key`, Pine Labs merchant reference, Razorpay
/// `reference_id` resolved through fetch-all). A 429's `Retry-After` (Cashfree
/// `x-ratelimit-retry`) is honoured; one longer than `max_delay` ends the retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// The longest delay paylinks waits between attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 250 ms then 500 ms (each with jitter), at most 10 s.
    fn default() -> Self {
        Self { max_attempts: 3, base_delay: Duration::from_millis(250), max_delay: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// No retries, for callers that retry themselves.
    pub const fn none() -> Self {
        Self { max_attempts: 1, base_delay: Duration::ZERO, max_delay: Duration::ZERO }
    }

    /// How long to wait before attempt `attempt + 1` after `error`, or `None` to stop.
    pub fn delay_after(&self, attempt: u32, error: &Error) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_transient() {
            return None;
        }
        if let Error::RateLimited { retry_after: Some(wait), .. } = error {
            return (*wait <= self.max_delay).then_some(*wait);
        }
        let exponential = self.base_delay.saturating_mul(1 << (attempt - 1).min(16)).min(self.max_delay);
        // "Equal jitter": half fixed, half random, so concurrent clients spread out.
        let half = exponential / 2;
        Some(half + half.mul_f64(fastrand::f64()))
    }

    /// Runs `call` (given the attempt number, from 1) until it succeeds, fails for good, or
    /// the attempts run out.
    pub(crate) async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut attempt = 1;
        loop {
            // The HTTP spans of this attempt carry its number (`paylinks.attempt`).
            match paylinks_core::trace::with_attempt(attempt, call(attempt)).await {
                Ok(value) => return Ok(value),
                Err(error) => match self.delay_after(attempt, &error) {
                    Some(delay) => {
                        tracing::event!(
                            name: "paylinks.retry",
                            tracing::Level::WARN,
                            paylinks.attempt = attempt + 1,
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            error.type = crate::api::error_type(&error),
                            "retrying after a transient failure"
                        );
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                    None => return Err(error),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;

    fn transport() -> Error {
        Error::Transport { provider: Provider::Cashfree, message: "reset".into() }
    }

    #[test]
    fn only_transient_errors_are_retried() {
        let policy = RetryPolicy::default();
        assert!(policy.delay_after(1, &transport()).is_some());
        let server = Error::Provider { provider: Provider::Razorpay, status: 503, code: None, message: None };
        assert!(policy.delay_after(1, &server).is_some());
        let bad = Error::Provider { provider: Provider::Razorpay, status: 400, code: None, message: None };
        assert_eq!(policy.delay_after(1, &bad), None);
        assert_eq!(policy.delay_after(3, &transport()), None, "attempts are bounded");
        assert_eq!(RetryPolicy::none().delay_after(1, &transport()), None);
    }

    #[test]
    fn delays_grow_with_jitter_and_stay_bounded() {
        let policy =
            RetryPolicy { max_attempts: 10, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
        for _ in 0..50 {
            let first = policy.delay_after(1, &transport()).unwrap();
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.delay_after(3, &transport()).unwrap();
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = policy.delay_after(9, &transport()).unwrap();
            assert!(late <= Duration::from_secs(1), "{late:?}");
        }
    }

    #[test]
    fn the_providers_wait_is_honoured_or_ends_the_retries() {
        let policy = RetryPolicy::default();
        let limited =
            |secs| Error::RateLimited { provider: Provider::Cashfree, retry_after: Some(Duration::from_secs(secs)) };
        assert_eq!(policy.delay_after(1, &limited(2)), Some(Duration::from_secs(2)));
        assert_eq!(policy.delay_after(1, &limited(60)), None);
    }
}
