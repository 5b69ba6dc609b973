//! Access tokens: fetched from `POST /api/auth/v1/token`, cached, refreshed before expiry.
//!
//! Every link call needs `Authorization: Bearer <token>`. The client's `pre` hook asks the
//! [`TokenCache`] for a token: a cached one while it has more than the refresh margin left,
//! otherwise a fresh one. The cache holds an async mutex across the fetch, so concurrent
//! callers that find the token stale share one refresh instead of stampeding the token
//! endpoint. A 401 on a link call drops the cached token, so the next call fetches a new one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use paylinks_core::Secret;
use tokio::sync::Mutex;

use crate::{Client, Credentials, Error, types};

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
    cached: Mutex<Option<CachedToken>>,
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
        Self(Arc::new(TokenState { credentials, refresh_margin, cached: Mutex::new(None) }))
    }

    /// A valid access token: the cached one while it has more than the refresh margin left,
    /// or a fresh one from the token endpoint (`POST /api/auth/v1/token`).
    ///
    /// # Errors
    /// The token call's [`Error`]: a transport error, or Pine Labs' error body with its status
    /// (401 for wrong credentials).
    pub async fn token(&self, client: &Client) -> Result<Secret, Error> {
        let state = &self.0;
        let mut cached = state.cached.lock().await;
        let margin = chrono::Duration::from_std(state.refresh_margin).unwrap_or(chrono::Duration::MAX);
        if let Some(token) = cached.as_ref().filter(|t| t.expires_at - margin > Utc::now()) {
            return Ok(token.access_token.clone());
        }
        tracing::event!(
            name: "paylinks.token_refresh",
            tracing::Level::INFO,
            paylinks.provider = "pinelabs",
            reason = if cached.is_some() { "expiring" } else { "none cached" },
            "fetching a Pine Labs access token"
        );
        let fresh = fetch(client, &state.credentials).await?;
        let token = fresh.access_token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Forgets the cached token (after a 401): the next call fetches a new one.
    pub fn invalidate(&self) {
        if let Ok(mut cached) = self.0.cached.try_lock() {
            *cached = None;
        }
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
