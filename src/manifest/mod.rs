//! `package.json`: reading it the way npm does (`@npmcli/package-json`,
//! `json-parse-even-better-errors`: a leading BOM is stripped, duplicate keys
//! keep the last value).

pub mod json;
pub mod spanned;
pub mod workspaces;

use std::path::Path;

/// Why a `package.json` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file does not exist (`ENOENT`) or a path component is not a
    /// directory (`ENOTDIR`).
    #[error("{0}")]
    NotFound(&'static str),
    /// Any other I/O error, with node's error code.
    #[error("{code}: {message}")]
    Io { code: String, message: String },
    /// Not valid JSON (`EJSONPARSE`).
    #[error("{0}")]
    Json(String),
}

impl ReadError {
    /// node's error code (`ENOENT`, `EISDIR`, `EJSONPARSE`, …).
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            ReadError::NotFound(c) => c,
            ReadError::Io { code, .. } => code,
            ReadError::Json(_) => "EJSONPARSE",
        }
    }
}

/// Reads and parses `<dir>/package.json` like `@npmcli/package-json`.
///
/// # Errors
/// [`ReadError`] for a missing file, an I/O error or invalid JSON.
pub fn read_package_json(dir: &Path) -> Result<serde_json::Value, ReadError> {
    read_json_file(&dir.join("package.json"))
}

/// Reads and parses a JSON file, stripping one leading BOM.
///
/// # Errors
/// [`ReadError`] for a missing file, an I/O error or invalid JSON.
pub fn read_json_file(path: &Path) -> Result<serde_json::Value, ReadError> {
    let bytes = crate::fsread::read_input(path).map_err(|e| match e.code {
        "ENOENT" => ReadError::NotFound("ENOENT"),
        "ENOTDIR" => ReadError::NotFound("ENOTDIR"),
        code => ReadError::Io {
            code: code.to_string(),
            message: e.describe(),
        },
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    json::parse(text).map_err(|e| ReadError::Json(e.to_string()))
}
