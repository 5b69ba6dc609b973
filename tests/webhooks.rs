//! Webhooks end to end: the sandbox delivers each provider's own events, signed, to a receiver
//! that verifies them with the facade's `Webhooks` over the raw body (`support::Receiver`),
//! for every link API: pay part, pay the rest, cancel, expire; a redelivery with the same
//! event id; a receiver that fails first and takes the retry.

use paylinks::{EventKind, LinkEvent, Money, PaymentLink, PaymentStatus, Provider, ProviderLink};
use paylinks_e2e::{PROVIDERS, Receiver, World, is_about, order, with_receiver};

/// Whether the link API's provider sends an event when one of its links is cancelled
/// (Razorpay documents no `invoice.cancelled`).
fn sends_cancelled(provider: Provider) -> bool {
    provider != Provider::RazorpayInvoice
}

/// What an expiry is, as the provider tells it: Pine Labs documents no link expiry event, and
/// the sandbox sends the order's `ORDER_FAILED`, a failed payment to the facade.
fn expiry_kind(provider: Provider) -> EventKind {
    if provider == Provider::Pinelabs { EventKind::PaymentFailed } else { EventKind::Expired }
}

/// The order behind a Pine Labs link, as `create` returned it: `PaymentLink::order_id`, the
/// link body's `order_id` (a `v1-…` id, not the `pl-v1-…` link id).
fn pinelabs_order(link: &PaymentLink) -> &str {
    let order = link.order_id.as_deref().unwrap_or_else(|| panic!("a Pine Labs link names its order: {link:#?}"));
    let ProviderLink::Pinelabs(raw) = &link.raw else { panic!("a Pine Labs link: {link:#?}") };
    assert_eq!(raw.order_id.as_deref(), Some(order), "the body's order_id");
    assert!(order.starts_with("v1-") && order != link.id, "{order}");
    order
}

/// The one event about `link` of `kind`, after waiting for at least `count` events about it.
async fn event(receiver: &Receiver, link: &PaymentLink, count: usize, kind: EventKind) -> LinkEvent {
    let events = receiver.events_of(link, count).await;
    let matching: Vec<&LinkEvent> = events.iter().filter(|e| e.kind == kind).collect();
    assert_eq!(matching.len(), 1, "{}: one {kind:?} event about {}: {events:#?}", link.provider, link.id);
    matching[0].clone()
}

/// What every verified event about `link` says, whatever its kind.
fn check_common(event: &LinkEvent, link: &PaymentLink) {
    let provider = link.provider;
    assert_eq!(event.provider, provider, "{event:#?}");
    if provider == Provider::Pinelabs {
        // An order event: it names the order behind the link, never the link; a merchant finds
        // the link by matching `event.order_id` against `link.order_id`.
        assert_eq!(event.link_id, None, "{provider}: {event:#?}");
        assert_eq!(event.order_id.as_deref(), Some(pinelabs_order(link)), "{provider}");
    } else {
        assert_eq!(event.link_id.as_deref(), Some(link.id.as_str()), "{provider}: the id get takes");
    }
    assert!(is_about(event, link), "{provider}");
    assert!(!event.event_id.is_empty(), "{provider}: an event id to dedupe on");
    assert!(!event.provider_event.is_empty(), "{provider}");
    let age = chrono::Utc::now() - event.occurred_at;
    assert!(age.num_seconds().abs() < 120, "{provider}: occurred just now ({})", event.occurred_at);
    if let Some(carried) = &event.link {
        assert_eq!(carried.id, link.id, "{provider}");
        assert_eq!(carried.amount, Money::inr(49_950), "{provider}");
    }
}

