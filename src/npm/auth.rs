//! Which registry and which credential npm uses for a request, exactly as
//! `npm-registry-fetch` (`lib/index.js` `pickRegistry`, `lib/auth.js`
//! `getAuth`/`regFromURI`/`hasAuth`) and `@npmcli/config`
//! (`getCredentialsByURI`) decide (npm-semantics.md §6.1, §7).
//!
//! Requests read npm's *flat options*, built before `validate()`: for the
//! keys used here (`registry`, `scope`, `@scope:registry`, `//…` keys) they
//! are the effective config values, which [`FlatOpts`] reads from a
//! [`Config`].

use crate::config::nerf_dart::{InvalidUrl, host_with_port, nerf_dart, request_key};
use crate::config::{Config, Setting};
use crate::value::Value;
use std::collections::BTreeMap;

/// Flat options layered over the config for one request: `publishConfig`
/// keys, arborist's normalised `registry`, or the registry
/// npm-registry-fetch substitutes for a relative URI.
pub type Overrides = BTreeMap<String, Value>;

/// npm-registry-fetch's default registry.
pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org/";

/// The flat options a request sees.
#[derive(Debug, Clone, Copy)]
pub struct FlatOpts<'a> {
    /// The loaded config (pre-validation values, as npm's flat options).
    pub config: &'a Config,
    /// Values that replace the config's for this request.
    pub overrides: Option<&'a Overrides>,
}

impl<'a> FlatOpts<'a> {
    /// The flat options of `config` as npm builds them.
    #[must_use]
    pub fn new(config: &'a Config) -> FlatOpts<'a> {
        FlatOpts {
            config,
            overrides: None,
        }
    }

    /// The same options with `overrides` on top.
    #[must_use]
    pub fn with(self, overrides: &'a Overrides) -> FlatOpts<'a> {
        FlatOpts {
            config: self.config,
            overrides: Some(overrides),
        }
    }

    /// The override for `key`, if any.
    #[must_use]
    pub fn overridden(&self, key: &str) -> Option<&'a Value> {
        self.overrides.and_then(|o| o.get(key))
    }

    /// `opts[key]` with where it came from.
    #[must_use]
    pub fn setting(&self, key: &str) -> Option<&'a Setting> {
        self.config
            .setting(key)
            .filter(|s| s.origin.layer != crate::config::Layer::Default || key == "registry")
    }

    /// `opts[key]`.
    #[must_use]
    pub fn value(&self, key: &str) -> &'a Value {
        if let Some(v) = self.overridden(key) {
            return v;
        }
        self.setting(key).map_or(&Value::Undefined, |s| &s.value)
    }

    /// Whether `opts[key]` is truthy.
    #[must_use]
    pub fn truthy(&self, key: &str) -> bool {
        self.value(key).is_truthy()
    }

    /// `opts.registry` as a string (falsy → None).
    #[must_use]
    pub fn registry(&self) -> Option<String> {
        let v = self
            .overridden("registry")
            .unwrap_or_else(|| self.config.get("registry"));
        v.is_truthy().then(|| v.js_string())
    }

    /// `opts.scope` after npm's flatten (`@` added), when set.
    #[must_use]
    pub fn scope(&self) -> Option<String> {
        let v = self
            .overridden("scope")
            .unwrap_or_else(|| self.config.get("scope"));
        match v {
            Value::Str(s) if !s.is_empty() => Some(if s.starts_with('@') {
                s.clone()
            } else {
                format!("@{s}")
            }),
            _ => None,
        }
    }

    /// `opts[key]` as a string when truthy.
    #[must_use]
    pub fn string(&self, key: &str) -> Option<String> {
        let v = self.value(key);
        v.is_truthy().then(|| v.js_string())
    }
}

/// `pickRegistry(spec, opts)`: the scope's mapping, else `opts.scope`'s
/// mapping, else `opts.registry`, else npm's default. Returns the registry
/// and the key that supplied it (`None` for the built-in default).
#[must_use]
pub fn pick_registry(spec_scope: Option<&str>, opts: &FlatOpts<'_>) -> (String, Option<String>) {
    pick_registry_with(spec_scope, &|k: &str| match k {
        "registry" => opts
            .overridden("registry")
            .unwrap_or_else(|| opts.config.get("registry"))
            .clone(),
        "scope" => opts.scope().map_or(Value::Undefined, Value::Str),
        _ => opts.value(k).clone(),
    })
}

