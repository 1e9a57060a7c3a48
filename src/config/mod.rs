//! npm's configuration: layers, discovery, merge, coercion and validation,
//! as `@npmcli/config` 10 does it (npm-semantics.md §1–5).
//!
//! [`load::load`] reproduces `Config#load`; the result, [`Config`], answers
//! `config.get(key)` / `config.find(key)` like npm and also knows, for every
//! value, where it came from and what it shadows. [`validate`] reproduces
//! `Config#validate` (ERR_INVALID_AUTH, ERR_INVALID_URL, invalid values).

pub mod clean;
#[rustfmt::skip]
pub mod definitions;
pub mod js_number;
pub mod layer;
pub mod legacy_url;
pub mod load;
pub mod nerf_dart;
pub mod nopt;
pub mod parse_field;
pub mod types;
pub mod validate;

pub use layer::{FileStatus, Layer, LayerData, Origin, Setting};
pub use load::{FailedLoad, LoadError, LoadOptions, load, load_logged};

use crate::value::Value;
use std::path::{Path, PathBuf};

/// npm's config after `load()`: seven layers merged per key.
#[derive(Debug, Clone)]
pub struct Config {
    /// The layers, lowest precedence first (`default` … `cli`).
    pub layers: Vec<LayerData>,
    /// `localPrefix`: the project root npm settled on.
    pub local_prefix: PathBuf,
    /// Whether `localPrefix` has a `package.json`.
    pub local_package: bool,
    /// The workspace folder the working directory is in, when npm moved the
    /// project root up to a workspace root.
    pub workspace: Option<PathBuf>,
    /// `globalPrefix` after load (the effective `prefix`).
    pub global_prefix: PathBuf,
    /// `home` (`$HOME`).
    pub home: PathBuf,
    /// The working directory npm runs in (`process.cwd()`).
    pub cwd: PathBuf,
    /// npm's install folder (holds the builtin `npmrc`), when known.
    pub npm_dir: Option<PathBuf>,
    /// Positional arguments left over from the npm flags.
    pub remain: Vec<String>,
    /// Warnings npm logs while loading, in order (`npm warn …`).
    pub load_warnings: Vec<Warning>,
    /// Warnings npm queues while loading ("Unknown … config") and prints later.
    pub queued_warnings: Vec<Warning>,
}

/// One warning, as npm prints it, with where it comes from when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The full line as npm prints it, e.g. `npm warn config …`.
    pub text: String,
    /// The entry the warning is about, when it is about one.
    pub origin: Option<Origin>,
    /// The config key the warning is about, when it is about one.
    pub key: Option<String>,
}

impl Warning {
    #[must_use]
    pub fn new(text: impl Into<String>) -> Warning {
        Warning {
            text: text.into(),
            origin: None,
            key: None,
        }
    }
}

impl Config {
    /// The layer data for `layer`.
    #[must_use]
    pub fn layer(&self, layer: Layer) -> &LayerData {
        // layers are stored in Layer order; fall back to a search if not.
        self.layers
            .iter()
            .find(|l| l.layer == layer)
            .unwrap_or_else(|| &self.layers[0])
    }

    /// `config.get(key)`: the setting of the highest layer that has `key`.
    #[must_use]
    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.layers.iter().rev().find_map(|l| l.get(key))
    }

    /// `config.get(key)`: the value (`undefined` when no layer has it).
    #[must_use]
    pub fn get(&self, key: &str) -> &Value {
        self.setting(key).map_or(&Value::Undefined, |s| &s.value)
    }

    /// `config.get(key)` as a string, when it is one.
    #[must_use]
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).as_str()
    }

    /// `config.find(key)`: the highest layer that has `key`.
    #[must_use]
    pub fn find(&self, key: &str) -> Option<Layer> {
        self.layers
            .iter()
            .rev()
            .find(|l| l.get(key).is_some())
            .map(|l| l.layer)
    }

    /// Every setting of `key` in every layer, highest first.
    #[must_use]
    pub fn all_settings(&self, key: &str) -> Vec<&Setting> {
        self.layers
            .iter()
            .rev()
            .filter_map(|l| l.get(key))
            .collect()
    }

    /// Keys set by any non-default layer, sorted.
    #[must_use]
    pub fn explicit_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .layers
            .iter()
            .filter(|l| l.layer != Layer::Default)
            .flat_map(|l| l.settings.iter().map(|s| s.key.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The files npm considered, in precedence order from lowest: builtin,
    /// global, user, project.
    pub fn files(&self) -> impl Iterator<Item = &LayerData> {
        self.layers.iter().filter(|l| l.layer.is_file())
    }

    /// The layer data that was read from `path`, if any.
    #[must_use]
    pub fn layer_for_file(&self, path: &Path) -> Option<&LayerData> {
        self.layers.iter().find(|l| l.path.as_deref() == Some(path))
    }

    /// Whether npm runs in global mode (`global` or `location=global`).
    #[must_use]
    pub fn is_global(&self) -> bool {
        matches!(self.get("global"), Value::Bool(true))
            || self.get_str("location") == Some("global")
    }
}
