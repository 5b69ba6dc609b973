//! Cashfree API versions: the sandbox answers each request in the shape of the `x-api-version`
//! it names, as `specs/cashfree.yaml` records the differences (its header comment, with sources):
//!
//! | | 2022-09-01 | 2023-08-01, 2025-01-01 | 2026-01-01 |
//! |---|---|---|---|
//! | create: `link_id`, `link_purpose` | required | required | optional |
//! | create: `enable_invoice`, `subscription`, `customer_bank_acoount_holder_name` | ignored | ignored | kept |
//! | `cf_link_id`, `cf_order_id` | integers | strings | strings |
//! | `link_meta.upi_intent` | boolean | `"true"` / `"false"` | `"true"` / `"false"` |
//! | `link_qrcode` | absent | present | present |
//! | `subscription`, `customer_bank_acoount_holder_name` in a link | absent | absent | as sent |
//! | an order's session | `order_token`, `payments` / `refunds` / `settlements` URLs | `payment_session_id` | `payment_session_id` |
//!
//! The links are stored once, in the newest shape ([`super::links`]); [`shape`] rewrites each
//! answer for the request's version. A version Cashfree does not know is refused as Cashfree
//! documents it: 400 `invalid_request_error`, code `version_invalid` ("Provided API version is not
//! supported or malformed", <https://www.cashfree.com/docs/api-reference/payments/errors>; the
//! exact message is not published); a missing header with Cashfree's documented body
//! `version is missing in header` (code `request_failed`, <https://docs.cashfree.com/docs/resources>).
//! Cashfree's earlier versions (`2021-05-21`, `2022-01-01`, listed on the same page) are refused
//! the same way, with a message saying that the sandbox does not answer them. In 2022-09-01 the
//! sandbox follows that version's schema (a boolean `upi_intent`), although a 2022-09-01 answer
//! printed in the Go SDK's docs carries the string. Whether the live API
//! refuses or ignores a 2026-only request field under an older version, and which form of
//! `upi_intent` it accepts in a request of each version, is not documented: the sandbox ignores
//! the first and accepts both forms.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use paylinks_cashfree::types::{LinkPlan, LinkSubscription, LinkSubscriptionRequest, UpiIntent};
use serde_json::{Map, Value};

use super::errors::{bad_request, missing, to_response};
use crate::body::{self, header_text};

/// A version of Cashfree's PG API the sandbox answers, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ApiVersion {
    /// `2022-09-01`.
    V2022,
    /// `2023-08-01`.
    V2023,
    /// `2025-01-01`.
    V2025,
    /// `2026-01-01`, the version of `specs/cashfree.yaml` and of the official cashfree-pg 6.x SDKs.
    V2026,
}

/// Every version the sandbox answers, oldest first.
pub(super) const SUPPORTED: [ApiVersion; 4] =
    [ApiVersion::V2022, ApiVersion::V2023, ApiVersion::V2025, ApiVersion::V2026];

/// Versions Cashfree published that the sandbox does not answer (https://docs.cashfree.com/docs/resources).
const NOT_ANSWERED: &[&str] = &["2021-05-21", "2022-01-01"];

/// The request fields of 2026-01-01 only, ignored under an older version.
const CREATE_2026_ONLY: &[&str] = &["enable_invoice", "subscription"];

/// Where Cashfree's 2022-09-01 order URLs point (the documented example's host).
const ORDER_URL_BASE: &str = "https://sandbox.cashfree.com/pg/orders";

impl ApiVersion {
    /// The header value, `YYYY-MM-DD`.
    pub(super) const fn name(self) -> &'static str {
        match self {
            ApiVersion::V2022 => "2022-09-01",
            ApiVersion::V2023 => "2023-08-01",
            ApiVersion::V2025 => "2025-01-01",
            ApiVersion::V2026 => "2026-01-01",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        SUPPORTED.into_iter().find(|version| version.name() == text)
    }
}

/// The connection JSON's `api_version` fact: every version the sandbox answers, oldest first.
pub(super) fn fact() -> Value {
    Value::from(SUPPORTED.iter().map(|version| version.name()).collect::<Vec<_>>())
}

