//! Helpers shared by the `package.json` rules: whether npm would publish a
//! manifest, and the registry `npm publish` sends it to — npm
//! `lib/commands/publish.js` `#getManifest` (publishConfig minus the keys
//! given on the command line, flattened over npm's flat options) followed by
//! npm-registry-fetch `pickRegistry` (npm-semantics.md §6.1, §8).

use crate::check::context::Context;
use crate::config::{Layer, Origin};
use crate::manifest::spanned::{Manifest, pointer_token};
use crate::value::Value;
use std::ops::Range;
use std::path::PathBuf;

/// npm-registry-fetch's default registry.
pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org/";

/// JS truthiness of a JSON value.
#[must_use]
pub fn json_truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => true,
    }
}

/// Whether `npm publish` refuses the package with `EPRIVATE`
/// (libnpmpublish: `if (manifest.private)`, JS truthiness).
#[must_use]
pub fn is_private(m: &Manifest) -> bool {
    m.value
        .as_ref()
        .and_then(|v| v.get("private"))
        .is_some_and(json_truthy)
}

/// The name of a manifest its maintainers would publish (see
/// [`crate::project::publish`]: not private, with a name and version, the
/// project root or a workspace member, not a fixture or template).
#[must_use]
pub fn publishable<'a>(cx: &Context<'_>, m: &'a Manifest) -> Option<&'a str> {
    if !cx.intent(m).would_publish() {
        return None;
    }
    m.name()
}

/// The scope of a package name (`@acme` of `@acme/ui`), as npm-package-arg
/// sets `spec.scope`.
#[must_use]
pub fn name_scope(name: &str) -> Option<&str> {
    if !name.starts_with('@') {
        return None;
    }
    let slash = name.find('/')?;
    name.get(..slash)
}

/// A string value of the manifest with its span.
#[must_use]
pub fn manifest_str<'a>(m: &'a Manifest, pointer: &str) -> Option<(&'a str, Range<usize>)> {
    let v = m.value.as_ref()?.pointer(pointer)?.as_str()?;
    Some((v, m.value_span(pointer)))
}

/// The JSON pointer of `publishConfig[key]`.
#[must_use]
pub fn publish_config_pointer(key: &str) -> String {
    format!("/publishConfig/{}", pointer_token(key))
}

/// Where a flat option used by `pickRegistry` came from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `publishConfig[key]` in the manifest.
    PublishConfig { key: String, span: Range<usize> },
    /// npm's config (any layer).
    Config { key: String, origin: Origin },
    /// npm-registry-fetch's built-in default.
    Default,
}

impl Source {
    /// How to name the source in a message: `publishConfig["@a:registry"]`,
    /// `` `@a:registry` in ~/.npmrc ``, ….
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Source::PublishConfig { key, .. } => format!("`publishConfig[\"{key}\"]`"),
            Source::Config { key, origin } => format!("`{key}` {}", describe_origin(origin)),
            Source::Default => "npm's default registry".to_string(),
        }
    }

    /// A place to put a secondary label on: (file, span).
    #[must_use]
    pub fn location(&self, manifest: &Manifest) -> Option<(PathBuf, Range<usize>)> {
        match self {
            Source::PublishConfig { span, .. } => Some((manifest.path.clone(), span.clone())),
            Source::Config { origin, .. } => origin_location(origin),
            Source::Default => None,
        }
    }
}

/// `in the user config file, line 3`, `in the environment (NPM_CONFIG_X)`,
/// `on the command line` (no paths: the secondary label shows the file).
#[must_use]
pub fn describe_origin(origin: &Origin) -> String {
    match origin.layer {
        Layer::Env => match &origin.env_var {
            Some(v) => format!("in the environment (`{v}`)"),
            None => "in the environment".to_string(),
        },
        Layer::Cli => "on the command line".to_string(),
        Layer::Default => "by default".to_string(),
        layer => match origin.line {
            Some(l) => format!("in the {} config file, line {l}", layer.name()),
            None => format!("in the {} config file", layer.name()),
        },
    }
}

