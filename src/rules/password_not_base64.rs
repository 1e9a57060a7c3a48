//! `password-not-base64`: `_password` / `_auth` values that are not base64.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support;
use crate::rules::support_auth::decode_base64;

declare_rule! {
    name: "password-not-base64",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "`_password` or `_auth` that is not base64: npm decodes it into garbage and gets E401",
}

/// What is wrong with a decoded value, if anything.
fn problem(field: &str, value: &str) -> Option<String> {
    let Some(bytes) = decode_base64(value.trim()) else {
        return Some(if field == "_password" {
            "is not base64: npm base64-decodes `_password` before sending it, so the registry receives garbage".into()
        } else {
            "is not base64: npm sends `_auth` as written in `Authorization: Basic …`, which the registry cannot decode".into()
        });
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Some(
            "decodes to bytes that are not text: it looks like the plain password or token, not its base64".into(),
        );
    };
    if text.ends_with('\n') || text.ends_with('\r') {
        return Some(
            "decodes to a value ending in a line break (encoded with `echo` instead of `echo -n`): the registry rejects the password".into(),
        );
    }
    if text.chars().any(char::is_control) {
        return Some("decodes to text with control characters: it is probably not the base64 of the password".into());
    }
    if field == "_auth" && !text.contains(':') {
        return Some(
            "decodes to a value without `:`: `_auth` must be base64 of `username:password`".into(),
        );
    }
    None
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        for (_, entry) in doc.top_level_entries() {
            let key = entry.prop.as_str();
            let field = key.rsplit(':').next().unwrap_or(key);
            if field != "_password" && field != "_auth" {
                continue;
            }
            let Some(value) = entry.value.as_str() else {
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            let uses_env = value.contains("${");
            // an unset variable can't be judged (env-var-unset reports it)
            let Some(expanded) = support::expand(cx, value) else {
                continue;
            };
            if uses_env && expanded.contains("${") {
                continue;
            }
            let Some(why) = problem(field, &expanded) else {
                continue;
            };
            let Some(raw) = &entry.raw_value else {
                continue;
            };
            let whose = if uses_env {
                " (after expanding its variables)"
            } else {
                ""
            };
            out.push(
                Diagnostic::new(
                    RULE.name,
                    doc.path.clone(),
                    raw.span.clone(),
                    format!("the value of `{key}`{whose} {why} (E401)"),
                )
                .label("not base64")
                .help(if field == "_password" {
                    "store base64 of the password: `echo -n \"$PASSWORD\" | base64` (Azure Artifacts: base64 of the PAT), and give the matching `username` on the same `//host/path/:` prefix"
                } else {
                    "store base64 of `username:password`: `echo -n \"user:$PASSWORD\" | base64`"
                }),
            );
        }
    }
}
