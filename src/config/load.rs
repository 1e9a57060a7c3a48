//! `Config#load`: discovers and reads the seven layers in npm's order
//! (npm-semantics.md §1.2): default, builtin, cli, env, project, user, global.
//!
//! Every decision mirrors `@npmcli/config/lib/index.js`; comments name the
//! function reproduced.

use super::clean::CleanCtx;
use super::definitions::{DEFINITIONS, NERF_DARTS};
use super::layer::{FileStatus, FileText, Layer, LayerData, Origin, Setting};
use super::parse_field::{FieldCtx, parse_field_traced};
use super::types::{Default as DefDefault, NpmTypes, definition};
use super::{Config, Warning};
use crate::env::Env;
use crate::manifest::{self, workspaces};
use crate::npmrc::decode::{Decoded, LineRef, decode};
use crate::npmrc::env_replace::{EnvRef, env_replace, process_env_get};
use crate::npmrc::lexer::LineKind;
use crate::value::{JsObject, Value};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// How to load: what npmrc-doctor was told on its own command line.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// npm's install folder (`<dir>/npmrc` is the builtin config). Found from
    /// the `npm` on `PATH` when not given.
    pub npm_dir: Option<PathBuf>,
    /// npm-style flags: the cli layer (`--registry=…`, `-g`, …).
    pub argv: Vec<String>,
    /// Shared between loads of many directories in one run (`check` over a
    /// tree): file reads and decodes, and the node/npm lookups on `PATH`.
    pub cache: Option<Arc<LoadCache>>,
}

/// A file read and decoded, or node's error code.
type ReadResult = Result<(Arc<FileText>, Arc<Decoded>), String>;

/// Memoised work that does not depend on the working directory.
#[derive(Debug, Default)]
pub struct LoadCache {
    files: Mutex<HashMap<PathBuf, ReadResult>>,
    node_exec: OnceLock<PathBuf>,
    npm_dir: OnceLock<Option<PathBuf>>,
    npm_version: OnceLock<Option<String>>,
    /// The last default layer built, with what it depends on.
    defaults: Mutex<Option<(DefaultsKey, LayerData)>>,
    /// What the walk up for a workspace root learnt about each ancestor
    /// directory: read and mapped once per run, not once per project.
    ancestors: Mutex<HashMap<PathBuf, Arc<Ancestor>>>,
}

/// One directory of the walk up from the working directory.
#[derive(Debug, Default)]
struct Ancestor {
    has_package_json: bool,
    has_node_modules: bool,
    /// `map-workspaces` of its `workspaces` (None: none declared), mapped on
    /// first need.
    workspaces: OnceLock<Option<MappedWorkspaces>>,
}

/// `(name, folder)` of each workspace, or why mapping failed.
type MappedWorkspaces = Result<Vec<(String, PathBuf)>, LoadError>;

impl Ancestor {
    fn of(dir: &Path) -> Ancestor {
        let has_package_json = file_exists(&dir.join("package.json"));
        Ancestor {
            has_package_json,
            // only asked when there is no package.json
            has_node_modules: !has_package_json && dir_exists(&dir.join("node_modules")),
            workspaces: OnceLock::new(),
        }
    }

    fn workspaces(&self, dir: &Path) -> &Option<MappedWorkspaces> {
        self.workspaces.get_or_init(|| {
            let pkg = manifest::read_package_json(dir).unwrap_or(serde_json::Value::Null);
            let ws = pkg.get("workspaces").filter(|w| json_truthy(w))?;
            Some(
                workspaces::map_workspaces(dir, ws).map_err(|e| LoadError::Workspaces {
                    code: e.code().to_string(),
                    message: e.to_string(),
                }),
            )
        })
    }
}

/// What the default layer depends on: HOME, the global prefix, npm's
/// version and the working directory.
type DefaultsKey = (PathBuf, String, Option<String>, PathBuf);

impl LoadCache {
    /// A new, empty cache.
    #[must_use]
    pub fn new() -> Arc<LoadCache> {
        Arc::new(LoadCache::default())
    }

    /// Makes the loader see `text` as the contents of `path` (the fixer's
    /// in-memory state of a file it has not written yet).
    pub fn seed(&self, path: &Path, text: &str) {
        let text = config_file_text(text);
        let decoded = decode(&text.text);
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_path_buf(), Ok((Arc::new(text), Arc::new(decoded))));
        }
    }
}

/// Reads and decodes a config file, through the cache when there is one.
fn read_decoded(cache: Option<&LoadCache>, path: &Path) -> ReadResult {
    let read = || {
        read_config_file(path).map(|text| {
            let decoded = decode(&text.text);
            (Arc::new(text), Arc::new(decoded))
        })
    };
    let Some(cache) = cache else {
        return read();
    };
    if let Ok(files) = cache.files.lock() {
        if let Some(hit) = files.get(path) {
            return hit.clone();
        }
    }
    let result = read();
    if let Ok(mut files) = cache.files.lock() {
        files.insert(path.to_path_buf(), result.clone());
    }
    result
}