/// The file and span (the whole entry line's key..value) of a config origin.
#[must_use]
pub fn origin_location(origin: &Origin) -> Option<(PathBuf, Range<usize>)> {
    let file = origin.file.clone()?;
    let span = match (&origin.key_span, &origin.value_span) {
        (Some(k), Some(v)) if v.end >= k.start => k.start..v.end.max(k.end),
        (Some(k), _) => k.clone(),
        _ => origin.line_span.clone()?,
    };
    Some((file, span))
}

/// One flat option: its JS value and where it came from.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: Value,
    pub source: Source,
}

/// The flat options `pickRegistry` reads for one manifest: npm's config
/// flattened, then the manifest's `publishConfig` (minus keys given on the
/// command line) flattened over it.
#[derive(Debug, Clone, Default)]
pub struct PublishOpts {
    opts: Vec<(String, Opt)>,
}

impl PublishOpts {
    /// Builds the options for `manifest`.
    #[must_use]
    pub fn new(cx: &Context<'_>, manifest: &Manifest) -> PublishOpts {
        let mut out = PublishOpts::default();
        if let Some(config) = cx.config() {
            for key in config.explicit_keys() {
                if !(is_scope_registry_re(key) || matches!(key, "registry" | "scope" | "access")) {
                    continue;
                }
                if let Some(s) = config.setting(key) {
                    out.set(
                        key,
                        flat_value(key, &s.value),
                        Source::Config {
                            key: key.to_string(),
                            origin: s.origin.clone(),
                        },
                    );
                }
            }
        }
        let Some(pc) = manifest
            .value
            .as_ref()
            .and_then(|v| v.get("publishConfig"))
            .and_then(serde_json::Value::as_object)
        else {
            return out;
        };
        // the model decides which keys npm flattens over its options
        let overrides = match cx.config() {
            Some(config) => crate::npm::publish::publish_config_overrides(
                config,
                &serde_json::Value::Object(pc.clone()),
            ),
            None => pc
                .iter()
                .map(|(k, v)| (k.clone(), flat_value(k, &Value::from_json(v))))
                .collect(),
        };
        for (key, value) in overrides {
            if !(is_scope_registry_re(&key)
                || matches!(key.as_str(), "registry" | "scope" | "access"))
            {
                continue;
            }
            let span = manifest.value_span(&publish_config_pointer(&key));
            out.set(
                &key,
                value,
                Source::PublishConfig {
                    key: key.clone(),
                    span,
                },
            );
        }
        out
    }

    fn set(&mut self, key: &str, value: Value, source: Source) {
        let opt = Opt { value, source };
        if let Some(slot) = self.opts.iter_mut().find(|(k, _)| k == key) {
            slot.1 = opt;
        } else {
            self.opts.push((key.to_string(), opt));
        }
    }

    /// `opts[key]`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Opt> {
        self.opts.iter().find(|(k, _)| k == key).map(|(_, o)| o)
    }

    /// `opts.access` after flattening (`private` → `restricted`).
    #[must_use]
    pub fn access(&self) -> Option<&Opt> {
        self.get("access")
    }
}

/// `/@.*:registry$/i`.
fn is_scope_registry_re(key: &str) -> bool {
    crate::rules::support::is_scope_registry_key(key)
}

/// What the definition's `flatten` stores for `key`.
fn flat_value(key: &str, value: &Value) -> Value {
    match (key, value) {
        ("scope", Value::Str(s)) if !s.is_empty() && !s.starts_with('@') => {
            Value::Str(format!("@{s}"))
        }
        ("access", Value::Str(s)) if s == "private" => Value::Str("restricted".into()),
        _ => value.clone(),
    }
}

/// `scope.replace(/^@?/, '@') + ':registry'`.
fn scope_key(scope: &str) -> String {
    format!("@{}:registry", scope.strip_prefix('@').unwrap_or(scope))
}

/// Why `pickRegistry` chose the registry it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The package's own scope is mapped (`@acme:registry`).
    Scope,
    /// The config `scope` option's mapping.
    ScopeOption,
    /// `registry` (or the default).
    Registry,
}

