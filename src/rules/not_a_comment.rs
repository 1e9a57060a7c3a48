//! `not-a-comment`: a line npm reads as a key set to `true` although it is
//! meant as a comment or as prose (`// note`, a wrapped value).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "not-a-comment",
    category: Suspicious,
    severity: Warn,
    fix: Sometimes,
    summary: "a `//` line or a line without `=` that npm reads as a key set to true, not as a comment",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let key = e.raw_key();
        if !support_npmrc::is_stray_text_key(e.entry, key) {
            continue;
        }
        // `[section] ; x` and a BOM before `[section]` belong to
        // section-header / file-encoding.
        if key.starts_with('[') {
            continue;
        }
        // a token pushed below an empty credential: empty-credential
        // reports that pair (with this line as its secondary label)
        if support_npmrc::looks_secret(key) && follows_empty_credential(&e) {
            continue;
        }
        out.push(diagnostic(&e, key));
    }
}

fn diagnostic(e: &EntryLine<'_>, key: &str) -> Diagnostic {
    let comment_like = support_npmrc::is_comment_like_key(key);
    let secret = support_npmrc::looks_secret(key);
    let prop = &e.entry.prop;
    let (message, label) = if secret {
        (
            "this line looks like (part of) a credential: npm reads it as a separate key, not as a continuation of the line above".to_string(),
            "a key to npm",
        )
    } else if comment_like {
        let what = if e.entry.eq.is_some() {
            format!("a key `{prop}`")
        } else {
            format!("a key `{prop}` set to `true`")
        };
        (
            format!("`//` does not start a comment in `.npmrc`: npm reads this line as {what}"),
            "not a comment",
        )
    } else if let Some((k, _)) = setting_without_eq(prop) {
        (
            format!(
                "`{prop}` has no `=`: npm reads the whole line as one unknown key set to `true`, so `{k}` is not set"
            ),
            "a key to npm",
        )
    } else {
        (
            format!(
                "`{prop}` has no `=`: npm reads the line as an unknown key `{prop}` set to `true`"
            ),
            "a key to npm",
        )
    };
    let mut d = Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        e.entry.key.span.clone(),
        message,
    )
    .label(label);
    if secret {
        d = d
            .note("a value ends at the line break: the key above gets only the text on its own line, or nothing")
            .help("join the value onto its key's line (`base64 -w 0` writes unwrapped output), or better reference a variable: `${NPM_TOKEN}`");
        return d;
    }
    if let Some((k, v)) = setting_without_eq(prop) {
        d = d.help(format!(
            "write it as `{k}={}`",
            crate::rules::support_auth::safe_display(v)
        ));
        if let Some(w) =
            crate::config::load::unknown_key_warning(support_npmrc::layer_of(e.doc), prop)
        {
            d = d.note(format!("npm prints `{w}`"));
        }
        return d;
    }
    d = d.help("start comments with `#` or `;`");
    if let Some(w) = crate::config::load::unknown_key_warning(support_npmrc::layer_of(e.doc), prop)
    {
        d = d.note(format!("npm prints `{w}` and otherwise ignores the line"));
    }
    if !support_npmrc::is_unquoted(&e.entry.key) {
        return d;
    }
    let start = e.line.span.start + (e.text().len() - e.text().trim_start().len());
    d.fix(Fix {
        title: "turn the line into a `#` comment".into(),
        edits: vec![Edit {
            location: Location {
                file: e.doc.path.clone(),
                span: if comment_like {
                    start..start + 2
                } else {
                    start..start
                },
            },
            replacement: if comment_like {
                "#".into()
            } else {
                "# ".into()
            },
        }],
        applicability: Applicability::Safe,
    })
}

/// `registry https://…` or a pasted `npm config set registry https://…`:
/// an npm setting and its value separated by a space instead of `=`.
fn setting_without_eq(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    let t = ["npm config set ", "npm set "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim_start();
    let (k, v) = t.split_once(char::is_whitespace)?;
    let v = v.trim();
    (!v.is_empty() && support_npmrc::is_known_key(k)).then_some((k, v))
}

/// Whether the line before `e` is a credential key with an empty value.
fn follows_empty_credential(e: &EntryLine<'_>) -> bool {
    let Some(prev) = e.line.index.checked_sub(1).and_then(|i| e.doc.lines.get(i)) else {
        return false;
    };
    let crate::npmrc::lexer::LineKind::Entry(p) = &prev.kind else {
        return false;
    };
    let (prefix, base) = support_npmrc::split_key(&p.prop);
    !prefix.is_empty()
        && matches!(base, "_authToken" | "_auth" | "_password")
        && p.value.as_str() == Some("")
}
