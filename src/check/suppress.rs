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
//! Each comment remembers whether it suppressed anything, so that
//! `unused-suppression` can report the ones that name an unknown rule or
//! suppress nothing ([`Suppressions::unused`]).

use super::context::NpmrcDoc;
use crate::npmrc::lexer::LineKind;
use std::cell::Cell;

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Rules it names (empty = all).
    pub rules: Vec<String>,
    /// The 1-based line it applies to; None = the whole file.
    pub applies_to: Option<usize>,
    /// Index of the comment's line in the lexed file.
    pub line_index: usize,
    /// Whether it suppressed a finding.
    used: Cell<bool>,
}

/// Suppressions of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    pub comments: Vec<Comment>,
    /// Rule names used in comments that do not exist (line index, name).
    pub unknown: Vec<(usize, String)>,
}

/// A comment that does nothing, for `unused-suppression`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unused {
    /// It names a rule that does not exist (with a suggestion).
    UnknownRule {
        line_index: usize,
        name: String,
        suggestion: Option<&'static str>,
    },
    /// It suppressed no finding.
    Nothing { line_index: usize },
}

const NEXT_LINE: &str = "npmrc-doctor-disable-next-line";
const FILE: &str = "npmrc-doctor-disable";

impl Suppressions {
    /// Collects the suppression comments of a file.
    #[must_use]
    pub fn of(doc: &NpmrcDoc) -> Suppressions {
        let mut s = Suppressions::default();
        let mut pending: Vec<usize> = Vec::new();
        for line in &doc.lines {
            let text = doc.slice(&line.span).trim();
            match &line.kind {
                LineKind::Comment => {
                    let body = text.trim_start_matches([';', '#']).trim();
                    if let Some(rest) = body.strip_prefix(NEXT_LINE) {
                        let rules = s.names(rest, line.index);
                        pending.push(s.comments.len());
                        s.comments.push(Comment {
                            rules,
                            applies_to: Some(0),
                            line_index: line.index,
                            used: Cell::new(false),
                        });
                    } else if let Some(rest) = body.strip_prefix(FILE) {
                        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                            let rules = s.names(rest, line.index);
                            s.comments.push(Comment {
                                rules,
                                applies_to: None,
                                line_index: line.index,
                                used: Cell::new(false),
                            });
                        }
                    }
                }
                LineKind::Blank => {}
                _ => {
                    for i in pending.drain(..) {
                        if let Some(c) = s.comments.get_mut(i) {
                            c.applies_to = Some(line.number);
                        }
                    }
                }
            }
        }
        s
    }

    fn names(&mut self, rest: &str, line_index: usize) -> Vec<String> {
        let names: Vec<String> = rest
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        for n in &names {
            if crate::rules::get(n).is_none() {
                self.unknown.push((line_index, n.clone()));
            }
        }
        names
    }

    /// Whether `rule` is suppressed at 1-based `line`; the comments that
    /// suppress it are marked used.
    #[must_use]
    pub fn is_suppressed(&self, rule: &str, line: usize) -> bool {
        let mut hit = false;
        for c in &self.comments {
            let names_it = c.rules.is_empty() || c.rules.iter().any(|r| r == rule);
            let here = c.applies_to.is_none_or(|l| l == line);
            if names_it && here {
                c.used.set(true);
                hit = true;
            }
        }
        hit
    }

    /// Comments that name an unknown rule, and comments that suppressed
    /// nothing (the engine ran every rule they name, also one switched
    /// off in this run).
    #[must_use]
    pub fn unused(&self) -> Vec<Unused> {
        let mut out: Vec<Unused> = self
            .unknown
            .iter()
            .map(|(line_index, name)| Unused::UnknownRule {
                line_index: *line_index,
                name: name.clone(),
                suggestion: crate::rules::suggest(name),
            })
            .collect();
        for c in &self.comments {
            let known = c.rules.iter().all(|r| crate::rules::get(r).is_some());
            if !c.used.get() && known {
                out.push(Unused::Nothing {
                    line_index: c.line_index,
                });
            }
        }
        out
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
