//! Which files `check` looks at, grouped by the directory npm would run in.
//!
//! - no paths: the project at the working directory (npm's `localPrefix`; in
//!   a folder that is not a project, the folder itself): its own `.npmrc`,
//!   `.npmrc.*` templates and `package.json` and those of its workspaces
//!   (npm/yarn/bun `workspaces`, pnpm `pnpm-workspace.yaml`) always, and
//!   every other such file below it, so nested projects and a committed
//!   credential anywhere in the tree are seen;
//! - files (as pre-commit passes them): `package.json` is a manifest, any
//!   other file is read as an `.npmrc`;
//! - folders: walked for `.npmrc`, `.npmrc.*` and `package.json`.
//!
//! Walking uses the `ignore` crate: `.gitignore` files (also of parent
//! folders) and `.git/info/exclude` are respected, `.git` and `node_modules`
//! are skipped (unless asked), symlinks are not followed (loops are
//! harmless). `--exclude GLOB` and the settings' `exclude` (gitignore-style
//! globs, relative to the working directory and to the settings file) drop
//! files and folders everywhere, also files given explicitly.

use super::CheckOptions;
use crate::env::Env;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files to check in one directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirFiles {
    pub npmrc: Vec<PathBuf>,
    pub manifests: Vec<PathBuf>,
}

/// Directory → files to check there.
pub type Plan = BTreeMap<PathBuf, DirFiles>;

/// Problems with the inputs.
#[derive(Debug, Default)]
pub struct InputErrors {
    /// Messages (a path that does not exist, a folder that cannot be read).
    pub messages: Vec<String>,
    /// Paths given that do not exist (a usage error: exit 2).
    pub missing: usize,
}

/// Gitignore-style exclusion globs, each set rooted at its own folder.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    sets: Vec<Gitignore>,
}

impl Excludes {
    /// Adds `patterns` rooted at `base`.
    ///
    /// # Errors
    /// An invalid glob.
    pub fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), String> {
        if patterns.is_empty() {
            return Ok(());
        }
        let mut b = GitignoreBuilder::new(base);
        for p in patterns {
            b.add_line(None, p)
                .map_err(|e| format!("invalid exclude glob `{p}`: {e}"))?;
        }
        self.sets.push(
            b.build()
                .map_err(|e| format!("invalid exclude globs: {e}"))?,
        );
        Ok(())
    }

    /// Whether `path` (or a folder above it) is excluded.
    #[must_use]
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        self.sets.iter().any(|g| {
            path.starts_with(g.path()) && g.matched_path_or_any_parents(path, is_dir).is_ignore()
        })
    }
}

/// Builds the plan.
#[must_use]
pub fn plan(options: &CheckOptions, env: &Env, errors: &mut InputErrors) -> Plan {
    let mut plan = Plan::new();
    let excludes = &options.excludes;
    if options.paths.is_empty() {
        project_files(options, env, &mut plan, errors);
        return plan;
    }
    for input in &options.paths {
        let path = if input.is_absolute() {
            input.clone()
        } else {
            env.cwd().join(input)
        };
        // text given in memory (`--stdin-filename`) is checked as that file,
        // whether or not it exists on disk
        if options
            .overlay
            .as_ref()
            .is_some_and(|o| o.contains_key(&path))
            && !path.is_dir()
        {
            add_file(&path, true, &mut plan);
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            errors
                .messages
                .push(format!("{}: no such file or directory", input.display()));
            errors.missing += 1;
            continue;
        };
        if meta.is_dir() {
            walk(&path, options, &mut plan, errors);
        } else if !excludes.is_excluded(&absolute(&path), false) {
            add_file(&path, true, &mut plan);
        }
    }
    plan
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The project at the working directory, its workspaces and everything
/// below it.
fn project_files(options: &CheckOptions, env: &Env, plan: &mut Plan, errors: &mut InputErrors) {
    let root = match crate::config::load(env, &options.load) {
        Ok(c) => c.local_prefix,
        Err(e) => {
            errors
                .messages
                .push(format!("npm cannot load its configuration: {e}"));
            env.cwd().to_path_buf()
        }
    };
    // npm reads these whatever .gitignore says
    add_dir_files(&root, plan);
    for dir in workspace_dirs(&root, errors) {
        add_dir_files(&dir, plan);
    }
    walk(&root, options, plan, errors);
    if plan.is_empty() {
        plan.insert(root, DirFiles::default());
    }
}

/// The workspace folders of the project at `root` (npm/yarn/bun
/// `workspaces`, else pnpm's `pnpm-workspace.yaml`).
fn workspace_dirs(root: &Path, errors: &mut InputErrors) -> Vec<PathBuf> {
    let patterns = match crate::manifest::read_package_json(root) {
        Ok(pkg) if pkg.get("workspaces").is_some() => pkg.get("workspaces").cloned(),
        _ => crate::project::publish::pnpm_workspace_packages(root).map(|p| {
            serde_json::Value::Array(p.into_iter().map(serde_json::Value::String).collect())
        }),
    };
    let Some(patterns) = patterns else {
        return Vec::new();
    };
    match crate::manifest::workspaces::map_workspaces(root, &patterns) {
        Ok(list) => list.into_iter().map(|(_, d)| d).collect(),
        Err(e) => {
            errors.messages.push(format!(
                "{}: workspaces: {e}",
                root.join("package.json").display()
            ));
            Vec::new()
        }
    }
}

/// Adds the `.npmrc`, `.npmrc.*` and `package.json` directly in `dir`.
fn add_dir_files(dir: &Path, plan: &mut Plan) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        // a `.npmrc` or `package.json` that is not a regular file (a
        // directory, a FIFO, a device, a dangling or looping link) is still
        // an input: reading it fails with a diagnostic instead of silence
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == ".npmrc" || n == "package.json");
        if named || path.is_file() {
            add_file(&path, false, plan);
        }
    }
}

