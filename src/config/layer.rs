//! One config layer and the settings in it, with their origins.

use crate::npmrc::env_replace::EnvRef;
use crate::value::Value;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// npm's seven config layers, lowest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Default,
    Builtin,
    Global,
    User,
    Project,
    Env,
    Cli,
}

impl Layer {
    /// All layers, lowest precedence first (npm's `confTypes` order).
    pub const ALL: [Layer; 7] = [
        Layer::Default,
        Layer::Builtin,
        Layer::Global,
        Layer::User,
        Layer::Project,
        Layer::Env,
        Layer::Cli,
    ];

    /// npm's name for the layer (`where`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Layer::Default => "default",
            Layer::Builtin => "builtin",
            Layer::Global => "global",
            Layer::User => "user",
            Layer::Project => "project",
            Layer::Env => "env",
            Layer::Cli => "cli",
        }
    }

    /// Whether the layer is read from a file.
    #[must_use]
    pub fn is_file(self) -> bool {
        matches!(
            self,
            Layer::Builtin | Layer::Global | Layer::User | Layer::Project
        )
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where one value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub layer: Layer,
    /// The file, for file layers.
    pub file: Option<PathBuf>,
    /// 1-based line in the file.
    pub line: Option<u32>,
    /// Byte span of the whole line in the file text.
    pub line_span: Option<Range<usize>>,
    /// Byte span of the key in the file text.
    pub key_span: Option<Range<usize>>,
    /// Byte span of the value in the file text (empty at the end of the
    /// line when the line has no `=`).
    pub value_span: Option<Range<usize>>,
    /// The environment variable, for the env layer.
    pub env_var: Option<String>,
    /// The command-line argument, for the cli layer.
    pub arg: Option<String>,
}

impl Origin {
    /// An origin with only a layer.
    #[must_use]
    pub fn layer(layer: Layer) -> Origin {
        Origin {
            layer,
            file: None,
            line: None,
            line_span: None,
            key_span: None,
            value_span: None,
            env_var: None,
            arg: None,
        }
    }

    /// `file:line`, `env NAME` or `command line`, for humans.
    #[must_use]
    pub fn describe(&self) -> String {
        match (&self.file, self.line, &self.env_var, &self.arg) {
            (Some(f), Some(l), _, _) => format!("{}:{l}", f.display()),
            (Some(f), None, _, _) => f.display().to_string(),
            (None, _, Some(v), _) => format!("env {v}"),
            (None, _, None, Some(a)) => format!("command line {a}"),
            _ => format!("{} layer", self.layer),
        }
    }
}

/// One key of one layer: what was written and what npm holds.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The key after `${VAR}` expansion (what npm looks up).
    pub key: String,
    /// The key as written.
    pub raw_key: String,
    /// The value as the ini decoder / env / nopt produced it, before `parseField`.
    pub raw: Value,
    /// The value npm holds after `parseField` (`${VAR}` expanded, typed).
    pub value: Value,
    /// Where the winning entry is.
    pub origin: Origin,
    /// `${VAR}` references in the key and the value.
    pub env_refs: Vec<EnvRef>,
    /// Earlier entries for the same key in the same source (dead duplicates),
    /// and other raw keys that expanded to the same key.
    pub overridden: Vec<Origin>,
}

/// What happened when npm tried to read a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Read and parsed.
    Loaded,
    /// `ENOENT`.
    Missing,
    /// Another read error (code, e.g. `EISDIR`, `ELOOP`, `EACCES`).
    Unreadable(String),
    /// Not read; npm's source text says why.
    Skipped(String),
    /// Not a file layer (default, env, cli).
    NotAFile,
}

impl FileStatus {
    /// `loaded|missing|unreadable|skipped`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            FileStatus::Loaded => "loaded",
            FileStatus::Missing => "missing",
            FileStatus::Unreadable(_) => "unreadable",
            FileStatus::Skipped(_) => "skipped",
            FileStatus::NotAFile => "n/a",
        }
    }

    /// The reason, for unreadable and skipped files.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            FileStatus::Unreadable(r) | FileStatus::Skipped(r) => Some(r),
            _ => None,
        }
    }
}

/// The text of a config file as read (lossy UTF-8, as node decodes it).
#[derive(Debug, Clone)]
pub struct FileText {
    pub text: String,
    /// Notes about the bytes: BOM, invalid UTF-8, UTF-16, NUL bytes.
    pub notes: Vec<String>,
}

/// One layer: its source and its settings in npm's (JS object) order.
#[derive(Debug, Clone)]
pub struct LayerData {
    pub layer: Layer,
    /// npm's `source` string: the file path, `environment`, `command line
    /// options`, `default values`, or a skip text.
    pub source: String,
    /// The file path, for file layers (also when missing or skipped).
    pub path: Option<PathBuf>,
    /// The non-string value npm was given as the file name (an array or
    /// `null` from `userconfig`/`globalconfig`), when that happened.
    pub raw_source: Option<Value>,
    pub status: FileStatus,
    /// The file contents, when it was read.
    pub text: Option<Arc<FileText>>,
    /// Settings, one per (expanded) key, in JS property order. Read-only
    /// outside this module: use [`LayerData::insert`] to change it.
    /// Shared copy-on-write, so a cached layer is cheap to clone.
    pub settings: Arc<Vec<Setting>>,
    /// key → position in `settings`.
    index: Arc<std::collections::HashMap<String, usize>>,
}

impl LayerData {
    /// An empty layer.
    #[must_use]
    pub fn empty(layer: Layer, source: impl Into<String>) -> LayerData {
        LayerData {
            layer,
            source: source.into(),
            path: None,
            raw_source: None,
            status: FileStatus::NotAFile,
            text: None,
            settings: Arc::new(Vec::new()),
            index: Arc::new(std::collections::HashMap::new()),
        }
    }

    /// The setting for `key` (own property), if any.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.index.get(key).and_then(|i| self.settings.get(*i))
    }

    /// Mutable access to the setting for `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Setting> {
        let i = *self.index.get(key)?;
        Arc::make_mut(&mut self.settings).get_mut(i)
    }

    fn reindex(&mut self) {
        self.index = Arc::new(
            self.settings
                .iter()
                .enumerate()
                .map(|(i, s)| (s.key.clone(), i))
                .collect(),
        );
    }

    /// Inserts or replaces the setting for its key, keeping JS property order.
    pub fn insert(&mut self, setting: Setting) {
        if let Some(existing) = self.get_mut(&setting.key) {
            let mut setting = setting;
            let mut overridden = std::mem::take(&mut existing.overridden);
            overridden.push(existing.origin.clone());
            overridden.append(&mut setting.overridden);
            setting.overridden = overridden;
            *existing = setting;
            return;
        }
        if crate::value::is_array_index(&setting.key) {
            let n: u64 = setting.key.parse().unwrap_or(0);
            let pos = self
                .settings
                .iter()
                .position(|s| {
                    !crate::value::is_array_index(&s.key) || s.key.parse::<u64>().unwrap_or(0) > n
                })
                .unwrap_or(self.settings.len());
            Arc::make_mut(&mut self.settings).insert(pos, setting);
            self.reindex();
        } else {
            let len = self.settings.len();
            Arc::make_mut(&mut self.index).insert(setting.key.clone(), len);
            Arc::make_mut(&mut self.settings).push(setting);
        }
    }

    /// Removes the setting for `key`.
    pub fn remove(&mut self, key: &str) -> Option<Setting> {
        let pos = *self.index.get(key)?;
        let removed = Arc::make_mut(&mut self.settings).remove(pos);
        self.reindex();
        Some(removed)
    }
}
