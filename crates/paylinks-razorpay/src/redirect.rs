//! Razorpay's callback redirects: where the customer's browser is sent after a successful
//! payment on a link created with `callback_url` (and `callback_method: get`), and how the
//! merchant checks that the query parameters came from Razorpay.
//!
//! Both redirects are a `GET` of the `callback_url` with query parameters added (parameters
//! the merchant put in the URL are kept), signed with the **API key secret** (not the webhook
//! secret): `razorpay_signature` is the lowercase hex HMAC-SHA256
//! ([`paylinks_core::webhook::SigningKey`]) of four values joined by `|`. Razorpay documents
//! a redirect after a successful payment only; a failed attempt stays on Razorpay's page.
//!
//! | link API | query parameters, in the order sent | signed text |
//! |---|---|---|
//! | payment links ([`Callback`]) | `razorpay_payment_id`, `razorpay_payment_link_id`, `razorpay_payment_link_reference_id`, `razorpay_payment_link_status`, `razorpay_signature` | `link_id\|reference_id\|status\|payment_id` |
//! | invoices, legacy links ([`InvoiceCallback`]) | `razorpay_payment_id`, `razorpay_invoice_id`, `razorpay_invoice_receipt`, `razorpay_invoice_status`, `razorpay_signature` | `invoice_id\|receipt\|status\|payment_id` |
//!
//! Sources: payment links, <https://razorpay.com/docs/api/payments/payment-links/> ("Using
//! Callback URL Parameter"), razorpay-python `razorpay/utility/utility.py`
//! (`verify_payment_link_signature`), razorpay-node `lib/utils/razorpay-utils.js`
//! (`validatePaymentVerification`); invoices, <https://razorpay.com/docs/private/invoices-callback>.
//! Unconfirmed for invoices: that `razorpay_invoice_id` is among the query parameters (the
//! page's text says the receipt, status and payment id are, and asks the merchant to match
//! the invoice id it stored); [`verify_invoice_callback`] requires it, so compare it with the
//! invoice you created. An empty `reference_id` or `receipt` is signed as an empty field.
//!
//! Errors are [`WebhookError`]s whose `header` names the query parameter: missing
//! ([`WebhookError::MissingHeader`]), given twice or a signature that is not hex
//! ([`WebhookError::MalformedHeader`]), or a changed value or another key secret
//! ([`WebhookError::SignatureMismatch`]). They never carry a value or the secret.
//!
//! ```
//! use paylinks_razorpay::redirect::{InvoiceCallback, sign_invoice_callback, verify_invoice_callback};
//!
//! let paid = InvoiceCallback {
//!     payment_id: "pay_29QQoUBi66xm2f".into(),
//!     invoice_id: "inv_DAweOiQ7amIUVd".into(),
//!     receipt: "R-1042".into(),
//!     status: "paid".into(),
//! };
//! let query = sign_invoice_callback("rzp_sandbox_secret", &paid);
//! assert_eq!(verify_invoice_callback("rzp_sandbox_secret", query), Ok(paid));
//! ```

use paylinks_core::webhook::{SigningKey, WebhookError, decode_hex};

/// The provider's name in errors.
const PROVIDER: &str = "razorpay";

/// The query parameters of a payment link's callback redirect, in the order Razorpay sends
/// them (the signature last).
pub const CALLBACK_PARAMETERS: [&str; 5] = [
    "razorpay_payment_id",
    "razorpay_payment_link_id",
    "razorpay_payment_link_reference_id",
    "razorpay_payment_link_status",
    "razorpay_signature",
];

/// The query parameters of an invoice's (legacy payment link's) callback redirect, in the
/// order the sandbox sends them (the signature last).
pub const INVOICE_CALLBACK_PARAMETERS: [&str; 5] = [
    "razorpay_payment_id",
    "razorpay_invoice_id",
    "razorpay_invoice_receipt",
    "razorpay_invoice_status",
    "razorpay_signature",
];

/// What a verified payment-link callback says: which payment paid which link, and the
/// link's status then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// `razorpay_payment_id`: the payment, `pay_...`.
    pub payment_id: String,
    /// `razorpay_payment_link_id`: the link, `plink_...`.
    pub payment_link_id: String,
    /// `razorpay_payment_link_reference_id`: the link's `reference_id` (empty when it has
    /// none).
    pub reference_id: String,
    /// `razorpay_payment_link_status`: the link's status (`paid`, `partially_paid`).
    pub status: String,
}

/// What a verified invoice callback says: which payment paid which invoice (legacy payment
/// link), and the invoice's status then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceCallback {
    /// `razorpay_payment_id`: the payment, `pay_...`.
    pub payment_id: String,
    /// `razorpay_invoice_id`: the invoice, `inv_...`.
    pub invoice_id: String,
    /// `razorpay_invoice_receipt`: the invoice's `receipt` (empty when it has none).
    pub receipt: String,
    /// `razorpay_invoice_status`: the invoice's status (`paid`, `partially_paid`).
    pub status: String,
}

