//! The control API under `/_sandbox`: pay and expire links as a customer or the clock would,
//! list every link, inject faults, reset. Plain JSON; errors are `{"message": ...}`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError};
use crate::payment::{ControlError, Paid, PayRequest, Redirect};
use crate::provider::Provider;
use crate::state::AppState;

/// The control API's state: the sandbox and the registered providers.
#[derive(Clone)]
pub(crate) struct Control {
    app: Arc<AppState>,
    providers: Arc<[Arc<dyn Provider>]>,
}

impl Control {
    /// The provider serving link API `api`.
    fn provider(&self, api: &str) -> Result<&Arc<dyn Provider>, ControlError> {
        provider_of(&self.providers, api)
    }
}

/// The provider of `providers` serving link API `api` (the control API's and the payment
/// page's lookup); 404 naming the link APIs there are.
pub(crate) fn provider_of<'a>(
    providers: &'a [Arc<dyn Provider>],
    api: &str,
) -> Result<&'a Arc<dyn Provider>, ControlError> {
    providers.iter().find(|p| p.link_apis().contains(&api)).ok_or_else(|| {
        let known: Vec<&str> = providers.iter().flat_map(|p| p.link_apis().iter().copied()).collect();
        ControlError::unknown(format!("unknown provider `{api}`: use {}", known.join(", ")))
    })
}

/// The control API's routes (under `/_sandbox`).
pub(crate) fn routes(app: Arc<AppState>, providers: Vec<Arc<dyn Provider>>) -> Router {
    Router::new()
        .route("/", get(describe))
        .route("/reset", post(reset))
        .route("/faults", post(add_fault).get(faults).delete(clear_faults))
        .route("/webhooks", post(add_webhook).get(webhooks).delete(clear_webhooks))
        .route("/deliveries", get(deliveries))
        .route("/deliveries/{event_id}/redeliver", post(redeliver))
        .route("/{provider}/links", get(links))
        .route("/{provider}/links/{id}/pay", post(pay))
        .route("/{provider}/links/{id}/expire", post(expire))
        .fallback(not_found)
        .with_state(Control { app, providers: providers.into() })
}

fn message(status: StatusCode, text: &str) -> Response {
    body::json(status, &json!({ "message": text }))
}

/// An optional JSON object body (empty body = `{}`).
fn optional_object(bytes: &[u8]) -> Result<Map<String, Value>, ControlError> {
    match body::object(bytes) {
        Ok(map) => Ok(map),
        Err(BodyError::Empty) => Ok(Map::new()),
        Err(BodyError::Malformed(why)) => Err(ControlError::invalid(format!("body is not valid JSON: {why}"))),
        Err(BodyError::NotAnObject) => Err(ControlError::invalid("body must be a JSON object")),
    }
}

/// `POST /_sandbox/{provider}/links/{id}/pay` with `{"amount": <minor units>}` (optional;
/// default: everything still due) and what the provider reads besides. Answers the link as
/// the provider's API would show it.
pub(crate) async fn pay(
    State(control): State<Control>,
    Path((api, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let result = (|| {
        let provider = control.provider(&api)?;
        let request = optional_object(&bytes)?;
        let amount = match request.get("amount") {
            None | Some(Value::Null) => None,
            Some(value) => {
                Some(value.as_i64().ok_or_else(|| ControlError::invalid("amount must be an integer of minor units"))?)
            }
        };
        let failed = match request.get("failed") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(ControlError::invalid("failed must be a boolean")),
        };
        let request = PayRequest { amount, failed, body: request };
        provider.pay(&mut control.app.lock(), &api, &id, &request)
    })();
    match result {
        Ok(Paid { link, redirect }) => {
            let mut response = body::json(StatusCode::OK, &link);
            let headers = response.headers_mut();
            if let Some(value) = redirect.as_ref().and_then(|r| HeaderValue::try_from(r.url()).ok()) {
                headers.insert("x-sandbox-redirect", value);
            }
            if let Some(Redirect::PostForm { fields, .. }) = &redirect {
                let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
                if let Ok(value) = HeaderValue::try_from(form) {
                    headers.insert("x-sandbox-redirect-form", value);
                }
            }
            response
        }
        Err(e) => e.into(),
    }
}

/// `POST /_sandbox/{provider}/links/{id}/expire`: an open link expires now.
pub(crate) async fn expire(State(control): State<Control>, Path((api, id)): Path<(String, String)>) -> Response {
    let result = control.provider(&api).and_then(|provider| provider.expire(&mut control.app.lock(), &api, &id));
    body::respond(result)
}

/// `GET /_sandbox/{provider}/links`: every link of the provider, oldest first, as its API
/// shows them (a JSON array).
pub(crate) async fn links(State(control): State<Control>, Path(api): Path<String>) -> Response {
    match control.provider(&api) {
        Ok(provider) => body::json(StatusCode::OK, &Value::Array(provider.links(&mut control.app.lock(), &api))),
        Err(e) => e.into(),
    }
}

/// `POST /_sandbox/faults`: queues a fault (see [`crate::faults::parse`]); answers the queue.
pub(crate) async fn add_fault(State(control): State<Control>, bytes: Bytes) -> Response {
    let names: Vec<&'static str> = control.providers.iter().map(|p| p.name()).collect();
    let fault = optional_object(&bytes)
        .and_then(|request| crate::faults::parse(&request, &names).map_err(ControlError::invalid));
    match fault {
        Ok(fault) => {
            let mut stores = control.app.lock();
            stores.faults.push(fault);
            body::json(StatusCode::OK, &json!({ "faults": stores.faults.to_json() }))
        }
        Err(e) => e.into(),
    }
}

/// `GET /_sandbox/faults`: the faults still queued.
pub(crate) async fn faults(State(control): State<Control>) -> Response {
    body::json(StatusCode::OK, &json!({ "faults": control.app.lock().faults.to_json() }))
}

/// `DELETE /_sandbox/faults`: forgets every queued fault.
pub(crate) async fn clear_faults(State(control): State<Control>) -> Response {
    control.app.lock().faults.clear();
    body::json(StatusCode::OK, &json!({ "faults": [] }))
}

/// `POST /_sandbox/webhooks` with `{"url": "http://..."}`: registers a webhook URL; answers
/// every registered URL.
pub(crate) async fn add_webhook(State(control): State<Control>, bytes: Bytes) -> Response {
    let added = optional_object(&bytes).and_then(|request| {
        let url = request
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| ControlError::invalid("url is required: an absolute http or https URL"))?;
        control.app.webhooks.add_url(url).map_err(|why| ControlError::invalid(format!("url: {why}")))
    });
    match added {
        Ok(()) => webhooks(State(control)).await,
        Err(e) => e.into(),
    }
}

