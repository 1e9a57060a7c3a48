//! Fixes that are right: every `err-*` fixture of every fixable rule
//! (`fixtures/rules/<rule>/`) and every file of the real-world corpus
//! (`../shared/corpus/real-world/`) is fixed with `--fix --unsafe-fixes`
//! (all rules at their defaults), written to disk, and then:
//!
//! - the loop converged and no applicable fix is left in a file npm reads
//!   (every fixable finding was fixed);
//! - a second fix changes nothing;
//! - safe fixes bring no new finding (compared as rule + the text at its
//!   span; `env-var-unset` is about the test's environment, not the file,
//!   and `KNOWN_REVEALED` lists findings a fix uncovers); unsafe fixes
//!   only in the files they changed (printed for review);
//! - npm's own `@npmcli/config` (the oracle `tests/oracle/config.js`)
//!   loads the same files before and after, and the only keys whose
//!   effective entry (value, type, layer, shadowed layers) changed are keys
//!   of the lines the fix changed; a `package.json` changes only inside
//!   `publishConfig`.
//!
//! Without node/npm the npm comparison prints `SKIPPED: …`; the other
//! checks still run.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

mod support;

use npmrc_doctor::check::settings::Settings;
use npmrc_doctor::check::{CheckOptions, CheckRun};
use npmrc_doctor::config::LoadOptions;
use npmrc_doctor::env::Env;
use npmrc_doctor::npmrc::lexer::{LineKind, lex};
use npmrc_doctor::rules::{ALL, FixAvailability};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use support::{Prepared, Scenario, Toolchain};

/// A scenario to fix (a temporary directory keeps corpus cases alive).
struct Case {
    label: String,
    scenario: Scenario,
    _tmp: Option<tempfile::TempDir>,
}

fn fixture_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for rule in ALL {
        if rule.fix == FixAvailability::None {
            continue;
        }
        let dir = support::repo_root().join("fixtures/rules").join(rule.name);
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("err-"))
            })
            .collect();
        cases.sort();
        for case in cases {
            let scenario = support::load_scenario_or_default(&case, true).unwrap();
            out.push(Case {
                label: format!("{}/{}", rule.name, scenario.name),
                scenario,
                _tmp: None,
            });
        }
    }
    out
}

fn corpus_cases() -> Result<Vec<Case>, String> {
    // `NPMRC_DOCTOR_CORPUS` points elsewhere (a worktree without `../shared`)
    let corpus = std::env::var_os("NPMRC_DOCTOR_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-world"),
        PathBuf::from,
    );
    let mut out = Vec::new();
    for (sub, name) in [("npmrc", ".npmrc"), ("package-json", "package.json")] {
        let dir = corpus.join(sub);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let tmp = tempfile::tempdir().unwrap();
            let project = tmp.path().join("project");
            std::fs::create_dir_all(&project).unwrap();
            std::fs::create_dir_all(tmp.path().join("home")).unwrap();
            std::fs::copy(&file, project.join(name)).unwrap();
            if name != "package.json" {
                std::fs::write(
                    project.join("package.json"),
                    "{\"name\": \"corpus-example\", \"version\": \"1.0.0\"}\n",
                )
                .unwrap();
            }
            let scenario = support::load_scenario_or_default(tmp.path(), true)?;
            out.push(Case {
                label: format!(
                    "corpus {sub}/{}",
                    file.file_name().unwrap().to_string_lossy()
                ),
                scenario,
                _tmp: Some(tmp),
            });
        }
    }
    Ok(out)
}

fn options(scenario: &Scenario, prepared: &Prepared) -> CheckOptions {
    let check = scenario.spec.check.clone().unwrap_or_default();
    CheckOptions {
        paths: check.paths.iter().map(PathBuf::from).collect(),
        include_node_modules: false,
        all_layers: check.all_layers,
        load: LoadOptions {
            npm_dir: Some(prepared.root.join("npm")),
            argv: support::build_argv(scenario, prepared),
            cache: None,
        },
        settings: Settings::default(),
        excludes: Default::default(),
        discover_settings: None,
        overlay: None,
    }
}

/// Each finding as (rule, file, text at its primary span).
fn findings(run: &CheckRun) -> Vec<(String, PathBuf, String)> {
    let mut out: Vec<_> = run
        .diagnostics
        .iter()
        .map(|d| {
            let text = run
                .sources
                .get(&d.primary.location.file)
                .and_then(|t| t.get(d.primary.location.span.clone()))
                .unwrap_or("")
                .to_string();
            (d.rule.to_string(), d.primary.location.file.clone(), text)
        })
        .collect();
    out.sort();
    out
}

