//! `npm whoami` (npm `lib/utils/get-identity.js`): the registry is
//! `opts.registry` (never a scope's); `getCredentialsByURI(registry)`
//! decides: a user name in the config answers without a request, a token
//! or client certificate sends `GET <registry>/-/whoami`, anything else is
//! `ENEEDAUTH` "This command requires you to be logged in.".

use super::{Ctx, ErrorInfo, Request, fetch_uri, publish::validated_get};
use crate::auth::{credentials_by_uri_with, get_auth};
use crate::config::nerf_dart::nerf_dart;

/// What `npm whoami` does.
#[derive(Debug, Clone, PartialEq)]
pub struct Whoami {
    /// `opts.registry`.
    pub registry: String,
    /// The exact key prefix `getCredentialsByURI` looks up.
    pub checked_key: Option<String>,
    /// The user name comes from the config (`username`, or `_auth`'s user):
    /// no request.
    pub from_config: bool,
    /// The `GET /-/whoami`, when npm makes it.
    pub request: Option<Request>,
    /// `ENEEDAUTH` or `ERR_INVALID_URL`.
    pub error: Option<ErrorInfo>,
}

/// Explains `npm whoami`.
#[must_use]
pub fn explain(ctx: &Ctx<'_>) -> Whoami {
    let flat = ctx.flat();
    let registry = flat
        .registry()
        .unwrap_or_else(|| crate::auth::DEFAULT_REGISTRY.to_string());
    let mut out = Whoami {
        checked_key: nerf_dart(&registry).ok(),
        registry: registry.clone(),
        from_config: false,
        request: None,
        error: None,
    };
    let get = |k: &str| validated_get(ctx.config, ctx.validation, k);
    match credentials_by_uri_with(&get, &registry) {
        Err(_) => out.error = Some(ErrorInfo::invalid_url()),
        Ok(c) if c.basic => out.from_config = true,
        Ok(c) if c.token || c.cert => {
            let uri = fetch_uri("/-/whoami", Some(&registry));
            out.request = Some(match get_auth(&uri, &flat, None) {
                Ok(auth) => Request::sent(ctx, &flat, "GET", &uri, &auth, None),
                Err(_) => Request::failed("GET", Some(ErrorInfo::invalid_url())),
            });
        }
        Ok(_) => {
            out.error = Some(ErrorInfo::new(
                "ENEEDAUTH",
                "This command requires you to be logged in.",
            ));
        }
    }
    out
}
