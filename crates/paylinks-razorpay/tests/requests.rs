//! Every operation against a local HTTP mock: what goes over the wire (method, path, query,
//! headers, body), and what comes back (the typed response, the typed error).

use std::num::NonZeroU64;

use base64::Engine;
use paylinks_razorpay::{Client, Credentials, Environment, Error, types};
use paylinks_testkit::mock::{
    answer_every_request, assert_empty_write, assert_loopback, assert_never_shows, assert_no_body, header,
    html_response, json_body, json_response, only_request,
};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

const KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
const KEY_SECRET: &str = "kS3cr3t-never-printed";
const USER_AGENT: &str = concat!("paylinks-razorpay/", env!("CARGO_PKG_VERSION"));

/// The documented standard link, as create answers it (docs, create-standard).
const LINK_CREATED: &str = r#"{"accept_partial":true,"amount":1000,"amount_paid":0,"callback_method":"get",
"callback_url":"https://example-callback-url.com/","cancelled_at":0,"created_at":1591097057,"currency":"INR",
"customer":{"contact":"+919876543210","email":"gaurav.kumar@example.com","name":"Gaurav Kumar"},
"description":"Payment for policy no #23456","expire_by":1691097057,"expired_at":0,"first_min_partial_amount":100,
"id":"plink_ExjpAUN3gVHrPJ","notes":{"policy_name":"Life Insurance Policy"},"notify":{"email":true,"sms":true},
"payments":null,"reference_id":"TS1989","reminder_enable":true,"reminders":[],"short_url":"https://rzp.io/i/nxrHnLJ",
"status":"created","updated_at":1591097057,"user_id":""}"#;

/// The documented UPI link entity: `upi_link` is the string `"true"`.
const LINK_UPI: &str = r#"{"accept_partial":false,"amount":1000,"amount_paid":0,"cancelled_at":0,"created_at":1591097057,
"currency":"INR","customer":{"contact":"+919000090000","email":"gaurav.kumar@example.com","name":"Gaurav Kumar"},
"description":"Payment for policy no #23456","expire_by":1691097057,"expired_at":0,"first_min_partial_amount":0,
"id":"plink_ExjpAUN3gVHrPJ","upi_link":"true","notes":{"policy_name":"Jeevan Bima"},"notify":{"email":true,"sms":true},
"payments":null,"reference_id":"TS1989","reminder_enable":true,"reminders":{"status":"failed"},
"short_url":"https://rzp.io/i/nxrHnLJ","source":"","source_id":"","status":"created","updated_at":1591097270,"user_id":""}"#;

/// A paid UPI link (docs, fetch UPI link by id).
const LINK_PAID: &str = r#"{"accept_partial":false,"amount":100,"amount_paid":100,"cancelled_at":0,"created_at":1602522293,
"currency":"INR","customer":{"contact":"+919876543210","email":"gaurav.kumar@razorpay.com"},
"description":"Payment for Acme Inc","expire_by":0,"expired_at":0,"first_min_partial_amount":0,"id":"plink_Fo48rl281ENAg9",
"notes":{"policy_name":"Jeevan Saral"},"notify":{"email":true,"sms":true},"order_id":"order_Fo491cL6NGAjkI",
"payments":[{"amount":100,"created_at":1602522351,"method":"upi","payment_id":"pay_Fo49sHbQ78PCMI","status":"captured"}],
"reference_id":"TS35","reminder_enable":false,"reminders":[],"short_url":"https://rzp.io/i/XQiMe4w","status":"paid",
"updated_at":1602523645,"upi_link":true,"user_id":"FmjfFPCOUOAcSH"}"#;

/// The documented cancelled link (docs, cancel-standard).
const LINK_CANCELLED: &str = r#"{"accept_partial":true,"amount":1000,"amount_paid":0,"cancelled_at":1591097270,
"created_at":1591097057,"currency":"INR","customer":{"contact":"+919876543210","email":"gaurav.kumar@example.com",
"name":"Gaurav Kumar"},"expire_by":1691097057,"expired_at":0,"first_min_partial_amount":100,"id":"plink_ExjpAUN3gVHrPJ",
"notes":{"policy_name":"Jeevan Bima"},"notify":{"email":true,"sms":true},"payments":[],"reference_id":"TS1989",
"reminder_enable":true,"reminders":{"status":"failed"},"short_url":"https://rzp.io/i/nxrHnLJ","status":"cancelled",
"updated_at":1591097270,"user_id":""}"#;

/// A legacy invoice-based payment link (`type: link`), just created and issued.
const INVOICE_LINK: &str = r#"{"id":"inv_E7q0tqkxBRzdau","entity":"invoice","receipt":"TS91","invoice_number":"TS91",
"customer_id":"cust_E7q0trFqXgExmT","customer_details":{"id":"cust_E7q0trFqXgExmT","name":"Gaurav Kumar",
"email":"gaurav.kumar@example.com","contact":"+919876543210","gstin":null,"billing_address":null,"shipping_address":null,
"customer_name":"Gaurav Kumar","customer_email":"gaurav.kumar@example.com","customer_contact":"+919876543210"},
"order_id":"order_E7q0tvRpC0WJwg","line_items":[],"payment_id":null,"status":"issued","expire_by":1589765167,
"issued_at":1579765167,"paid_at":null,"cancelled_at":null,"expired_at":null,"sms_status":"pending","email_status":"pending",
"date":1579765167,"terms":null,"partial_payment":false,"gross_amount":39900,"tax_amount":0,"taxable_amount":39900,
"amount":39900,"amount_paid":0,"amount_due":39900,"currency":"INR","currency_symbol":"₹",
"description":"Payment link for order #91","notes":{"key1":"Testing."},"comment":null,"short_url":"https://rzp.io/i/2wxV8Xs",
"view_less":true,"billing_start":null,"billing_end":null,"type":"link","group_taxes_discounts":false,"created_at":1579765167}"#;

