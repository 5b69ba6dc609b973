//! What every Cashfree request and response goes through (progenitor `ClientHooks`).
//!
//! - Before sending: body-less POSTs get `Content-Length: 0`; progenitor's own `api-version`
//!   header is removed (Cashfree reads `x-api-version`, a default header of the client).
//! - After receiving: an error response whose body is not JSON reaches the caller as a typed
//!   [`CashfreeError`](crate::types::CashfreeError) with its status kept (see
//!   [`paylinks_core::http::execute`]).

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Client;
use crate::types::CashfreeError;

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        paylinks_core::http::prepare_request(request);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        paylinks_core::http::execute(
            self.client(),
            request,
            <CashfreeError as paylinks_core::ErrorBody>::non_json_stand_in,
        )
        .await
    }
}
