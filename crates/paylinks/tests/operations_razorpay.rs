//! The facade against a local Razorpay Payment Links mock: what each operation sends, what it
//! returns, and the Razorpay-specific error rows (`BAD_REQUEST_ERROR` told apart by its
//! description, create retries resolved through `reference_id`).

mod common;

use std::time::Duration;

use chrono::{TimeZone, Timelike, Utc};
use common::*;
use paylinks::{
    CreateLink, Currency, Error, LinkStatus, ListFilter, Money, NotifyMedium, PaymentLink, Provider, RetryPolicy,
};
use serde_json::{Value, json};
use wiremock::MockServer;

const P: Provider = Provider::Razorpay;
const LINKS: &str = "/v1/payment_links";
const ID_: &str = "plink_ExjpAUN3gVHrPJ";
const LINK: &str = "/v1/payment_links/plink_ExjpAUN3gVHrPJ";
const CANCEL: &str = "/v1/payment_links/plink_ExjpAUN3gVHrPJ/cancel";
/// Razorpay's refusal of a create whose `reference_id` was used before.
const ALREADY_ATTEMPTED: &str = "payment link creation with reference ID already attempted";

/// A create of [`order`] whose first attempt fails with a 500 and whose retry is refused with
/// [`ALREADY_ATTEMPTED`]; the lookup by reference then answers `listed`.
async fn create_after_an_attempted_reference(listed: Value) -> (MockServer, Result<PaymentLink, Error>) {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", LINKS, 1, 500, error_body(P, "SERVER_ERROR", "internal error")).await;
    mount(&server, "POST", LINKS, 400, error_body(P, "BAD_REQUEST_ERROR", ALREADY_ATTEMPTED)).await;
    mount(&server, "GET", LINKS, 200, listed).await;
    let result = client.create(P, &order()).await;
    (server, result)
}

#[tokio::test]
async fn create_sends_minor_units_and_every_field() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, razorpay_link("created")).await;
    // The expiry the mocked link answers with, and the one sent: at most six months out
    // (issue 9 §5).
    let expiry = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    let sent_expiry = Utc::now().with_nanosecond(0).unwrap() + chrono::Duration::days(90);
    let link = order()
        .partial_payments(Some(Money::inr(10000)))
        .note("order", "1042")
        .notify(true, false)
        .return_url("https://shop.example/thanks")
        .expires_at(sent_expiry);
    let created = client.create(P, &link).await.unwrap();

    let request = only_call(&server, "POST", LINKS).await;
    assert_eq!(header(&request, "authorization"), [RAZORPAY_BASIC]);
    assert_eq!(
        body(&request),
        json!({
            "amount": 49950,
            "currency": "INR",
            "accept_partial": true,
            "first_min_partial_amount": 10000,
            "description": "Order #1042",
            "reference_id": "order-1042",
            "customer": {"name": "Asha Rao", "email": "asha@example.com", "contact": "+919876543210"},
            "expire_by": sent_expiry.timestamp(),
            "notify": {"sms": true, "email": false},
            "notes": {"order": "1042"},
            "callback_url": "https://shop.example/thanks",
            "callback_method": "get"
        })
    );

    assert_eq!(created.provider, P);
    assert_eq!(created.id, ID_);
    assert_eq!(created.reference.as_deref(), Some("order-1042"));
    assert_eq!(created.status, LinkStatus::Active);
    assert_eq!(created.provider_status, "created");
    assert_eq!(created.amount, Money::inr(49950));
    assert_eq!(created.amount_paid, Money::inr(0));
    assert_eq!(created.minimum_partial_amount, Some(Money::inr(10000)));
    assert_eq!(created.url.as_deref(), Some("https://rzp.io/i/nxrHnLJ"));
    assert_eq!(created.customer.email.as_deref(), Some("asha@example.com"));
    assert_eq!(created.created_at, Some(Utc.with_ymd_and_hms(2023, 11, 14, 22, 13, 20).unwrap()));
    assert_eq!(created.expires_at, Some(expiry));
    assert_eq!(created.cancelled_at, None, "0 means not cancelled");
    assert_eq!(created.notes.get("order").map(String::as_str), Some("1042"));
}

#[tokio::test]
async fn create_with_only_an_amount_sends_only_the_amount() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "POST", LINKS, 200, razorpay_link("created")).await;
    client.create(P, &CreateLink::new(Money::inr(100))).await.unwrap();
    assert_eq!(body(&only_request(&server).await), json!({"amount": 100, "currency": "INR"}));
}

