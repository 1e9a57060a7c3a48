//! `check`: finds the files to lint, loads npm's config for each directory
//! they are in, runs every enabled rule and returns sorted diagnostics.

pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod settings;
pub mod suppress;

use crate::config::validate::{Validation, validate};
use crate::config::{Layer, LoadOptions, load};
use crate::env::Env;
use crate::manifest::spanned::Manifest;
use crate::rules;
use crate::util::LineIndex;
use context::{Context, NpmrcDoc, Project, Role};
use diagnostic::Diagnostic;
use rayon::prelude::*;
use settings::Settings;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Stack of each worker thread of a tree run (deeply nested package.json
/// files are parsed recursively, as npm reads them).
const WORKER_STACK: usize = 256 << 20;

/// What to check and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Files or folders; empty = the project at the working directory.
    pub paths: Vec<PathBuf>,
    /// Also walk into `node_modules`.
    pub include_node_modules: bool,
    /// Also report findings in the user, global and builtin files.
    pub all_layers: bool,
    pub load: LoadOptions,
    /// The settings for every checked file, unless `discover_settings`.
    pub settings: Settings,
    /// `--exclude` and the settings' `exclude`, compiled.
    pub excludes: discover::Excludes,
    /// Look up the settings per checked folder: the nearest
    /// `.npmrc-doctor.json` at or above it (with what it extends), then
    /// these command-line adjustments; without a file, the defaults.
    pub discover_settings: Option<settings::Overrides>,
    /// Texts that replace the files on disk at these paths (the fixer's
    /// unsaved state); every reader of the run sees them.
    pub overlay: Option<Arc<BTreeMap<PathBuf, String>>>,
}

/// The result of a check run.
#[derive(Debug, Default)]
pub struct CheckRun {
    pub diagnostics: Vec<Diagnostic>,
    /// Text of every file a diagnostic may point into, for rendering.
    pub sources: BTreeMap<PathBuf, String>,
    /// Files checked.
    pub files_checked: usize,
    /// Problems that are not findings (a path that does not exist).
    pub errors: Vec<String>,
    /// How many of the paths given do not exist (a usage error).
    pub missing_inputs: usize,
    /// Inputs that could not be read (files checked or config files npm
    /// loads): the run exits 2.
    pub unreadable: usize,
    /// Checked files npm reads (as a config layer or a manifest): the
    /// files `--fix` may write. User, global and builtin files are here
    /// only with `--all-layers`.
    pub npm_reads: BTreeSet<PathBuf>,
    /// The package manager detected for each checked directory.
    pub package_managers: BTreeMap<PathBuf, crate::project::Detected>,
    /// A settings file found for a checked folder could not be used (the
    /// folder was not checked; the message is in `errors`).
    pub settings_failed: bool,
    /// Line indexes of [`CheckRun::sources`], built on first use.
    line_indexes: std::sync::Mutex<std::collections::HashMap<PathBuf, Arc<LineIndex>>>,
}

impl CheckRun {
    /// Appends the result of a later directory (sources already known keep
    /// the first text, as one sequential run would).
    fn merge(&mut self, part: CheckRun) {
        self.diagnostics.extend(part.diagnostics);
        for (path, text) in part.sources {
            self.sources.entry(path).or_insert(text);
        }
        self.files_checked += part.files_checked;
        self.errors.extend(part.errors);
        self.unreadable += part.unreadable;
        self.missing_inputs += part.missing_inputs;
        self.npm_reads.extend(part.npm_reads);
        self.settings_failed |= part.settings_failed;
        for (dir, pm) in part.package_managers {
            self.package_managers.entry(dir).or_insert(pm);
        }
    }

    /// 1-based (line, column) of a byte offset in one of the
    /// [`CheckRun::sources`] (through a line index built once per file,
    /// so rendering many findings stays linear).
    #[must_use]
    pub fn line_col(&self, file: &Path, offset: usize) -> (usize, usize) {
        let text = self.sources.get(file).map_or("", String::as_str);
        let index = self.line_index(file);
        index.line_col(text, offset)
    }

    /// The line index of one of the sources (of an empty text when unknown).
    #[must_use]
    pub fn line_index(&self, file: &Path) -> Arc<LineIndex> {
        let build = || {
            let text = self.sources.get(file).map_or("", String::as_str);
            Arc::new(LineIndex::new(text))
        };
        match self.line_indexes.lock() {
            Ok(mut map) => map.entry(file.to_path_buf()).or_insert_with(build).clone(),
            Err(_) => build(),
        }
    }
}

