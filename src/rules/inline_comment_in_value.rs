//! `inline-comment-in-value`: an unquoted `#` or `;` inside a value starts
//! an ini comment and silently truncates the value.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "inline-comment-in-value",
    category: Correctness,
    severity: Warn,
    fix: Always,
    summary: "an unquoted `#` or `;` inside a value: npm cuts the value there and reads the rest as a comment",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let Some(raw) = &e.entry.raw_value else {
            continue;
        };
        let Some(comment) = &raw.comment else {
            continue;
        };
        let src = e.doc.source();
        let before = src.get(..comment.start).and_then(|s| s.chars().next_back());
        if before.is_none_or(char::is_whitespace) {
            continue;
        }
        let inserts = escape_points(src, raw.span.start, raw.span.end);
        out.push(diagnostic(&e, comment.start, &inserts));
    }
}

/// Offsets of the unescaped `#`/`;` that belong to the value: those not
/// preceded by whitespace, up to the first one that is (a real comment).
fn escape_points(src: &str, start: usize, end: usize) -> Vec<usize> {
    let text = src.get(start..end).unwrap_or("");
    let mut points = Vec::new();
    let mut esc = false;
    let mut prev: Option<char> = src.get(..start).and_then(|s| s.chars().next_back());
    for (i, c) in text.char_indices() {
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == '#' || c == ';' {
            if prev.is_none_or(char::is_whitespace) {
                break;
            }
            points.push(start + i);
        }
        prev = Some(c);
    }
    points
}

fn diagnostic(e: &EntryLine<'_>, at: usize, inserts: &[usize]) -> Diagnostic {
    let key = &e.entry.prop;
    let src = e.doc.source();
    let ch = src.get(at..at + 1).unwrap_or("#");
    let raw_text = e
        .entry
        .raw_value
        .as_ref()
        .map_or("", |r| e.doc.slice(&r.span));
    let secret = crate::secret::is_secret_key(key)
        || support_npmrc::looks_secret(raw_text)
        || !crate::secret::url_password_spans(raw_text).is_empty();
    let read = e.entry.value.as_str().unwrap_or("");
    let what = if crate::secret::is_secret_key(key) {
        "npm reads only the part before it, so the credential it sends is cut short (E401)"
            .to_string()
    } else if secret {
        "npm reads only the part before it (not shown: the value holds a credential)".to_string()
    } else if read.is_empty() {
        "npm reads an empty value".to_string()
    } else {
        format!("npm reads only `{read}`")
    };
    let fixed = if secret {
        String::new()
    } else {
        let mut s = src
            .get(e.entry.raw_value.as_ref().map_or(0..0, |r| r.span.clone()))
            .unwrap_or("")
            .to_string();
        let base = e.entry.raw_value.as_ref().map_or(0, |r| r.span.start);
        for p in inserts.iter().rev() {
            s.insert(p - base, '\\');
        }
        let cut = s
            .char_indices()
            .find(|&(i, c)| {
                (c == '#' || c == ';')
                    && s[..i].chars().next_back().is_some_and(char::is_whitespace)
            })
            .map_or(s.len(), |(i, _)| i);
        format!(": `{key}={}`", s[..cut].trim_end())
    };
    Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        at..at + 1,
        format!("an unquoted `{ch}` in the value of `{key}` starts a comment: {what}"),
    )
    .label("comment starts here")
    .help(format!(
        "escape the character as `\\{ch}`{fixed}; a comment needs whitespace before it (`key=value # note`)"
    ))
    .fix(Fix {
        title: format!("escape `{ch}` in the value"),
        edits: inserts
            .iter()
            .map(|&p| support_npmrc::replace(e.doc, p..p, "\\"))
            .collect(),
        applicability: Applicability::Unsafe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_the_value_part() {
        let src = "k=abc#def;g ; note #x";
        let start = 2;
        let pts = escape_points(src, start, src.len());
        assert_eq!(pts, vec![5, 9]);
        let src = "k=a\\#b#c";
        assert_eq!(escape_points(src, 2, src.len()), vec![6]);
        let src = "k=#abc";
        assert_eq!(escape_points(src, 2, src.len()), vec![2]);
        let src = "k= #abc";
        assert!(escape_points(src, 3, src.len()).is_empty());
    }
}