/// `pickRegistry(spec, opts)` over any flat options (`get(key)` answers
/// `opts[key]`): the spec scope's `@scope:registry`, else the `scope`
/// option's mapping, else `opts.registry`, else npm's default. Returns the
/// registry and the key that supplied it (`None` for the built-in
/// default). `check`'s publish rules call it with their attributed
/// options, `why` through [`pick_registry`].
#[must_use]
pub fn pick_registry_with(
    spec_scope: Option<&str>,
    get: &dyn Fn(&str) -> Value,
) -> (String, Option<String>) {
    // `scope.replace(/^@?/, '@') + ':registry'`
    let scoped = |scope: &str| {
        let key = format!("@{}:registry", scope.strip_prefix('@').unwrap_or(scope));
        let v = get(&key);
        v.is_truthy().then(|| (v.js_string(), Some(key)))
    };
    if let Some(r) = spec_scope.and_then(scoped) {
        return r;
    }
    let scope = get("scope");
    if scope.is_truthy() {
        if let Some(r) = scoped(&scope.js_string()) {
            return r;
        }
    }
    let registry = get("registry");
    if registry.is_truthy() {
        (registry.js_string(), Some("registry".into()))
    } else {
        (DEFAULT_REGISTRY.into(), None)
    }
}

/// `getRegistry(opts)` of auth.js: the spec scope's mapping or `opts.registry`
/// (no `opts.scope`, no default).
#[must_use]
pub fn auth_registry(spec_scope: Option<&str>, opts: &FlatOpts<'_>) -> Option<String> {
    if let Some(scope) = spec_scope {
        let v = opts.value(&format!("{scope}:registry"));
        if v.is_truthy() {
            return Some(v.js_string());
        }
    }
    opts.registry()
}

/// Which key made `hasAuth` succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKey {
    AuthToken,
    Auth,
    Username,
    Certfile,
}

impl AuthKey {
    /// The key suffix (`_authToken`, `_auth`, `username`, `certfile`).
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            AuthKey::AuthToken => "_authToken",
            AuthKey::Auth => "_auth",
            AuthKey::Username => "username",
            AuthKey::Certfile => "certfile",
        }
    }
}

/// `hasAuth(regKey, opts)`.
#[must_use]
pub fn has_auth(reg_key: &str, opts: &FlatOpts<'_>) -> Option<AuthKey> {
    let t = |s: &str| opts.truthy(&format!("{reg_key}:{s}"));
    if t("_authToken") {
        Some(AuthKey::AuthToken)
    } else if t("_auth") {
        Some(AuthKey::Auth)
    } else if t("username") && t("_password") {
        Some(AuthKey::Username)
    } else if t("certfile") && t("keyfile") {
        Some(AuthKey::Certfile)
    } else {
        None
    }
}

/// The keys `regFromURI` tries, deepest first. Every key is a prefix of
/// the first one, so they are kept as one string and the prefix lengths
/// (a URL with N path segments costs O(N), not N copies of itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkKeys {
    key: String,
    /// Lengths of the keys, strictly decreasing.
    ends: Vec<usize>,
}

