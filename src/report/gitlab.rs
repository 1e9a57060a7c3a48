//! GitLab Code Quality report (the merge-request widget and the pipeline's
//! Code Quality tab): a JSON array of CodeClimate-style issues with the
//! fields GitLab reads — `description`, `check_name`, `fingerprint`
//! (unique, stable across line moves), `severity` (`info`, `minor`,
//! `major`, `critical`, `blocker`), `location.path` relative to the
//! repository root and `location.lines.begin`.

use super::ci;
use crate::check::CheckRun;
use crate::check::diagnostic::Severity;
use crate::rules::Category;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// GitLab's severity for a finding: errors are `major` (`critical` for
/// security rules), warnings `minor`, infos `info`.
fn severity(s: Severity, category: Option<Category>) -> &'static str {
    match (s, category) {
        (Severity::Error, Some(Category::Security)) => "critical",
        (Severity::Error, _) => "major",
        (Severity::Warn, _) => "minor",
        (Severity::Info, _) => "info",
    }
}

/// The report as a JSON value.
#[must_use]
pub fn document(run: &CheckRun, cwd: &Path) -> Value {
    let root = ci::repo_root(cwd);
    let issues: Vec<Value> = ci::findings(run, &root)
        .iter()
        .map(|f| {
            let d = f.diagnostic;
            let rule = crate::rules::get(d.rule);
            let mut body = String::new();
            if let Some(help) = &d.help {
                body.push_str("help: ");
                body.push_str(help);
            }
            if let Some(note) = &d.note {
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                body.push_str("note: ");
                body.push_str(note);
            }
            let mut issue = json!({
                "type": "issue",
                "description": format!("{} [{}]", d.message, d.rule),
                "check_name": d.rule,
                "fingerprint": f.fingerprint,
                "severity": severity(d.severity, rule.map(|r| r.category)),
                "categories": [match rule.map(|r| r.category) {
                    Some(Category::Security) => "Security",
                    Some(Category::Deprecated) => "Compatibility",
                    _ => "Bug Risk",
                }],
                "location": {
                    "path": f.path.text(),
                    "lines": { "begin": f.start.0, "end": f.end.0.max(f.start.0) },
                },
            });
            if !body.is_empty() {
                issue["content"] = json!({ "body": body });
            }
            issue
        })
        .collect();
    Value::Array(issues)
}

/// Writes the Code Quality report of `run`.
///
/// # Errors
/// Write errors.
pub fn write(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&document(run, cwd)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
