//! The facade client: one value, every enabled provider, the same operations.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::{ConnectedApi, LinkApi};
use crate::registry::{self, Operation, SharedClients};
use crate::returns::Params;
use crate::{
    CreateLink, Error, LinkRef, ListFilter, NotifyMedium, PaylinksBuilder, PaymentLink, Provider, RetryPolicy, Return,
};

/// One client for the payment links of every enabled provider.
///
/// ```no_run
/// use paylinks::{CreateLink, Money, Paylinks, Provider};
///
/// # async fn run() -> Result<(), paylinks::Error> {
/// let paylinks = Paylinks::from_env()?;
/// let link = paylinks
///     .create(
///         Provider::Razorpay,
///         &CreateLink::new(Money::inr(49_950))
///             .description("Order #1042")
///             .reference("order-1042")
///             .customer(Some("Asha Rao"), Some("asha@example.com"), Some("+919876543210")),
///     )
///     .await?;
/// println!("{} {} {}", link.id, link.status, link.url.as_deref().unwrap_or(""));
/// let link = paylinks.get(&link.link_ref()).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Paylinks {
    /// The configured link APIs with their clients.
    apis: BTreeMap<Provider, Arc<dyn ConnectedApi>>,
    retry: RetryPolicy,
}

impl Paylinks {
    /// Settings, to enable providers in code.
    pub fn builder() -> PaylinksBuilder {
        PaylinksBuilder::default()
    }

    /// A client configured from the environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `CASHFREE_CLIENT_ID`, `CASHFREE_CLIENT_SECRET` | enable Cashfree |
    /// | `CASHFREE_ENV` | `sandbox` (default) or `production` |
    /// | `RAZORPAY_KEY_ID`, `RAZORPAY_KEY_SECRET` | enable Razorpay (links and invoice links) |
    /// | `PINELABS_CLIENT_ID`, `PINELABS_CLIENT_SECRET` | enable Pine Labs |
    /// | `PINELABS_ENV` | `uat` (default) or `production` |
    /// | `CASHFREE_BASE_URL`, `RAZORPAY_BASE_URL`, `PINELABS_BASE_URL` | another host (a local sandbox) |
    /// | `PINELABS_CALLBACK_SECRET` | the secret key (hex) Pine Labs signs its callbacks with, for [`Paylinks::verify_return`] |
    ///
    /// Only the variables of the link APIs whose cargo features are on are read; the others
    /// are ignored, and the error for no provider configured names only the enabled ones.
    ///
    /// # Errors
    /// [`Error::Config`]: a half-configured provider (an id without its secret) names the
    /// missing variable; no provider configured names every pair to set.
    pub fn from_env() -> Result<Self, Error> {
        PaylinksBuilder::from_env()?.build()
    }

    pub(crate) fn from_builder(builder: PaylinksBuilder) -> Result<Self, Error> {
        let mut clients = SharedClients::new();
        let mut apis = BTreeMap::new();
        for api in registry::all() {
            let owner = api.settings().owner;
            let Some(config) = builder.config(owner) else { continue };
            let connected = api
                .connect(config, builder.return_secret_of(owner), builder.timeouts, &mut clients)
                .map_err(|e| Error::Config { message: format!("{owner}: {e}") })?;
            apis.insert(api.provider(), connected);
        }
        Ok(Self { apis, retry: builder.retry })
    }

    /// The providers this client can reach.
    pub fn providers(&self) -> Vec<Provider> {
        self.apis.keys().copied().collect()
    }

    /// The configured API of `provider`, or why there is none.
    fn api(&self, provider: Provider) -> Result<&dyn ConnectedApi, Error> {
        match self.apis.get(&provider) {
            Some(api) => Ok(api.as_ref()),
            None => Err(not_configured(provider)),
        }
    }

    /// The generated client of link API `A` (`Paylinks::cashfree()` and the like).
    pub(crate) fn client<A: LinkApi>(&self) -> Result<&A::Client, Error> {
        // Cannot fail: `self.apis[A::PROVIDER]` was made by `Registered::connect` of the API
        // registered as `A::PROVIDER`, which is `A` itself (one entry per provider, checked by
        // the registry's tests), as a `Connected::<A>` whose `client()` is its `A::Client`; a
        // client shared with another API of the same owner was downcast to `A::Client` before
        // reuse. The `ok_or_else` only keeps a broken invariant from panicking.
        self.api(A::PROVIDER)?.client().downcast_ref::<A::Client>().ok_or_else(|| not_configured(A::PROVIDER))
    }

    /// Creates a link. The request is checked against the provider's rules first; a create
    /// is retried only under the provider's own idempotency (see [`RetryPolicy`]).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] naming the field for a rule broken (before sending or as the
    /// provider answered), [`Error::Config`] for a provider not configured or not built, and
    /// the provider's answers as the crate docs' error table says.
    pub async fn create(&self, provider: Provider, link: &CreateLink) -> Result<PaymentLink, Error> {
        self.api(provider)?.create(&self.retry, link).await
    }

    /// Checks a link against the provider's documented rules without sending it.
    ///
    /// # Errors
    /// As [`validate`].
    pub fn validate(&self, provider: Provider, link: &CreateLink) -> Result<(), Error> {
        validate(provider, link)
    }

