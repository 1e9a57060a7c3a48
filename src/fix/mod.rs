//! `check --fix` and `check --diff`: applies the edits the rules compute.
//!
//! Edits are byte ranges of the file's text, so everything outside them
//! (comments, blank lines, CRLF or LF, a BOM, quoting, JSON indentation and
//! key order) stays byte for byte. One pass runs the check (seeing the
//! files as fixed so far, through [`CheckOptions::overlay`]), takes every
//! applicable fix in a deterministic order and applies those that do not
//! touch an edit already taken; the next pass sees the result. Passes
//! repeat until no fix applies (at most [`MAX_PASSES`]). Only then are
//! files written ([`write`]), each atomically.
//!
//! A file is fixed only when npm reads it for the checked project (a
//! project-layer `.npmrc` or a `package.json`; user, global and builtin
//! files with `--all-layers`) and its bytes are valid UTF-8 (else a
//! rewrite could not keep them).

mod write;

pub use write::write_atomic;

use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::check::{CheckOptions, CheckRun};
use crate::env::Env;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Passes before the loop gives up (each pass applies every fix that does
/// not overlap another, so real files converge in two or three).
pub const MAX_PASSES: usize = 10;

/// The result of fixing in memory.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Changed files: the text on disk and the fixed text.
    pub changed: BTreeMap<PathBuf, (String, String)>,
    /// Fixes applied, over all passes.
    pub fixed: usize,
    /// Whether the loop reached a state with no applicable fix.
    pub converged: bool,
    /// Files with fixes that were not applied, and why.
    pub skipped: BTreeMap<PathBuf, String>,
    /// The check over the fixed state: what remains.
    pub remaining: CheckRun,
}

/// Whether a fix of this applicability is applied.
#[must_use]
pub fn wanted(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Runs the check and applies fixes in memory until nothing changes.
#[must_use]
pub fn fix(options: &CheckOptions, env: &Env, unsafe_fixes: bool) -> Outcome {
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut originals: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut outcome = Outcome::default();
    for _ in 0..MAX_PASSES {
        let mut opts = options.clone();
        opts.overlay = Some(Arc::new(texts.clone()));
        let run = crate::check::run(&opts, env);
        let mut candidates: Vec<&Fix> = Vec::new();
        for d in &run.diagnostics {
            let Some(f) = d.fix.as_ref().filter(|f| wanted(f, unsafe_fixes)) else {
                continue;
            };
            if let Some(why) = blocked(f, &run, &mut originals) {
                outcome.skipped.insert(d.primary.location.file.clone(), why);
                continue;
            }
            candidates.push(f);
        }
        let mut applied = 0;
        for (file, fixes) in by_file(&candidates) {
            let current = texts
                .get(&file)
                .or_else(|| originals.get(&file))
                .cloned()
                .unwrap_or_default();
            let (next, n) = apply(&current, &fixes);
            if n > 0 && next != current {
                texts.insert(file, next);
                applied += n;
            }
        }
        if applied == 0 {
            outcome.converged = true;
            outcome.remaining = run;
            break;
        }
        outcome.fixed += applied;
        outcome.remaining = run;
    }
    if !outcome.converged {
        // report what is left as the engine sees the last state
        let mut opts = options.clone();
        opts.overlay = Some(Arc::new(texts.clone()));
        outcome.remaining = crate::check::run(&opts, env);
    }
    for (path, text) in texts {
        let original = originals.remove(&path).unwrap_or_default();
        if original != text {
            outcome.changed.insert(path, (original, text));
        }
    }
    outcome
}

/// Why `fix` cannot be applied, if it cannot; reads (once) the original
/// text of each file it edits.
fn blocked(fix: &Fix, run: &CheckRun, originals: &mut BTreeMap<PathBuf, String>) -> Option<String> {
    for e in &fix.edits {
        let file = &e.location.file;
        if !run.npm_reads.contains(file) {
            return Some(
                "not fixed: npm does not read this file for the checked project (user, global and builtin config files are fixed only with --all-layers)".into(),
            );
        }
        if !originals.contains_key(file) {
            match crate::fsread::read_input(file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(t) => {
                        originals.insert(file.clone(), t);
                    }
                    Err(_) => {
                        return Some(
                            "not fixed: the file is not valid UTF-8, so a rewrite could not keep its bytes".into(),
                        );
                    }
                },
                Err(e) => return Some(format!("not fixed: cannot read the file: {e}")),
            }
        }
    }
    None
}

