//! `publish-config-registry-ignored`: `publishConfig.registry` on a package
//! whose scope (or the config `scope` option) is mapped to a registry:
//! npm-registry-fetch `pickRegistry` prefers the mapping, so the package is
//! published elsewhere (npm-semantics.md §8, S-29).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support_manifest::{self, PublishOpts, Source, Via, publish_config_pointer};

declare_rule! {
    name: "publish-config-registry-ignored",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "publishConfig.registry ignored because the package's scope is mapped to a registry",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(name) = support_manifest::publishable(cx, m) else {
            continue;
        };
        let opts = PublishOpts::new(cx, m);
        // publishConfig.registry must have survived the cli filter
        let Some(pc_reg) = opts
            .get("registry")
            .filter(|o| matches!(o.source, Source::PublishConfig { .. }))
        else {
            continue;
        };
        let target = support_manifest::pick_registry(name, &opts);
        if target.via == Via::Registry {
            continue;
        }
        let wanted = pc_reg.value.js_string();
        // the same registry either way: nothing is ignored that matters
        if same_registry(&wanted, &target.url) {
            continue;
        }
        if matches!(target.source, Source::PublishConfig { .. }) {
            // publishConfig["@scope:registry"] is already used
            continue;
        }
        let pointer = publish_config_pointer("registry");
        let key_span = m.key_span(&pointer);
        let why = match target.via {
            Via::ScopeOption => format!(
                "the config `scope` option maps every package to `{}`",
                target.key
            ),
            _ => format!("its scope is mapped by `{}`", target.key),
        };
        let mut d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            m.value_span(&pointer),
            format!(
                "`publishConfig.registry` is ignored for `{name}`: {why}, so `npm publish` sends it to `{}`, not `{wanted}`",
                target.url
            ),
        )
        .label("ignored by npm publish")
        .note(format!(
            "npm-registry-fetch `pickRegistry` uses `{}` before `registry`; the mapping is set {}",
            target.key,
            match &target.source {
                Source::Config { origin, .. } => support_manifest::describe_origin(origin),
                _ => "in npm's config".to_string(),
            }
        ))
        .help(format!(
            "name the scope in publishConfig: `\"{}\": \"{wanted}\"`",
            target.key
        ));
        d = support_manifest::with_registry_label(d, m, &target);
        let has_scope_key = m
            .value
            .as_ref()
            .and_then(|v| v.get("publishConfig"))
            .and_then(|pc| pc.get(&target.key))
            .is_some();
        if !has_scope_key && m.text.get(key_span.clone()) == Some("\"registry\"") {
            d = d.fix(Fix {
                title: format!(
                    "rename `publishConfig.registry` to `publishConfig[\"{}\"]`",
                    target.key
                ),
                edits: vec![Edit {
                    location: Location {
                        file: m.path.clone(),
                        span: key_span,
                    },
                    replacement: format!("\"{}\"", target.key),
                }],
                applicability: Applicability::Unsafe,
            });
        }
        out.push(d);
    }
}

/// Two registry URLs npm-registry-fetch sends to the same place: equal after
/// URL parsing (host case, default port), ignoring a trailing slash (it
/// appends one before resolving paths).
fn same_registry(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let t = s.trim();
        let t = t.trim_end_matches('/');
        url::Url::parse(&format!("{t}/")).map_or_else(|_| t.to_string(), |u| u.to_string())
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_registry() {
        assert!(super::same_registry(
            "https://npm.pkg.github.com",
            "https://npm.pkg.github.com/"
        ));
        assert!(super::same_registry(
            "https://NPM.example.com:443/a/",
            "https://npm.example.com/a"
        ));
        assert!(!super::same_registry(
            "https://a.example.com/",
            "https://b.example.com/"
        ));
    }
}
