//! `empty-credential`: an `_authToken`, `_auth` or `_password` that is
//! empty, written so or after `${VAR?}` expansion. npm treats it as absent.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::npmrc::env_replace::env_replace;
use crate::npmrc::lexer::LineKind;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "empty-credential",
    category: Correctness,
    severity: Warn,
    fix: None,
    summary: "an empty `_authToken`, `_auth` or `_password`: npm treats it as absent and sends no credential from it",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let lookup = |name: &str| cx.env.var(name).map(str::to_string);
    for e in support_npmrc::top_level(cx) {
        let (prefix, base) = support_npmrc::split_key(&e.entry.prop);
        if prefix.is_empty() || !matches!(base, "_authToken" | "_auth" | "_password") {
            continue;
        }
        let Some(raw) = &e.entry.raw_value else {
            continue;
        };
        let Some(value) = e.entry.value.as_str() else {
            continue;
        };
        let why = if value.is_empty() {
            None
        } else {
            let x = env_replace(value, &lookup);
            if !x.value.is_empty() {
                continue;
            }
            Some(
                x.refs
                    .iter()
                    .map(|r| {
                        if r.set {
                            format!("`{}` is set to an empty string", r.name)
                        } else {
                            format!(
                                "`{}` is unset and `${{{}?}}` makes that empty",
                                r.name, r.name
                            )
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        out.push(diagnostic(&e, prefix, base, why, raw.span.clone()));
    }
}

fn diagnostic(
    e: &EntryLine<'_>,
    prefix: &str,
    base: &str,
    why: Option<String>,
    value_span: std::ops::Range<usize>,
) -> Diagnostic {
    let key = &e.entry.prop;
    let (span, message) = match &why {
        None => (
            e.entry.key.span.start..e.entry.eq.as_ref().map_or(e.entry.key.span.end, |q| q.end),
            format!(
                "`{key}` is empty: npm treats it as absent and looks for a credential at a shorter path of `{prefix}`, or sends none (E401/ENEEDAUTH)"
            ),
        ),
        Some(w) => (
            value_span,
            format!(
                "`{key}` expands to an empty string ({w}): npm treats it as absent and sends no `{base}` from it (E401/ENEEDAUTH)"
            ),
        ),
    };
    let mut d = Diagnostic::new(RULE.name, e.doc.path.clone(), span, message)
        .label("empty credential")
        .help(if why.is_some() {
            "set the variable before running npm; drop the `?` if the credential is required, so a missing variable is not silently turned into no credential"
        } else {
            "put the credential after the `=` on the same line, or `${NPM_TOKEN}` to read it from the environment; delete the line if it is not needed"
        });
    // a pasted token that landed on the next line
    if why.is_none() {
        let next = e.doc.lines.get(e.line.index + 1);
        if let Some(LineKind::Entry(n)) = next.map(|l| &l.kind) {
            if n.eq.is_none() {
                d = d.secondary(
                    e.doc.path.clone(),
                    n.key.span.clone(),
                    "is this the value? npm reads this line as a separate key",
                );
            }
        }
    }
    d
}
