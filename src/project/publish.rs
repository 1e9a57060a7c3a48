//! Publish intent: whether a `package.json` is a package its maintainers
//! publish, so publish advice (`scoped-publish-access`, `invalid-version`,
//! `publish-*`, `github-packages-scope`, `gitlab-endpoint`, …) goes only where
//! it is wanted.
//!
//! A manifest would be published when it
//! - is valid JSON with a string `name` and a non-empty `version`,
//! - is not `private` (JS truthiness, as libnpmpublish's `EPRIVATE` check),
//! - is not a workspace root (`workspaces`, `pnpm-workspace.yaml`: a
//!   monorepo's root manifest is not what it publishes) unless it has a
//!   `publishConfig`,
//! - and is a workspace member of an enclosing project (npm/yarn/bun
//!   `workspaces`, pnpm `pnpm-workspace.yaml` `packages`) or a project root
//!   that is not inside a fixture/template/example folder of the repository
//!   (`fixtures/`, `__fixtures__/`, `test/`, `examples/`, `templates/`,
//!   `playground/`, …) nor nested in another package's folder without a
//!   lockfile of its own (a subpath stub such as `pkg/elements/package.json`,
//!   a patched copy of a dependency), and its name is not a template
//!   placeholder (`{{projectName}}`, `<%= name %>`, `${name}`).
//!
//! Also found here: the `access` of changesets' `.changeset/config.json`,
//! which `changeset publish` passes to `npm publish --access`.

use crate::manifest::spanned::Manifest;
use std::collections::HashMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How a published manifest belongs to its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The root of a project (or of an independent project nested in a repository).
    ProjectRoot,
    /// A member of an enclosing workspace.
    WorkspaceMember,
}

/// Why a manifest would not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPublished {
    /// Not valid JSON, or not an object.
    Unreadable,
    /// `"private": true`.
    Private,
    /// No string `name`.
    NoName,
    /// No (or an empty) `version`.
    NoVersion,
    /// The name is a template placeholder.
    Template,
    /// Found by walking into a folder of fixtures, templates or examples.
    Fixture {
        /// The folder name that marks it (`fixtures`, `templates`, …).
        folder: String,
    },
    /// Inside another package's folder, not a workspace member and without
    /// a lockfile of its own: part of the enclosing package.
    Nested,
    /// The root of a monorepo (`workspaces` or `pnpm-workspace.yaml`).
    WorkspaceRoot,
}

/// The publish intent of one manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Publish(Reach),
    NotPublished(NotPublished),
}

impl Intent {
    /// Whether its maintainers would publish it.
    #[must_use]
    pub fn would_publish(&self) -> bool {
        matches!(self, Intent::Publish(_))
    }

    /// Whether npm reads it as part of a project (root or workspace member),
    /// as opposed to a fixture, template or example found by walking.
    #[must_use]
    pub fn is_project_manifest(&self) -> bool {
        !matches!(
            self,
            Intent::NotPublished(
                NotPublished::Fixture { .. } | NotPublished::Template | NotPublished::Nested
            )
        )
    }
}

/// Folder names whose contents are test data, templates or examples, not
/// packages anyone publishes.
pub const FIXTURE_FOLDERS: &[&str] = &[
    "__fixtures__",
    "__mocks__",
    "__snapshots__",
    "__tests__",
    "bench",
    "benchmark",
    "benchmarks",
    "boilerplate",
    "boilerplates",
    "demo",
    "demos",
    "e2e",
    "example",
    "examples",
    "fixture",
    "fixtures",
    "mocks",
    "playground",
    "playgrounds",
    "sample",
    "samples",
    "sandbox",
    "sandboxes",
    "scaffold",
    "scaffolds",
    "starter",
    "starters",
    "template",
    "templates",
    "test",
    "test-data",
    "testdata",
    "tests",
];

/// Whether a package name is a template placeholder.
#[must_use]
pub fn is_template_name(name: &str) -> bool {
    name.contains("{{") || name.contains("<%") || name.contains("${")
}

