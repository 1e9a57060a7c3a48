//! Helpers shared by several rules: iterating the registry URLs and the
//! settings written in the checked files, expanding `${VAR}` like npm.

use crate::check::context::{Context, NpmrcDoc};
use crate::npmrc::env_replace::env_replace;
use crate::npmrc::lexer::{Entry, Line, Quote};
use crate::value::Value;
use std::ops::Range;
use std::path::PathBuf;

/// Whether npm treats `key` as a registry URL: `registry` itself or a scope
/// mapping (`flatten` copies keys matching `/@.*:registry$/i`).
#[must_use]
pub fn is_registry_key(key: &str) -> bool {
    key == "registry" || is_scope_registry_key(key)
}

/// `/@.*:registry$/i` (no allocation: called for every config key).
#[must_use]
pub fn is_scope_registry_key(key: &str) -> bool {
    const SUFFIX: &str = ":registry";
    let Some(split) = key.len().checked_sub(SUFFIX.len()) else {
        return false;
    };
    key.get(split..)
        .is_some_and(|tail| tail.eq_ignore_ascii_case(SUFFIX))
        && key.get(..split).is_some_and(|head| head.contains('@'))
}

/// A registry URL written in a checked file.
#[derive(Debug, Clone)]
pub struct RegistryValue {
    pub file: PathBuf,
    /// How to name it in a message: `registry`, `@acme:registry`,
    /// `publishConfig.registry`.
    pub key: String,
    /// The value as written (unquoted, unexpanded).
    pub text: String,
    /// After `${VAR}` expansion; None when a variable is unset.
    pub expanded: Option<String>,
    /// Span of the value in the file.
    pub value_span: Range<usize>,
    /// Where a trailing `/` would be inserted.
    pub insert_at: usize,
    /// Whether a plain text edit of the value is safe (unquoted, no comment).
    pub editable: bool,
    /// 1-based line.
    pub line: usize,
}

impl RegistryValue {
    /// The expanded value parsed as a WHATWG URL.
    #[must_use]
    pub fn parsed(&self) -> Option<url::Url> {
        url::Url::parse(self.expanded.as_deref()?).ok()
    }
}

/// Expands `${VAR}` in `text` with the context's environment; None when a
/// referenced variable without `?` is unset.
#[must_use]
pub fn expand(cx: &Context<'_>, text: &str) -> Option<String> {
    let lookup = |name: &str| cx.env.var(name).map(str::to_string);
    let e = env_replace(text, &lookup);
    if e.refs.iter().any(|r| !r.set && !r.optional && !r.escaped) {
        None
    } else {
        Some(e.value)
    }
}

/// Top-level string entries of every checked `.npmrc`, with the document.
pub fn string_entries<'a>(
    cx: &Context<'a>,
) -> impl Iterator<Item = (&'a NpmrcDoc, &'a Line, &'a Entry, &'a str)> {
    cx.npmrc_files().iter().flat_map(|doc| {
        doc.top_level_entries()
            .filter_map(move |(line, entry)| match &entry.value {
                Value::Str(s) => Some((doc, line, entry, s.as_str())),
                _ => None,
            })
    })
}

/// Every registry URL in the checked files: `.npmrc` `registry` and
/// `@scope:registry` entries, and `publishConfig` registries in package.json.
#[must_use]
pub fn registry_values(cx: &Context<'_>) -> Vec<RegistryValue> {
    let mut out = Vec::new();
    for (doc, line, entry, value) in string_entries(cx) {
        if !is_registry_key(&entry.prop) {
            continue;
        }
        let Some(raw) = &entry.raw_value else {
            continue;
        };
        let unquoted = raw.quote == Quote::None;
        let text_end = raw.span.end;
        out.push(RegistryValue {
            file: doc.path.clone(),
            key: entry.prop.clone(),
            text: value.to_string(),
            expanded: expand(cx, value),
            value_span: raw.span.clone(),
            insert_at: text_end,
            editable: unquoted && raw.comment.is_none() && !value.contains("${"),
            line: line.number,
        });
    }
    for m in cx.manifests() {
        let Some(pc) = m.value.as_ref().and_then(|v| v.get("publishConfig")) else {
            continue;
        };
        let Some(obj) = pc.as_object() else { continue };
        for (key, value) in obj {
            if !is_registry_key(key) {
                continue;
            }
            let Some(text) = value.as_str() else { continue };
            let pointer = format!(
                "/publishConfig/{}",
                crate::manifest::spanned::pointer_token(key)
            );
            let span = m.value_span(&pointer);
            let (line, _) = m.line_col(span.start);
            out.push(RegistryValue {
                file: m.path.clone(),
                key: format!("publishConfig[\"{key}\"]"),
                text: text.to_string(),
                // publishConfig values are not ${}-expanded by npm
                expanded: Some(text.to_string()),
                insert_at: span.end.saturating_sub(1),
                editable: !text.contains('\\'),
                value_span: span,
                line,
            });
        }
    }
    out
}
