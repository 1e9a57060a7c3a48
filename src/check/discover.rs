//! Which files `check` looks at, grouped by the directory npm would run in.
//!
//! - no paths: the project at the working directory — its `.npmrc`,
//!   `.npmrc.*` templates and `package.json`, and the same in each workspace;
//! - files (as pre-commit passes them): `package.json` is a manifest, any
//!   other file is read as an `.npmrc`;
//! - folders: walked (without following symlinks, so loops are harmless) for
//!   `.npmrc`, `.npmrc.*` and `package.json`, skipping `.git` and
//!   `node_modules` unless asked.

use super::CheckOptions;
use crate::env::Env;
use crate::manifest::{read_package_json, workspaces::map_workspaces};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The files to check in one directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirFiles {
    pub npmrc: Vec<PathBuf>,
    pub manifests: Vec<PathBuf>,
}

/// Directory → files to check there.
pub type Plan = BTreeMap<PathBuf, DirFiles>;

/// Builds the plan; problems with the inputs go to `errors`.
#[must_use]
pub fn plan(options: &CheckOptions, env: &Env, errors: &mut Vec<String>) -> Plan {
    let mut plan = Plan::new();
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
            errors.push(format!("{}: no such file or directory", input.display()));
            continue;
        };
        if meta.is_dir() {
            walk(&path, options.include_node_modules, &mut plan, errors);
        } else {
            add_file(&path, true, &mut plan);
        }
    }
    plan
}

/// The project at the working directory and its workspaces.
fn project_files(options: &CheckOptions, env: &Env, plan: &mut Plan, errors: &mut Vec<String>) {
    let root = match crate::config::load(env, &options.load) {
        Ok(c) => c.local_prefix,
        Err(e) => {
            errors.push(format!("npm cannot load its configuration: {e}"));
            env.cwd().to_path_buf()
        }
    };
    add_dir_files(&root, plan);
    if let Ok(pkg) = read_package_json(&root) {
        if let Some(ws) = pkg.get("workspaces") {
            match map_workspaces(&root, ws) {
                Ok(list) => {
                    for (_, dir) in list {
                        add_dir_files(&dir, plan);
                    }
                }
                Err(e) => errors.push(format!(
                    "{}: workspaces: {e}",
                    root.join("package.json").display()
                )),
            }
        }
    }
    if plan.is_empty() {
        plan.insert(root, DirFiles::default());
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
        if path.is_file() {
            add_file(&path, false, plan);
        }
    }
}

fn walk(root: &Path, include_node_modules: bool, plan: &mut Plan, errors: &mut Vec<String>) {
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_str().unwrap_or("");
            !(e.file_type().is_dir()
                && e.depth() > 0
                && (name == ".git" || (!include_node_modules && name == "node_modules")))
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file =
                    e.file_type().is_file() || (e.file_type().is_symlink() && e.path().is_file());
                if is_file {
                    add_file(e.path(), false, plan);
                }
            }
            Err(e) => errors.push(format!("cannot walk {}: {e}", root.display())),
        }
    }
}

/// Whether a file name is one `check` looks at when walking.
#[must_use]
pub fn is_npmrc_name(name: &str) -> bool {
    name == ".npmrc" || (name.starts_with(".npmrc.") && name.len() > ".npmrc.".len())
}

fn add_file(path: &Path, explicit: bool, plan: &mut Plan) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let is_manifest = name == "package.json";
    if !is_manifest && !explicit && !is_npmrc_name(name) {
        return;
    }
    let dir = path
        .parent()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("/"));
    let full = dir.join(name);
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
}
