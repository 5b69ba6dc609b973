//! What every Pine Labs request and response goes through (progenitor `ClientHooks`).
//!
//! - Before sending: link calls get `Authorization: Bearer <token>` from the client's
//!   [`TokenCache`] (the token call itself does not);
//!   body-less PUT/PATCH get `Content-Length: 0`; progenitor's `api-version` header is removed.
//! - After receiving: a 401 drops the token that request was sent with (not a fresher one
//!   another task has fetched since, see [`TokenCache::invalidate_token`]); an error response whose body is not JSON
//!   reaches the caller as a typed [`PinelabsError`] with its
//!   status kept (see [`paylinks_core::http::execute`]).

use paylinks_core::http::sensitive_header;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::AUTHORIZATION;

use crate::Client;
use crate::auth::TokenCache;
use crate::types::PinelabsError;

const TOKEN_OPERATION: &str = "generate_token";

impl ClientHooks<TokenCache> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        paylinks_core::http::prepare_request(request);
        if info.operation_id != TOKEN_OPERATION {
            let token = self
                .inner()
                .token(self)
                .await
                .map_err(|e| progenitor_client::Error::Custom(format!("cannot get an access token: {e}")))?;
            let header = sensitive_header(&format!("Bearer {}", token.expose()))
                .map_err(|_| progenitor_client::Error::Custom("the access token cannot be sent in a header".into()))?;
            request.headers_mut().insert(AUTHORIZATION, header);
        }
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let bearer =
            (info.operation_id != TOKEN_OPERATION).then(|| request.headers().get(AUTHORIZATION).cloned()).flatten();
        let result =
            paylinks_core::http::execute::<PinelabsError>(self.client(), request, crate::OPERATIONS, info).await;
        let unauthorized = matches!(&result, Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED);
        if let (true, Some(bearer)) = (unauthorized, bearer) {
            match bearer.to_str().ok().and_then(|b| b.strip_prefix("Bearer ")) {
                Some(token) => self.inner().invalidate_token(token),
                None => self.inner().invalidate(),
            }
        }
        result
    }
}
