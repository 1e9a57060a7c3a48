//! `manifest-not-object`: a `package.json` that is valid JSON but not what
//! npm can read as a package: not an object (`[]`, `42`, `null`, `"str"`,
//! `true`), or `workspaces` entries that are not strings. `JSON.parse`
//! accepts them, then `@npmcli/package-json`'s normalisation or
//! `@npmcli/map-workspaces` throws a TypeError and every npm command that
//! reads the package fails.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use serde_json::Value as J;

declare_rule! {
    name: "manifest-not-object",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "package.json that is JSON but not a package (not an object, non-string workspaces): npm fails reading it",
}

/// What npm 11 prints for a top-level value that is not an object
/// (`npm install`, `npm pack`), as JS's `String(value)` shows it.
fn npm_error(v: &J) -> Option<String> {
    Some(match v {
        J::Object(_) => return None,
        J::Null => "Can not normalize without content".to_string(),
        J::Array(_) => "Invalid package, must have name and version".to_string(),
        J::Bool(b) => format!("Cannot use 'in' operator to search for 'bundleDependencies' in {b}"),
        J::Number(n) => {
            format!("Cannot use 'in' operator to search for 'bundleDependencies' in {n}")
        }
        J::String(s) => format!(
            "Cannot use 'in' operator to search for 'bundleDependencies' in {}",
            crate::util::printable(s)
        ),
    })
}

fn kind(v: &J) -> &'static str {
    match v {
        J::Null => "`null`",
        J::Array(_) => "an array",
        J::Bool(_) => "a boolean",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Object(_) => "an object",
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(value) = m.value.as_ref() else {
            continue;
        };
        if let Some(npm_text) = npm_error(value) {
            out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    m.value_span(""),
                    format!(
                        "package.json is {}, not an object: {}",
                        kind(value),
                        if value.is_array() {
                            "`npm pack` and `npm publish` fail"
                        } else {
                            "`npm install`, `npm pack` and `npm publish` fail"
                        }
                    ),
                )
                .label("not an object")
                .note(format!("npm prints: npm error {npm_text}"))
                .help(
                    "a package.json is one JSON object: `{ \"name\": \"…\", \"version\": \"…\" }`",
                ),
            );
            continue;
        }
        let Some(J::Array(list)) = value.get("workspaces").map(|w| match w {
            J::Object(o) => o.get("packages").unwrap_or(w),
            other => other,
        }) else {
            continue;
        };
        let base = if value.get("workspaces").is_some_and(J::is_object) {
            "/workspaces/packages"
        } else {
            "/workspaces"
        };
        if let Some((i, bad)) = list.iter().enumerate().find(|(_, p)| !p.is_string()) {
            out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    m.value_span(&format!("{base}/{i}")),
                    format!(
                        "a `workspaces` entry is {}, not a glob pattern string: npm fails on every command in this project",
                        kind(bad)
                    ),
                )
                .label("not a string")
                .note("npm prints: npm error pattern.match is not a function")
                .help("list workspace folders as strings, e.g. `\"packages/*\"`"),
            );
        }
    }
}
