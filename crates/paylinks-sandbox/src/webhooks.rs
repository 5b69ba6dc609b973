//! Webhook events and their deliveries.
//!
//! A provider module puts its events in the outbox ([`Stores::outbox`](crate::state::Stores))
//! when one of its links is paid, partly paid, fails a payment, expires or is cancelled. The
//! body is final when it is queued; the headers (signature, timestamp) are made at each
//! delivery attempt by [`Provider::sign_webhook`](crate::provider::Provider::sign_webhook).
//!
//! Right after every request (provider API or control API), [`dispatch`] takes the events out
//! of the outbox and starts one delivery per event and registered URL: a task that POSTs the
//! body, exactly as queued, with freshly signed headers, and tries again with exponential
//! backoff ([`WebhookRetry`]) while the receiver answers anything but 2xx or cannot be
//! reached. Every event is kept (for redelivery) and every delivery is listed with its
//! attempts and outcome under `/_sandbox/deliveries`. Nothing here names a provider.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use tokio::task::AbortHandle;

use crate::state::AppState;

/// One event of one provider, waiting to be delivered to every registered webhook URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookEvent {
    /// The sandbox provider's name (`razorpay`), as in [`Provider::name`](crate::provider::Provider::name).
    pub(crate) provider: &'static str,
    /// The event's id, the receiver's dedupe key, the same on every attempt (Razorpay's
    /// `x-razorpay-event-id`, Pine Labs' `webhook-id`; Cashfree sends none, so its module
    /// derives one for the sandbox's own listing).
    pub(crate) id: String,
    /// The provider's event name (`payment_link.paid`, `PAYMENT_LINK_EVENT`, `ORDER_PROCESSED`).
    pub(crate) name: String,
    /// The body exactly as it is sent (and signed).
    pub(crate) body: Vec<u8>,
    /// When it was made, as a count across the sandbox: events waiting together are
    /// delivered in this order ([`crate::state::Stores::take_outbox`]).
    pub(crate) made: u64,
}

impl WebhookEvent {
    /// An event of `provider` (its name), numbered after every event made before it.
    pub(crate) fn new(provider: &'static str, id: String, name: String, body: Vec<u8>) -> WebhookEvent {
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        WebhookEvent { provider, id, name, body, made }
    }
}

/// How the sandbox retries a webhook delivery the receiver did not take (an answer other than
/// 2xx, a connection error, no answer within `timeout`): at most `attempts` attempts in all,
/// the second `first_delay` after the first, each later one twice as long after the one
/// before. The default, 5 attempts from 500 ms (waits of 0.5, 1, 2 and 4 s), gives up 7.5 s
/// (plus the attempts' own time) after the first attempt. Real providers retry for hours;
/// the sandbox keeps it short so that a failing receiver shows up in
/// `GET /_sandbox/deliveries` as `failed` while a developer watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookRetry {
    /// Attempts in all, the first included (at least 1; 0 counts as 1).
    pub attempts: u32,
    /// The wait before the second attempt; doubled before each later one.
    pub first_delay: Duration,
    /// How long one attempt may take, connecting included.
    pub timeout: Duration,
}

impl Default for WebhookRetry {
    /// 5 attempts, 500 ms before the second, 5 s per attempt.
    fn default() -> Self {
        WebhookRetry { attempts: 5, first_delay: Duration::from_millis(500), timeout: Duration::from_secs(5) }
    }
}

impl WebhookRetry {
    /// The wait before attempt `attempt` (1-based): none before the first, then
    /// `first_delay × 2^(attempt − 2)` (saturating).
    pub fn delay_before(&self, attempt: u32) -> Duration {
        match attempt {
            0 | 1 => Duration::ZERO,
            n => self.first_delay.saturating_mul(2u32.saturating_pow(n - 2)),
        }
    }
}

/// How a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Attempts remain (or the first is under way).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
        }
    }
}

/// One attempt: when, the headers it was sent with (signature, timestamp, content type),
/// and the receiver's HTTP status or why there was none.
#[derive(Debug, Clone)]
struct Attempt {
    at: DateTime<Utc>,
    headers: HeaderMap,
    result: Result<u16, String>,
}

