//! What the CI report formats (SARIF, GitLab Code Quality, JUnit, GitHub
//! annotations) share: paths relative to the repository root, 1-based
//! positions, rule documentation links and fingerprints that survive line
//! moves.
//!
//! The repository root is the nearest folder at or above the working
//! directory (`-C DIR` included) holding `.git` (a folder, or a file in a
//! worktree or submodule), else the working directory itself: CI systems
//! resolve report paths against the checkout's root.

use crate::check::CheckRun;
use crate::check::diagnostic::Diagnostic;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The project's repository: rule documentation links point into it.
pub const REPOSITORY: &str = "https://github.com/npmrc-doctor/npmrc-doctor";

/// A rule's documentation page: `rules/<name>.md` on the default branch
/// (the same file `npmrc-doctor rules NAME` prints).
#[must_use]
pub fn rule_doc_url(rule: &str) -> String {
    format!("{REPOSITORY}/blob/main/rules/{rule}.md")
}

/// The repository root for `cwd`: the nearest ancestor with a `.git`
/// entry, else `cwd`.
#[must_use]
pub fn repo_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Where a finding's file is, as CI systems want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPath {
    /// Below the repository root: `/`-separated, no leading `./`.
    Relative(String),
    /// Elsewhere (the user or global `.npmrc` with `--all-layers`).
    Absolute(PathBuf),
}

impl ReportPath {
    /// `path` relative to `root` when below it.
    #[must_use]
    pub fn new(path: &Path, root: &Path) -> ReportPath {
        match path.strip_prefix(root) {
            Ok(rel) => {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                ReportPath::Relative(parts.join("/"))
            }
            Err(_) => ReportPath::Absolute(path.to_path_buf()),
        }
    }

    /// The path as text (`/`-separated when relative).
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            ReportPath::Relative(s) => s.clone(),
            ReportPath::Absolute(p) => p.display().to_string(),
        }
    }
}

/// 1-based (line, column in Unicode code points) of byte offsets, with one
/// line table per file: linear in the input however many findings a file
/// has (same answers as `util::line_col`).
#[derive(Debug, Default)]
pub struct Positions<'a> {
    lines: HashMap<&'a Path, Vec<usize>>,
}

impl<'a> Positions<'a> {
    /// The position of `offset` in `file` of `run`.
    pub fn line_col(&mut self, run: &'a CheckRun, file: &'a Path, offset: usize) -> (usize, usize) {
        let text = run.sources.get(file).map_or("", String::as_str);
        let starts = self.lines.entry(file).or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        let col = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}

/// One finding with everything the CI formats print.
#[derive(Debug)]
pub struct Finding<'a> {
    pub diagnostic: &'a Diagnostic,
    pub path: ReportPath,
    /// 1-based line and column (Unicode code points) of the span's start.
    pub start: (usize, usize),
    /// 1-based line and column just past the span's end.
    pub end: (usize, usize),
    /// Stable across line moves and unique in the run: see [`findings`].
    pub fingerprint: String,
}

/// The findings of `run` with repository-relative paths and fingerprints.
///
/// A fingerprint is the SHA-256 of the rule, the repository-relative path
/// and the finding's text (the primary span with secrets masked and
/// whitespace collapsed; the whole line when the span is empty), plus the
/// rank among findings with the same three (so two identical lines in one
/// file stay apart). Moving a line, or adding lines above it, keeps it;
/// editing the flagged text changes it.
#[must_use]
pub fn findings<'a>(run: &'a CheckRun, root: &Path) -> Vec<Finding<'a>> {
    let mut masked: HashMap<&Path, String> = HashMap::new();
    let mut positions = Positions::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    run.diagnostics
        .iter()
        .map(|d| {
            let file = d.primary.location.file.as_path();
            let raw = run.sources.get(file).map_or("", String::as_str);
            let text = masked
                .entry(file)
                .or_insert_with(|| crate::secret::mask_source(file, raw));
            let span = &d.primary.location.span;
            let start = positions.line_col(run, file, span.start);
            let end = positions.line_col(run, file, span.end);
            let path = ReportPath::new(file, root);
            let content = normalised_content(text, span);
            let mut hasher = Sha256::new();
            for part in [d.rule, &path.text(), &content] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
            let base = hex(&hasher.finalize());
            let rank = seen.entry(base.clone()).or_insert(0);
            *rank += 1;
            let fingerprint = if *rank == 1 {
                base
            } else {
                let mut h = Sha256::new();
                h.update(base.as_bytes());
                h.update(rank.to_string().as_bytes());
                hex(&h.finalize())
            };
            Finding {
                diagnostic: d,
                path,
                start,
                end,
                fingerprint,
            }
        })
        .collect()
}

