//! `duplicate-json-key`: a key written twice in one `package.json` object.
//! `JSON.parse` keeps the last one silently.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::manifest::spanned::{Duplicate, Manifest};

declare_rule! {
    name: "duplicate-json-key",
    category: Suspicious,
    severity: Warn,
    fix: None,
    summary: "a key written twice in one package.json object: npm silently keeps only the last one",
}

/// The dependency fields whose member names are package names.
pub const DEPENDENCY_FIELDS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        for dup in &m.duplicates {
            out.push(diagnostic(m, dup));
        }
    }
}

/// Splits a pointer into decoded tokens.
fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The kept value, when it is a short string that is safe to show.
fn kept_str<'a>(m: &'a Manifest, pointer: &str) -> Option<&'a str> {
    m.value
        .as_ref()?
        .pointer(pointer)?
        .as_str()
        .filter(|s| s.chars().count() <= 80)
}

fn diagnostic(m: &Manifest, dup: &Duplicate) -> Diagnostic {
    let toks = tokens(&dup.pointer);
    let key = toks.last().cloned().unwrap_or_default();
    let shown = |v: Option<&str>| v.map_or(String::new(), |v| format!(" (`{v}`)"));
    let (message, note) = match toks.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["name"] => (
            format!(
                "`name` is written twice: npm publishes and installs the package under the last one{}",
                shown(kept_str(m, &dup.pointer))
            ),
            Some("the first `name` is dead text; anyone reading the file top-down sees the wrong package name"),
        ),
        ["version"] => (
            format!(
                "`version` is written twice: npm uses the last one{}",
                shown(kept_str(m, &dup.pointer))
            ),
            Some("`npm version` rewrites the whole file and drops the first `version`; release tooling that reads the first one sees a different version"),
        ),
        ["publishConfig"] => (
            "`publishConfig` is written twice: npm uses only the last object and ignores every setting of the first".to_string(),
            Some("the registry, access and tag of the first `publishConfig` are not merged in"),
        ),
        ["publishConfig", k] => (
            format!("`publishConfig[\"{k}\"]` is written twice: npm uses the last one"),
            None,
        ),
        [field, dep] if DEPENDENCY_FIELDS.contains(field) => (
            format!(
                "`{dep}` is listed twice in `{field}`: npm installs only the last spec{}",
                shown(kept_str(m, &dup.pointer))
            ),
            Some("the first spec is ignored; `npm install <pkg>` will rewrite the file with a single entry"),
        ),
        _ => (
            format!(
                "`{key}` is written twice in the same object{}: npm keeps only the last value",
                location(&toks)
            ),
            None,
        ),
    };
    let mut d = Diagnostic::new(RULE.name, m.path.clone(), dup.first.clone(), message)
        .label("ignored")
        .secondary(m.path.clone(), dup.second.clone(), "npm keeps this one")
        .help(format!(
            "remove one of the two `{key}` keys (keep the value you mean)"
        ));
    if let Some(n) = note {
        d = d.note(n);
    }
    d
}

fn location(toks: &[String]) -> String {
    if toks.len() <= 1 {
        String::new()
    } else {
        let parent: Vec<&str> = toks
            .iter()
            .take(toks.len() - 1)
            .map(String::as_str)
            .collect();
        format!(" of `{}`", parent.join("."))
    }
}
