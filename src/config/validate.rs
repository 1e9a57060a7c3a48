//! `Config#validate()` (npm-semantics.md §4.2): type checks per layer and the
//! legacy-auth check that makes every npm command except `npm config` abort.
//!
//! npm runs it after building its flat options, so the values it removes are
//! still used for requests (§1.9); it is reproduced here on a copy of the
//! layers, and its verdict is reported next to the loaded values.

use super::layer::{Layer, Origin};
use super::nerf_dart::nerf_dart;
use super::{Config, Warning};
use crate::value::{JsObject, Value};

/// What `validate()` throws.
#[derive(Debug, Clone, PartialEq)]
pub enum ValidationError {
    /// `ERR_INVALID_AUTH`: un-nerfed credentials in a config file.
    InvalidAuth {
        message: String,
        problems: Vec<AuthProblem>,
    },
    /// Anything else `validate()` throws (node's `url.parse` on a bad URL).
    Thrown {
        code: Option<String>,
        message: String,
    },
    /// `ERR_INVALID_URL`: the effective registry is not a URL.
    InvalidUrl {
        /// The registry value npm tried to nerf-dart.
        registry: String,
        /// Where that registry value was set (none for the default).
        origin: Option<Origin>,
    },
}

impl ValidationError {
    /// `ERR_INVALID_AUTH` or `ERR_INVALID_URL`.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            ValidationError::InvalidAuth { .. } => Some("ERR_INVALID_AUTH"),
            ValidationError::InvalidUrl { .. } => Some("ERR_INVALID_URL"),
            ValidationError::Thrown { code, .. } => code.as_deref(),
        }
    }

    /// npm's message, verbatim.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            ValidationError::InvalidAuth { message, .. } => message,
            ValidationError::InvalidUrl { .. } => "Invalid URL",
            ValidationError::Thrown { message, .. } => message,
        }
    }
}

/// One problem of `ERR_INVALID_AUTH`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthProblem {
    /// `delete` or `rename`.
    pub action: AuthAction,
    /// The key as written (`_authToken`, `username`, …).
    pub key: String,
    /// The layer (`global`, `user`, `project`).
    pub layer: Layer,
    /// Where the offending entry is.
    pub origin: Option<Origin>,
}

/// What `npm config fix` would do with a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthAction {
    Delete,
    /// Rename to the nerf-darted key of the effective registry.
    Rename {
        to: String,
    },
}

/// A value `validate()` rejects: warned about, removed from `config.get`,
/// still used by requests.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidValue {
    pub key: String,
    pub layer: Layer,
    pub origin: Option<Origin>,
}

/// The result of `validate()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Validation {
    pub error: Option<ValidationError>,
    /// `npm warn invalid config …` lines, in npm's order.
    pub warnings: Vec<Warning>,
    pub invalid: Vec<InvalidValue>,
    /// The layers as `validate()` leaves them (invalid values removed,
    /// valid ones normalised), when it did not throw.
    pub cleaned: Option<Vec<(Layer, JsObject)>>,
}

impl Validation {
    /// The config as npm holds it after `validate()`: what `config.get`
    /// returns from then on, and what flat options are rebuilt from when
    /// npm invalidates them (a `scope` without `@`, npm-semantics.md §1.9).
    #[must_use]
    pub fn apply(&self, config: &Config) -> Option<Config> {
        let cleaned = self.cleaned.as_ref()?;
        let mut out = config.clone();
        for layer in &mut out.layers {
            let Some((_, obj)) = cleaned.iter().find(|(l, _)| *l == layer.layer) else {
                continue;
            };
            let keys: Vec<String> = layer.settings.iter().map(|s| s.key.clone()).collect();
            for key in keys {
                match obj.get(&key) {
                    Some(v) => {
                        if let Some(s) = layer.get_mut(&key) {
                            if s.value != *v {
                                s.value = v.clone();
                            }
                        }
                    }
                    None => {
                        layer.remove(&key);
                    }
                }
            }
        }
        Some(out)
    }
}