/// Keys of the `.npmrc` lines a change added or removed. A changed
/// `[section]` header (or a line that was one) changes where every key
/// after it goes: those keys count too.
fn changed_keys(before: &str, after: &str) -> BTreeSet<String> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut keys = BTreeSet::new();
    let mut section_changed = false;
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Equal {
            continue;
        }
        for line in lex(change.value()) {
            match &line.kind {
                LineKind::Entry(e) => {
                    section_changed |= e.prop.trim_start_matches('\u{feff}').starts_with('[');
                    keys.insert(e.prop.clone());
                }
                LineKind::Section(s) => {
                    section_changed = true;
                    keys.insert(s.prop.clone());
                }
                _ => {}
            }
        }
    }
    if section_changed {
        for text in [before, after] {
            for line in lex(text) {
                if let LineKind::Entry(e) = &line.kind {
                    keys.insert(e.prop.clone());
                }
            }
        }
    }
    keys
}

/// Top-level members of a `package.json` that a changed line falls in,
/// on either side (a renamed member counts under both names).
fn changed_members(path: &Path, before: &str, after: &str) -> BTreeSet<String> {
    let ops = similar::TextDiff::from_lines(before, after).ops().to_vec();
    let mut out = BTreeSet::new();
    for (text, old_side) in [(before, true), (after, false)] {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        let at = |line: usize| starts.get(line).copied().unwrap_or(text.len());
        let ranges: Vec<std::ops::Range<usize>> = ops
            .iter()
            .filter(|op| op.tag() != similar::DiffTag::Equal)
            .map(|op| {
                let r = if old_side {
                    op.old_range()
                } else {
                    op.new_range()
                };
                // an insertion or deletion touches the line it is at
                at(r.start)..at(r.end.max(r.start + 1))
            })
            .collect();
        let manifest = npmrc_doctor::manifest::spanned::Manifest::from_bytes(
            path.to_path_buf(),
            text.as_bytes(),
        );
        for node in &manifest.nodes {
            let Some(name) = node.pointer.strip_prefix('/').filter(|n| !n.contains('/')) else {
                continue;
            };
            let start = node
                .key_span
                .as_ref()
                .map_or(node.value_span.start, |k| k.start);
            let end = node.value_span.end;
            if ranges.iter().any(|r| r.start < end && start < r.end) {
                out.insert(name.replace("~1", "/").replace("~0", "~"));
            }
        }
    }
    out
}

/// New findings a safe fix reveals rather than introduces: (case, rule).
const KNOWN_REVEALED: &[(&str, &str)] = &[
    // `//host:8080:username` without `/`: npm already uses it for installs,
    // but incomplete-basic-auth reads only slash-terminated keys, so the
    // missing `_password` shows only once the key has its `/`
    (
        "auth-key-trailing-slash/err-bare-host-crlf",
        "incomplete-basic-auth",
    ),
];

