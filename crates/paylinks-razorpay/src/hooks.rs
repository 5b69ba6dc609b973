//! What every Razorpay request and response goes through (progenitor `ClientHooks`).
//!
//! - Before sending: body-less POSTs get `Content-Length: 0`; progenitor's own `api-version`
//!   header is removed (Razorpay documents none).
//! - After receiving: an error response whose body is not JSON reaches the caller as a typed
//!   [`RazorpayError`](crate::types::RazorpayError) with its status kept (see
//!   [`paylinks_core::http::execute`]).

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Client;
use crate::types::RazorpayError;

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        paylinks_core::http::prepare_request(request);
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        paylinks_core::http::execute(self.client(), request, <RazorpayError as paylinks_core::ErrorBody>::non_json_stand_in)
            .await
    }
}
