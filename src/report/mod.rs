//! Rendering a check run: human (miette), JSON (schema 1), GitHub Actions
//! annotations, and the CI report formats (SARIF, GitLab Code Quality,
//! JUnit; see [`ci`] for their shared paths and fingerprints). No renderer
//! ever prints a secret: diagnostics are built without secret values, and
//! snippets of secret values are masked before rendering.

pub mod ci;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

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
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// The name used on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
            Format::Concise => "concise",
            Format::Sarif => "sarif",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }

    /// Whether the format carries the run's errors (the others leave them
    /// to stderr).
    #[must_use]
    pub fn reports_errors(self) -> bool {
        matches!(
            self,
            Format::Human | Format::Json | Format::Sarif | Format::Junit
        )
    }
}

/// One `--format` argument: `NAME` (to stdout, or `--output-file`) or
/// `NAME=PATH` (to that file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub path: Option<std::path::PathBuf>,
}

impl std::str::FromStr for FormatSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<FormatSpec, String> {
        use clap::ValueEnum;
        let (name, path) = match s.split_once('=') {
            Some((n, "")) => return Err(format!("`{n}=`: the path is empty")),
            Some((n, p)) => (n, Some(std::path::PathBuf::from(p))),
            None => (s, None),
        };
        let format = Format::from_str(name, true).map_err(|_| {
            let names: Vec<&str> = Format::value_variants().iter().map(|f| f.name()).collect();
            format!(
                "unknown format `{name}` (expected one of {}, optionally `=PATH`)",
                names.join(", ")
            )
        })?;
        Ok(FormatSpec { format, path })
    }
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
        Format::Sarif => sarif::write(run, cwd, out),
        Format::Gitlab => gitlab::write(run, cwd, out),
        Format::Junit => junit::write(run, cwd, out),
    }
}

/// A path for display: relative to `cwd` when below it.
#[must_use]
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
}
