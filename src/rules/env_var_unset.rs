//! `env-var-unset`: a `${VAR}` whose variable is not set in the current
//! environment. npm then keeps the literal text `${VAR}`.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::npmrc::env_replace::env_replace;
use crate::rules::support::is_registry_key;
use crate::rules::support_npmrc::{self, EntryLine};
use std::ops::Range;

declare_rule! {
    name: "env-var-unset",
    category: Correctness,
    severity: Info,
    fix: None,
    summary: "`${VAR}` not set in this environment: npm uses the literal text `${VAR}` (an E401 for a token)",
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let lookup = |name: &str| cx.env.var(name).map(str::to_string);
    for e in support_npmrc::top_level(cx) {
        if !e.doc.is_loaded() || owned_elsewhere(&e) {
            continue;
        }
        let mut parts = Vec::new();
        if let Some(k) = e.entry.key.value.as_str() {
            parts.push((support_npmrc::text_span(e.doc, &e.entry.key), k, true));
        }
        if let (Some(raw), Some(v)) = (&e.entry.raw_value, e.entry.value.as_str()) {
            parts.push((support_npmrc::text_span(e.doc, raw), v, false));
        }
        for (span, decoded, is_key) in parts {
            let raw_text = e.doc.slice(&span);
            let expanded = env_replace(decoded, &lookup).value;
            let mut cursor = 0;
            for r in env_replace(decoded, &lookup).refs {
                if r.set || r.optional || r.escaped || !is_name(&r.name) {
                    continue;
                }
                let needle = format!("${{{}}}", r.name);
                let Some(p) = raw_text.get(cursor..).and_then(|t| t.find(&needle)) else {
                    continue;
                };
                let at = span.start + cursor + p;
                cursor += p + needle.len();
                out.push(diagnostic(
                    &e,
                    at..at + needle.len(),
                    &r.name,
                    is_key,
                    &expanded,
                ));
            }
        }
    }
}

/// Lines whose variable does not matter: a setting npm no longer reads
/// (removed-key), an unscoped credential npm refuses before using it
/// (top-level-auth), a credential glued onto a registry URL, broken with or
/// without the variable (scope-key-shape).
fn owned_elsewhere(e: &EntryLine<'_>) -> bool {
    let key = e.entry.prop.as_str();
    support_npmrc::removed(key).is_some()
        || matches!(key, "_auth" | "_authToken" | "_password" | "username")
        || (crate::rules::support::is_registry_key(key)
            && e.entry.value.as_str().is_some_and(glued_credential))
}

/// `https://h/:_authToken=${TOKEN}` written as a registry URL.
fn glued_credential(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    [":_authtoken=", ":_auth=", ":_password=", ":username="]
        .iter()
        .any(|m| lower.contains(m))
}

fn diagnostic(
    e: &EntryLine<'_>,
    span: Range<usize>,
    name: &str,
    is_key: bool,
    expanded: &str,
) -> Diagnostic {
    let key = &e.entry.prop;
    let what = if is_key {
        format!("the key keeps the literal text `${{{name}}}` and matches nothing npm looks up")
    } else if crate::secret::is_secret_key(key) {
        format!(
            "npm sends the literal text `${{{name}}}` as the credential of `{key}` and the registry answers E401"
        )
    } else if is_registry_key(key) {
        if url::Url::parse(expanded).is_err() {
            format!(
                "`{key}` keeps the literal text `${{{name}}}` and is not a valid URL: npm fails with ERR_INVALID_URL"
            )
        } else {
            format!(
                "`{key}` keeps the literal text `${{{name}}}` and requests go to a URL containing it"
            )
        }
    } else {
        format!("`{key}` gets the literal text `${{{name}}}`")
    };
    Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        span,
        format!("`{name}` is not set in this environment: {what}"),
    )
    .label("unset")
    .help(format!(
        "set `{name}` before running npm (e.g. from a CI secret); write `${{{name}?}}` if it is optional (unset then means empty)"
    ))
    .note("checked against the environment npmrc-doctor runs in: variables set only in CI are reported here too")
}