/// Runs the check.
#[must_use]
pub fn run(options: &CheckOptions, env: &Env) -> CheckRun {
    let mut run = CheckRun::default();
    let mut options = options.clone();
    if let Some(overlay) = &options.overlay {
        let cache = crate::config::load::LoadCache::new();
        for (path, text) in overlay.iter() {
            cache.seed(path, text);
        }
        options.load.cache = Some(cache);
    }
    if options.load.cache.is_none() {
        options.load.cache = Some(crate::config::load::LoadCache::new());
    }
    let mut input_errors = discover::InputErrors::default();
    let plan = discover::plan(&options, env, &mut input_errors);
    run.errors.append(&mut input_errors.messages);
    run.missing_inputs = input_errors.missing;
    let compile = |s: &Settings, errors: &mut Vec<String>| {
        Arc::new(
            settings::CompiledOverrides::new(s, env.cwd()).unwrap_or_else(|e| {
                if !errors.contains(&e) {
                    errors.push(e);
                }
                settings::CompiledOverrides::default()
            }),
        )
    };
    let base_overrides = compile(&options.settings, &mut run.errors);
    let base_settings = Arc::new(options.settings.clone());
    // each directory's settings (its nearest settings file with
    // `discover_settings`), looked up once per file before the parallel run
    type Resolved = Result<(Arc<Settings>, Arc<settings::CompiledOverrides>), String>;
    let mut found: BTreeMap<Option<PathBuf>, Resolved> = BTreeMap::new();
    let mut plan_items = Vec::new();
    for (dir, files) in plan {
        let resolved = match &options.discover_settings {
            None => (base_settings.clone(), base_overrides.clone()),
            Some(adjust) => {
                let file = Settings::find(&dir);
                let r = match found.get(&file) {
                    Some(r) => r.clone(),
                    None => {
                        let r = (|| {
                            let mut s = match &file {
                                Some(f) => Settings::read(f)?,
                                None => Settings::default(),
                            };
                            adjust.apply(&mut s)?;
                            Ok(s)
                        })()
                        .map(|s: Settings| {
                            let o = compile(&s, &mut run.errors);
                            (Arc::new(s), o)
                        });
                        found.insert(file.clone(), r.clone());
                        r
                    }
                };
                match r {
                    Ok(r) => r,
                    Err(e) => {
                        if !run.errors.contains(&e) {
                            run.errors.push(e);
                        }
                        run.settings_failed = true;
                        continue;
                    }
                }
            }
        };
        plan_items.push((dir, files, resolved.0, resolved.1));
    }
    let index = crate::project::PublishIndex::with_roots(env.cwd(), &options.paths);
    // directories are checked in parallel (work stealing over the
    // available cores); each result is merged in plan order, so the
    // output is the same as one thread's
    let git = crate::project::git::GitIndex::new();
    let one = |(dir, files, settings, overrides): &(
        PathBuf,
        discover::DirFiles,
        Arc<Settings>,
        Arc<settings::CompiledOverrides>,
    )| {
        let ctx = RunContext {
            index: &index,
            git: &git,
            overrides,
        };
        let mut part = CheckRun::default();
        check_dir(dir, files, &options, settings, env, &ctx, &mut part);
        part
    };
    let work = || -> Vec<CheckRun> { plan_items.par_iter().map(one).collect() };
    // the workers parse deeply nested JSON recursively (npm reads it), so
    // they get the same large stack as the main thread (only the pages
    // used are committed); without a pool, the work runs on this thread
    let results = match rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => plan_items.iter().map(one).collect(),
    };
    for part in results {
        run.merge(part);
    }
    run.diagnostics
        .sort_by(|a, b| (&a.primary.location, a.rule).cmp(&(&b.primary.location, b.rule)));
    run.diagnostics.dedup();
    run
}

/// What one run shares between directories.
struct RunContext<'a> {
    index: &'a crate::project::PublishIndex,
    git: &'a crate::project::git::GitIndex,
    overrides: &'a settings::CompiledOverrides,
}

