//! The tool's own settings: per-rule severity from `.npmrc-doctor.json` and
//! `--rule NAME=LEVEL`. (Called "settings" so it is never confused with
//! npm's config.)
//!
//! ```json
//! {
//!   "rules": { "unknown-key": "off", "env-var-unset": "error" },
//!   "exclude": ["vendor/**", "legacy/.npmrc"],
//!   "overrides": [{ "files": ["test/**"], "rules": { "hardcoded-token": "warn" } }]
//! }
//! ```
//!
//! `exclude` and `overrides[].files` are gitignore-style globs relative to
//! the settings file's folder; the last override whose `files` match a
//! finding's file decides that rule's level there.

use crate::check::diagnostic::Severity;
use crate::rules;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the checked directory and its ancestors.
pub const SETTINGS_FILE: &str = ".npmrc-doctor.json";

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    /// Parses `off|info|warn|error` (also `warning`).
    ///
    /// # Errors
    /// A message naming the accepted values.
    pub fn parse(s: &str) -> Result<Level, String> {
        match s {
            "off" => Ok(Level::Off),
            "info" => Ok(Level::On(Severity::Info)),
            "warn" | "warning" => Ok(Level::On(Severity::Warn)),
            "error" => Ok(Level::On(Severity::Error)),
            other => Err(format!(
                "invalid level `{other}` (expected off, info, warn or error)"
            )),
        }
    }
}

/// Per-path rule levels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Override {
    /// Gitignore-style globs, relative to the settings file's folder.
    pub files: Vec<String>,
    pub levels: BTreeMap<String, Level>,
}

/// Per-rule levels; rules not named keep their default severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub levels: BTreeMap<String, Level>,
    /// Where the settings were read from.
    pub source: Option<PathBuf>,
    /// Files and folders not to check (gitignore-style globs).
    pub exclude: Vec<String>,
    /// Levels for files matching globs, in order (later wins).
    pub overrides: Vec<Override>,
}

impl Settings {
    /// The severity of `rule` (None = off).
    #[must_use]
    pub fn severity(&self, rule: &rules::Rule) -> Option<Severity> {
        match self.levels.get(rule.name) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(*s),
            None => Some(rule.default_severity),
        }
    }

    /// Sets a level, checking the rule name.
    ///
    /// # Errors
    /// Unknown rule names, with a suggestion.
    pub fn set(&mut self, rule: &str, level: Level) -> Result<(), String> {
        if rules::get(rule).is_none() {
            return Err(unknown_rule(rule));
        }
        self.levels.insert(rule.to_string(), level);
        Ok(())
    }

    /// Applies `NAME=LEVEL`.
    ///
    /// # Errors
    /// A malformed argument or an unknown rule.
    pub fn apply_arg(&mut self, arg: &str) -> Result<(), String> {
        let (name, level) = arg
            .split_once('=')
            .ok_or_else(|| format!("`--rule {arg}`: expected NAME=LEVEL"))?;
        self.set(name.trim(), Level::parse(level.trim())?)
    }

    /// Reads a settings file.
    ///
    /// # Errors
    /// Unreadable file, invalid JSON, unknown keys, rules or levels.
    pub fn read(path: &Path) -> Result<Settings, String> {
        let bytes = crate::fsread::read_input(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{} is not valid UTF-8", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        let obj = json
            .as_object()
            .ok_or_else(|| format!("{}: expected a JSON object", path.display()))?;
        let mut settings = Settings {
            source: Some(path.to_path_buf()),
            ..Settings::default()
        };
        for (key, value) in obj {
            match key.as_str() {
                "$schema" => {}
                "rules" => {
                    let rules = value
                        .as_object()
                        .ok_or_else(|| format!("{}: `rules` must be an object", path.display()))?;
                    for (name, level) in rules {
                        let level = level.as_str().ok_or_else(|| {
                            format!("{}: level of `{name}` must be a string", path.display())
                        })?;
                        settings
                            .set(name, Level::parse(level)?)
                            .map_err(|e| format!("{}: {e}", path.display()))?;
                    }
                }
                "exclude" => {
                    settings.exclude = string_list(value).ok_or_else(|| {
                        format!("{}: `exclude` must be a list of globs", path.display())
                    })?;
                }
                "overrides" => {
                    let list = value.as_array().ok_or_else(|| {
                        format!(
                            "{}: `overrides` must be a list of {{\"files\", \"rules\"}} objects",
                            path.display()
                        )
                    })?;
                    for (i, o) in list.iter().enumerate() {
                        settings.overrides.push(
                            read_override(o)
                                .map_err(|e| format!("{}: overrides[{i}]: {e}", path.display()))?,
                        );
                    }
                }
                other => {
                    return Err(format!(
                        "{}: unknown setting `{other}` (expected `rules`, `exclude` or `overrides`)",
                        path.display()
                    ));
                }
            }
        }
        Ok(settings)
    }

    /// Finds `.npmrc-doctor.json` in `dir` or its ancestors.
    #[must_use]
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(SETTINGS_FILE))
            .find(|p| p.is_file())
    }
}