/// A draft invoice (docs, update): `amount_paid`/`amount_due` null, no short URL yet.
const INVOICE_DRAFT: &str = r##"{"id":"inv_DAweOiQ7amIUVd","entity":"invoice","receipt":"#0961","invoice_number":"#0961",
"customer_id":"cust_DAtUWmvpktokrT","customer_details":{"id":"cust_DAtUWmvpktokrT","name":"Gaurav Kumar",
"email":"gaurav.kumar@example.com","contact":"+919876543210","gstin":null,"billing_address":{"id":"addr_DAtUWoxgu91obl",
"type":"billing_address","primary":true,"line1":"Bakers Street","line2":"Country Road","zipcode":"400092","city":"Mumbai",
"state":"Maharashtra","country":"in"},"shipping_address":null,"customer_name":"Gaurav Kumar",
"customer_email":"gaurav.kumar@example.com","customer_contact":"+919876543210"},"order_id":null,"line_items":[
{"id":"li_DAweOizsysoJU6","item_id":null,"name":"Book / English August - Updated name and quantity",
"description":"150 points in Quidditch","amount":400,"unit_amount":400,"gross_amount":400,"tax_amount":0,
"taxable_amount":400,"net_amount":400,"currency":"INR","type":"invoice","tax_inclusive":false,"hsn_code":null,
"sac_code":null,"tax_rate":null,"unit":null,"quantity":1,"taxes":[]},
{"id":"li_DAwjWQUo07lnjF","item_id":null,"name":"Book / A Wild Sheep Chase","description":null,"amount":200,
"unit_amount":200,"gross_amount":200,"tax_amount":0,"taxable_amount":200,"net_amount":200,"currency":"INR",
"type":"invoice","tax_inclusive":false,"hsn_code":null,"sac_code":null,"tax_rate":null,"unit":null,"quantity":1,"taxes":[]}],
"payment_id":null,"status":"draft","expire_by":1567103399,"issued_at":null,"paid_at":null,"cancelled_at":null,
"expired_at":null,"sms_status":null,"email_status":null,"date":1566891149,"terms":null,"partial_payment":false,
"gross_amount":600,"tax_amount":0,"taxable_amount":600,"amount":600,"amount_paid":null,"amount_due":null,
"currency":"INR","currency_symbol":"","description":"This is a test invoice.","notes":{"updated-key":"An updated note."},
"comment":null,"short_url":null,"view_less":true,"billing_start":null,"billing_end":null,"type":"invoice",
"group_taxes_discounts":false,"created_at":1566906474,"idempotency_key":null}"##;

/// The docs' 400 for an unknown id.
const BAD_REQUEST: &str = r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"The id provided does not exist",
"source":"NA","step":"NA","reason":"NA","metadata":{}}}"#;

/// A mock that answers every request with `status` and `body`, and a client pointed at it.
async fn setup(status: u16, body: &str) -> (MockServer, Client) {
    setup_with(json_response(status, body)).await
}

/// A mock that answers every request with `response`, and a client pointed at it.
async fn setup_with(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    answer_every_request(&server, response).await;
    assert_loopback(&server);
    let client = Client::builder(Credentials::new(KEY_ID, KEY_SECRET))
        .environment(Environment::Custom(server.uri()))
        .build()
        .unwrap();
    (server, client)
}

/// `Basic base64(key_id:key_secret)`, computed here rather than taken from the crate.
fn expected_authorization() -> String {
    let pair = format!("{KEY_ID}:{KEY_SECRET}");
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
}

/// Headers every Razorpay request carries: Basic auth once, our user agent, JSON accepted, and
/// no `api-version` (Razorpay documents none).
fn assert_common_headers(request: &Request) {
    assert_eq!(header(request, "authorization"), [expected_authorization().as_str()]);
    assert_eq!(header(request, "user-agent"), [USER_AGENT]);
    assert_eq!(header(request, "accept"), ["application/json"]);
    assert!(header(request, "api-version").is_empty(), "progenitor's api-version header is not sent");
}

fn assert_call(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    assert_common_headers(request);
}

/// The one request sent, checked by [`assert_call`].
async fn only_call(server: &MockServer, method: &str, path: &str, query: Option<&str>) -> Request {
    let request = only_request(server).await;
    assert_call(&request, method, path, query);
    request
}

/// The requests sent, one a path and in that order, each checked by [`assert_call`] with
/// `method` and no query.
async fn calls(server: &MockServer, method: &str, paths: &[&str]) -> Vec<Request> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), paths.len());
    for (request, path) in requests.iter().zip(paths) {
        assert_call(request, method, path, None);
    }
    requests
}

/// A JSON body: `content-type: application/json`, the exact JSON, and its length.
fn assert_json_body(request: &Request, expected: Value) {
    let body = json_body(request);
    let length = request.body.len().to_string();
    assert_eq!(header(request, "content-length"), [length.as_str()]);
    assert_eq!(body, expected);
}

