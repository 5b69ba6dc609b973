//! Pine Labs Online's return to the merchant after a payment attempt: the customer's browser
//! **POSTs a form** (`application/x-www-form-urlencoded`) to the `callback_url` of the order
//! or payment link after a successful payment, and to `failure_callback_url` (else
//! `callback_url`) after a failed one, and the merchant checks `signature` with the secret key
//! Pine Labs' onboarding team gives it (a hexadecimal string; not the client secret, not the
//! webhook secret).
//!
//! The fields ([`Callback`]): `order_id` (the order behind the link, `v1-…`), `status` (the
//! payment's status: `PROCESSED`, `AUTHORIZED` with pre-authorisation, `FAILED`), on a
//! failure `error_code` and `error_message`, and `signature`: the **hex** HMAC-SHA256
//! ([`paylinks_core::webhook::SigningKey`]) keyed with the secret key's bytes (the hex
//! decoded) over the other fields written `key=value`, sorted by key and joined by `&`,
//! values as received (not percent-encoded):
//!
//! ```text
//! error_code=USER_AUTHENTICATION_FAILED&error_message=Consumer Authentication required&order_id=v1-…&status=FAILED
//! ```
//!
//! Pine Labs' sample code writes the signature in upper case; the verifier accepts either.
//!
//! Sources: "Handle Payment" / "Verify Payment Signature" of Pine Labs' integration guides
//! (<https://www.pinelabs.com/docs/online-payments/checkout-hosted-integration>,
//! <https://developer.pluralonline.com/docs/3d-secure-authoriation#42-verify-payment-signature>:
//! the fields, the sorted `key=value&…` string, the Java `GenerateHash` sample that decodes the
//! hex key); the official plugins read the callback as a POSTed form
//! (plural-pinelabs/woocommerce-plugin `woocommerce-pinepg-gateway/index.php`,
//! `handle_pinepg_callback`: `$_POST['order_id']`, `$_POST['status']`;
//! plural-pinelabs/magento-plugin `Pinelabs/PinePGGateway/Controller/Standard/Response.php`:
//! `getPostValue()`). Unconfirmed: that a payment link's hosted page returns exactly these
//! fields (the guides describe checkout orders; a link creates one); the value of `status`
//! after a part payment of a link (the sandbox sends `PROCESSED`); whether fields other than
//! these can appear (the verifier signs every field it is given but `signature`, so it
//! follows Pine Labs' rule either way).
//!
//! Errors are [`WebhookError`]s whose `header` names the form field (or `secret_key` for a
//! key that is not hex); they never carry a value or the key.
//!
//! ```
//! use paylinks_pinelabs::redirect::{Callback, sign_callback, verify_callback};
//!
//! let secret_key = "9A7F21C0D3E4B5A6978877665544332211FFEEDDCCBBAA99"; // hex, from onboarding
//! let paid = Callback { order_id: "v1-250306082755-aa-uT0noy".into(), status: "PROCESSED".into(), error: None };
//! let form = sign_callback(secret_key, &paid).expect("a hex key");
//! assert_eq!(verify_callback(secret_key, form), Ok(paid));
//! ```

use paylinks_core::webhook::{SigningKey, WebhookError, decode_hex};

/// The provider's name in errors.
const PROVIDER: &str = "pinelabs";

/// The form field carrying the signature.
pub const SIGNATURE_FIELD: &str = "signature";

/// The name [`WebhookError`]s give the secret key when it is not hexadecimal.
pub const SECRET_KEY: &str = "secret_key";

/// The fields a callback can carry, the signature last.
pub const CALLBACK_FIELDS: [&str; 5] = ["order_id", "status", "error_code", "error_message", SIGNATURE_FIELD];

/// Why a payment failed, as a failure callback says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    /// `error_code`: a short code (`USER_AUTHENTICATION_FAILED`).
    pub code: String,
    /// `error_message`: what it means (`Consumer Authentication Failed`).
    pub message: String,
}

/// What a verified callback says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// `order_id`: the order the payment was made on, `v1-…` (a payment link's `order_id`).
    pub order_id: String,
    /// `status`: the payment's status (`PROCESSED`, `AUTHORIZED`, `FAILED`).
    pub status: String,
    /// `error_code` and `error_message`, on a failure.
    pub error: Option<CallbackError>,
}

impl Callback {
    /// The fields but the signature, in the order Pine Labs sends them.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("order_id", self.order_id.clone()), ("status", self.status.clone())];
        if let Some(error) = &self.error {
            fields.push(("error_code", error.code.clone()));
            fields.push(("error_message", error.message.clone()));
        }
        fields
    }
}

