//! `Paylinks::verify_return`: the redirect that brings the customer back to the merchant after
//! a payment, read as one `Return` and its signature checked with the API secret the client is
//! configured with. Redirects are signed with each provider crate's own signer (or are the
//! OpenSSL-signed fixtures of `tests/fixtures/`); refusals name the provider and the parameter
//! and never the secret or the signature.

mod common;

use common::{SECRET, client_at};
use paylinks::pinelabs::redirect as pinelabs_redirect;
use paylinks::razorpay::redirect::{
    CALLBACK_PARAMETERS, Callback, INVOICE_CALLBACK_PARAMETERS, InvoiceCallback, sign_callback, sign_invoice_callback,
};
use paylinks::{Error, LinkStatus, Paylinks, Provider, RetryPolicy, Return, ReturnError};
use paylinks_testkit::conformance_dir;

/// A client of `provider` (never called over the network: verifying a return is local).
fn client(provider: Provider, secret: &str) -> Paylinks {
    if secret == SECRET {
        return client_at(provider, "http://127.0.0.1:9", RetryPolicy::none());
    }
    let builder = Paylinks::builder();
    let builder = match provider.owner() {
        Provider::Razorpay => builder.razorpay("rzp_test_key", secret, paylinks::Environment::Sandbox),
        Provider::Cashfree => builder.cashfree("cf_id", secret, paylinks::Environment::Sandbox),
        _ => builder.pinelabs("pl_id", secret, paylinks::Environment::Sandbox),
    };
    builder.build().unwrap()
}

/// `pairs` as a query string, percent-encoded as a browser sends it.
fn query(pairs: &[(&str, String)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// A `Return`'s fields, to compare at once.
type Shape<'a> = (
    Provider,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<LinkStatus>,
    bool,
);

fn razorpay_callback() -> Callback {
    Callback {
        payment_id: "pay_Q1aB2cD3eF4gH5".into(),
        payment_link_id: "plink_Q1aB2cD3eF4gH5".into(),
        reference_id: "order 1042/α".into(),
        status: "paid".into(),
    }
}

/// Every refusal's `Display` and `Debug` keep the secret and the signature out.
fn assert_quiet(error: &Error, signature: &str) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(signature.is_empty() || !text.contains(signature), "{text}");
    }
}

#[test]
fn a_razorpay_callback_signed_with_the_key_secret_verifies() {
    let paylinks = client(Provider::Razorpay, SECRET);
    let signed = sign_callback(SECRET, &razorpay_callback());
    let pairs: Vec<(&str, String)> = signed.iter().map(|(k, v)| (*k, v.clone())).collect();
    let expected = (
        Provider::Razorpay,
        Some("plink_Q1aB2cD3eF4gH5"),
        Some("order 1042/α"),
        None,
        Some("pay_Q1aB2cD3eF4gH5"),
        Some("paid"),
        Some(LinkStatus::Paid),
        true,
    );
    fn shape(r: &Return) -> Shape<'_> {
        (
            r.provider,
            r.link_id.as_deref(),
            r.reference.as_deref(),
            r.order_id.as_deref(),
            r.payment_id.as_deref(),
            r.provider_status.as_deref(),
            r.status,
            r.verified,
        )
    }
    // As a query string (with or without its `?`, with the merchant's own parameters around
    // it) and as a form body: the same text.
    let text = query(&pairs);
    for params in [text.clone(), format!("?{text}"), format!("?order=1042&{text}&lang=en")] {
        let back = paylinks.verify_return(Provider::Razorpay, &params).unwrap();
        assert_eq!(shape(&back), expected, "{params}");
    }
    let json = serde_json::to_value(paylinks.verify_return(Provider::Razorpay, &text).unwrap()).unwrap();
    assert_eq!(json["provider"], "razorpay");
    assert_eq!(json["status"], "paid");
    assert_eq!(json["verified"], true);
}

#[test]
fn the_openssl_signed_razorpay_fixture_verifies_and_an_empty_reference_is_none() {
    let fixture = std::fs::read_to_string(conformance_dir().join("razorpay/webhooks/callback_query.txt")).unwrap();
    let paylinks = client(Provider::Razorpay, "paylinks_test_key_secret");
    let back = paylinks.verify_return(Provider::Razorpay, fixture.trim()).unwrap();
    assert_eq!(back.link_id.as_deref(), Some("plink_Fc8lXILABzQL7M"));
    assert_eq!(back.reference.as_deref(), Some("TSsd1989"));
    assert_eq!(back.payment_id.as_deref(), Some("pay_Fc8mUeDrEKf08Y"));
    assert_eq!(
        (back.provider_status.as_deref(), back.status),
        (Some("partially_paid"), Some(LinkStatus::PartiallyPaid))
    );
    assert!(back.verified);

    let paylinks = client(Provider::Razorpay, SECRET);
    let callback = Callback { reference_id: String::new(), ..razorpay_callback() };
    let pairs: Vec<(&str, String)> = sign_callback(SECRET, &callback).iter().map(|(k, v)| (*k, v.clone())).collect();
    let back = paylinks.verify_return(Provider::Razorpay, &query(&pairs)).unwrap();
    assert_eq!(back.reference, None);
}