/// The span's text (or its line when empty), whitespace collapsed.
fn normalised_content(text: &str, span: &std::ops::Range<usize>) -> String {
    let piece = text
        .get(span.start.min(text.len())..span.end.min(text.len()))
        .filter(|s| !s.trim().is_empty());
    let piece = piece.unwrap_or_else(|| {
        let at = span.start.min(text.len());
        let start = text
            .get(..at)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |p| p + 1);
        let end = text
            .get(at..)
            .and_then(|s| s.find('\n'))
            .map_or(text.len(), |p| at + p);
        text.get(start..end).unwrap_or("")
    });
    piece.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::diagnostic::Diagnostic;

    fn run_with(file: &str, text: &str, spans: &[std::ops::Range<usize>]) -> CheckRun {
        let mut run = CheckRun::default();
        run.sources.insert(PathBuf::from(file), text.to_string());
        for s in spans {
            run.diagnostics
                .push(Diagnostic::new("unknown-key", file, s.clone(), "m"));
        }
        run
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn fingerprint_survives_line_moves_and_separates_duplicates() {
        let a = run_with("/r/.npmrc", "foo=1\n", &[0..3]);
        let b = run_with("/r/.npmrc", "a=b\n\n  foo=1\n", &[7..10]);
        let fa = findings(&a, Path::new("/r"));
        let fb = findings(&b, Path::new("/r"));
        assert_eq!(fa[0].fingerprint, fb[0].fingerprint);
        assert_eq!(fb[0].start, (3, 3));
        let c = run_with("/r/.npmrc", "foo=1\nfoo=1\n", &[0..3, 6..9]);
        let fc = findings(&c, Path::new("/r"));
        assert_ne!(fc[0].fingerprint, fc[1].fingerprint);
        assert_eq!(fc[0].fingerprint, fa[0].fingerprint);
        let d = run_with("/r/sub/.npmrc", "foo=1\n", &[0..3]);
        assert_ne!(
            findings(&d, Path::new("/r"))[0].fingerprint,
            fa[0].fingerprint
        );
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn fingerprint_never_hashes_a_secret_in_clear() {
        // two different tokens on the flagged line: the masked text is the
        // same length, so the fingerprint does not depend on the token
        let t1 = "//r.example/:_authToken=npm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
        let t2 = "//r.example/:_authToken=npm_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n";
        let a = run_with("/r/.npmrc", t1, &[0..t1.len() - 1]);
        let b = run_with("/r/.npmrc", t2, &[0..t2.len() - 1]);
        assert_eq!(
            findings(&a, Path::new("/r"))[0].fingerprint,
            findings(&b, Path::new("/r"))[0].fingerprint
        );
    }

    #[test]
    fn positions_agree_with_line_col() {
        let text = "a=1\r\nü=é\n\n//x/:_authToken=t\n";
        let run = run_with("/r/.npmrc", text, &[]);
        let mut p = Positions::default();
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                p.line_col(&run, Path::new("/r/.npmrc"), offset),
                crate::util::line_col(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn paths_are_relative_to_the_root_with_slashes() {
        assert_eq!(
            ReportPath::new(Path::new("/r/a/b/.npmrc"), Path::new("/r")).text(),
            "a/b/.npmrc"
        );
        assert!(matches!(
            ReportPath::new(Path::new("/home/u/.npmrc"), Path::new("/r")),
            ReportPath::Absolute(_)
        ));
    }

    #[test]
    fn repo_root_is_the_nearest_git_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(repo_root(&sub), sub);
        std::fs::write(tmp.path().join(".git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(repo_root(&sub), tmp.path());
    }
}
