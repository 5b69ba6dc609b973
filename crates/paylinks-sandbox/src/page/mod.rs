//! The hosted payment page: `GET /pay/{api}/{id}` shows link `id` of link API `api` as its
//! customer sees it, and its buttons pay, pay part, fail an attempt or expire the link
//! through the same [`crate::provider::Provider`] methods as the control API.
//!
//! Each provider describes its link for the page as a [`PageLink`] (this module names no
//! provider); the page renders it and turns the forms into [`crate::payment::PayRequest`]s.

mod form;
pub(crate) mod money;
mod render;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::Map;

use crate::payment::{ControlError, Paid, PayRequest, Redirect};
use crate::provider::Provider;
use crate::state::{AppState, Stores};
use form::{Action, PageForm};
use render::Extras;

/// What the payment page shows of one link, in the provider's terms where it has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageLink {
    /// The provider's product, as a customer would recognise it (`Cashfree Payments`,
    /// `Razorpay Payment Links`, `Razorpay Invoices`, `Pine Labs Online`).
    pub(crate) provider: &'static str,
    /// The link's id, as the provider's API shows it.
    pub(crate) id: String,
    /// The merchant's description (purpose) of the link, if it has one.
    pub(crate) description: Option<String>,
    /// ISO 4217 code of the link's currency (`INR`).
    pub(crate) currency: String,
    /// The link's amount, in minor units of `currency`.
    pub(crate) amount: i64,
    /// What has been paid so far, in minor units.
    pub(crate) paid: i64,
    /// The provider's name of the link's status (`ACTIVE`, `partially_paid`, `CREATED`).
    pub(crate) status: String,
    /// Whether it can still be paid (and so expire); a link that cannot shows its final
    /// state instead of the buttons.
    pub(crate) open: bool,
    /// When it expires by itself, if it does.
    pub(crate) expires_at: Option<DateTime<Utc>>,
    /// `Some(minimum)` when the link takes part payments: the smallest first instalment, in
    /// minor units (0: no minimum); `None` when it must be paid in full.
    pub(crate) partial_minimum: Option<i64>,
}

/// The page's state: the sandbox and the registered providers.
#[derive(Clone)]
struct Pages {
    app: Arc<AppState>,
    providers: Arc<[Arc<dyn Provider>]>,
}

/// The page's routes (under `/pay`): `GET` and `POST /{api}/{id}`; anything else under
/// `/pay` is the 404 page.
pub(crate) fn routes(app: Arc<AppState>, providers: Vec<Arc<dyn Provider>>) -> Router {
    Router::new()
        .route("/{api}/{id}", get(show).post(act).fallback(wrong_method))
        .fallback(not_found)
        .with_state(Pages { app, providers: providers.into() })
}

/// `GET /pay/{api}/{id}[?notice=paid&amount=N|failed|expired]`: the link's page; the 404
/// page for an unknown link API or link. The notice only words what the page just did (an
/// amount in minor units of the link's currency); nothing else is read from it.
async fn show(State(pages): State<Pages>, path: Result<Path<(String, String)>, PathRejection>, uri: Uri) -> Response {
    let Ok(Path((api, id))) = path else {
        return missing(StatusCode::NOT_FOUND, "no such payment page: the address is not /pay/{api}/{id}");
    };
    let found = {
        let mut stores = pages.app.lock();
        crate::control::provider_of(&pages.providers, &api).and_then(|provider| provider.page(&mut stores, &api, &id))
    };
    match found {
        Ok(link) => {
            let notice = uri.query().and_then(|query| notice(query, &link));
            let extras = Extras { action: action_path(&pages.app, &api, &id), notice, ..Extras::default() };
            html(StatusCode::OK, render::link_page(&api, &link, &extras))
        }
        Err(error) => missing(error.status(), error.message()),
    }
}