    /// Fetches a link.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a link the provider does not know; see the crate docs' error
    /// table for the others.
    pub async fn get(&self, link: &LinkRef) -> Result<PaymentLink, Error> {
        self.api(link.provider)?.get(&self.retry, &link.id).await
    }

    /// Cancels a link and returns it as the provider has it now.
    ///
    /// # Errors
    /// [`Error::InvalidState`] with the link's status when its state forbids a cancel (it is
    /// paid, expired...); see the crate docs' error table for the others.
    pub async fn cancel(&self, link: &LinkRef) -> Result<PaymentLink, Error> {
        self.api(link.provider)?.cancel(&self.retry, &link.id).await
    }

    /// Sends the link to its customer again by `medium`. Pine Labs resends on the link's own
    /// channels and ignores `medium`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] where the provider has no such endpoint (Cashfree);
    /// [`Error::InvalidState`] with the link's status when its state forbids a notification.
    pub async fn resend_notification(&self, link: &LinkRef, medium: NotifyMedium) -> Result<(), Error> {
        supports(link.provider, Operation::Resend)?;
        self.api(link.provider)?.resend(&self.retry, &link.id, medium).await
    }

    /// Lists links: Razorpay payment and invoice links (optionally by reference); Pine Labs
    /// and Cashfree only by reference (a list of the one link with it, or empty).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for a list without a reference where the provider has no list
    /// endpoint (Cashfree, Pine Labs).
    pub async fn list(&self, provider: Provider, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        if filter.reference.is_none() {
            supports(provider, Operation::ListWithoutReference)?;
        }
        self.api(provider)?.list(&self.retry, filter).await
    }

    /// Reads the redirect that brings the customer's browser back to the merchant after a
    /// payment on a link of `provider` (to the link's
    /// [`CreateLink::return_url`](crate::CreateLink::return_url)) as a [`Return`], and checks
    /// its signature with the API secret this client is configured with, where the provider
    /// signs it.
    ///
    /// `params` is the query string of a GET redirect (a leading `?` is fine) or the
    /// `application/x-www-form-urlencoded` body of a POSTed one, exactly as received
    /// (percent-encoded). Parameters the provider does not send (the merchant's own, in the
    /// return URL) are ignored, except in Pine Labs' POSTed form, every field of which is
    /// signed.
    ///
    /// | link API | redirect | signed | [`Return`] |
    /// |---|---|---|---|
    /// | Razorpay payment links | GET `callback_url?razorpay_payment_id=…&razorpay_payment_link_id=…&razorpay_payment_link_reference_id=…&razorpay_payment_link_status=…&razorpay_signature=…` | hex HMAC-SHA256 with the key secret over `link_id\|reference_id\|status\|payment_id` | `link_id`, `reference`, `payment_id`, the link's `status` |
    /// | Razorpay invoices | GET `callback_url?razorpay_payment_id=…&razorpay_invoice_id=…&razorpay_invoice_receipt=…&razorpay_invoice_status=…&razorpay_signature=…` | the same, over `invoice_id\|receipt\|status\|payment_id` | `link_id` (the invoice), `reference` (the receipt), `payment_id`, the invoice's `status` |
    /// | Cashfree | GET of `return_url` as given, `{order_id}` in it replaced with the payment's order | nothing | `link_id` and `order_id` when the merchant's return URL carries them (`?link_id=<your link_id>&order_id={order_id}`); `verified: false` |
    /// | Pine Labs | POST of a form to `callback_url`: `order_id`, `status` (the payment's), `error_code`, `error_message`, `signature` | hex HMAC-SHA256 with the callback secret key (`PINELABS_CALLBACK_SECRET`, hex) over the sorted `key=value&…` fields | `order_id` (match [`PaymentLink::order_id`]), `provider_status`; no link status |
    ///
    /// [`Return::verified`] is `false` when the provider signs nothing on its redirect: then
    /// fetch the link with [`Paylinks::get`] before trusting that it was paid.
    ///
    /// ```
    /// use paylinks::{Environment, LinkStatus, Paylinks, Provider};
    /// use paylinks::razorpay::webhook::{Callback, sign_callback};
    ///
    /// let paylinks = Paylinks::builder().razorpay("rzp_test_k", "key_secret", Environment::Sandbox).build()?;
    /// // What Razorpay appends to the callback URL (here signed as Razorpay does).
    /// let callback = Callback {
    ///     payment_id: "pay_Q1".into(),
    ///     payment_link_id: "plink_Q1".into(),
    ///     reference_id: "order-1042".into(),
    ///     status: "paid".into(),
    /// };
    /// let query: String = sign_callback("key_secret", &callback)
    ///     .iter()
    ///     .map(|(name, value)| format!("{name}={value}&"))
    ///     .collect();
    /// let back = paylinks.verify_return(Provider::Razorpay, &query)?;
    /// assert!(back.verified);
    /// assert_eq!(back.link_id.as_deref(), Some("plink_Q1"));
    /// assert_eq!(back.status, Some(LinkStatus::Paid));
    /// # Ok::<(), paylinks::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Return`] naming the provider and the parameter when the redirect is refused (a
    /// missing or malformed parameter, a signature that does not match: treat the payment as
    /// not made); [`Error::Config`] for a provider this client is not configured for (its
    /// secret is needed), [`Error::Unsupported`] for a link API whose redirect this version
    /// does not read; [`Error::Config`] too for Pine Labs without its callback secret key (or
    /// with one that is not hexadecimal).
    pub fn verify_return(&self, provider: Provider, params: &str) -> Result<Return, Error> {
        self.api(provider)?.verify_return(&Params::parse(params))
    }
}