/// The key: the secret key's bytes, decoded from hex.
fn key(secret_key_hex: &str) -> Result<SigningKey, WebhookError> {
    let bytes = decode_hex(PROVIDER, SECRET_KEY, secret_key_hex).map_err(|_| WebhookError::MalformedHeader {
        provider: PROVIDER,
        header: SECRET_KEY,
        why: "not hexadecimal (Pine Labs gives the callback secret key in hex)",
    })?;
    if bytes.is_empty() {
        return Err(WebhookError::MalformedHeader { provider: PROVIDER, header: SECRET_KEY, why: "empty" });
    }
    Ok(SigningKey::from_bytes(&bytes))
}

/// The signed text: `key=value` of every field, sorted by key, joined by `&`.
fn signed_text<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut fields: Vec<(&str, &str)> = fields.into_iter().collect();
    fields.sort_unstable();
    fields.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join("&")
}

/// The form fields of a callback for `callback`, signed with the secret key (hex), in the
/// order Pine Labs sends them: `order_id`, `status`, on a failure `error_code` and
/// `error_message`, then `signature` (upper-case hex, as Pine Labs' sample code writes it).
/// For the sandbox and tests.
///
/// # Errors
///
/// [`WebhookError::MalformedHeader`] naming [`SECRET_KEY`] when the key is not hex or empty.
pub fn sign_callback(secret_key_hex: &str, callback: &Callback) -> Result<Vec<(&'static str, String)>, WebhookError> {
    let key = key(secret_key_hex)?;
    let mut fields = callback.fields();
    let text = signed_text(fields.iter().map(|(name, value)| (*name, value.as_str())));
    fields.push((SIGNATURE_FIELD, key.sign_hex(&[text.as_bytes()]).to_ascii_uppercase()));
    Ok(fields)
}