fn notes(pairs: &[(&str, &str)]) -> types::NotesRequest {
    types::NotesRequest(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.parse().unwrap())).collect())
}

fn link_status(known: types::KnownPaymentLinkStatus) -> Option<types::PaymentLinkStatus> {
    Some(types::PaymentLinkStatus::KnownPaymentLinkStatus(known))
}

fn invoice_status(known: types::KnownInvoiceStatus) -> Option<types::InvoiceStatus> {
    Some(types::InvoiceStatus::KnownInvoiceStatus(known))
}

fn minor(amount: u64) -> NonZeroU64 {
    NonZeroU64::new(amount).unwrap()
}

// ------------------------------------------------------------------------------ payment links

#[tokio::test]
async fn create_payment_link_sends_the_documented_standard_body() {
    let (server, client) = setup(200, LINK_CREATED).await;
    let link = client
        .create_payment_link()
        .body(
            types::CreatePaymentLinkRequest::builder()
                .amount(minor(1000))
                .currency("INR".to_owned())
                .accept_partial(true)
                .first_min_partial_amount(minor(100))
                .expire_by(1_691_097_057_i64)
                .reference_id("TS1989".parse::<types::CreatePaymentLinkRequestReferenceId>().unwrap())
                .description(
                    "Payment for policy no #23456".parse::<types::CreatePaymentLinkRequestDescription>().unwrap(),
                )
                .customer(types::PaymentLinkCustomerRequest {
                    name: Some("Gaurav Kumar".to_owned()),
                    contact: Some("+919876543210".parse().unwrap()),
                    email: Some("gaurav.kumar@example.com".to_owned()),
                })
                .notify(types::PaymentLinkNotifyRequest { sms: Some(true), email: Some(true), whatsapp: None })
                .reminder_enable(true)
                .notes(notes(&[("policy_name", "Life Insurance Policy")]))
                .callback_url("https://example-callback-url.com/".to_owned())
                .callback_method(types::CallbackMethod::Get),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(&server, "POST", "/v1/payment_links", None).await;
    assert_json_body(
        &request,
        json!({
            "amount": 1000,
            "currency": "INR",
            "accept_partial": true,
            "first_min_partial_amount": 100,
            "expire_by": 1691097057,
            "reference_id": "TS1989",
            "description": "Payment for policy no #23456",
            "customer": {"name": "Gaurav Kumar", "contact": "+919876543210", "email": "gaurav.kumar@example.com"},
            "notify": {"sms": true, "email": true},
            "reminder_enable": true,
            "notes": {"policy_name": "Life Insurance Policy"},
            "callback_url": "https://example-callback-url.com/",
            "callback_method": "get"
        }),
    );

    assert_eq!(link.id.as_deref(), Some("plink_ExjpAUN3gVHrPJ"));
    assert_eq!(link.status, link_status(types::KnownPaymentLinkStatus::Created));
    assert_eq!((link.amount, link.amount_paid, link.first_min_partial_amount), (Some(1000), Some(0), Some(100)));
    assert_eq!(link.short_url.as_deref(), Some("https://rzp.io/i/nxrHnLJ"));
    assert_eq!(link.payments, None, "payments: null");
    assert_eq!(link.reminders, Some(types::PaymentLinkRemindersOrEmptyArray::EmptyArray(types::EmptyArray(vec![]))));
    assert_eq!(link.cancelled_at, Some(0));
    assert_eq!(paylinks_razorpay::unix_time(link.cancelled_at), None, "0 means not cancelled");
    assert_eq!(
        link.customer,
        Some(types::PaymentLinkCustomerOrEmptyArray::PaymentLinkCustomer(types::PaymentLinkCustomer {
            contact: Some("+919876543210".into()),
            email: Some("gaurav.kumar@example.com".into()),
            name: Some("Gaurav Kumar".into()),
        }))
    );
}

#[tokio::test]
async fn create_payment_link_sends_upi_link_as_given() {
    let (server, client) = setup(200, LINK_UPI).await;
    let link = client
        .create_payment_link()
        .body(
            types::CreatePaymentLinkRequest::builder()
                .upi_link(types::UpiLinkFlag::UpiLinkFlagString(types::UpiLinkFlagString::True))
                .amount(minor(1000))
                .currency("INR".to_owned())
                .accept_partial(false)
                .reference_id("TS1989".parse::<types::CreatePaymentLinkRequestReferenceId>().unwrap())
                .customer(types::PaymentLinkCustomerRequest {
                    contact: Some("+919000090000".parse().unwrap()),
                    ..Default::default()
                }),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(&server, "POST", "/v1/payment_links", None).await;
    assert_json_body(
        &request,
        json!({
            "upi_link": "true",
            "amount": 1000,
            "currency": "INR",
            "accept_partial": false,
            "reference_id": "TS1989",
            "customer": {"contact": "+919000090000"}
        }),
    );
    assert_eq!(link.upi_link, Some(types::BoolOrString::String("true".into())), "the string form decodes as sent");
    assert_eq!(link.status, link_status(types::KnownPaymentLinkStatus::Created));
    assert_eq!(
        link.reminders,
        Some(types::PaymentLinkRemindersOrEmptyArray::PaymentLinkReminders(types::PaymentLinkReminders {
            status: Some(types::ReminderStatus::KnownReminderStatus(types::KnownReminderStatus::Failed)),
        }))
    );

    // The boolean form is sent as a JSON boolean.
    let (server, client) = setup(200, LINK_UPI).await;
    client
        .create_payment_link()
        .body(types::CreatePaymentLinkRequest::builder().upi_link(types::UpiLinkFlag::Bool(true)).amount(minor(500)))
        .send()
        .await
        .unwrap();
    assert_json_body(&only_request(&server).await, json!({"upi_link": true, "amount": 500}));
}

#[tokio::test]
async fn create_payment_link_refuses_invalid_values_before_sending() {
    let (server, client) = setup(200, LINK_CREATED).await;
    // No amount: the one required field.
    let err = Error::from(
        client
            .create_payment_link()
            .body(types::CreatePaymentLinkRequest::builder().currency("INR".to_owned()))
            .send()
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.to_string().starts_with("razorpay: request not sent"), "{err}");
    assert!(err.to_string().contains("amount"), "{err}");
    // A reference over 40 characters cannot even be built.
    assert!("x".repeat(41).parse::<types::CreatePaymentLinkRequestReferenceId>().is_err());
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn list_payment_links_sends_the_filters_and_decodes_php_empty_arrays() {
    let body = r#"{"payment_links":[{"accept_partial":true,"amount":10000,"amount_paid":10000,"cancelled_at":0,
        "created_at":1661852539,"currency":"MYR","customer":[],"description":"Grocery","expire_by":0,"expired_at":0,
        "first_min_partial_amount":100,"id":"plink_KBnb7I424Rc1R9","notes":[],"notify":{"email":false,"sms":false},
        "order_id":"order_KBneAVhT2zbzsU","payments":[],"reference_id":"111","reminder_enable":false,"reminders":[],
        "short_url":"https://rzp.io/i/alaBxs0i","status":"paid","updated_at":1661852741,"user_id":"HD1JAKCCPGDfRx"}]}"#;
    let (server, client) = setup(200, body).await;
    let list = client
        .list_payment_links()
        .payment_id("pay_Fo49sHbQ78PCMI")
        .reference_id("111")
        .send()
        .await
        .unwrap()
        .into_inner();

    let request =
        only_call(&server, "GET", "/v1/payment_links", Some("payment_id=pay_Fo49sHbQ78PCMI&reference_id=111")).await;
    assert_no_body(&request);

    assert_eq!(list.payment_links.as_deref().unwrap_or_default().len(), 1);
    assert!(list.items.as_deref().unwrap_or_default().is_empty());
    let link = &list.payment_links.as_deref().unwrap_or_default()[0];
    assert_eq!(link.id.as_deref(), Some("plink_KBnb7I424Rc1R9"));
    assert_eq!(link.amount, Some(10000));
    assert_eq!(link.currency.as_deref(), Some("MYR"));
    assert_eq!(link.status, link_status(types::KnownPaymentLinkStatus::Paid));
    assert_eq!(link.customer, Some(types::PaymentLinkCustomerOrEmptyArray::EmptyArray(types::EmptyArray(vec![]))));
    assert_eq!(link.notes, Some(types::NotesOrEmptyArray::EmptyArray(types::EmptyArray(vec![]))));
    assert_eq!(link.payments, Some(vec![]));
}

