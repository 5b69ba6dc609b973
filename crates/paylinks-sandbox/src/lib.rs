//! A local, stateful, in-memory sandbox of the payment-link APIs of Cashfree, Razorpay
//! (payment links v2 and legacy invoice-based links) and Pine Labs Online.
//!
//! Like stripe-mock, but stateful: a link created through the sandbox can be fetched, listed,
//! paid (through the control API), cancelled and expired, and every response uses the
//! provider's paths, methods, authentication, JSON field names and types, error bodies and
//! HTTP statuses as documented in `specs/*.yaml`: request bodies are decoded into the provider
//! crates' generated request types and responses are built from their generated response
//! types, so the sandbox does not compile when it drifts from a spec. Amounts are exact
//! (`paylinks_core::DecimalAmount`, ISO 4217 exponents from `iso_currency`: a JPY link has no
//! decimals, a KWD link three).
//!
//! Each provider is one module behind one trait, registered in one list; every provider
//! shares one port:
//!
//! | provider | base URL |
//! |---|---|
//! | Cashfree | `http://127.0.0.1:P/cashfree/pg` |
//! | Razorpay | `http://127.0.0.1:P/razorpay` |
//! | Pine Labs | `http://127.0.0.1:P/pinelabs` |
//! | control API | `http://127.0.0.1:P/_sandbox` |
//! | payment pages | `http://127.0.0.1:P/pay` (see [below](#payment-page)) |
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use paylinks_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", sandbox.connection_info());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The control API (`/_sandbox/...`, see [below](#control-api)) moves links as a paying
//! customer would, expires them, injects faults (error statuses, rate limits, delays, dropped
//! connections) and resets the state. Every link also has a payment page a browser can pay
//! it on ([below](#payment-page)).
//!
//! # Control API
//!
//! - `POST /_sandbox/{provider}/links/{id}/pay` with `{"amount": <minor units>}` (optional,
//!   default: everything still due; minor units of the link's currency: paise, yen, fils)
//!   pays a link; `{provider}` names a link API: `cashfree`, `razorpay`, `razorpay_invoice`
//!   (Razorpay's invoice-based links) or `pinelabs`. Returns the link as the provider would. A part payment
//!   is refused (400) unless the link takes them (Cashfree `link_partial_payments`, Razorpay
//!   `accept_partial`, invoice `partial_payment`; Pine Labs links always do), as is a first
//!   instalment below the link's minimum, each in the provider's words. Every link API also
//!   takes `"failed": true`: a failed attempt, no money moves and the link stays open (Cashfree:
//!   an unpaid `ACTIVE` order, no event; Razorpay: one more attempt on the order, no event;
//!   Pine Labs: a `FAILED` payment on the order and `PAYMENT_FAILED`). Razorpay also takes
//!   `"method"` (default `card`, `upi` for UPI links). Where the provider then sends the
//!   customer's browser comes back in `x-sandbox-redirect` (the URL) and, for a form the
//!   browser POSTs (Pine Labs), `x-sandbox-redirect-form` (its fields, URL-encoded).
//! - `POST /_sandbox/{provider}/links/{id}/expire` expires an open link.
//! - `GET /_sandbox/{provider}/links` lists every link of a provider (a JSON array).
//! - `POST /_sandbox/faults` with `{"provider": "cashfree"|"razorpay"|"pinelabs"|null,
//!   "count": N, "kind": "status"|"rate_limit"|"delay"|"drop"|"drop_response", "status": 500,
//!   "retry_after_secs": n, "delay_ms": n}` queues a fault for the next N requests of that
//!   provider's API (control requests never get faults): `status` answers that status with the
//!   provider's error body, `rate_limit` a 429 with `Retry-After` (and Cashfree's
//!   `x-ratelimit-*`), `delay` waits and then handles the request, `drop` closes the connection
//!   without handling the request, `drop_response` handles it (state changes happen) and closes
//!   the connection without a complete response. `GET` lists the queue, `DELETE` clears it.
//! - `POST /_sandbox/webhooks` with `{"url": "http://127.0.0.1:9000/webhooks/razorpay"}`
//!   registers a webhook URL (an absolute http or https URL; registering it again changes
//!   nothing); `GET` lists them (`{"urls": [...]}`), `DELETE` forgets them all. URLs can also
//!   be given at start ([`SandboxConfig::add_webhook_url`], `paylinks sandbox --webhook-url
//!   URL`, repeatable).
//! - `GET /_sandbox/deliveries` lists every webhook delivery, oldest first:
//!   `{"deliveries": [{"delivery": n, "event_id", "provider", "event", "url", "redelivery",
//!   "outcome": "pending"|"delivered"|"failed", "attempts": [{"at": RFC 3339, "status": 200,
//!   "headers": {...}} | {"at", "error": "...", "headers": {...}}], "body": <the event, parsed>,
//!   "body_text": "<the body exactly as sent>"}]}`. Each attempt's `headers` are the ones it
//!   was sent with (signature, timestamp, event id, content type; a retry is signed anew), so
//!   a saved delivery verifies again: write `body_text` to a file byte for byte and give each
//!   header of the last attempt to `paylinks webhook verify --header` (the README has a `jq`
//!   one-liner). Secrets are not listed (a signature is not a secret).
//! - `POST /_sandbox/deliveries/{event_id}/redeliver` sends an event again, with the same id
//!   and body (signed anew), to every registered URL, as a provider's redelivery does: how a
//!   receiver's dedupe is tested. Answers `{"deliveries": [...]}` (the new ones, pending);
//!   404 for an unknown event id, 400 when no URL is registered.
//! - `POST /_sandbox/reset` forgets every link, token, idempotency key, fault, webhook event
//!   and delivery (deliveries under way stop); the registered webhook URLs stay.
//! - `GET /_sandbox` describes the sandbox (credentials, endpoints, webhook URLs and
//!   retries).
//!
//! Control errors are `{"message": "..."}` with 400 (request does not fit the link) or 404
//! (unknown provider or link).
//!
//! # Payment page
//!
//! Every link the sandbox creates has a hosted payment page at `{public_url}/pay/{api}/{id}`,
//! `{api}` being the link API's name in the control API (`cashfree`, `razorpay`,
//! `razorpay_invoice`, `pinelabs`) and the id percent-encoded; every provider's link URL field
//! (Cashfree `link_url`, Razorpay `short_url` of links and invoices, Pine Labs
//! `payment_link`) holds it. It is server-rendered HTML (no script but the one line that
//! posts a form redirect), one column with large buttons, readable on a phone.
//!
//! The **public URL** is the root those URLs are built under: the one set with
//! [`SandboxConfig::set_public_url`] (`paylinks sandbox --public-url URL`, for a sandbox
//! behind a tunnel, a reverse proxy or a container's port mapping), else the address
//! [`Sandbox::start`] bound (`http://127.0.0.1:P`), else, for a [`router()`] embedded
//! elsewhere, `http://{Host}` of the first request it serves. [`Sandbox::public_url`] says
//! which; the connection JSON's `pay_url` is `{public_url}/pay`. A path in the public URL
//! (`https://abc.ngrok.app/sb`) is for a proxy that strips it: the sandbox itself serves the
//! pages at `/pay/...`, and the page's forms and its own redirects point under the path, as
//! a browser behind the proxy sees them.
//!
//! - `GET /pay/{api}/{id}`: 200 `text/html; charset=utf-8`. `<main id="link" data-api
//!   data-status data-open>` shows the provider's product (`#provider`: `Cashfree Payments`,
//!   `Razorpay Payment Links`, `Razorpay Invoices`, `Pine Labs Online`), the merchant's
//!   description (`#description`), `#amount`, `#amount-paid` and `#amount-due` in the link's
//!   currency with its ISO 4217 exponent and symbol (`₹1,250.50`, INR grouped the Indian
//!   way: `₹12,34,567.00`; `¥1,250`; `د.ك 1.250`), the currency (`#currency`), the status in
//!   the provider's word (`#status`), the expiry in UTC (`#expires`: "never (no expiry set)" without one) and,
//!   when part payments are allowed, the minimum first part payment (`#partial-minimum`).
//!   Reading the page expires a link whose time has passed, as any read does. An unknown
//!   link API or link is a 404 page (`<main id="missing">`) with the reason in `#message`.
//! - An open link has one `<form method="post" action="/pay/{api}/{id}">` per button, each
//!   with a hidden `action` field: `button#pay-full` (`pay`: everything still due),
//!   `input#part-amount` (`amount`, in major units: `250.50`) with `button#pay-part`
//!   (`pay_part`; only when the link takes part payments), `button#fail` (`fail`: a failed
//!   attempt, as the control API's `"failed": true`) and, set apart as the developer's,
//!   `button#expire` (`expire`). A paid, cancelled or expired link shows its final state
//!   (`#closed`) and no button.
//! - `POST /pay/{api}/{id}` (form fields `action`, `amount`) calls the provider exactly as
//!   the control API's `pay` and `expire` do (one code path: the state change, the provider's
//!   webhook event, the payment among the link's payments). Faults queued for a provider's
//!   API never apply to the page. After a payment or failed attempt the browser goes where
//!   the provider sends it: `303 See Other` to a URL (Razorpay's `callback_url` of a link or
//!   an invoice with its signed query, Cashfree's `link_meta.return_url`), or a 200 page
//!   whose `<form id="redirect" method="post" action="{url}">` holds the fields as hidden
//!   inputs, posted by the inline script or `button#continue` (Pine Labs' signed callback
//!   form to `callback_url`, or `failure_callback_url` after a failed attempt); each
//!   provider's rules are in its module and its crate's `redirect` module.
//!   Otherwise `303` back to the page, with `?notice=paid&amount={minor units}`,
//!   `?notice=failed` or `?notice=expired`, shown in `#notice` (words only: nothing is read
//!   from the notice but its text).
//! - A refusal is the page again, 400 (404 for an unknown link), the reason in `#message`
//!   and the amount typed kept: an unknown or missing `action`; for `pay_part` an amount
//!   missing (`amount is required: enter the amount in INR, e.g. 250.50`), not a plain
//!   decimal number (`amount `1e3` is not a number: write it like 250.50`), zero (`amount must
//!   be more than zero`), negative (`amount cannot be negative`) or with more decimals than
//!   the currency has (`amount can have at most 2 decimal places for INR`); and the
//!   provider's own refusals, as the control API words them (below the link's minimum first
//!   part payment, more than is due, part payments not allowed, a closed link).
//! - Any other method is a 405 page; any other path under `/pay` a 404 page.
//!
//! # Webhooks
//!
//! When a link is paid, partly paid, expires or is cancelled (through the control API, the
//! provider's API, or the clock when an expired link is read), its provider's module queues
//! the provider's own event, with the provider's body. Right after the request that produced
//! it, the sandbox POSTs the event to every registered URL with the provider's headers and a
//! real signature made with the provider's webhook secret of the configuration (each
//! provider's `*-webhook-secret` setting; Cashfree signs with its client secret), signed anew
//! at each attempt (timestamps included). An answer other than 2xx, a connection error or no
//! answer within the attempt's timeout is retried with exponential backoff a bounded number
//! of times ([`WebhookRetry`]: by default 5 attempts, waiting 0.5, 1, 2 and 4 s between them,
//! 5 s per attempt; [`SandboxConfig::set_webhook_retry`]). Deliveries of one event to several
//! URLs, and of several events, run concurrently: the receiver sees the events of one link in
//! order when it answers the first before the next request changes the link. Deliveries are
//! made with paylinks' own HTTP client (reqwest, rustls); served through [`router`] the
//! sandbox must run inside a tokio runtime.
//!
//! # Configuration
//!
//! [`SandboxConfig`] holds each provider's settings by provider name and key (defaults in
//! [`SandboxConfig::default`], every setting with its `paylinks sandbox` flag in
//! [`SandboxConfig::settings`]): `cashfree` `client_id` / `client_secret` (also the secret its
//! webhooks are signed with), `razorpay` `key_id` / `key_secret` / `webhook_secret` (default
//! `rzp_sandbox_webhook_secret`), `pinelabs` `client_id` / `client_secret` / `token_ttl` /
//! `webhook_secret` (default `pl_sandbox_webhook_secret`) / `callback_secret` (the hex key
//! that signs the callback form after a payment, default
//! `706c5f73616e64626f785f63616c6c6261636b5f7365637265745f6b6579`);
//! [`SandboxConfig::webhook_secret`] names the secret a receiver verifies each provider's
//! deliveries with. Webhook URLs and retries: [`SandboxConfig::add_webhook_url`],
//! [`SandboxConfig::set_webhook_retry`].
//!
//! # Sandbox choices
//!
//! Where the providers document no behaviour the sandbox picks one: Razorpay keys starting
//! with `rzp_test_` reject UPI links as test mode does (use another key id to create them);
//! the 30-links-per-business test-mode limit is not enforced; Pine Labs links without
//! `expire_by` expire after 180 days; every link whose expiry time passes becomes expired the
//! next time it is read.
//!
//! Request bodies longer than 1 MiB are refused with 413, and a path that is not UTF-8 once
//! percent-decoded with 400, each in the provider's error body (no provider documents a
//! limit). Razorpay's lists answer one page, newest first: `count` links (default 10, at most
//! 100) after `skip`, created between `from` and `to`; a lookup by id, reference or payment id
//! costs the same however many links there are (`benches/store.rs`).
//!
//! # Invented messages
//!
//! Where the providers document no wording, the sandbox words its errors itself, in each
//! provider's error body:
//!
//! - Cashfree: `<field> : is missing in the request` (code `<field>_missing`) and
//!   `<field> : <reason>` (code `<field>_invalid`), e.g. `link_amount : amount can have at most
//!   2 decimal places`; `link_id : link <id> does not exist` (404); `link_id : only a link in
//!   ACTIVE status can be cancelled, link <id> is <status>`; `x-idempotency-key : this key was
//!   already used with a different request` (422).
//! - Razorpay: the documented descriptions where there are some; otherwise
//!   `The <key> field is required.` and `incorrect JSON object received - faulty key: <key>.`.
//! - Pine Labs: `<field> is required`, `<field> must be ...`, `Payment link not found for
//!   <what>` (404), `Access token has expired` / `Invalid access token` (401), and the
//!   refusals of cancel and resend for a link that is not `CREATED`.
//! - Injected faults: each provider's generic server-error and rate-limit wording.
#![forbid(unsafe_code)]
#![recursion_limit = "256"]
#![warn(missing_docs)]

mod body;
mod config;
mod conn;
mod control;
mod faults;
mod ids;
mod inject;
mod links;
mod page;
mod payment;
mod provider;
mod providers;
mod qr;
mod router;
mod server;
mod state;
mod webhooks;

pub use config::{SandboxConfig, Setting, SettingDefault, SettingError, SettingSpec};
pub use router::router;
pub use server::Sandbox;
pub use webhooks::WebhookRetry;