/// `POST /pay/{api}/{id}` with the form's `action` (`pay`, `pay_part` with `amount` in major
/// units, `fail`, `expire`): the provider's `pay` or `expire`, as the control API calls them.
/// Success: `303` to the provider's redirect, or a page posting its form, or `303` back to
/// the page with a notice. A refusal: the page again (400, 404 for an unknown link) with the
/// reason in `#message` and the amount typed kept.
async fn act(
    State(pages): State<Pages>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(Path((api, id))) = path else {
        return missing(StatusCode::NOT_FOUND, "no such payment page: the address is not /pay/{api}/{id}");
    };
    let form = match &body {
        Ok(bytes) => PageForm::parse(bytes),
        Err(_) => PageForm::default(),
    };
    // The stores are locked for the provider's calls only, not while the page is written.
    let answer = {
        let mut stores = pages.app.lock();
        let provider = match crate::control::provider_of(&pages.providers, &api) {
            Ok(provider) => provider.clone(),
            Err(error) => return missing(error.status(), error.message()),
        };
        let link = match provider.page(&mut stores, &api, &id) {
            Ok(link) => link,
            Err(error) => return missing(error.status(), error.message()),
        };
        let extras = Extras { action: action_path(&pages.app, &api, &id), ..Extras::default() };
        let done = match body {
            Err(rejection) => {
                Err(ControlError::invalid(format!("the form could not be read: {}", rejection.body_text())))
            }
            Ok(_) => carry_out(&mut stores, provider.as_ref(), &api, &link, &form),
        };
        // The page shows the link as it is now (a refused action changed nothing).
        let mut now = || provider.page(&mut stores, &api, &id).unwrap_or_else(|_| link.clone());
        match done {
            Ok(Done::Redirect(Redirect::Get(url))) => Answer::SeeOther(url),
            Ok(Done::Redirect(redirect)) => {
                Answer::Page(StatusCode::OK, Box::new((now(), Extras { redirect: Some(redirect), ..extras })))
            }
            Ok(Done::Notice(query)) => Answer::SeeOther(format!("{}?{query}", extras.action)),
            Err(error) => {
                let extras = Extras { message: Some(error.message().to_owned()), typed_amount: form.amount, ..extras };
                Answer::Page(error.status(), Box::new((now(), extras)))
            }
        }
    };
    match answer {
        Answer::SeeOther(location) => see_other(&location),
        Answer::Page(status, page) => {
            let (link, extras) = *page;
            html(status, render::link_page(&api, &link, &extras))
        }
    }
}

/// The answer to a form, decided under the stores' lock and written after it.
enum Answer {
    /// `303 See Other` to this URL.
    SeeOther(String),
    /// The page of this link with these extras.
    Page(StatusCode, Box<(PageLink, Extras)>),
}

/// What an action did.
enum Done {
    /// The provider sends the browser on.
    Redirect(Redirect),
    /// Back to the page, with this notice query (`notice=paid&amount=25050`).
    Notice(String),
}

/// Reads the form and calls the provider, as the control API does.
fn carry_out(
    stores: &mut Stores,
    provider: &dyn Provider,
    api: &str,
    link: &PageLink,
    form: &PageForm,
) -> Result<Done, ControlError> {
    let action = Action::parse(form.action.as_deref()).map_err(ControlError::invalid)?;
    // Only a part payment reads the amount field; `None` pays everything still due.
    let amount = match action {
        Action::PayPart => Some(form::amount(form.amount.as_deref(), &link.currency).map_err(ControlError::invalid)?),
        Action::Pay | Action::Fail | Action::Expire => None,
    };
    if action == Action::Expire {
        provider.expire(stores, api, &link.id)?;
        return Ok(Done::Notice("notice=expired".to_owned()));
    }
    let failed = action == Action::Fail;
    let request = PayRequest { amount, failed, body: Map::new() };
    let Paid { redirect, .. } = provider.pay(stores, api, &link.id, &request)?;
    if let Some(redirect) = redirect {
        return Ok(Done::Redirect(redirect));
    }
    if failed {
        return Ok(Done::Notice("notice=failed".to_owned()));
    }
    let paid = amount.unwrap_or(link.amount - link.paid);
    Ok(Done::Notice(format!("notice=paid&amount={paid}")))
}