/// Headers as a JSON object of `name: value` (a name sent twice keeps its last value; the
/// sandbox's providers send each once).
fn headers_json(headers: &HeaderMap) -> Value {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), Value::from(String::from_utf8_lossy(value.as_bytes()))))
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

/// One delivery: one event to one URL, with its attempts.
#[derive(Debug, Clone)]
struct Record {
    /// Its number, counted from 1 for the life of the sandbox.
    number: u64,
    event: Arc<WebhookEvent>,
    /// The URL posted to (a registered URL with `{provider}` replaced).
    url: String,
    /// Whether `POST /_sandbox/deliveries/{event_id}/redeliver` asked for it.
    redelivery: bool,
    attempts: Vec<Attempt>,
    outcome: Outcome,
}

impl Record {
    fn to_json(&self) -> Value {
        let attempts: Vec<Value> = self
            .attempts
            .iter()
            .map(|attempt| {
                let at = attempt.at.to_rfc3339_opts(SecondsFormat::Millis, true);
                let headers = headers_json(&attempt.headers);
                match &attempt.result {
                    Ok(status) => json!({ "at": at, "status": status, "headers": headers }),
                    Err(error) => json!({ "at": at, "error": error, "headers": headers }),
                }
            })
            .collect();
        let body = serde_json::from_slice::<Value>(&self.event.body)
            .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(&self.event.body).into_owned()));
        json!({
            "delivery": self.number,
            "event_id": self.event.id,
            "provider": self.event.provider,
            "event": self.event.name,
            "url": self.url,
            "redelivery": self.redelivery,
            "outcome": self.outcome.as_str(),
            "attempts": attempts,
            "body": body,
            // The bytes as sent and signed (UTF-8 text), to save and verify again: `body`
            // above is parsed, and a body serialised again does not verify.
            "body_text": String::from_utf8_lossy(&self.event.body),
        })
    }
}

/// Every event produced and every delivery started.
#[derive(Debug, Default)]
struct Log {
    events: Vec<Arc<WebhookEvent>>,
    deliveries: Vec<Record>,
}

/// The sandbox's webhook side: the registered URLs, the log of events and deliveries, the
/// running delivery tasks. Holds no secret (the signing secrets stay in the configuration).
#[derive(Debug)]
pub(crate) struct Hub {
    urls: Mutex<Vec<String>>,
    log: Mutex<Log>,
    retry: WebhookRetry,
    next_number: AtomicU64,
    client: OnceLock<Result<reqwest::Client, String>>,
    tasks: Mutex<Vec<AbortHandle>>,
}