/// The four signed values of a callback, in the order of its parameters.
fn values(parameters: &[&'static str; 5], found: [Option<String>; 5]) -> Result<([String; 4], Vec<u8>), WebhookError> {
    let take = |index: usize, value: Option<String>| {
        value.ok_or(WebhookError::MissingHeader { provider: PROVIDER, header: parameters[index] })
    };
    let [a, b, c, d, signature] = found;
    let values = [take(0, a)?, take(1, b)?, take(2, c)?, take(3, d)?];
    let signature = decode_hex(PROVIDER, parameters[4], &take(4, signature)?)?;
    Ok((values, signature))
}

/// The values of `parameters` among `query` (others are ignored), each at most once.
fn collect<I, K, V>(parameters: &[&'static str; 5], query: I) -> Result<[Option<String>; 5], WebhookError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut found: [Option<String>; 5] = Default::default();
    for (name, value) in query {
        let Some(index) = parameters.iter().position(|known| *known == name.as_ref()) else {
            continue;
        };
        if found[index].replace(value.as_ref().to_owned()).is_some() {
            return Err(WebhookError::MalformedHeader {
                provider: PROVIDER,
                header: parameters[index],
                why: "given more than once",
            });
        }
    }
    Ok(found)
}

/// `a|b|c|d`.
fn signed_text(parts: [&str; 4]) -> String {
    parts.join("|")
}

impl Callback {
    /// The signed text: `link_id|reference_id|status|payment_id`.
    fn message(&self) -> String {
        signed_text([&self.payment_link_id, &self.reference_id, &self.status, &self.payment_id])
    }
}

impl InvoiceCallback {
    /// The signed text: `invoice_id|receipt|status|payment_id`.
    fn message(&self) -> String {
        signed_text([&self.invoice_id, &self.receipt, &self.status, &self.payment_id])
    }
}

/// Verifies the query parameters of a payment link's callback redirect (any order; other
/// parameters the merchant put in `callback_url` are ignored) against the API key secret.
/// Pass them decoded (`url::form_urlencoded::parse`, axum's `Query`...).
///
/// A link without `reference_id` is signed over an empty field; that Razorpay then sends
/// `razorpay_payment_link_reference_id` empty rather than leaving it out is unconfirmed, so
/// the parameter must be present, empty or not (as razorpay-python requires).
///
/// # Errors
///
/// [`WebhookError::MissingHeader`] when one of [`CALLBACK_PARAMETERS`] is absent,
/// [`WebhookError::MalformedHeader`] when one is repeated or the signature is not hex,
/// [`WebhookError::SignatureMismatch`] when a value was changed or the key secret is another;
/// `header` names the query parameter.
pub fn verify_callback<I, K, V>(key_secret: &str, parameters: I) -> Result<Callback, WebhookError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let found = collect(&CALLBACK_PARAMETERS, parameters)?;
    let ([payment_id, payment_link_id, reference_id, status], signature) = values(&CALLBACK_PARAMETERS, found)?;
    let callback = Callback { payment_id, payment_link_id, reference_id, status };
    if !SigningKey::new(key_secret).verify(&[callback.message().as_bytes()], &signature) {
        return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
    }
    Ok(callback)
}

/// The five query parameters of a payment link's callback redirect for `callback`, signed
/// with the API key secret, in the order of [`CALLBACK_PARAMETERS`] (not yet
/// percent-encoded). For the sandbox and tests.
pub fn sign_callback(key_secret: &str, callback: &Callback) -> [(&'static str, String); 5] {
    let signature = SigningKey::new(key_secret).sign_hex(&[callback.message().as_bytes()]);
    let [payment, link, reference, status, signed] = CALLBACK_PARAMETERS;
    [
        (payment, callback.payment_id.clone()),
        (link, callback.payment_link_id.clone()),
        (reference, callback.reference_id.clone()),
        (status, callback.status.clone()),
        (signed, signature),
    ]
}

/// Verifies the query parameters of an invoice's (legacy payment link's) callback redirect
/// (any order; other parameters are ignored) against the API key secret. Pass them decoded.
/// Compare the answer's `invoice_id` with the invoice you created (see the module docs).
///
/// # Errors
///
/// As [`verify_callback`], for [`INVOICE_CALLBACK_PARAMETERS`].
pub fn verify_invoice_callback<I, K, V>(key_secret: &str, parameters: I) -> Result<InvoiceCallback, WebhookError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let found = collect(&INVOICE_CALLBACK_PARAMETERS, parameters)?;
    let ([payment_id, invoice_id, receipt, status], signature) = values(&INVOICE_CALLBACK_PARAMETERS, found)?;
    let callback = InvoiceCallback { payment_id, invoice_id, receipt, status };
    if !SigningKey::new(key_secret).verify(&[callback.message().as_bytes()], &signature) {
        return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
    }
    Ok(callback)
}

/// The five query parameters of an invoice's callback redirect for `callback`, signed with
/// the API key secret, in the order of [`INVOICE_CALLBACK_PARAMETERS`] (not yet
/// percent-encoded). For the sandbox and tests.
pub fn sign_invoice_callback(key_secret: &str, callback: &InvoiceCallback) -> [(&'static str, String); 5] {
    let signature = SigningKey::new(key_secret).sign_hex(&[callback.message().as_bytes()]);
    let [payment, invoice, receipt, status, signed] = INVOICE_CALLBACK_PARAMETERS;
    [
        (payment, callback.payment_id.clone()),
        (invoice, callback.invoice_id.clone()),
        (receipt, callback.receipt.clone()),
        (status, callback.status.clone()),
        (signed, signature),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_SECRET: &str = "rzp_sandbox_secret";

    fn invoice() -> InvoiceCallback {
        InvoiceCallback {
            payment_id: "pay_29QQoUBi66xm2f".into(),
            invoice_id: "inv_DAweOiQ7amIUVd".into(),
            receipt: String::new(),
            status: "partially_paid".into(),
        }
    }

    #[test]
    fn an_invoice_callback_is_signed_over_its_four_values_in_the_documented_order() {
        let signed = sign_invoice_callback(KEY_SECRET, &invoice());
        let expected =
            SigningKey::new(KEY_SECRET).sign_hex(&[b"inv_DAweOiQ7amIUVd||partially_paid|pay_29QQoUBi66xm2f"]);
        assert_eq!(signed[4], ("razorpay_signature", expected));
        assert_eq!(signed.clone().map(|(name, _)| name), INVOICE_CALLBACK_PARAMETERS);
        let mut query: Vec<(&str, String)> = signed.to_vec();
        query.insert(0, ("order", "42".into()));
        query.reverse();
        assert_eq!(verify_invoice_callback(KEY_SECRET, query), Ok(invoice()), "any order, other parameters kept");
    }

    #[test]
    fn the_invoice_callback_signed_by_openssl_verifies_with_the_key_secret() {
        // tests/fixtures/SOURCES.md: signed with OpenSSL under `paylinks_test_key_secret`;
        // no value needs percent-decoding.
        let text = include_str!("../../../tests/fixtures/razorpay_invoices/callback_query.txt");
        let query = text.trim().split('&').filter_map(|pair| pair.split_once('='));
        let expected = InvoiceCallback {
            payment_id: "pay_29QQoUBi66xm2f".into(),
            invoice_id: "inv_DAweOiQ7amIUVd".into(),
            receipt: "R-1042".into(),
            status: "paid".into(),
        };
        assert_eq!(verify_invoice_callback("paylinks_test_key_secret", query.clone()), Ok(expected.clone()));
        assert_eq!(
            verify_invoice_callback(KEY_SECRET, query),
            Err(WebhookError::SignatureMismatch { provider: PROVIDER })
        );
        // And the signer writes the same signature.
        let signed = sign_invoice_callback("paylinks_test_key_secret", &expected);
        assert!(text.trim().ends_with(&format!("razorpay_signature={}", signed[4].1)));
    }

    #[test]
    fn a_changed_missing_or_repeated_invoice_parameter_is_refused_by_name() {
        let signed = sign_invoice_callback(KEY_SECRET, &invoice());
        let mismatch = Err(WebhookError::SignatureMismatch { provider: PROVIDER });
        let mut paid = signed.clone();
        paid[3].1 = "paid".into();
        assert_eq!(verify_invoice_callback(KEY_SECRET, paid), mismatch);
        assert_eq!(verify_invoice_callback("another secret", signed.clone()), mismatch);
        // A payment link's callback does not verify as an invoice's.
        let link = sign_callback(
            KEY_SECRET,
            &Callback {
                payment_id: "pay_29QQoUBi66xm2f".into(),
                payment_link_id: "inv_DAweOiQ7amIUVd".into(),
                reference_id: String::new(),
                status: "partially_paid".into(),
            },
        );
        assert_eq!(
            verify_invoice_callback(KEY_SECRET, link),
            Err(WebhookError::MissingHeader { provider: PROVIDER, header: "razorpay_invoice_id" })
        );
        let repeated = signed.iter().chain(&signed[1..2]).cloned();
        assert!(matches!(
            verify_invoice_callback(KEY_SECRET, repeated),
            Err(WebhookError::MalformedHeader { header: "razorpay_invoice_id", .. })
        ));
        let mut not_hex = signed.clone();
        not_hex[4].1 = "zz".into();
        assert!(matches!(
            verify_invoice_callback(KEY_SECRET, not_hex),
            Err(WebhookError::MalformedHeader { header: "razorpay_signature", .. })
        ));
    }
}