impl WalkKeys {
    /// The keys, deepest first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ends.iter().filter_map(|e| self.key.get(..*e))
    }

    /// Whether `k` is one of the keys.
    #[must_use]
    pub fn contains(&self, k: &str) -> bool {
        self.ends
            .binary_search_by(|e| k.len().cmp(e))
            .is_ok_and(|_| self.key.as_bytes().get(..k.len()) == Some(k.as_bytes()))
    }

    /// The deepest key that ends in `/` and is a prefix of `text`: O(length),
    /// whatever the number of keys.
    #[must_use]
    pub fn deepest_dir_within(&self, text: &str) -> Option<&str> {
        let shared = self
            .key
            .bytes()
            .zip(text.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        self.iter().find(|k| k.len() <= shared && k.ends_with('/'))
    }

    /// How many keys there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// The keys `regFromURI` tries, deepest first.
///
/// # Errors
/// [`InvalidUrl`] when `new URL(uri)` throws.
pub fn walk_keys(uri: &str) -> Result<WalkKeys, InvalidUrl> {
    let key = request_key(uri)?;
    let mut ends = Vec::new();
    let mut end = key.len();
    while end > 2 {
        ends.push(end);
        let k = key.get(..end).unwrap_or("");
        // drop the last segment OR the trailing slash: /([^/]+|\/)$/
        end = if k.ends_with('/') {
            end - 1
        } else {
            k.rfind('/').map_or(0, |p| p + 1)
        };
    }
    Ok(WalkKeys { key, ends })
}

/// Walks with more keys than this look only at keys that some credential
/// setting could match (by length), so a URL with many path segments does
/// not build a key string per segment.
const SHORT_WALK: usize = 32;

/// Lengths of the `<prefix>` of every `<prefix>:<field>` setting that can
/// make `hasAuth` true.
fn credential_prefix_lengths(opts: &FlatOpts<'_>) -> std::collections::HashSet<usize> {
    let mut out = std::collections::HashSet::new();
    let mut add = |key: &str| {
        for suffix in [":_authToken", ":_auth", ":username", ":certfile"] {
            if let Some(prefix) = key.strip_suffix(suffix) {
                out.insert(prefix.len());
            }
        }
    };
    for layer in &opts.config.layers {
        for s in layer.settings.iter() {
            add(&s.key);
        }
    }
    for k in opts.overrides.into_iter().flat_map(|o| o.keys()) {
        add(k);
    }
    out
}

/// `regFromURI(uri, opts)`: the deepest key with any credential.
///
/// # Errors
/// [`InvalidUrl`] when `new URL(uri)` throws.
pub fn reg_from_uri(
    uri: &str,
    opts: &FlatOpts<'_>,
) -> Result<Option<(String, AuthKey)>, InvalidUrl> {
    let walk = walk_keys(uri)?;
    let lengths = (walk.len() > SHORT_WALK).then(|| credential_prefix_lengths(opts));
    for key in walk.iter() {
        if lengths.as_ref().is_some_and(|l| !l.contains(&key.len())) {
            continue;
        }
        if let Some(k) = has_auth(key, opts) {
            return Ok(Some((key.to_string(), k)));
        }
    }
    Ok(None)
}

/// What kind of credential a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Authorization: Bearer <_authToken>`.
    Token,
    /// `Authorization: Basic …` from `_auth` or `username`+`_password`.
    Basic,
    /// Only a TLS client certificate.
    Cert,
    None,
}

impl Kind {
    /// `token|basic|cert|none`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::Basic => "basic",
            Kind::Cert => "cert",
            Kind::None => "none",
        }
    }
}

/// The result of `getAuth(uri, opts)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// `auth.regKey`: the level the credential was taken from.
    pub reg_key: Option<String>,
    /// `auth.authKey`.
    pub auth_key: Option<AuthKey>,
    /// `auth.scopeAuthKey`: set when the request went to another host than
    /// the scope registry (npm warns about it on a 4xx).
    pub scope_auth_key: Option<String>,
    /// The registry URL whose own walk supplied the credential (the
    /// same-host fallback), when that happened.
    pub via_registry: Option<String>,
    pub kind: Kind,
    /// The config keys that supplied the credential, e.g.
    /// `//h/:_authToken` or `//h/:username` + `//h/:_password`.
    pub keys: Vec<String>,
    /// A client certificate is attached too (`certfile`+`keyfile` at the
    /// same level, both files readable).
    pub cert: bool,
    /// `certfile`/`keyfile` are set at that level but a file is missing
    /// (npm then silently sends no certificate).
    pub cert_missing: bool,
    /// The `Authorization` header npm sets (`Bearer …`, `Basic …`): a
    /// secret, never printed (see [`crate::secret::mask`]).
    pub header: Option<String>,
    /// `maybeReadFile` of `certfile`/`keyfile` threw (any error but
    /// ENOENT): `getAuth` throws it, the request is never made.
    pub file_error: Option<FileError>,
}

/// A file read error as node reports it (`EISDIR: illegal operation on a
/// directory, read`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub code: String,
    pub message: String,
}