fn check_dir(
    dir: &Path,
    files: &discover::DirFiles,
    options: &CheckOptions,
    settings: &Settings,
    env: &Env,
    rc: &RunContext<'_>,
    run: &mut CheckRun,
) {
    let (index, git) = (rc.index, rc.git);
    let env = env.clone().with_cwd(dir.to_path_buf());
    let (config, load_error) = match load(&env, &options.load) {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e)),
    };
    let validation = config.as_ref().map_or_else(Validation::default, validate);
    let mut npmrc = Vec::new();
    for path in &files.npmrc {
        let role = role_of(path, dir, config.as_ref());
        let read = match options.overlay.as_ref().and_then(|o| o.get(path)) {
            Some(text) => Ok(NpmrcDoc::from_text(
                path.clone(),
                role,
                Arc::new(crate::config::load::config_file_text(text)),
            )),
            None => NpmrcDoc::read(path.clone(), role),
        };
        match read {
            Ok(doc) => npmrc.push(doc),
            Err(code) => {
                run.unreadable += 1;
                run.errors
                    .push(format!("cannot read {}: {code}", path.display()));
            }
        }
    }
    // config files npm tries to read (userconfig=/dev/zero, a FIFO, a
    // directory named .npmrc): npm fails or skips them; say so
    if let Some(c) = &config {
        for l in c.files() {
            if let (crate::config::FileStatus::Unreadable(code), Some(path)) = (&l.status, &l.path)
            {
                let text = format!(
                    "cannot read {} ({} config): {code}",
                    path.display(),
                    l.layer
                );
                if !run.errors.contains(&text) && !files.npmrc.iter().any(|p| p == path) {
                    run.unreadable += 1;
                    run.errors.push(text);
                }
            }
        }
    }
    if options.all_layers {
        if let Some(c) = &config {
            for layer in [Layer::User, Layer::Global, Layer::Builtin] {
                let l = c.layer(layer);
                if let (Some(path), Some(text)) = (&l.path, &l.text) {
                    if !npmrc.iter().any(|d: &NpmrcDoc| &d.path == path) {
                        npmrc.push(NpmrcDoc::from_text(
                            path.clone(),
                            Role::Layer(layer),
                            text.clone(),
                        ));
                    }
                }
            }
        }
    }
    let mut manifests = Vec::new();
    for path in &files.manifests {
        let read = match options.overlay.as_ref().and_then(|o| o.get(path)) {
            Some(text) => Ok(Manifest::from_bytes(path.clone(), text.as_bytes())),
            None => Manifest::read(path.clone()),
        };
        match read {
            Ok(m) => {
                // npm reads any depth; past ours nothing can be said
                let depth = crate::manifest::json::nesting_depth(&m.text);
                if depth > crate::manifest::json::MAX_DEPTH {
                    run.unreadable += 1;
                    run.errors.push(format!(
                        "cannot check {}: nested {depth} levels deep, over the {} levels this tool analyses (npm reads it)",
                        path.display(),
                        crate::manifest::json::MAX_DEPTH
                    ));
                }
                manifests.push(m);
            }
            Err(code) => {
                run.unreadable += 1;
                run.errors
                    .push(format!("cannot read {}: {code}", path.display()));
            }
        }
    }
    run.files_checked += npmrc.len() + manifests.len();
    for doc in &npmrc {
        let readable = match doc.role {
            Role::Layer(Layer::Project) => true,
            Role::Layer(_) => options.all_layers,
            _ => false,
        };
        if readable {
            run.npm_reads.insert(doc.path.clone());
        }
    }
    run.npm_reads
        .extend(manifests.iter().map(|m| m.path.clone()));
    let intents = manifests.iter().map(|m| index.publish_intent(m)).collect();
    let project = Project {
        dir: dir.to_path_buf(),
        config,
        load_error,
        validation,
        npmrc,
        manifests,
        intents,
        package_manager: index.package_manager(dir),
    };
    run.package_managers
        .insert(dir.to_path_buf(), project.package_manager.clone());
    let cx = Context {
        project: &project,
        env: &env,
        git,
    };
    let suppressions: Vec<(PathBuf, suppress::Suppressions)> = project
        .npmrc
        .iter()
        .map(|d| (d.path.clone(), suppress::Suppressions::of(d)))
        .collect();
    let package_json_suppressions: Vec<(PathBuf, Vec<String>)> = project
        .manifests
        .iter()
        .map(|m| (m.path.clone(), suppress::package_json_disabled(m)))
        .collect();
    // a rule switched off still runs when a suppression comment names it
    // (or names none) and unused-suppression reports comments that
    // suppress nothing: its findings only mark the comments used
    let unused_rule = &rules::unused_suppression::RULE;
    let audit = settings.severity(unused_rule).is_some();
    let named = |rule: &rules::Rule| {
        suppressions.iter().any(|(_, s)| {
            s.comments
                .iter()
                .any(|c| c.rules.is_empty() || c.rules.iter().any(|r| r == rule.name))
        })
    };
    for rule in rules::ALL {
        let base_severity = settings.severity(rule);
        if base_severity.is_none() && settings.overrides.is_empty() && !(audit && named(rule)) {
            continue;
        }
        let mut found = Vec::new();
        (rule.check)(&cx, &mut found);
        for mut d in found {
            let severity = match rc.overrides.level(rule.name, &d.primary.location.file) {
                Some(settings::Level::Off) => None,
                Some(settings::Level::On(s)) => Some(s),
                None => base_severity,
            };
            if package_json_suppressions.iter().any(|(p, rules)| {
                *p == d.primary.location.file && rules.iter().any(|r| r == rule.name)
            }) {
                continue;
            }
            if let Some(severity) = severity {
                d.severity = if d.lowered {
                    severity.lowered()
                } else {
                    severity
                };
            }
            sanitize(&mut d);
            let file = &d.primary.location.file;
            if !cx.is_checked(file) {
                continue;
            }
            if !applies_to(rule, file, &cx, index) {
                continue;
            }
            if let Some((_, s)) = suppressions.iter().find(|(p, _)| p == file) {
                let line = cx
                    .npmrc_doc(file)
                    .map_or(1, |doc| doc.line_col(d.primary.location.span.start).0);
                if s.is_suppressed(rule.name, line) {
                    continue;
                }
            }
            if severity.is_some() {
                run.diagnostics.push(d);
            }
        }
    }
    // suppression comments that did nothing, now that every rule ran
    if let Some(severity) = settings.severity(unused_rule) {
        for (path, s) in &suppressions {
            let Some(doc) = cx.npmrc_doc(path) else {
                continue;
            };
            for u in s.unused() {
                if let Some(mut d) = rules::unused_suppression::diagnostic(doc, &u) {
                    d.severity = severity;
                    sanitize(&mut d);
                    run.diagnostics.push(d);
                }
            }
        }
    }
    for doc in &project.npmrc {
        run.sources
            .entry(doc.path.clone())
            .or_insert_with(|| doc.source().to_string());
    }
    for m in &project.manifests {
        run.sources
            .entry(m.path.clone())
            .or_insert_with(|| m.text.clone());
    }
    // secondary labels may point into layers that are not checked
    if let Some(c) = &project.config {
        for l in c.files() {
            if let (Some(path), Some(text)) = (&l.path, &l.text) {
                run.sources
                    .entry(path.clone())
                    .or_insert_with(|| text.text.clone());
            }
        }
    }
}