/// `GET /_sandbox/webhooks`: the registered webhook URLs.
pub(crate) async fn webhooks(State(control): State<Control>) -> Response {
    body::json(StatusCode::OK, &json!({ "urls": control.app.webhooks.urls() }))
}

/// `DELETE /_sandbox/webhooks`: forgets every registered webhook URL.
pub(crate) async fn clear_webhooks(State(control): State<Control>) -> Response {
    control.app.webhooks.clear_urls();
    body::json(StatusCode::OK, &json!({ "urls": [] }))
}

/// `GET /_sandbox/deliveries`: every webhook delivery, oldest first, with its attempts and
/// outcome.
pub(crate) async fn deliveries(State(control): State<Control>) -> Response {
    body::json(StatusCode::OK, &json!({ "deliveries": control.app.webhooks.deliveries_json() }))
}

/// `POST /_sandbox/deliveries/{event_id}/redeliver`: sends an event again, same id and body.
pub(crate) async fn redeliver(State(control): State<Control>, Path(event_id): Path<String>) -> Response {
    body::respond(crate::webhooks::redeliver(&control.app, &event_id))
}

/// `POST /_sandbox/reset`: forgets every link, order, token, idempotency key, fault, webhook
/// event and delivery (the registered webhook URLs stay).
pub(crate) async fn reset(State(control): State<Control>) -> Response {
    control.app.reset();
    body::json(StatusCode::OK, &json!({ "reset": true }))
}

/// `GET /_sandbox`: what the sandbox serves and the credentials it accepts: for each provider
/// its `path`, its settings and its constant facts; the webhook URLs and retries.
pub(crate) async fn describe(State(control): State<Control>) -> Response {
    let mut providers = Map::new();
    for provider in control.providers.iter() {
        let mut members = Map::new();
        members.insert("path".into(), Value::from(provider.prefix()));
        members.extend(control.app.config.json_members(provider.name()));
        members.extend(provider.facts().into_iter().map(|(key, value)| (key.to_owned(), value)));
        providers.insert(provider.name().to_owned(), Value::Object(members));
    }
    let retry = control.app.webhooks.retry();
    body::json(
        StatusCode::OK,
        &json!({
            "providers": providers,
            "webhooks": {
                "urls": control.app.webhooks.urls(),
                "attempts": retry.attempts,
                "first_delay_ms": u64::try_from(retry.first_delay.as_millis()).unwrap_or(u64::MAX),
                "timeout_ms": u64::try_from(retry.timeout.as_millis()).unwrap_or(u64::MAX),
            },
            "control": [
                "POST /_sandbox/{provider}/links/{id}/pay {\"amount\": <minor units>}",
                "POST /_sandbox/{provider}/links/{id}/expire",
                "GET /_sandbox/{provider}/links",
                "POST /_sandbox/faults {\"provider\", \"count\", \"kind\", \"status\", \"retry_after_secs\", \"delay_ms\"}",
                "GET /_sandbox/faults",
                "DELETE /_sandbox/faults",
                "POST /_sandbox/webhooks {\"url\": \"http://...\"}",
                "GET /_sandbox/webhooks",
                "DELETE /_sandbox/webhooks",
                "GET /_sandbox/deliveries",
                "POST /_sandbox/deliveries/{event_id}/redeliver",
                "POST /_sandbox/reset",
            ],
            "payment_pages": [
                format!("GET {}/pay/{{provider}}/{{id}}", control.app.public_url.get().map_or("", String::as_str)),
                "POST /pay/{provider}/{id} (form: action=pay|pay_part|fail|expire, amount in major units)".to_owned(),
            ],
        }),
    )
}

/// Any other control URL.
pub(crate) async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "no such control endpoint; GET /_sandbox lists them")
}