/// The registry `npm publish` sends a package to.
#[derive(Debug, Clone)]
pub struct PublishTarget {
    /// The registry URL (`String(value)`).
    pub url: String,
    /// The option that supplied it.
    pub source: Source,
    /// The key looked up (`@acme:registry`, `registry`).
    pub key: String,
    pub via: Via,
}

/// npm-registry-fetch `pickRegistry(name@version, opts)`: the model's
/// decision ([`crate::npm::auth::pick_registry_with`]) over these options,
/// with where the answer came from.
#[must_use]
pub fn pick_registry(name: &str, opts: &PublishOpts) -> PublishTarget {
    let get = |k: &str| opts.get(k).map_or(Value::Undefined, |o| o.value.clone());
    let (url, key) = crate::npm::auth::pick_registry_with(name_scope(name), &get);
    let Some(key) = key else {
        return PublishTarget {
            url: DEFAULT_REGISTRY.to_string(),
            source: Source::Default,
            key: "registry".into(),
            via: Via::Registry,
        };
    };
    let via = if key == "registry" {
        Via::Registry
    } else if name_scope(name).is_some_and(|s| scope_key(s) == key) {
        Via::Scope
    } else {
        Via::ScopeOption
    };
    PublishTarget {
        url,
        source: opts.get(&key).map_or(Source::Default, |o| o.source.clone()),
        key,
        via,
    }
}

/// The registry `npm publish` would send `manifest` to, or None when npm
/// would not publish it (private, no name, not valid JSON).
#[must_use]
pub fn publish_registry(cx: &Context<'_>, manifest: &Manifest) -> Option<PublishTarget> {
    let name = publishable(cx, manifest)?;
    Some(pick_registry(name, &PublishOpts::new(cx, manifest)))
}

/// Every checked manifest `npm publish` would publish, with its name and
/// publish registry.
pub fn publish_targets<'a>(
    cx: &'a Context<'a>,
) -> impl Iterator<Item = (&'a Manifest, &'a str, PublishTarget)> + 'a {
    cx.manifests().iter().filter_map(move |m| {
        let name = publishable(cx, m)?;
        Some((m, name, pick_registry(name, &PublishOpts::new(cx, m))))
    })
}

/// The host of a registry URL (lower-cased by the URL parser).
#[must_use]
pub fn url_host(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    u.host_str().map(str::to_string)
}

/// Whether the URL is the public npm registry.
#[must_use]
pub fn is_npmjs(url: &str) -> bool {
    url_host(url).is_some_and(|h| h == "registry.npmjs.org")
}

/// Whether a registry URL has GitLab's API path shape (`/api/v4/…`, any host).
#[must_use]
pub fn is_gitlab(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|u| u.path().starts_with("/api/v4/"))
}

/// Whether a registry URL is GitHub Packages.
#[must_use]
pub fn is_github_packages(url: &str) -> bool {
    url_host(url).is_some_and(|h| h == "npm.pkg.github.com")
}

/// The span of the scope inside the `name` value (`@Acme` of `"@Acme/ui"`),
/// or the whole value when the string has escapes.
#[must_use]
pub fn name_scope_span(m: &Manifest, name: &str, scope: &str) -> Range<usize> {
    let span = m.value_span("/name");
    let raw = m.text.get(span.clone()).unwrap_or("");
    if raw.len() == name.len() + 2 && raw.get(1..raw.len() - 1) == Some(name) {
        span.start + 1..span.start + 1 + scope.len()
    } else {
        span
    }
}

/// Adds a secondary label on where the publish registry came from, and
/// returns how to name it.
#[must_use]
pub fn with_registry_label(
    d: crate::check::diagnostic::Diagnostic,
    m: &Manifest,
    target: &PublishTarget,
) -> crate::check::diagnostic::Diagnostic {
    match target.source.location(m) {
        Some((file, span)) => {
            d.secondary(file, span, format!("publish registry (`{}`)", target.key))
        }
        None => d,
    }
}
