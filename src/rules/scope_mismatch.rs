//! `scope-mismatch`: a package's scope has no `@scope:registry` although a
//! private registry is configured, so `npm publish` goes elsewhere.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support::is_scope_registry_key;

declare_rule! {
    name: "scope-mismatch",
    category: Correctness,
    severity: Warn,
    fix: None,
    summary: "package scope with no `@scope:registry` while other scopes are mapped: publish goes to the default registry",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(config) = cx.config() else { return };
    let opts = crate::auth::FlatOpts::new(config);
    // every scope mapping in the merged config, with its origin
    let mut mappings: Vec<(String, crate::config::Origin)> = Vec::new();
    for key in config.explicit_keys() {
        if is_scope_registry_key(key) && opts.truthy(key) {
            if let Some(s) = config.setting(key) {
                mappings.push((key.to_string(), s.origin.clone()));
            }
        }
    }
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        if v.get("private").is_some_and(|p| p.as_bool() == Some(true)) {
            continue;
        }
        let Some(name) = m.name() else { continue };
        let Some((scope, _)) = name.strip_prefix('@').and_then(|n| n.split_once('/')) else {
            continue;
        };
        let key = format!("@{scope}:registry");
        let pc = v.get("publishConfig").and_then(|p| p.as_object());
        if opts.truthy(&key) || pc.is_some_and(|p| p.contains_key(&key)) {
            continue;
        }
        // publishConfig.registry is used for an unmapped scope
        if pc.is_some_and(|p| {
            p.get("registry")
                .and_then(|r| r.as_str())
                .is_some_and(|r| !r.is_empty())
        }) {
            continue;
        }
        // `scope=` in config sends every package through its mapping
        if opts
            .scope()
            .is_some_and(|s| opts.truthy(&format!("{s}:registry")))
        {
            continue;
        }
        let mut pc_scopes: Vec<String> = pc
            .map(|p| {
                p.keys()
                    .filter(|k| is_scope_registry_key(k))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if mappings.is_empty() && pc_scopes.is_empty() {
            continue;
        }
        let (target, _) = crate::auth::pick_registry(Some(&format!("@{scope}")), &opts);
        let nearest = mappings
            .iter()
            .map(|(k, o)| (k.clone(), Some(o)))
            .chain(pc_scopes.drain(..).map(|k| (k, None)))
            .min_by_key(|(k, _)| {
                let s = k.trim_end_matches(":registry");
                if s.eq_ignore_ascii_case(&format!("@{scope}")) {
                    0
                } else {
                    1 + crate::util::levenshtein(s, &format!("@{scope}"))
                }
            });
        let case_only = nearest.as_ref().is_some_and(|(k, _)| {
            k.trim_end_matches(":registry")
                .eq_ignore_ascii_case(&format!("@{scope}"))
        });
        let span = m.value_span("/name");
        let mut d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            span,
            format!(
                "`{name}`: no `{key}` is configured, so `npm publish` (and installs of `@{scope}/*`) go to `{}`{}",
                crate::rules::support_auth::safe_display(&target),
                if case_only { " — scope keys are case-sensitive" } else { "" }
            ),
        )
        .label(format!("scope `@{scope}` is not mapped"));
        if let Some((k, origin)) = &nearest {
            if let Some(o) = origin {
                if let (Some(file), Some(span)) = (o.file.clone(), o.key_span.clone()) {
                    d = d.secondary(file, span, format!("`{k}` is mapped here"));
                }
            }
            d = d.help(if case_only {
                format!("write the mapping with the package's exact scope: `{key}=…` (or rename the package to match `{k}`)")
            } else {
                format!("add `{key}=<registry URL>` to the project `.npmrc`, or set `publishConfig[\"{key}\"]`; if the package belongs to the scope of `{k}`, rename it")
            });
        }
        out.push(d);
    }
}
