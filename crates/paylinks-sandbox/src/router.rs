//! The sandbox's routes: each provider's paths under its prefix, and the control API.

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};

use crate::config::SandboxConfig;
use crate::faults::FaultScope;
use crate::provider::Provider;
use crate::state::AppState;
use crate::{auth, cashfree, control, faults, invoices, pinelabs, razorpay};

/// The whole sandbox as an axum [`Router`], for embedding in another server: Cashfree under
/// `/cashfree/pg`, Razorpay under `/razorpay`, Pine Labs under `/pinelabs`, the control API
/// under `/_sandbox`.
///
/// Served this way, the `drop` and `drop_response` faults cannot close the connection before
/// the response head; they send the head and then fail the body instead. Use
/// [`crate::Sandbox::start`] for faithful dropped connections.
pub fn router(config: SandboxConfig) -> Router {
    let app = Arc::new(AppState::new(config));
    Router::new()
        .nest("/cashfree/pg", cashfree_routes(&app))
        .nest("/razorpay", razorpay_routes(&app))
        .nest("/pinelabs", pinelabs_routes(&app))
        .nest("/_sandbox", control_routes(&app))
        .fallback(control::not_found)
}

fn scope(app: &Arc<AppState>, provider: Provider) -> FaultScope {
    FaultScope { app: app.clone(), provider }
}

fn cashfree_routes(app: &Arc<AppState>) -> Router {
    Router::new()
        .route("/links", post(cashfree::create))
        .route("/links/{link_id}", get(cashfree::fetch))
        .route("/links/{link_id}/cancel", post(cashfree::cancel))
        .route("/links/{link_id}/orders", get(cashfree::orders))
        .fallback(cashfree::bad_url)
        .method_not_allowed_fallback(cashfree::bad_url)
        .layer(from_fn_with_state(app.clone(), auth::cashfree))
        .layer(from_fn_with_state(scope(app, Provider::Cashfree), faults::inject))
        .layer(from_fn_with_state(app.clone(), cashfree::response_headers))
        .with_state(app.clone())
}

fn razorpay_routes(app: &Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/payment_links", post(razorpay::create).get(razorpay::list))
        .route("/v1/payment_links/", post(razorpay::create).get(razorpay::list))
        .route("/v1/payment_links/{id}", get(razorpay::fetch).patch(razorpay::update))
        .route("/v1/payment_links/{id}/cancel", post(razorpay::cancel))
        .route("/v1/payment_links/{id}/notify_by/{medium}", post(razorpay::notify))
        .route("/v1/invoices", post(invoices::create).get(invoices::list))
        .route("/v1/invoices/", post(invoices::create).get(invoices::list))
        .route("/v1/invoices/{id}", get(invoices::fetch).patch(invoices::update).delete(invoices::delete))
        .route("/v1/invoices/{id}/issue", post(invoices::issue))
        .route("/v1/invoices/{id}/cancel", post(invoices::cancel))
        .route("/v1/invoices/{id}/notify_by/{medium}", post(invoices::notify))
        .fallback(razorpay::not_found)
        .method_not_allowed_fallback(razorpay::not_found)
        .layer(from_fn_with_state(app.clone(), auth::razorpay))
        .layer(from_fn_with_state(scope(app, Provider::Razorpay), faults::inject))
        .with_state(app.clone())
}

fn pinelabs_routes(app: &Arc<AppState>) -> Router {
    let links = Router::new()
        .route("/api/pay/v1/paymentlink", post(pinelabs::create))
        .route("/api/pay/v1/paymentlink/{payment_link_id}", get(pinelabs::fetch))
        .route("/api/pay/v1/paymentlink/ref/{reference}", get(pinelabs::fetch_by_reference))
        .route("/api/pay/v1/paymentlink/{payment_link_id}/cancel", put(pinelabs::cancel))
        .route("/api/pay/v1/paymentlink/{payment_link_id}/notify", axum::routing::patch(pinelabs::notify))
        .method_not_allowed_fallback(pinelabs::method_not_allowed)
        .route_layer(from_fn_with_state(app.clone(), auth::pinelabs));
    Router::new()
        .route("/api/auth/v1/token", post(pinelabs::token))
        .merge(links)
        .fallback(pinelabs::not_found)
        .method_not_allowed_fallback(pinelabs::method_not_allowed)
        .layer(from_fn_with_state(scope(app, Provider::Pinelabs), faults::inject))
        .with_state(app.clone())
}

fn control_routes(app: &Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(control::describe))
        .route("/reset", post(control::reset))
        .route("/faults", post(control::add_fault).get(control::faults).delete(control::clear_faults))
        .route("/{provider}/links", get(control::links))
        .route("/{provider}/links/{id}/pay", post(control::pay))
        .route("/{provider}/links/{id}/expire", post(control::expire))
        .fallback(control::not_found)
        .with_state(app.clone())
}
