//! The sandbox's routes: each registered provider's routes under its prefix, wrapped in the
//! fault injector, and the control API.

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::config::SandboxConfig;
use crate::inject::{FaultScope, inject};
use crate::state::AppState;

/// The whole sandbox as an axum [`Router`], for embedding in another server: each provider
/// under its prefix (Cashfree `/cashfree/pg`, Razorpay `/razorpay`, Pine Labs `/pinelabs`),
/// the control API under `/_sandbox`. Webhook deliveries are tokio tasks spawned while
/// requests are served: serve it inside a tokio runtime.
///
/// Served this way, the `drop` and `drop_response` faults cannot close the connection before
/// the response head; they send the head and then fail the body instead. Use
/// [`crate::Sandbox::start`] for faithful dropped connections.
pub fn router(config: SandboxConfig) -> Router {
    routes(&Arc::new(AppState::new(config)))
}

/// The sandbox's router over `app`; every request, once answered, hands the webhook events
/// it produced to the deliveries ([`crate::webhooks::dispatch`]).
pub(crate) fn routes(app: &Arc<AppState>) -> Router {
    let providers = crate::providers::all();
    let mut router = Router::new();
    for provider in &providers {
        let scope = FaultScope { app: app.clone(), provider: provider.clone() };
        let routes = provider
            .clone()
            .routes(app)
            .layer(from_fn_with_state(provider.clone(), crate::provider::screen))
            .layer(from_fn_with_state(scope, inject));
        router = router.nest(provider.prefix(), provider.clone().outer_layers(routes, app));
    }
    router
        .nest("/_sandbox", crate::control::routes(app.clone(), providers))
        .fallback(crate::control::not_found)
        .layer(from_fn_with_state(app.clone(), crate::webhooks::dispatch))
}
