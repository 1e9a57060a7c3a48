//! `multiple-settings-on-line`: a second `key=value` pasted onto a line.
//! An ini line holds one setting: the rest of the line is the first value.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::rules::support::is_scope_registry_key;
use crate::rules::support_npmrc::{self, EntryLine};
use std::ops::Range;

declare_rule! {
    name: "multiple-settings-on-line",
    category: Correctness,
    severity: Error,
    fix: Always,
    summary: "two `key=value` settings on one line: npm reads the whole rest of the line as the first value",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let Some(raw) = &e.entry.raw_value else {
            continue;
        };
        if !support_npmrc::is_unquoted(raw) {
            continue;
        }
        let span = support_npmrc::text_span(e.doc, raw);
        let text = e.doc.slice(&span);
        if let Some((gap, key)) = second_setting(text) {
            let gap = span.start + gap.start..span.start + gap.end;
            let key = span.start + key.start..span.start + key.end;
            out.push(diagnostic(&e, gap, key));
        }
    }
}

/// The whitespace gap before, and the key of, the first `key=…` word after
/// the first one in `text` that names a real npm setting.
fn second_setting(text: &str) -> Option<(Range<usize>, Range<usize>)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    for (i, w) in words.iter().enumerate().skip(1) {
        let word = &text[w.clone()];
        let Some(eq) = word.find('=') else { continue };
        if !is_setting_key(&word[..eq]) {
            continue;
        }
        let gap_start = words.get(i - 1).map_or(w.start, |p| p.end);
        return Some((gap_start..w.start, w.start..w.start + eq));
    }
    None
}

fn is_setting_key(key: &str) -> bool {
    if key.is_empty() || key.starts_with('-') {
        return false;
    }
    if key.starts_with("//") {
        let (_, base) = support_npmrc::split_key(key);
        return key.contains(':') && support_npmrc::auth_base_canonical(base).is_some();
    }
    is_scope_registry_key(key) || support_npmrc::is_defined(key)
}

fn diagnostic(e: &EntryLine<'_>, gap: Range<usize>, key_span: Range<usize>) -> Diagnostic {
    let first = &e.entry.prop;
    let second = e.doc.slice(&key_span).to_string();
    let consequence = if support_npmrc::is_known_key(first)
        && (first == "registry" || is_scope_registry_key(first))
    {
        " (the registry URL gets the rest as part of its path, with `%20` for the space)"
    } else {
        ""
    };
    Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        key_span,
        format!(
            "`{second}=…` is on the same line as `{first}`: npm reads one setting per line, so it is part of the value of `{first}` and never set{consequence}"
        ),
    )
    .label("not a separate setting")
    .secondary(e.doc.path.clone(), e.entry.key.span.clone(), "the whole rest of the line is this key's value")
    .help(format!("put `{second}` on its own line"))
    .fix(Fix {
        title: format!("move `{second}` to its own line"),
        edits: vec![support_npmrc::replace(
            e.doc,
            gap,
            support_npmrc::newline(e.doc),
        )],
        applicability: Applicability::Safe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn second(text: &str) -> Option<(&str, &str)> {
        second_setting(text).map(|(g, k)| (&text[g], &text[k]))
    }

    #[test]
    fn finds_a_pasted_setting() {
        assert_eq!(
            second("https://h/ //h/:_authToken=x"),
            Some((" ", "//h/:_authToken"))
        );
        assert_eq!(second("true\u{a0}\tfund=false"), Some(("\u{a0}\t", "fund")));
        assert_eq!(
            second("https://a/ @s:registry=https://b/"),
            Some((" ", "@s:registry"))
        );
    }

    #[test]
    fn ignores_values_with_equals() {
        assert_eq!(second("--max-old-space-size=4096 --inspect=9229"), None);
        assert_eq!(second("a=b"), None);
        assert_eq!(second("John Doe x=y"), None);
    }
}