/// The version a request names, if the sandbox answers it.
fn requested(headers: &HeaderMap) -> Option<ApiVersion> {
    header_text(headers, "x-api-version").map(str::trim).and_then(ApiVersion::parse)
}

/// Cashfree's refusal of a request whose version the sandbox does not answer: 400
/// `version is missing in header` without one, 400 code `version_invalid` otherwise; `None`
/// for a version it answers.
pub(super) fn refusal(headers: &HeaderMap) -> Option<Response> {
    let text = match header_text(headers, "x-api-version").map(str::trim) {
        None | Some("") => return Some(bad_request("request_failed", "version is missing in header")),
        Some(text) if ApiVersion::parse(text).is_some() => return None,
        Some(text) => text,
    };
    let answered = SUPPORTED.map(ApiVersion::name).join(", ");
    let message = if NOT_ANSWERED.contains(&text) {
        format!("x-api-version : {text} is not answered by paylinks sandbox (it answers {answered})")
    } else {
        format!("x-api-version : {text} is not a valid API version ({answered})")
    };
    Some(bad_request("version_invalid", message))
}

/// Middleware, inside the credential check: the request in the shape of its version (a create
/// of 2025-01-01 or older needs `link_id` and `link_purpose` and loses the 2026-only fields),
/// then the answer's JSON body (a 200 link or list of orders) in that shape.
pub(super) async fn shape(request: Request, next: Next) -> Response {
    let Some(version) = requested(request.headers()) else {
        return next.run(request).await;
    };
    let request = if version < ApiVersion::V2026
        && request.method() == Method::POST
        && request.uri().path().ends_with("/links")
    {
        match older_create(request).await {
            Ok(request) => request,
            Err(refusal) => return refusal,
        }
    } else {
        request
    };
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || version == ApiVersion::V2026 {
        return response;
    }
    let (mut parts, bytes) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(bytes, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    match &mut value {
        Value::Array(orders) => {
            orders.iter_mut().filter_map(Value::as_object_mut).for_each(|order| older_order(order, version))
        }
        Value::Object(link) => older_link(link, version),
        _ => {}
    }
    let body = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// A create request of 2025-01-01 or older: `link_id` and `link_purpose` required (400
/// `<field>_missing` as for any missing field), the 2026-only fields dropped. A body that is
/// not a JSON object goes on as it is (the handler refuses it).
async fn older_create(request: Request) -> Result<Request, Response> {
    let (parts, bytes) = request.into_parts();
    let bytes = axum::body::to_bytes(bytes, usize::MAX).await.unwrap_or_default();
    let Ok(mut map) = body::object(&bytes) else {
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    };
    for field in ["link_id", "link_purpose"] {
        if matches!(map.get(field), None | Some(Value::Null)) {
            return Err(to_response(missing(field)));
        }
    }
    for field in CREATE_2026_ONLY {
        map.remove(*field);
    }
    if let Some(Value::Object(customer)) = map.get_mut("customer_details") {
        customer.remove("customer_bank_acoount_holder_name");
    }
    let body = serde_json::to_vec(&Value::Object(map)).unwrap_or_else(|_| bytes.to_vec());
    let mut parts = parts;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// `link_meta.upi_intent` of a stored link, in the newest form: the string `"true"` or
/// `"false"` (from either form sent; `"false"` when none was).
pub(super) fn upi_intent(sent: Option<&UpiIntent>) -> UpiIntent {
    let on = match sent {
        Some(UpiIntent::Bool(on)) => *on,
        Some(UpiIntent::String(text)) => text.trim().eq_ignore_ascii_case("true"),
        None => false,
    };
    UpiIntent::String(on.to_string())
}

/// The `subscription` of a link (2026-01-01) from the one sent on create.
pub(super) fn subscription(sent: &LinkSubscriptionRequest) -> LinkSubscription {
    LinkSubscription {
        authorization_amount_refund: sent.authorization_amount_refund,
        plan_details: sent.plan_details.as_ref().map(|plan| LinkPlan {
            plan_amount: plan.plan_amount,
            plan_currency: plan.plan_currency.clone(),
            plan_id: Some(plan.plan_id.to_string()),
            plan_interval_type: plan.plan_interval_type.clone(),
            plan_intervals: plan.plan_intervals,
            plan_max_amount: Some(plan.plan_max_amount),
            plan_max_cycles: plan.plan_max_cycles,
            plan_name: Some(plan.plan_name.to_string()),
            plan_note: plan.plan_note.clone(),
            plan_type: Some(plan.plan_type.clone()),
        }),
        subscription_expiry_time: sent.subscription_expiry_time.clone(),
        subscription_first_charge_time: sent.subscription_first_charge_time.clone(),
    }
}

/// `"1996567"` as the integer `1996567` (2022-09-01 ids); anything else unchanged.
fn integer_id(value: &mut Value) {
    if let Some(id) = value.as_str().and_then(|text| text.parse::<u64>().ok()) {
        *value = Value::from(id);
    }
}

/// A link of the newest shape in the shape of an older `version`.
fn older_link(link: &mut Map<String, Value>, version: ApiVersion) {
    if !(link.contains_key("link_id") || link.contains_key("cf_link_id")) {
        return;
    }
    link.remove("subscription");
    if let Some(Value::Object(customer)) = link.get_mut("customer_details") {
        customer.remove("customer_bank_acoount_holder_name");
    }
    if let Some(Value::Object(meta)) = link.get_mut("link_meta")
        && let Some(intent) = meta.get_mut("upi_intent")
    {
        let on = intent.as_bool().unwrap_or_else(|| intent.as_str() == Some("true"));
        *intent = if version == ApiVersion::V2022 { Value::Bool(on) } else { Value::from(on.to_string()) };
    }
    if version == ApiVersion::V2022 {
        link.remove("link_qrcode");
        if let Some(id) = link.get_mut("cf_link_id") {
            integer_id(id);
        }
    }
}

/// An order of a link in the shape of an older `version`: in 2022-09-01 an integer
/// `cf_order_id`, the session as `order_token` and the `payments` / `refunds` / `settlements`
/// URL objects of the documented example.
fn older_order(order: &mut Map<String, Value>, version: ApiVersion) {
    if version != ApiVersion::V2022 {
        return;
    }
    if let Some(id) = order.get_mut("cf_order_id") {
        integer_id(id);
    }
    if let Some(session) = order.remove("payment_session_id") {
        order.insert("order_token".into(), session);
    }
    if let Some(order_id) = order.get("order_id").and_then(Value::as_str).map(str::to_owned) {
        for resource in ["payments", "refunds", "settlements"] {
            let url = format!("{ORDER_URL_BASE}/{order_id}/{resource}");
            order.insert(resource.into(), serde_json::json!({ "url": url }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_name_each_other() {
        for version in SUPPORTED {
            assert_eq!(ApiVersion::parse(version.name()), Some(version));
        }
        assert_eq!(ApiVersion::parse("2024-01-01"), None);
        assert_eq!(fact(), serde_json::json!(["2022-09-01", "2023-08-01", "2025-01-01", "2026-01-01"]));
    }

    #[test]
    fn a_2022_link_has_integer_ids_a_boolean_upi_intent_and_no_2026_fields() {
        let mut link = serde_json::json!({
            "cf_link_id": "2000001", "link_id": "a", "link_qrcode": "data:", "subscription": {"plan_details": {}},
            "link_meta": {"upi_intent": "true"}, "customer_details": {"customer_bank_acoount_holder_name": "A"}
        });
        older_link(link.as_object_mut().unwrap(), ApiVersion::V2022);
        assert_eq!(
            link,
            serde_json::json!({"cf_link_id": 2_000_001, "link_id": "a", "link_meta": {"upi_intent": true}, "customer_details": {}})
        );
        let mut link = serde_json::json!({"cf_link_id": "2000001", "link_meta": {"upi_intent": false}});
        older_link(link.as_object_mut().unwrap(), ApiVersion::V2025);
        assert_eq!(link, serde_json::json!({"cf_link_id": "2000001", "link_meta": {"upi_intent": "false"}}));
    }
}
