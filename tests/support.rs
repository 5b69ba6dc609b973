//! What the end-to-end tests share: a sandbox on 127.0.0.1, a facade client for it, and the
//! sandbox's control API (pay, expire, faults, listing).

use std::time::Duration;

use paylinks::{CreateLink, Environment, Money, Paylinks, PaylinksBuilder, PaymentLink, Provider, RetryPolicy};
use paylinks_sandbox::{Sandbox, SandboxConfig};
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