/// Errors that make `config.load()` itself throw (npm crashes before any
/// command runs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A definition's `exclusive` sibling is also set (`TypeError`).
    #[error("{0}")]
    Exclusive(String),
    /// `@npmcli/map-workspaces` failed on the workspace root.
    #[error("{message}")]
    Workspaces { code: String, message: String },
    /// The same file would be loaded as two layers.
    #[error("{0}")]
    DoubleLoad(String),
    /// Something npm's code throws while loading (a file `ini.decode()`
    /// cannot handle, `url.parse` throwing on a cli value).
    #[error("{message}")]
    Thrown {
        code: Option<String>,
        message: String,
        /// The file being loaded, when known.
        file: Option<PathBuf>,
    },
}

impl LoadError {
    /// npm's error code, when the error has one.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            LoadError::Exclusive(_) | LoadError::DoubleLoad(_) => None,
            LoadError::Workspaces { code, .. } => Some(code),
            LoadError::Thrown { code, .. } => code.as_deref(),
        }
    }
}

/// Loads npm's configuration as npm 11 would in `env` (its working
/// directory, variables and `PATH`).
///
/// # Errors
/// [`LoadError`] where npm's own `load()` throws.
pub fn load(env: &Env, opts: &LoadOptions) -> Result<Config, LoadError> {
    load_logged(env, opts).map_err(|failed| failed.error)
}

/// A `load()` that threw, with the warnings npm had already logged (e.g. a
/// deprecated key in the user file before "double-loading config").
#[derive(Debug, Clone, PartialEq)]
pub struct FailedLoad {
    /// What `load()` throws.
    pub error: LoadError,
    /// The warnings logged before it threw, in order (the queued "Unknown
    /// … config" ones are never printed then).
    pub warnings: Vec<Warning>,
}

/// [`load`], keeping the warnings logged before a load error.
///
/// # Errors
/// [`FailedLoad`] where npm's own `load()` throws.
pub fn load_logged(env: &Env, opts: &LoadOptions) -> Result<Config, FailedLoad> {
    Loader::new(env, opts).run()
}

struct Loader<'a> {
    env: &'a Env,
    cwd: PathBuf,
    home: PathBuf,
    npm_dir: Option<PathBuf>,
    argv: Vec<String>,
    layers: Vec<LayerData>,
    /// `this.sources`: source text → layer, to refuse double loading.
    sources: Vec<(String, Layer)>,
    load_warnings: Vec<Warning>,
    queued_warnings: Vec<Warning>,
    local_prefix: Option<PathBuf>,
    local_package: Option<bool>,
    workspace: Option<PathBuf>,
    remain: Vec<String>,
    types: NpmTypes,
    cache: Option<Arc<LoadCache>>,
    /// Whether a layer has assigned `globalconfig` through the default
    /// layer's setter (see [`Loader::store`]).
    globalconfig_captured: bool,
}

impl<'a> Loader<'a> {
    fn new(env: &'a Env, opts: &LoadOptions) -> Loader<'a> {
        let npm_dir = match (&opts.npm_dir, &opts.cache) {
            (Some(dir), _) => Some(dir.clone()),
            (None, Some(cache)) => cache.npm_dir.get_or_init(|| find_npm_dir(env)).clone(),
            (None, None) => find_npm_dir(env),
        };
        Loader {
            env,
            cwd: env.cwd().to_path_buf(),
            home: env.home(),
            npm_dir,
            argv: opts.argv.clone(),
            layers: Layer::ALL
                .iter()
                .map(|l| LayerData::empty(*l, ""))
                .collect(),
            sources: Vec::new(),
            load_warnings: Vec::new(),
            queued_warnings: Vec::new(),
            local_prefix: None,
            local_package: None,
            workspace: None,
            remain: Vec::new(),
            types: NpmTypes::machine(),
            cache: opts.cache.clone(),
            globalconfig_captured: false,
        }
    }

    /// The load sequence (npm-semantics.md §1.2).
    fn load_layers(&mut self) -> Result<(), LoadError> {
        let global_prefix = self.global_prefix();
        self.load_defaults(&global_prefix)?;
        self.load_builtin()?;
        self.load_cli()?;
        self.load_env()?;
        self.load_project()?;
        self.load_user()?;
        self.load_global()?;
        // `setEnvs()` walks every inherited key of the cli layer, which
        // evaluates the `globalconfig` getter (`resolve(prefix, …)`) again
        self.check_globalconfig_getter()
    }

    /// When `globalconfig` still reads through the default layer's getter,
    /// `resolve(get('prefix'), 'etc/npmrc')` runs: a non-string `prefix`
    /// makes it throw.
    fn check_globalconfig_getter(&self) -> Result<(), LoadError> {
        let own = self
            .layers
            .iter()
            .any(|l| l.layer != Layer::Default && l.get("globalconfig").is_some());
        if own || self.globalconfig_captured {
            return Ok(());
        }
        require_path_string(&self.get("prefix"))
    }

    fn run(mut self) -> Result<Config, FailedLoad> {
        if let Err(error) = self.load_layers() {
            return Err(FailedLoad {
                error,
                warnings: self.load_warnings,
            });
        }
        if !self.globalconfig_captured {
            let value = self.get("globalconfig");
            let current = self
                .layer_ref(Layer::Default)
                .get("globalconfig")
                .map(|s| &s.value);
            if current == Some(&value) {
                // unchanged: keep the shared (cached) default layer
            } else if let Some(s) = self.layer_mut(Layer::Default).get_mut("globalconfig") {
                s.value = value;
            }
        }
        let global_prefix = match self.get("prefix") {
            Value::Str(s) => PathBuf::from(s),
            other => PathBuf::from(other.js_string()),
        };
        Ok(Config {
            layers: self.layers,
            local_prefix: self.local_prefix.unwrap_or_else(|| self.cwd.clone()),
            local_package: self.local_package.unwrap_or(false),
            workspace: self.workspace,
            global_prefix,
            home: self.home,
            cwd: self.cwd,
            npm_dir: self.npm_dir,
            remain: self.remain,
            load_warnings: self.load_warnings,
            queued_warnings: self.queued_warnings,
        })
    }

    fn layer_mut(&mut self, layer: Layer) -> &mut LayerData {
        let idx = Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0);
        &mut self.layers[idx]
    }