/// Answers publish-intent questions, caching workspace maps per root.
#[derive(Debug, Default)]
pub struct PublishIndex {
    /// Where `check` runs: outside a git repository, fixture folders are
    /// looked for below it only.
    base: Option<PathBuf>,
    /// Folders the user named (and `base`): a folder named on purpose is a
    /// project, so fixture folders are looked for below it only.
    roots: Vec<PathBuf>,
    /// workspace root → its member folders (None: not a workspace root).
    members: Mutex<HashMap<PathBuf, Option<Arc<HashSet<PathBuf>>>>>,
    /// folder → whether it holds `.git` (asked once per folder per run).
    git: Mutex<HashMap<PathBuf, bool>>,
    /// folder → the package-manager evidence in it.
    evidence: Mutex<HashMap<PathBuf, Option<super::Detected>>>,
}

impl PublishIndex {
    #[must_use]
    pub fn new() -> PublishIndex {
        PublishIndex::default()
    }

    /// An index for a run in `base`.
    #[must_use]
    pub fn with_base(base: &Path) -> PublishIndex {
        PublishIndex {
            base: Some(std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf())),
            ..PublishIndex::default()
        }
    }

    /// An index for a run in `base` over the folders the user named.
    #[must_use]
    pub fn with_roots(base: &Path, named: &[PathBuf]) -> PublishIndex {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let base = canon(base);
        let mut roots: Vec<PathBuf> = named
            .iter()
            .map(|p| canon(&base.join(p)))
            .filter(|p| p.is_dir())
            .collect();
        roots.push(base.clone());
        PublishIndex {
            base: Some(base),
            roots,
            ..PublishIndex::default()
        }
    }

    /// Whether `manifest` would be published (see the module docs).
    #[must_use]
    pub fn publish_intent(&self, manifest: &Manifest) -> Intent {
        let Some(value) = manifest.value.as_ref().filter(|v| v.is_object()) else {
            return Intent::NotPublished(NotPublished::Unreadable);
        };
        let name = value.get("name").and_then(|n| n.as_str());
        if name.is_some_and(is_template_name) {
            return Intent::NotPublished(NotPublished::Template);
        }
        let dir = manifest_dir(&manifest.path);
        let reach = match self.reach(&dir) {
            Ok(reach) => reach,
            Err(folder) => return Intent::NotPublished(NotPublished::Fixture { folder }),
        };
        let top = repository_root(&dir).or_else(|| self.base.clone());
        if reach == Reach::ProjectRoot && is_nested(&dir, top.as_deref()) {
            return Intent::NotPublished(NotPublished::Nested);
        }
        if value
            .get("private")
            .is_some_and(crate::rules::support_manifest::json_truthy)
        {
            return Intent::NotPublished(NotPublished::Private);
        }
        if name.is_none() {
            return Intent::NotPublished(NotPublished::NoName);
        }
        if !value
            .get("version")
            .is_some_and(crate::rules::support_manifest::json_truthy)
        {
            return Intent::NotPublished(NotPublished::NoVersion);
        }
        let is_workspace_root =
            value.get("workspaces").is_some() || dir.join("pnpm-workspace.yaml").is_file();
        if is_workspace_root && value.get("publishConfig").is_none() {
            return Intent::NotPublished(NotPublished::WorkspaceRoot);
        }
        Intent::Publish(reach)
    }

    /// Whether `dir` is a workspace member or a project root outside
    /// fixture folders; Err names the fixture folder.
    pub fn reach(&self, dir: &Path) -> Result<Reach, String> {
        let top = self.repository_root(dir);
        for anc in dir.ancestors().skip(1) {
            if self.is_member(anc, dir) {
                return Ok(Reach::WorkspaceMember);
            }
            if Some(anc) == top.as_deref() {
                break;
            }
        }
        let top_or_base = top.as_deref().or(self.base.as_deref());
        // the deepest folder the user named (or runs in) that holds `dir`
        let anchor = self
            .roots
            .iter()
            .filter(|r| dir.starts_with(r) && top_or_base.is_none_or(|t| r.starts_with(t)))
            .max_by_key(|r| r.components().count())
            .map(PathBuf::as_path)
            .or(top_or_base);
        if let Some(folder) = fixture_folder(dir, anchor) {
            return Err(folder);
        }
        Ok(Reach::ProjectRoot)
    }

    fn is_member(&self, root: &Path, dir: &Path) -> bool {
        let cached = self.members.lock().ok().and_then(|c| c.get(root).cloned());
        let members = cached.unwrap_or_else(|| {
            let found = workspace_members(root).map(|m| Arc::new(m.into_iter().collect()));
            if let Ok(mut c) = self.members.lock() {
                c.insert(root.to_path_buf(), found.clone());
            }
            found
        });
        members.is_some_and(|m| m.contains(dir))
    }

    /// Whether `dir` holds `.git` (cached).
    fn has_git(&self, dir: &Path) -> bool {
        if let Some(known) = self.git.lock().ok().and_then(|c| c.get(dir).copied()) {
            return known;
        }
        let found = dir.join(".git").exists();
        if let Ok(mut c) = self.git.lock() {
            c.insert(dir.to_path_buf(), found);
        }
        found
    }

    /// [`repository_root`] through the run's cache.
    #[must_use]
    pub fn repository_root(&self, dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .find(|d| self.has_git(d))
            .map(Path::to_path_buf)
    }

    /// [`super::detect`] through the run's cache: each folder's evidence
    /// is looked at once per run, not once per checked folder below it.
    #[must_use]
    pub fn package_manager(&self, dir: &Path) -> super::Detected {
        for d in dir.ancestors() {
            let cached = self.evidence.lock().ok().and_then(|c| c.get(d).cloned());
            let found = cached.unwrap_or_else(|| {
                let found = super::package_manager::detect_in(d);
                if let Ok(mut c) = self.evidence.lock() {
                    c.insert(d.to_path_buf(), found.clone());
                }
                found
            });
            if let Some(found) = found {
                return found;
            }
            if self.has_git(d) {
                break;
            }
        }
        super::Detected::fallback()
    }
}

