//! Every documented forbidden transition, on every provider, mapped to the right
//! `paylinks::Error` by the facade against the sandbox.

use paylinks::{Error, LinkRef, LinkStatus, NotifyMedium, Provider};
use paylinks_e2e::{PROVIDERS, World, order};

fn invalid_state(result: Result<impl std::fmt::Debug, Error>, provider: Provider, status: LinkStatus, operation: &str) {
    match result {
        Err(Error::InvalidState { provider: p, provider_status: Some(raw), operation: op, .. }) => {
            assert_eq!(p, provider);
            assert_eq!(op, operation, "{provider}");
            assert_eq!(paylinks::map_status(provider, &raw), status, "{provider}: provider status {raw}");
        }
        other => panic!("{provider} {operation}: expected InvalidState({status}), got {other:?}"),
    }
}

#[tokio::test]
async fn cancelling_twice_is_refused_with_the_cancelled_state() {
    let world = World::start().await;
    for provider in PROVIDERS {
        let link = world
            .paylinks
            .create(provider, &order(provider, &format!("twice-{}", provider.as_str().replace('_', "-"))))
            .await
            .unwrap();
        world.paylinks.cancel(&link.link_ref()).await.unwrap();
        invalid_state(world.paylinks.cancel(&link.link_ref()).await, provider, LinkStatus::Cancelled, "cancel");
    }
}

#[tokio::test]
async fn expired_links_cannot_be_cancelled() {
    let world = World::start().await;
    for provider in PROVIDERS {
        let link = world
            .paylinks
            .create(provider, &order(provider, &format!("expired-{}", provider.as_str().replace('_', "-"))))
            .await
            .unwrap();
        world.expire(&link).await;
        assert_eq!(world.paylinks.get(&link.link_ref()).await.unwrap().status, LinkStatus::Expired, "{provider}");
        invalid_state(world.paylinks.cancel(&link.link_ref()).await, provider, LinkStatus::Expired, "cancel");
    }
}

#[tokio::test]
async fn partially_paid_links_cannot_be_cancelled() {
    let world = World::start().await;
    for provider in [Provider::Cashfree, Provider::Razorpay, Provider::RazorpayInvoice] {
        let link = world
            .paylinks
            .create(provider, &order(provider, &format!("part-{}", provider.as_str().replace('_', "-"))))
            .await
            .unwrap();
        world.pay(&link, Some(15_000)).await;
        invalid_state(world.paylinks.cancel(&link.link_ref()).await, provider, LinkStatus::PartiallyPaid, "cancel");
    }
}

#[tokio::test]
async fn notifications_on_closed_links_are_refused_where_the_provider_refuses_them() {
    let world = World::start().await;
    // Pine Labs resends only CREATED links; invoices only issued or partially paid ones.
    for provider in [Provider::Pinelabs, Provider::RazorpayInvoice] {
        let link = world
            .paylinks
            .create(provider, &order(provider, &format!("closed-{}", provider.as_str().replace('_', "-"))))
            .await
            .unwrap();
        world.paylinks.cancel(&link.link_ref()).await.unwrap();
        invalid_state(
            world.paylinks.resend_notification(&link.link_ref(), NotifyMedium::Sms).await,
            provider,
            LinkStatus::Cancelled,
            "resend_notification",
        );
    }
}

#[tokio::test]
async fn unknown_links_are_not_found_on_every_provider() {
    let world = World::start().await;
    let missing = [
        LinkRef::new(Provider::Cashfree, "no-such-link"),
        LinkRef::new(Provider::Razorpay, "plink_AAAAAAAAAAAAAA"),
        LinkRef::new(Provider::RazorpayInvoice, "inv_AAAAAAAAAAAAAA"),
        LinkRef::new(Provider::Pinelabs, "pl-v1-000000000000-aa-AAAAAA"),
    ];
    for link in missing {
        match world.paylinks.get(&link).await {
            Err(Error::NotFound { provider, id }) => {
                assert_eq!(provider, link.provider);
                assert_eq!(id, link.id);
            }
            other => panic!("{link}: expected NotFound, got {other:?}"),
        }
        assert!(matches!(world.paylinks.cancel(&link).await, Err(Error::NotFound { .. })), "{link}");
    }
}

#[tokio::test]
async fn a_duplicate_reference_is_refused_or_returns_the_existing_link_as_documented() {
    let world = World::start().await;
    // Razorpay and Cashfree refuse a second link with the same reference...
    for provider in [Provider::Razorpay, Provider::Cashfree] {
        world.paylinks.create(provider, &order(provider, "dup-1")).await.unwrap();
        match world.paylinks.create(provider, &order(provider, "dup-1").description("another")).await {
            Err(Error::InvalidRequest { provider: p, field, .. }) => {
                assert_eq!(p, provider);
                assert!(field.contains("reference"), "{provider}: {field}");
            }
            other => panic!("{provider}: expected InvalidRequest(reference), got {other:?}"),
        }
    }
    // ...while Pine Labs returns the existing link.
    let first = world.paylinks.create(Provider::Pinelabs, &order(Provider::Pinelabs, "dup-1")).await.unwrap();
    let second = world.paylinks.create(Provider::Pinelabs, &order(Provider::Pinelabs, "dup-1")).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(world.stored_links(Provider::Pinelabs).await.len(), 1);
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_on_every_provider() {
    let world = World::start().await;
    let config = world.sandbox.config();
    let id = |provider: &str, key: &str| config.text(provider, key).unwrap().to_owned();
    let url = |provider: &str| paylinks::Environment::Custom(world.sandbox.base_url(provider).unwrap());
    let wrong = paylinks::Paylinks::builder()
        .cashfree(id("cashfree", "client_id"), "wrong", url("cashfree"))
        .razorpay(id("razorpay", "key_id"), "wrong", url("razorpay"))
        .pinelabs(id("pinelabs", "client_id"), "wrong", url("pinelabs"))
        .build()
        .unwrap();
    for provider in PROVIDERS {
        let result = wrong.create(provider, &order(provider, "auth")).await;
        match result {
            Err(error @ Error::Unauthorized { .. }) => {
                assert_eq!(error.provider(), Some(provider));
                assert!(!error.to_string().contains("wrong"), "the secret is never printed: {error}");
            }
            other => panic!("{provider}: expected Unauthorized, got {other:?}"),
        }
    }
}