/// `fs.readFileSync(path, 'utf8')` as `maybeReadFile` sees it: the text,
/// `Ok(None)` for ENOENT, or the error node throws.
///
/// # Errors
/// Any read error but ENOENT, with node's code and message.
pub fn maybe_read_file(path: &str) -> Result<Option<String>, FileError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Err(e) => {
            let (code, text, syscall) = match e.kind() {
                std::io::ErrorKind::NotFound => return Ok(None),
                std::io::ErrorKind::IsADirectory => {
                    ("EISDIR", "illegal operation on a directory", "read")
                }
                std::io::ErrorKind::PermissionDenied => ("EACCES", "permission denied", "open"),
                std::io::ErrorKind::NotADirectory => ("ENOTDIR", "not a directory", "open"),
                _ if e.raw_os_error() == Some(40) => {
                    ("ELOOP", "too many symbolic links encountered", "open")
                }
                _ => ("EIO", "i/o error", "read"),
            };
            let message = if syscall == "read" {
                format!("{code}: {text}, read")
            } else {
                format!("{code}: {text}, open '{path}'")
            };
            Err(FileError {
                code: code.to_string(),
                message,
            })
        }
    }
}

/// minipass-fetch's header value check (`/[^\t\x20-\x7e\x80-\xff]/` over
/// UTF-16 code units): whether `value` can be sent.
#[must_use]
pub fn legal_header_value(value: &str) -> bool {
    value
        .chars()
        .all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c))
}

/// `Buffer.from(s, 'utf8').toString('base64')`.
#[must_use]
pub fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The `Authorization` header node sends from credentials inside the URL
/// (`https://user:pass@host/`) when npm sets none: minipass-fetch passes
/// `auth: "${username}:${password}"` (still percent-encoded) to
/// `http.request`, which sends `Basic base64(auth)`.
#[must_use]
pub fn url_credentials_header(uri: &str) -> Option<String> {
    let u = url::Url::parse(uri).ok()?;
    let pass = u.password().unwrap_or("");
    if u.username().is_empty() && pass.is_empty() {
        return None;
    }
    let auth = format!("{}:{pass}", u.username());
    Some(format!("Basic {}", base64_encode(auth.as_bytes())))
}

impl Auth {
    fn none() -> Auth {
        Auth {
            reg_key: None,
            auth_key: None,
            scope_auth_key: None,
            via_registry: None,
            kind: Kind::None,
            keys: Vec::new(),
            cert: false,
            cert_missing: false,
            header: None,
            file_error: None,
        }
    }
}

/// `getAuth(uri, opts)` with `opts.spec`'s scope (`None` for scope-less
/// specs such as a bare tarball URL).
///
/// # Errors
/// [`InvalidUrl`] when a URL involved does not parse.
pub fn get_auth(
    uri: &str,
    opts: &FlatOpts<'_>,
    spec_scope: Option<&str>,
) -> Result<Auth, InvalidUrl> {
    get_auth_inner(uri, opts, spec_scope, 0)
}

fn get_auth_inner(
    uri: &str,
    opts: &FlatOpts<'_>,
    spec_scope: Option<&str>,
    depth: usize,
) -> Result<Auth, InvalidUrl> {
    let found = reg_from_uri(uri, opts)?;
    let Some((reg_key, auth_key)) = found else {
        let registry = auth_registry(spec_scope, opts);
        if let Some(registry) = registry.as_deref() {
            if depth == 0 && uri != registry && same_host(uri, registry)? {
                let mut auth = get_auth_inner(registry, opts, spec_scope, depth + 1)?;
                if auth.kind != Kind::None || auth.cert_missing {
                    auth.via_registry = Some(registry.to_string());
                }
                return Ok(auth);
            }
        }
        if registry != opts.registry() {
            let scope_key = match registry.as_deref() {
                Some(r) => reg_from_uri(r, opts)?.map(|(k, _)| k),
                None => None,
            };
            let mut auth = Auth::none();
            auth.scope_auth_key = scope_key;
            return Ok(auth);
        }
        return Ok(Auth::none());
    };
    Ok(credential_at(&reg_key, auth_key, opts))
}

