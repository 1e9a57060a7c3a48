//! `section-header`: `[section]` lines. npm's `.npmrc` has no sections:
//! ini nests the keys below a header into an object npm ignores.

use crate::check::context::{Context, NpmrcDoc};
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::npmrc::decode::split_sections;
use crate::npmrc::lexer::{Entry, Line, LineKind, Section};
use crate::rules::support_npmrc;

declare_rule! {
    name: "section-header",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "a `[section]` header: npm ignores every key below it, or the header itself becomes a key",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        if support_npmrc::is_garbled(doc) {
            continue;
        }
        for (i, line) in doc.lines.iter().enumerate() {
            match &line.kind {
                LineKind::Section(s) => {
                    let body: Vec<&Entry> = doc
                        .lines
                        .iter()
                        .skip(i + 1)
                        .take_while(|l| !matches!(l.kind, LineKind::Section(_)))
                        .filter_map(|l| match &l.kind {
                            LineKind::Entry(e) => Some(e.as_ref()),
                            _ => None,
                        })
                        .collect();
                    out.push(header(doc, line, s, &body));
                }
                LineKind::Entry(e) => {
                    if let Some(d) = fake_header(doc, line, e) {
                        out.push(d);
                    }
                }
                _ => {}
            }
        }
    }
}

fn header(doc: &NpmrcDoc, line: &Line, s: &Section, body: &[&Entry]) -> Diagnostic {
    let name = &s.prop;
    let top = split_sections(name).into_iter().next().unwrap_or_default();
    let n = body.len();
    let what = match n {
        0 => "it holds no settings, but any key added below it will be ignored".to_string(),
        1 => "the setting below it is nested under it and ignored".to_string(),
        _ => format!("the {n} settings below it are nested under it and ignored"),
    };
    let span = line.span.start..line.span.start + doc.slice(&line.span).trim_end().len();
    let mut d = Diagnostic::new(
        RULE.name,
        doc.path.clone(),
        span,
        format!("`[{name}]` starts an ini section, which npm does not use: {what}"),
    )
    .label("section header");
    for e in body {
        let meant = intended(name, &e.prop);
        let text = match &meant {
            Some(m) => format!("inside the section: ignored, not `{m}`"),
            None => "inside the section: ignored".to_string(),
        };
        d = d.secondary(doc.path.clone(), e.key.span.clone(), text);
    }
    let example = body.iter().find_map(|e| intended(name, &e.prop));
    d = d.help(match example {
        Some(m) => format!("delete the header and write the keys at the top level with their full name, e.g. `{m}=…`"),
        None => "delete the header and write the keys at the top level".to_string(),
    });
    if !top.is_empty() && top != "__proto__" {
        if let Some(w) =
            crate::config::load::unknown_key_warning(support_npmrc::layer_of(doc), &top)
        {
            d = d.note(format!(
                "npm sees one key `{top}` holding an object and prints `{w}`"
            ));
        }
    }
    d
}

/// The top-level key the author probably meant for `key` under `[name]`.
fn intended(name: &str, key: &str) -> Option<String> {
    if name.starts_with('@') && !name.contains(['/', ':']) && key == "registry" {
        return Some(format!("{name}:registry"));
    }
    if name.starts_with("//") && support_npmrc::auth_base_canonical(key).is_some() {
        let host = if name.ends_with('/') {
            name.to_string()
        } else {
            format!("{name}/")
        };
        return Some(format!("{host}:{key}"));
    }
    None
}

/// `[sec] ; note` or ` [sec]`: not a header to npm but a key `[sec]` = true.
fn fake_header(doc: &NpmrcDoc, line: &Line, e: &Entry) -> Option<Diagnostic> {
    let text = doc.slice(&line.span);
    if e.eq.is_some() || text.starts_with('\u{FEFF}') {
        return None;
    }
    let key = e.key.value.as_str()?;
    if !(key.starts_with('[') && key.ends_with(']')) {
        return None;
    }
    let why = if e.key.comment.is_some() {
        "text after `]`"
    } else {
        "whitespace before `[`"
    };
    Some(
        Diagnostic::new(
            RULE.name,
            doc.path.clone(),
            support_npmrc::text_span(doc, &e.key),
            format!(
                "`{key}` is not a section header to npm ({why}): npm reads a key `{key}` set to `true`"
            ),
        )
        .label("a key, not a header")
        .help("delete the line: `.npmrc` has no sections; use `#` for comments on their own line"),
    )
}
