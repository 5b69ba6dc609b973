//! Access tokens: fetched from `POST /api/auth/v1/token`, cached, refreshed before expiry.
//!
//! Every link call needs `Authorization: Bearer <token>`. The client's `pre` hook asks the
//! [`TokenCache`] for a token: a cached one while it has more than the refresh margin left,
//! otherwise a fresh one.
//!
//! - **One fetch at a time.** Concurrent callers that find no usable token queue on one async
//!   refresh lock; the first fetches, the others find its token when their turn comes, so a
//!   cold client or an expired token costs one token request however many calls wait.
//! - **A failed fetch is shared.** Callers that were waiting while a fetch failed get that
//!   failure (the same status, body or message) instead of each trying again in turn, so a
//!   slow or broken token endpoint cannot make the queue wait for it once per caller.
//! - **A refused token is dropped, always.** The cached token sits behind a short
//!   synchronous lock that is never held across a network call, so a 401 drops it even
//!   while another task holds the refresh lock; the drop names the refused token, so a late
//!   401 for an old token never throws away the fresh one that replaced it.
//! - **Cancellation-safe.** A caller dropped mid-fetch releases the refresh lock; the next
//!   waiter fetches.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use paylinks_core::{ApiError, Secret};

/// The credentials the token endpoint takes; they moved to [`crate::config`], and stay
/// here under their old path.
pub use crate::config::Credentials;
use crate::{Client, Error, types};

/// How long before `expires_at` a token is refreshed, by default: 60 seconds, so a token
/// never expires between the check and the provider reading it.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct CachedToken {
    access_token: Secret,
    expires_at: DateTime<Utc>,
}

/// The client's token state: its credentials and the cached token. Clones of a client share
/// one cache.
#[derive(Clone)]
pub struct TokenCache(Arc<TokenState>);

struct TokenState {
    credentials: Credentials,
    refresh_margin: Duration,
    /// The token and the last fetch's outcome. Held only for reads and writes, never across
    /// an `.await`, so [`TokenCache::invalidate`] never waits and never skips.
    slot: Mutex<Slot>,
    /// Held by the one caller fetching a token.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Slot {
    cached: Option<CachedToken>,
    /// How many fetches have finished (succeeded or failed).
    fetches: u64,
    /// The last fetch's failure, kept for the callers that waited on it.
    failure: Option<Error>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("credentials", &self.0.credentials)
            .field("refresh_margin", &self.0.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache for these credentials, refreshing a token `refresh_margin` before its
    /// `expires_at`. A client makes its own (see [`ClientBuilder::refresh_margin`](crate::ClientBuilder::refresh_margin)).
    pub fn new(credentials: Credentials, refresh_margin: Duration) -> Self {
        Self(Arc::new(TokenState {
            credentials,
            refresh_margin,
            slot: Mutex::new(Slot::default()),
            refresh: tokio::sync::Mutex::new(()),
        }))
    }

    /// A valid access token: the cached one while it has more than the refresh margin left,
    /// or a fresh one from the token endpoint (`POST /api/auth/v1/token`), fetched by one
    /// caller at a time (see the [module documentation](self)).
    ///
    /// # Errors
    /// The token call's [`Error`]: a transport error, or Pine Labs' error body with its status
    /// (401 for wrong credentials). Callers that waited while that fetch failed get the same
    /// error (a transport error as [`Error::Hook`] with the same message).
    pub async fn token(&self, client: &Client) -> Result<Secret, Error> {
        let state = &self.0;
        let seen = {
            let slot = state.slot();
            if let Some(token) = state.usable(&slot) {
                return Ok(token);
            }
            slot.fetches
        };
        let _refreshing = state.refresh.lock().await;
        {
            let slot = state.slot();
            if let Some(token) = state.usable(&slot) {
                return Ok(token);
            }
            if slot.fetches != seen
                && let Some(failure) = &slot.failure
            {
                return Err(replicate(failure));
            }
        }
        tracing::event!(
            name: "paylinks.token_refresh",
            tracing::Level::INFO,
            paylinks.provider = "pinelabs",
            reason = if seen == 0 { "none cached" } else { "expiring or refused" },
            "fetching a Pine Labs access token"
        );
        let fetched = fetch(client, &state.credentials).await;
        let mut slot = state.slot();
        slot.fetches += 1;
        match fetched {
            Ok(fresh) => {
                let token = fresh.access_token.clone();
                slot.cached = Some(fresh);
                slot.failure = None;
                Ok(token)
            }
            Err(error) => {
                slot.failure = Some(replicate(&error));
                Err(error)
            }
        }
    }

    /// Forgets the cached token, whatever it is: the next call fetches a new one. Never
    /// waits, and takes effect even while another task is fetching.
    pub fn invalidate(&self) {
        self.0.slot().cached = None;
    }

    /// Forgets the cached token if it is `refused` (the token a request was sent with and
    /// Pine Labs answered 401 to). A token fetched since then is kept. Never waits.
    pub fn invalidate_token(&self, refused: &str) {
        let mut slot = self.0.slot();
        if slot.cached.as_ref().is_some_and(|t| t.access_token.expose() == refused) {
            slot.cached = None;
        }
    }
}

impl TokenState {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        // The slot holds plain values, each write whole: a panic elsewhere cannot leave it
        // half-written.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn usable(&self, slot: &Slot) -> Option<Secret> {
        let margin = chrono::Duration::from_std(self.refresh_margin).unwrap_or(chrono::Duration::MAX);
        let cached = slot.cached.as_ref()?;
        // `expires_at - margin` can overflow only for absurd margins: then nothing is usable.
        let refresh_at = cached.expires_at.checked_sub_signed(margin)?;
        (refresh_at > Utc::now()).then(|| cached.access_token.clone())
    }
}

