//! What a provider of the sandbox is: the one trait each provider module implements, and the
//! middleware that runs its authentication. The registry (`providers/mod.rs`) lists the
//! implementations; the router, the control API, the fault injector, the configuration and
//! the connection JSON are built from that list.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::config::SettingSpec;
use crate::payment::{ControlError, PayRequest};
use crate::state::{AppState, Stores};

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
    /// `api_version`).
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

    /// Control API: a customer pays link `id` of link API `api`; answers the link as the
    /// provider's API shows it.
    fn pay(&self, stores: &mut Stores, api: &str, id: &str, request: &PayRequest) -> Result<Value, ControlError>;
    /// Control API: the open link `id` of link API `api` expires now.
    fn expire(&self, stores: &mut Stores, api: &str, id: &str) -> Result<Value, ControlError>;
    /// Control API: every link of link API `api`, oldest first, as its API shows them.
    fn links(&self, stores: &mut Stores, api: &str) -> Vec<Value>;
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
