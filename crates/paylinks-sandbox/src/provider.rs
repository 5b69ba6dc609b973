//! What a provider of the sandbox is: the one trait each provider module implements, and the
//! middleware that runs its authentication. The registry (`providers/mod.rs`) lists the
//! implementations; the router, the control API, the fault injector, the configuration and
//! the connection JSON are built from that list.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use chrono::{DateTime, Utc};

use crate::config::{SandboxConfig, SettingSpec};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, PayRequest};
use crate::state::{AppState, Stores};
use crate::webhooks::WebhookEvent;

/// One provider API of the sandbox (Razorpay's payment links and invoice links are two link
/// APIs of one provider: same host, same authentication).
pub(crate) trait Provider: Send + Sync + 'static {
    /// Its name in the configuration, the connection JSON and fault requests (`cashfree`).
    fn name(&self) -> &'static str;
    /// Its path under the sandbox's root URL (`/cashfree/pg`): base URL = root + prefix.
    fn prefix(&self) -> &'static str;
    /// The names of its link APIs in control URLs (`/_sandbox/{api}/links/...`).
    fn link_apis(&self) -> &'static [&'static str];
    /// Its settings (credentials and the like), with defaults and command-line flags.
    fn settings(&self) -> &'static [SettingSpec];
    /// Constant facts shown next to its settings in the connection JSON (Cashfree's
    /// `api_version`, the versions it answers).
    fn facts(&self) -> Vec<(&'static str, Value)> {
        Vec::new()
    }

    /// Checks a request's credentials: `None` lets it through, `Some` is the provider's
    /// refusal (401 and the like). `path` is relative to [`Provider::prefix`].
    fn authenticate(&self, app: &AppState, path: &str, headers: &HeaderMap) -> Option<Response>;
    /// Its routes relative to [`Provider::prefix`], authenticated with [`guard`] where the
    /// API asks for credentials, with their state applied.
    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router;
    /// Layers that wrap the fault injector too (Cashfree's response headers); none by default.
    fn outer_layers(self: Arc<Self>, routes: Router, _app: &Arc<AppState>) -> Router {
        routes
    }

    /// Its error response for an injected fault `status` (4xx or 5xx).
    fn fault_status(&self, status: StatusCode) -> Response;
    /// Its 429 response (the fault injector adds `Retry-After`).
    fn rate_limited(&self, retry_after_secs: u64) -> Response;
    /// Its error response, `status` (4xx) worded `message`, for a request [`screen`] turns
    /// away before routing: a path that is not UTF-8 once percent-decoded, a body longer than
    /// [`Provider::body_limit`].
    fn refuse(&self, status: StatusCode, message: &str) -> Response;
    /// The longest request body it reads, in bytes; longer ones are refused with 413. No
    /// provider documents one: [`DEFAULT_BODY_LIMIT`] unless a provider says otherwise.
    fn body_limit(&self) -> usize {
        DEFAULT_BODY_LIMIT
    }

    /// Control API: a customer pays link `id` of link API `api`; answers the link as the
    /// provider's API shows it, and where the customer's browser would be sent next (the
    /// provider's callback redirect), if anywhere.
    fn pay(&self, stores: &mut Stores, api: &str, id: &str, request: &PayRequest) -> Result<Paid, ControlError>;
    /// Control API: the open link `id` of link API `api` expires now.
    fn expire(&self, stores: &mut Stores, api: &str, id: &str) -> Result<Value, ControlError>;
    /// Control API: every link of link API `api`, oldest first, as its API shows them.
    fn links(&self, stores: &mut Stores, api: &str) -> Vec<Value>;
    /// Payment page: link `id` of link API `api` as the page shows it (expired first if its
    /// time has passed); 404 for an unknown link.
    fn page(&self, stores: &mut Stores, api: &str, id: &str) -> Result<PageLink, ControlError>;

    /// The secret this provider signs its webhook deliveries with, from `config`: its
    /// `webhook_secret` setting, or else its one text setting whose key ends in `secret` (a
    /// provider that signs with its API secret). A provider for which neither fits overrides
    /// this.
    fn webhook_secret<'a>(&self, config: &'a SandboxConfig) -> Option<&'a str> {
        if let Some(secret) = config.text(self.name(), "webhook_secret") {
            return Some(secret);
        }
        let mut secrets = self
            .settings()
            .iter()
            .filter(|spec| spec.key.ends_with("secret") && matches!(spec.default, crate::SettingDefault::Text(_)));
        match (secrets.next(), secrets.next()) {
            (Some(only), None) => config.text(self.name(), only.key),
            _ => None,
        }
    }

    /// The headers of one delivery attempt of `event` (one of this provider's), signed at
    /// `now` with the webhook secret of `config`, as the provider sends them (content type
    /// included). A provider that sends no webhooks answers none.
    fn sign_webhook(&self, config: &SandboxConfig, event: &WebhookEvent, now: DateTime<Utc>) -> HeaderMap {
        let _ = (config, event, now);
        HeaderMap::new()
    }
}

/// The longest request body a provider reads unless it says otherwise: 1 MiB, a hundred times
/// the largest request a payment link needs (15 notes, a few hundred characters each).
pub(crate) const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Middleware, outside each provider's routes: turns away in the provider's own error format
/// what the routes cannot read, instead of axum's plain-text rejections. A path whose
/// percent-decoded bytes are not UTF-8 (`/v1/payment_links/%FF`) is 400; a body longer than
/// [`Provider::body_limit`] is 413 (read only up to the limit). Other requests reach the
/// routes with their body read.
pub(crate) async fn screen(State(provider): State<Arc<dyn Provider>>, request: Request, next: Next) -> Response {
    if percent_encoding::percent_decode_str(request.uri().path()).decode_utf8().is_err() {
        return provider.refuse(StatusCode::BAD_REQUEST, "The URL is not valid UTF-8 once percent-decoded.");
    }
    let limit = provider.body_limit();
    let too_long = || {
        provider.refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("The request body is longer than the {limit} bytes the API accepts."),
        )
    };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_long();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        // Longer than the limit (or a body that broke off): nothing to read.
        Err(_) => too_long(),
    }
}

/// The state of [`guard`]: the sandbox and the provider whose credentials it checks.
#[derive(Clone)]
pub(crate) struct Guarded {
    /// The sandbox state.
    pub(crate) app: Arc<AppState>,
    /// The provider.
    pub(crate) provider: Arc<dyn Provider>,
}

/// Middleware: runs [`Provider::authenticate`] before the handler.
pub(crate) async fn guard(State(guarded): State<Guarded>, request: Request, next: Next) -> Response {
    let refusal = guarded.provider.authenticate(&guarded.app, request.uri().path(), request.headers());
    match refusal {
        None => next.run(request).await,
        Some(refusal) => refusal,
    }
}