/// Groups fixes by the file of their first edit (a fix edits one file;
/// one spanning several is kept with its first file and applied only if
/// all its edits are in that file).
fn by_file<'a>(fixes: &[&'a Fix]) -> BTreeMap<PathBuf, Vec<&'a Fix>> {
    let mut out: BTreeMap<PathBuf, Vec<&'a Fix>> = BTreeMap::new();
    for f in fixes {
        if let Some(first) = f.edits.first() {
            let file = &first.location.file;
            if f.edits.iter().all(|e| &e.location.file == file) {
                out.entry(file.clone()).or_default().push(f);
            }
        }
    }
    out
}

/// Applies the fixes that do not conflict, in a deterministic order (by
/// the start of their first edit, then their edits, then their title).
/// A fix is applied whole or not at all; it conflicts with an edit already
/// taken when their ranges overlap or touch. Returns the new text and the
/// number of fixes applied.
#[must_use]
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut order: Vec<&Fix> = fixes.to_vec();
    order.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    order.dedup_by(|a, b| a.edits == b.edits);
    let mut taken: Vec<&Edit> = Vec::new();
    let mut count = 0;
    for f in order {
        if f.edits.is_empty() || !f.edits.iter().all(|e| valid(text, &e.location.span)) {
            continue;
        }
        let clash = |a: &Range<usize>, b: &Range<usize>| a.start <= b.end && b.start <= a.end;
        let internal = f.edits.iter().enumerate().any(|(i, a)| {
            f.edits
                .iter()
                .skip(i + 1)
                .any(|b| clash(&a.location.span, &b.location.span))
        });
        if internal
            || f.edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|t| clash(&e.location.span, &t.location.span))
            })
        {
            continue;
        }
        taken.extend(f.edits.iter());
        count += 1;
    }
    taken.sort_by_key(|e| e.location.span.start);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in taken {
        out.push_str(&text[last..e.location.span.start]);
        out.push_str(&e.replacement);
        last = e.location.span.end;
    }
    out.push_str(&text[last..]);
    (out, count)
}

fn sort_key(f: &Fix) -> (usize, usize, Vec<(usize, usize, &str)>, &str) {
    let first = f.edits.first().map_or(0..0, |e| e.location.span.clone());
    (
        first.start,
        first.end,
        f.edits
            .iter()
            .map(|e| {
                (
                    e.location.span.start,
                    e.location.span.end,
                    e.replacement.as_str(),
                )
            })
            .collect(),
        f.title.as_str(),
    )
}

fn valid(text: &str, span: &Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// A fix's edits for output: `(file, start, end, replacement)` with the
/// replacement masked as the file's secrets are masked in snippets.
#[must_use]
pub fn masked_edits(d: &Diagnostic, sources: &BTreeMap<PathBuf, String>) -> Vec<MaskedEdit> {
    let Some(fix) = &d.fix else {
        return Vec::new();
    };
    fix.edits
        .iter()
        .map(|e| {
            let span = e.location.span.clone();
            let replacement = sources
                .get(&e.location.file)
                .filter(|t| valid(t, &span))
                .and_then(|t| {
                    // the edited lines with the line before them (a wrapped
                    // credential continues the line above): masking only
                    // this window keeps output linear in findings × line
                    let line_start = t[..span.start].rfind('\n').unwrap_or(0);
                    let from = t[..line_start].rfind('\n').map_or(0, |p| p + 1);
                    let to = t[span.end..].find('\n').map_or(t.len(), |p| span.end + p);
                    let mut window = String::with_capacity(to - from + e.replacement.len());
                    window.push_str(&t[from..span.start]);
                    window.push_str(&e.replacement);
                    window.push_str(&t[span.end..to]);
                    let masked = crate::secret::mask_source(&e.location.file, &window);
                    let at = span.start - from;
                    masked.get(at..at + e.replacement.len()).map(str::to_string)
                })
                .unwrap_or_else(|| crate::secret::redact_text(&e.replacement));
            MaskedEdit {
                file: e.location.file.clone(),
                span,
                replacement,
            }
        })
        .collect()
}

/// An edit as output shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedEdit {
    pub file: PathBuf,
    pub span: Range<usize>,
    pub replacement: String,
}

