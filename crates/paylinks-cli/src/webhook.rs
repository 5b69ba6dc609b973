//! `paylinks webhook verify` and `paylinks webhook listen`: webhook deliveries checked with the
//! facade's `Webhooks`, from a saved body or as an HTTP receiver.

use std::collections::HashSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::routing::post;
use clap::{Args, Subcommand};
use paylinks::{Error, LinkEvent, Provider, Webhooks};
use paylinks_sandbox::SandboxConfig;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::{OneLine, parse_provider};

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Verify one saved delivery (its headers and raw body) and print the LinkEvent as JSON.
    ///
    /// The headers each provider's delivery needs (give each with --header):
    ///   razorpay, razorpay-invoice: X-Razorpay-Signature, x-razorpay-event-id
    ///   cashfree: x-webhook-signature, x-webhook-timestamp
    ///   pinelabs: webhook-id, webhook-timestamp, webhook-signature
    /// A delivery saved from the sandbox (`GET /_sandbox/deliveries`) carries them.
    ///
    /// Exit status: 0 and the event on stdout when the delivery is genuine; 1 and one line on
    /// stderr saying why when it is refused (a missing or wrong signature, a stale timestamp, a
    /// body that is not an event) or no secret is set; 2 for a wrong argument (an unknown
    /// provider, a malformed --header, an empty --secret, a --tolerance over a day).
    #[command(verbatim_doc_comment)]
    Verify(VerifyArgs),
    /// Receive deliveries over HTTP, verify each and print one line per event, until Ctrl-C.
    ///
    /// Paths: /webhooks/cashfree, /webhooks/razorpay (payment-link and invoice events alike),
    /// /webhooks/pinelabs (any provider name `paylinks` takes). Verified deliveries are
    /// answered 200, refused ones 400 (with the reason on stderr), an unknown provider 404, a
    /// provider without a secret 500. A repeated event id is printed as a redelivery. The
    /// first stdout line is one JSON object with the receiver's URL, its paths and the
    /// providers it has secrets for; then one line per event (with --json, one JSON object per
    /// event: stdout carries JSON lines only). The human-readable banner goes to stderr. Point
    /// the sandbox at it with `paylinks sandbox --webhook-url
    /// http://127.0.0.1:PORT/webhooks/{provider}`.
    Listen(ListenArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// cashfree, razorpay, razorpay-invoice or pinelabs: the webhook the delivery came to.
    #[arg(long, value_parser = parse_provider)]
    provider: Provider,
    /// The webhook secret (default: the provider's variable, RAZORPAY_WEBHOOK_SECRET,
    /// PINELABS_WEBHOOK_SECRET or CASHFREE_CLIENT_SECRET; prefer it: a flag shows in the
    /// process list). Not empty.
    #[arg(long, value_parser = OneLine::new("--secret", parse_secret))]
    secret: Option<String>,
    /// A header of the delivery, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = OneLine::new("--header", parse_header))]
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The replay window in seconds for signed timestamps (default 300, at most 86400).
    #[arg(long, value_name = "SECS", value_parser = OneLine::new("--tolerance", parse_tolerance))]
    tolerance: Option<u64>,
    /// The file holding the raw body, or - for standard input.
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value = "4466")]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Print each event as one JSON line (the LinkEvent with `"redelivery": true|false`).
    #[arg(long)]
    json: bool,
    /// Verify with the local sandbox's default webhook secrets (what `paylinks sandbox`
    /// signs with), instead of the secrets from the environment.
    #[arg(long)]
    sandbox_secrets: bool,
    /// The replay window in seconds for signed timestamps (default 300, at most 86400).
    #[arg(long, value_name = "SECS", value_parser = OneLine::new("--tolerance", parse_tolerance))]
    tolerance: Option<u64>,
}

/// The widest replay window the CLI takes: a day. A wider one would accept a delivery
/// captured long ago, switching the replay protection off without saying so.
const MAX_TOLERANCE_SECS: u64 = 24 * 60 * 60;