/// Lockfiles and workspace files that make a folder a project of its own.
const PROJECT_MARKERS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "yarn.lock",
    ".yarnrc.yml",
    "bun.lock",
    "bun.lockb",
];

/// Whether `dir` is inside another package's folder (an ancestor below the
/// repository root, or the root itself, has a `package.json`) and has no
/// lockfile of its own.
fn is_nested(dir: &Path, top: Option<&Path>) -> bool {
    if PROJECT_MARKERS.iter().any(|m| dir.join(m).is_file()) {
        return false;
    }
    for anc in dir.ancestors().skip(1) {
        if anc.join("package.json").is_file() {
            return true;
        }
        if Some(anc) == top || top.is_none() {
            break;
        }
    }
    false
}

/// The folder of a manifest, canonical when possible.
fn manifest_dir(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("/"));
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// The nearest ancestor (or `dir` itself) holding `.git`.
#[must_use]
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The first fixture folder between `top` (the repository root or the
/// checked folder; exclusive) and `dir` (inclusive).
fn fixture_folder(dir: &Path, top: Option<&Path>) -> Option<String> {
    let rel = match top {
        Some(t) => dir.strip_prefix(t).ok()?,
        None => dir,
    };
    rel.components().find_map(|c| {
        let name = c.as_os_str().to_str()?.to_ascii_lowercase();
        FIXTURE_FOLDERS
            .contains(&name.as_str())
            .then(|| c.as_os_str().to_string_lossy().into_owned())
    })
}

/// The member folders of the workspace rooted at `root`: npm/yarn/bun
/// `workspaces` (array or `{ packages }`), pnpm's `pnpm-workspace.yaml`
/// `packages`, or lerna's `lerna.json` `packages`, mapped with npm's
/// `mapWorkspaces` globbing.
fn workspace_members(root: &Path) -> Option<Vec<PathBuf>> {
    let mut patterns: Option<serde_json::Value> = None;
    if let Ok(pkg) = crate::manifest::read_package_json(root) {
        patterns = pkg.get("workspaces").cloned();
    }
    if patterns.is_none() {
        patterns = pnpm_workspace_packages(root).map(|p| {
            serde_json::Value::Array(p.into_iter().map(serde_json::Value::String).collect())
        });
    }
    if patterns.is_none() {
        // lerna without workspaces: `packages` in lerna.json
        patterns = super::read_small(&root.join("lerna.json"))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("packages").cloned());
    }
    let patterns = patterns?;
    let list = crate::manifest::workspaces::map_workspaces(root, &patterns).ok()?;
    Some(
        list.into_iter()
            .map(|(_, d)| std::fs::canonicalize(&d).unwrap_or(d))
            .collect(),
    )
}