#[test]
fn a_changed_byte_a_wrong_secret_a_missing_or_malformed_parameter_are_refused_by_name() {
    let paylinks = client(Provider::Razorpay, SECRET);
    let signed = sign_callback(SECRET, &razorpay_callback());
    let signature = signed[4].1.clone();
    let pairs: Vec<(&str, String)> = signed.iter().map(|(k, v)| (*k, v.clone())).collect();

    // One changed byte in each signed value.
    for i in 0..pairs.len() {
        let mut changed = pairs.clone();
        let mut bytes = changed[i].1.clone().into_bytes();
        bytes[1] = if bytes[1] == b'0' { b'1' } else { b'0' };
        changed[i].1 = String::from_utf8(bytes).unwrap();
        let err = paylinks.verify_return(Provider::Razorpay, &query(&changed)).unwrap_err();
        // A changed digit of the signature is still hex; it no longer matches.
        let expected =
            "razorpay return: the signature does not match the parameters (a changed parameter, or another API secret)";
        assert!(
            matches!(err, Error::Return(ReturnError::SignatureMismatch { provider: Provider::Razorpay })),
            "{i}: {err}"
        );
        assert_eq!(err.to_string(), expected);
        assert_eq!(err.provider(), Some(Provider::Razorpay));
        assert_quiet(&err, &signature);
    }

    // Another key secret.
    let other = client(Provider::Razorpay, "another_key_secret");
    let err = other.verify_return(Provider::Razorpay, &query(&pairs)).unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::SignatureMismatch { .. })), "{err}");
    assert_quiet(&err, &signature);

    // Each parameter left out.
    for (i, name) in CALLBACK_PARAMETERS.iter().enumerate() {
        let mut missing = pairs.clone();
        missing.remove(i);
        let err = paylinks.verify_return(Provider::Razorpay, &query(&missing)).unwrap_err();
        match &err {
            Error::Return(ReturnError::MissingParameter { provider: Provider::Razorpay, parameter }) => {
                assert_eq!(parameter, name);
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(err.to_string(), format!("razorpay return: the {name} parameter is missing"));
        assert_quiet(&err, &signature);
    }

    // A signature that is not hex, and one given twice.
    let mut not_hex = pairs.clone();
    not_hex[4].1 = format!("{}zz", &signature[2..]);
    let err = paylinks.verify_return(Provider::Razorpay, &query(&not_hex)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "razorpay return: the razorpay_signature parameter is malformed: not a hexadecimal signature"
    );
    assert_quiet(&err, &signature);
    let mut twice = pairs.clone();
    twice.push(pairs[4].clone());
    let err = paylinks.verify_return(Provider::Razorpay, &query(&twice)).unwrap_err();
    assert_eq!(err.to_string(), "razorpay return: the razorpay_signature parameter is malformed: given more than once");
    assert_quiet(&err, &signature);

    // Nothing at all.
    let err = paylinks.verify_return(Provider::Razorpay, "").unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::MissingParameter { .. })), "{err}");
}

#[test]
fn a_provider_this_client_is_not_configured_for_is_a_config_error() {
    let paylinks = client(Provider::Razorpay, SECRET);
    let err = paylinks.verify_return(Provider::Cashfree, "link_id=x").unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
}

#[test]
fn a_return_and_a_client_print_no_secret() {
    let paylinks = client(Provider::Razorpay, SECRET);
    assert!(!format!("{paylinks:?}").contains(SECRET));
    let signed = sign_callback(SECRET, &razorpay_callback());
    let pairs: Vec<(&str, String)> = signed.iter().map(|(k, v)| (*k, v.clone())).collect();
    let back = paylinks.verify_return(Provider::Razorpay, &query(&pairs)).unwrap();
    let text = format!("{back:?} {}", serde_json::to_string(&back).unwrap());
    assert!(!text.contains(SECRET) && !text.contains(&signed[4].1), "{text}");
}