/// `Name: value`. An error names at most the header's name, never its value.
fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err("a header is `Name: value` (no colon in this one)".to_owned());
    };
    let name = HeaderName::try_from(name.trim()).map_err(|_| format!("`{}` is not a header name", name.trim()))?;
    let value =
        HeaderValue::try_from(value.trim()).map_err(|_| format!("the value of {name} is not a header value"))?;
    Ok((name, value))
}

/// A secret that is not empty (an empty one could only fail as a signature mismatch).
fn parse_secret(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("the webhook secret is empty".to_owned());
    }
    Ok(text.to_owned())
}

/// A replay window of at most [`MAX_TOLERANCE_SECS`].
fn parse_tolerance(text: &str) -> Result<u64, String> {
    let secs: u64 = text.parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if secs > MAX_TOLERANCE_SECS {
        return Err(format!(
            "{secs} s is over a day ({MAX_TOLERANCE_SECS} s): so wide a window would accept deliveries captured long ago"
        ));
    }
    Ok(secs)
}

pub async fn run(command: WebhookCommand) -> Result<(), String> {
    match command {
        WebhookCommand::Verify(args) => verify(args),
        WebhookCommand::Listen(args) => listen(args).await,
    }
}

/// The secrets from the environment (none set is not an error here: the verification names
/// the missing variable).
fn from_env() -> Webhooks {
    Webhooks::from_env().unwrap_or_default()
}

/// The sandbox's default secrets, for each link API whose provider the sandbox serves.
pub fn sandbox_webhooks(config: &SandboxConfig) -> Webhooks {
    Provider::ALL.into_iter().fold(Webhooks::new(), |webhooks, provider| {
        match config.webhook_secret(provider.owner().as_str()) {
            Some(secret) => webhooks.secret(provider, secret),
            None => webhooks,
        }
    })
}

fn verify(args: VerifyArgs) -> Result<(), String> {
    let body = crate::read_input(&args.file)?;
    let mut headers = HeaderMap::new();
    for (name, value) in args.headers {
        headers.append(name, value);
    }
    let mut webhooks = from_env();
    if let Some(secret) = args.secret {
        webhooks = webhooks.secret(args.provider, secret);
    }
    if let Some(secs) = args.tolerance {
        webhooks = webhooks.tolerance(Duration::from_secs(secs));
    }
    let event = webhooks.verify(args.provider, &headers, &body).map_err(|e| refusal(&e, "or pass --secret"))?;
    crate::output::outln!("{}", serde_json::to_string_pretty(&event).unwrap_or_default());
    Ok(())
}

/// One line saying why a delivery was refused (the facade's errors name no secret). A missing
/// secret's message points at the facade's `Webhooks::secret`; a CLI user is pointed at
/// `instead` (a flag) besides the variable.
fn refusal(error: &Error, instead: &str) -> String {
    match error {
        Error::Webhook(refused) => format!("refused: {refused}"),
        other => other.to_string().replace("or Webhooks::secret", instead),
    }
}

/// What `listen` suggests besides a secret's variable.
const LISTEN_SECRETS: &str = "or, for the local sandbox's deliveries, --sandbox-secrets";

/// A verified event as the receiver reports it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The event.
    pub event: LinkEvent,
    /// Whether an event with this id (of this provider) was received before.
    pub redelivery: bool,
}

/// The receiver's state: the verifier, the event ids seen, where verified events go.
#[derive(Clone)]
struct Receiver {
    webhooks: Arc<Webhooks>,
    seen: Arc<Mutex<HashSet<(Provider, String)>>>,
    events: mpsc::UnboundedSender<Received>,
}

/// The receiver's routes: `POST /webhooks/{provider}`.
fn routes(receiver: Receiver) -> Router {
    Router::new().route("/webhooks/{provider}", post(receive)).with_state(receiver)
}