/// Locks a mutex, taking a poisoned one over (every change is completed before anything
/// that could panic).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Hub {
    /// A hub delivering to `urls` with `retry`.
    pub(crate) fn new(urls: Vec<String>, retry: WebhookRetry) -> Hub {
        Hub {
            urls: Mutex::new(urls),
            log: Mutex::default(),
            retry,
            next_number: AtomicU64::new(1),
            client: OnceLock::new(),
            tasks: Mutex::default(),
        }
    }

    /// The registered URLs, in registration order.
    pub(crate) fn urls(&self) -> Vec<String> {
        lock(&self.urls).clone()
    }

    /// Registers `url` (an absolute http or https URL; registering it again changes nothing).
    pub(crate) fn add_url(&self, url: &str) -> Result<(), &'static str> {
        let url = check_url(url)?;
        let mut urls = lock(&self.urls);
        if !urls.contains(&url) {
            urls.push(url);
        }
        Ok(())
    }

    /// Forgets every registered URL (deliveries under way continue).
    pub(crate) fn clear_urls(&self) {
        lock(&self.urls).clear();
    }

    /// How deliveries are retried.
    pub(crate) fn retry(&self) -> WebhookRetry {
        self.retry
    }

    /// Every delivery, oldest first, as the control API lists them.
    pub(crate) fn deliveries_json(&self) -> Value {
        Value::Array(lock(&self.log).deliveries.iter().map(Record::to_json).collect())
    }

    /// Stops every delivery under way and forgets every event and delivery (the registered
    /// URLs stay).
    pub(crate) fn reset(&self) {
        self.stop();
        *lock(&self.log) = Log::default();
    }

    /// Stops every delivery under way (the sandbox is shutting down).
    pub(crate) fn stop(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    /// The HTTP client of the deliveries, built on first use.
    fn client(&self) -> Result<reqwest::Client, String> {
        let timeouts = paylinks_core::http::Timeouts { connect: self.retry.timeout, request: self.retry.timeout };
        self.client.get_or_init(|| paylinks_core::http::plain_client(timeouts).map_err(|e| e.to_string())).clone()
    }

    /// Records a new delivery of `event` to `url` and answers its number.
    fn start_record(&self, event: &Arc<WebhookEvent>, url: &str, redelivery: bool) -> Record {
        let number = self.next_number.fetch_add(1, Ordering::Relaxed);
        let record = Record {
            number,
            event: event.clone(),
            url: url.replace(PROVIDER_PLACEHOLDER, event.provider),
            redelivery,
            attempts: Vec::new(),
            outcome: Outcome::Pending,
        };
        lock(&self.log).deliveries.push(record.clone());
        record
    }

    /// Adds an attempt to delivery `number` and sets its outcome.
    fn record_attempt(&self, number: u64, attempt: Attempt, outcome: Outcome) {
        let mut log = lock(&self.log);
        if let Some(record) = log.deliveries.iter_mut().find(|r| r.number == number) {
            record.attempts.push(attempt);
            record.outcome = outcome;
        }
    }

    /// The event with this id, the latest one if ids repeat.
    fn event(&self, id: &str) -> Option<Arc<WebhookEvent>> {
        lock(&self.log).events.iter().rev().find(|event| event.id == id).cloned()
    }

    /// Keeps a running task, to stop it on reset or shutdown; forgets finished ones.
    fn keep(&self, task: AbortHandle) {
        let mut tasks = lock(&self.tasks);
        tasks.retain(|task| !task.is_finished());
        tasks.push(task);
    }
}

/// The placeholder of a webhook URL replaced by the provider's name at each delivery.
const PROVIDER_PLACEHOLDER: &str = "{provider}";

/// `url` if it is an absolute http or https URL with a host (with any `{provider}` replaced).
pub(crate) fn check_url(url: &str) -> Result<String, &'static str> {
    match url::Url::parse(&url.trim().replace(PROVIDER_PLACEHOLDER, "provider")) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(url.trim().to_owned()),
        _ => Err("not an absolute http or https URL"),
    }
}

/// Middleware around every route of the sandbox: after the request, hands the events it
/// produced to the deliveries.
pub(crate) async fn dispatch(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    deliver_outbox(&app);
    response
}

/// Takes every event out of the outbox, keeps it and starts its deliveries to every
/// registered URL. Must run inside a tokio runtime.
pub(crate) fn deliver_outbox(app: &Arc<AppState>) {
    let events = app.lock().take_outbox();
    if events.is_empty() {
        return;
    }
    let urls = app.webhooks.urls();
    for event in events {
        let event = Arc::new(event);
        lock(&app.webhooks.log).events.push(event.clone());
        for url in &urls {
            start(app, &event, url, false);
        }
    }
}

/// `POST /_sandbox/deliveries/{event_id}/redeliver`: starts a delivery of the event with this
/// id, exactly as first sent (same id, same body, signed anew), to every registered URL.
/// Answers the new deliveries; `Err` says why there are none.
pub(crate) fn redeliver(app: &Arc<AppState>, event_id: &str) -> Result<Value, crate::payment::ControlError> {
    let event = app
        .webhooks
        .event(event_id)
        .ok_or_else(|| crate::payment::ControlError::unknown(format!("no webhook event with id {event_id}")))?;
    let urls = app.webhooks.urls();
    if urls.is_empty() {
        return Err(crate::payment::ControlError::invalid(
            "no webhook URL is registered: POST /_sandbox/webhooks {\"url\": ...} first",
        ));
    }
    let started: Vec<Value> = urls.iter().map(|url| start(app, &event, url, true).to_json()).collect();
    Ok(json!({ "deliveries": started }))
}

