//! What the facade sends: a link to create, a notification medium, a list filter.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::{Customer, Money};

/// A link to create, the same for every provider.
///
/// [`Paylinks::create`](crate::Paylinks::create) checks it against the provider's documented
/// rules before sending (Razorpay's ₹1 minimum, Cashfree's 5 notes...) and names the field
/// and the rule that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateLink {
    /// The amount to collect.
    pub amount: Money,
    /// What the payment is for, shown to the customer.
    pub description: Option<String>,
    /// The customer (Cashfree needs a phone).
    pub customer: Customer,
    /// When the link stops taking payments.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether the customer may pay in parts.
    pub partial_payments: bool,
    /// The smallest first partial payment (needs `partial_payments`).
    pub minimum_partial_amount: Option<Money>,
    /// The merchant's own id of the link: Cashfree `link_id`, Razorpay `reference_id`, invoice
    /// `receipt`, Pine Labs `merchant_payment_link_reference` (generated when `None` for
    /// Cashfree and Pine Labs, which need one). Providers keep it unique, which is what makes
    /// retried creates safe.
    pub reference: Option<String>,
    /// Cashfree's `x-idempotency-key` (defaults to the reference).
    pub idempotency_key: Option<String>,
    /// Ask the provider to send the link by SMS.
    pub notify_sms: bool,
    /// Ask the provider to send the link by e-mail.
    pub notify_email: bool,
    /// Key-value notes kept with the link.
    pub notes: BTreeMap<String, String>,
    /// Where the customer lands after paying.
    pub return_url: Option<String>,
}

impl CreateLink {
    /// A link for this amount; every other field empty.
    pub fn new(amount: Money) -> Self {
        Self {
            amount,
            description: None,
            customer: Customer::default(),
            expires_at: None,
            partial_payments: false,
            minimum_partial_amount: None,
            reference: None,
            idempotency_key: None,
            notify_sms: false,
            notify_email: false,
            notes: BTreeMap::new(),
            return_url: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the customer.
    pub fn customer(mut self, name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Self {
        self.customer = Customer {
            name: name.map(str::to_owned),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
        };
        self
    }

    /// Sets the merchant reference.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Allows partial payments, with an optional minimum first payment.
    pub fn partial_payments(mut self, minimum: Option<Money>) -> Self {
        self.partial_payments = true;
        self.minimum_partial_amount = minimum;
        self
    }

    /// Sets the expiry.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Adds a note.
    pub fn note(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.notes.insert(key.into(), value.into());
        self
    }

    /// Sets the return URL.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Asks the provider to notify the customer.
    pub fn notify(mut self, sms: bool, email: bool) -> Self {
        self.notify_sms = sms;
        self.notify_email = email;
        self
    }
}

/// How to resend a link to its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyMedium {
    /// By SMS.
    Sms,
    /// By e-mail.
    Email,
}

impl NotifyMedium {
    /// `sms` or `email`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
        }
    }
}

impl std::str::FromStr for NotifyMedium {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sms" => Ok(Self::Sms),
            "email" | "e-mail" => Ok(Self::Email),
            other => Err(format!("unknown notification medium `{other}`: expected sms or email")),
        }
    }
}

/// Which links [`Paylinks::list`](crate::Paylinks::list) returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only the link with this merchant reference.
    pub reference: Option<String>,
}
