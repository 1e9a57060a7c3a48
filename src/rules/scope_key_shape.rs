//! `scope-key-shape`: scope registry mappings npm never reads
//! (`acme:registry`, `@acme/ui:registry`, `@acme=…`, `@acme:registy`) and
//! credentials glued onto a registry URL (`@acme:registry=https://h/:_authToken=…`).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::rules::support::is_registry_key;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "scope-key-shape",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "a scope registry key npm never reads, or a credential glued onto a registry URL",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let key = e.entry.prop.as_str();
        if let Some(p) = support_npmrc::scope_key_problem(key, e.entry.value.as_str()) {
            let mut d = Diagnostic::new(
                RULE.name,
                e.doc.path.clone(),
                e.entry.key.span.clone(),
                p.what,
            )
            .label("not a scope mapping");
            if let Some(s) = p.suggestion {
                d = d.help(format!("write the key as `{s}`")).fix(Fix {
                    title: format!("rename the key to `{s}`"),
                    edits: vec![support_npmrc::replace(e.doc, e.entry.key.span.clone(), s)],
                    applicability: Applicability::Unsafe,
                });
            } else {
                d = d.help("a scope registry is written `@scope:registry=https://host/path/`");
            }
            out.push(d);
            continue;
        }
        if is_registry_key(key) {
            if let Some(d) = glued(&e) {
                out.push(d);
            }
        }
    }
}

/// `https://h/npm/:_authToken=…` as a registry value.
fn glued(e: &EntryLine<'_>) -> Option<Diagnostic> {
    let raw = e.entry.raw_value.as_ref()?;
    let span = support_npmrc::text_span(e.doc, raw);
    let text = e.doc.slice(&span);
    let (colon, base) = text.match_indices(':').find_map(|(i, _)| {
        let rest = &text[i + 1..];
        let end = rest.find('=')?;
        let base = support_npmrc::auth_base_canonical(&rest[..end])?;
        Some((i, base))
    })?;
    let url = &text[..colon];
    // `URL //host/:_authToken=…` (with a space) is multiple-settings-on-line's
    if url.contains(char::is_whitespace) {
        return None;
    }
    let path_part = url.split_once("//").map(|(_, r)| r)?;
    let key = &e.entry.prop;
    let glued_span = span.start + colon..span.end;
    let mut d = Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        glued_span,
        format!(
            "a `{base}` credential is glued onto the URL of `{key}`: npm reads the whole text as the registry URL, so the credential is never sent as one (E401) and ends up in request paths"
        ),
    )
    .label("part of the URL to npm")
    .help(crate::secret::redact_url_passwords(&format!(
        "put the credential on its own line: `{key}={url}` and `//{path_part}:{base}=…`"
    )));
    if support_npmrc::is_unquoted(raw) && url.ends_with('/') {
        d = d.fix(Fix {
            title: "split the credential onto its own line".into(),
            edits: vec![support_npmrc::replace(
                e.doc,
                span.start + colon..span.start + colon,
                format!("{}//{path_part}", support_npmrc::newline(e.doc)),
            )],
            applicability: Applicability::Unsafe,
        });
    }
    Some(d)
}
