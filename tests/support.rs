//! What the end-to-end tests share: a sandbox on 127.0.0.1, a facade client for it, the
//! sandbox's control API (pay, expire, faults, listing, webhook deliveries) and a webhook
//! receiver verifying with the facade's `Webhooks`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paylinks::{
    CreateLink, Environment, LinkEvent, Money, Paylinks, PaylinksBuilder, PaymentLink, Provider, RetryPolicy, Webhooks,
};
use paylinks_sandbox::{Sandbox, SandboxConfig, WebhookRetry};
use serde_json::{Value, json};

/// A running sandbox with a facade client and a control-API client.
pub struct World {
    pub sandbox: Sandbox,
    pub paylinks: Paylinks,
    http: reqwest::Client,
}

/// Millisecond retries: fast tests that still exercise the retry paths.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(5), max_delay: Duration::from_secs(2) }
}

impl World {
    /// A sandbox with default credentials and a facade client with quick retries.
    pub async fn start() -> Self {
        Self::with(SandboxConfig::default(), quick_retries()).await
    }

    /// A sandbox with this configuration and a facade client with this retry policy.
    pub async fn with(config: SandboxConfig, retry: RetryPolicy) -> Self {
        let sandbox = Sandbox::start(config, ([127, 0, 0, 1], 0).into()).await.expect("the sandbox starts");
        let paylinks = client(&sandbox, retry);
        Self { sandbox, paylinks, http: paylinks::plain_http_client().expect("an HTTP client") }
    }

    fn control(&self, path: &str) -> String {
        format!("http://{}/_sandbox/{path}", self.sandbox.addr())
    }

