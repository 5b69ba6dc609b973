//! The interface every link API implements ([`LinkApi`]), the settings it is configured from
//! ([`Settings`]), and its object-safe form once connected ([`ConnectedApi`]), which
//! [`Paylinks`](crate::Paylinks) holds and forwards to.

use std::any::Any;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use paylinks_core::Secret;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::Environment;
use paylinks_core::webhook::WebhookError;
use tracing::Instrument;

use crate::returns::Params;
use crate::{
    CreateLink, Error, LinkEvent, LinkStatus, ListFilter, NotifyMedium, PaymentLink, Provider, RetryPolicy, Return,
};

/// Where a link API's credentials and host come from. Link APIs of one provider that share
/// credentials (Razorpay's payment links and invoice links) share one `Settings`.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The provider the credentials belong to; it names the credentials in messages
    /// (`razorpay: RAZORPAY_KEY_ID is set but RAZORPAY_KEY_SECRET is missing`).
    pub owner: Provider,
    /// The variable of the client id or key id.
    pub id_var: &'static str,
    /// The variable of the client secret or key secret.
    pub secret_var: &'static str,
    /// The variable that picks the environment (`sandbox`, `production`...), if the provider
    /// has more than one host.
    pub env_var: Option<&'static str>,
    /// The variable of another base URL (a local sandbox); it wins over `env_var`.
    pub base_url_var: &'static str,
    /// The environment when neither variable is set.
    pub default_environment: Environment,
}

/// What a saved body is, as its API tells by the envelope ([`LinkApi::classify`]).
#[derive(Debug)]
pub(crate) enum Body {
    /// A link body (or something that should be one): decoded as [`LinkApi::Entity`].
    Link,
    /// The API's error answer, with its code and message.
    Error {
        /// The provider's error code.
        code: Option<String>,
        /// The provider's message.
        message: Option<String>,
    },
    /// A list response: its link bodies.
    #[allow(dead_code, reason = "only link APIs with a list response build it; none when only the others are built")]
    List(Vec<serde_json::Value>),
    /// A webhook event.
    Event,
}

/// One webhook delivery as received, with what verifying it needs. Its `Debug` shows the
/// header names and the body's length, never the secret, a header value or the body.
#[derive(Clone, Copy)]
pub(crate) struct Delivery<'a> {
    /// The secret the provider signs with.
    pub secret: &'a Secret,
    /// The replay window for providers whose signature covers a timestamp.
    pub tolerance: std::time::Duration,
    /// The verifier's clock.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The request's headers.
    pub headers: &'a http::HeaderMap,
    /// The raw body, exactly as received.
    pub body: &'a [u8],
}

impl Debug for Delivery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(http::HeaderName::as_str).collect();
        f.debug_struct("Delivery")
            .field("secret", self.secret)
            .field("tolerance", &self.tolerance)
            .field("now", &self.now)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A future of a link operation, boxed so that [`ConnectedApi`] stays object-safe.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// One link API of one provider: its static description and its operations, written once in
