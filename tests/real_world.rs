//! Precision on real repositories: `fixtures/real-world/<owner>-<repo>/`
//! holds the configuration files of a public repository (`.npmrc*`,
//! `package.json`, `pnpm-workspace.yaml`, `.yarnrc*`,
//! `.changeset/config.json`, `.gitignore` stored as `gitignore.txt`, lockfiles
//! as stubs that keep their kind; `SOURCE` names the repository and commit).
//!
//! Each is copied to a temporary folder that is the root of a (fake, so git
//! answers "unknown") repository and checked twice, as a CI job would: bare
//! `check` and `check .`. Every finding is compared with `expected.txt`
//! beside it, one line per finding: `<bare|dot> <E|W|I> <rule> <file>:<line>`,
//! followed by ` # <verdict>` — the hand review of the finding. The test
//! fails on any new or lost finding and on any finding not yet reviewed
//! (`# UNREVIEWED`). `UPDATE_EXPECTED=1 cargo test --test real_world`
//! rewrites the files, keeping the verdicts of findings that remain.
//! `fixtures/real-world/README.md` records the review.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use npmrc_doctor::check::{CheckOptions, run};
use npmrc_doctor::config::LoadOptions;
use npmrc_doctor::env::Env;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        let src = entry.path();
        if src.is_dir() {
            copy_tree(&src, &to.join(&name));
        } else if name == "gitignore.txt" {
            fs::copy(&src, to.join(".gitignore")).expect("copy");
        } else if name != "expected.txt" && name != "SOURCE" {
            fs::copy(&src, to.join(&name)).expect("copy");
        }
    }
}

/// The findings of bare `check` and `check .` in a copy of `case`.
fn findings(case: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = tmp.path().canonicalize().expect("canonicalize");
    let root = base.join("repo");
    copy_tree(case, &root);
    // a repository root git itself cannot read: publish intent sees the
    // repository, git status is "unknown" on every machine
    fs::write(
        root.join(".git"),
        "gitdir: /nonexistent/npmrc-doctor-fixture\n",
    )
    .expect("write");
    let home = base.join("home");
    fs::create_dir_all(&home).expect("mkdir");
    let vars = vec![
        ("HOME".to_string(), home.display().to_string()),
        (
            "PREFIX".to_string(),
            base.join("prefix").display().to_string(),
        ),
    ];
    let mut out = Vec::new();
    for (mode, paths) in [("bare", vec![]), ("dot", vec![PathBuf::from(".")])] {
        let options = CheckOptions {
            paths,
            load: LoadOptions {
                npm_dir: Some(base.join("npm")),
                argv: Vec::new(),
                cache: None,
            },
            ..CheckOptions::default()
        };
        let result = run(&options, &Env::new(vars.clone(), root.clone()));
        for d in &result.diagnostics {
            let file = &d.primary.location.file;
            let text = result.sources.get(file).map_or("", String::as_str);
            let (line, _) = npmrc_doctor::util::line_col(text, d.primary.location.span.start);
            let rel = file.strip_prefix(&root).unwrap_or(file);
            let sev = match d.severity.name() {
                "error" => "E",
                "warn" => "W",
                _ => "I",
            };
            out.push(format!("{mode} {sev} {} {}:{line}", d.rule, rel.display()));
        }
    }
    out.sort();
    out
}

/// `expected.txt`: finding → verdict.
fn read_expected(path: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(" # ") {
            Some((f, v)) => (f.trim().to_string(), v.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn real_world_findings_are_the_reviewed_ones() {
    let dir = support::repo_root().join("fixtures").join("real-world");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixtures/real-world")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("SOURCE").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected at least 20 real repositories, found {}",
        cases.len()
    );
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let got = findings(case);
        let expected_path = case.join("expected.txt");
        let expected = read_expected(&expected_path);
        if update {
            let mut text =
                String::from("# <bare|dot> <severity> <rule> <file>:<line> # <review verdict>\n");
            for f in &got {
                let verdict = expected
                    .get(f)
                    .filter(|v| !v.is_empty())
                    .map_or("UNREVIEWED", String::as_str);
                text.push_str(&format!("{f} # {verdict}\n"));
            }
            fs::write(&expected_path, text).expect("write expected.txt");
            continue;
        }
        let new: Vec<&String> = got.iter().filter(|f| !expected.contains_key(*f)).collect();
        let lost: Vec<&String> = expected.keys().filter(|f| !got.contains(f)).collect();
        let unreviewed: Vec<&String> = expected
            .iter()
            .filter(|(_, v)| v.is_empty() || v.as_str() == "UNREVIEWED")
            .map(|(f, _)| f)
            .collect();
        if !new.is_empty() || !lost.is_empty() || !unreviewed.is_empty() {
            failures.push(format!(
                "{name}: new findings {new:#?}\nlost findings {lost:#?}\nunreviewed {unreviewed:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "real-world findings changed (review them, then UPDATE_EXPECTED=1 cargo test --test real_world):\n{}",
        failures.join("\n")
    );
}
