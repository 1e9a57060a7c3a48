//! `npm publish` (npm `lib/commands/publish.js`, libnpmpublish): the
//! registry after `publishConfig`, npm's exact nerf-dart credential
//! pre-check (`ENEEDAUTH`), and the PUT with the credential it would carry.

use super::{Ctx, ErrorInfo, Request};
use crate::auth::{FlatOpts, Overrides, credentials_by_uri_with, get_auth, pick_registry};
use crate::config::nerf_dart::nerf_dart;
use crate::config::validate::Validation;
use crate::config::{Config, Layer};
use crate::spec::js_trim;
use crate::spec::npa::resolve;
use crate::value::Value;
use std::path::PathBuf;

/// What `npm publish` of one package does.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishView {
    /// The registry `pickRegistry(name@version)` returns after publishConfig.
    pub registry: Option<String>,
    /// `ENEEDAUTH`, `ERR_INVALID_URL`, `EUNSCOPED`, …
    pub error: Option<ErrorInfo>,
    /// The key prefix the pre-check looked up (`nerfDart(registry)`).
    pub checked_key: Option<String>,
    /// The PUT (made even when the pre-check fails, as a what-if).
    pub put: Option<Request>,
    /// The package is the project's own (`npm publish` in the directory).
    pub project: bool,
    /// The package's `publishConfig` was applied (directory publish).
    pub publish_config: bool,
    /// `publishConfig.registry`, when the mapped scope made npm ignore it.
    pub ignored_publish_config_registry: Option<String>,
    /// `--dry-run`: the pre-check only warns.
    pub warning: Option<String>,
    /// The project's package.json says `"private"` (JS truthy): npm
    /// refuses to publish it (`EPRIVATE`), after the pre-check and the
    /// version check.
    pub private: bool,
    /// The version check GET npm makes before the PUT (not with
    /// `--force`): `pacote.packument(name@version)` with npm's flat options
    /// and `registry` set to the publish registry. npm ignores its errors.
    pub version_check: Option<Request>,
    /// `--dry-run`: npm stops before libnpmpublish, no PUT.
    pub dry_run: bool,
}

/// libnpmpublish's `EPRIVATE` error, verbatim.
#[must_use]
pub fn eprivate() -> ErrorInfo {
    ErrorInfo::new(
        "EPRIVATE",
        "This package has been marked as private\nRemove the 'private' field from the package.json to publish it.",
    )
}

/// `config.get(key)` after `validate()` removed the invalid values.
#[must_use]
pub fn validated_get(config: &Config, validation: &Validation, key: &str) -> Value {
    for l in config.layers.iter().rev() {
        if let Some(s) = l.get(key) {
            let removed = validation
                .invalid
                .iter()
                .any(|i| i.key == key && i.layer == l.layer);
            if !removed {
                return s.value.clone();
            }
        }
    }
    Value::Undefined
}

/// The flat options `publishConfig` contributes (keys given on the
/// command line are dropped first, as npm does).
#[must_use]
pub fn publish_config_overrides(config: &Config, publish_config: &serde_json::Value) -> Overrides {
    let mut out = Overrides::new();
    let Some(obj) = publish_config.as_object() else {
        return out;
    };
    let cli = config.layer(Layer::Cli);
    for (k, v) in obj {
        if cli.get(k).is_some() {
            continue;
        }
        // @npmcli/config's flatten: the definitions' own flatten (those
        // that matter for requests), `/@.*:registry$/i` and `//…` keys as is
        let value = Value::from_json(v);
        let value = match (k.as_str(), value) {
            ("scope", Value::Str(s)) if !s.is_empty() && !s.starts_with('@') => {
                Value::Str(format!("@{s}"))
            }
            ("access", Value::Str(s)) if s == "private" => Value::Str("restricted".into()),
            ("registry" | "access" | "scope" | "dry-run", v) => v,
            (_, v) if k.starts_with("//") || crate::rules::support::is_scope_registry_key(k) => v,
            _ => continue,
        };
        out.insert(k.clone(), value);
    }
    out
}

/// npm-registry-fetch's URI for a relative path: one trailing slash of the
/// registry removed, then `/<path>`.
#[must_use]
pub fn put_url(registry: &str, escaped_name: &str) -> String {
    let reg = js_trim(registry);
    let reg = reg.strip_suffix('/').unwrap_or(reg);
    format!("{reg}/{escaped_name}")
}

