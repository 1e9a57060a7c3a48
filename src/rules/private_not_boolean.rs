//! `private-not-boolean`: a `private` field written as a string or number
//! that reads as "no" (`"false"`, `"no"`, `"0"`, `"off"`). libnpmpublish
//! tests `if (manifest.private)` — JS truthiness — so any non-empty string
//! makes `npm publish` refuse the package with `EPRIVATE`.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support_manifest::json_truthy;

declare_rule! {
    name: "private-not-boolean",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "`\"private\": \"false\"` is a non-empty string, so npm treats the package as private: npm publish fails with EPRIVATE",
}

/// Whether a string reads as "no" to a person.
fn means_no(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "false" | "no" | "0" | "off" | "n"
    )
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(value) = m.value.as_ref().and_then(|v| v.get("private")) else {
            continue;
        };
        // a boolean says what it means; a falsy value publishes as it reads
        if value.is_boolean() || !json_truthy(value) {
            continue;
        }
        let Some(text) = value.as_str() else { continue };
        if !means_no(text) {
            continue;
        }
        let span = m.value_span("/private");
        let d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            span.clone(),
            format!(
                "`\"private\": \"{text}\"` is a string, and any non-empty string counts as true: `npm publish` refuses the package with EPRIVATE (\"This package has been marked as private\")"
            ),
        )
        .label("a string, read as true")
        .help("write the boolean `false` (or remove `private`) to allow publishing; `true` if the package must stay private")
        .note("npm and libnpmpublish test `if (manifest.private)`: only `false`, `0`, `\"\"`, `null` or no field mean \"not private\"");
        out.push(d.fix(Fix {
            title: "write the boolean `false`".into(),
            edits: vec![Edit {
                location: Location {
                    file: m.path.clone(),
                    span,
                },
                replacement: "false".into(),
            }],
            // the author may have meant "private" after all
            applicability: Applicability::Unsafe,
        }));
    }
}