    fn layer_ref(&self, layer: Layer) -> &LayerData {
        let idx = Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0);
        &self.layers[idx]
    }

    /// `#get(key)`: through the prototype chain, including the default
    /// layer's `globalconfig` getter.
    fn get(&self, key: &str) -> Value {
        if let Some(s) = self
            .layers
            .iter()
            .rev()
            .filter(|l| l.layer != Layer::Default)
            .find_map(|l| l.get(key))
        {
            return s.value.clone();
        }
        if key == "globalconfig" && !self.globalconfig_captured {
            let prefix = self.get("prefix").js_string();
            return Value::Str(path_resolve(&self.cwd, &[&prefix, "etc/npmrc"]));
        }
        self.layer_ref(Layer::Default)
            .get(key)
            .map_or(Value::Undefined, |s| s.value.clone())
    }

    /// `#get(key, where)`: own property of one layer.
    fn get_in(&self, key: &str, layer: Layer) -> Option<Value> {
        self.layer_ref(layer).get(key).map(|s| s.value.clone())
    }

    /// `loadGlobalPrefix`: `$PREFIX`, else `dirname(dirname(execPath))`
    /// (joined under `$DESTDIR`).
    fn global_prefix(&self) -> String {
        if let Some(p) = self.env.var("PREFIX").filter(|p| !p.is_empty()) {
            return p.to_string();
        }
        let exec = match &self.cache {
            Some(c) => c.node_exec.get_or_init(|| node_exec_path(self.env)).clone(),
            None => node_exec_path(self.env),
        };
        let prefix = exec
            .parent()
            .and_then(Path::parent)
            .map_or_else(|| "/".to_string(), |p| p.display().to_string());
        match self.env.var("DESTDIR").filter(|d| !d.is_empty()) {
            Some(destdir) => path_join(&[destdir, &prefix]),
            None => prefix,
        }
    }

    /// `loadDefaults`.
    fn load_defaults(&mut self, global_prefix: &str) -> Result<(), LoadError> {
        let version = match (&self.cache, self.npm_dir.as_deref()) {
            (Some(c), Some(dir)) => c.npm_version.get_or_init(|| read_npm_version(dir)).clone(),
            (None, Some(dir)) => read_npm_version(dir),
            (_, None) => None,
        };
        // The default layer only depends on HOME, the global prefix, the
        // npm version and (only when the prefix is relative) the working
        // directory; `globalconfig`'s "" default is replaced by its getter.
        let key: DefaultsKey = (
            self.home.clone(),
            global_prefix.to_string(),
            version.clone(),
            if Path::new(global_prefix).is_absolute() {
                PathBuf::new()
            } else {
                self.cwd.clone()
            },
        );
        let cached = self.cache.as_ref().and_then(|c| {
            c.defaults.lock().ok().and_then(|d| {
                d.as_ref()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, l)| l.clone())
            })
        });
        if let Some(layer) = cached {
            self.set_source(Layer::Default, "default values")?;
            *self.layer_mut(Layer::Default) = layer;
            return Ok(());
        }
        let mut obj = JsObject::new();
        for def in DEFINITIONS {
            let value = match def.default {
                DefDefault::Static(v)
                | DefDefault::Computed {
                    literal: Some(v), ..
                } => v.to_value(),
                DefDefault::Computed { literal: None, .. } => Value::Undefined,
            };
            obj.insert(def.key.to_string(), value);
        }
        obj.insert("prefix".into(), Value::Str(global_prefix.to_string()));
        if let Some(version) = version {
            obj.insert("npm-version".into(), Value::Str(version));
        }
        let origins = obj.keys().iter().map(|k| (k.to_string(), None)).collect();
        self.load_object(Layer::Default, "default values", obj, origins)?;
        // the accessor replaces the "" default: store what the getter
        // returns for the default prefix (re-checked at the end of `run`)
        let getter = Value::Str(path_resolve(&self.cwd, &[global_prefix, "etc/npmrc"]));
        if let Some(s) = self.layer_mut(Layer::Default).get_mut("globalconfig") {
            s.value = getter;
        }
        if let Some(c) = &self.cache {
            if let Ok(mut d) = c.defaults.lock() {
                *d = Some((key, self.layer_ref(Layer::Default).clone()));
            }
        }
        Ok(())
    }

    /// `loadBuiltinConfig`: `<npmPath>/npmrc`.
    fn load_builtin(&mut self) -> Result<(), LoadError> {
        match self.npm_dir.clone() {
            Some(dir) => {
                let file = path_resolve(&self.cwd, &[&dir.display().to_string(), "npmrc"]);
                self.load_file(&Value::Str(file), Layer::Builtin)
            }
            None => {
                let l = self.layer_mut(Layer::Builtin);
                l.source = "(npm not found on PATH)".into();
                l.status = FileStatus::Skipped("npm not found on PATH; pass --npm-dir".into());
                Ok(())
            }
        }
    }

    /// `loadCLI`: nopt over the npm flags.
    fn load_cli(&mut self) -> Result<(), LoadError> {
        let ctx = CleanCtx {
            types: &self.types,
            home: &self.home,
            cwd: &self.cwd,
        };
        let parsed = super::nopt::parse_argv(&self.argv, &self.types, &ctx).map_err(|e| {
            LoadError::Thrown {
                code: None,
                message: e.to_string(),
                file: None,
            }
        })?;
        self.load_warnings
            .extend(parsed.warnings.into_iter().map(Warning::new));
        self.queued_warnings
            .extend(parsed.queued.into_iter().map(|q| Warning::new(q.message)));
        self.remain = parsed.remain;
        let mut origins = Vec::new();
        for (key, _) in parsed.data.iter() {
            let mut o = Origin::layer(Layer::Cli);
            o.arg = cli_arg_for(&self.argv, key);
            origins.push((key.to_string(), Some(EntryOrigin::simple(o))));
        }
        self.load_object(Layer::Cli, "command line options", parsed.data, origins)
    }

    /// `loadEnv`: `npm_config_*` variables.
    fn load_env(&mut self) -> Result<(), LoadError> {
        let mut obj = JsObject::new();
        let mut origin_of: HashMap<String, EntryOrigin> = HashMap::new();
        for (name, value) in self.env.vars() {
            if name.len() < 11
                || !name.is_char_boundary(11)
                || !name[..11].eq_ignore_ascii_case("npm_config_")
                || value.is_empty()
            {
                continue;
            }
            let key = env_key(&name[11..]);
            let mut o = Origin::layer(Layer::Env);
            o.env_var = Some(name.to_string());
            if let Some(slot) = origin_of.get_mut(&key) {
                let previous = std::mem::replace(&mut slot.winner, o);
                slot.overridden.push(previous);
            } else {
                origin_of.insert(key.clone(), EntryOrigin::simple(o));
            }
            obj.insert(key, Value::Str(value.to_string()));
        }
        let origins = obj
            .keys()
            .iter()
            .map(|k| {
                let o = origin_of.get(&k[..]).cloned();
                (k.to_string(), o)
            })
            .collect();
        self.load_object(Layer::Env, "environment", obj, origins)
    }

    /// `loadProjectConfig`.
    fn load_project(&mut self) -> Result<(), LoadError> {
        self.load_local_prefix()?;
        let local_prefix = self
            .local_prefix
            .clone()
            .unwrap_or_else(|| self.cwd.clone());
        if self.local_package.is_none() {
            self.local_package = Some(file_exists(&local_prefix.join("package.json")));
        }
        let project_file =
            path_resolve(&self.cwd, &[&local_prefix.display().to_string(), ".npmrc"]);
        if self.get("global") == Value::Bool(true)
            || self.get("location") == Value::Str("global".into())
        {
            return self.skip(
                Layer::Project,
                "(global mode enabled, ignored)",
                &project_file,
            );
        }
        if Value::Str(project_file.clone()) == self.get("userconfig") {
            return self.skip(
                Layer::Project,
                "(same as \"user\" config, ignored)",
                &project_file,
            );
        }
        self.load_file(&Value::Str(project_file), Layer::Project)
    }

    fn skip(&mut self, layer: Layer, reason: &str, path: &str) -> Result<(), LoadError> {
        self.set_source(layer, reason)?;
        let l = self.layer_mut(layer);
        l.path = Some(PathBuf::from(path));
        l.status = FileStatus::Skipped(reason.to_string());
        Ok(())
    }

    /// `loadLocalPrefix`: the walk up from the working directory, and the
    /// workspace-root detection.
    fn load_local_prefix(&mut self) -> Result<(), LoadError> {
        if let Some(cli_prefix) = self.get_in("prefix", Layer::Cli).filter(Value::is_truthy) {
            self.local_prefix = Some(PathBuf::from(cli_prefix.js_string()));
            return Ok(());
        }
        let cli_workspaces = self.get_in("workspaces", Layer::Cli);
        let is_global =
            self.get("global").is_truthy() || self.get("location") == Value::Str("global".into());
        let start = PathBuf::from(path_resolve(&self.cwd, &[]));
        for dir in start.ancestors() {
            let ancestor = self.ancestor(dir);
            let has_package_json = ancestor.has_package_json;
            if self.local_prefix.is_none() && (has_package_json || ancestor.has_node_modules) {
                self.local_prefix = Some(dir.to_path_buf());
                self.local_package = Some(has_package_json);
                if cli_workspaces == Some(Value::Bool(false)) || is_global {
                    return Ok(());
                }
                continue;
            }
            let Some(local_prefix) = self.local_prefix.clone() else {
                continue;
            };
            if !has_package_json {
                continue;
            }
            let mapped = match ancestor.workspaces(dir) {
                None => continue,
                Some(Err(e)) => return Err(e.clone()),
                Some(Ok(mapped)) => mapped,
            };
            if mapped.iter().any(|(_, p)| *p == local_prefix) {
                if file_exists(&local_prefix.join(".npmrc")) {
                    let mut w = Warning::new(format!(
                        "npm warn config ignoring workspace config at {}/.npmrc",
                        local_prefix.display()
                    ));
                    let mut o = Origin::layer(Layer::Project);
                    o.file = Some(local_prefix.join(".npmrc"));
                    w.origin = Some(o);
                    self.load_warnings.push(w);
                }
                self.workspace = Some(local_prefix);
                self.local_prefix = Some(dir.to_path_buf());
                self.local_package = Some(has_package_json);
                return Ok(());
            }
        }
        if self.local_prefix.is_none() {
            self.local_prefix = Some(self.cwd.clone());
        }
        Ok(())
    }

    /// What the walk up knows about `dir` (through the run's cache).
    fn ancestor(&self, dir: &Path) -> Arc<Ancestor> {
        let Some(cache) = &self.cache else {
            return Arc::new(Ancestor::of(dir));
        };
        if let Ok(map) = cache.ancestors.lock() {
            if let Some(a) = map.get(dir) {
                return a.clone();
            }
        }
        let a = Arc::new(Ancestor::of(dir));
        if let Ok(mut map) = cache.ancestors.lock() {
            return map.entry(dir.to_path_buf()).or_insert(a).clone();
        }
        a
    }

    /// `loadUserConfig`.
    fn load_user(&mut self) -> Result<(), LoadError> {
        let file = self.get("userconfig");
        self.load_file(&file, Layer::User)
    }

    /// `loadGlobalConfig`.
    fn load_global(&mut self) -> Result<(), LoadError> {
        self.check_globalconfig_getter()?;
        let file = self.get("globalconfig");
        self.load_file(&file, Layer::Global)
    }

    /// `this.sources` bookkeeping of `#loadObject`.
    fn set_source(&mut self, layer: Layer, source: &str) -> Result<(), LoadError> {
        if let Some((_, previous)) = self.sources.iter().find(|(s, _)| s == source) {
            return Err(LoadError::DoubleLoad(format!(
                "double-loading config \"{source}\" as \"{layer}\", previously loaded as \"{previous}\""
            )));
        }
        self.sources.push((source.to_string(), layer));
        self.layer_mut(layer).source = source.to_string();
        Ok(())
    }

    /// `#loadFile`.
    fn load_file(&mut self, file: &Value, layer: Layer) -> Result<(), LoadError> {
        let Value::Str(path) = file else {
            // readFile() rejects a non-string path (an array from `key[]=`,
            // null); npm records the error and keeps the value itself as the
            // layer's source (a Map key by identity: never a double load)
            let l = self.layer_mut(layer);
            l.source = file.js_string();
            l.raw_source = Some(file.clone());
            l.status = FileStatus::Unreadable("ERR_INVALID_ARG_TYPE".into());
            return Ok(());
        };
        match read_decoded(self.cache.as_deref(), Path::new(path)) {
            Ok((text, decoded)) => {
                if let Some(err) = &decoded.error {
                    return Err(LoadError::Thrown {
                        code: None,
                        message: err.message.clone(),
                        file: Some(PathBuf::from(path)),
                    });
                }
                if layer == Layer::Project
                    && decoded.value.get("prefix").is_some_and(Value::is_truthy)
                {
                    let mut w = Warning::new(format!(
                        "npm error config prefix cannot be changed from project config: {path}."
                    ));
                    w.key = Some("prefix".into());
                    self.load_warnings.push(w);
                }
                let origins = file_origins(&decoded, layer, Path::new(path));
                let obj = decoded.value.clone();
                {
                    let l = self.layer_mut(layer);
                    l.path = Some(PathBuf::from(path));
                    l.status = FileStatus::Loaded;
                    l.text = Some(text);
                }
                self.load_object(layer, path, obj, origins)
            }
            Err(code) => {
                self.set_source(layer, path)?;
                let l = self.layer_mut(layer);
                l.path = Some(PathBuf::from(path));
                l.status = if code == "ENOENT" {
                    FileStatus::Missing
                } else {
                    FileStatus::Unreadable(code)
                };
                Ok(())
            }
        }
    }

    /// `#loadObject`: expands keys, parses values, warns about deprecated and
    /// unknown keys and stores the settings.
    fn load_object(
        &mut self,
        layer: Layer,
        source: &str,
        obj: JsObject,
        origins: Vec<(String, Option<EntryOrigin>)>,
    ) -> Result<(), LoadError> {
        self.set_source(layer, source)?;
        let env = self.env;
        let lookup = |name: &str| process_env_get(env, name);
        let expand = |s: &str| env_replace(s, &lookup).value;
        // the first entry of each key, as a linear scan would find it
        let mut origin_of: HashMap<&str, &Option<EntryOrigin>> = HashMap::new();
        for (k, o) in &origins {
            origin_of.entry(k.as_str()).or_insert(o);
        }
        'outer: for (raw_key, raw_value) in obj.iter() {
            let expanded_key = env_replace(raw_key, &lookup);
            let key = expanded_key.value.clone();
            let (value, expanded) = parse_field_traced(
                raw_value,
                &key,
                &FieldCtx {
                    home: &self.home,
                    cwd: &self.cwd,
                    expand: &expand,
                    types: &self.types,
                    list_element: false,
                },
            );
            let value_refs: Vec<EnvRef> = expanded
                .iter()
                .flat_map(|s| env_replace(s, &lookup).refs)
                .collect();
            let origin_info = origin_of.get(raw_key).and_then(|o| (*o).clone());
            let origin = origin_info
                .as_ref()
                .map_or_else(|| Origin::layer(layer), |o| o.winner.clone());
            if layer != Layer::Default {
                if let Some(message) = definition(&key).and_then(|d| d.deprecated) {
                    let mut w =
                        Warning::new(npm_log("warn", "config", &format!("{key} {message}")));
                    w.origin = Some(origin.clone());
                    w.key = Some(key.clone());
                    self.load_warnings.push(w);
                }
                if let Some(def) = definition(raw_key) {
                    for exclusive in def.exclusive {
                        if !self.is_default(exclusive) {
                            if layer == Layer::Env && self.get_in(exclusive, Layer::Cli).is_some() {
                                continue 'outer;
                            }
                            return Err(LoadError::Exclusive(format!(
                                "--{raw_key} cannot be provided when using --{exclusive}"
                            )));
                        }
                    }
                }
            }
            if layer != Layer::Default || raw_key == "npm-version" {
                if let Some(text) = unknown_key_warning(layer, raw_key) {
                    let mut w = Warning::new(text);
                    w.origin = Some(origin.clone());
                    w.key = Some(raw_key.to_string());
                    self.queued_warnings.push(w);
                }
            }
            let mut env_refs: Vec<EnvRef> = expanded_key.refs;
            env_refs.extend(value_refs);
            let setting = Setting {
                key,
                raw_key: raw_key.to_string(),
                raw: raw_value.clone(),
                value,
                origin,
                env_refs,
                overridden: origin_info.map(|o| o.overridden).unwrap_or_default(),
            };
            // `conf.data[k] = v` happens per key, so later keys see it
            self.store(layer, setting);
        }
        Ok(())
    }

    /// `conf.data[k] = v`. The default layer defines `globalconfig` as an
    /// accessor whose setter turns itself into a plain value *on the default
    /// layer*: the first layer (in load order) that assigns `globalconfig`
    /// therefore changes the default, and only later layers get an own
    /// property — so `globalconfig` in `~/.npmrc` beats `--globalconfig`.
    fn store(&mut self, layer: Layer, setting: Setting) {
        if layer != Layer::Default && setting.key == "globalconfig" && !self.globalconfig_captured {
            self.globalconfig_captured = true;
            self.layer_mut(Layer::Default).insert(setting);
            return;
        }
        self.layer_mut(layer).insert(setting);
    }

    /// `isDefault(key)`: no non-default layer has an own property.
    fn is_default(&self, key: &str) -> bool {
        self.layers
            .iter()
            .filter(|l| l.layer != Layer::Default)
            .all(|l| l.get(key).is_none())
    }
}

