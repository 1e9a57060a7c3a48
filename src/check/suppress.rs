//! Suppression comments in `.npmrc` files (npm ignores comments):
//!
//! ```ini
//! ; npmrc-doctor-disable-next-line hardcoded-token
//! //npm.example.com/:_authToken=only-a-fixture
//! # npmrc-doctor-disable unknown-key, removed-key
//! ```
//!
//! `disable-next-line` applies to the next line that is not blank or a
//! comment; `disable` to the whole file. Without rule names, all rules.
//!
//! `package.json` has no comments; a finding there is suppressed with a
//! top-level key npm ignores:
//!
//! ```json
//! { "name": "@acme/ui", "npmrc-doctor": { "disable": ["scoped-publish-access"] } }
//! ```

use super::context::NpmrcDoc;
use crate::npmrc::lexer::LineKind;

/// Suppressions of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// (rules or empty = all, 1-based line number it applies to).
    next_line: Vec<(Vec<String>, usize)>,
    /// Rules disabled in the whole file (empty vec entry = all).
    file: Vec<Vec<String>>,
    /// Rule names used in comments that do not exist (line, name).
    pub unknown: Vec<(usize, String)>,
}

const NEXT_LINE: &str = "npmrc-doctor-disable-next-line";
const FILE: &str = "npmrc-doctor-disable";

impl Suppressions {
    /// Collects the suppression comments of a file.
    #[must_use]
    pub fn of(doc: &NpmrcDoc) -> Suppressions {
        let mut s = Suppressions::default();
        let mut pending: Vec<Vec<String>> = Vec::new();
        for line in &doc.lines {
            let text = doc.slice(&line.span).trim();
            match &line.kind {
                LineKind::Comment => {
                    let body = text.trim_start_matches([';', '#']).trim();
                    if let Some(rest) = body.strip_prefix(NEXT_LINE) {
                        pending.push(s.names(rest, line.number));
                    } else if let Some(rest) = body.strip_prefix(FILE) {
                        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                            let names = s.names(rest, line.number);
                            s.file.push(names);
                        }
                    }
                }
                LineKind::Blank => {}
                _ => {
                    for rules in pending.drain(..) {
                        s.next_line.push((rules, line.number));
                    }
                }
            }
        }
        s
    }

    fn names(&mut self, rest: &str, line: usize) -> Vec<String> {
        let names: Vec<String> = rest
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        for n in &names {
            if crate::rules::get(n).is_none() {
                self.unknown.push((line, n.clone()));
            }
        }
        names
    }

    /// Whether `rule` is suppressed at 1-based `line`.
    #[must_use]
    pub fn is_suppressed(&self, rule: &str, line: usize) -> bool {
        let matches = |rules: &Vec<String>| rules.is_empty() || rules.iter().any(|r| r == rule);
        self.file.iter().any(matches)
            || self
                .next_line
                .iter()
                .any(|(rules, l)| *l == line && matches(rules))
    }
}

/// The key of `package.json` suppressions.
pub const PACKAGE_JSON_KEY: &str = "npmrc-doctor";

/// Rules disabled for a `package.json` by `"npmrc-doctor": { "disable": [...] }`.
#[must_use]
pub fn package_json_disabled(m: &crate::manifest::spanned::Manifest) -> Vec<String> {
    m.value
        .as_ref()
        .and_then(|v| v.get(PACKAGE_JSON_KEY))
        .and_then(|v| v.get("disable"))
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn package_json_disable() {
        let m = crate::manifest::spanned::Manifest::from_bytes(
            "package.json".into(),
            br#"{"name":"@a/b","npmrc-doctor":{"disable":["scoped-publish-access"]}}"#,
        );
        assert_eq!(
            super::package_json_disabled(&m),
            vec!["scoped-publish-access"]
        );
    }
}