#[tokio::test]
async fn validation_runs_before_sending() {
    let kwd: Currency = "KWD".parse().unwrap();
    let cases = [
        (CreateLink::new(Money::inr(99)), "amount"),
        ((1..=16).fold(order(), |link, n| link.note(format!("k{n}"), "v")), "notes"),
        (CreateLink::new(Money::new(1235, kwd)), "amount"),
        (order().reference("r".repeat(41)), "reference"),
        // Issue 9 §5: the server's note limit is 255 characters; the expiry at most six months out.
        (order().note("long", "n".repeat(256)), "notes"),
        (order().expires_at(Utc::now() + chrono::Months::new(6) + chrono::Duration::hours(1)), "expires_at"),
        (order().partial_payments(Some(Money::inr(49951))), "minimum_partial_amount"),
    ];
    refused_before_sending(P, cases).await;
    // The edges that are allowed.
    paylinks::validate(P, &order().note("long", "n".repeat(255))).unwrap();
    paylinks::validate(P, &order().expires_at(Utc::now() + chrono::Duration::days(180))).unwrap();
    paylinks::validate(P, &order().partial_payments(Some(Money::inr(49950)))).unwrap();
    paylinks::validate(P, &CreateLink::new(Money::inr(100))).unwrap();
    paylinks::validate(P, &CreateLink::new(Money::new(1230, kwd))).unwrap();
    paylinks::validate(P, &(1..=15).fold(order(), |link, n| link.note(format!("k{n}"), "v"))).unwrap();
}

#[tokio::test]
async fn get_cancel_and_resend_use_their_endpoints() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINK, 200, razorpay_link("partially_paid")).await;
    mount(&server, "POST", CANCEL, 200, razorpay_link("cancelled")).await;
    mount(&server, "POST", "/v1/payment_links/plink_ExjpAUN3gVHrPJ/notify_by/sms", 200, json!({"success": true})).await;
    mount(&server, "POST", "/v1/payment_links/plink_ExjpAUN3gVHrPJ/notify_by/email", 200, json!({"success": true}))
        .await;

    let fetched = client.get(&sample_ref(P)).await.unwrap();
    assert_eq!(fetched.status, LinkStatus::PartiallyPaid);
    let cancelled = client.cancel(&sample_ref(P)).await.unwrap();
    assert_eq!(cancelled.status, LinkStatus::Cancelled);
    assert_eq!(cancelled.cancelled_at, Some(Utc.with_ymd_and_hms(2023, 11, 14, 22, 15, 0).unwrap()));
    client.resend_notification(&sample_ref(P), NotifyMedium::Sms).await.unwrap();
    client.resend_notification(&sample_ref(P), NotifyMedium::Email).await.unwrap();

    let requests = api_requests(&server).await;
    let sent: Vec<_> = requests.iter().map(|r| (r.method.to_string(), r.url.path().to_owned())).collect();
    assert_eq!(
        sent,
        [
            ("GET".to_owned(), LINK.to_owned()),
            ("POST".to_owned(), CANCEL.to_owned()),
            ("POST".to_owned(), format!("{LINK}/notify_by/sms")),
            ("POST".to_owned(), format!("{LINK}/notify_by/email")),
        ]
    );
    for request in &requests {
        assert_eq!(header(request, "authorization"), [RAZORPAY_BASIC]);
    }
    assert!(requests[1].body.is_empty() && requests[2].body.is_empty(), "cancel and notify send no body");
}

#[tokio::test]
async fn list_filters_by_reference_id() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINKS, 200, json!({"payment_links": [razorpay_link("paid")]})).await;
    let found = client.list(P, &ListFilter { reference: Some("order-1042".into()) }).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].id.as_str(), found[0].status), (ID_, LinkStatus::Paid));
    let request = only_request(&server).await;
    // One page of the maximum 100 (issue 9 §5): a short page is the last.
    assert_eq!(
        sorted(query(&request)),
        [
            ("count".to_owned(), "100".to_owned()),
            ("reference_id".to_owned(), "order-1042".to_owned()),
            ("skip".to_owned(), "0".to_owned())
        ]
    );
}

