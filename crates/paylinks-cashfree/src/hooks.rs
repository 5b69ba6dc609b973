//! What every Cashfree request and response goes through (progenitor `ClientHooks`).
//!
//! - Before sending: body-less POSTs get `Content-Length: 0`; progenitor's own `api-version`
//!   header is removed (Cashfree reads `x-api-version`, a default header of the client).
//! - After receiving: an error response whose body is not JSON reaches the caller as a typed
//!   [`CashfreeError`](crate::types::CashfreeError) with its status kept (see
//!   [`paylinks_core::http::execute`]).

paylinks_core::impl_client_hooks!(crate::Client, crate::types::CashfreeError, crate::OPERATIONS);
