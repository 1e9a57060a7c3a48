//! Differential test of `npmrc-doctor config --json` against npm's own
//! `@npmcli/config` (the oracle `tests/oracle/config.js`), over every
//! `fixtures/scenarios/config-*` scenario. See docs/scenarios.md.
//!
//! Two comparisons per scenario:
//! 1. oracle (live npm) vs `expected.json`: a difference means **npm
//!    changed** (or the fixture did); regenerate with
//!    `UPDATE_EXPECTED=1 cargo test --test config_differential`.
//! 2. oracle vs npmrc-doctor on the compared fields: a difference is **our
//!    bug**.
//!
//! All mismatches of all scenarios are collected and reported at once.

mod support;

use serde_json::Value;
use std::fmt::Write as _;
use support::{
    Scenario, Toolchain, comparable, json_diff, list_scenarios, normalise, prepare, pretty,
    replacements, repo_root, run_oracle, run_ours, running_as_root, toolchain,
};

/// What went wrong in one scenario.
#[derive(Default)]
struct Report {
    npm_changed: Vec<String>,
    ours: Vec<String>,
}

#[test]
fn config_matches_npm() {
    let tools = match toolchain() {
        Ok(t) => t,
        Err(why) => {
            println!("SKIPPED: config differential test (node/npm not found): {why}");
            return;
        }
    };
    let scenarios = list_scenarios("config-").expect("list scenarios");
    assert!(!scenarios.is_empty(), "no config-* scenarios found");
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    let is_root = running_as_root();

    let mut failures = String::new();
    let mut skipped = Vec::new();
    let mut ours_failed = 0;
    let mut npm_changed = 0;
    for scenario in &scenarios {
        if scenario.spec.root_only && !is_root {
            skipped.push(scenario.name.clone());
            continue;
        }
        let report = check_scenario(&tools, scenario, update);
        if report.npm_changed.is_empty() && report.ours.is_empty() {
            continue;
        }
        let _ = writeln!(
            failures,
            "\n=== {} — {}",
            scenario.name, scenario.spec.description
        );
        if !report.npm_changed.is_empty() {
            npm_changed += 1;
            let _ = writeln!(
                failures,
                "  npm changed (live oracle vs expected.json; rerun with UPDATE_EXPECTED=1 if intended):"
            );
            for line in &report.npm_changed {
                let _ = writeln!(failures, "    {line}");
            }
        }
        if !report.ours.is_empty() {
            ours_failed += 1;
            let _ = writeln!(failures, "  npmrc-doctor differs from npm (oracle):");
            for line in &report.ours {
                let _ = writeln!(failures, "    {line}");
            }
        }
    }
    if !skipped.is_empty() {
        println!(
            "skipped (root_only, not running as root): {}",
            skipped.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ from npm, {} show npm changed:{failures}",
        ours_failed,
        scenarios.len(),
        npm_changed
    );
}

/// Runs the oracle and npmrc-doctor on one scenario and compares.
fn check_scenario(tools: &Toolchain, scenario: &Scenario, update: bool) -> Report {
    let mut report = Report::default();
    let prepared = match prepare(scenario) {
        Ok(p) => p,
        Err(e) => {
            report.ours.push(format!("cannot prepare scenario: {e}"));
            return report;
        }
    };
    let replacements = replacements(tools, scenario, &prepared);

    let oracle = match run_oracle(tools, scenario, &prepared) {
        Ok(doc) => normalise(&doc, &replacements),
        Err(e) => {
            report.npm_changed.push(format!("oracle failed: {e}"));
            return report;
        }
    };
    check_expected(scenario, &oracle, update, &mut report);

    match run_ours(tools, scenario, &prepared) {
        Ok(doc) => {
            let ours = normalise(&doc, &replacements);
            report
                .ours
                .extend(json_diff(&comparable(&oracle), &comparable(&ours)));
        }
        Err(e) => report.ours.push(e),
    }
    report
}

/// Compares the live oracle output with `expected.json` (or rewrites it).
fn check_expected(scenario: &Scenario, oracle: &Value, update: bool, report: &mut Report) {
    let path = scenario.expected_path();
    if update {
        if let Err(e) = std::fs::write(&path, pretty(oracle)) {
            report
                .npm_changed
                .push(format!("cannot write {}: {e}", path.display()));
        }
        return;
    }
    if scenario.spec.machine_dependent {
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .map_err(|e| {
            format!(
                "{}: {e} (generate it with UPDATE_EXPECTED=1)",
                path.display()
            )
        })
        .and_then(|t| {
            serde_json::from_str::<Value>(&t).map_err(|e| format!("{}: {e}", path.display()))
        });
    match expected {
        Ok(expected) => report.npm_changed.extend(json_diff(&expected, oracle)),
        Err(e) => report.npm_changed.push(e),
    }
}

/// The oracle's masking (`tests/oracle/lib/secret.js`) must match
/// `src/secret.rs` byte for byte.
#[test]
fn oracle_masking_matches_secret_rs() {
    let tools = match toolchain() {
        Ok(t) => t,
        Err(why) => {
            println!("SKIPPED: oracle masking test (node/npm not found): {why}");
            return;
        }
    };
    let samples: Vec<(&str, &str)> = vec![
        ("_authToken", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("//h/:_authToken", "glpat-xxxxxxxxxxxxxxxxxxxx"),
        ("//h/:_password", "c2VjcmV0"),
        ("//h/:_auth", "${NPM_AUTH}"),
        ("//h/:_auth", "${NPM_AUTH?}"),
        ("//h/:_auth", "${A}${B}"),
        ("_authtoken", ""),
        ("-authtoken", "npm_"),
        ("token", "héllo wörld 🎉"),
        ("registry", "https://u:p%40ss@h.example/x/ and http://a@b/"),
        ("proxy", "http://u:pw@proxy:8080\u{85}x://y:z@w"),
        ("registry", "no url"),
        ("//h/:username", "jo"),
    ];
    let script = format!(
        "const s = require({:?}); const input = JSON.parse(process.argv[1]);\
         process.stdout.write(JSON.stringify(input.map(([k, v]) => s.displayValue(k, v))))",
        repo_root()
            .join("tests/oracle/lib/secret.js")
            .to_string_lossy()
    );
    let input = serde_json::to_string(&samples).unwrap();
    let out = std::process::Command::new(&tools.node)
        .args(["-e", &script, &input])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let rust: Vec<String> = samples
        .iter()
        .map(|(k, v)| npmrc_doctor::secret::display_value(k, v))
        .collect();
    assert_eq!(js, rust);
}