async fn receive(
    State(receiver): State<Receiver>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let Ok(provider) = provider.parse::<Provider>() else {
        return (StatusCode::NOT_FOUND, format!("no webhook path for `{provider}`\n"));
    };
    match receiver.webhooks.verify(provider, &headers, &body) {
        Ok(event) => {
            let first = receiver
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert((event.provider.owner(), event.event_id.clone()));
            let _ = receiver.events.send(Received { event, redelivery: !first });
            (StatusCode::OK, "ok\n".to_owned())
        }
        Err(error) => {
            let status = match error {
                Error::Webhook(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let line = refusal(&error, LISTEN_SECRETS);
            eprintln!("{provider} delivery {line}");
            (status, format!("{line}\n"))
        }
    }
}

/// A receiver serving on a spawned task: its address and the verified events.
pub struct Listening {
    pub addr: SocketAddr,
    pub events: mpsc::UnboundedReceiver<Received>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a receiver verifying with `webhooks` on `addr`, serving `more` routes beside its own
/// (the demo's return page).
pub async fn start(webhooks: Webhooks, addr: SocketAddr, more: Router) -> Result<Listening, String> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (sender, events) = mpsc::unbounded_channel();
    let receiver = Receiver { webhooks: Arc::new(webhooks), seen: Arc::default(), events: sender };
    let app = routes(receiver).merge(more);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Listening { addr, events, task })
}

/// One line for a verified event: time, provider, kind, link (or, when the event names no
/// link, the order behind it: Pine Labs), payment, event id.
pub fn line(received: &Received) -> String {
    let event = &received.event;
    let payment = event.payment.as_ref().map_or(String::new(), |p| {
        format!(
            " payment {} {} {}",
            p.id,
            p.amount,
            serde_json::to_value(p.status).unwrap_or_default().as_str().unwrap_or("")
        )
    });
    let kind = serde_json::to_value(event.kind).unwrap_or_default();
    format!(
        "{} {} {} ({}) {}{} event {}{}",
        event.occurred_at.to_rfc3339(),
        event.provider,
        kind.as_str().unwrap_or(""),
        event.provider_event,
        match (&event.link_id, &event.order_id) {
            (Some(id), _) => format!("link {id}"),
            (None, Some(order)) => format!("order {order}"),
            (None, None) => "link -".to_owned(),
        },
        payment,
        event.event_id,
        if received.redelivery { " (redelivery)" } else { "" }
    )
}

/// One JSON line: the LinkEvent with `redelivery`.
fn json_line(received: &Received) -> String {
    let mut value = serde_json::to_value(&received.event).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("redelivery".into(), Value::Bool(received.redelivery));
    }
    value.to_string()
}

async fn listen(args: ListenArgs) -> Result<(), String> {
    let mut webhooks = if args.sandbox_secrets { sandbox_webhooks(&SandboxConfig::default()) } else { from_env() };
    if let Some(secs) = args.tolerance {
        webhooks = webhooks.tolerance(Duration::from_secs(secs));
    }
    let configured = webhooks.providers();
    let mut listening = start(webhooks, SocketAddr::new(args.host, args.port), Router::new()).await?;
    let url = format!("http://{}/webhooks", listening.addr);
    let paths: serde_json::Map<String, Value> =
        Provider::ALL.iter().map(|p| (p.as_str().to_owned(), Value::from(format!("{url}/{}", p.as_str())))).collect();
    let names: Vec<&str> = configured.iter().map(|p| p.as_str()).collect();
    // stdout: one JSON object, then the events (JSON lines only with --json). A reader that
    // stops after this first line (closing the pipe) does not stop the receiver; one that is
    // gone when an event comes does (`output::write_stdout`).
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", serde_json::json!({ "url": url, "paths": paths, "secrets_for": names }));
    let _ = stdout.flush();
    drop(stdout);
    // The banner, for a person: stderr.
    let secrets = if names.is_empty() {
        format!("none (set the providers' webhook secret variables, {LISTEN_SECRETS})")
    } else {
        names.join(", ")
    };
    let _ = writeln!(
        std::io::stderr(),
        "paylinks webhook listen: {url}/{{provider}}\n  secrets for: {secrets}\nCtrl-C stops it."
    );
    loop {
        tokio::select! {
            received = listening.events.recv() => {
                let Some(received) = received else { return Ok(()) };
                let text = if args.json { json_line(&received) } else { line(&received) };
                crate::output::outln!("{text}");
            }
            signal = tokio::signal::ctrl_c() => {
                return signal.map_err(|e| format!("cannot wait for Ctrl-C: {e}"));
            }
        }
    }
}
