//! The `ClientHooks` of a provider client without per-request state.

/// Implements progenitor's `ClientHooks` for a generated `Client` that needs no per-request
/// state: every request goes through [`prepare_request`](crate::http::prepare_request), every
/// response through [`execute`](crate::http::execute) (its HTTP span, with the path templates
/// of `$operations`, and `$error`'s stand-in for non-JSON error bodies).
///
/// `impl_client_hooks!(crate::Client, crate::types::ProviderError, crate::OPERATIONS);`
#[macro_export]
macro_rules! impl_client_hooks {
    ($client:ty, $error:ty, $operations:expr) => {
        impl $crate::__private::progenitor_client::ClientHooks<()> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                _info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                $crate::http::prepare_request(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                let client = $crate::__private::progenitor_client::ClientInfo::client(self);
                $crate::http::execute::<$error>(client, request, $operations, info).await
            }
        }
    };
}
