//! Rendering a check run: human (miette), JSON (schema 1) and GitHub
//! Actions annotations. No renderer ever prints a secret: diagnostics are
//! built without secret values, and snippets of secret values are masked
//! before rendering.

pub mod human;
pub mod json;

use crate::check::CheckRun;
use std::io::Write;
use std::path::Path;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels (miette).
    Human,
    /// `{"schema":1,"diagnostics":[…]}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// One line per finding: `file:line:col: severity [rule] message`.
    Concise,
}

/// Writes `run` in `format`.
///
/// # Errors
/// Write errors.
pub fn write(
    format: Format,
    run: &CheckRun,
    cwd: &Path,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(run, cwd, color, out),
        Format::Json => json::write(run, cwd, out),
        Format::Github => json::write_github(run, cwd, out),
        Format::Concise => json::write_concise(run, cwd, out),
    }
}

/// A path for display: relative to `cwd` when below it.
#[must_use]
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
}