/// Verifies the form fields of a callback (any order, decoded: axum's `Form`,
/// `url::form_urlencoded::parse`...) against the secret key (hex): every field but
/// `signature` is signed, as Pine Labs' rule says, so a field added on the way fails too.
///
/// # Errors
///
/// [`WebhookError::MissingHeader`] when `order_id`, `status` or `signature` is absent (or only
/// one of `error_code` and `error_message` is there), [`WebhookError::MalformedHeader`] when a
/// field is repeated, the signature is not hex or the key is not hex
/// ([`SECRET_KEY`]), [`WebhookError::SignatureMismatch`] when a value was changed or the key
/// is another.
pub fn verify_callback<I, K, V>(secret_key_hex: &str, fields: I) -> Result<Callback, WebhookError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let key = key(secret_key_hex)?;
    let mut received: Vec<(String, String)> = Vec::new();
    for (name, value) in fields {
        let name = name.as_ref();
        if received.iter().any(|(seen, _)| seen == name) {
            let header = CALLBACK_FIELDS.iter().find(|known| **known == name).copied().unwrap_or("a form field");
            return Err(WebhookError::MalformedHeader { provider: PROVIDER, header, why: "given more than once" });
        }
        received.push((name.to_owned(), value.as_ref().to_owned()));
    }
    let find = |name: &str| received.iter().find(|(seen, _)| seen == name).map(|(_, value)| value.clone());
    let required =
        |name: &'static str| find(name).ok_or(WebhookError::MissingHeader { provider: PROVIDER, header: name });
    let signature = decode_hex(PROVIDER, SIGNATURE_FIELD, &required(SIGNATURE_FIELD)?)?;
    let callback = Callback {
        order_id: required("order_id")?,
        status: required("status")?,
        error: match (find("error_code"), find("error_message")) {
            (None, None) => None,
            (Some(code), Some(message)) => Some(CallbackError { code, message }),
            (None, Some(_)) => return Err(WebhookError::MissingHeader { provider: PROVIDER, header: "error_code" }),
            (Some(_), None) => return Err(WebhookError::MissingHeader { provider: PROVIDER, header: "error_message" }),
        },
    };
    let text = signed_text(
        received
            .iter()
            .filter(|(name, _)| name != SIGNATURE_FIELD)
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    if !key.verify(&[text.as_bytes()], &signature) {
        return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
    }
    Ok(callback)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "7061796c696e6b732d73616e64626f78"; // "paylinks-sandbox" in hex

    fn failed() -> Callback {
        Callback {
            order_id: "v1-240828180835-aa-IKvddb".into(),
            status: "FAILED".into(),
            error: Some(CallbackError {
                code: "USER_AUTHENTICATION_FAILED".into(),
                message: "Consumer Authentication Failed".into(),
            }),
        }
    }

    #[test]
    fn the_signed_text_is_the_sorted_fields_and_the_key_is_the_hex_decoded() {
        let form = sign_callback(KEY, &failed()).unwrap();
        let names: Vec<&str> = form.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, CALLBACK_FIELDS);
        let text = "error_code=USER_AUTHENTICATION_FAILED&error_message=Consumer Authentication Failed&order_id=v1-240828180835-aa-IKvddb&status=FAILED";
        let expected = SigningKey::from_bytes(b"paylinks-sandbox").sign_hex(&[text.as_bytes()]).to_ascii_uppercase();
        assert_eq!(form[4].1, expected);
        assert_eq!(verify_callback(KEY, form.iter().rev().cloned()), Ok(failed()), "any order");
        // A lower-case signature verifies too.
        let mut lowered = form.clone();
        lowered[4].1 = lowered[4].1.to_ascii_lowercase();
        assert_eq!(verify_callback(KEY, lowered), Ok(failed()));
    }

    /// A callback form of `tests/fixtures/pinelabs/callbacks/`, decoded (only `+` needs it).
    fn fixture(text: &str) -> Vec<(String, String)> {
        text.trim()
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.to_owned(), value.replace('+', " ")))
            .collect()
    }

    #[test]
    fn callbacks_signed_by_openssl_verify_with_the_hex_key() {
        // tests/fixtures/SOURCES.md: signed with OpenSSL under the hex key of
        // `paylinks_test_callback_key`, upper-case hex as Pine Labs' sample code writes it.
        let key = "7061796c696e6b735f746573745f63616c6c6261636b5f6b6579";
        let failed = fixture(include_str!("../../../tests/fixtures/pinelabs/callbacks/failed.form"));
        let expected = Callback {
            order_id: "v1-240828180835-aa-IKvddb".into(),
            status: "FAILED".into(),
            error: Some(CallbackError {
                code: "USER_AUTHENTICATION_FAILED".into(),
                message: "Consumer Authentication failed".into(),
            }),
        };
        assert_eq!(verify_callback(key, failed.clone()), Ok(expected.clone()));
        assert_eq!(
            sign_callback(key, &expected).unwrap(),
            failed
                .iter()
                .map(|(n, v)| (CALLBACK_FIELDS.iter().find(|f| *f == n).copied().unwrap(), v.clone()))
                .collect::<Vec<_>>()
        );
        let processed = fixture(include_str!("../../../tests/fixtures/pinelabs/callbacks/processed.form"));
        assert_eq!(verify_callback(key, processed.clone()).map(|c| c.status), Ok("PROCESSED".to_owned()));
        assert_eq!(verify_callback(KEY, processed), Err(WebhookError::SignatureMismatch { provider: PROVIDER }));
    }

    #[test]
    fn changed_added_missing_and_repeated_fields_and_bad_keys_are_refused_by_name() {
        let paid = Callback { order_id: "v1-250306082755-aa-uT0noy".into(), status: "PROCESSED".into(), error: None };
        let form = sign_callback(KEY, &paid).unwrap();
        assert_eq!(form.len(), 3, "no error fields on a success");
        let mismatch = Err(WebhookError::SignatureMismatch { provider: PROVIDER });
        let mut changed = form.clone();
        changed[1].1 = "FAILED".into();
        assert_eq!(verify_callback(KEY, changed), mismatch);
        let mut added = form.clone();
        added.push(("amount", "1".into()));
        assert_eq!(verify_callback(KEY, added), mismatch, "every field is signed");
        assert_eq!(verify_callback("0011", form.clone()), mismatch);
        assert_eq!(
            verify_callback(KEY, form[1..].to_vec()),
            Err(WebhookError::MissingHeader { provider: PROVIDER, header: "order_id" })
        );
        let half = form.iter().cloned().chain([("error_code", "X".to_owned())]);
        assert_eq!(
            verify_callback(KEY, half),
            Err(WebhookError::MissingHeader { provider: PROVIDER, header: "error_message" })
        );
        let repeated = form.iter().chain(&form[..1]).cloned();
        assert!(matches!(
            verify_callback(KEY, repeated),
            Err(WebhookError::MalformedHeader { header: "order_id", .. })
        ));
        for bad in ["pl_sandbox_secret", ""] {
            assert!(matches!(sign_callback(bad, &paid), Err(WebhookError::MalformedHeader { header: SECRET_KEY, .. })));
            assert!(matches!(
                verify_callback(bad, form.clone()),
                Err(WebhookError::MalformedHeader { header: SECRET_KEY, .. })
            ));
        }
        let message = verify_callback("pl_sandbox_secret", form).unwrap_err().to_string();
        assert!(!message.contains("pl_sandbox_secret"), "{message}");
    }
}