/// A payment event: the payment of `minor` paise, succeeded.
fn check_payment(event: &LinkEvent, link: &PaymentLink, minor: i64) {
    let provider = link.provider;
    let payment = event.payment.as_ref().unwrap_or_else(|| panic!("{provider}: a payment in {event:#?}"));
    assert_eq!(payment.amount, Money::inr(minor), "{provider}: {event:#?}");
    assert_eq!(payment.status, PaymentStatus::Succeeded, "{provider}");
    assert!(!payment.id.is_empty(), "{provider}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_in_two_parts_each_payment_is_an_event_on_every_provider() {
    let (world, receiver) = with_receiver().await;
    for provider in PROVIDERS {
        let reference = format!("hook-paid-{}", provider.as_str().replace('_', "-"));
        let link = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        world.pay(&link, Some(20_000)).await;
        let partial = event(&receiver, &link, 1, EventKind::PartiallyPaid).await;
        check_common(&partial, &link);
        check_payment(&partial, &link, 20_000);
        if let Some(carried) = &partial.link {
            assert_eq!(carried.amount_paid, Money::inr(20_000), "{provider}");
        }
        world.pay(&link, None).await;
        let paid = event(&receiver, &link, 2, EventKind::Paid).await;
        check_common(&paid, &link);
        check_payment(&paid, &link, 29_950);
        if let Some(carried) = &paid.link {
            assert_eq!(carried.amount_paid, Money::inr(49_950), "{provider}");
        }
        assert_ne!(partial.event_id, paid.event_id, "{provider}: two events, two ids");
        assert_ne!(partial.payment.as_ref().unwrap().id, paid.payment.as_ref().unwrap().id, "{provider}");
        // The order each payment event names, against the order `get` shows on the link.
        let fetched = world.paylinks.get(&link.link_ref()).await.unwrap();
        for event in [&partial, &paid] {
            assert!(is_about(event, &fetched), "{provider}: {event:#?}");
            let order = event.order_id.as_deref();
            match provider {
                // One order per payment, none on the link: the event names its payment's order.
                Provider::Cashfree => {
                    assert_eq!(fetched.order_id, None, "{provider}");
                    assert_eq!(order, event.payment.as_ref().map(|p| p.id.as_str()), "{provider}");
                    assert!(order.is_some_and(|o| o.starts_with("CFPay_")), "{provider}: {order:?}");
                }
                // One order per link (Razorpay's from the first payment on): the link's.
                _ => {
                    assert!(order.is_some(), "{provider}: {event:#?}");
                    assert_eq!(order, fetched.order_id.as_deref(), "{provider}");
                }
            }
            if let Some(carried) = &event.link {
                assert_eq!(carried.order_id, fetched.order_id, "{provider}: the event's link names the same order");
            }
        }
        assert_eq!(partial.order_id == paid.order_id, provider != Provider::Cashfree, "{provider}");
    }
    assert!(receiver.refusals().is_empty(), "{:#?}", receiver.refusals());
    let deliveries = world.settled_deliveries().await;
    assert!(deliveries.iter().all(|d| d["outcome"] == "delivered"), "{deliveries:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_and_an_expired_link_are_events_on_every_provider() {
    let (world, receiver) = with_receiver().await;
    for provider in PROVIDERS {
        let name = provider.as_str().replace('_', "-");
        let cancelled =
            world.paylinks.create(provider, &order(provider, &format!("hook-cancel-{name}"))).await.unwrap();
        world.paylinks.cancel(&cancelled.link_ref()).await.unwrap();
        let expired = world.paylinks.create(provider, &order(provider, &format!("hook-expire-{name}"))).await.unwrap();
        world.expire(&expired).await;
        let event_expired = event(&receiver, &expired, 1, expiry_kind(provider)).await;
        check_common(&event_expired, &expired);
        assert!(event_expired.payment.is_none(), "{provider}: nothing was paid");
        if provider != Provider::Pinelabs {
            // Nothing was paid: no order is named (Razorpay's order comes with the first payment,
            // Cashfree's with each payment).
            assert_eq!(event_expired.order_id, None, "{provider}");
        }
        world.settled_deliveries().await;
        let about_cancelled = receiver.events().into_iter().filter(|e| is_about(e, &cancelled));
        let about_cancelled: Vec<LinkEvent> = about_cancelled.collect();
        if sends_cancelled(provider) {
            assert_eq!(about_cancelled.len(), 1, "{provider}: {about_cancelled:#?}");
            assert_eq!(about_cancelled[0].kind, EventKind::Cancelled, "{provider}");
            check_common(&about_cancelled[0], &cancelled);
        } else {
            assert!(about_cancelled.is_empty(), "{provider} sends no event on cancel: {about_cancelled:#?}");
        }
    }
    assert!(receiver.refusals().is_empty(), "{:#?}", receiver.refusals());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_carries_the_same_event_id_on_every_provider() {
    let (world, receiver) = with_receiver().await;
    for provider in PROVIDERS {
        let reference = format!("hook-again-{}", provider.as_str().replace('_', "-"));
        let link = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        world.pay(&link, None).await;
        let first = event(&receiver, &link, 1, EventKind::Paid).await;
        world.redeliver(&first.event_id).await;
        let events = receiver.events_of(&link, 2).await;
        assert_eq!(events.len(), 2, "{provider}: {events:#?}");
        let again = &events[1];
        assert_eq!(again.event_id, first.event_id, "{provider}: the dedupe key is stable");
        assert_eq!(again.kind, first.kind, "{provider}");
        assert_eq!(again.payment, first.payment, "{provider}");
        assert_eq!((&again.link_id, &again.order_id), (&first.link_id, &first.order_id), "{provider}");
        assert_eq!(again.occurred_at, first.occurred_at, "{provider}");
    }
    let deliveries = world.settled_deliveries().await;
    let redeliveries = deliveries.iter().filter(|d| d["redelivery"] == true).count();
    assert_eq!(redeliveries, PROVIDERS.len(), "{deliveries:#?}");
    assert!(receiver.refusals().is_empty(), "{:#?}", receiver.refusals());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_fails_first_gets_the_event_on_a_retry() {
    let (world, receiver) = with_receiver().await;
    for provider in PROVIDERS {
        let reference = format!("hook-retry-{}", provider.as_str().replace('_', "-"));
        let link = world.paylinks.create(provider, &order(provider, &reference)).await.unwrap();
        world.settled_deliveries().await;
        receiver.fail_next(&[503, 500]);
        world.pay(&link, None).await;
        let paid = event(&receiver, &link, 1, EventKind::Paid).await;
        check_common(&paid, &link);
        check_payment(&paid, &link, 49_950);
        let deliveries = world.settled_deliveries().await;
        let delivery = deliveries
            .iter()
            .find(|d| d["event_id"] == paid.event_id.as_str())
            .unwrap_or_else(|| panic!("{provider}: the delivery of {} in {deliveries:#?}", paid.event_id));
        assert_eq!(delivery["outcome"], "delivered", "{provider}");
        let statuses: Vec<u64> =
            delivery["attempts"].as_array().unwrap().iter().map(|a| a["status"].as_u64().unwrap()).collect();
        assert_eq!(statuses, [503, 500, 200], "{provider}: two failures, then taken");
    }
    assert!(receiver.refusals().is_empty(), "{:#?}", receiver.refusals());
}

#[tokio::test]
async fn a_sandbox_without_webhook_urls_delivers_nothing() {
    let world = World::start().await;
    let link = world.paylinks.create(Provider::Razorpay, &order(Provider::Razorpay, "hook-none")).await.unwrap();
    world.pay(&link, None).await;
    assert!(world.deliveries().await.is_empty());
}
