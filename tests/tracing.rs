//! Tracing never carries a secret, an auth header, a body or customer data: a subscriber
//! records every field of every span and event during the whole life of a link on every
//! provider (with a retry, a rate limit and a token refresh on the way), with sentinel
//! credentials and sentinel customer data, and none of them appears.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use paylinks::{CreateLink, ListFilter, Money, NotifyMedium, Provider, RetryPolicy};
use paylinks_e2e::{PROVIDERS, World, quick_retries};
use paylinks_sandbox::SandboxConfig;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Every span name, event name and `field=value` seen.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
}

impl<S: Subscriber> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        let mut lines = self.0.lock().unwrap();
        lines.push(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut Fields(&mut lines));
    }

    fn on_record(&self, _span: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut lines = self.0.lock().unwrap();
        lines.push(format!("event {}", event.metadata().name()));
        event.record(&mut Fields(&mut lines));
    }
}

const SECRETS: [(&str, &str, &str); 3] = [
    ("cashfree", "client_secret", "sentinel-secret-cashfree-5c1d"),
    ("razorpay", "key_secret", "sentinel-secret-razorpay-7e2a"),
    ("pinelabs", "client_secret", "sentinel-secret-pinelabs-9b3f"),
];
const NAME: &str = "Sentinelia Quux";
const EMAIL: &str = "sentinel.quux@example.org";
const PHONE: &str = "9123405678";

fn order(provider: Provider, reference: &str) -> CreateLink {
    let mut link = CreateLink::new(Money::inr(49_950)).description("Order #1042").reference(reference).customer(
        Some(NAME),
        Some(EMAIL),
        Some(PHONE),
    );
    if provider != Provider::Pinelabs {
        link = link.partial_payments(None);
    }
    link
}

#[tokio::test]
async fn no_secret_header_body_or_customer_data_reaches_any_span_or_event() {
    let mut config = SandboxConfig::default();
    for (provider, key, secret) in SECRETS {
        config.set(provider, key, secret).unwrap();
    }
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(recorder.clone()));

    let world = World::with(config, quick_retries()).await;
    for provider in PROVIDERS {
        let reference = format!("trace-{}", provider.as_str().replace('_', "-"));
        let fault_provider = if provider == Provider::RazorpayInvoice { "razorpay" } else { provider.as_str() };
        // One transient failure (a retry) before the create, then a rate limit before a fetch.
        world.fault(fault_provider, 1, json!({"kind": "status", "status": 503})).await;
        let created = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        world.fault(fault_provider, 1, json!({"kind": "rate_limit", "retry_after_secs": 1})).await;
        world.paylinks.get(&created.link_ref()).await.unwrap();
        world.paylinks.list(provider, &ListFilter { reference: Some(reference.clone()) }).await.unwrap();
        let _ = world.paylinks.resend_notification(&created.link_ref(), NotifyMedium::Email).await;
        world.pay(&created, None).await;
        world.paylinks.get(&created.link_ref()).await.unwrap();
        let _ = world.paylinks.cancel(&created.link_ref()).await;
        let other = world.paylinks.create(provider, &order(provider, &format!("{reference}-2"))).await.unwrap();
        world.paylinks.cancel(&other.link_ref()).await.unwrap();
    }
    // A wrong secret: a refused token or an authentication error.
    let wrong = paylinks::Paylinks::builder()
        .pinelabs(
            "id",
            "sentinel-secret-wrong-4d4d",
            paylinks::Environment::Custom(world.sandbox.base_url("pinelabs").unwrap()),
        )
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let _ = wrong.get(&paylinks::LinkRef::new(Provider::Pinelabs, "pl_x")).await;

    let lines = recorder.lines();
    // The recorder saw what it should: otherwise an empty record would pass.
    for expected in [
        "span paylinks.create",
        "span paylinks.get",
        "span paylinks.cancel",
        "span paylinks.list",
        "span http.client",
        "event paylinks.retry",
        "event paylinks.rate_limited",
        "event paylinks.token_refresh",
        "event paylinks.idempotent_create",
        "http.response.status_code=503",
        "paylinks.attempt=2",
        "retry_after_s=1",
    ] {
        assert!(lines.iter().any(|l| l == expected || l.starts_with(expected)), "nothing recorded `{expected}`");
    }
    let mut forbidden: Vec<&str> = SECRETS.iter().map(|(_, _, secret)| *secret).collect();
    forbidden.extend([
        "sentinel-secret-wrong-4d4d",
        NAME,
        "Sentinelia",
        EMAIL,
        PHONE,
        "Bearer",
        "Basic ",
        "authorization",
        "x-client-secret",
        "{\"", // a JSON body
    ]);
    for line in &lines {
        for needle in &forbidden {
            assert!(!line.to_lowercase().contains(&needle.to_lowercase()), "`{needle}` leaked into tracing: {line}");
        }
    }
}