    /// Pays `minor` (or everything due) on a link, as its customer would.
    pub async fn pay(&self, link: &PaymentLink, minor: Option<i64>) {
        let body = minor.map_or(json!({}), |amount| json!({ "amount": amount }));
        let url = self.control(&format!("{}/links/{}/pay", link.provider.as_str(), link.id));
        let response = self.http.post(&url).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "pay {url}: {}", response.text().await.unwrap());
    }

    /// Expires a link.
    pub async fn expire(&self, link: &PaymentLink) {
        let url = self.control(&format!("{}/links/{}/expire", link.provider.as_str(), link.id));
        let response = self.http.post(&url).send().await.unwrap();
        assert!(response.status().is_success(), "expire {url}: {}", response.text().await.unwrap());
    }

    /// Queues a fault for the next `count` requests of `provider` (`cashfree`, `razorpay`, `pinelabs`).
    pub async fn fault(&self, provider: &str, count: u32, fault: Value) {
        let mut body = fault;
        body["provider"] = json!(provider);
        body["count"] = json!(count);
        let response = self.http.post(self.control("faults")).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "fault: {}", response.text().await.unwrap());
    }

    /// Every link the sandbox holds for a provider (its own view, not the API's).
    pub async fn stored_links(&self, provider: Provider) -> Vec<Value> {
        let response = self.http.get(self.control(&format!("{}/links", provider.as_str()))).send().await.unwrap();
        response.json::<Vec<Value>>().await.unwrap()
    }

    /// Forgets every link, token, idempotency key and fault.
    pub async fn reset(&self) {
        self.http.post(self.control("reset")).send().await.unwrap();
    }

    /// Every webhook delivery the sandbox made or is making (`GET /_sandbox/deliveries`).
    pub async fn deliveries(&self) -> Vec<Value> {
        let response = self.http.get(self.control("deliveries")).send().await.unwrap();
        let listed: Value = response.json().await.unwrap();
        listed["deliveries"].as_array().cloned().unwrap_or_default()
    }

    /// The deliveries once none is pending (at most 20 s).
    pub async fn settled_deliveries(&self) -> Vec<Value> {
        for _ in 0..400 {
            let deliveries = self.deliveries().await;
            if deliveries.iter().all(|d| d["outcome"] != "pending") {
                return deliveries;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("deliveries still pending: {:#?}", self.deliveries().await);
    }

    /// Sends the event with this id again (`POST /_sandbox/deliveries/{id}/redeliver`).
    pub async fn redeliver(&self, event_id: &str) {
        let url = self.control(&format!("deliveries/{event_id}/redeliver"));
        let response = self.http.post(&url).send().await.unwrap();
        assert!(response.status().is_success(), "redeliver {url}: {}", response.text().await.unwrap());
    }
}

/// A webhook receiver on 127.0.0.1: `POST /webhooks/{provider}` verified with the facade's
/// [`Webhooks`] over the raw body, as the README's handler does. It answers the statuses it
/// is told to first (a receiver that fails), then 200 for a verified delivery and 400 for a
/// refused one, and keeps what it verified and what it refused.
#[derive(Clone, Default)]
pub struct Receiver {
    inner: Arc<Mutex<Received>>,
}

/// What a [`Receiver`] saw.
#[derive(Default)]
struct Received {
    events: Vec<LinkEvent>,
    refusals: Vec<String>,
    fail_first: VecDeque<u16>,
}

impl Receiver {
    fn lock(&self) -> std::sync::MutexGuard<'_, Received> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts one verifying with `webhooks`; answers its root URL (`http://127.0.0.1:P`).
    pub async fn start(webhooks: Webhooks) -> (Receiver, String) {
        use axum::body::Bytes;
        use axum::extract::{Path, State};
        use axum::http::{HeaderMap, StatusCode};

        let receiver = Receiver::default();
        let webhooks = Arc::new(webhooks);
        let state = (receiver.clone(), webhooks);
        let app = axum::Router::new()
            .route(
                "/webhooks/{provider}",
                axum::routing::post(
                    |State((receiver, webhooks)): State<(Receiver, Arc<Webhooks>)>,
                     Path(provider): Path<String>,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        let mut received = receiver.lock();
                        if let Some(status) = received.fail_first.pop_front() {
                            return StatusCode::from_u16(status).unwrap();
                        }
                        let Ok(provider) = provider.parse::<Provider>() else { return StatusCode::NOT_FOUND };
                        match webhooks.verify(provider, &headers, &body) {
                            Ok(event) => {
                                received.events.push(event);
                                StatusCode::OK
                            }
                            Err(error) => {
                                received.refusals.push(error.to_string());
                                StatusCode::BAD_REQUEST
                            }
                        }
                    },
                ),
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    /// The next `statuses.len()` deliveries are answered with these statuses, unverified.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.lock().fail_first.extend(statuses);
    }

    /// Every event verified so far, in the order received.
    pub fn events(&self) -> Vec<LinkEvent> {
        self.lock().events.clone()
    }

    /// Every refusal so far (the facade's error, as text).
    pub fn refusals(&self) -> Vec<String> {
        self.lock().refusals.clone()
    }

    /// The events about `link` ([`is_about`]), once there are at least `count` (at most 20 s).
    pub async fn events_of(&self, link: &PaymentLink, count: usize) -> Vec<LinkEvent> {
        for _ in 0..400 {
            let events: Vec<LinkEvent> = self.events().into_iter().filter(|e| is_about(e, link)).collect();
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let refusals = self.refusals();
        let id = &link.id;
        panic!("fewer than {count} events about {id}; refusals: {refusals:#?}; all: {:#?}", self.events());
    }
}

/// Whether `event` is about `link`, as a merchant finds out: the event names the link's id
/// (`LinkEvent::link_id`, the id `get` takes), or, when it names no link (Pine Labs, whose
/// events are the events of the order behind a link), the order behind the link
/// (`LinkEvent::order_id` against `PaymentLink::order_id`).
pub fn is_about(event: &LinkEvent, link: &PaymentLink) -> bool {
    match &event.link_id {
        Some(id) => *id == link.id,
        None => event.order_id.is_some() && event.order_id == link.order_id,
    }
}

/// The [`Webhooks`] of a sandbox configuration: each link API verified with the secret its
/// provider signs with in the sandbox.
pub fn sandbox_webhooks(config: &SandboxConfig) -> Webhooks {
    Provider::ALL.into_iter().fold(Webhooks::new(), |webhooks, provider| {
        match config.webhook_secret(provider.owner().as_str()) {
            Some(secret) => webhooks.secret(provider, secret),
            None => webhooks,
        }
    })
}

/// A sandbox delivering its webhooks to a [`Receiver`] (`/webhooks/{provider}`), retrying
/// quickly (4 attempts from 50 ms), and a facade client.
pub async fn with_receiver() -> (World, Receiver) {
    let mut config = SandboxConfig::default();
    let (receiver, url) = Receiver::start(sandbox_webhooks(&config)).await;
    config.add_webhook_url(&format!("{url}/webhooks/{{provider}}")).unwrap();
    config.set_webhook_retry(WebhookRetry {
        attempts: 4,
        first_delay: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
    });
    (World::with(config, quick_retries()).await, receiver)
}

/// A facade client for `sandbox` with its credentials.
pub fn client(sandbox: &Sandbox, retry: RetryPolicy) -> Paylinks {
    builder(sandbox).retry(retry).build().expect("a client for the sandbox")
}

/// A facade builder for `sandbox` with its credentials, for callers that set more (timeouts).
pub fn builder(sandbox: &Sandbox) -> PaylinksBuilder {
    let url = |provider: &str| Environment::Custom(sandbox.base_url(provider).expect("a provider of the sandbox"));
    let text = |provider: &str, key: &str| sandbox.config().text(provider, key).expect("a sandbox setting").to_owned();
    Paylinks::builder()
        .cashfree(text("cashfree", "client_id"), text("cashfree", "client_secret").as_str(), url("cashfree"))
        .razorpay(text("razorpay", "key_id"), text("razorpay", "key_secret").as_str(), url("razorpay"))
        .pinelabs(text("pinelabs", "client_id"), text("pinelabs", "client_secret").as_str(), url("pinelabs"))
}

/// A ₹499.50 link with a customer, a reference and (except on Pine Labs) partial payments.
pub fn order(provider: Provider, reference: &str) -> CreateLink {
    let mut link = CreateLink::new(Money::inr(49_950))
        .description("Order #1042")
        .reference(reference)
        .customer(Some("Asha Rao"), Some("asha@example.com"), Some("9876543210"))
        .note("order", "1042");
    if provider != Provider::Pinelabs {
        let minimum = (provider != Provider::RazorpayInvoice).then_some(Money::inr(10_000));
        link = link.partial_payments(minimum);
    }
    link
}

/// Every provider the facade speaks to.
pub const PROVIDERS: [Provider; 4] = Provider::ALL;
