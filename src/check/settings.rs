//! The tool's own settings: per-rule severity from `.npmrc-doctor.json` and
//! `--rule NAME=LEVEL`. (Called "settings" so it is never confused with
//! npm's config.)
//!
//! ```json
//! { "rules": { "unknown-key": "off", "env-var-unset": "error" } }
//! ```

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

/// Per-rule levels; rules not named keep their default severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub levels: BTreeMap<String, Level>,
    /// Where the settings were read from.
    pub source: Option<PathBuf>,
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
                other => {
                    return Err(format!(
                        "{}: unknown setting `{other}` (expected `rules`)",
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

/// "unknown rule `x`; did you mean `y`?"
#[must_use]
pub fn unknown_rule(name: &str) -> String {
    match rules::suggest(name) {
        Some(s) => format!("unknown rule `{name}`; did you mean `{s}`?"),
        None => format!("unknown rule `{name}` (see `npmrc-doctor rules`)"),
    }
}