/// `packages` of `<root>/pnpm-workspace.yaml`.
#[must_use]
pub fn pnpm_workspace_packages(root: &Path) -> Option<Vec<String>> {
    let text = super::read_small(&root.join("pnpm-workspace.yaml"))?;
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
    let list = doc.get("packages")?.as_sequence()?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

/// changesets' `"access"` (`public` / `restricted`) from the nearest
/// `.changeset/config.json` above `dir` (within the repository), with the
/// file it came from.
#[must_use]
pub fn changesets_access(dir: &Path) -> Option<(String, PathBuf)> {
    let top = repository_root(dir);
    for anc in dir.ancestors() {
        let path = anc.join(".changeset").join("config.json");
        if path.is_file() {
            let text = super::read_small(&path)?;
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            return json
                .get("access")
                .and_then(|a| a.as_str())
                .map(|a| (a.to_string(), path));
        }
        if Some(anc) == top.as_deref() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(path: &Path, text: &str) -> Manifest {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        Manifest::read(path.to_path_buf()).unwrap()
    }

    #[test]
    fn intents() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        let index = PublishIndex::new();
        let m = manifest(
            &root.join("package.json"),
            r#"{"name":"repo-root","scripts":{}}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::NotPublished(NotPublished::NoVersion)
        );
        let m = manifest(
            &root.join("package.json"),
            r#"{"name":"root","version":"1.0.0","workspaces":["packages/*"]}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::NotPublished(NotPublished::WorkspaceRoot)
        );
        let m = manifest(
            &root.join("packages/ui/elements/package.json"),
            r#"{"name":"@a/ui/elements","version":"1.0.0"}"#,
        );
        assert_eq!(
            PublishIndex::new().publish_intent(&m),
            Intent::NotPublished(NotPublished::Nested)
        );
        let m = manifest(
            &root.join("packages/test/package.json"),
            r#"{"name":"@a/test","version":"1.0.0"}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::Publish(Reach::WorkspaceMember)
        );
        let m = manifest(
            &root.join("test/fixtures/x/package.json"),
            r#"{"name":"x","version":"1"}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::NotPublished(NotPublished::Fixture {
                folder: "test".into()
            })
        );
        let m = manifest(
            &root.join("test/fixtures/y/package.json"),
            r#"{"name":"y"}"#,
        );
        assert!(!index.publish_intent(&m).is_project_manifest());
        let m = manifest(
            &root.join("gen/package.json"),
            r#"{"name":"{{projectName}}","version":"0.0.0"}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::NotPublished(NotPublished::Template)
        );
        let m = manifest(
            &root.join("package.json"),
            r#"{"name":"a","version":"1.0.0"}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::Publish(Reach::ProjectRoot)
        );
        let m = manifest(
            &root.join("package.json"),
            r#"{"name":"a","version":"1.0.0","private":true}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::NotPublished(NotPublished::Private)
        );
    }

    #[test]
    fn pnpm_members_and_changesets() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(
            root.join("pnpm-workspace.yaml"),
            "packages:\n  - 'examples/*'\n",
        )
        .unwrap();
        let index = PublishIndex::new();
        let m = manifest(
            &root.join("examples/a/package.json"),
            r#"{"name":"a","version":"1.0.0"}"#,
        );
        assert_eq!(
            index.publish_intent(&m),
            Intent::Publish(Reach::WorkspaceMember)
        );
        std::fs::create_dir(root.join(".changeset")).unwrap();
        std::fs::write(
            root.join(".changeset/config.json"),
            "{ \"access\": \"public\" }",
        )
        .unwrap();
        let (access, _) = changesets_access(&root.join("examples/a")).unwrap();
        assert_eq!(access, "public");
    }
}