/// its module under `providers/` and registered in `providers/mod.rs`.
pub(crate) trait LinkApi: Send + Sync + 'static {
    /// The API's name.
    const PROVIDER: Provider;
    /// Its credentials and host settings.
    const SETTINGS: &'static Settings;
    /// Every documented status of the API, exactly as sent, and what it maps to.
    const STATUS_ROWS: &'static [(&'static str, LinkStatus)];
    /// Whether the API can send a link again; when `false`, `resend_notification` is
    /// [`Error::Unsupported`] whether or not the API is configured.
    const RESENDS: bool = true;
    /// Whether the API can list links without a reference; when `false`, such a `list` is
    /// [`Error::Unsupported`] whether or not the API is configured.
    const LISTS_WITHOUT_REFERENCE: bool = true;
    /// Prefixes of the API's link ids, so that a bare id names its API (`plink_`); empty when
    /// the merchant chooses the id.
    const ID_PREFIXES: &'static [&'static str];

    /// The generated client, built by its crate's shared builder
    /// ([`ClientConfig`](paylinks_core::client::ClientConfig)); link APIs with the same
    /// [`Settings`] share one.
    type Client: ProviderClient + Clone + Debug + Send + Sync + 'static;
    /// The API's link body, as create, fetch and cancel return it.
    type Entity: serde::de::DeserializeOwned;

    /// The client's credentials from the configured id and secret; the registry builds the
    /// client from them with the configured environment and timeouts.
    fn credentials(id: String, secret: Secret) -> <Self::Client as ProviderClient>::Credentials;

    /// Checks a link against the API's documented rules and its spec's constraints without
    /// sending it: exactly what `create` checks.
    fn validate(link: &CreateLink) -> Result<(), Error>;

    /// The wire names of the link's amount and of the field the amount paid is read from
    /// (`["link_amount", "link_amount_paid"]`; Pine Labs: `["amount.value", "amount_due"]`),
    /// named by the errors of [`Self::normalise`].
    const AMOUNT_FIELDS: [&'static str; 2];

    /// The provider's fields of a link body mapped onto a [`PaymentLink`]; the error says what
    /// is wrong, without values. Called only through [`Self::normalise`].
    fn map_link(entity: Self::Entity) -> Result<PaymentLink, String>;

    /// A link body as a [`PaymentLink`]: [`Self::map_link`], then the rules every link keeps
    /// whatever its API (a positive amount, an amount paid from zero to the amount;
    /// [`crate::link::check_amounts`]), so that no API returns an impossible link. Every
    /// operation and [`decode_link`](crate::decode_link) reads links through it; not
    /// overridden.
    fn normalise(entity: Self::Entity) -> Result<PaymentLink, String> {
        let link = Self::map_link(entity)?;
        crate::link::check_amounts(&link, Self::AMOUNT_FIELDS)?;
        Ok(link)
    }

    /// What a saved body is, told by its envelope: one of the API's links (the default), its
    /// error answer, its list response or a webhook event.
    fn classify(body: &serde_json::Value) -> Body {
        let _ = body;
        Body::Link
    }

    /// The environment variable of the secret the provider signs its webhook deliveries with
    /// (`RAZORPAY_WEBHOOK_SECRET`; Cashfree signs with `CASHFREE_CLIENT_SECRET`). Set by the
    /// one link API of each provider that reads its events ([`Self::verify_event`]); `None`
    /// for the others (Razorpay's invoice links: `razorpay.rs` reads `invoice.*` too).
    const WEBHOOK_SECRET_VAR: Option<&'static str> = None;

    /// Verifies one webhook delivery (signature over the raw body, replay window) with the
    /// provider crate's `webhook` module and reads it as a [`LinkEvent`]. Only called for a
    /// link API with a [`Self::WEBHOOK_SECRET_VAR`].
    fn verify_event(delivery: &Delivery<'_>) -> Result<LinkEvent, WebhookError> {
        let _ = delivery;
        Err(WebhookError::NotAnEvent {
            provider: Self::PROVIDER.owner().as_str(),
            why: "this link API's events are read by its provider's main link API".into(),
        })
    }

    /// The environment variable of the secret the provider signs its redirects back to the
    /// merchant with, when that is not the API secret (Pine Labs: the secret key its
    /// onboarding team gives); `None` (the default) when the API secret signs them, or nothing
    /// does. Set with [`PaylinksBuilder::return_secret`](crate::PaylinksBuilder::return_secret)
    /// in code.
    const RETURN_SECRET_VAR: Option<&'static str> = None;

    /// Reads the redirect that brings the customer back to the merchant after a payment
    /// (`params`: its query or form fields, decoded) as a [`Return`], checking its signature
    /// with the provider crate's verifier keyed with `secret` (the API secret the link API is
    /// configured with, or its [`Self::RETURN_SECRET_VAR`] secret) where the provider signs
    /// it. Every link API whose provider redirects implements it; the default says the API
    /// does not.
    fn verify_return(secret: &Secret, params: &Params) -> Result<Return, Error> {
        let _ = (secret, params);
        Err(Error::Unsupported { provider: Self::PROVIDER, operation: "verifying a return redirect" })
    }

    /// Whether a refused `operation` (`cancel`, `resend_notification`) is explained by the
    /// link's state, read back after the refusal. By default a cancel needs an active link and
    /// a notification a payable one.
    fn refusal_is_state(operation: &str, link: &PaymentLink) -> bool {
        if operation == "cancel" { link.status != LinkStatus::Active } else { !link.status.is_payable() }
    }

    /// Creates a link.
    fn create(
        client: &Self::Client,
        retry: &RetryPolicy,
        link: &CreateLink,
    ) -> impl Future<Output = Result<PaymentLink, Error>> + Send;

    /// Fetches a link by its id.
    fn get(
        client: &Self::Client,
        retry: &RetryPolicy,
        id: &str,
    ) -> impl Future<Output = Result<PaymentLink, Error>> + Send;

    /// Cancels a link; a refusal the link's state explains is [`Error::InvalidState`].
    fn cancel(
        client: &Self::Client,
        retry: &RetryPolicy,
        id: &str,
    ) -> impl Future<Output = Result<PaymentLink, Error>> + Send;

    /// Sends the link to its customer again (not called when [`Self::RESENDS`] is `false`).
    fn resend(
        client: &Self::Client,
        retry: &RetryPolicy,
        id: &str,
        medium: NotifyMedium,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Lists links (without a reference: not called when [`Self::LISTS_WITHOUT_REFERENCE`] is
    /// `false`).
    fn list(
        client: &Self::Client,
        retry: &RetryPolicy,
        filter: &ListFilter,
    ) -> impl Future<Output = Result<Vec<PaymentLink>, Error>> + Send;
}

/// A configured link API: its client and its operations, object-safe.
pub(crate) trait ConnectedApi: Debug + Send + Sync {
    /// The generated client, for the typed accessors (`Paylinks::cashfree()`).
    fn client(&self) -> &dyn Any;
    /// [`LinkApi::create`].
    fn create<'a>(&'a self, retry: &'a RetryPolicy, link: &'a CreateLink) -> BoxFuture<'a, PaymentLink>;
    /// [`LinkApi::get`].
    fn get<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str) -> BoxFuture<'a, PaymentLink>;
    /// [`LinkApi::cancel`].
    fn cancel<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str) -> BoxFuture<'a, PaymentLink>;
    /// [`LinkApi::resend`].
    fn resend<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str, medium: NotifyMedium) -> BoxFuture<'a, ()>;
    /// [`LinkApi::list`].
    fn list<'a>(&'a self, retry: &'a RetryPolicy, filter: &'a ListFilter) -> BoxFuture<'a, Vec<PaymentLink>>;
    /// [`LinkApi::verify_return`] with the configured API secret.
    fn verify_return(&self, params: &Params) -> Result<Return, Error>;
}