/// The credential the `Auth` constructor builds from level `reg_key`.
fn credential_at(reg_key: &str, auth_key: AuthKey, opts: &FlatOpts<'_>) -> Auth {
    let key = |s: &str| format!("{reg_key}:{s}");
    let mut auth = Auth::none();
    auth.reg_key = Some(reg_key.to_string());
    auth.auth_key = Some(auth_key);
    let text = |s: &str| opts.value(&key(s)).js_string();
    if opts.truthy(&key("_authToken")) {
        auth.kind = Kind::Token;
        auth.keys.push(key("_authToken"));
        auth.header = Some(format!("Bearer {}", text("_authToken")));
    } else if opts.truthy(&key("_auth")) {
        auth.kind = Kind::Basic;
        auth.keys.push(key("_auth"));
        auth.header = Some(format!("Basic {}", text("_auth")));
    } else if opts.truthy(&key("username")) && opts.truthy(&key("_password")) {
        auth.kind = Kind::Basic;
        auth.keys.push(key("username"));
        auth.keys.push(key("_password"));
        // Buffer.from(password, 'base64').toString('utf8'), then
        // Buffer.from(`${username}:${p}`, 'utf8').toString('base64')
        let p = base64_decode_lossy(&text("_password"));
        let pair = format!("{}:{p}", text("username"));
        auth.header = Some(format!("Basic {}", base64_encode(pair.as_bytes())));
    }
    if let (Some(cert), Some(keyfile)) =
        (opts.string(&key("certfile")), opts.string(&key("keyfile")))
    {
        // maybeReadFile(certfile) then maybeReadFile(keyfile): ENOENT is
        // null, any other error is thrown; both must be non-empty
        let read = maybe_read_file(&cert).and_then(|c| Ok((c, maybe_read_file(&keyfile)?)));
        match read {
            Err(e) => auth.file_error = Some(e),
            Ok((Some(c), Some(k))) if !c.is_empty() && !k.is_empty() => {
                auth.keys.push(key("certfile"));
                auth.keys.push(key("keyfile"));
                auth.cert = true;
                if auth.kind == Kind::None {
                    auth.kind = Kind::Cert;
                }
            }
            Ok(_) => auth.cert_missing = true,
        }
    }
    auth
}

/// `sameHost(a, b)`: `URL.host` equal (port included).
///
/// # Errors
/// [`InvalidUrl`] when either URL does not parse.
pub fn same_host(a: &str, b: &str) -> Result<bool, InvalidUrl> {
    let pa = url::Url::parse(a).map_err(|_| InvalidUrl)?;
    let pb = url::Url::parse(b).map_err(|_| InvalidUrl)?;
    Ok(host_with_port(&pa) == host_with_port(&pb))
}

/// What `config.getCredentialsByURI(uri)` finds (exact nerf-dart key, no
/// walk, no fallback): the `npm publish` / `npm whoami` pre-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactCredentials {
    /// The nerf-dart looked up, e.g. `//h/api/v4/packages/`.
    pub nerfed: String,
    pub token: bool,
    /// `username` + `_password`, or `_auth`.
    pub basic: bool,
    pub cert: bool,
    /// The keys that supplied what was found.
    pub keys: Vec<String>,
}

impl ExactCredentials {
    /// npm publish's test: token, username or certfile present.
    #[must_use]
    pub fn satisfies_publish(&self) -> bool {
        self.token || self.basic || self.cert
    }
}

/// `getCredentialsByURI(uri)` over the config's current values.
///
/// # Errors
/// [`InvalidUrl`] when `uri` or the configured `registry` has no nerf-dart.
pub fn credentials_by_uri(config: &Config, uri: &str) -> Result<ExactCredentials, InvalidUrl> {
    credentials_by_uri_with(&|k: &str| config.get(k).clone(), uri)
}

/// `getCredentialsByURI(uri)` with `get` answering `config.get(key)` (the
/// caller decides whether that is before or after `validate()`).
///
/// Like npm it first computes the nerf-dart of `uri` and of the configured
/// `registry` (either may throw `ERR_INVALID_URL`), then looks for
/// `certfile`+`keyfile`, `_authToken`, `username`+`_password`, `_auth` at
/// exactly `nerfDart(uri)`. `_auth` only counts for publish when its
/// base64-decoded text has a non-empty user name before the first `:`.
///
/// # Errors
/// [`InvalidUrl`] when `uri` or the configured `registry` has no nerf-dart.
pub fn credentials_by_uri_with(
    get: &dyn Fn(&str) -> Value,
    uri: &str,
) -> Result<ExactCredentials, InvalidUrl> {
    let nerfed = nerf_dart(uri)?;
    nerf_dart(&get("registry").js_string())?;
    let key = |s: &str| format!("{nerfed}:{s}");
    let t = |s: &str| get(&key(s)).is_truthy();
    let mut c = ExactCredentials {
        nerfed: nerfed.clone(),
        token: false,
        basic: false,
        cert: false,
        keys: Vec::new(),
    };
    if t("certfile") && t("keyfile") {
        c.cert = true;
        c.keys.push(key("certfile"));
        c.keys.push(key("keyfile"));
    }
    if t("_authToken") {
        c.token = true;
        c.keys.push(key("_authToken"));
    } else if t("username") && t("_password") {
        c.basic = true;
        c.keys.push(key("username"));
        c.keys.push(key("_password"));
    } else if t("_auth") {
        let decoded = base64_decode_lossy(&get(&key("_auth")).js_string());
        c.basic = decoded.split(':').next().is_some_and(|u| !u.is_empty());
        c.keys.push(key("_auth"));
    }
    Ok(c)
}