fn walk(root: &Path, options: &CheckOptions, plan: &mut Plan, errors: &mut InputErrors) {
    let include_node_modules = options.include_node_modules;
    let excludes = options.excludes.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let name = e.file_name().to_str().unwrap_or("");
            if is_dir
                && e.depth() > 0
                && (name == ".git" || (!include_node_modules && name == "node_modules"))
            {
                return false;
            }
            !excludes.is_excluded(&absolute(e.path()), is_dir)
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let t = e.file_type();
                let is_file = t.is_some_and(|t| t.is_file())
                    || (t.is_some_and(|t| t.is_symlink()) && e.path().is_file());
                if is_file {
                    add_file(e.path(), false, plan);
                }
            }
            Err(e) => errors
                .messages
                .push(format!("cannot walk {}: {e}", root.display())),
        }
    }
}

/// Whether a file name is one `check` looks at when walking.
#[must_use]
pub fn is_npmrc_name(name: &str) -> bool {
    name == ".npmrc" || (name.starts_with(".npmrc.") && name.len() > ".npmrc.".len())
}

fn add_file(path: &Path, explicit: bool, plan: &mut Plan) {
    let Some(os_name) = path.file_name() else {
        return;
    };
    // a non-UTF-8 name is still that file, never its directory
    let name = os_name.to_str().unwrap_or("\u{fffd}");
    let is_manifest = name == "package.json";
    if !is_manifest && !explicit && !is_npmrc_name(name) {
        return;
    }
    let dir = path
        .parent()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("/"));
    let full = dir.join(os_name);
    let entry = plan.entry(dir).or_default();
    let list = if is_manifest {
        &mut entry.manifests
    } else {
        &mut entry.npmrc
    };
    if !list.contains(&full) {
        list.push(full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npmrc_names() {
        assert!(is_npmrc_name(".npmrc"));
        assert!(is_npmrc_name(".npmrc.ci"));
        assert!(!is_npmrc_name(".npmrc."));
        assert!(!is_npmrc_name("npmrc"));
    }

    #[test]
    fn excludes() {
        let mut ex = Excludes::default();
        ex.add(Path::new("/p"), &["test/**".into(), "fixtures/".into()])
            .unwrap();
        assert!(ex.is_excluded(Path::new("/p/test/a/.npmrc"), false));
        assert!(ex.is_excluded(Path::new("/p/x/fixtures"), true));
        assert!(ex.is_excluded(Path::new("/p/x/fixtures/a/package.json"), false));
        assert!(!ex.is_excluded(Path::new("/p/src/.npmrc"), false));
        assert!(!ex.is_excluded(Path::new("/q/test/.npmrc"), false));
    }
}
