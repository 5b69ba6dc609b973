//! Every facade operation for every provider against the sandbox over real HTTP: the whole
//! life of a link.

use paylinks::{Error, LinkStatus, ListFilter, Money, NotifyMedium, Provider};
use paylinks_e2e::{PROVIDERS, World, order};

#[tokio::test]
async fn a_link_lives_its_whole_life_on_every_provider() {
    let world = World::start().await;
    for provider in PROVIDERS {
        let reference = format!("life-{}", provider.as_str().replace('_', "-"));
        let created = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        assert_eq!(created.provider, provider);
        assert_eq!(created.status, LinkStatus::Active, "{provider}");
        assert_eq!(created.amount, Money::inr(49_950), "{provider}");
        assert_eq!(created.amount_paid, Money::inr(0), "{provider}");
        assert_eq!(created.reference.as_deref(), Some(reference.as_str()), "{provider}");
        // The link's URL is the sandbox's payment page of it.
        let page = format!("/pay/{}/{}", provider.as_str(), created.id);
        let url = created.url.as_deref().unwrap_or_default();
        assert!(url.starts_with("http://127.0.0.1") && url.ends_with(&page), "{provider}: {url}");
        assert!(created.created_at.is_some(), "{provider}");
        assert_eq!(created.customer.email.as_deref(), Some("asha@example.com"), "{provider}");

        // Fetch by the reference the link carries.
        let fetched = world.paylinks.get(&created.link_ref()).await.unwrap();
        assert_eq!(fetched.id, created.id);
        assert_eq!(fetched.amount, created.amount);

        // Listed by reference (every provider answers this one).
        let listed = world.paylinks.list(provider, &ListFilter { reference: Some(reference.clone()) }).await.unwrap();
        assert_eq!(listed.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), [created.id.as_str()], "{provider}");

        if provider == Provider::Pinelabs {
            world.paylinks.resend_notification(&created.link_ref(), NotifyMedium::Sms).await.unwrap();
            world.pay(&created, None).await;
        } else {
            world.pay(&created, Some(20_000)).await;
            let partial = world.paylinks.get(&created.link_ref()).await.unwrap();
            assert_eq!(partial.status, LinkStatus::PartiallyPaid, "{provider}");
            assert_eq!(partial.amount_paid, Money::inr(20_000), "{provider}");
            assert_eq!(partial.amount_due(), Money::inr(29_950), "{provider}");
            world.pay(&created, None).await;
        }
        let paid = world.paylinks.get(&created.link_ref()).await.unwrap();
        assert_eq!(paid.status, LinkStatus::Paid, "{provider}");
        assert_eq!(paid.amount_paid, Money::inr(49_950), "{provider}");

        // A paid link cannot be cancelled: the mapped error names the provider's status.
        match world.paylinks.cancel(&created.link_ref()).await {
            Err(Error::InvalidState { provider: p, provider_status: Some(status), .. }) => {
                assert_eq!(p, provider);
                assert_eq!(paylinks::map_status(provider, &status), LinkStatus::Paid, "{provider}: {status}");
            }
            other => panic!("{provider}: expected InvalidState, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unpaid_link_is_cancelled_on_every_provider() {
    let world = World::start().await;
    for provider in PROVIDERS {
        let created = world
            .paylinks
            .create(provider, &order(provider, &format!("cancel-{}", provider.as_str().replace('_', "-"))))
            .await
            .unwrap();
        let cancelled = world.paylinks.cancel(&created.link_ref()).await.unwrap();
        assert_eq!(cancelled.status, LinkStatus::Cancelled, "{provider}");
        let fetched = world.paylinks.get(&created.link_ref()).await.unwrap();
        assert_eq!(fetched.status, LinkStatus::Cancelled, "{provider}");
    }
}

#[tokio::test]
async fn lists_and_notifications_where_each_provider_offers_them() {
    let world = World::start().await;
    let a = world.paylinks.create(Provider::Razorpay, &order(Provider::Razorpay, "list-a")).await.unwrap();
    let b = world.paylinks.create(Provider::Razorpay, &order(Provider::Razorpay, "list-b")).await.unwrap();
    let all = world.paylinks.list(Provider::Razorpay, &ListFilter::default()).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|l| l.id.as_str()).collect();
    assert!(ids.contains(&a.id.as_str()) && ids.contains(&b.id.as_str()), "{ids:?}");
    let invoices = world.paylinks.list(Provider::RazorpayInvoice, &ListFilter::default()).await.unwrap();
    assert!(invoices.is_empty());

    world.paylinks.resend_notification(&a.link_ref(), NotifyMedium::Email).await.unwrap();
    let invoice = world
        .paylinks
        .create(Provider::RazorpayInvoice, &order(Provider::RazorpayInvoice, "inv-notify"))
        .await
        .unwrap();
    world.paylinks.resend_notification(&invoice.link_ref(), NotifyMedium::Sms).await.unwrap();

    let cashfree = world.paylinks.create(Provider::Cashfree, &order(Provider::Cashfree, "cf-notify")).await.unwrap();
    assert!(matches!(
        world.paylinks.resend_notification(&cashfree.link_ref(), NotifyMedium::Sms).await,
        Err(Error::Unsupported { provider: Provider::Cashfree, .. })
    ));
    assert!(matches!(
        world.paylinks.list(Provider::Cashfree, &ListFilter::default()).await,
        Err(Error::Unsupported { provider: Provider::Cashfree, .. })
    ));
    assert!(
        world
            .paylinks
            .list(Provider::Pinelabs, &ListFilter { reference: Some("nothing-here".into()) })
            .await
            .unwrap()
            .is_empty()
    );
}
