//! `publish-auth-mismatch`: a credential that installs find (npm walks up
//! the request path) but `npm publish` does not (exact nerf-dart lookup).

use crate::auth::{FlatOpts, Kind, credentials_by_uri, get_auth, pick_registry};
use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::config::{Config, Layer};
use crate::declare_rule;
use crate::rules::support_auth::{UsedRegistry, safe_display, split_nerfed, used_registries};
use std::ops::Range;
use std::path::PathBuf;

declare_rule! {
    name: "publish-auth-mismatch",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "credential that installs use but `npm publish` does not find: ENEEDAUTH on publish",
}

/// The registry `npm publish` uses for `name`, with publishConfig applied
/// (CLI flags beat publishConfig; `.npmrc` and env do not).
fn publish_registry(
    config: &Config,
    name: &str,
    pc: Option<&serde_json::Map<String, serde_json::Value>>,
) -> String {
    let opts = FlatOpts::new(config);
    let cli_has = |k: &str| config.layer(Layer::Cli).get(k).is_some();
    let pc_str = |k: &str| {
        pc.and_then(|p| p.get(k))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty() && !cli_has(k))
            .map(str::to_string)
    };
    let scope = name
        .strip_prefix('@')
        .and_then(|n| n.split_once('/'))
        .map(|(s, _)| format!("@{s}"));
    if let Some(s) = &scope {
        if let Some(r) = pc_str(&format!("{s}:registry")) {
            return r;
        }
        let v = opts.value(&format!("{s}:registry"));
        if v.is_truthy() {
            return v.js_string();
        }
    }
    if let Some(s) = opts.scope() {
        if let Some(r) = pc_str(&format!("{s}:registry")) {
            return r;
        }
        let v = opts.value(&format!("{s}:registry"));
        if v.is_truthy() {
            return v.js_string();
        }
    }
    if let Some(r) = pc_str("registry") {
        return r;
    }
    pick_registry(None, &opts).0
}

/// Whether another rule already explains the mismatch: a registry with a
/// path but no trailing slash (`registry-trailing-slash`) or a key without
/// the `/` before `:` (`auth-key-trailing-slash`).
fn explained_elsewhere(registry: &str, found_key: &str, nerfed: &str) -> bool {
    let no_slash =
        url::Url::parse(registry).is_ok_and(|u| u.path() != "/" && !u.path().ends_with('/'));
    no_slash || format!("{found_key}/") == nerfed
}

struct Place {
    file: PathBuf,
    span: Range<usize>,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(config) = cx.config() else { return };
    let opts = FlatOpts::new(config);
    // (registry, package name, where to point when the key is not checked)
    let mut targets: Vec<(String, String, Option<Place>)> = Vec::new();
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        // only packages that would be published (crate::project::publish)
        if !cx.intent(m).would_publish() {
            continue;
        }
        let Some(name) = m.name() else { continue };
        let pc = v.get("publishConfig").and_then(|p| p.as_object());
        let reg = publish_registry(config, name, pc);
        // a credential only in publishConfig: the PUT would use it, the
        // pre-check (config only) does not see it
        if let (Some(pc), Ok(exact)) = (pc, credentials_by_uri(config, &reg)) {
            if !exact.satisfies_publish() {
                for suffix in ["_authToken", "_auth", "username"] {
                    let key = format!("{}:{suffix}", exact.nerfed);
                    if pc
                        .get(&key)
                        .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                    {
                        let pointer = format!(
                            "/publishConfig/{}",
                            crate::manifest::spanned::pointer_token(&key)
                        );
                        out.push(
                            Diagnostic::new(
                                RULE.name,
                                m.path.clone(),
                                m.key_span(&pointer),
                                format!(
                                    "`publishConfig[\"{key}\"]` is not seen by `npm publish`'s credential check: it reads `{key}` from the npm config only and fails with ENEEDAUTH before sending anything"
                                ),
                            )
                            .label("only the upload would use this")
                            .help(format!("put `{key}=${{NPM_TOKEN}}` in `.npmrc` (or `~/.npmrc`) instead of package.json")),
                        );
                        break;
                    }
                }
            }
        }
        targets.push((
            reg,
            name.to_string(),
            Some(Place {
                file: m.path.clone(),
                span: m.value_span("/name"),
            }),
        ));
    }
    if cx.manifests().is_empty() {
        // `.npmrc` alone: the default registry and every scope registry
        for UsedRegistry { url, key } in used_registries(cx) {
            let name = if key.starts_with('@') {
                format!("{}/pkg", key.trim_end_matches(":registry"))
            } else {
                "pkg".to_string()
            };
            targets.push((url, name, None));
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for (registry, name, place) in targets {
        let Ok(exact) = credentials_by_uri(config, &registry) else {
            continue;
        };
        if exact.satisfies_publish() {
            continue;
        }
        let scope = name
            .strip_prefix('@')
            .and_then(|n| n.split_once('/'))
            .map(|(s, _)| format!("@{s}"));
        let url = format!(
            "{}/{}",
            registry.trim().trim_end_matches('/'),
            name.replace('/', "%2f")
        );
        let Ok(auth) = get_auth(&url, &opts, scope.as_deref()) else {
            continue;
        };
        if auth.kind == Kind::None || auth.kind == Kind::Cert {
            continue;
        }
        let Some(found) = auth.keys.first().cloned() else {
            continue;
        };
        let found_prefix = split_nerfed(&found)
            .map_or(found.as_str(), |(p, _)| p)
            .to_string();
        if explained_elsewhere(&registry, &found_prefix, &exact.nerfed) {
            continue;
        }
        if seen.contains(&(found.clone(), exact.nerfed.clone())) {
            continue;
        }
        seen.push((found.clone(), exact.nerfed.clone()));
        let suffix = found.rsplit(':').next().unwrap_or("_authToken");
        let wanted = format!("{}:{suffix}", exact.nerfed);
        let message = format!(
            "`npm publish` of `{name}` to `{}` looks up exactly `{wanted}` and fails with ENEEDAUTH, but the credential is at `{found}` (installs find it by walking up the request path)",
            safe_display(&registry)
        );
        let origin = config.setting(&found).map(|s| s.origin.clone());
        let key_place = origin.as_ref().and_then(|o| {
            Some(Place {
                file: o.file.clone()?,
                span: o.key_span.clone()?,
            })
        });
        let (primary, secondary) = match (key_place, place) {
            (Some(k), p) if cx.is_checked(&k.file) => (k, p),
            (k, Some(p)) => (p, k),
            _ => continue,
        };
        let primary_file = primary.file.clone();
        let mut d = Diagnostic::new(RULE.name, primary.file, primary.span, message)
            .label("publish does not look here")
            .help(format!(
                "write the credential under the registry's exact key: `{wanted}` (it can stay at `{found}` for installs too)"
            ))
            .note("npm's publish pre-check (getCredentialsByURI) uses the exact nerf-dart of the registry URL, without walking up");
        if let Some(s) = secondary {
            let text = if s.file == primary_file {
                "published from here"
            } else if s.file.extension().is_some_and(|e| e == "json") {
                "this package is published there"
            } else {
                "the credential install uses"
            };
            d = d.secondary(s.file, s.span, text);
        }
        out.push(d);
    }
}
