//! Differential tests for `npmrc-doctor why` (docs/why-oracle.md).
//!
//! For every `fixtures/scenarios/why-*` scenario:
//! 1. run the oracle (`tests/oracle/why.js`, npm's own code with the network
//!    replaced by a recorder) and compare it with `expected-why.json`
//!    (`UPDATE_EXPECTED=1` rewrites the file); a difference means the
//!    installed npm decides differently than when the file was written
//!    ("npm changed");
//! 2. if the binary implements `why`, compare `npmrc-doctor why --format json`
//!    with the oracle on the fields listed in docs/why-oracle.md
//!    (`support::why::compare`, shared with `tests/why_fuzz.rs`).
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use std::fs;
use support::why::{self as w, WhyRun};

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn why_scenarios_match_npm() {
    let scenarios = support::list_scenarios("why-").unwrap();
    assert!(
        scenarios.len() >= 60,
        "expected at least 60 why-* scenarios, found {}",
        scenarios.len()
    );
    let Some(node) = w::find_node() else {
        eprintln!("SKIPPED: why_differential: `node` not found on PATH (not a pass)");
        return;
    };
    let Some(npm) = w::npm_root() else {
        eprintln!("SKIPPED: why_differential: `npm root -g`/npm not found (not a pass)");
        return;
    };
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    let has_why = w::binary_has_why();
    // once the binary lists a `why` subcommand, a `why` that cannot be
    // compared is a failure, not a skip
    let require_binary =
        std::env::var_os("WHY_REQUIRE_BINARY").is_some_and(|v| v == "1") || w::binary_lists_why();
    if !has_why {
        eprintln!(
            "\n==================================================================\n\
             SKIPPED: why not implemented: `npmrc-doctor why --help` does not\n\
             describe a `why` command with `--url`. Only the oracle was checked\n\
             against expected-why.json; NOTHING of npmrc-doctor was compared.\n\
             Set WHY_REQUIRE_BINARY=1 to turn this skip into a failure.\n\
             ==================================================================\n"
        );
    }

    let mut npm_changed = Vec::new();
    let mut mismatches = Vec::new();
    let mut errors = Vec::new();
    for sc in &scenarios {
        let prepared = match support::prepare(sc) {
            Ok(p) => p,
            Err(e) => {
                errors.push(format!("{}: {e}", sc.name));
                continue;
            }
        };
        let why = sc.spec.why.as_ref();
        let run = WhyRun {
            root: prepared.root.clone(),
            cwd: prepared.cwd.clone(),
            env: support::build_env(sc, &prepared),
            specs: str_list(why.and_then(|w| w.get("specs"))),
            urls: str_list(why.and_then(|w| w.get("urls"))),
            argv: support::build_argv(sc, &prepared),
        };
        let oracle = match w::run_oracle(&node, &npm, &run) {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{}: oracle failed: {e}", sc.name));
                continue;
            }
        };
        let expected_path = sc.dir.join("expected-why.json");
        if update {
            let text = serde_json::to_string_pretty(&oracle).unwrap() + "\n";
            fs::write(&expected_path, text).unwrap();
        } else {
            match fs::read_to_string(&expected_path) {
                Ok(text) => {
                    let expected: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if expected != oracle {
                        npm_changed.push(format!(
                            "{}: npm changed: the live oracle differs from expected-why.json \
                             (re-run with UPDATE_EXPECTED=1 after reviewing)",
                            sc.name
                        ));
                    }
                }
                Err(_) => errors.push(format!(
                    "{}: expected-why.json missing (run with UPDATE_EXPECTED=1)",
                    sc.name
                )),
            }
        }
        if has_why {
            match w::run_binary(&run) {
                Ok(ours) => {
                    let diffs = w::compare(&oracle, &ours);
                    if !diffs.is_empty() {
                        mismatches.push(format!("{}:\n    {}", sc.name, diffs.join("\n    ")));
                    }
                }
                Err(e) => mismatches.push(format!("{}: npmrc-doctor why failed: {e}", sc.name)),
            }
        }
    }
    let mut report = Vec::new();
    if !errors.is_empty() {
        report.push(format!("errors:\n  {}", errors.join("\n  ")));
    }
    if !npm_changed.is_empty() {
        report.push(format!("npm changed:\n  {}", npm_changed.join("\n  ")));
    }
    if !mismatches.is_empty() {
        report.push(format!(
            "npmrc-doctor differs from npm:\n  {}",
            mismatches.join("\n  ")
        ));
    }
    if !has_why && require_binary {
        report.push("why not implemented (WHY_REQUIRE_BINARY=1)".to_string());
    }
    assert!(
        report.is_empty(),
        "{} scenarios:\n{}",
        scenarios.len(),
        report.join("\n")
    );
}
