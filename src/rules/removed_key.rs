//! `removed-key`: settings npm no longer reads (`always-auth`, `email`,
//! `_token`, …), also nerf-darted (`//host/:always-auth`).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::rules::support_npmrc;

declare_rule! {
    name: "removed-key",
    category: Deprecated,
    severity: Warn,
    fix: Always,
    summary: "a setting npm no longer reads (`always-auth`, `email`, `_token`, …): it does nothing",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let key = e.entry.prop.as_str();
        let Some(r) = support_npmrc::removed(key) else {
            continue;
        };
        let layer = support_npmrc::layer_of(e.doc);
        let warning = crate::config::load::unknown_key_warning(layer, key);
        let mut d = Diagnostic::new(
            RULE.name,
            e.doc.path.clone(),
            e.entry.key.span.clone(),
            format!("`{key}` is no longer read by npm; today npm {}", r.now),
        )
        .label("ignored by npm")
        .help("delete the line");
        d = match warning {
            Some(w) => d.note(format!("npm prints: {w}")),
            None => d.note("npm accepts the key silently but never uses it"),
        };
        out.push(d.fix(Fix {
            title: format!("delete the `{key}` line"),
            edits: vec![support_npmrc::delete_line(e.doc, e.line)],
            applicability: Applicability::Safe,
        }));
    }
}
