//! Machine-readable output: the versioned JSON schema, GitHub Actions
//! annotations and a concise one-line-per-finding format.

use super::display_path;
use crate::check::CheckRun;
use crate::check::diagnostic::{Diagnostic, Severity};
use serde_json::json;
use std::io::Write;
use std::path::Path;

/// Start and end (line, column), 1-based, of a diagnostic's primary span.
fn positions(run: &CheckRun, d: &Diagnostic) -> ((usize, usize), (usize, usize)) {
    let file = &d.primary.location.file;
    let span = &d.primary.location.span;
    (run.line_col(file, span.start), run.line_col(file, span.end))
}

/// `{"schema":1,"diagnostics":[{"rule","severity","message","file","line",
/// "column","end_line","end_column","help"}]}`.
///
/// # Errors
/// Write errors.
pub fn write(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let diagnostics: Vec<serde_json::Value> = run
        .diagnostics
        .iter()
        .map(|d| {
            let ((line, column), (end_line, end_column)) = positions(run, d);
            json!({
                "rule": d.rule,
                "severity": d.severity.name(),
                "message": d.message,
                "file": display_path(&d.primary.location.file, cwd),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "help": d.help,
                "note": d.note,
                "url": super::ci::rule_doc_url(d.rule),
                "fixable": d.fix.is_some(),
                "fix": fix_json(run, d, cwd),
            })
        })
        .collect();
    let doc = json!({
        "schema": 1,
        "diagnostics": diagnostics,
        "files_checked": run.files_checked,
        "errors": run.errors,
        "projects": run
            .package_managers
            .iter()
            .map(|(dir, pm)| json!({
                "dir": display_path(dir, cwd),
                "package_manager": pm.manager.name(),
                "evidence": pm.evidence,
            }))
            .collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// `{"applicability","title","edits":[{"file","start","end","replacement"}]}`
/// (byte offsets; secrets in replacements masked), or `null`.
fn fix_json(run: &CheckRun, d: &Diagnostic, cwd: &Path) -> serde_json::Value {
    let Some(fix) = &d.fix else {
        return serde_json::Value::Null;
    };
    let edits: Vec<serde_json::Value> = crate::fix::masked_edits(d, &run.sources)
        .into_iter()
        .map(|e| {
            json!({
                "file": display_path(&e.file, cwd),
                "start": e.span.start,
                "end": e.span.end,
                "replacement": e.replacement,
            })
        })
        .collect();
    json!({
        "applicability": match fix.applicability {
            crate::check::diagnostic::Applicability::Safe => "safe",
            crate::check::diagnostic::Applicability::Unsafe => "unsafe",
        },
        "title": crate::util::printable(&fix.title),
        "edits": edits,
    })
}

/// GitHub Actions workflow commands; paths relative to the repository
/// root, as GitHub resolves them.
///
/// # Errors
/// Write errors.
pub fn write_github(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let root = super::ci::repo_root(cwd);
    for d in &run.diagnostics {
        let ((line, col), (end_line, end_col)) = positions(run, d);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "notice",
        };
        let file = super::ci::ReportPath::new(&d.primary.location.file, &root).text();
        let position = if line == end_line {
            format!("line={line},col={col},endLine={end_line},endColumn={end_col}")
        } else {
            format!("line={line},endLine={end_line}")
        };
        writeln!(
            out,
            "::{level} file={},{position},title=npmrc-doctor ({})::{}",
            escape_property(&file),
            d.rule,
            escape_data(&format!(
                "{} ({})",
                d.message,
                super::ci::rule_doc_url(d.rule)
            ))
        )?;
    }
    Ok(())
}

/// `file:line:col: severity [rule] message`.
///
/// # Errors
/// Write errors.
pub fn write_concise(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    for d in &run.diagnostics {
        let ((line, col), _) = positions(run, d);
        writeln!(
            out,
            "{}:{line}:{col}: {} [{}] {}",
            display_path(&d.primary.location.file, cwd),
            d.severity.name(),
            d.rule,
            d.message
        )?;
    }
    Ok(())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