/// Records a delivery and spawns its task; answers the record as started.
fn start(app: &Arc<AppState>, event: &Arc<WebhookEvent>, url: &str, redelivery: bool) -> Record {
    let record = app.webhooks.start_record(event, url, redelivery);
    let task = tokio::spawn(deliver(app.clone(), record.number, event.clone(), record.url.clone()));
    app.webhooks.keep(task.abort_handle());
    record
}

/// One delivery: attempts with backoff until a 2xx answer or the last attempt.
async fn deliver(app: Arc<AppState>, number: u64, event: Arc<WebhookEvent>, url: String) {
    let hub = &app.webhooks;
    let retry = hub.retry;
    let attempts = retry.attempts.max(1);
    let provider = crate::providers::all().into_iter().find(|p| p.name() == event.provider);
    for attempt in 1..=attempts {
        tokio::time::sleep(retry.delay_before(attempt)).await;
        let at = Utc::now();
        let mut headers = match &provider {
            Some(provider) => provider.sign_webhook(&app.config, &event, at),
            None => HeaderMap::new(),
        };
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let result = match hub.client() {
            Ok(client) => send(&client, &url, headers.clone(), event.body.clone()).await,
            Err(error) => Err(format!("cannot build the HTTP client: {error}")),
        };
        let delivered = matches!(result, Ok(status) if (200..300).contains(&status));
        let outcome = match (delivered, attempt == attempts) {
            (true, _) => Outcome::Delivered,
            (false, true) => Outcome::Failed,
            (false, false) => Outcome::Pending,
        };
        hub.record_attempt(number, Attempt { at, headers, result }, outcome);
        if delivered {
            return;
        }
    }
}

