//! Workspace folders of a root `package.json`, as `@npmcli/map-workspaces`
//! finds them (used by config loading to decide whether the working
//! directory is inside a workspace, npm-semantics.md §1.7).
//!
//! Patterns come from `workspaces` (an array) or `workspaces.packages`.
//! Leading `!` negate (an odd count), a leading `./` or `/` is stripped, and
//! each pattern only matches directories. Matching follows `glob`: `*` and
//! `?` do not match a leading dot, `**` does not descend into
//! `node_modules`, dot folders or symlinked folders. A matched folder without
//! a `package.json` is skipped; one whose `package.json` does not parse makes
//! npm fail, as do two workspaces with the same name.

use super::{ReadError, read_package_json};
use globset::{GlobBuilder, GlobMatcher};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Why the workspaces could not be mapped (npm aborts config loading).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    /// `EWORKSPACESCONFIG`.
    #[error("workspaces config expects an Array")]
    NotAnArray,
    /// `EDUPLICATEWORKSPACE`.
    #[error("{0}")]
    Duplicate(String),
    /// A workspace `package.json` that cannot be read or parsed.
    #[error("{0}")]
    Read(String, String),
}

impl WorkspaceError {
    /// npm's error code.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            WorkspaceError::NotAnArray => "EWORKSPACESCONFIG",
            WorkspaceError::Duplicate(_) => "EDUPLICATEWORKSPACE",
            WorkspaceError::Read(code, _) => code,
        }
    }
}

/// The workspace folders (absolute paths) of the package at `root` whose
/// parsed `workspaces` value is `workspaces`, in npm's order.
///
/// # Errors
/// The errors npm's `mapWorkspaces` throws.
pub fn map_workspaces(
    root: &Path,
    workspaces: &serde_json::Value,
) -> Result<Vec<(String, PathBuf)>, WorkspaceError> {
    let declared = match workspaces.get("packages") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        _ => match workspaces {
            serde_json::Value::Array(a) => a.clone(),
            _ => return Err(WorkspaceError::NotAnArray),
        },
    };
    let (patterns, negated) = split_patterns(&declared);
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let negated: Vec<GlobMatcher> = negated.iter().filter_map(|p| compile(p)).collect();

    let mut matches: Vec<String> = Vec::new();
    let mut matched: HashSet<String> = HashSet::new();
    for pattern in &patterns {
        for m in expand(root, pattern) {
            if !negated.iter().any(|n| n.is_match(&m)) && matched.insert(m.clone()) {
                matches.push(m);
            }
        }
    }
    matches.sort();

    let mut seen: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut ordered: HashSet<String> = HashSet::new();
    for m in &matches {
        let dir = root.join(m);
        let pkg = match read_package_json(&dir) {
            Ok(p) => p,
            Err(ReadError::NotFound(_)) => continue,
            Err(e) => return Err(WorkspaceError::Read(e.code().to_string(), e.to_string())),
        };
        let name = pkg
            .get("name")
            .and_then(serde_json::Value::as_str)
            .filter(|n| !n.is_empty())
            .map_or_else(|| name_from_folder(&dir), str::to_string);
        let paths = seen.entry(name.clone()).or_default();
        if !paths.contains(&dir) {
            paths.push(dir);
        }
        if ordered.insert(name.clone()) {
            order.push(name);
        }
    }
    let mut result = Vec::new();
    let mut errors = vec!["must not have multiple workspaces with the same name".to_string()];
    for name in order {
        let Some(paths) = seen.get(&name) else {
            continue;
        };
        if paths.len() > 1 {
            errors.push(format!(
                "package '{name}' has conflicts in the following paths:"
            ));
            for p in paths {
                errors.push(format!("    {}", p.display()));
            }
        } else if let Some(p) = paths.first() {
            result.push((name, p.clone()));
        }
    }
    if errors.len() > 1 {
        return Err(WorkspaceError::Duplicate(errors.join("\n")));
    }
    Ok(result)
}

/// `appendNegatedPatterns`: (positive patterns, negated patterns).
fn split_patterns(declared: &[serde_json::Value]) -> (Vec<String>, Vec<String>) {
    let mut patterns: Vec<String> = Vec::new();
    let mut negated: Vec<String> = Vec::new();
    for item in declared {
        let raw = match item {
            serde_json::Value::String(s) => s.clone(),
            other => crate::value::Value::from_json(other).js_string(),
        };
        let bangs = raw.len() - raw.trim_start_matches('!').len();
        let mut pattern = raw[bangs..].to_string();
        pattern = strip_leading_dot_slash(&pattern);
        if bangs % 2 == 1 {
            negated.push(pattern);
        } else {
            negated.retain(|n| !compile(n).is_some_and(|g| g.is_match(&pattern)));
            patterns.push(pattern);
        }
    }
    let negs: Vec<GlobMatcher> = negated.iter().filter_map(|p| compile(p)).collect();
    patterns.retain(|p| !negs.iter().any(|n| n.is_match(p)));
    (patterns, negated)
}