#[test]
fn a_razorpay_invoice_callback_verifies_and_a_change_or_a_missing_parameter_is_refused() {
    let paylinks = client(Provider::RazorpayInvoice, SECRET);
    let callback = InvoiceCallback {
        payment_id: "pay_29QQoUBi66xm2f".into(),
        invoice_id: "inv_DAweOiQ7amIUVd".into(),
        receipt: "R-1042".into(),
        status: "partially_paid".into(),
    };
    let signed = sign_invoice_callback(SECRET, &callback);
    let pairs: Vec<(&str, String)> = signed.iter().map(|(k, v)| (*k, v.clone())).collect();
    let back = paylinks.verify_return(Provider::RazorpayInvoice, &query(&pairs)).unwrap();
    assert_eq!(back.provider, Provider::RazorpayInvoice);
    assert_eq!(back.link_id.as_deref(), Some("inv_DAweOiQ7amIUVd"));
    assert_eq!(back.reference.as_deref(), Some("R-1042"));
    assert_eq!(back.payment_id.as_deref(), Some("pay_29QQoUBi66xm2f"));
    assert_eq!(back.status, Some(LinkStatus::PartiallyPaid));
    assert!(back.verified);

    let mut changed = pairs.clone();
    changed[3].1 = "paid".into();
    let err = paylinks.verify_return(Provider::RazorpayInvoice, &query(&changed)).unwrap_err();
    assert!(
        matches!(err, Error::Return(ReturnError::SignatureMismatch { provider: Provider::RazorpayInvoice })),
        "{err}"
    );
    assert_quiet(&err, &signed[4].1);
    for (i, name) in INVOICE_CALLBACK_PARAMETERS.iter().enumerate() {
        let mut missing = pairs.clone();
        missing.remove(i);
        let err = paylinks.verify_return(Provider::RazorpayInvoice, &query(&missing)).unwrap_err();
        assert_eq!(err.to_string(), format!("razorpay_invoice return: the {name} parameter is missing"));
    }
    // A payment link's callback is not an invoice's, and the reverse.
    let err = paylinks.verify_return(Provider::Razorpay, &query(&pairs)).unwrap_err();
    assert_eq!(err.to_string(), "razorpay return: the razorpay_payment_link_id parameter is missing");
}

#[test]
fn a_cashfree_return_is_never_verified_and_reads_what_the_merchant_put_in_its_url() {
    let paylinks = client(Provider::Cashfree, SECRET);
    let back =
        paylinks.verify_return(Provider::Cashfree, "?shop=1&link_id=order-1042&order_id=CFPay_U1mg_ehdc").unwrap();
    assert!(!back.verified, "Cashfree signs nothing");
    assert_eq!(back.link_id.as_deref(), Some("order-1042"));
    assert_eq!(back.order_id.as_deref(), Some("CFPay_U1mg_ehdc"));
    assert_eq!((back.payment_id, back.status, back.provider_status, back.reference), (None, None, None, None));

    // Nothing given, a placeholder left unfilled, or empty values: nothing known.
    for params in ["", "?", "order_id=%7Border_id%7D", "link_id=&order_id="] {
        let back = paylinks.verify_return(Provider::Cashfree, params).unwrap();
        assert_eq!((back.link_id, back.order_id), (None, None), "{params}");
    }
    let err = paylinks.verify_return(Provider::Cashfree, "link_id=a&link_id=b").unwrap_err();
    assert_eq!(err.to_string(), "cashfree return: the link_id parameter is malformed: given more than once");
}

/// A Pine Labs callback secret key, hex ("paylinks-sandbox").
const PINELABS_KEY: &str = "7061796c696e6b732d73616e64626f78";

fn pinelabs_client(key: Option<&str>) -> Paylinks {
    let builder = Paylinks::builder().pinelabs("pl_id", SECRET, paylinks::Environment::Sandbox);
    let builder = match key {
        Some(key) => builder.return_secret(Provider::Pinelabs, key),
        None => builder,
    };
    builder.build().unwrap()
}

fn pinelabs_form(callback: &pinelabs_redirect::Callback) -> (String, String) {
    let fields = pinelabs_redirect::sign_callback(PINELABS_KEY, callback).unwrap();
    let signature = fields.last().unwrap().1.clone();
    (query(&fields), signature)
}

