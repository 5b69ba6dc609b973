//! Faults injected by the sandbox: retries, rate limits, lost responses, token expiry.

use std::time::Duration;

use paylinks::{Error, LinkStatus, Provider, RetryPolicy};
use paylinks_e2e::{World, order, quick_retries};
use paylinks_sandbox::SandboxConfig;
use serde_json::json;

#[tokio::test]
async fn an_idempotent_create_retried_after_a_lost_response_leaves_exactly_one_link() {
    let world = World::start().await;
    for (provider, fault_provider) in [
        (Provider::Cashfree, "cashfree"),
        (Provider::Razorpay, "razorpay"),
        (Provider::RazorpayInvoice, "razorpay"),
        (Provider::Pinelabs, "pinelabs"),
    ] {
        let reference = format!("lost-{}", provider.as_str().replace('_', "-"));
        // The sandbox creates the link, then drops the connection before the response.
        world.fault(fault_provider, 1, json!({"kind": "drop_response"})).await;
        let link = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        assert_eq!(link.reference.as_deref(), Some(reference.as_str()), "{provider}");
        let stored: Vec<_> =
            world.stored_links(provider).await.into_iter().filter(|l| l.to_string().contains(&reference)).collect();
        assert_eq!(stored.len(), 1, "{provider}: exactly one link after the retry: {stored:?}");
    }
}

#[tokio::test]
async fn a_create_without_idempotency_is_not_retried() {
    let world = World::start().await;
    let mut link = order(Provider::Razorpay, "x");
    link.reference = None;
    world.fault("razorpay", 1, json!({"kind": "status", "status": 503})).await;
    let result = world.paylinks.create(Provider::Razorpay, &link).await;
    assert!(matches!(result, Err(Error::Provider { status: 503, .. })), "{result:?}");
    assert!(world.stored_links(Provider::Razorpay).await.is_empty());
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let world = World::start().await;
    let link = world.paylinks.create(Provider::Cashfree, &order(Provider::Cashfree, "retry-5xx")).await.unwrap();
    world.fault("cashfree", 2, json!({"kind": "status", "status": 502})).await;
    assert_eq!(
        world.paylinks.get(&link.link_ref()).await.unwrap().status,
        LinkStatus::Active,
        "third attempt succeeds"
    );
    world.fault("cashfree", 3, json!({"kind": "status", "status": 500})).await;
    match world.paylinks.get(&link.link_ref()).await {
        Err(error @ Error::Provider { status: 500, .. }) => assert!(error.is_transient()),
        other => panic!("expected Provider(500) after 3 attempts, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limits_surface_the_providers_wait() {
    let world = World::with(SandboxConfig::default(), RetryPolicy::none()).await;
    for (provider, fault_provider) in
        [(Provider::Cashfree, "cashfree"), (Provider::Razorpay, "razorpay"), (Provider::Pinelabs, "pinelabs")]
    {
        let link =
            world.paylinks.create(provider, &order(provider, &format!("rl-{}", provider.as_str()))).await.unwrap();
        world.fault(fault_provider, 1, json!({"kind": "rate_limit", "retry_after_secs": 7})).await;
        match world.paylinks.get(&link.link_ref()).await {
            Err(Error::RateLimited { provider: p, retry_after }) => {
                assert_eq!(p, provider);
                assert_eq!(retry_after, Some(Duration::from_secs(7)), "{provider}");
            }
            other => panic!("{provider}: expected RateLimited, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_short_rate_limit_is_waited_out() {
    let world = World::start().await;
    let link = world.paylinks.create(Provider::Razorpay, &order(Provider::Razorpay, "rl-wait")).await.unwrap();
    world.fault("razorpay", 1, json!({"kind": "rate_limit", "retry_after_secs": 1})).await;
    let started = std::time::Instant::now();
    world.paylinks.get(&link.link_ref()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited the provider's Retry-After");
}

#[tokio::test]
async fn a_dropped_connection_on_a_fetch_is_retried() {
    let world = World::start().await;
    let link = world.paylinks.create(Provider::Pinelabs, &order(Provider::Pinelabs, "drop-get")).await.unwrap();
    world.fault("pinelabs", 1, json!({"kind": "drop"})).await;
    assert_eq!(world.paylinks.get(&link.link_ref()).await.unwrap().id, link.id);
    let none = World::with(SandboxConfig::default(), RetryPolicy::none()).await;
    let link = none.paylinks.create(Provider::Pinelabs, &order(Provider::Pinelabs, "drop-get")).await.unwrap();
    none.fault("pinelabs", 1, json!({"kind": "drop"})).await;
    assert!(matches!(
        none.paylinks.get(&link.link_ref()).await,
        Err(Error::Transport { provider: Provider::Pinelabs, .. })
    ));
}

#[tokio::test]
async fn pine_labs_tokens_expire_and_are_refreshed() {
    let mut config = SandboxConfig::default();
    config.set("pinelabs", "token_ttl", Duration::from_millis(1500)).unwrap();
    let world = World::with(config, quick_retries()).await;
    let sandbox_config = world.sandbox.config();
    // The provider crate directly, refreshing only at expiry, to see the expiry happen.
    let client = paylinks_pinelabs::Client::builder(paylinks_pinelabs::Credentials::new(
        sandbox_config.text("pinelabs", "client_id").unwrap().to_owned(),
        sandbox_config.text("pinelabs", "client_secret").unwrap().to_owned(),
    ))
    .environment(paylinks_pinelabs::Environment::Custom(world.sandbox.base_url("pinelabs").unwrap()))
    .refresh_margin(Duration::ZERO)
    .build()
    .unwrap();
    let first = client.access_token().await.unwrap();
    assert_eq!(client.access_token().await.unwrap(), first, "cached while valid");
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let second = client.access_token().await.unwrap();
    assert_ne!(second, first, "a new token after expiry");

    // The facade (60 s margin) never sends a token that is about to expire.
    let link = world.paylinks.create(Provider::Pinelabs, &order(Provider::Pinelabs, "token")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(world.paylinks.get(&link.link_ref()).await.unwrap().id, link.id);
}

#[tokio::test]
async fn a_token_the_provider_forgot_is_refused_once_then_replaced() {
    let world = World::with(SandboxConfig::default(), RetryPolicy::none()).await;
    let config = world.sandbox.config();
    let client = paylinks_pinelabs::Client::builder(paylinks_pinelabs::Credentials::new(
        config.text("pinelabs", "client_id").unwrap().to_owned(),
        config.text("pinelabs", "client_secret").unwrap().to_owned(),
    ))
    .environment(paylinks_pinelabs::Environment::Custom(world.sandbox.base_url("pinelabs").unwrap()))
    .build()
    .unwrap();
    client.access_token().await.unwrap();
    world.reset().await; // the sandbox forgets its tokens
    let refused =
        client.get_payment_link().payment_link_id("pl-v1-x").send().await.map_err(paylinks_pinelabs::Error::from);
    assert_eq!(refused.unwrap_err().status().map(|s| s.as_u16()), Some(401));
    // The 401 dropped the cached token: the next call fetches a fresh one and reaches the API.
    let next =
        client.get_payment_link().payment_link_id("pl-v1-x").send().await.map_err(paylinks_pinelabs::Error::from);
    assert_eq!(next.unwrap_err().status().map(|s| s.as_u16()), Some(404));
}