/// A JSON list of strings.
fn string_list(v: &serde_json::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// `{"files": [...], "rules": {...}}`.
fn read_override(o: &serde_json::Value) -> Result<Override, String> {
    let obj = o
        .as_object()
        .ok_or("expected an object with `files` and `rules`")?;
    let mut out = Override::default();
    for (key, value) in obj {
        match key.as_str() {
            "files" => {
                out.files = string_list(value).ok_or("`files` must be a list of globs")?;
            }
            "rules" => {
                let rules = value.as_object().ok_or("`rules` must be an object")?;
                for (name, level) in rules {
                    if rules::get(name).is_none() {
                        return Err(unknown_rule(name));
                    }
                    let level = level
                        .as_str()
                        .ok_or_else(|| format!("level of `{name}` must be a string"))?;
                    out.levels.insert(name.clone(), Level::parse(level)?);
                }
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` (expected `files` and `rules`)"
                ));
            }
        }
    }
    if out.files.is_empty() {
        return Err("`files` is missing or empty".into());
    }
    Ok(out)
}

/// The settings' overrides compiled for matching.
#[derive(Debug, Default)]
pub struct CompiledOverrides {
    list: Vec<(ignore::gitignore::Gitignore, BTreeMap<String, Level>)>,
}

impl CompiledOverrides {
    /// Compiles `settings.overrides` relative to the settings file's folder
    /// (or `cwd` for settings without a file).
    ///
    /// # Errors
    /// An invalid glob.
    pub fn new(settings: &Settings, cwd: &Path) -> Result<CompiledOverrides, String> {
        let base = settings
            .source
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(cwd);
        let mut list = Vec::new();
        for o in &settings.overrides {
            let mut b = ignore::gitignore::GitignoreBuilder::new(base);
            for f in &o.files {
                b.add_line(None, f)
                    .map_err(|e| format!("invalid override glob `{f}`: {e}"))?;
            }
            let g = b
                .build()
                .map_err(|e| format!("invalid override globs: {e}"))?;
            list.push((g, o.levels.clone()));
        }
        Ok(CompiledOverrides { list })
    }

    /// The level the overrides give `rule` in `file` (None: no override).
    #[must_use]
    pub fn level(&self, rule: &str, file: &Path) -> Option<Level> {
        self.list
            .iter()
            .rev()
            .filter(|(g, _)| {
                file.starts_with(g.path()) && g.matched_path_or_any_parents(file, false).is_ignore()
            })
            .find_map(|(_, levels)| levels.get(rule).copied())
    }
}

/// "unknown rule `x`; did you mean `y`?"
#[must_use]
pub fn unknown_rule(name: &str) -> String {
    match rules::suggest(name) {
        Some(s) => format!("unknown rule `{name}`; did you mean `{s}`?"),
        None => format!("unknown rule `{name}` (see `npmrc-doctor rules`)"),
    }
}
