//! What a request carries ([`AuthView`]): the kind, the config keys that
//! supplied it, and where the secret-bearing key was written (layer,
//! `file:line`, masked value, the `${VAR}` it reads).

use super::Ctx;
use crate::auth::{Auth, FlatOpts, Kind};
use crate::config::{Layer, Origin};
use crate::npmrc::env_replace::env_replace;
use crate::secret;
use std::path::PathBuf;

/// A `${NAME}` reference in a value and whether NAME is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvInfo {
    pub name: String,
    /// NAME exists in the environment (even if empty).
    pub set: bool,
    /// Written `${NAME?}` (unset expands to `""`).
    pub optional: bool,
}

/// Where one config key was written.
#[derive(Debug, Clone, PartialEq)]
pub struct KeySource {
    /// The key (`//h/:_authToken`).
    pub key: String,
    /// `cli`, `env`, `project`, `user`, `global`, `builtin`, `default` or
    /// `publishConfig`.
    pub layer: Option<String>,
    /// The file, for file layers (and `package.json` for publishConfig).
    pub file: Option<PathBuf>,
    /// 1-based line in that file.
    pub line: Option<u32>,
    /// The full origin, for snippets.
    pub origin: Option<Origin>,
    /// The value as displayed (secrets masked).
    pub value: Option<String>,
    /// The first unescaped `${NAME}` in the value as written.
    pub env: Option<EnvInfo>,
}

/// The credential attached to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthView {
    pub kind: Kind,
    /// The config keys that supplied the header (and the client cert).
    pub keys: Vec<String>,
    /// A TLS client certificate is attached.
    pub cert: bool,
    /// `certfile`/`keyfile` stopped the walk but a file is missing.
    pub cert_missing: bool,
    /// npm's "auth present for scoped registry" key.
    pub scope_auth_key: Option<String>,
    /// The credential came from the same-host fallback to this registry.
    pub via_registry: Option<String>,
    /// The secret-bearing key (`_authToken`, `_auth`, `_password`, or
    /// `certfile` for a pure cert).
    pub source: Option<KeySource>,
    /// The `Authorization` header as sent, masked (`Bearer npm_*** (40
    /// chars, sha256:…)`): the fingerprint is of the part after the scheme.
    pub header: Option<String>,
    /// The header is node's Basic auth from `user:password@` in the URL.
    pub from_url: bool,
    /// The secret value holds `$NAME` or `%NAME%`, which npm does not
    /// expand (only `${NAME}`): it is sent as written.
    pub literal_var: Option<String>,
}

/// A `$NAME` (not `${`) or `%NAME%` in a value: shell and Windows variable
/// syntax npm sends literally.
#[must_use]
pub fn literal_var(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let name_at = |i: usize| {
        let n = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        (n > 0 && (b[i].is_ascii_alphabetic() || b[i] == b'_')).then_some(n)
    };
    for (i, &c) in b.iter().enumerate() {
        if c == b'$' && i + 1 < b.len() {
            if let Some(n) = name_at(i + 1) {
                return Some(value[i..=i + n].to_string());
            }
        }
        if c == b'%' && i + 1 < b.len() {
            if let Some(n) = name_at(i + 1) {
                if b.get(i + 1 + n) == Some(&b'%') {
                    return Some(value[i..i + n + 2].to_string());
                }
            }
        }
    }
    None
}

/// `Bearer <masked>` / `Basic <masked>`: the credential as the registry
/// receives it (HTTP drops a header value's trailing spaces and tabs, so a
/// secret ending in a space arrives without it).
#[must_use]
pub fn masked_header(h: &str) -> String {
    let h = h.trim_end_matches([' ', '\t']);
    match h.split_once(' ') {
        Some((scheme, rest)) => format!("{scheme} {}", secret::mask(rest)),
        None => secret::mask(h),
    }
}

impl AuthView {
    /// The value reads a `${VAR}` that is not set (npm sends it literally).
    #[must_use]
    pub fn env_unset(&self) -> bool {
        self.source
            .as_ref()
            .and_then(|s| s.env.as_ref())
            .is_some_and(|e| !e.set && !e.optional)
    }
}