/// The same failure again, for a caller that waited on the fetch that failed. A transport
/// error cannot be copied (`reqwest::Error` is not `Clone`): it is passed on as
/// [`Error::Hook`] with the same message.
fn replicate(error: &Error) -> Error {
    match error {
        ApiError::Provider { status, body, request_id, retry_after } => ApiError::Provider {
            status: *status,
            body: body.clone(),
            request_id: request_id.clone(),
            retry_after: *retry_after,
        },
        ApiError::UnexpectedStatus { status, request_id, retry_after } => {
            ApiError::UnexpectedStatus { status: *status, request_id: request_id.clone(), retry_after: *retry_after }
        }
        ApiError::InvalidRequest(message) => ApiError::InvalidRequest(message.clone()),
        ApiError::Transport(error) => ApiError::Hook(error.to_string()),
        ApiError::Decode { message } => ApiError::Decode { message: message.clone() },
        ApiError::Hook(message) => ApiError::Hook(message.clone()),
    }
}

impl Client {
    /// A valid access token (cached, or fetched now); link calls fetch it themselves, so this
    /// is for callers that want token errors up front.
    ///
    /// # Errors
    /// The token call's [`Error`]: a transport error, or Pine Labs' error body with its status
    /// (401 for wrong credentials).
    pub async fn access_token(&self) -> Result<Secret, Error> {
        progenitor_client::ClientInfo::inner(self).token(self).await
    }
}

/// Calls the token endpoint through the generated client.
///
/// Boxed: the token call runs the same `pre` hook that asks for a token (which skips
/// `generate_token`), so its future would otherwise contain itself.
fn fetch<'a>(
    client: &'a Client,
    credentials: &'a Credentials,
) -> Pin<Box<dyn Future<Output = Result<CachedToken, Error>> + Send + 'a>> {
    Box::pin(async move {
        let request = types::TokenRequest::builder()
            .client_id(credentials.client_id.as_str())
            .client_secret(credentials.client_secret.clone())
            .grant_type(types::GrantType::ClientCredentials);
        let response = client.generate_token().body(request).send().await?.into_inner();
        Ok(CachedToken { access_token: response.access_token, expires_at: response.expires_at.to_utc() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_holding(token: &str) -> TokenCache {
        let cache = TokenCache::new(Credentials::new("id", "secret"), Duration::ZERO);
        cache.0.slot().cached =
            Some(CachedToken { access_token: token.into(), expires_at: Utc::now() + chrono::Duration::hours(1) });
        cache
    }

    #[tokio::test]
    async fn an_invalidation_is_never_lost_while_another_task_holds_the_refresh_lock() {
        let cache = cache_holding("token-1");
        let refreshing = cache.0.refresh.lock().await;
        cache.invalidate_token("token-1");
        assert!(cache.0.slot().cached.is_none(), "token-1 dropped during a refresh");

        let cache = cache_holding("token-1");
        let refreshing_too = cache.0.refresh.lock().await;
        cache.invalidate();
        assert!(cache.0.slot().cached.is_none(), "invalidate() does not skip either");
        drop((refreshing, refreshing_too));
    }

    #[test]
    fn a_late_refusal_of_an_old_token_keeps_its_successor() {
        let cache = cache_holding("token-2");
        cache.invalidate_token("token-1");
        assert_eq!(
            cache.0.slot().cached.as_ref().map(|t| t.access_token.expose().to_owned()).as_deref(),
            Some("token-2")
        );
        cache.invalidate_token("token-2");
        assert!(cache.0.slot().cached.is_none());
    }

    #[test]
    fn a_huge_refresh_margin_makes_no_token_usable_instead_of_overflowing() {
        let cache = cache_holding("token-1");
        let state = TokenState {
            credentials: Credentials::new("id", "secret"),
            refresh_margin: Duration::MAX,
            slot: Mutex::new(Slot::default()),
            refresh: tokio::sync::Mutex::new(()),
        };
        assert!(state.usable(&cache.0.slot()).is_none());
    }
}
