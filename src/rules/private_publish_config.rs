//! `private-publish-config`: a `"private": true` package with a
//! `publishConfig`. libnpmpublish refuses a private package with `EPRIVATE`
//! before it reads any publish option, so the `publishConfig` is never used.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;

declare_rule! {
    name: "private-publish-config",
    category: Suspicious,
    severity: Info,
    fix: None,
    summary: "a `\"private\": true` package with a publishConfig: npm never publishes it, so the publishConfig is never used",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        // a non-boolean `private` is private-not-boolean's
        if v.get("private") != Some(&serde_json::Value::Bool(true)) {
            continue;
        }
        let Some(pc) = v.get("publishConfig").and_then(|p| p.as_object()) else {
            continue;
        };
        if pc.is_empty() {
            continue;
        }
        let keys: Vec<&str> = pc.keys().map(String::as_str).collect();
        out.push(
            Diagnostic::new(
                RULE.name,
                m.path.clone(),
                m.key_span("/publishConfig"),
                format!(
                    "this package is `\"private\": true`, so `npm publish` refuses it (EPRIVATE) and its `publishConfig` ({}) is never used",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .label("never used")
            .secondary(m.path.clone(), m.value_span("/private"), "npm will not publish this package")
            .help("if the package is meant to be published, remove `\"private\": true`; otherwise remove the `publishConfig`"),
        );
    }
}