/// POSTs one attempt; answers the status, or what went wrong (without the URL).
async fn send(client: &reqwest::Client, url: &str, headers: HeaderMap, body: Vec<u8>) -> Result<u16, String> {
    match client.post(url).headers(headers).body(body).send().await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(error) => {
            let error = error.without_url();
            let mut text = if error.is_timeout() { "timed out".to_owned() } else { error.to_string() };
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            Err(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::net::SocketAddr;

    use axum::Router;
    use axum::body::Bytes;
    use axum::http::StatusCode;
    use axum::routing::post;

    use super::*;
    use crate::config::SandboxConfig;
    use crate::server::Sandbox;

    /// What a receiver got: the headers and the body of each request, in order.
    #[derive(Default)]
    struct Received {
        requests: Vec<(HeaderMap, Vec<u8>, std::time::Instant)>,
        /// The statuses to answer, in order; 200 once they run out.
        answers: VecDeque<u16>,
    }

    /// A receiver on 127.0.0.1 answering `answers` in order (then 200).
    async fn receiver(answers: &[u16]) -> (String, Arc<Mutex<Received>>) {
        let received =
            Arc::new(Mutex::new(Received { requests: Vec::new(), answers: answers.iter().copied().collect() }));
        let state = received.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    let mut received = lock(&state);
                    received.requests.push((headers, body.to_vec(), std::time::Instant::now()));
                    StatusCode::from_u16(received.answers.pop_front().unwrap_or(200)).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}/hook"), received)
    }

    fn quick(attempts: u32, first_delay_ms: u64) -> WebhookRetry {
        WebhookRetry { attempts, first_delay: Duration::from_millis(first_delay_ms), timeout: Duration::from_secs(2) }
    }

    async fn sandbox(urls: &[&str], retry: WebhookRetry) -> (Sandbox, reqwest::Client) {
        let mut config = SandboxConfig::default();
        for url in urls {
            config.add_webhook_url(url).unwrap();
        }
        config.set_webhook_retry(retry);
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        (sandbox, paylinks_core::http::plain_client(Default::default()).unwrap())
    }

    fn event(provider: &'static str, id: &str) -> WebhookEvent {
        WebhookEvent::new(
            provider,
            id.to_owned(),
            "payment_link.paid".to_owned(),
            format!(r#"{{"event":"payment_link.paid", "id" : "{id}"}}"#).into_bytes(),
        )
    }

    /// Queues `event` as a provider module would, then makes a control request, after which
    /// the middleware hands it to the deliveries.
    async fn produce(sandbox: &Sandbox, http: &reqwest::Client, event: WebhookEvent) {
        sandbox.app.lock().outbox.push(event);
        let response = http.get(format!("http://{}/_sandbox/faults", sandbox.addr())).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }

    async fn control(http: &reqwest::Client, sandbox: &Sandbox, method: reqwest::Method, path: &str) -> (u16, Value) {
        let response = http.request(method, format!("http://{}/_sandbox{path}", sandbox.addr())).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn deliveries(http: &reqwest::Client, sandbox: &Sandbox) -> Vec<Value> {
        let (status, body) = control(http, sandbox, reqwest::Method::GET, "/deliveries").await;
        assert_eq!(status, 200);
        body["deliveries"].as_array().unwrap().clone()
    }

    /// Waits until every delivery listed is no longer pending (and there are `count`).
    async fn settled(http: &reqwest::Client, sandbox: &Sandbox, count: usize) -> Vec<Value> {
        for _ in 0..400 {
            let listed = deliveries(http, sandbox).await;
            if listed.len() == count && listed.iter().all(|d| d["outcome"] != "pending") {
                return listed;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("deliveries did not settle: {:#?}", deliveries(http, sandbox).await);
    }

    #[tokio::test]
    async fn an_event_is_posted_to_every_url_with_its_exact_body_and_listed() {
        let (first, got_first) = receiver(&[]).await;
        let (second, got_second) = receiver(&[]).await;
        let (sandbox, http) = sandbox(&[&first, &second], quick(3, 20)).await;
        let sent = event("razorpay", "evt_1");
        produce(&sandbox, &http, sent.clone()).await;
        let listed = settled(&http, &sandbox, 2).await;
        for (received, url) in [(&got_first, &first), (&got_second, &second)] {
            let received = lock(received);
            assert_eq!(received.requests.len(), 1, "{url}: one attempt");
            let (headers, body, _) = &received.requests[0];
            assert_eq!(body, &sent.body, "the bytes as queued, not re-serialised");
            assert_eq!(headers[header::CONTENT_TYPE], "application/json");
            let provider = crate::providers::all().into_iter().find(|p| p.name() == "razorpay").unwrap();
            for name in provider.sign_webhook(&sandbox.app.config, &sent, Utc::now()).keys() {
                assert!(headers.contains_key(name), "{url}: the provider's {name} header");
            }
        }
        let urls: Vec<&str> = listed.iter().map(|d| d["url"].as_str().unwrap()).collect();
        assert_eq!(urls, [first.as_str(), second.as_str()]);
        for delivery in &listed {
            assert_eq!(delivery["event_id"], "evt_1");
            assert_eq!(delivery["provider"], "razorpay");
            assert_eq!(delivery["event"], "payment_link.paid");
            assert_eq!(delivery["outcome"], "delivered");
            assert_eq!(delivery["redelivery"], false);
            assert_eq!(delivery["body"]["id"], "evt_1");
            let attempts = delivery["attempts"].as_array().unwrap();
            assert_eq!(attempts.len(), 1);
            assert_eq!(attempts[0]["status"], 200);
            assert!(DateTime::parse_from_rfc3339(attempts[0]["at"].as_str().unwrap()).is_ok());
            // What a developer saves to verify again: the exact bytes and the headers sent.
            assert_eq!(delivery["body_text"].as_str().unwrap().as_bytes(), sent.body.as_slice());
            let received = if delivery["url"] == first.as_str() { &got_first } else { &got_second };
            let (headers, ..) = &lock(received).requests[0];
            let listed = attempts[0]["headers"].as_object().unwrap();
            // Every header the sandbox set, as received (the HTTP client adds host and the like).
            for (name, value) in listed {
                assert_eq!(headers[name.as_str()].to_str().unwrap(), value.as_str().unwrap(), "{name}");
            }
            let names: Vec<&str> = listed.keys().map(String::as_str).collect();
            assert_eq!(names, ["content-type", "x-razorpay-event-id", "x-razorpay-signature"]);
        }
        assert_ne!(listed[0]["delivery"], listed[1]["delivery"], "each delivery has its own number");
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn a_refused_delivery_is_retried_until_the_receiver_takes_it() {
        let (url, received) = receiver(&[500, 404]).await;
        let (sandbox, http) = sandbox(&[&url], quick(5, 20)).await;
        produce(&sandbox, &http, event("cashfree", "evt_retry")).await;
        let listed = settled(&http, &sandbox, 1).await;
        assert_eq!(listed[0]["outcome"], "delivered");
        let statuses: Vec<&Value> = listed[0]["attempts"].as_array().unwrap().iter().map(|a| &a["status"]).collect();
        assert_eq!(statuses, [&json!(500), &json!(404), &json!(200)]);
        {
            let received = lock(&received);
            assert_eq!(received.requests.len(), 3);
            assert!(
                received.requests.iter().all(|(_, body, _)| body == &received.requests[0].1),
                "same body each time"
            );
        }
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn each_attempt_carries_the_providers_headers_signed_at_that_attempt() {
        // Every provider's event is refused twice, then taken.
        let providers = crate::providers::all();
        let (url, received) = receiver(&vec![500; providers.len() * 2]).await;
        let (sandbox, http) = sandbox(&[&url], quick(4, 30)).await;
        for provider in &providers {
            sandbox.app.lock().outbox.push(event(provider.name(), &format!("evt_signed_{}", provider.name())));
        }
        produce(&sandbox, &http, event("razorpay", "evt_signed_last")).await;
        settled(&http, &sandbox, providers.len() + 1).await;
        let log: Vec<Record> = lock(&sandbox.app.webhooks.log).deliveries.clone();
        let requests: Vec<(HeaderMap, Vec<u8>, std::time::Instant)> = lock(&received).requests.clone();
        assert_eq!(requests.len(), log.iter().map(|r| r.attempts.len()).sum::<usize>());
        assert!(log.iter().any(|r| r.attempts.len() > 1), "some deliveries were retried");
        let mut resigned = false;
        for record in &log {
            let provider = providers.iter().find(|p| p.name() == record.event.provider).unwrap();
            // The requests of one delivery are its attempts, in order (one at a time).
            let sent: Vec<&HeaderMap> =
                requests.iter().filter(|(_, body, _)| body == &record.event.body).map(|(h, ..)| h).collect();
            assert_eq!(sent.len(), record.attempts.len(), "{}", record.event.id);
            resigned |= sent.windows(2).any(|pair| pair[0] != pair[1]);
            for (headers, attempt) in sent.iter().zip(&record.attempts) {
                let expected = provider.sign_webhook(&sandbox.app.config, &record.event, attempt.at);
                for (name, value) in &expected {
                    assert_eq!(headers.get(name), Some(value), "{}: {name} as signed at its attempt", record.event.id);
                }
            }
        }
        assert!(resigned, "a provider whose signature covers a time sends new headers on a retry");
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn retries_are_bounded_and_back_off_exponentially() {
        let (url, received) = receiver(&[500; 10]).await;
        let (sandbox, http) = sandbox(&[&url], quick(3, 60)).await;
        produce(&sandbox, &http, event("pinelabs", "evt_fail")).await;
        let listed = settled(&http, &sandbox, 1).await;
        assert_eq!(listed[0]["outcome"], "failed");
        assert_eq!(listed[0]["attempts"].as_array().unwrap().len(), 3);
        // Long enough for a fourth attempt, were there one (240 ms after the third).
        tokio::time::sleep(Duration::from_millis(400)).await;
        let times: Vec<std::time::Instant> = lock(&received).requests.iter().map(|r| r.2).collect();
        assert_eq!(times.len(), 3, "3 attempts, no more");
        assert!(times[1] - times[0] >= Duration::from_millis(60), "{:?}", times[1] - times[0]);
        assert!(times[2] - times[1] >= Duration::from_millis(120), "doubled: {:?}", times[2] - times[1]);
        assert_eq!(deliveries(&http, &sandbox).await[0]["attempts"].as_array().unwrap().len(), 3);
        sandbox.shutdown().await;
    }

    #[test]
    fn the_default_backoff_is_documented() {
        let retry = WebhookRetry::default();
        assert_eq!(retry.attempts, 5);
        let waits: Vec<u128> = (1..=5).map(|n| retry.delay_before(n).as_millis()).collect();
        assert_eq!(waits, [0, 500, 1000, 2000, 4000]);
        assert!(quick(80, 1000).delay_before(80) >= Duration::from_secs(u64::from(u32::MAX)), "saturates, no panic");
    }

    #[tokio::test]
    async fn an_unreachable_receiver_is_a_failed_delivery_with_its_errors() {
        // A port that was free a moment ago: nothing listens there.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        drop(listener);
        let (sandbox, http) = sandbox(&[&url], quick(2, 10)).await;
        produce(&sandbox, &http, event("razorpay", "evt_down")).await;
        let listed = settled(&http, &sandbox, 1).await;
        assert_eq!(listed[0]["outcome"], "failed");
        let attempts = listed[0]["attempts"].as_array().unwrap();
        assert_eq!(attempts.len(), 2);
        assert!(attempts.iter().all(|a| a["error"].as_str().is_some_and(|e| !e.is_empty()) && a["status"].is_null()));
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn urls_are_registered_listed_and_cleared_through_the_control_api() {
        let (url, received) = receiver(&[]).await;
        let (sandbox, http) = sandbox(&[], quick(2, 10)).await;
        let root = format!("http://{}/_sandbox", sandbox.addr());
        // An event with no URL registered is kept, not delivered.
        produce(&sandbox, &http, event("razorpay", "evt_early")).await;
        assert!(deliveries(&http, &sandbox).await.is_empty());
        let (status, body) = control(&http, &sandbox, reqwest::Method::POST, "/deliveries/evt_early/redeliver").await;
        assert_eq!((status, body["message"].as_str().unwrap().contains("no webhook URL")), (400, true));
        for bad in [json!({}), json!({"url": "ftp://x/y"}), json!({"url": "/relative"}), json!({"url": 7})] {
            let response = http.post(format!("{root}/webhooks")).json(&bad).send().await.unwrap();
            assert_eq!(response.status(), 400, "{bad}");
        }
        for _ in 0..2 {
            let response = http.post(format!("{root}/webhooks")).json(&json!({ "url": url })).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.json::<Value>().await.unwrap(), json!({ "urls": [url] }), "registered once");
        }
        assert_eq!(control(&http, &sandbox, reqwest::Method::GET, "/webhooks").await.1, json!({ "urls": [url] }));
        let (status, body) = control(&http, &sandbox, reqwest::Method::POST, "/deliveries/evt_early/redeliver").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["deliveries"][0]["redelivery"], true);
        assert_eq!(settled(&http, &sandbox, 1).await[0]["outcome"], "delivered");
        assert_eq!(lock(&received).requests.len(), 1);
        assert_eq!(control(&http, &sandbox, reqwest::Method::DELETE, "/webhooks").await.1, json!({ "urls": [] }));
        produce(&sandbox, &http, event("razorpay", "evt_late")).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(lock(&received).requests.len(), 1, "no URL, no delivery");
        let described = control(&http, &sandbox, reqwest::Method::GET, "").await.1;
        assert!(described["control"].as_array().unwrap().iter().any(|c| c == "GET /_sandbox/deliveries"));
        assert_eq!(
            described["webhooks"],
            json!({ "urls": [], "attempts": 2, "first_delay_ms": 10, "timeout_ms": 2000 }),
            "the URLs and retries"
        );
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn a_redelivery_sends_the_same_event_again_and_reset_forgets_events() {
        let (url, received) = receiver(&[]).await;
        let (sandbox, http) = sandbox(&[&url], quick(2, 10)).await;
        let sent = event("razorpay", "evt_again");
        produce(&sandbox, &http, sent.clone()).await;
        settled(&http, &sandbox, 1).await;
        let (status, body) = control(&http, &sandbox, reqwest::Method::POST, "/deliveries/evt_again/redeliver").await;
        assert_eq!(status, 200, "{body}");
        let listed = settled(&http, &sandbox, 2).await;
        assert_eq!(listed[1]["event_id"], "evt_again");
        assert_eq!((listed[0]["redelivery"].clone(), listed[1]["redelivery"].clone()), (json!(false), json!(true)));
        {
            let received = lock(&received);
            assert_eq!(received.requests.len(), 2);
            assert_eq!(received.requests[1].1, sent.body, "same body, same id");
        }
        let (status, _) = control(&http, &sandbox, reqwest::Method::POST, "/deliveries/evt_nope/redeliver").await;
        assert_eq!(status, 404);
        let (status, _) = control(&http, &sandbox, reqwest::Method::POST, "/reset").await;
        assert_eq!(status, 200);
        assert!(deliveries(&http, &sandbox).await.is_empty());
        let (status, _) = control(&http, &sandbox, reqwest::Method::POST, "/deliveries/evt_again/redeliver").await;
        assert_eq!(status, 404, "reset forgets events");
        assert_eq!(control(&http, &sandbox, reqwest::Method::GET, "/webhooks").await.1, json!({ "urls": [url] }));
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn a_provider_placeholder_sends_each_provider_to_its_own_path() {
        let (url, received) = receiver(&[]).await;
        let template = url.replace("/hook", "/{provider}");
        let (url_base, _) = url.rsplit_once('/').unwrap();
        let (sandbox, http) = sandbox(&[&template], quick(1, 10)).await;
        produce(&sandbox, &http, event("razorpay", "evt_path")).await;
        let listed = settled(&http, &sandbox, 1).await;
        assert_eq!(listed[0]["url"], format!("{url_base}/razorpay"));
        assert_eq!(listed[0]["attempts"][0]["status"], 404, "the receiver serves /hook only");
        assert!(lock(&received).requests.is_empty());
        sandbox.shutdown().await;
    }

    #[test]
    fn each_provider_has_the_secret_it_signs_with() {
        let config = SandboxConfig::default();
        for provider in crate::providers::all() {
            assert!(config.webhook_secret(provider.name()).is_some_and(|s| !s.is_empty()), "{}", provider.name());
        }
        assert_eq!(
            config.webhook_secret("cashfree"),
            Some("cf_sandbox_secret"),
            "Cashfree signs with its client secret"
        );
        assert_eq!(config.webhook_secret("stripe"), None);
    }

    #[tokio::test]
    async fn no_secret_in_debug_or_listings() {
        let (url, _received) = receiver(&[]).await;
        let (sandbox, http) = sandbox(&[&url], quick(1, 10)).await;
        for provider in crate::providers::all() {
            produce(&sandbox, &http, event(provider.name(), &format!("evt_{}", provider.name()))).await;
        }
        let listed = settled(&http, &sandbox, crate::providers::all().len()).await;
        let config = sandbox.config();
        let secrets: Vec<&str> = config
            .settings()
            .iter()
            .filter(|spec| spec.key.contains("secret"))
            .filter_map(|spec| config.text(spec.provider, spec.key))
            .collect();
        assert!(!secrets.is_empty());
        let seen = [
            serde_json::to_string(&listed).unwrap(),
            format!("{sandbox:?}"),
            format!("{:?}", sandbox.app.webhooks),
            format!("{config:?}"),
        ];
        for text in &seen {
            for secret in &secrets {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        sandbox.shutdown().await;
    }
}