/// Runs npm's `validate()` on a copy of the loaded layers.
#[must_use]
pub fn validate(config: &Config) -> Validation {
    // the default layer is never cleaned: it is read through `config`
    let mut data: Vec<(Layer, JsObject)> = config
        .layers
        .iter()
        .filter(|l| l.layer != Layer::Default)
        .map(|l| {
            let mut obj = JsObject::new();
            for s in l.settings.iter() {
                obj.insert(s.key.clone(), s.value.clone());
            }
            (l.layer, obj)
        })
        .collect();
    let mut out = Validation::default();
    let types = super::types::NpmTypes::machine();
    let ctx = super::clean::CleanCtx {
        types: &types,
        home: &config.home,
        cwd: &config.cwd,
    };
    let mut problems: Vec<AuthProblem> = Vec::new();

    for layer in [Layer::Global, Layer::User, Layer::Project, Layer::Env] {
        let source = config.layer(layer).source.clone();
        if let Some((_, obj)) = data.iter_mut().find(|(l, _)| *l == layer) {
            let before: Vec<String> = obj.keys().iter().map(|k| (*k).to_string()).collect();
            let result = match super::clean::clean(obj, &source, &ctx) {
                Ok(r) => r,
                Err(e) => {
                    out.error = Some(ValidationError::Thrown {
                        code: e.code().map(str::to_string),
                        message: e.to_string(),
                    });
                    return out;
                }
            };
            for key in before {
                if !obj.contains_key(&key) || result.removed.contains(&key) {
                    out.invalid.push(InvalidValue {
                        origin: config.layer(layer).get(&key).map(|s| s.origin.clone()),
                        key,
                        layer,
                    });
                }
            }
            out.warnings
                .extend(result.warnings.into_iter().map(Warning::new));
        }
        if !layer.is_file() {
            continue;
        }
        let own = |key: &str| -> bool {
            data.iter()
                .find(|(l, _)| *l == layer)
                .and_then(|(_, o)| o.get(key))
                .is_some_and(Value::is_truthy)
        };
        let origin_of = |key: &str| config.layer(layer).get(key).map(|s| s.origin.clone());
        for key in ["_authtoken", "-authtoken"] {
            if own(key) {
                problems.push(AuthProblem {
                    action: AuthAction::Delete,
                    key: key.into(),
                    layer,
                    origin: origin_of(key),
                });
            }
        }
        let registry = effective(&data, "registry").unwrap_or_else(|| {
            config
                .layer(Layer::Default)
                .get("registry")
                .map_or(Value::Undefined, |s| s.value.clone())
        });
        let nerfed = match nerf_dart(&registry.js_string()) {
            Ok(n) => n,
            Err(_) => {
                out.error = Some(ValidationError::InvalidUrl {
                    registry: registry.js_string(),
                    origin: config.setting("registry").map(|s| s.origin.clone()),
                });
                return out;
            }
        };
        for key in ["_auth", "_authToken", "username", "_password"] {
            if !own(key) {
                continue;
            }
            let action = if (key == "username" && !own("_password"))
                || (key == "_password" && !own("username"))
            {
                AuthAction::Delete
            } else {
                AuthAction::Rename {
                    to: format!("{nerfed}:{key}"),
                }
            };
            problems.push(AuthProblem {
                action,
                key: key.into(),
                layer,
                origin: origin_of(key),
            });
        }
    }
    if problems.is_empty() {
        out.cleaned = Some(data);
    } else {
        out.error = Some(ValidationError::InvalidAuth {
            message: invalid_auth_message(&problems),
            problems,
        });
    }
    out
}

/// `config.get(key)` over the (partly cleaned) copies of the non-default
/// layers.
fn effective(data: &[(Layer, JsObject)], key: &str) -> Option<Value> {
    data.iter().rev().find_map(|(_, o)| o.get(key)).cloned()
}

/// `ErrInvalidAuth`'s message (with npm's stray trailing backtick).
#[must_use]
pub fn invalid_auth_message(problems: &[AuthProblem]) -> String {
    let parts: Vec<String> = problems
        .iter()
        .map(|p| match &p.action {
            AuthAction::Delete => format!("`{}` is not allowed in {} config", p.key, p.layer),
            AuthAction::Rename { to } => {
                format!(
                    "`{}` must be renamed to `{to}` in {} config",
                    p.key, p.layer
                )
            }
        })
        .collect();
    format!(
        "Invalid auth configuration found: {}\nPlease run `npm config fix` to repair your configuration.`",
        parts.join(", ")
    )
}