/// Checks a link against a provider's documented rules and its spec's constraints without
/// sending it: exactly what [`Paylinks::create`] checks first.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the field and the rule; [`Error::Config`] for a provider
/// whose cargo feature is off.
pub fn validate(provider: Provider, link: &CreateLink) -> Result<(), Error> {
    registry::registered(provider)?.validate(link)
}

/// [`Error::Unsupported`] when the registered API of `provider` cannot do `operation` at all,
/// configured or not; a provider not built is left to [`Paylinks::api`]'s error.
fn supports(provider: Provider, operation: Operation) -> Result<(), Error> {
    registry::registered(provider).map_or(Ok(()), |api| api.supports(operation))
}

/// The error for a provider this client has no API of: not configured (naming the variables
/// to set), or not built.
fn not_configured(provider: Provider) -> Error {
    match registry::registered(provider) {
        Ok(api) => {
            let settings = api.settings();
            let (owner, id_var, secret_var) = (settings.owner, settings.id_var, settings.secret_var);
            Error::Config { message: format!("{owner} is not configured: set {id_var} and {secret_var}") }
        }
        Err(not_built) => not_built,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "razorpay")]
    const HOST: &str = "http://127.0.0.1:9";

    #[tokio::test]
    async fn every_api_not_configured_names_the_variables_of_its_owner() {
        let paylinks = Paylinks::builder().build().unwrap();
        for api in registry::all() {
            let settings = api.settings();
            let err = paylinks.get(&LinkRef::new(api.provider(), "x")).await.unwrap_err();
            let expected =
                format!("{} is not configured: set {} and {}", settings.owner, settings.id_var, settings.secret_var);
            assert_eq!(err.to_string(), expected);
        }
    }

    #[cfg(all(feature = "cashfree", feature = "razorpay", feature = "pinelabs"))]
    #[tokio::test]
    async fn a_provider_not_configured_names_the_variables_of_its_owner() {
        let paylinks =
            Paylinks::builder().cashfree("id", "secret", crate::Environment::Custom(HOST.into())).build().unwrap();
        assert_eq!(paylinks.providers(), [Provider::Cashfree]);
        let expected = "razorpay is not configured: set RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET";
        assert_eq!(paylinks.razorpay().unwrap_err().to_string(), expected);
        let invoice = LinkRef::new(Provider::RazorpayInvoice, "inv_1");
        let err = paylinks.get(&invoice).await.unwrap_err();
        assert_eq!(err.to_string(), expected, "invoice links use Razorpay's credentials");
        let err = paylinks.create(Provider::Pinelabs, &CreateLink::new(crate::Money::inr(100))).await;
        assert_eq!(
            err.unwrap_err().to_string(),
            "pinelabs is not configured: set PINELABS_CLIENT_ID and PINELABS_CLIENT_SECRET"
        );
    }

    #[cfg(feature = "cashfree")]
    #[tokio::test]
    async fn what_an_api_cannot_do_is_unsupported_even_when_it_is_not_configured() {
        let paylinks = Paylinks::builder().build().unwrap();
        assert!(paylinks.providers().is_empty());
        let link = LinkRef::new(Provider::Cashfree, "my_link_id");
        let err = paylinks.resend_notification(&link, NotifyMedium::Sms).await.unwrap_err();
        assert!(
            matches!(err, Error::Unsupported { provider: Provider::Cashfree, operation: "resend_notification" }),
            "{err}"
        );
        let err = paylinks.list(Provider::Cashfree, &ListFilter::default()).await.unwrap_err();
        assert!(matches!(err, Error::Unsupported { provider: Provider::Cashfree, .. }), "{err}");
        let by_reference = ListFilter { reference: Some("order-1".into()) };
        let err = paylinks.list(Provider::Cashfree, &by_reference).await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "a list by reference needs the client: {err}");
    }

    #[cfg(feature = "razorpay")]
    #[test]
    fn razorpay_credentials_enable_both_of_its_link_apis_with_one_client() {
        let paylinks = Paylinks::builder()
            .razorpay("rzp_test_x", "secret", crate::Environment::Custom(HOST.into()))
            .build()
            .unwrap();
        assert_eq!(paylinks.providers(), [Provider::Razorpay, Provider::RazorpayInvoice]);
        assert!(paylinks.razorpay().is_ok());
        #[cfg(feature = "cashfree")]
        assert!(paylinks.cashfree().is_err());
        #[cfg(feature = "pinelabs")]
        assert!(paylinks.pinelabs().is_err());
    }
}