#[test]
fn a_pinelabs_callback_form_verifies_with_the_callback_secret_key() {
    let paylinks = pinelabs_client(Some(PINELABS_KEY));
    let paid = pinelabs_redirect::Callback {
        order_id: "v1-250306082755-aa-uT0noy".into(),
        status: "PROCESSED".into(),
        error: None,
    };
    let (form, signature) = pinelabs_form(&paid);
    let back = paylinks.verify_return(Provider::Pinelabs, &form).unwrap();
    assert!(back.verified);
    assert_eq!(back.order_id.as_deref(), Some("v1-250306082755-aa-uT0noy"));
    assert_eq!(back.provider_status.as_deref(), Some("PROCESSED"));
    assert_eq!((back.link_id, back.status), (None, None), "the order, and the payment's status only");

    let failed = pinelabs_redirect::Callback {
        status: "FAILED".into(),
        error: Some(pinelabs_redirect::CallbackError {
            code: "USER_AUTHENTICATION_FAILED".into(),
            message: "Consumer Authentication Failed".into(),
        }),
        ..paid.clone()
    };
    let (failed_form, _) = pinelabs_form(&failed);
    assert_eq!(
        paylinks.verify_return(Provider::Pinelabs, &failed_form).unwrap().provider_status.as_deref(),
        Some("FAILED")
    );

    // A changed status, another key, a field left out.
    let changed = form.replace("PROCESSED", "PROCESSEE");
    let err = paylinks.verify_return(Provider::Pinelabs, &changed).unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::SignatureMismatch { provider: Provider::Pinelabs })), "{err}");
    assert_quiet(&err, &signature);
    let other = pinelabs_client(Some("00112233445566778899aabbccddeeff"));
    let err = other.verify_return(Provider::Pinelabs, &form).unwrap_err();
    assert!(matches!(err, Error::Return(ReturnError::SignatureMismatch { .. })), "{err}");
    let without: String = form.split('&').filter(|f| !f.starts_with("signature=")).collect::<Vec<_>>().join("&");
    let err = paylinks.verify_return(Provider::Pinelabs, &without).unwrap_err();
    assert_eq!(err.to_string(), "pinelabs return: the signature parameter is missing");
}

#[test]
fn pinelabs_without_a_usable_callback_secret_key_is_a_config_error_naming_its_variable() {
    let paid = pinelabs_redirect::Callback { order_id: "v1-x".into(), status: "PROCESSED".into(), error: None };
    let (form, _) = pinelabs_form(&paid);
    for key in [None, Some("zz-s3cr3t-zz")] {
        let err = pinelabs_client(key).verify_return(Provider::Pinelabs, &form).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err}");
        assert!(err.to_string().contains("PINELABS_CALLBACK_SECRET"), "{err}");
        assert!(!err.to_string().contains("zz-s3cr3t-zz"), "the key is not quoted: {err}");
    }
    // From the environment.
    let vars = [
        ("PINELABS_CLIENT_ID", "pl_id"),
        ("PINELABS_CLIENT_SECRET", SECRET),
        ("PINELABS_CALLBACK_SECRET", PINELABS_KEY),
    ];
    let builder = paylinks::PaylinksBuilder::from_lookup(|name| {
        vars.iter().find(|(var, _)| *var == name).map(|(_, value)| (*value).to_owned())
    })
    .unwrap();
    assert!(!format!("{builder:?}").contains(PINELABS_KEY), "the key stays hidden");
    let back = builder.build().unwrap().verify_return(Provider::Pinelabs, &form).unwrap();
    assert!(back.verified);
}

/// The OpenSSL-signed fixtures of `tests/fixtures/` (recipes in `SOURCES.md`), as the
/// browser sends them: a Razorpay invoice's callback query and Pine Labs' callback forms.
#[test]
fn the_openssl_signed_invoice_and_pinelabs_fixtures_verify() {
    let read = |path: &str| std::fs::read_to_string(conformance_dir().join(path)).unwrap().trim().to_owned();
    let razorpay = client(Provider::RazorpayInvoice, "paylinks_test_key_secret");
    let back =
        razorpay.verify_return(Provider::RazorpayInvoice, &read("razorpay_invoices/callback_query.txt")).unwrap();
    assert_eq!(back.link_id.as_deref(), Some("inv_DAweOiQ7amIUVd"));
    assert_eq!((back.reference.as_deref(), back.status), (Some("R-1042"), Some(LinkStatus::Paid)));
    assert!(back.verified);

    let key: String = b"paylinks_test_callback_key".iter().map(|b| format!("{b:02x}")).collect();
    let pinelabs = pinelabs_client(Some(&key));
    for (file, order, status) in [
        ("pinelabs/callbacks/processed.form", "v1-250306082755-aa-uT0noy", "PROCESSED"),
        ("pinelabs/callbacks/failed.form", "v1-240828180835-aa-IKvddb", "FAILED"),
    ] {
        let back = pinelabs.verify_return(Provider::Pinelabs, &read(file)).unwrap();
        assert_eq!((back.order_id.as_deref(), back.provider_status.as_deref()), (Some(order), Some(status)), "{file}");
        assert!(back.verified, "{file}");
    }
}
