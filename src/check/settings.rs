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

/// Command-line adjustments applied on top of a settings file:
/// `--rule NAME=LEVEL`, then `--select` and `--ignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub rules: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Overrides {
    /// Applies the adjustments to `settings`.
    ///
    /// # Errors
    /// A malformed `--rule`, an unknown rule or category.
    pub fn apply(&self, settings: &mut Settings) -> Result<(), String> {
        for r in &self.rules {
            settings.apply_arg(r)?;
        }
        settings.restrict(&self.select, &self.ignore)
    }
}

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

    /// `--select` and `--ignore`: each item is a rule name, a category
    /// (`security`, `correctness`, `suspicious`, `deprecated`) or `ALL`.
    /// With a selection, only the selected rules run (a selected rule that
    /// the settings turned off runs at its default level); ignored rules
    /// never run.
    ///
    /// # Errors
    /// An item that names no rule or category, with a suggestion.
    pub fn restrict(&mut self, select: &[String], ignore: &[String]) -> Result<(), String> {
        if !select.is_empty() {
            let mut keep = std::collections::BTreeSet::new();
            for item in select {
                keep.extend(resolve_selector(item)?);
            }
            for rule in rules::ALL {
                if !keep.contains(rule.name) {
                    self.levels.insert(rule.name.to_string(), Level::Off);
                } else if self.levels.get(rule.name) == Some(&Level::Off) {
                    self.levels.remove(rule.name);
                }
            }
        }
        for item in ignore {
            for name in resolve_selector(item)? {
                self.levels.insert(name.to_string(), Level::Off);
            }
        }
        Ok(())
    }

    /// Reads a settings file (JSON with comments and trailing commas). An
    /// `"extends"` path (or list of paths), relative to the file, is read
    /// first and this file's levels override it.
    ///
    /// # Errors
    /// Unreadable file, invalid JSON, unknown keys, rules or levels, an
    /// `extends` cycle or chain deeper than 32.
    pub fn read(path: &Path) -> Result<Settings, String> {
        let mut settings = Settings::default();
        read_into(path, &mut settings, &mut Vec::new())?;
        settings.source = Some(path.to_path_buf());
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

/// Reads `path` (after what it extends) into `settings`; `chain` holds the
/// files being read, to find cycles.
fn read_into(path: &Path, settings: &mut Settings, chain: &mut Vec<PathBuf>) -> Result<(), String> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if chain.contains(&canonical) {
        return Err(format!("{}: `extends` cycle", path.display()));
    }
    if chain.len() >= 32 {
        return Err(format!(
            "{}: `extends` chain deeper than 32",
            path.display()
        ));
    }
    let bytes = crate::fsread::read_input(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not valid UTF-8", path.display()))?;
    let options = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        ..jsonc_parser::ParseOptions::default()
    };
    let json: serde_json::Value =
        jsonc_parser::parse_to_serde_value(text.trim_start_matches('\u{feff}'), &options)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    let obj = json
        .as_object()
        .ok_or_else(|| format!("{}: expected a JSON object", path.display()))?;
    chain.push(canonical);
    if let Some(extends) = obj.get("extends") {
        let list: Vec<&serde_json::Value> = match extends {
            serde_json::Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for item in list {
            let rel = item.as_str().ok_or_else(|| {
                format!(
                    "{}: `extends` must be a path or a list of paths",
                    path.display()
                )
            })?;
            let base = path.parent().unwrap_or(Path::new(".")).join(rel);
            read_into(&base, settings, chain)?;
        }
    }
    for (key, value) in obj {
        match key.as_str() {
            "$schema" | "extends" => {}
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
                    "{}: unknown setting `{other}` (expected `rules`, `extends`, `exclude` or `overrides`)",
                    path.display()
                ));
            }
        }
    }
    chain.pop();
    Ok(())
}

/// The JSON schema of `.npmrc-doctor.json`, generated from the rule
/// registry (shipped as `schema/npmrc-doctor.schema.json`; a test keeps it
/// current).
#[must_use]
pub fn json_schema() -> serde_json::Value {
    let mut rules = serde_json::Map::new();
    for rule in rules::ALL {
        rules.insert(
            rule.name.to_string(),
            serde_json::json!({
                "description": format!(
                    "{} ({}, default {}, fix: {})",
                    rule.summary,
                    rule.category.name(),
                    rule.default_severity.name(),
                    rule.fix.name()
                ),
                "enum": ["off", "info", "warn", "warning", "error"],
            }),
        );
    }
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "npmrc-doctor settings (.npmrc-doctor.json)",
        "description": "JSON with comments. Rule levels; `extends` reads other settings files first.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "$schema": {"type": "string"},
            "extends": {
                "description": "A settings file (or list of files), relative to this one, read first; this file's levels override it.",
                "oneOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"type": "string"}}
                ]
            },
            "exclude": {
                "description": "Files and folders not to check (gitignore-style globs relative to this file).",
                "type": "array",
                "items": {"type": "string"}
            },
            "overrides": {
                "description": "Levels for files matching globs (relative to this file); the last match wins.",
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["files", "rules"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string"}},
                        "rules": {"type": "object"}
                    }
                }
            },
            "rules": {
                "description": "Level of each rule: off, info, warn or error.",
                "type": "object",
                "additionalProperties": false,
                "properties": rules,
            }
        }
    })
}

/// The rules an item of `--select`/`--ignore` names.
fn resolve_selector(item: &str) -> Result<Vec<&'static str>, String> {
    let item = item.trim();
    if item.eq_ignore_ascii_case("all") {
        return Ok(rules::ALL.iter().map(|r| r.name).collect());
    }
    if let Some(rule) = rules::get(item) {
        return Ok(vec![rule.name]);
    }
    let in_category: Vec<&'static str> = rules::ALL
        .iter()
        .filter(|r| r.category.name() == item)
        .map(|r| r.name)
        .collect();
    if !in_category.is_empty() {
        return Ok(in_category);
    }
    let categories = ["security", "correctness", "suspicious", "deprecated"];
    let near = categories
        .iter()
        .map(|c| (strsim::levenshtein(item, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
        .or_else(|| rules::suggest(item));
    Err(match near {
        Some(s) => format!("`{item}` is not a rule or category; did you mean `{s}`?"),
        None => format!(
            "`{item}` is not a rule or category (categories: {}; rules: `npmrc-doctor rules`)",
            categories.join(", ")
        ),
    })
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