/// Whether `rule`'s findings in `file` are wanted: files inside fixture,
/// template or example folders (not workspace members) get only the rules
/// about committed secrets; in a yarn 2+ project, which does not read
/// `.npmrc`, its `.npmrc` files get only the security rules.
fn applies_to(
    rule: &rules::Rule,
    file: &Path,
    cx: &Context<'_>,
    index: &crate::project::PublishIndex,
) -> bool {
    const SECRETS: [&str; 2] = ["hardcoded-token", "credentials-in-url"];
    if SECRETS.contains(&rule.name) {
        return true;
    }
    let dir = file.parent().unwrap_or(Path::new("/"));
    if index.reach(dir).is_err() {
        return false;
    }
    if cx.package_manager() == crate::project::PackageManager::YarnBerry
        && cx.npmrc_doc(file).is_some()
        && rule.name != "yarn-ignores-npmrc"
        && rule.category != rules::Category::Security
    {
        return false;
    }
    true
}

/// Escapes control characters (from hostile or broken files) in the texts
/// of a diagnostic, so no output format carries them to a terminal.
fn sanitize(d: &mut diagnostic::Diagnostic) {
    let clean = |s: &mut String| {
        if let std::borrow::Cow::Owned(c) = crate::util::printable(s) {
            *s = c;
        }
    };
    clean(&mut d.message);
    clean(&mut d.primary.message);
    for l in &mut d.secondary {
        clean(&mut l.message);
    }
    if let Some(h) = &mut d.help {
        clean(h);
    }
    if let Some(n) = &mut d.note {
        clean(n);
    }
}

/// What npm makes of the `.npmrc` at `path` when run in `dir`.
fn role_of(path: &Path, dir: &Path, config: Option<&crate::config::Config>) -> Role {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name != ".npmrc" {
        return Role::Template;
    }
    if let Some(c) = config {
        if let Some(l) = c.layer_for_file(path) {
            if l.status == crate::config::FileStatus::Loaded {
                return Role::Layer(l.layer);
            }
        }
        if c.workspace.as_deref() == Some(dir) && path.parent() == Some(dir) {
            return Role::IgnoredWorkspace;
        }
    }
    Role::NotLoaded
}
