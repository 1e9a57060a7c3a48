//! `duplicate-key`: a key set twice in one `.npmrc`; the earlier line is dead.

use crate::check::context::{Context, NpmrcDoc};
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::npmrc::decode::decode;
use crate::npmrc::lexer::{Entry, LineKind};
use crate::rules::support_npmrc;
use crate::value::Value;

declare_rule! {
    name: "duplicate-key",
    category: Suspicious,
    severity: Warn,
    fix: Always,
    summary: "a key set twice in one file: npm keeps the last value and the earlier line has no effect",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        if support_npmrc::is_garbled(doc) {
            continue;
        }
        let decoded = decode(doc.source());
        if decoded.error.is_some() {
            continue;
        }
        let in_section = section_flags(doc);
        for origin in &decoded.origins {
            let Some(winner) = &origin.winner else {
                continue;
            };
            let winner_ok = matches!(
                doc.lines.get(winner.index).map(|l| &l.kind),
                Some(LineKind::Entry(_))
            ) && !in_section.get(winner.index).copied().unwrap_or(true);
            if !winner_ok {
                continue;
            }
            let Some(LineKind::Entry(win)) = doc.lines.get(winner.index).map(|l| &l.kind) else {
                continue;
            };
            for dead in &origin.overridden {
                if in_section.get(dead.index).copied().unwrap_or(true) {
                    continue;
                }
                let Some(line) = doc.lines.get(dead.index) else {
                    continue;
                };
                let LineKind::Entry(entry) = &line.kind else {
                    continue;
                };
                out.push(diagnostic(doc, line, entry, win, winner.number));
            }
        }
    }
}

/// For each line: whether it is under a `[section]` header.
fn section_flags(doc: &NpmrcDoc) -> Vec<bool> {
    let mut inside = false;
    doc.lines
        .iter()
        .map(|l| {
            if matches!(l.kind, LineKind::Section(_)) {
                inside = true;
            }
            inside
        })
        .collect()
}

fn shown(key: &str, v: &Value) -> Option<String> {
    if crate::secret::is_secret_key(key) {
        return None;
    }
    let s = match v {
        Value::Str(s) => s.clone(),
        other => other.to_json().to_string(),
    };
    (!support_npmrc::looks_secret(&s)
        && crate::secret::url_password_spans(&s).is_empty()
        && s.len() <= 80)
        .then_some(s)
}

fn diagnostic(
    doc: &NpmrcDoc,
    line: &crate::npmrc::lexer::Line,
    entry: &Entry,
    winner: &Entry,
    winner_line: usize,
) -> Diagnostic {
    let key = &entry.prop;
    let values = match (shown(key, &entry.value), shown(key, &winner.value)) {
        (Some(a), Some(b)) if a != b => format!(" (`{a}` is replaced by `{b}`)"),
        (Some(a), Some(b)) if a == b => " (with the same value)".to_string(),
        _ => String::new(),
    };
    Diagnostic::new(
        RULE.name,
        doc.path.clone(),
        entry.key.span.clone(),
        format!(
            "`{key}` is set again on line {winner_line}: npm keeps the last value, so this line has no effect{values}"
        ),
    )
    .label("overridden")
    .secondary(doc.path.clone(), winner.key.span.clone(), "this line wins")
    .help("delete one of the two lines; keep the value you mean")
    .fix(Fix {
        title: format!("delete the overridden `{key}` line"),
        edits: vec![support_npmrc::delete_line(doc, line)],
        applicability: Applicability::Safe,
    })
}
