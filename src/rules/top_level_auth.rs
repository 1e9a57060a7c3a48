//! `top-level-auth`: `_authToken`, `_auth`, `username`, `_password` (and
//! `_authtoken`, `-authtoken`) without a `//registry/` prefix.

use crate::check::context::{Context, NpmrcDoc, Role};
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::config::Layer;
use crate::config::validate::{AuthAction, ValidationError};
use crate::declare_rule;

declare_rule! {
    name: "top-level-auth",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "credential without a registry prefix: npm 9+ aborts every command with ERR_INVALID_AUTH",
}

const KEYS: &[&str] = &[
    "_authtoken",
    "-authtoken",
    "_auth",
    "_authToken",
    "username",
    "_password",
];

/// What npm's `validate()` decides for `key` in this file.
fn action(cx: &Context<'_>, doc: &NpmrcDoc, key: &str) -> Option<(Layer, Option<AuthAction>)> {
    let layer = match doc.role {
        Role::Layer(l @ (Layer::Global | Layer::User | Layer::Project)) => Some(l),
        Role::Layer(_) => return None,
        _ => None,
    };
    match (layer, &cx.project.validation.error) {
        (Some(layer), Some(ValidationError::InvalidAuth { problems, .. })) => {
            return problems
                .iter()
                .find(|p| p.layer == layer && p.key == key)
                .map(|p| (layer, Some(p.action.clone())));
        }
        // validate() stopped before the auth check (invalid registry URL)
        (Some(_), Some(ValidationError::InvalidUrl { .. })) => {}
        (Some(_), _) => return None,
        (None, _) => {}
    }
    // not judged by validate() (a template, an ignored file): compute it
    // the same way, on the expanded values
    let truthy = |k: &str| {
        doc.top_level_entries()
            .filter(|(_, e)| e.prop == k)
            .last()
            .is_some_and(|(_, e)| match e.value.as_str() {
                Some(v) => crate::rules::support::expand(cx, v).is_none_or(|x| !x.is_empty()),
                None => e.value.is_truthy(),
            })
    };
    if !truthy(key) {
        return None;
    }
    let action = if key == "_authtoken"
        || key == "-authtoken"
        || (key == "username" && !truthy("_password"))
        || (key == "_password" && !truthy("username"))
    {
        Some(AuthAction::Delete)
    } else {
        let registry = cx.config().map_or_else(
            || crate::auth::DEFAULT_REGISTRY.to_string(),
            |c| c.get("registry").js_string(),
        );
        crate::config::nerf_dart::nerf_dart(&registry)
            .ok()
            .map(|n| AuthAction::Rename {
                to: format!("{n}:{key}"),
            })
    };
    Some((layer.unwrap_or(Layer::Project), action))
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        let loaded = matches!(doc.role, Role::Layer(_));
        for (_, entry) in doc.top_level_entries() {
            let key = entry.prop.as_str();
            if !KEYS.contains(&key) || !entry.value.is_truthy() {
                continue;
            }
            let Some((layer, action)) = action(cx, doc, key) else {
                continue;
            };
            let consequence = if loaded {
                "npm 9+ aborts every command except `npm config` with ERR_INVALID_AUTH".to_string()
            } else {
                "once this file is used as an `.npmrc`, npm 9+ aborts every command with ERR_INVALID_AUTH".to_string()
            };
            let (what, help, fix) = match &action {
                Some(AuthAction::Rename { to }) => {
                    let raw_key = doc.slice(&entry.key.span);
                    let fix = (raw_key == key).then(|| Fix {
                        title: format!("rename to `{to}`"),
                        edits: vec![Edit {
                            location: Location {
                                file: doc.path.clone(),
                                span: entry.key.span.clone(),
                            },
                            replacement: to.clone(),
                        }],
                        applicability: if loaded {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        },
                    });
                    (
                        format!("(\"`{key}` must be renamed to `{to}` in {layer} config\")"),
                        format!("prefix the key with the registry it is for: `{to}` (what `npm config fix` does, without losing the file's comments)"),
                        fix,
                    )
                }
                Some(AuthAction::Delete) if key == "_authtoken" || key == "-authtoken" => (
                    format!("(\"`{key}` is not allowed in {layer} config\"); npm never sends it"),
                    "npm keys are case-sensitive: write `//registry.example.com/:_authToken=${NPM_TOKEN}` for the registry it is for (`npm config fix` only deletes this line)".to_string(),
                    None,
                ),
                Some(AuthAction::Delete) => {
                    let other = if key == "username" { "_password" } else { "username" };
                    (
                        format!("(\"`{key}` is not allowed in {layer} config\"): without `{other}` in the same file, `npm config fix` deletes it"),
                        "write both halves with the registry prefix: `//registry.example.com/:username=…` and `//registry.example.com/:_password=${NPM_PASSWORD_BASE64}`".to_string(),
                        None,
                    )
                }
                None => (
                    "(the registry is not a valid URL, so npm cannot say which key it belongs to)".to_string(),
                    "prefix the key with the registry's `//host/path/`".to_string(),
                    None,
                ),
            };
            let mut d = Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                entry.key.span.clone(),
                format!("`{key}` has no `//registry/` prefix: {consequence} {what}"),
            )
            .label("un-nerfed credential")
            .help(help);
            if !loaded {
                d = d.note("npm reads credentials only from keys of the form `//host/path/:_authToken`; top-level ones are rejected since npm 9");
            }
            if let Some(f) = fix {
                d = d.fix(f);
            }
            out.push(d);
        }
    }
}