/// The notice of a page query (`notice=paid&amount=25050` is "Paid ₹250.50") for `link` as
/// it is now; `None` for anything else, and for a notice the link's state contradicts (a paid
/// notice on a link nothing was paid on, an expired notice on an open link). Only words;
/// never trusted for anything.
fn notice(query: &str, link: &PageLink) -> Option<Notice> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let (text, failure) = match value("notice")? {
        "paid" if link.paid > 0 => {
            let amount = value("amount")?.parse::<i64>().ok().filter(|amount| *amount > 0)?;
            (format!("Paid {}", money::format(amount, &link.currency)), false)
        }
        "failed" => ("The payment attempt failed: no money moved.".to_owned(), true),
        "expired" if !link.open => ("The link has expired.".to_owned(), false),
        _ => return None,
    };
    Some(Notice { text, failure })
}

/// What the last action did, shown on the page it led back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    /// The words.
    pub(crate) text: String,
    /// Whether it tells of a failure (a failed payment attempt), shown as one.
    pub(crate) failure: bool,
}

/// The path the page's forms post to: the path of the page's URL under the public URL
/// (`/pay/{api}/{id}`, or `/sb/pay/{api}/{id}` under a public URL with the path `/sb`), so
/// that a browser behind the public URL's proxy posts back through it.
fn action_path(app: &AppState, api: &str, id: &str) -> String {
    let page = app.page_url(api, id);
    url::Url::parse(&page).map_or_else(|_| format!("/pay/{api}/{id}"), |url| url.path().to_owned())
}

/// Anything else under `/pay`.
pub(crate) async fn not_found() -> Response {
    missing(StatusCode::NOT_FOUND, "no such payment page: the address is /pay/{api}/{id}")
}

/// Any method but GET (HEAD) and POST on a page.
async fn wrong_method() -> Response {
    let mut response = missing(StatusCode::METHOD_NOT_ALLOWED, "a payment page is read with GET and its forms POSTed");
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
    response
}

fn missing(status: StatusCode, message: &str) -> Response {
    html(status, render::missing_page(message))
}

fn html(status: StatusCode, markup: maud::Markup) -> Response {
    (status, [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], markup).into_response()
}

/// `303 See Other` to `location` (the provider's redirect, or the page itself).
fn see_other(location: &str) -> Response {
    match HeaderValue::try_from(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => missing(StatusCode::INTERNAL_SERVER_ERROR, "the redirect URL is not a valid header value"),
    }
}

#[cfg(test)]
mod tests {
    use super::{PageLink, notice};

    fn link(currency: &str, paid: i64, open: bool) -> PageLink {
        PageLink {
            provider: "Example",
            id: "x".to_owned(),
            description: None,
            currency: currency.to_owned(),
            amount: 100_000,
            paid,
            status: "s".to_owned(),
            open,
            expires_at: None,
            partial_minimum: None,
        }
    }

    #[test]
    fn notices_only_word_what_they_can_read_and_the_link_agrees_with() {
        let text = |query: &str, link: &PageLink| notice(query, link).map(|n| (n.text, n.failure));
        let paid = link("INR", 25050, true);
        assert_eq!(text("notice=paid&amount=25050", &paid), Some(("Paid ₹250.50".to_owned(), false)));
        assert_eq!(text("amount=1250&notice=paid", &link("JPY", 1250, true)), Some(("Paid ¥1,250".to_owned(), false)));
        let failed = Some(("The payment attempt failed: no money moved.".to_owned(), true));
        assert_eq!(text("notice=failed", &link("INR", 0, true)), failed);
        assert_eq!(text("notice=expired", &link("INR", 0, false)), Some(("The link has expired.".to_owned(), false)));
        assert_eq!(text("notice=expired", &link("INR", 0, true)), None, "an open link has not expired");
        assert_eq!(text("notice=paid&amount=25050", &link("INR", 0, true)), None, "nothing was paid on it");
        for ignored in ["", "notice=paid", "notice=paid&amount=-5", "notice=paid&amount=x", "notice=<b>", "x=1"] {
            assert_eq!(notice(ignored, &paid), None, "{ignored}");
        }
    }
}
