//! What every Razorpay request and response goes through (progenitor `ClientHooks`).
//!
//! - Before sending: body-less POSTs get `Content-Length: 0`; progenitor's own `api-version`
//!   header is removed (Razorpay documents none).
//! - After receiving: an error response whose body is not JSON reaches the caller as a typed
//!   [`RazorpayError`](crate::types::RazorpayError) with its status kept (see
//!   [`paylinks_core::http::execute`]).

paylinks_core::impl_client_hooks!(crate::Client, crate::types::RazorpayError, crate::OPERATIONS);