/// What one case got wrong (empty = right); whether npm was consulted.
fn check_case(case: &Case, tools: Option<&Toolchain>) -> (Vec<String>, bool) {
    let mut problems = Vec::new();
    let prepared = support::prepare(&case.scenario).unwrap();
    let vars: Vec<(String, String)> = support::build_env(&case.scenario, &prepared)
        .into_iter()
        .collect();
    let env = Env::new(vars, prepared.cwd.clone());
    let opts = options(&case.scenario, &prepared);
    let before_run = npmrc_doctor::check::run(&opts, &env);
    let oracle_before = tools.map(|t| support::run_oracle(t, &case.scenario, &prepared));
    let mut changed: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    // safe fixes first: no new finding at all; then the unsafe ones on
    // top: new findings only in the files they changed (an unsafe fix
    // changes what npm does with that file, and its doc says how)
    let mut previous = before_run;
    for unsafe_fixes in [false, true] {
        let outcome = npmrc_doctor::fix::fix(&opts, &env, unsafe_fixes);
        if !outcome.converged {
            problems.push("the fix loop did not converge".to_string());
        }
        for (path, (before, after)) in &outcome.changed {
            if let Err(e) = npmrc_doctor::fix::write_atomic(path, before, after) {
                problems.push(format!("{}: {e}", path.display()));
            }
            let first = changed.get(path).map_or(before, |(b, _)| b).clone();
            changed.insert(path.clone(), (first, after.clone()));
        }
        let mut old = findings(&previous);
        for f in findings(&outcome.remaining) {
            if let Some(i) = old.iter().position(|o| o == &f) {
                old.remove(i);
            } else if f.0 == "env-var-unset" {
                // a fact about the environment the test runs in: the fix
                // wrote `${NAME}` for `{$NAME}`, or made npm reach a
                // reference it skipped before (`_auth=${T}` at the top level)
                println!("{}: variable unset here: `{}`", case.label, f.2);
            } else if unsafe_fixes && outcome.changed.contains_key(&f.1) {
                println!("{}: after an unsafe fix: [{}] `{}`", case.label, f.0, f.2);
            } else if !KNOWN_REVEALED.contains(&(case.label.as_str(), f.0.as_str())) {
                problems.push(format!(
                    "new finding after the {} fixes: [{}] `{}`",
                    if unsafe_fixes { "unsafe" } else { "safe" },
                    f.0,
                    f.2
                ));
            }
        }
        previous = outcome.remaining;
    }
    if changed.is_empty() {
        return (problems, false);
    }
    // every applicable fix in a file npm reads was applied
    for d in &previous.diagnostics {
        let in_read_file = d.fix.as_ref().is_some_and(|f| {
            f.edits
                .iter()
                .all(|e| previous.npm_reads.contains(&e.location.file))
        });
        if in_read_file {
            problems.push(format!("left unfixed: [{}] {}", d.rule, d.message));
        }
    }
    // a second fix is a no-op
    let second = npmrc_doctor::fix::fix(&opts, &env, true);
    if !second.changed.is_empty() {
        problems.push(format!(
            "a second --fix changed {:?}",
            second.changed.keys().collect::<Vec<_>>()
        ));
    }
    // npm agrees: only the keys of changed lines change
    let Some(Ok(before_doc)) = oracle_before else {
        if let Some(Err(e)) = oracle_before {
            problems.push(format!("oracle before: {e}"));
        }
        return (problems, false);
    };
    let after_doc = match support::run_oracle(tools.unwrap(), &case.scenario, &prepared) {
        Ok(d) => d,
        Err(e) => {
            problems.push(format!("oracle after: {e}"));
            return (problems, true);
        }
    };
    let mut intended = BTreeSet::new();
    for (path, (before, after)) in &changed {
        if path.file_name().is_some_and(|n| n == "package.json") {
            let touched = changed_members(path, before, after);
            let parse = |t: &str| -> serde_json::Map<String, Value> {
                serde_json::from_str(t.trim_start_matches('\u{feff}')).unwrap_or_default()
            };
            let (b, a) = (parse(before), parse(after));
            let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for name in names {
                if b.get(name) != a.get(name) && !touched.contains(name) {
                    problems.push(format!(
                        "{}: `{name}` changed although no changed line is in it",
                        path.display()
                    ));
                }
            }
            continue;
        }
        intended.extend(changed_keys(before, after));
    }
    let (b, a) = (
        support::comparable(&before_doc),
        support::comparable(&after_doc),
    );
    if b.get("files") != a.get("files") {
        problems.push(format!(
            "npm loads other files after the fix: {:?} -> {:?}",
            b.get("files"),
            a.get("files")
        ));
    }
    let empty = serde_json::Map::new();
    let bc = b.get("config").and_then(Value::as_object).unwrap_or(&empty);
    let ac = a.get("config").and_then(Value::as_object).unwrap_or(&empty);
    let keys: BTreeSet<&String> = bc.keys().chain(ac.keys()).collect();
    for key in keys {
        if bc.get(key) != ac.get(key) && !intended.contains(key.as_str()) {
            problems.push(format!(
                "npm's `{key}` changed although no fixed line sets it: {:?} -> {:?} (changed lines set {intended:?})",
                bc.get(key),
                ac.get(key)
            ));
        }
    }
    (problems, true)
}

#[test]
fn fixes_are_lossless_idempotent_and_agree_with_npm() {
    let tools = match support::toolchain() {
        Ok(t) => Some(t),
        Err(why) => {
            println!("SKIPPED: the npm comparison of fixes (node/npm not found): {why}");
            None
        }
    };
    let mut cases = fixture_cases();
    match corpus_cases() {
        Ok(c) => cases.extend(c),
        Err(e) => println!("SKIPPED: the real-world corpus for fixes ({e})"),
    }
    let mut report = String::new();
    let (mut ran, mut compared) = (0, 0);
    for case in &cases {
        let (problems, with_npm) = check_case(case, tools.as_ref());
        ran += 1;
        compared += usize::from(with_npm);
        if !problems.is_empty() {
            let _ = writeln!(report, "{}:\n  {}", case.label, problems.join("\n  "));
        }
    }
    println!("fixed {ran} cases, {compared} of them changed and compared with npm");
    if tools.is_some() {
        assert!(compared > 20, "too few cases compared with npm: {compared}");
    }
    assert!(report.is_empty(), "{report}");
}