/// `Buffer.from(s, 'base64').toString('utf8')`: node's lenient decoder
/// (URL-safe letters accepted, other characters skipped, stops at `=`).
#[must_use]
pub fn base64_decode_lossy(s: &str) -> String {
    String::from_utf8_lossy(&base64_decode_bytes(s)).into_owned()
}

/// `Buffer.from(s, 'base64')`: the bytes of node's lenient decoder.
#[must_use]
pub fn base64_decode_bytes(s: &str) -> Vec<u8> {
    let mut bits: u32 = 0;
    let mut n = 0u32;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push(((bits >> n) & 0xff) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_matches_npm() {
        assert_eq!(
            walk_keys("https://h/api/v4/packages/npm/@s%2fp")
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            vec![
                "//h/api/v4/packages/npm/@s%2fp",
                "//h/api/v4/packages/npm/",
                "//h/api/v4/packages/npm",
                "//h/api/v4/packages/",
                "//h/api/v4/packages",
                "//h/api/v4/",
                "//h/api/v4",
                "//h/api/",
                "//h/api",
                "//h/",
                "//h",
            ]
        );
        let walk = walk_keys("https://h:443/").unwrap();
        assert_eq!(walk.iter().collect::<Vec<_>>(), vec!["//h/", "//h"]);
        assert!(walk.contains("//h") && walk.contains("//h/") && !walk.contains("//x"));
        assert!(walk_keys("not a url").is_err());
    }

    #[test]
    fn header_values_like_minipass_fetch() {
        assert!(legal_header_value("Bearer npm_abc\tdef"));
        assert!(legal_header_value("Bearer tok-\u{e9}"));
        assert!(!legal_header_value("Bearer tok\n"));
        assert!(!legal_header_value("Bearer \u{201c}tok\u{201d}"));
        assert!(!legal_header_value("Bearer tok\u{7f}"));
    }

    #[test]
    fn base64_encode_like_buffer() {
        assert_eq!(base64_encode(b"alice:s3cret"), "YWxpY2U6czNjcmV0");
        assert_eq!(base64_encode(b"u"), "dQ==");
        assert_eq!(base64_encode(b"us"), "dXM=");
        assert_eq!(base64_encode(b""), "");
    }

    #[test]
    fn url_credentials_go_out_percent_encoded() {
        assert_eq!(
            url_credentials_header("http://carol:pa55@h/x").as_deref(),
            Some("Basic Y2Fyb2w6cGE1NQ==")
        );
        // `a b` is percent-encoded by the URL parser and sent that way
        assert_eq!(
            url_credentials_header("http://a%20b@h/").as_deref(),
            Some(format!("Basic {}", base64_encode(b"a%20b:")).as_str())
        );
        assert_eq!(url_credentials_header("http://h/"), None);
    }

    #[test]
    fn read_errors_other_than_enoent_are_thrown() {
        let dir = std::env::temp_dir();
        let e = maybe_read_file(&dir.display().to_string()).unwrap_err();
        assert_eq!(e.code, "EISDIR");
        assert_eq!(e.message, "EISDIR: illegal operation on a directory, read");
        assert_eq!(maybe_read_file("/nonexistent/npmrc-doctor/x"), Ok(None));
    }

    #[test]
    fn base64_like_node() {
        assert_eq!(base64_decode_lossy("dXNlcjpwYXNz"), "user:pass");
        assert_eq!(base64_decode_lossy("dXNl cjpw\nYXNz"), "user:pass");
        assert_eq!(base64_decode_lossy("dQ=="), "u");
        assert_eq!(base64_decode_lossy(""), "");
    }
}