/// `redactLog` of the registry in npm's ENEEDAUTH message.
fn redact_log(s: &str) -> String {
    crate::secret::redact_url_passwords(s)
        .split(' ')
        .map(|w| {
            if w.starts_with("npm_") || w.starts_with("npms_") {
                "npm_***".to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Explains `npm publish` of `name` at `version`.
#[must_use]
pub fn explain(ctx: &Ctx<'_>, name: &str, version: &str) -> PublishView {
    let mut view = PublishView {
        registry: None,
        error: None,
        checked_key: None,
        put: None,
        project: false,
        publish_config: false,
        ignored_publish_config_registry: None,
        warning: None,
        private: false,
        version_check: None,
        dry_run: false,
    };
    let project = ctx
        .project
        .as_ref()
        .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some(name));
    let (version, pubcfg) = match project {
        Some(p) => (
            p.get("version")
                .and_then(|v| v.as_str())
                .unwrap_or(version)
                .to_string(),
            p.get("publishConfig").filter(|c| !c.is_null()),
        ),
        None => (version.to_string(), None),
    };
    view.project = project.is_some();
    view.private = project
        .and_then(|p| p.get("private"))
        .is_some_and(crate::rules::support_manifest::json_truthy);
    view.publish_config = pubcfg.is_some();
    let overrides = pubcfg.map_or_else(Overrides::new, |c| publish_config_overrides(ctx.config, c));
    let pkg_json: Option<PathBuf> = pubcfg.map(|_| ctx.config.cwd.join("package.json"));
    let base = ctx.flat();
    let opts = base.with(&overrides);
    let spec = match resolve(Some(name), &version, None) {
        Ok(s) => s,
        Err(e) => {
            view.error = Some(ErrorInfo {
                code: e.code.map(str::to_string),
                message: e.message,
            });
            return view;
        }
    };
    // lib/commands/publish.js: a prerelease needs --tag (not with --force),
    // before any request
    let pubcfg_tag = pubcfg
        .and_then(|c| c.get("tag"))
        .is_some_and(crate::rules::support_manifest::json_truthy);
    let default_tag = ctx.config.find("tag").is_none_or(|l| l == Layer::Default) && !pubcfg_tag;
    if view.project
        && default_tag
        && !base.truthy("force")
        && crate::spec::semver::parse(&version, false).is_some_and(|v| !v.prerelease.is_empty())
    {
        view.error = Some(ErrorInfo {
            code: None,
            message: "You must specify a tag using --tag when publishing a prerelease version."
                .into(),
        });
        return view;
    }
    let (registry, key) = pick_registry(spec.scope.as_deref(), &opts);
    if let Some(Value::Str(r)) = overrides.get("registry") {
        if key.as_deref().is_some_and(|k| k != "registry") && *r != registry {
            view.ignored_publish_config_registry = Some(r.clone());
        }
    }
    view.checked_key = nerf_dart(&registry).ok();
    let get = |k: &str| validated_get(ctx.config, ctx.validation, k);
    match credentials_by_uri_with(&get, &registry) {
        Err(_) => view.error = Some(ErrorInfo::invalid_url()),
        Ok(c) if !c.satisfies_publish() => {
            let msg = format!(
                "This command requires you to be logged in to {}",
                redact_log(&registry)
            );
            if base.truthy("dry-run") {
                view.warning = Some(format!("{msg} (dry-run)"));
            } else {
                view.error = Some(ErrorInfo::new("ENEEDAUTH", msg));
            }
        }
        Ok(_) => {}
    }
    // publish.js reads `this.npm.config.get('dry-run')`: publishConfig
    // cannot turn it on
    let dry_run = base.truthy("dry-run");
    view.dry_run = dry_run;
    if view.error.is_none() && !base.truthy("force") {
        view.version_check = Some(version_check(ctx, &spec, &registry));
    }
    // libnpmpublish refuses a private package before anything else (not
    // reached with --dry-run, which skips libnpmpublish)
    if view.private && view.error.is_none() && !dry_run {
        view.error = Some(eprivate());
    }
    // libnpmpublish: EUNSCOPED before any request
    let restricted = matches!(opts.value("access"), Value::Str(a) if a == "restricted");
    if spec.scope.is_none() && restricted {
        if view.error.is_none() {
            view.error = Some(ErrorInfo::new(
                "EUNSCOPED",
                "Can't restrict access to unscoped packages.",
            ));
        }
    } else {
        view.put = put_request(ctx, &opts, &overrides, &registry, &spec, pkg_json.as_ref());
    }
    view.registry = Some(registry);
    view
}

/// npm's `#registryVersions`: the packument GET of `name@version` with
/// `npm.flatOptions` (no publishConfig) and `registry` = the publish
/// registry; pacote picks the registry again from those options.
fn version_check(ctx: &Ctx<'_>, spec: &crate::spec::npa::PackageArg, registry: &str) -> Request {
    let mut o = Overrides::new();
    o.insert("registry".into(), Value::Str(registry.to_string()));
    let base = ctx.flat();
    let opts = base.with(&o);
    let (reg, _) = pick_registry(spec.scope.as_deref(), &opts);
    super::registry::packument(ctx, &opts, spec, &reg)
}

fn put_request(
    ctx: &Ctx<'_>,
    opts: &FlatOpts<'_>,
    overrides: &Overrides,
    registry: &str,
    spec: &crate::spec::npa::PackageArg,
    pkg_json: Option<&PathBuf>,
) -> Option<Request> {
    // metadata's dist.tarball: new URL(<name>/-/…, registry) must parse
    url::Url::parse(registry).ok()?;
    let uri = put_url(registry, spec.escaped_name.as_deref().unwrap_or_default());
    url::Url::parse(&uri).ok()?;
    // npm-registry-fetch sets opts.registry to the picked registry
    let mut put_overrides = overrides.clone();
    put_overrides.insert("registry".into(), Value::Str(registry.to_string()));
    let put_opts = FlatOpts {
        config: opts.config,
        overrides: Some(&put_overrides),
    };
    let auth = get_auth(&uri, &put_opts, spec.scope.as_deref()).ok()?;
    Some(Request::sent(ctx, &put_opts, "PUT", &uri, &auth, pkg_json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_url_removes_one_slash() {
        assert_eq!(put_url("https://r/npm//", "p"), "https://r/npm//p");
        assert_eq!(put_url("https://r/npm/", "@s%2fp"), "https://r/npm/@s%2fp");
        assert_eq!(put_url(" https://r/npm ", "p"), "https://r/npm/p");
    }

    #[test]
    fn redacts_like_npm() {
        assert_eq!(redact_log("https://u:p@h/"), "https://u:***@h/");
    }
}