/// The [`AuthView`] of `auth` under `opts`; `publish_config` is the
/// `package.json` whose publishConfig supplied overridden keys.
#[must_use]
pub fn view(
    ctx: &Ctx<'_>,
    opts: &FlatOpts<'_>,
    auth: &Auth,
    publish_config: Option<&PathBuf>,
) -> AuthView {
    let secret_key = auth.reg_key.as_ref().and_then(|reg| {
        let suffix = match auth.kind {
            Kind::Token => "_authToken",
            Kind::Basic if auth.keys.iter().any(|k| k.ends_with(":_auth")) => "_auth",
            Kind::Basic => "_password",
            Kind::Cert => "certfile",
            Kind::None => return None,
        };
        Some(format!("{reg}:{suffix}"))
    });
    AuthView {
        kind: auth.kind,
        keys: auth.keys.clone(),
        cert: auth.cert,
        cert_missing: auth.cert_missing,
        scope_auth_key: auth.scope_auth_key.clone(),
        via_registry: auth.via_registry.clone(),
        source: secret_key.map(|k| describe_key(ctx, opts, &k, publish_config)),
        header: None,
        from_url: false,
        literal_var: auth
            .keys
            .iter()
            .find(|k| crate::secret::is_secret_key(k))
            .and_then(|k| literal_var(&opts.value(k).js_string())),
    }
}

/// Where `key` came from and its displayed value.
#[must_use]
pub fn describe_key(
    ctx: &Ctx<'_>,
    opts: &FlatOpts<'_>,
    key: &str,
    publish_config: Option<&PathBuf>,
) -> KeySource {
    let value = opts.value(key);
    let shown = match value {
        crate::value::Value::Undefined | crate::value::Value::Null => None,
        v => Some(secret::display_value(key, &v.js_string())),
    };
    if opts.overridden(key).is_some() && key != "registry" {
        return KeySource {
            key: key.to_string(),
            layer: Some("publishConfig".into()),
            file: publish_config.cloned(),
            line: None,
            origin: None,
            value: shown,
            env: None,
        };
    }
    let setting = ctx.config.setting(key);
    let layer = ctx.config.find(key);
    let file = layer
        .filter(|l| l.is_file())
        .and_then(|l| ctx.config.layer(l).path.clone());
    KeySource {
        key: key.to_string(),
        layer: layer.map(|l| l.name().to_string()),
        file,
        line: setting.and_then(|s| s.origin.line),
        origin: setting.map(|s| s.origin.clone()),
        value: shown,
        env: setting
            .filter(|s| s.origin.layer != Layer::Default)
            .and_then(|s| env_of(ctx, &s.raw)),
    }
}

/// The first unescaped `${NAME}` / `${NAME?}` in a raw value.
fn env_of(ctx: &Ctx<'_>, raw: &crate::value::Value) -> Option<EnvInfo> {
    let crate::value::Value::Str(text) = raw else {
        return None;
    };
    let lookup = |n: &str| ctx.env.var(n).map(str::to_string);
    let expanded = env_replace(text, &lookup);
    expanded
        .refs
        .into_iter()
        .find(|r| !r.escaped)
        .map(|r| EnvInfo {
            name: r.name,
            set: r.set,
            optional: r.optional,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_variables() {
        assert_eq!(
            literal_var("$GITHUB_TOKEN").as_deref(),
            Some("$GITHUB_TOKEN")
        );
        assert_eq!(literal_var("%NPM_TOKEN%").as_deref(), Some("%NPM_TOKEN%"));
        assert_eq!(literal_var("abc$1def"), None);
        assert_eq!(literal_var("npm_abcdef"), None);
        assert_eq!(literal_var("${X}"), None);
    }

    #[test]
    fn masked_headers_keep_the_scheme() {
        let h = masked_header("Bearer npm_abcdefghijklmnopqrstuvwxyz0123456789");
        assert!(h.starts_with("Bearer npm_*** (40 chars, sha256:"), "{h}");
    }
}
