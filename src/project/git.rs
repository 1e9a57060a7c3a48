//! What git knows about a file: tracked (committed or staged), ignored, or
//! neither. Asked once per repository, offline: `git ls-files -z` for the
//! tracked files and `git ls-files -z --others --ignored --exclude-standard
//! --directory` for the ignored ones (ignored folders collapse to one
//! entry, so `node_modules/` costs one line). Without git, or outside a
//! repository, the status is unknown.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A file's status in git.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitStatus {
    /// In git's index: committed, or about to be.
    Tracked,
    /// Matched by `.gitignore` / `.git/info/exclude`: never committed.
    Ignored,
    /// In a repository, neither tracked nor ignored (not committed yet).
    Untracked,
    /// No repository, or git is not available.
    Unknown,
}

#[derive(Debug)]
struct Repo {
    tracked: HashSet<PathBuf>,
    /// Ignored files and folders (folders end without a slash here).
    ignored: HashSet<PathBuf>,
}

/// Caches git's answers per repository root.
#[derive(Debug, Default)]
pub struct GitIndex {
    repos: std::sync::Mutex<HashMap<PathBuf, Option<Repo>>>,
}

impl GitIndex {
    #[must_use]
    pub fn new() -> GitIndex {
        GitIndex::default()
    }

    /// The status of `file` (an absolute path).
    #[must_use]
    pub fn status(&self, file: &Path) -> GitStatus {
        let dir = file.parent().unwrap_or(Path::new("/"));
        let Some(root) = super::publish::repository_root(dir) else {
            return GitStatus::Unknown;
        };
        let mut repos = self
            .repos
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let repo = repos.entry(root.clone()).or_insert_with(|| load(&root));
        let Some(repo) = repo else {
            return GitStatus::Unknown;
        };
        let Ok(rel) = file.strip_prefix(&root) else {
            return GitStatus::Unknown;
        };
        if repo.tracked.contains(rel) {
            GitStatus::Tracked
        } else if rel.ancestors().any(|a| repo.ignored.contains(a)) {
            GitStatus::Ignored
        } else {
            GitStatus::Untracked
        }
    }
}

fn load(root: &Path) -> Option<Repo> {
    let tracked = ls_files(root, &[])?;
    let ignored = ls_files(
        root,
        &["--others", "--ignored", "--exclude-standard", "--directory"],
    )?;
    Some(Repo { tracked, ignored })
}

fn ls_files(root: &Path, args: &[&str]) -> Option<HashSet<PathBuf>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let s = String::from_utf8_lossy(p);
                PathBuf::from(s.trim_end_matches('/'))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(&root)
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !git(&["init", "-q"]) {
            // no git on this machine: everything is unknown
            assert_eq!(
                GitIndex::new().status(&root.join(".npmrc")),
                GitStatus::Unknown
            );
            return;
        }
        std::fs::write(root.join(".gitignore"), ".npmrc.local\nsecrets/\n").unwrap();
        std::fs::write(root.join(".npmrc"), "x=1\n").unwrap();
        std::fs::write(root.join(".npmrc.local"), "x=1\n").unwrap();
        std::fs::create_dir(root.join("secrets")).unwrap();
        std::fs::write(root.join("secrets/.npmrc"), "x=1\n").unwrap();
        std::fs::write(root.join("new.npmrc"), "x=1\n").unwrap();
        assert!(git(&["add", ".npmrc", ".gitignore"]));
        let index = GitIndex::new();
        assert_eq!(index.status(&root.join(".npmrc")), GitStatus::Tracked);
        assert_eq!(index.status(&root.join(".npmrc.local")), GitStatus::Ignored);
        assert_eq!(
            index.status(&root.join("secrets/.npmrc")),
            GitStatus::Ignored
        );
        assert_eq!(index.status(&root.join("new.npmrc")), GitStatus::Untracked);
    }
}