/// Where an entry of a source object came from.
#[derive(Debug, Clone)]
struct EntryOrigin {
    winner: Origin,
    overridden: Vec<Origin>,
}

impl EntryOrigin {
    fn simple(winner: Origin) -> EntryOrigin {
        EntryOrigin {
            winner,
            overridden: Vec::new(),
        }
    }
}

/// How many dead duplicates of one key are remembered (the latest ones).
pub const MAX_DUPLICATES_KEPT: usize = 64;

/// The file origin of every top-level key of a decoded `.npmrc`.
fn file_origins(
    decoded: &Decoded,
    layer: Layer,
    path: &Path,
) -> Vec<(String, Option<EntryOrigin>)> {
    let to_origin = |l: &LineRef| {
        let mut origin = Origin::layer(layer);
        origin.file = Some(path.to_path_buf());
        origin.line = u32::try_from(l.number).ok();
        origin.line_span = Some(l.span.clone());
        match decoded.lines.get(l.index).map(|line| &line.kind) {
            Some(LineKind::Entry(e)) => {
                origin.key_span = Some(e.key.span.clone());
                origin.value_span = e.raw_value.as_ref().map(|v| v.span.clone());
            }
            Some(LineKind::Section(sec)) => origin.key_span = Some(sec.name.span.clone()),
            _ => {}
        }
        origin
    };
    decoded
        .origins
        .iter()
        .map(|o| {
            // keep the latest duplicates only: a generated file can repeat a
            // key millions of times
            let skip = o.overridden.len().saturating_sub(MAX_DUPLICATES_KEPT);
            let entry = o.winner.as_ref().map(|w| EntryOrigin {
                winner: to_origin(w),
                overridden: o.overridden.iter().skip(skip).map(to_origin).collect(),
            });
            (o.key.clone(), entry)
        })
        .collect()
}

