//! The facade client: one value, every enabled provider, the same operations.

use crate::providers;
use crate::{
    CreateLink, Error, LinkRef, ListFilter, NotifyMedium, PaylinksBuilder, PaymentLink, Provider, RetryPolicy,
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
    #[cfg(feature = "cashfree")]
    cashfree: Option<paylinks_cashfree::Client>,
    #[cfg(feature = "razorpay")]
    razorpay: Option<paylinks_razorpay::Client>,
    #[cfg(feature = "pinelabs")]
    pinelabs: Option<paylinks_pinelabs::Client>,
    retry: RetryPolicy,
}

fn build_error(provider: Provider, error: paylinks_core::http::BuildError) -> Error {
    Error::Config { message: format!("{provider}: {error}") }
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
    ///
    /// A half-configured provider (an id without its secret) is an error that names the
    /// missing variable.
    pub fn from_env() -> Result<Self, Error> {
        PaylinksBuilder::from_env()?.build()
    }

    pub(crate) fn from_builder(builder: PaylinksBuilder) -> Result<Self, Error> {
        Ok(Self {
            #[cfg(feature = "cashfree")]
            cashfree: builder
                .cashfree
                .map(|c| {
                    paylinks_cashfree::Client::builder(paylinks_cashfree::Credentials::new(c.id, c.secret))
                        .environment(c.environment)
                        .timeouts(builder.timeouts)
                        .build()
                        .map_err(|e| build_error(Provider::Cashfree, e))
                })
                .transpose()?,
            #[cfg(feature = "razorpay")]
            razorpay: builder
                .razorpay
                .map(|c| {
                    paylinks_razorpay::Client::builder(paylinks_razorpay::Credentials::new(c.id, c.secret))
                        .environment(c.environment)
                        .timeouts(builder.timeouts)
                        .build()
                        .map_err(|e| build_error(Provider::Razorpay, e))
                })
                .transpose()?,
            #[cfg(feature = "pinelabs")]
            pinelabs: builder
                .pinelabs
                .map(|c| {
                    paylinks_pinelabs::Client::builder(paylinks_pinelabs::Credentials::new(c.id, c.secret))
                        .environment(c.environment)
                        .timeouts(builder.timeouts)
                        .build()
                        .map_err(|e| build_error(Provider::Pinelabs, e))
                })
                .transpose()?,
            retry: builder.retry,
        })
    }

    /// The providers this client can reach.
    pub fn providers(&self) -> Vec<Provider> {
        Provider::ALL.into_iter().filter(|p| self.enabled(*p)).collect()
    }

    fn enabled(&self, provider: Provider) -> bool {
        match provider {
            #[cfg(feature = "cashfree")]
            Provider::Cashfree => self.cashfree.is_some(),
            #[cfg(feature = "razorpay")]
            Provider::Razorpay | Provider::RazorpayInvoice => self.razorpay.is_some(),
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => self.pinelabs.is_some(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The generated Cashfree client, for operations and fields the facade does not unify.
    #[cfg(feature = "cashfree")]
    pub fn cashfree(&self) -> Result<&paylinks_cashfree::Client, Error> {
        self.cashfree.as_ref().ok_or_else(|| not_configured(Provider::Cashfree))
    }

    /// The generated Razorpay client (payment links and invoices).
    #[cfg(feature = "razorpay")]
    pub fn razorpay(&self) -> Result<&paylinks_razorpay::Client, Error> {
        self.razorpay.as_ref().ok_or_else(|| not_configured(Provider::Razorpay))
    }

    /// The generated Pine Labs client.
    #[cfg(feature = "pinelabs")]
    pub fn pinelabs(&self) -> Result<&paylinks_pinelabs::Client, Error> {
        self.pinelabs.as_ref().ok_or_else(|| not_configured(Provider::Pinelabs))
    }

    /// Creates a link. The request is checked against the provider's rules first; a create
    /// is retried only under the provider's own idempotency (see [`RetryPolicy`]).
    pub async fn create(&self, provider: Provider, link: &CreateLink) -> Result<PaymentLink, Error> {
        let retry = &self.retry;
        match provider {
            #[cfg(feature = "cashfree")]
            Provider::Cashfree => providers::cashfree::create(self.cashfree()?, retry, link).await,
            #[cfg(feature = "razorpay")]
            Provider::Razorpay => providers::razorpay::create(self.razorpay()?, retry, link).await,
            #[cfg(feature = "razorpay")]
            Provider::RazorpayInvoice => providers::razorpay_invoice::create(self.razorpay()?, retry, link).await,
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => providers::pinelabs::create(self.pinelabs()?, retry, link).await,
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }

    /// Checks a link against the provider's documented rules without sending it.
    pub fn validate(&self, provider: Provider, link: &CreateLink) -> Result<(), Error> {
        validate(provider, link)
    }

    /// Fetches a link.
    pub async fn get(&self, link: &LinkRef) -> Result<PaymentLink, Error> {
        let (retry, id) = (&self.retry, link.id.as_str());
        match link.provider {
            #[cfg(feature = "cashfree")]
            Provider::Cashfree => providers::cashfree::get(self.cashfree()?, retry, id).await,
            #[cfg(feature = "razorpay")]
            Provider::Razorpay => providers::razorpay::get(self.razorpay()?, retry, id).await,
            #[cfg(feature = "razorpay")]
            Provider::RazorpayInvoice => providers::razorpay_invoice::get(self.razorpay()?, retry, id).await,
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => providers::pinelabs::get(self.pinelabs()?, retry, id).await,
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }

    /// Cancels a link; a link whose state forbids it is [`Error::NotCancellable`] with that
    /// state.
    pub async fn cancel(&self, link: &LinkRef) -> Result<PaymentLink, Error> {
        let (retry, id) = (&self.retry, link.id.as_str());
        match link.provider {
            #[cfg(feature = "cashfree")]
            Provider::Cashfree => providers::cashfree::cancel(self.cashfree()?, retry, id).await,
            #[cfg(feature = "razorpay")]
            Provider::Razorpay => providers::razorpay::cancel(self.razorpay()?, retry, id).await,
            #[cfg(feature = "razorpay")]
            Provider::RazorpayInvoice => providers::razorpay_invoice::cancel(self.razorpay()?, retry, id).await,
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => providers::pinelabs::cancel(self.pinelabs()?, retry, id).await,
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }

    /// Sends the link to its customer again. Cashfree has no such endpoint
    /// ([`Error::Unsupported`]); Pine Labs resends on the link's own channels and takes no
    /// medium.
    #[cfg_attr(not(feature = "razorpay"), allow(unused_variables))] // Pine Labs takes no medium; Cashfree has no resend.
    pub async fn resend_notification(&self, link: &LinkRef, medium: NotifyMedium) -> Result<(), Error> {
        let (retry, id) = (&self.retry, link.id.as_str());
        match link.provider {
            #[cfg(feature = "razorpay")]
            Provider::Razorpay => providers::razorpay::resend(self.razorpay()?, retry, id, medium).await,
            #[cfg(feature = "razorpay")]
            Provider::RazorpayInvoice => providers::razorpay_invoice::resend(self.razorpay()?, retry, id, medium).await,
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => providers::pinelabs::resend(self.pinelabs()?, retry, id).await,
            Provider::Cashfree => {
                Err(Error::Unsupported { provider: Provider::Cashfree, operation: "resend_notification" })
            }
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }

    /// Lists links: Razorpay payment and invoice links (optionally by reference); Pine Labs
    /// and Cashfree only by reference (they have no list endpoint).
    pub async fn list(&self, provider: Provider, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let retry = &self.retry;
        match provider {
            #[cfg(feature = "cashfree")]
            Provider::Cashfree => match &filter.reference {
                Some(reference) => match providers::cashfree::get(self.cashfree()?, retry, reference).await {
                    Ok(link) => Ok(vec![link]),
                    Err(Error::NotFound { .. }) => Ok(vec![]),
                    Err(error) => Err(error),
                },
                None => Err(Error::Unsupported { provider, operation: "list without a reference" }),
            },
            #[cfg(feature = "razorpay")]
            Provider::Razorpay => providers::razorpay::list(self.razorpay()?, retry, filter).await,
            #[cfg(feature = "razorpay")]
            Provider::RazorpayInvoice => providers::razorpay_invoice::list(self.razorpay()?, retry, filter).await,
            #[cfg(feature = "pinelabs")]
            Provider::Pinelabs => providers::pinelabs::list(self.pinelabs()?, retry, filter).await,
            #[allow(unreachable_patterns)]
            other => Err(not_built(other)),
        }
    }
}

/// Checks a link against a provider's documented rules without sending it.
pub fn validate(provider: Provider, link: &CreateLink) -> Result<(), Error> {
    match provider {
        #[cfg(feature = "cashfree")]
        Provider::Cashfree => providers::cashfree::validate(link),
        #[cfg(feature = "razorpay")]
        Provider::Razorpay => providers::razorpay::validate(link),
        #[cfg(feature = "razorpay")]
        Provider::RazorpayInvoice => providers::razorpay_invoice::validate(link),
        #[cfg(feature = "pinelabs")]
        Provider::Pinelabs => providers::pinelabs::validate(link),
        #[allow(unreachable_patterns)]
        other => Err(not_built(other)),
    }
}

fn not_configured(provider: Provider) -> Error {
    let vars = match provider {
        Provider::Cashfree => "CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET",
        Provider::Razorpay | Provider::RazorpayInvoice => "RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET",
        Provider::Pinelabs => "PINELABS_CLIENT_ID and PINELABS_CLIENT_SECRET",
    };
    Error::Config { message: format!("{provider} is not configured: set {vars}") }
}

#[allow(dead_code)]
fn not_built(provider: Provider) -> Error {
    Error::Config { message: format!("paylinks was built without the `{provider}` feature") }
}