#[tokio::test]
async fn list_payment_links_without_filters_sends_no_query() {
    let body = r#"{"entity":"collection","count":1,"items":[{"id":"plink_Fo48rl281ENAg9","status":"paid"}]}"#;
    let (server, client) = setup(200, body).await;
    let list = client.list_payment_links().send().await.unwrap().into_inner();
    let request = only_call(&server, "GET", "/v1/payment_links", None).await;
    assert_no_body(&request);
    // The generic collection envelope of the Ruby fixture decodes too.
    assert_eq!(
        (list.entity.as_deref(), list.count, list.items.as_deref().unwrap_or_default().len()),
        (Some("collection"), Some(1), 1)
    );
    assert!(list.payment_links.as_deref().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn fetch_payment_link_decodes_a_paid_upi_link() {
    let (server, client) = setup(200, LINK_PAID).await;
    let link = client.fetch_payment_link().id("plink_Fo48rl281ENAg9").send().await.unwrap().into_inner();

    let request = only_call(&server, "GET", "/v1/payment_links/plink_Fo48rl281ENAg9", None).await;
    assert_no_body(&request);

    assert_eq!(link.status, link_status(types::KnownPaymentLinkStatus::Paid));
    assert_eq!(link.upi_link, Some(types::BoolOrString::Bool(true)));
    assert_eq!((link.amount, link.amount_paid), (Some(100), Some(100)));
    assert_eq!(link.order_id.as_deref(), Some("order_Fo491cL6NGAjkI"));
    assert_eq!(link.expire_by, Some(0));
    assert_eq!(
        link.payments,
        Some(vec![types::PaymentLinkPayment {
            amount: Some(100),
            created_at: Some(1_602_522_351),
            method: Some(types::PaymentMethod::KnownPaymentMethod(types::KnownPaymentMethod::Upi)),
            payment_id: Some("pay_Fo49sHbQ78PCMI".into()),
            plink_id: None,
            status: Some(types::PaymentStatus::KnownPaymentStatus(types::KnownPaymentStatus::Captured)),
            updated_at: None,
        }])
    );
    let notes = match &link.notes {
        Some(types::NotesOrEmptyArray::Notes(notes)) => notes,
        other => panic!("notes should be an object, got {other:?}"),
    };
    assert_eq!(notes.get("policy_name").map(ToString::to_string).as_deref(), Some("Jeevan Saral"));
}

#[tokio::test]
async fn update_payment_link_patches_only_the_updatable_fields() {
    let (server, client) = setup(200, LINK_PAID).await;
    let link = client
        .update_payment_link()
        .id("plink_Fo48rl281ENAg9")
        .body(types::UpdatePaymentLinkRequest {
            accept_partial: Some(false),
            reference_id: Some("TS35".parse().unwrap()),
            expire_by: Some(1_653_347_540),
            reminder_enable: Some(false),
            notes: Some(notes(&[("policy_name", "Jeevan Saral")])),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(&server, "PATCH", "/v1/payment_links/plink_Fo48rl281ENAg9", None).await;
    assert_json_body(
        &request,
        json!({
            "accept_partial": false,
            "reference_id": "TS35",
            "expire_by": 1653347540,
            "reminder_enable": false,
            "notes": {"policy_name": "Jeevan Saral"}
        }),
    );
    assert_eq!(link.reference_id.as_deref(), Some("TS35"));
    assert_eq!(link.updated_at, Some(1_602_523_645));
}

#[tokio::test]
async fn cancel_payment_link_posts_without_a_body() {
    let (server, client) = setup(200, LINK_CANCELLED).await;
    let link = client.cancel_payment_link().id("plink_ExjpAUN3gVHrPJ").send().await.unwrap().into_inner();

    let request = only_call(&server, "POST", "/v1/payment_links/plink_ExjpAUN3gVHrPJ/cancel", None).await;
    assert_empty_write(&request);

    assert_eq!(link.status, link_status(types::KnownPaymentLinkStatus::Cancelled));
    assert_eq!(link.cancelled_at, Some(1_591_097_270));
    assert_eq!(
        paylinks_razorpay::unix_time(link.cancelled_at).map(|t| t.to_rfc3339()),
        Some("2020-06-02T11:27:50+00:00".to_owned())
    );
    assert_eq!(link.payments, Some(vec![]));
}

#[tokio::test]
async fn notify_payment_link_posts_without_a_body_for_each_medium() {
    let (server, client) = setup(200, r#"{"success": true}"#).await;
    for medium in [types::NotificationMedium::Sms, types::NotificationMedium::Email] {
        let result = client.notify_payment_link().id("plink_ExjpAUN3gVHrPJ").medium(medium).send().await.unwrap();
        assert_eq!(result.into_inner(), types::NotifyResult { success: Some(true) });
    }
    let paths = [
        "/v1/payment_links/plink_ExjpAUN3gVHrPJ/notify_by/sms",
        "/v1/payment_links/plink_ExjpAUN3gVHrPJ/notify_by/email",
    ];
    for request in calls(&server, "POST", &paths).await {
        assert_empty_write(&request);
    }
}

#[tokio::test]
async fn an_unknown_link_status_is_kept_not_rejected() {
    let (_server, client) = setup(200, &LINK_CREATED.replace(r#""status":"created""#, r#""status":"issued""#)).await;
    let link = client.fetch_payment_link().id("plink_ExjpAUN3gVHrPJ").send().await.unwrap().into_inner();
    assert_eq!(link.status, Some(types::PaymentLinkStatus::Unknown("issued".into())));
    assert_eq!(link.amount, Some(1000), "the rest of the body still decodes");
}

// ------------------------------------------------------------------------------ invoices

#[tokio::test]
async fn create_invoice_sends_a_legacy_link_with_type_link() {
    let (server, client) = setup(200, INVOICE_LINK).await;
    let invoice = client
        .create_invoice()
        .body(
            types::CreateInvoiceRequest::builder()
                .type_(types::InvoiceTypeRequest::Link)
                .amount(minor(39_900))
                .currency("INR".to_owned())
                .description("Payment link for order #91".parse::<types::CreateInvoiceRequestDescription>().unwrap())
                .customer(types::InvoiceCustomerRequest {
                    name: Some("Gaurav Kumar".parse().unwrap()),
                    email: Some("gaurav.kumar@example.com".parse().unwrap()),
                    contact: Some("+919876543210".parse().unwrap()),
                    billing_address: Some(types::AddressRequest {
                        line1: "Bakers Street".into(),
                        line2: None,
                        city: "Bengaluru".into(),
                        zipcode: "560068".into(),
                        state: "Karnataka".into(),
                        country: "in".into(),
                    }),
                    shipping_address: None,
                })
                .receipt("TS91".parse::<types::CreateInvoiceRequestReceipt>().unwrap())
                .expire_by(1_589_765_167_i64)
                .sms_notify(types::InvoiceNotifyFlag::InvoiceNotifyFlagString(types::InvoiceNotifyFlagString::X1))
                .email_notify(types::InvoiceNotifyFlag::Bool(false))
                .partial_payment(false)
                .notes(notes(&[("key1", "Testing.")])),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(&server, "POST", "/v1/invoices", None).await;
    assert_json_body(
        &request,
        json!({
            "type": "link",
            "amount": 39900,
            "currency": "INR",
            "description": "Payment link for order #91",
            "customer": {
                "name": "Gaurav Kumar",
                "email": "gaurav.kumar@example.com",
                "contact": "+919876543210",
                "billing_address": {
                    "line1": "Bakers Street", "city": "Bengaluru", "zipcode": "560068",
                    "state": "Karnataka", "country": "in"
                }
            },
            "receipt": "TS91",
            "expire_by": 1589765167,
            "sms_notify": "1",
            "email_notify": false,
            "partial_payment": false,
            "notes": {"key1": "Testing."}
        }),
    );

    assert_eq!(invoice.id.as_deref(), Some("inv_E7q0tqkxBRzdau"));
    assert_eq!(invoice.type_, Some(types::InvoiceType::KnownInvoiceType(types::KnownInvoiceType::Link)));
    assert_eq!(invoice.status, invoice_status(types::KnownInvoiceStatus::Issued));
    assert_eq!((invoice.amount, invoice.amount_paid, invoice.amount_due), (Some(39900), Some(0), Some(39900)));
    assert_eq!(
        invoice.sms_status,
        Some(types::NotificationStatus::KnownNotificationStatus(types::KnownNotificationStatus::Pending))
    );
    assert_eq!(invoice.cancelled_at, None, "null, not 0, on invoices");
    assert_eq!(invoice.short_url.as_deref(), Some("https://rzp.io/i/2wxV8Xs"));
    assert!(invoice.line_items.as_deref().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn create_invoice_can_create_a_draft_with_line_items() {
    let (server, client) = setup(200, INVOICE_DRAFT).await;
    let invoice = client
        .create_invoice()
        .body(
            types::CreateInvoiceRequest::builder()
                .type_(types::InvoiceTypeRequest::Invoice)
                .draft(types::InvoiceDraftFlag::X1)
                .customer_id("cust_DAtUWmvpktokrT".to_owned())
                .line_items(vec![types::InvoiceLineItemRequest {
                    name: Some("Book / A Wild Sheep Chase".into()),
                    amount: Some(minor(200)),
                    currency: Some("INR".into()),
                    quantity: Some(minor(1)),
                    ..Default::default()
                }]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let request = only_call(&server, "POST", "/v1/invoices", None).await;
    assert_json_body(
        &request,
        json!({
            "type": "invoice",
            "draft": "1",
            "customer_id": "cust_DAtUWmvpktokrT",
            "line_items": [{"name": "Book / A Wild Sheep Chase", "amount": 200, "currency": "INR", "quantity": 1}]
        }),
    );
    assert_eq!(invoice.status, invoice_status(types::KnownInvoiceStatus::Draft));
}

#[tokio::test]
async fn list_invoices_sends_every_filter() {
    let body = format!(r#"{{"entity":"collection","count":1,"items":[{INVOICE_LINK}]}}"#);
    let (server, client) = setup(200, &body).await;
    let list = client
        .list_invoices()
        .type_(types::InvoiceTypeRequest::Link)
        .payment_id("pay_Fo49sHbQ78PCMI")
        .receipt("#0961")
        .customer_id("cust_DAtUWmvpktokrT")
        .count(minor(25))
        .skip(10)
        .from(1_566_891_149)
        .to(1_566_994_898)
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(
        &server,
        "GET",
        "/v1/invoices",
        Some(
            "count=25&customer_id=cust_DAtUWmvpktokrT&from=1566891149&payment_id=pay_Fo49sHbQ78PCMI\
             &receipt=%230961&skip=10&to=1566994898&type=link",
        ),
    )
    .await;
    assert_no_body(&request);
    assert_eq!((list.entity.as_deref(), list.count), (Some("collection"), Some(1)));
    assert_eq!(list.items.as_deref().unwrap_or_default().len(), 1);
    assert_eq!(
        list.items.as_deref().unwrap_or_default()[0].type_,
        Some(types::InvoiceType::KnownInvoiceType(types::KnownInvoiceType::Link))
    );

    // Without filters, no query string at all.
    let (server, client) = setup(200, r#"{"entity":"collection","count":0,"items":[]}"#).await;
    let list = client.list_invoices().send().await.unwrap().into_inner();
    only_call(&server, "GET", "/v1/invoices", None).await;
    assert_eq!(list.count, Some(0));
}

#[tokio::test]
async fn fetch_invoice_decodes_nulls_and_empty_notes() {
    let body = INVOICE_LINK.replace(r#""notes":{"key1":"Testing."}"#, r#""notes":[]"#);
    let (server, client) = setup(200, &body).await;
    let invoice = client.fetch_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap().into_inner();

    let request = only_call(&server, "GET", "/v1/invoices/inv_E7q0tqkxBRzdau", None).await;
    assert_no_body(&request);

    assert_eq!(invoice.notes, Some(types::NotesOrEmptyArray::EmptyArray(types::EmptyArray(vec![]))));
    assert_eq!((invoice.paid_at, invoice.payment_id.as_deref(), invoice.terms.as_deref()), (None, None, None));
    let customer = invoice.customer_details.unwrap();
    assert_eq!(customer.billing_address, None);
    assert_eq!(customer.customer_name.as_deref(), Some("Gaurav Kumar"));
    assert_eq!(invoice.currency_symbol.as_deref(), Some("₹"));
}

#[tokio::test]
async fn update_invoice_patches_line_items_and_notes() {
    let (server, client) = setup(200, INVOICE_DRAFT).await;
    let invoice = client
        .update_invoice()
        .id("inv_DAweOiQ7amIUVd")
        .body(types::UpdateInvoiceRequest {
            line_items: vec![
                types::InvoiceLineItemRequest {
                    id: Some("li_DAweOizsysoJU6".into()),
                    name: Some("Book / English August - Updated name and quantity".into()),
                    quantity: Some(minor(1)),
                    ..Default::default()
                },
                types::InvoiceLineItemRequest {
                    name: Some("Book / A Wild Sheep Chase".into()),
                    amount: Some(minor(200)),
                    currency: Some("INR".into()),
                    quantity: Some(minor(1)),
                    ..Default::default()
                },
            ],
            notes: Some(notes(&[("updated-key", "An updated note.")])),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    let request = only_call(&server, "PATCH", "/v1/invoices/inv_DAweOiQ7amIUVd", None).await;
    assert_json_body(
        &request,
        json!({
            "line_items": [
                {"id": "li_DAweOizsysoJU6", "name": "Book / English August - Updated name and quantity", "quantity": 1},
                {"name": "Book / A Wild Sheep Chase", "amount": 200, "currency": "INR", "quantity": 1}
            ],
            "notes": {"updated-key": "An updated note."}
        }),
    );

    assert_eq!(invoice.status, invoice_status(types::KnownInvoiceStatus::Draft));
    assert_eq!((invoice.amount, invoice.amount_paid, invoice.amount_due), (Some(600), None, None));
    assert_eq!(invoice.line_items.as_deref().unwrap_or_default().len(), 2);
    assert_eq!(invoice.line_items.as_deref().unwrap_or_default()[1].amount, Some(200));
    assert_eq!(invoice.line_items.as_deref().unwrap_or_default()[1].description, None);
    assert_eq!(invoice.sms_status, None);
}

#[tokio::test]
async fn issue_invoice_posts_without_a_body() {
    let issued = INVOICE_DRAFT
        .replace(r#""status":"draft""#, r#""status":"issued""#)
        .replace(r#""issued_at":null"#, r#""issued_at":1566974805"#)
        .replace(r#""short_url":null"#, r#""short_url":"https://rzp.io/i/K8Zg72C""#);
    let (server, client) = setup(200, &issued).await;
    let invoice = client.issue_invoice().id("inv_DAweOiQ7amIUVd").send().await.unwrap().into_inner();

    let request = only_call(&server, "POST", "/v1/invoices/inv_DAweOiQ7amIUVd/issue", None).await;
    assert_empty_write(&request);
    assert_eq!(invoice.status, invoice_status(types::KnownInvoiceStatus::Issued));
    assert_eq!(invoice.issued_at, Some(1_566_974_805));
    assert_eq!(invoice.short_url.as_deref(), Some("https://rzp.io/i/K8Zg72C"));
}

#[tokio::test]
async fn cancel_invoice_posts_without_a_body() {
    let cancelled = INVOICE_LINK
        .replace(r#""status":"issued""#, r#""status":"cancelled""#)
        .replace(r#""cancelled_at":null"#, r#""cancelled_at":1657203958"#);
    let (server, client) = setup(200, &cancelled).await;
    let invoice = client.cancel_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap().into_inner();

    let request = only_call(&server, "POST", "/v1/invoices/inv_E7q0tqkxBRzdau/cancel", None).await;
    assert_empty_write(&request);
    assert_eq!(invoice.status, invoice_status(types::KnownInvoiceStatus::Cancelled));
    assert_eq!(invoice.cancelled_at, Some(1_657_203_958));
}

#[tokio::test]
async fn delete_invoice_sends_delete_and_decodes_the_empty_array() {
    let (server, client) = setup(200, "[]").await;
    let deleted = client.delete_invoice().id("inv_DAweOiQ7amIUVd").send().await.unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    assert_eq!(deleted.into_inner(), types::EmptyArray(vec![]));

    let request = only_call(&server, "DELETE", "/v1/invoices/inv_DAweOiQ7amIUVd", None).await;
    assert_no_body(&request);
}

#[tokio::test]
async fn notify_invoice_posts_without_a_body_for_each_medium() {
    let (server, client) = setup(200, r#"{"success": true}"#).await;
    for medium in [types::NotificationMedium::Sms, types::NotificationMedium::Email] {
        let result = client.notify_invoice().id("inv_DAweOiQ7amIUVd").medium(medium).send().await.unwrap();
        assert_eq!(result.into_inner().success, Some(true));
    }
    let paths = ["/v1/invoices/inv_DAweOiQ7amIUVd/notify_by/sms", "/v1/invoices/inv_DAweOiQ7amIUVd/notify_by/email"];
    for request in calls(&server, "POST", &paths).await {
        assert_empty_write(&request);
    }
}

#[tokio::test]
async fn an_unknown_invoice_status_or_type_is_kept_not_rejected() {
    let body = INVOICE_LINK
        .replace(r#""status":"issued""#, r#""status":"on_hold""#)
        .replace(r#""type":"link""#, r#""type":"subscription""#)
        .replace(r#""sms_status":"pending""#, r#""sms_status":"queued""#);
    let (_server, client) = setup(200, &body).await;
    let invoice = client.fetch_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap().into_inner();
    assert_eq!(invoice.status, Some(types::InvoiceStatus::Unknown("on_hold".into())));
    assert_eq!(invoice.type_, Some(types::InvoiceType::Unknown("subscription".into())));
    assert_eq!(invoice.sms_status, Some(types::NotificationStatus::Unknown("queued".into())));
}

// ------------------------------------------------------------------------------ errors

#[tokio::test]
async fn a_documented_error_is_typed_with_its_status() {
    let (server, client) = setup(400, BAD_REQUEST).await;
    let err = Error::from(client.fetch_payment_link().id("plink_missing").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code().as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(err.to_string(), "razorpay answered HTTP 400: BAD_REQUEST_ERROR: The id provided does not exist");
    let detail = err.body().and_then(|b| b.error.clone()).unwrap();
    assert_eq!(
        detail.code,
        Some(types::RazorpayErrorCode::KnownRazorpayErrorCode(types::KnownRazorpayErrorCode::BadRequestError))
    );
    assert_eq!(
        (detail.source.as_deref(), detail.step.as_deref(), detail.reason.as_deref()),
        (Some("NA"), Some("NA"), Some("NA"))
    );
    assert_eq!(
        detail.metadata,
        Some(types::RazorpayErrorMetadataOrEmptyArray::RazorpayErrorMetadata(types::RazorpayErrorMetadata::default()))
    );
    only_call(&server, "GET", "/v1/payment_links/plink_missing", None).await;
}

#[tokio::test]
async fn errors_with_null_details_and_empty_metadata_keep_status_and_code() {
    // The docs' resend failure: `metadata: []`, `reason/source/step: null`.
    let body = r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"invalid input [id] = [link_QX7wiVUHdcOOoW]",
        "metadata":[],"reason":null,"source":null,"step":null}}"#;
    let (_server, client) = setup(400, body).await;
    let err = Error::from(
        client
            .notify_payment_link()
            .id("link_QX7wiVUHdcOOoW")
            .medium(types::NotificationMedium::Sms)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code().as_deref(), Some("BAD_REQUEST_ERROR"));
    let detail = err.body().and_then(|b| b.error.clone()).unwrap();
    assert_eq!(detail.metadata, Some(types::RazorpayErrorMetadataOrEmptyArray::EmptyArray(types::EmptyArray(vec![]))));
    assert_eq!(detail.source, None);

    // Authentication failures are 401 with the same code: the status tells them apart.
    let body = r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"The api key provided is invalid","source":"NA",
        "step":"NA","reason":"NA","metadata":{}}}"#;
    let (_server, client) = setup(401, body).await;
    let err = Error::from(client.list_invoices().send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.to_string(), "razorpay answered HTTP 401: BAD_REQUEST_ERROR: The api key provided is invalid");
}

#[tokio::test]
async fn razorpay_s_request_id_header_and_retry_after_are_read() {
    let too_many = r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"Too many requests","source":"NA",
        "step":"NA","reason":"NA","metadata":{}}}"#;
    let response = json_response(429, too_many)
        .insert_header("retry-after", "4")
        .insert_header("x-razorpay-request-id", "rzp-req-9");
    let (_server, client) = setup_with(response).await;
    let err = Error::from(client.fetch_payment_link().id("plink_x").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(4)));
    assert_eq!(err.request_id(), Some("rzp-req-9"));

    // Another provider's rate-limit header is not Razorpay's: no delay is read from it.
    let response = json_response(429, too_many).insert_header("x-ratelimit-retry", "30");
    let (_server, client) = setup_with(response).await;
    let err = Error::from(client.fetch_payment_link().id("plink_x").send().await.unwrap_err());
    assert_eq!((err.retry_after(), err.request_id()), (None, None));
}

#[tokio::test]
async fn a_non_json_502_keeps_its_status_and_is_not_printed() {
    let page = "<html>customer +919876543210 bad gateway</html>";
    let (_server, client) = setup_with(html_response(502, page)).await;
    let err = Error::from(client.fetch_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    // The spec's 5XX range keeps the status and a typed stand-in body.
    assert_eq!(err.code().as_deref(), Some("NON_JSON_BODY"));
    assert_never_shows(&err, &["+919876543210", "<html>"]);
}

#[tokio::test]
async fn a_non_json_500_becomes_a_typed_server_error_without_the_body() {
    let page = "<html>customer +919876543210 internal error</html>";
    let (_server, client) = setup_with(html_response(500, page)).await;
    let err = Error::from(client.cancel_invoice().id("inv_E7q0tqkxBRzdau").send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.code().as_deref(), Some("NON_JSON_BODY"));
    assert_eq!(
        err.to_string(),
        format!(
            "razorpay answered HTTP 500: NON_JSON_BODY: HTTP 500 with a {}-byte body that is not JSON (text/html); \
             paylinks kept the status and dropped the body",
            page.len()
        )
    );
    assert_never_shows(&err, &["+919876543210"]);
}

#[tokio::test]
async fn debug_output_never_contains_the_secret() {
    let credentials = Credentials::new(KEY_ID, KEY_SECRET);
    let shown = format!("{credentials:?}");
    assert!(shown.contains(KEY_ID), "the key id is not secret: {shown}");
    assert!(!shown.contains(KEY_SECRET), "{shown}");

    let builder = Client::builder(credentials.clone());
    assert!(!format!("{builder:?}").contains(KEY_SECRET));

    let (_server, client) = setup(400, BAD_REQUEST).await;
    let encoded = expected_authorization();
    let encoded = encoded.trim_start_matches("Basic ");
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY_SECRET) && !shown.contains(encoded), "{shown}");

    let err = Error::from(client.fetch_payment_link().id("plink_x").send().await.unwrap_err());
    assert_never_shows(&err, &[KEY_SECRET, encoded]);
}