/// A [`LinkApi`] with its client, and the secret the provider's redirects back to the
/// merchant are signed with: the API secret the client was built with, or the
/// [`LinkApi::RETURN_SECRET_VAR`] secret (`None` when that is not configured). `Debug` shows
/// `Secret(***)`.
pub(crate) struct Connected<A: LinkApi> {
    pub client: A::Client,
    pub return_secret: Option<Secret>,
}

impl<A: LinkApi> Debug for Connected<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected").field("provider", &A::PROVIDER).field("client", &self.client).finish()
    }
}

/// The span of one facade operation (`paylinks.create`, `paylinks.get`...), parent of the
/// HTTP spans of its calls: the link API, the operation, the link id when there is one, and
/// `error.type` when it fails. Nothing is evaluated when no subscriber is interested.
macro_rules! facade_span {
    ($name:literal, $api:ty, $operation:literal, $id:expr) => {
        tracing::info_span!(
            $name,
            otel.kind = "internal",
            paylinks.provider = <$api>::PROVIDER.as_str(),
            paylinks.operation = $operation,
            paylinks.link_id = $id,
            error.type = tracing::field::Empty,
        )
    };
}

/// Runs `operation` inside `span` and records `error.type` on it when it fails.
async fn traced<T>(span: tracing::Span, operation: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let result = operation.instrument(span.clone()).await;
    if let Err(error) = &result {
        span.record("error.type", error_type(error));
    }
    result
}

/// OpenTelemetry's `error.type` of a facade error: the variant's name in snake case (a low-
/// cardinality value, never the message).
pub(crate) fn error_type(error: &Error) -> &'static str {
    match error {
        Error::NotFound { .. } => "not_found",
        Error::InvalidState { .. } => "invalid_state",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Unauthorized { .. } => "unauthorized",
        Error::RateLimited { .. } => "rate_limited",
        Error::Unsupported { .. } => "unsupported",
        Error::Provider { .. } => "provider",
        Error::Transport { .. } => "transport",
        Error::Decode { .. } => "decode",
        Error::ErrorBody { .. } => "error_body",
        Error::Config { .. } => "config",
        Error::Webhook(_) => "webhook",
        Error::Return(_) => "return",
    }
}

impl<A: LinkApi> ConnectedApi for Connected<A> {
    fn client(&self) -> &dyn Any {
        &self.client
    }

    fn create<'a>(&'a self, retry: &'a RetryPolicy, link: &'a CreateLink) -> BoxFuture<'a, PaymentLink> {
        let span = facade_span!("paylinks.create", A, "create", tracing::field::Empty);
        Box::pin(traced(span, A::create(&self.client, retry, link)))
    }

    fn get<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str) -> BoxFuture<'a, PaymentLink> {
        let span = facade_span!("paylinks.get", A, "get", id);
        Box::pin(traced(span, A::get(&self.client, retry, id)))
    }

    fn cancel<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str) -> BoxFuture<'a, PaymentLink> {
        let span = facade_span!("paylinks.cancel", A, "cancel", id);
        Box::pin(traced(span, A::cancel(&self.client, retry, id)))
    }

    fn resend<'a>(&'a self, retry: &'a RetryPolicy, id: &'a str, medium: NotifyMedium) -> BoxFuture<'a, ()> {
        let span = facade_span!("paylinks.resend_notification", A, "resend_notification", id);
        Box::pin(traced(span, A::resend(&self.client, retry, id, medium)))
    }

    fn list<'a>(&'a self, retry: &'a RetryPolicy, filter: &'a ListFilter) -> BoxFuture<'a, Vec<PaymentLink>> {
        let span = facade_span!("paylinks.list", A, "list", tracing::field::Empty);
        Box::pin(traced(span, A::list(&self.client, retry, filter)))
    }

    fn verify_return(&self, params: &Params) -> Result<Return, Error> {
        match (&self.return_secret, A::RETURN_SECRET_VAR) {
            (Some(secret), _) => A::verify_return(secret, params),
            (None, var) => Err(Error::Config {
                message: format!(
                    "{}: no secret for its return redirects: set {} (or PaylinksBuilder::return_secret)",
                    A::PROVIDER,
                    var.unwrap_or("its API secret")
                ),
            }),
        }
    }
}
