//! `env-var-syntax`: environment references npm never expands — `$VAR`,
//! `{$VAR}`, `%VAR%`, `$(cmd)`, `${VAR:-default}`, `${ VAR }`,
//! `${npm.token}`, `${{ secrets.X }}`. npm only knows `${NAME}` and
//! `${NAME?}` (@npmcli/config `lib/env-replace.js`). In a pnpm project the
//! default values pnpm expands (`${NAME:-x}`, `${NAME-x}`:
//! `crate::project::pnpm_env`) are not reported.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::npmrc::env_replace::env_replace;
use crate::rules::support_npmrc::{self, EntryLine};
use std::ops::Range;

declare_rule! {
    name: "env-var-syntax",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "an environment reference npm never expands (`$VAR`, `%VAR%`, `${VAR:-x}`, …): the text is used literally",
}

/// One bad reference found in a key or value.
struct Found {
    span: Range<usize>,
    kind: &'static str,
    /// `${NAME}` when a plain rewrite keeps the meaning.
    fix: Option<(String, Applicability)>,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let pnpm = cx.package_manager() == crate::project::PackageManager::Pnpm;
    for e in support_npmrc::top_level(cx) {
        let mut parts = vec![(support_npmrc::text_span(e.doc, &e.entry.key), true)];
        if let Some(raw) = &e.entry.raw_value {
            parts.push((support_npmrc::text_span(e.doc, raw), false));
        }
        for (span, is_key) in parts {
            let text = e.doc.slice(&span);
            for f in scan(text) {
                if pnpm && crate::project::pnpm_env::expands(text.get(f.span.clone()).unwrap_or(""))
                {
                    continue;
                }
                let abs = span.start + f.span.start..span.start + f.span.end;
                out.push(diagnostic(&e, abs, &f, is_key));
            }
        }
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return 0;
    }
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

fn scan(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let taken = |found: &Vec<Found>, r: &Range<usize>| {
        found
            .iter()
            .any(|f| f.span.start < r.end && r.start < f.span.end)
    };
    let pw = crate::secret::url_password_spans(text);
    let in_pw = |i: usize| pw.iter().any(|p| p.contains(&i));
    // `${{ … }}`
    let mut from = 0;
    while let Some(p) = text.get(from..).and_then(|t| t.find("${{")) {
        let start = from + p;
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |q| start + q + 2);
        found.push(Found {
            span: start..end,
            kind: "a GitHub Actions expression, which is only substituted in workflow files",
            fix: None,
        });
        from = end;
    }
    // `${…}` that env-replace matches but no shell can set
    let refs = env_replace(text, &|_| None).refs;
    for r in refs {
        if r.escaped || is_name(&r.name) || taken(&found, &r.span) {
            continue;
        }
        let trimmed = r.name.trim();
        let q = if r.optional { "?" } else { "" };
        let (kind, fix) = if is_name(trimmed) {
            (
                "a name with spaces, which npm looks up verbatim",
                Some((format!("${{{trimmed}{q}}}"), Applicability::Safe)),
            )
        } else if r.name.contains(":-") || r.name.contains(":=") || r.name.contains(":?") {
            ("a shell default value, which npm does not support", None)
        } else {
            ("a variable name no shell can set", None)
        };
        let start = r.span.end - r.name.len() - q.len() - 3;
        found.push(Found {
            span: start..r.span.end,
            kind,
            fix,
        });
    }
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let prev_bs = i > 0 && bytes[i - 1] == b'\\';
        match b {
            b'{' if bytes.get(i + 1) == Some(&b'$') => {
                let n = name_len(&text[i + 2..]);
                let close = i + 2 + n;
                if n > 0 && bytes.get(close) == Some(&b'}') && !taken(&found, &(i..close + 1)) {
                    let name = &text[i + 2..close];
                    found.push(Found {
                        span: i..close + 1,
                        kind: "`{$NAME}`, which is not npm's `${NAME}`",
                        fix: Some((format!("${{{name}}}"), Applicability::Safe)),
                    });
                }
            }
            b'$' if !prev_bs && !in_pw(i) => {
                if bytes.get(i + 1) == Some(&b'(') {
                    let end = text[i..].find(')').map_or(text.len(), |q| i + q + 1);
                    if !taken(&found, &(i..end)) {
                        found.push(Found {
                            span: i..end,
                            kind: "a shell command substitution, which npm does not run",
                            fix: None,
                        });
                    }
                    continue;
                }
                let n = name_len(&text[i + 1..]);
                if n > 0 && !taken(&found, &(i..i + 1 + n)) {
                    let name = &text[i + 1..i + 1 + n];
                    found.push(Found {
                        span: i..i + 1 + n,
                        kind: "a shell variable without braces, which npm does not expand",
                        fix: Some((format!("${{{name}}}"), Applicability::Unsafe)),
                    });
                }
            }
            b'%' if !in_pw(i) => {
                let n = name_len(&text[i + 1..]);
                let hex = text[i + 1..].bytes().take(2).all(|c| c.is_ascii_hexdigit());
                if n >= 2 && !hex && bytes.get(i + 1 + n) == Some(&b'%') {
                    let r = i..i + 2 + n;
                    if !taken(&found, &r) {
                        let name = &text[i + 1..i + 1 + n];
                        found.push(Found {
                            span: r,
                            kind: "a Windows `cmd` variable, which npm does not expand",
                            fix: Some((format!("${{{name}}}"), Applicability::Unsafe)),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found.sort_by_key(|f| f.span.start);
    found
}

fn diagnostic(e: &EntryLine<'_>, span: Range<usize>, f: &Found, is_key: bool) -> Diagnostic {
    let written = e.doc.slice(&span).to_string();
    let key = &e.entry.prop;
    let consequence = if is_key {
        "the key keeps the literal text and matches nothing npm looks up".to_string()
    } else if crate::secret::is_secret_key(key) {
        format!("npm sends the literal text as the credential of `{key}` (E401)")
    } else {
        format!("`{key}` gets the literal text")
    };
    let mut d = Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        span.clone(),
        format!("`{written}` is {}: {consequence}", f.kind),
    )
    .label("not expanded by npm");
    match &f.fix {
        Some((new, app)) => {
            d = d.help(format!("write `{new}`")).fix(Fix {
                title: format!("rewrite as `{new}`"),
                edits: vec![support_npmrc::replace(e.doc, span, new.clone())],
                applicability: *app,
            });
        }
        None => {
            d = d.help("npm expands only `${NAME}` (kept literally when unset) and `${NAME?}` (empty when unset); set the variable before running npm, or write the file from a script");
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Option<String>)> {
        scan(text)
            .into_iter()
            .map(|f| (&text[f.span.clone()], f.fix.map(|(t, _)| t)))
            .collect()
    }

    #[test]
    fn finds_forms_npm_does_not_expand() {
        assert_eq!(
            found("$NPM_TOKEN"),
            [("$NPM_TOKEN", Some("${NPM_TOKEN}".into()))]
        );
        assert_eq!(found("{$A}"), [("{$A}", Some("${A}".into()))]);
        assert_eq!(found("${ A }"), [("${ A }", Some("${A}".into()))]);
        assert_eq!(found("${ A ?}"), [("${ A ?}", Some("${A?}".into()))]);
        assert_eq!(
            found("%APPDATA%\\npm"),
            [("%APPDATA%", Some("${APPDATA}".into()))]
        );
        assert_eq!(found("${A:-x}"), [("${A:-x}", None)]);

        assert_eq!(found("${npm.token}"), [("${npm.token}", None)]);
        assert_eq!(found("$(cat f)"), [("$(cat f)", None)]);
        assert_eq!(found("${{ secrets.T }}"), [("${{ secrets.T }}", None)]);
    }

    #[test]
    fn leaves_npm_forms_and_lookalikes_alone() {
        for ok in [
            "${NPM_TOKEN}",
            "${NPM_TOKEN?}",
            "\\${LITERAL}",
            "\\$LITERAL",
            "https://h/%40acme%2Fui/",
            "%ab%cd",
            "http://u:pa$word@h/",
            "price: 5$",
        ] {
            assert!(found(ok).is_empty(), "{ok}: {:?}", found(ok));
        }
    }
}