#[tokio::test]
async fn an_invalid_api_key_is_unauthorized() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", LINKS, 400, error_body(P, "BAD_REQUEST_ERROR", "The api key provided is invalid")).await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { provider: P, message } if message == "The api key provided is invalid"),
        "{err:?}"
    );
    assert_displays_safely(&err, P);
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_id_that_does_not_exist_is_not_found() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "GET", LINK, 400, error_body(P, "BAD_REQUEST_ERROR", "The id provided does not exist")).await;
    let err = client.get(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { provider: P, id } if id == ID_), "{err:?}");
    assert_displays_safely(&err, P);
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_invalid_input_id_is_not_found() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let description = "invalid input [strippedId] = [ExjpAUN3gVHrPJ]";
    mount(&server, "GET", LINK, 400, error_body(P, "BAD_REQUEST_ERROR", description)).await;
    let err = client.get(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { provider: P, .. }), "{err:?}");
}

#[tokio::test]
async fn cancelling_a_paid_link_is_invalid_state_with_its_status() {
    let (server, client) = setup(P, fast_retry(3)).await;
    let refusal = error_body(P, "BAD_REQUEST_ERROR", "cannot cancel or expire an already paid/partially paid link");
    mount(&server, "POST", CANCEL, 400, refusal).await;
    mount(&server, "GET", LINK, 200, razorpay_link("paid")).await;
    let err = client.cancel(&sample_ref(P)).await.unwrap_err();
    let message = assert_refused_cancel(&err, P, ID_, "paid");
    assert_eq!(message, "cannot cancel or expire an already paid/partially paid link");
    assert!(err.to_string().contains("(paid)"), "{err}");
    assert_eq!(
        sent(&api_requests(&server).await),
        [format!("POST {CANCEL}"), format!("GET {LINK}")],
        "the refusal is explained by a fetch"
    );
}

#[tokio::test]
async fn resending_a_cancelled_link_is_invalid_state_with_its_status() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let refusal = error_body(P, "BAD_REQUEST_ERROR", "payment link is not in a state to send notification");
    mount(&server, "POST", "/v1/payment_links/plink_ExjpAUN3gVHrPJ/notify_by/sms", 400, refusal).await;
    mount(&server, "GET", LINK, 200, razorpay_link("cancelled")).await;
    let err = client.resend_notification(&sample_ref(P), NotifyMedium::Sms).await.unwrap_err();
    assert_invalid_state(&err, "resend_notification", "cancelled");
}

#[tokio::test]
async fn a_create_refused_on_a_field_names_the_field() {
    let (server, client) = setup(P, fast_retry(3)).await;
    let refusal = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "amount: amount should be minimum 100 for INR.",
                                   "field": "amount", "source": "business", "step": "payment_initiation", "reason": "input_validation_failed",
                                   "metadata": {}}});
    mount(&server, "POST", LINKS, 400, refusal).await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert_invalid(&err, P, "amount");
    assert!(err.to_string().contains("minimum 100"), "{err}");
    assert_eq!(api_requests(&server).await.len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn a_field_named_only_in_the_description_is_found() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(
        &server,
        "POST",
        LINKS,
        400,
        error_body(P, "BAD_REQUEST_ERROR", "contact: the length must be between 8 and 14."),
    )
    .await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert_invalid(&err, P, "contact");
}

#[tokio::test]
async fn rate_limits_read_retry_after() {
    let err = assert_get_rate_limited(P, "BAD_REQUEST_ERROR", ("Retry-After", "3"), Some(Duration::from_secs(3))).await;
    assert!(err.to_string().contains("retry after 3 s"), "{err}");
}

#[tokio::test]
async fn create_without_a_reference_is_never_retried() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", LINKS, 503, error_body(P, "SERVER_ERROR", "The server is unavailable")).await;
    let err = client.create(P, &CreateLink::new(Money::inr(49950))).await.unwrap_err();
    assert!(matches!(err, Error::Provider { provider: P, status: 503, .. }), "{err:?}");
    assert_eq!(api_requests(&server).await.len(), 1, "a second create could make a second link");
}

