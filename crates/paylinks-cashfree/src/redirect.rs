//! Where Cashfree sends the customer's browser after paying a payment link: the link's
//! `link_meta.return_url`, with a plain `GET`.
//!
//! Cashfree documents `return_url` for payment links only as the URL the customer is
//! redirected to after the payment
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create>,
//! `link_meta.return_url`, at most 250 characters); it documents no query parameters added
//! to it and **no signature**. What it does document, for the return URL of an order
//! (<https://docs.cashfree.com/v2/docs/return-url>), is that `{order_id}` in the URL is
//! replaced with the order's id (`https://shop.example/return?order_id={order_id}` becomes
//! `…?order_id=order_271vfuhh1o4h6bQIigqyOx74YiJ1T`); each payment of a link is such an
//! order, whose `order_meta.return_url` is the link's `return_url` (`GET
//! /links/{link_id}/orders`), so [`return_url`] does that replacement and nothing else.
//! Unconfirmed: that Cashfree's payment-link page does it too; whether it redirects after a
//! failed attempt (the sandbox does not: the customer stays on the link's page to retry).
//!
//! Nothing in the redirect proves it came from Cashfree: the merchant confirms the payment by
//! fetching the link (`GET /links/{link_id}`) or its orders, or from the signed webhook
//! ([`crate::webhook`]).
//!
//! ```
//! use paylinks_cashfree::redirect::return_url;
//!
//! assert_eq!(
//!     return_url("https://shop.example/thanks?order={order_id}", "CFPay_U1mgll3c0e9g_ehdcjjbtckf"),
//!     "https://shop.example/thanks?order=CFPay_U1mgll3c0e9g_ehdcjjbtckf"
//! );
//! assert_eq!(return_url("https://shop.example/thanks", "CFPay_U1mgll3c0e9g_ehdcjjbtckf"), "https://shop.example/thanks");
//! ```

/// The placeholder Cashfree replaces with the order's id in a return URL.
pub const ORDER_ID_PLACEHOLDER: &str = "{order_id}";

/// The URL the customer's browser is sent to after paying a link with `return_url`, through
/// the link's order `order_id` (`CFPay_…`, letters, digits and `_`, put in as it is): every
/// [`ORDER_ID_PLACEHOLDER`] replaced with it, the rest unchanged (see the module docs).
pub fn return_url(return_url: &str, order_id: &str) -> String {
    return_url.replace(ORDER_ID_PLACEHOLDER, order_id)
}
