//! The sandbox's routes: each registered provider's routes under its prefix, wrapped in the
//! fault injector, the payment pages and the control API.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::any;

use crate::config::SandboxConfig;
use crate::inject::{FaultScope, inject};
use crate::state::AppState;

/// The whole sandbox as an axum [`Router`], for embedding in another server: each provider
/// under its prefix (Cashfree `/cashfree/pg`, Razorpay `/razorpay`, Pine Labs `/pinelabs`),
/// the payment pages under `/pay`, the control API under `/_sandbox`. Webhook deliveries are
/// tokio tasks spawned while requests are served: serve it inside a tokio runtime.
///
/// The links' page URLs are built under `config`'s public URL
/// ([`SandboxConfig::set_public_url`]); without one, under `http://{Host}` of the first
/// request the router serves.
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
        // Outside every provider's fault injector: faults never hit the page.
        .nest("/pay", crate::page::routes(app.clone(), providers.clone()))
        // What the nested router does not see (axum 0.8 nests `/pay` and `/pay/...` only).
        .route("/pay/", any(crate::page::not_found))
        .nest("/_sandbox", crate::control::routes(app.clone(), providers))
        .fallback(crate::control::not_found)
        .layer(from_fn_with_state(app.clone(), crate::webhooks::dispatch))
        .layer(from_fn_with_state(app.clone(), learn_public_url))
}

/// Middleware: while the public URL is unknown (a [`router()`] embedded elsewhere, without a
/// configured public URL), the first request that names a valid host (its `Host` header, or
/// the authority of an absolute request URI) sets it to `http://{host}`.
async fn learn_public_url(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if app.public_url.get().is_none() {
        let host = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_owned())
            .or_else(|| request.headers().get(HOST).and_then(|value| value.to_str().ok()).map(str::to_owned));
        if let Some(root) = host.as_deref().and_then(root_of_host) {
            let _ = app.public_url.set(root);
        }
    }
    next.run(request).await
}

/// `http://{host}` for a `Host` value (`127.0.0.1:4455`, `example.test`), normalised; `None`
/// for anything that is not just a host and port.
fn root_of_host(host: &str) -> Option<String> {
    let url = url::Url::parse(&format!("http://{host}")).ok()?;
    let bare = url.has_host()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    bare.then(|| url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::root_of_host;

    #[test]
    fn hosts_become_root_urls() {
        assert_eq!(root_of_host("127.0.0.1:4455").as_deref(), Some("http://127.0.0.1:4455"));
        assert_eq!(root_of_host("Shop.Example").as_deref(), Some("http://shop.example"));
        assert_eq!(root_of_host("[::1]:80").as_deref(), Some("http://[::1]"));
        for bad in ["", "user@host", "host/path", "host?x", "host#x", "a b"] {
            assert_eq!(root_of_host(bad), None, "{bad}");
        }
    }
}