#[tokio::test]
async fn create_with_a_reference_finds_the_link_an_earlier_attempt_made() {
    let (server, result) =
        create_after_an_attempted_reference(json!({"payment_links": [razorpay_link("created")]})).await;
    let link = result.unwrap();
    assert_eq!(link.id, ID_);
    assert_eq!(link.reference.as_deref(), Some("order-1042"));
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 3, "{:?}", summary(&requests));
    assert_eq!(body(&requests[0]), body(&requests[1]), "the retry sends the same body");
    assert_eq!(requests[2].method.as_str(), "GET");
    assert_eq!(
        sorted(query(&requests[2])),
        [
            ("count".to_owned(), "100".to_owned()),
            ("reference_id".to_owned(), "order-1042".to_owned()),
            ("skip".to_owned(), "0".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_duplicate_reference_on_the_first_attempt_is_an_invalid_reference() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", LINKS, 400, error_body(P, "BAD_REQUEST_ERROR", ALREADY_ATTEMPTED)).await;
    let err = client.create(P, &order()).await.unwrap_err();
    assert_invalid(&err, P, "reference");
    assert_eq!(api_requests(&server).await.len(), 1, "the merchant's own duplicate is not looked up");
}

#[tokio::test]
async fn a_cancel_retried_after_a_lost_response_returns_the_cancelled_link() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount_times(&server, "POST", CANCEL, 1, 500, error_body(P, "SERVER_ERROR", "internal error")).await;
    mount(&server, "POST", CANCEL, 400, error_body(P, "BAD_REQUEST_ERROR", "cannot cancel or expire an expired link"))
        .await;
    mount(&server, "GET", LINK, 200, razorpay_link("cancelled")).await;
    let link = client.cancel(&sample_ref(P)).await.unwrap();
    assert_eq!(link.status, LinkStatus::Cancelled);
    assert_eq!(api_requests(&server).await.len(), 3, "cancel, cancel, fetch");
}

#[tokio::test]
async fn cancelling_an_expired_link_on_the_first_attempt_is_invalid_state() {
    let (server, client) = setup(P, fast_retry(3)).await;
    mount(&server, "POST", CANCEL, 400, error_body(P, "BAD_REQUEST_ERROR", "cannot cancel or expire an expired link"))
        .await;
    mount(&server, "GET", LINK, 200, razorpay_link("expired")).await;
    let err = client.cancel(&sample_ref(P)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidState { provider_status: Some(s), .. } if s == "expired"), "{err:?}");
}

#[tokio::test]
async fn list_without_a_reference_asks_for_every_link() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    mount(&server, "GET", LINKS, 200, json!({"payment_links": [razorpay_link("paid"), razorpay_link("created")]}))
        .await;
    let found = client.list(P, &ListFilter::default()).await.unwrap();
    assert_eq!(found.iter().map(|l| l.status).collect::<Vec<_>>(), [LinkStatus::Paid, LinkStatus::Active]);
    assert_eq!(
        sorted(query(&only_request(&server).await)),
        [("count".to_owned(), "100".to_owned()), ("skip".to_owned(), "0".to_owned())]
    );
}

#[tokio::test]
async fn an_already_attempted_reference_that_is_not_listed_stays_an_invalid_reference() {
    // The retry is refused as a duplicate, yet no link has the reference: the refusal is the
    // answer (the reference cannot be used), not a decoding failure.
    let (server, result) = create_after_an_attempted_reference(json!({"payment_links": []})).await;
    let err = result.unwrap_err();
    assert_invalid(&err, P, "reference");
    assert_eq!(api_requests(&server).await.len(), 3);
}

/// Razorpay answers one page of `count` links: `list` reads pages of 100 until a short one.
#[tokio::test]
async fn list_reads_every_page() {
    use wiremock::matchers::{method, path, query_param};
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let page = |from: usize, n: usize| {
        let links: Vec<Value> = (from..from + n)
            .map(|i| {
                let mut link = razorpay_link("created");
                link["id"] = json!(format!("plink_{i:06}"));
                link
            })
            .collect();
        json!({"count": n, "payment_links": links})
    };
    for (skip, body) in [("0", page(0, 100)), ("100", page(100, 100)), ("200", page(200, 7))] {
        wiremock::Mock::given(method("GET"))
            .and(path(LINKS))
            .and(query_param("count", "100"))
            .and(query_param("skip", skip))
            .respond_with(json_response(200, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let found = client.list(P, &ListFilter::default()).await.unwrap();
    assert_eq!(found.len(), 207);
    assert_eq!((found[0].id.as_str(), found[206].id.as_str()), ("plink_000000", "plink_000206"));
    assert_eq!(api_requests(&server).await.len(), 3, "three pages, the last one short");
}

/// A server that ignores `skip` answers the first page again: the list ends there instead of
/// listing links twice or looping.
#[tokio::test]
async fn list_stops_when_a_page_repeats() {
    let (server, client) = setup(P, RetryPolicy::none()).await;
    let links: Vec<Value> = (0..100)
        .map(|i| {
            let mut link = razorpay_link("created");
            link["id"] = json!(format!("plink_{i:06}"));
            link
        })
        .collect();
    mount(&server, "GET", LINKS, 200, json!({"payment_links": links})).await;
    let found = client.list(P, &ListFilter::default()).await.unwrap();
    assert_eq!(found.len(), 100);
    assert_eq!(api_requests(&server).await.len(), 2);
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}
