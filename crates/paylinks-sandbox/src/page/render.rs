//! The payment page's HTML (maud: every value is escaped), with its CSS inline: one column,
//! large buttons, readable on a phone. The ids and attributes are the page's contract with
//! its tests and the browser test (crate docs, "Payment page").

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::PageLink;
use super::form::Action;
use super::money;
use crate::payment::Redirect;

/// The inline style sheet: system fonts, one column up to 32rem, full-width buttons at least
/// 3rem high (a thumb's size), the developer's button set apart.
const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f3f4f6}
main{max-width:32rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1rem}
.sandbox{display:inline-block;font-size:.75rem;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:#92400e;background:#fef3c7;border-radius:4px;padding:.1rem .4rem;margin:0}
h1{font-size:1.5rem;margin:.5rem 0 .25rem}
#description{margin:0 0 1rem;color:#374151;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem;align-items:baseline;margin:0}
dt{color:#6b7280}
dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
#amount-due{font-size:1.25rem;font-weight:700}
#link-id{grid-column:1/-1;text-align:left;font-size:.9rem}
.message,.notice{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;overflow-wrap:anywhere}
.message{background:#fee2e2;color:#991b1b}
.notice{background:#dcfce7;color:#166534}
.notice.failure{background:#fef3c7;color:#92400e}
form{margin:0 0 .75rem}
label{display:block;margin-bottom:.25rem;color:#374151}
input[type=text]{width:100%;font-size:1.25rem;padding:.6rem .75rem;border:1px solid #9ca3af;border-radius:8px;margin-bottom:.5rem}
button{width:100%;min-height:3rem;font-size:1.1rem;font-weight:600;border:0;border-radius:8px;padding:.6rem 1rem;cursor:pointer;color:#fff;background:#2563eb}
button.secondary{background:#4b5563}
button.danger{background:#b91c1c}
.hint{font-size:.875rem;color:#6b7280;margin:.25rem 0 0}
#closed p{margin:0}
.developer{border:2px dashed #d1d5db;box-shadow:none;background:transparent}
.developer h2{font-size:1rem;margin:0 0 .5rem;color:#6b7280}
footer{text-align:center;font-size:.8rem;color:#6b7280;padding:0 1rem 2rem}
"#;

/// What the page shows besides the link: where its forms post, a refusal, a notice, the
/// amount typed, a form redirect to the merchant.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    /// The path the forms post to (`/pay/{api}/{id}`, under the public URL's path).
    pub(crate) action: String,
    /// Why the last action was refused (shown in `#message`).
    pub(crate) message: Option<String>,
    /// What the last action did (shown in `#notice`).
    pub(crate) notice: Option<super::Notice>,
    /// The amount typed in the part-payment field, kept after a refusal.
    pub(crate) typed_amount: Option<String>,
    /// A form the browser posts to the merchant (shown instead of the buttons).
    pub(crate) redirect: Option<Redirect>,
}

/// The page of link `link` of link API `api`.
pub(crate) fn link_page(api: &str, link: &PageLink, extras: &Extras) -> Markup {
    let due = (link.amount - link.paid).max(0);
    let title = format!("Pay {} — {} (sandbox)", money::format(due, &link.currency), link.provider);
    layout(
        &title,
        html! {
            main #link data-api=(api) data-status=(link.status) data-open=(link.open) {
                section .card {
                    p .sandbox { "Sandbox" }
                    h1 #provider { (link.provider) }
                    @if let Some(description) = &link.description {
                        p #description { (description) }
                    }
                    (alerts(extras))
                    dl {
                        dt { "Amount" }
                        dd #amount { (money::format(link.amount, &link.currency)) }
                        dt { "Paid" }
                        dd #amount-paid { (money::format(link.paid, &link.currency)) }
                        dt { "Due" }
                        dd #amount-due { (money::format(due, &link.currency)) }
                        dt { "Currency" }
                        dd #currency { (link.currency) }
                        dt { "Status" }
                        dd #status { (link.status) }
                        dt { "Expires" }
                        @if let Some(expires_at) = link.expires_at {
                            dd #expires {
                                time datetime=(expires_at.to_rfc3339()) { (expires_at.format("%-d %b %Y, %H:%M UTC")) }
                            }
                        } @else {
                            dd #expires { "never (no expiry set)" }
                        }
                        dt { "Link" }
                        dd #link-id { code { (link.id) } }
                    }
                }
                @if let Some(redirect) = &extras.redirect {
                    (redirect_form(redirect))
                } @else if link.open {
                    (buttons(link, due, extras))
                } @else {
                    section .card #closed {
                        p { "This link is closed (" strong { (link.status) } "): it takes no more payments." }
                    }
                }
            }
        },
    )
}

/// The page of a link that cannot be shown (unknown link API or link): the same layout, the
/// reason in `#message`.
pub(crate) fn missing_page(message: &str) -> Markup {
    layout(
        "Payment link not found (sandbox)",
        html! {
            main #missing {
                section .card {
                    p .sandbox { "Sandbox" }
                    h1 { "Payment link not found" }
                    p #message .message role="alert" { (printable(message)) }
                }
            }
        },
    )
}

/// `text` with each control character (a `%00` in an unknown id's URL) shown as U+FFFD,
/// which HTML cannot carry as it is.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { char::REPLACEMENT_CHARACTER } else { c }).collect()
}

fn layout(title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (main)
                footer { "paylinks sandbox — no real money moves" }
            }
        }
    }
}

fn alerts(extras: &Extras) -> Markup {
    html! {
        @if let Some(message) = &extras.message {
            p #message .message role="alert" { (message) }
        }
        @if let Some(notice) = &extras.notice {
            p #notice .notice.failure[notice.failure] role="status" { (notice.text) }
        }
    }
}

/// One form per action, each with its hidden `action` field.
fn buttons(link: &PageLink, due: i64, extras: &Extras) -> Markup {
    let exponent = money::exponent(&link.currency).unwrap_or(0);
    html! {
        section .card #actions {
            form method="post" action=(extras.action) {
                input type="hidden" name="action" value=(Action::Pay.value());
                button #pay-full type="submit" { "Pay " (money::format(due, &link.currency)) }
            }
            @if let Some(minimum) = link.partial_minimum {
                form method="post" action=(extras.action) {
                    input type="hidden" name="action" value=(Action::PayPart.value());
                    label for="part-amount" { "Pay part (" (link.currency) ")" }
                    input #part-amount type="text" name="amount" inputmode="decimal" autocomplete="off"
                        placeholder={ "e.g. " (money::example(exponent)) } value=[extras.typed_amount.as_deref()];
                    button #pay-part .secondary type="submit" { "Pay part" }
                    p #partial-minimum .hint {
                        @if minimum > 0 && link.paid == 0 {
                            "The first part payment must be at least " (money::format(minimum, &link.currency)) "."
                        } @else {
                            "Any amount up to " (money::format(due, &link.currency)) "."
                        }
                    }
                }
            }
            form method="post" action=(extras.action) {
                input type="hidden" name="action" value=(Action::Fail.value());
                button #fail .secondary type="submit" { "Fail a payment attempt" }
            }
        }
        section .card .developer {
            h2 { "For the developer" }
            form method="post" action=(extras.action) {
                input type="hidden" name="action" value=(Action::Expire.value());
                button #expire .danger type="submit" { "Expire this link now" }
            }
        }
    }
}

/// The form that takes the browser to the merchant (the provider's POSTed callback): posted
/// by a one-line script, or by `#continue` without scripts.
fn redirect_form(redirect: &Redirect) -> Markup {
    let (url, fields): (&str, &[(String, String)]) = match redirect {
        Redirect::PostForm { url, fields } => (url, fields),
        Redirect::Get(url) => (url, &[]),
    };
    html! {
        section .card {
            form #redirect method="post" action=(url) {
                @for (name, value) in fields {
                    input type="hidden" name=(name) value=(value);
                }
                p { "Taking you back to the merchant…" }
                button #continue type="submit" { "Continue" }
            }
            script { (PreEscaped("document.getElementById(\"redirect\").submit();")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn link() -> PageLink {
        PageLink {
            provider: "Example Payment Links",
            id: "plink_<1>".to_owned(),
            description: Some("Tea & <b>biscuits</b>".to_owned()),
            currency: "INR".to_owned(),
            amount: 125_050,
            paid: 25_000,
            status: "partially_paid".to_owned(),
            open: true,
            expires_at: Some(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 0).unwrap()),
            partial_minimum: Some(10_000),
        }
    }

    fn extras() -> Extras {
        Extras { action: "/pay/example/plink_%3C1%3E".to_owned(), ..Extras::default() }
    }

    #[test]
    fn shows_the_link_and_escapes_everything() {
        let page = link_page("example", &link(), &extras()).into_string();
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(page.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#));
        assert!(page.contains(r#"<main id="link" data-api="example" data-status="partially_paid" data-open="true">"#));
        assert!(page.contains(r#"<h1 id="provider">Example Payment Links</h1>"#));
        assert!(page.contains(r#"<p id="description">Tea &amp; &lt;b&gt;biscuits&lt;/b&gt;</p>"#));
        assert!(page.contains(r#"<dd id="amount">₹1,250.50</dd>"#));
        assert!(page.contains(r#"<dd id="amount-paid">₹250.00</dd>"#));
        assert!(page.contains(r#"<dd id="amount-due">₹1,000.50</dd>"#));
        assert!(page.contains(r#"<dd id="status">partially_paid</dd>"#));
        assert!(page.contains(r#"<time datetime="2026-12-01T09:05:00+00:00">1 Dec 2026, 09:05 UTC</time>"#));
        assert!(page.contains("<code>plink_&lt;1&gt;</code>"));
        assert!(page.contains("paylinks sandbox — no real money moves"));
        assert!(!page.contains("<b>"), "nothing unescaped");
    }

    /// The elements of `page` matching CSS selector `css`, as their outer HTML.
    fn select(page: &str, css: &str) -> Vec<String> {
        let document = scraper::Html::parse_document(page);
        let selector = scraper::Selector::parse(css).unwrap();
        document.select(&selector).map(|element| element.html()).collect()
    }

    #[test]
    fn open_links_have_one_form_per_action() {
        let page = link_page("example", &link(), &extras()).into_string();
        assert_eq!(select(&page, r#"form[method="post"][action="/pay/example/plink_%3C1%3E"]"#).len(), 4);
        for (id, action) in [("pay-full", "pay"), ("pay-part", "pay_part"), ("fail", "fail"), ("expire", "expire")] {
            let css = format!(
                r#"form:has(input[type="hidden"][name="action"][value="{action}"]) button#{id}[type="submit"]"#
            );
            assert_eq!(select(&page, &css).len(), 1, "{css}");
        }
        assert_eq!(select(&page, "#pay-full"), ["<button id=\"pay-full\" type=\"submit\">Pay ₹1,000.50</button>"]);
        assert_eq!(select(&page, r#"form:has(#pay-part) input#part-amount[name="amount"][type="text"]"#).len(), 1);
        // Already partly paid: the minimum of a first instalment no longer applies.
        assert!(select(&page, "#partial-minimum")[0].contains("Any amount up to ₹1,000.50."));
        let first = PageLink { paid: 0, status: "created".to_owned(), ..link() };
        let page = link_page("example", &first, &extras()).into_string();
        assert!(select(&page, "#partial-minimum")[0].contains("The first part payment must be at least ₹100.00."));
    }

    #[test]
    fn full_payment_only_links_have_no_part_form() {
        let full = PageLink { partial_minimum: None, expires_at: None, description: None, ..link() };
        let page = link_page("example", &full, &extras()).into_string();
        for absent in ["#part-amount", "#pay-part", "#partial-minimum", "#expires time", "#description"] {
            assert!(select(&page, absent).is_empty(), "{absent}");
        }
        assert_eq!(select(&page, "#expires"), [r#"<dd id="expires">never (no expiry set)</dd>"#]);
        for present in ["#pay-full", "#fail", "#expire"] {
            assert_eq!(select(&page, present).len(), 1, "{present}");
        }
    }

    #[test]
    fn closed_links_show_their_state_and_no_buttons() {
        let paid = PageLink { paid: 125_050, status: "paid".to_owned(), open: false, ..link() };
        let page = link_page("example", &paid, &extras()).into_string();
        assert!(page.contains(r#"data-open="false""#));
        assert!(page.contains(r#"<dd id="amount-due">₹0.00</dd>"#));
        assert!(page.contains("This link is closed (<strong>paid</strong>): it takes no more payments."));
        assert!(!page.contains("<form") && !page.contains("<button"));
    }

    #[test]
    fn refusals_keep_the_typed_amount() {
        let extras = Extras {
            message: Some("amount `<x>` is not a number".to_owned()),
            typed_amount: Some("<x>\"".to_owned()),
            ..extras()
        };
        let page = link_page("example", &link(), &extras).into_string();
        assert_eq!(select(&page, "#message.message[role=alert]").len(), 1);
        assert!(page.contains(">amount `&lt;x&gt;` is not a number</p>"));
        assert!(page.contains(r#"value="&lt;x&gt;&quot;""#));
        let paid = crate::page::Notice { text: "Paid ₹250.00".to_owned(), failure: false };
        let notice = Extras { notice: Some(paid), ..Extras::default() };
        let page = link_page("example", &link(), &notice).into_string();
        assert_eq!(
            select(&page, "#notice[role=status]"),
            [r#"<p class="notice" id="notice" role="status">Paid ₹250.00</p>"#]
        );
    }

    #[test]
    fn form_redirects_post_every_field() {
        let redirect = Redirect::PostForm {
            url: "https://shop.example/return?a=1&b=2".to_owned(),
            fields: vec![("order_id".to_owned(), "o<1>".to_owned()), ("status".to_owned(), "PAID".to_owned())],
        };
        let extras = Extras { redirect: Some(redirect), ..extras() };
        let page = link_page("example", &link(), &extras).into_string();
        assert!(
            page.contains(r#"<form id="redirect" method="post" action="https://shop.example/return?a=1&amp;b=2">"#)
        );
        assert!(page.contains(r#"<input type="hidden" name="order_id" value="o&lt;1&gt;">"#));
        assert!(page.contains(r#"<input type="hidden" name="status" value="PAID">"#));
        assert!(page.contains(r#"<button id="continue" type="submit">"#));
        assert!(page.contains(r#"<script>document.getElementById("redirect").submit();</script>"#));
        assert!(!page.contains("pay-full"), "no buttons while the browser is sent on");
    }

    #[test]
    fn missing_links_keep_the_layout() {
        let page = missing_page("no razorpay link with id <x>").into_string();
        assert_eq!(
            select(&page, "main#missing #message"),
            [r#"<p class="message" id="message" role="alert">no razorpay link with id &lt;x&gt;</p>"#]
        );
        assert!(page.contains("no real money moves"));
        let page = missing_page("no razorpay link with id a\u{0}b").into_string();
        assert!(page.contains("id a\u{FFFD}b</p>") && !page.contains('\u{0}'), "no NUL reaches the HTML");
    }
}
