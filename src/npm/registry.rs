//! The registry npm picks for a spec (npm-registry-fetch `pickRegistry`)
//! with the key that supplied it, and the packument request pacote makes
//! (`<registry without trailing slashes>/<escapedName>`).

use super::{Ctx, ErrorInfo, Request, remove_trailing_slashes};
use crate::auth::{FlatOpts, get_auth, pick_registry};
use crate::config::Origin;
use crate::spec::npa::PackageArg;
use std::path::PathBuf;

/// The registry chosen for a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryChoice {
    /// The config string `pickRegistry` returned (not normalised).
    pub url: String,
    /// `@scope:registry`, `@<scope config>:registry`, `registry`, or `None`
    /// for npm-registry-fetch's built-in default.
    pub key: Option<String>,
    /// The layer that held the key.
    pub layer: Option<String>,
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
    pub origin: Option<Origin>,
    /// The spec's scope when the `scope` config redirected it.
    pub via_scope_config: bool,
}

/// `pickRegistry(spec, flatOptions)` with where the answer came from.
#[must_use]
pub fn choose(ctx: &Ctx<'_>, spec: &PackageArg) -> RegistryChoice {
    let flat = ctx.flat();
    let (url, key) = pick_registry(spec.scope.as_deref(), &flat);
    let setting = key.as_deref().and_then(|k| ctx.config.setting(k));
    let layer = key.as_deref().and_then(|k| ctx.config.find(k));
    let own_scope_key = spec
        .scope
        .as_deref()
        .map(|s| format!("@{}:registry", s.trim_start_matches('@')));
    RegistryChoice {
        via_scope_config: key.as_deref().is_some_and(|k| k != "registry") && key != own_scope_key,
        url,
        file: layer
            .filter(|l| l.is_file())
            .and_then(|l| ctx.config.layer(l).path.clone()),
        layer: layer.map(|l| l.name().to_string()),
        line: setting.and_then(|s| s.origin.line),
        origin: setting.map(|s| s.origin.clone()),
        key,
    }
}

/// The packument URL pacote builds: `removeTrailingSlashes(registry)/escapedName`.
#[must_use]
pub fn packument_url(registry: &str, spec: &PackageArg) -> String {
    format!(
        "{}/{}",
        remove_trailing_slashes(registry),
        spec.escaped_name.as_deref().unwrap_or_default()
    )
}

/// The packument GET of `pacote.manifest(spec)`.
#[must_use]
pub fn packument(ctx: &Ctx<'_>, flat: &FlatOpts<'_>, spec: &PackageArg, registry: &str) -> Request {
    // pacote's RegistryFetcher parses the registry in its constructor
    if url::Url::parse(registry).is_err() {
        return Request::failed("GET", Some(ErrorInfo::invalid_url()));
    }
    let uri = packument_url(registry, spec);
    match get_auth(&uri, flat, spec.scope.as_deref()) {
        Ok(auth) => Request::sent(ctx, flat, "GET", &uri, &auth, None),
        Err(_) => Request::failed("GET", Some(ErrorInfo::invalid_url())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::npa::npa;

    #[test]
    fn packument_url_strips_every_trailing_slash() {
        let spec = npa("@acme/ui@1", None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            packument_url("https://h/x/npm//", &spec),
            "https://h/x/npm/@acme%2fui"
        );
        assert_eq!(
            packument_url("https://h/x/npm", &spec),
            "https://h/x/npm/@acme%2fui"
        );
    }
}