/// The command-line argument that set `key` (last one wins), for display.
fn cli_arg_for(argv: &[String], key: &str) -> Option<String> {
    argv.iter()
        .rev()
        .find(|a| {
            let name = a.trim_start_matches('-');
            let name = name.split('=').next().unwrap_or(name);
            name == key || name.strip_prefix("no-") == Some(key)
        })
        .cloned()
}

/// node's `path.resolve()` argument check: npm calls it on `prefix`
/// (the `globalconfig` getter, `setEnvs`) and throws for a non-string
/// (`prefix=null`, `prefix[]=…`).
///
/// # Errors
/// `ERR_INVALID_ARG_TYPE` with node's message.
fn require_path_string(value: &Value) -> Result<(), LoadError> {
    let received = match value {
        Value::Str(_) => return Ok(()),
        Value::Null => "null".to_string(),
        Value::Undefined => "undefined".to_string(),
        Value::Bool(b) => format!("type boolean ({b})"),
        Value::Number(n) => format!("type number ({})", crate::npmrc::js::number_to_string(*n)),
        Value::Array(_) => "an instance of Array".to_string(),
        Value::Date(_) => "an instance of Date".to_string(),
        Value::Object(_) => "an instance of Object".to_string(),
    };
    Err(LoadError::Thrown {
        code: Some("ERR_INVALID_ARG_TYPE".into()),
        message: format!("The \"paths[0]\" argument must be of type string. Received {received}"),
        file: None,
    })
}