/// `pattern.replace(/^\.?\/+/, '')`.
fn strip_leading_dot_slash(p: &str) -> String {
    let rest = p
        .strip_prefix('.')
        .filter(|r| r.starts_with('/'))
        .unwrap_or(p);
    if rest.starts_with('/') {
        rest.trim_start_matches('/').to_string()
    } else {
        p.to_string()
    }
}

fn compile(pattern: &str) -> Option<GlobMatcher> {
    let p = pattern.trim_end_matches('/');
    GlobBuilder::new(p)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// Expands one pattern against the file system: relative paths of the
/// directories it matches.
fn expand(root: &Path, pattern: &str) -> Vec<String> {
    let pattern = pattern.replace('\\', "/");
    let segments: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let mut out = Vec::new();
    walk(root, "", &segments, &mut out, 0);
    out
}

fn walk(root: &Path, rel: &str, segments: &[&str], out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Some((first, rest)) = segments.split_first() else {
        if !rel.is_empty() && root.join(rel).is_dir() {
            out.push(rel.to_string());
        }
        return;
    };
    let join = |name: &str| {
        if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        }
    };
    if *first == "**" {
        // zero segments
        walk(root, rel, rest, out, depth + 1);
        for (name, is_real_dir) in list_dirs(&root.join(rel)) {
            if name.starts_with('.') || name == "node_modules" || !is_real_dir {
                continue;
            }
            walk(root, &join(&name), segments, out, depth + 1);
        }
        return;
    }
    if !has_magic(first) {
        let candidate = join(&unescape(first));
        if root.join(&candidate).is_dir() {
            walk(root, &candidate, rest, out, depth + 1);
        }
        return;
    }
    let Some(matcher) = GlobBuilder::new(first)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
    else {
        return;
    };
    for (name, _) in list_dirs(&root.join(rel)) {
        if name.starts_with('.') && !first.starts_with('.') {
            continue;
        }
        if name == "node_modules" {
            continue;
        }
        if matcher.is_match(&name) {
            walk(root, &join(&name), rest, out, depth + 1);
        }
    }
}

fn has_magic(segment: &str) -> bool {
    segment.contains(['*', '?', '[', '{'])
}

fn unescape(segment: &str) -> String {
    let mut out = String::new();
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Sub-directories of `dir` (following symlinks for the "is a directory"
/// test), with whether each is a real directory (not a symlink).
fn list_dirs(dir: &Path) -> Vec<(String, bool)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let ft = e.file_type().ok()?;
            let is_dir = if ft.is_symlink() {
                std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir())
            } else {
                ft.is_dir()
            };
            is_dir.then_some((name, !ft.is_symlink()))
        })
        .collect();
    out.sort();
    out
}

/// `@npmcli/name-from-folder`: `@scope/name` when the parent folder is a scope.
fn name_from_folder(dir: &Path) -> String {
    let base = dir
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = dir
        .parent()
        .and_then(Path::file_name)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    if parent.starts_with('@') {
        format!("{parent}/{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pkg(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("package.json"), format!("{{\"name\":\"{name}\"}}")).unwrap();
    }

    #[test]
    fn globs_and_negations() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        pkg(&root.join("packages/a"), "a");
        pkg(&root.join("packages/b"), "b");
        pkg(&root.join("packages/.hidden"), "h");
        std::fs::create_dir_all(root.join("packages/nopkg")).unwrap();
        pkg(&root.join("apps/x/deep"), "deep");
        let ws = map_workspaces(root, &json!(["packages/*", "!packages/b", "./apps/**"])).unwrap();
        let names: Vec<&str> = ws.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["deep", "a"]);
        let ws = map_workspaces(root, &json!({"packages": ["packages/b"]})).unwrap();
        assert_eq!(ws.len(), 1);
        assert_eq!(
            map_workspaces(root, &json!("packages/*")),
            Err(WorkspaceError::NotAnArray)
        );
    }

    #[test]
    fn duplicate_names_fail() {
        let t = tempfile::tempdir().unwrap();
        pkg(&t.path().join("p/a"), "same");
        pkg(&t.path().join("p/b"), "same");
        let err = map_workspaces(t.path(), &json!(["p/*"])).unwrap_err();
        assert_eq!(err.code(), "EDUPLICATEWORKSPACE");
    }
}