/// A unified diff of one file's change, secrets masked on both sides.
#[must_use]
pub fn diff(path: &Path, shown: &str, before: &str, after: &str) -> String {
    let old = crate::secret::mask_source(path, before);
    let new = crate::secret::mask_source(path, after);
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .missing_newline_hint(true)
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::diagnostic::Location;

    fn fix(edits: &[(Range<usize>, &str)]) -> Fix {
        Fix {
            title: "t".into(),
            edits: edits
                .iter()
                .map(|(s, r)| Edit {
                    location: Location {
                        file: PathBuf::from("f"),
                        span: s.clone(),
                    },
                    replacement: (*r).to_string(),
                })
                .collect(),
            applicability: Applicability::Safe,
        }
    }

    #[test]
    fn applies_non_overlapping_edits_and_keeps_every_other_byte() {
        let text = "\u{feff}a=1\r\n# c\r\n\r\nb=2\r\n";
        let a = fix(&[(5..6, "x")]);
        let b = fix(&[(17..18, "y")]);
        let (out, n) = apply(text, &[&b, &a]);
        assert_eq!(n, 2);
        assert_eq!(out, "\u{feff}a=x\r\n# c\r\n\r\nb=y\r\n");
    }

    #[test]
    fn overlapping_fixes_resolve_by_position_whole_fix_or_nothing() {
        let text = "0123456789";
        let first = fix(&[(2..4, "A")]);
        let clash = fix(&[(3..5, "B"), (8..9, "C")]);
        let touching = fix(&[(4..4, "D")]);
        let later = fix(&[(6..7, "E")]);
        for order in [
            vec![&first, &clash, &touching, &later],
            vec![&later, &touching, &clash, &first],
        ] {
            let (out, n) = apply(text, &order);
            assert_eq!((out.as_str(), n), ("01A45E789", 2));
        }
    }

    #[test]
    fn out_of_range_or_split_character_edits_are_dropped() {
        let text = "é=1";
        let (out, n) = apply(text, &[&fix(&[(1..2, "")]), &fix(&[(2..9, "")])]);
        assert_eq!((out.as_str(), n), ("é=1", 0));
    }

    #[test]
    fn output_edits_mask_secrets_in_replacements() {
        let path = PathBuf::from("f");
        let text = "//h/:_authToken=x\n";
        let mut sources = BTreeMap::new();
        sources.insert(path.clone(), text.to_string());
        let token = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
        let d = Diagnostic::new("r", path, 16..17, "m").fix(fix(&[(16..17, token)]));
        let edits = masked_edits(&d, &sources);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].span, 16..17);
        assert_eq!(edits[0].replacement.len(), token.len());
        assert!(!edits[0].replacement.contains("abcdef"), "{edits:?}");
    }

    #[test]
    fn diff_masks_secrets() {
        let before = "//h/:_authToken=abcdef123456\nregistry=https://h\n";
        let after = "//h/:_authToken=abcdef123456\nregistry=https://h/\n";
        let d = diff(Path::new(".npmrc"), ".npmrc", before, after);
        assert!(!d.contains("abcdef"), "{d}");
        assert!(d.contains("+registry=https://h/"), "{d}");
        assert!(d.starts_with("--- a/.npmrc\n+++ b/.npmrc\n"), "{d}");
    }
}