/// A log line as npm's display prints it: every line of a multi-line
/// message (split on `/\r?\n/`) gets the `npm <level> <title>` prefix,
/// followed by a space only when the line is not empty (npm
/// `lib/utils/format.js` `formatWithOptions`).
#[must_use]
pub fn npm_log(level: &str, title: &str, message: &str) -> String {
    message
        .split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                format!("npm {level} {title}")
            } else {
                format!("npm {level} {title} {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `loadEnv`'s key transform: `_` → `-` except a leading one, lower-cased,
/// `//` keys verbatim.
#[must_use]
pub fn env_key(rest: &str) -> String {
    if rest.starts_with("//") {
        return rest.to_string();
    }
    let mut out = String::with_capacity(rest.len());
    for (i, c) in rest.chars().enumerate() {
        if c == '_' && i > 0 {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    js_to_lower_case(&out)
}

/// `String.prototype.toLowerCase` (full Unicode lower-casing, as Rust's).
fn js_to_lower_case(s: &str) -> String {
    s.to_lowercase()
}

/// `checkUnknown(where, key)`: the queued "Unknown … config" warning, if any.
#[must_use]
pub fn unknown_key_warning(layer: Layer, key: &str) -> Option<String> {
    if definition(key).is_some() || matches!(key, "npm-version" | "global-prefix" | "local-prefix")
    {
        return None;
    }
    let hint = if layer == Layer::Cli {
        ""
    } else {
        " See `npm help npmrc` for supported config options."
    };
    let dashes = if layer == Layer::Cli { "--" } else { "" };
    if !key.contains(':') {
        return Some(format!(
            "npm warn Unknown {layer} config \"{dashes}{key}\". This will stop working in the next major version of npm.{hint}"
        ));
    }
    let base = key.rsplit(':').next().unwrap_or(key);
    if definition(base).is_some() || NERF_DARTS.contains(&base) {
        return None;
    }
    Some(format!(
        "npm warn Unknown {layer} config \"{base}\" ({key}). This will stop working in the next major version of npm.{hint}"
    ))
}

/// Reads a config file as node's `readFile(file, 'utf8')` would.
///
/// # Errors
/// node's error code (`ENOENT`, `EISDIR`, `ELOOP`, `EACCES`, …).
pub fn read_config_file(path: &Path) -> Result<FileText, String> {
    let bytes = crate::fsread::read_input(path).map_err(|e| e.describe())?;
    let mut notes = file_notes(&bytes);
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            notes.push("is not valid UTF-8; npm replaces invalid bytes with U+FFFD".to_string());
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    Ok(FileText { text, notes })
}

/// A config file's text as [`read_config_file`] returns it, from text in
/// memory.
#[must_use]
pub fn config_file_text(text: &str) -> FileText {
    FileText {
        text: text.to_string(),
        notes: file_notes(text.as_bytes()),
    }
}

/// Notes about a config file's bytes: BOM, UTF-16, NUL bytes.
fn file_notes(bytes: &[u8]) -> Vec<String> {
    let mut notes = Vec::new();
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        notes.push("starts with a UTF-8 byte-order mark (BOM)".to_string());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        notes.push("is UTF-16 encoded; npm reads it as UTF-8 and sees garbage".to_string());
    }
    if bytes.contains(&0) {
        notes.push("contains NUL bytes".to_string());
    }
    notes
}

fn file_exists(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file())
}

fn dir_exists(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_dir())
}

fn json_truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// The node executable npm runs under: the `node` on `PATH`, symlinks
/// resolved (node's `process.execPath`).
fn node_exec_path(env: &Env) -> PathBuf {
    env.which("node")
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .unwrap_or_else(|| PathBuf::from("/usr/local/bin/node"))
}

/// npm's install folder from the `npm` on `PATH`
/// (`…/lib/node_modules/npm/bin/npm-cli.js` → `…/lib/node_modules/npm`).
fn find_npm_dir(env: &Env) -> Option<PathBuf> {
    let npm = env.which("npm")?;
    let real = std::fs::canonicalize(&npm).ok()?;
    let dir = real.parent()?.parent()?.to_path_buf();
    dir.join("package.json").is_file().then_some(dir)
}

fn read_npm_version(dir: &Path) -> Option<String> {
    let pkg = manifest::read_json_file(&dir.join("package.json")).ok()?;
    pkg.get("version")?.as_str().map(str::to_string)
}

/// node's `path.join` for POSIX.
#[must_use]
pub fn path_join(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    if joined.is_empty() {
        return ".".into();
    }
    normalize(&joined)
}

/// node's `path.resolve(...parts)` for POSIX, against `cwd`.
#[must_use]
pub fn path_resolve(cwd: &Path, parts: &[&str]) -> String {
    let mut resolved = String::new();
    for part in parts.iter().rev() {
        if part.is_empty() {
            continue;
        }
        resolved = if resolved.is_empty() {
            (*part).to_string()
        } else {
            format!("{part}/{resolved}")
        };
        if part.starts_with('/') {
            break;
        }
    }
    if !resolved.starts_with('/') {
        let base = cwd.display().to_string();
        resolved = if resolved.is_empty() {
            base
        } else {
            format!("{base}/{resolved}")
        };
    }
    let n = normalize(&resolved);
    if n.len() > 1 {
        n.trim_end_matches('/').to_string()
    } else {
        n
    }
}

/// node's `path.normalize` for POSIX (keeps a trailing slash).
fn normalize(p: &str) -> String {
    let absolute = p.starts_with('/');
    let trailing = p.ends_with('/');
    let mut out: Vec<&str> = Vec::new();
    for comp in Path::new(p).components() {
        match comp {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !absolute {
                    out.push("..");
                }
            }
            Component::Normal(s) => out.push(s.to_str().unwrap_or("")),
        }
    }
    let mut s = out.join("/");
    if absolute {
        s.insert(0, '/');
    }
    if s.is_empty() {
        return if absolute { "/".into() } else { ".".into() };
    }
    if trailing && !s.ends_with('/') {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_log_empty_lines_have_no_trailing_space() {
        // the `optional` deprecation message has a blank line
        assert_eq!(
            npm_log("warn", "config", "a\n\n  b\r\nc"),
            "npm warn config a\nnpm warn config\nnpm warn config   b\nnpm warn config c"
        );
    }

    #[test]
    fn env_keys() {
        assert_eq!(env_key("fetch_retries"), "fetch-retries");
        assert_eq!(env_key("_authToken"), "_authtoken");
        assert_eq!(env_key("@MyOrg:registry"), "@myorg:registry");
        assert_eq!(env_key("//h/:_authToken"), "//h/:_authToken");
        assert_eq!(env_key("REGISTRY"), "registry");
    }

    #[test]
    fn paths() {
        let cwd = Path::new("/w/x");
        assert_eq!(path_resolve(cwd, &["a/../b", ".npmrc"]), "/w/x/b/.npmrc");
        assert_eq!(path_resolve(cwd, &["/usr", "etc/npmrc"]), "/usr/etc/npmrc");
        assert_eq!(path_resolve(cwd, &[""]), "/w/x");
        assert_eq!(path_resolve(cwd, &["/"]), "/");
        assert_eq!(path_join(&["/dest", "/usr"]), "/dest/usr");
    }
}
