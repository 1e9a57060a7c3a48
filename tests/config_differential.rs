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

use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::path::PathBuf;
use support::{
    Prepared, Replacement, Scenario, Toolchain, build_argv, build_env, json_diff, list_scenarios,
    normalise, parse_json_output, prepare, pretty, repo_root, run, running_as_root, toolchain,
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

/// `<root>` → `{root}`; when the scenario unsets `PREFIX`, npm derives the
/// global prefix from node's location, so that becomes `{node_prefix}`.
fn replacements(tools: &Toolchain, scenario: &Scenario, prepared: &Prepared) -> Vec<Replacement> {
    let mut out = vec![Replacement {
        from: prepared.root_str(),
        to: "{root}".to_string(),
    }];
    let node_prefix = tools.node_prefix.to_string_lossy().into_owned();
    if scenario.spec.unset.iter().any(|v| v == "PREFIX") && node_prefix != "/" {
        out.push(Replacement {
            from: node_prefix,
            to: "{node_prefix}".to_string(),
        });
    }
    out
}

fn oracle_script() -> PathBuf {
    repo_root().join("tests").join("oracle").join("config.js")
}

fn run_oracle(
    tools: &Toolchain,
    scenario: &Scenario,
    prepared: &Prepared,
) -> Result<Value, String> {
    let mut args = vec![
        oracle_script().to_string_lossy().into_owned(),
        "--npm-root".to_string(),
        tools.npm_root.to_string_lossy().into_owned(),
        "--npm-dir".to_string(),
        prepared.root.join("npm").to_string_lossy().into_owned(),
        "--".to_string(),
    ];
    args.extend(build_argv(scenario, prepared));
    let env = build_env(scenario, prepared);
    let out = run(&tools.node, &args, &env, &prepared.cwd)?;
    parse_json_output("oracle", &out)
}

fn run_ours(_tools: &Toolchain, scenario: &Scenario, prepared: &Prepared) -> Result<Value, String> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_npmrc-doctor"));
    let mut args = vec![
        "config".to_string(),
        "--json".to_string(),
        "--npm-dir".to_string(),
        prepared.root.join("npm").to_string_lossy().into_owned(),
        "--".to_string(),
    ];
    args.extend(build_argv(scenario, prepared));
    let env = build_env(scenario, prepared);
    let out = run(&bin, &args, &env, &prepared.cwd)?;
    parse_json_output("npmrc-doctor config --json", &out)
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

/// The fields the differential test compares (docs/scenarios.md,
/// "What is compared").
fn comparable(doc: &Value) -> Value {
    let warnings = sorted_warnings(doc);
    if let Some(load_error) = doc.get("load_error") {
        return json!({
            "load_error": pick(load_error, &["code", "message"]),
            "warnings": warnings,
        });
    }
    let files: Vec<Value> = doc
        .get("files")
        .and_then(Value::as_array)
        .map(|files| {
            files
                .iter()
                .map(|f| pick(f, &["layer", "path", "status", "reason"]))
                .collect()
        })
        .unwrap_or_default();
    let mut config = Map::new();
    if let Some(entries) = doc.get("config").and_then(Value::as_object) {
        for (key, entry) in entries {
            let mut e = pick(entry, &["value", "type", "layer"]);
            e["shadowed"] = Value::Array(shadowed_layers(entry));
            config.insert(key.clone(), e);
        }
    }
    let error = doc
        .get("validation")
        .and_then(|v| v.get("error"))
        .filter(|e| !e.is_null())
        .map_or(Value::Null, |e| pick(e, &["code", "message", "problems"]));
    json!({
        "files": files,
        "config": config,
        "validation": {"error": error},
        "warnings": warnings,
    })
}

/// The distinct layers of `shadowed`, in order, without the winning layer
/// (same-file duplicates are an npmrc-doctor extra that npm cannot see).
fn shadowed_layers(entry: &Value) -> Vec<Value> {
    let own = entry.get("layer");
    let mut out: Vec<Value> = Vec::new();
    for s in entry
        .get("shadowed")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let layer = s.get("layer").cloned().unwrap_or(Value::Null);
        if Some(&layer) != own && !out.contains(&layer) {
            out.push(layer);
        }
    }
    out
}

fn sorted_warnings(doc: &Value) -> Value {
    let mut w: Vec<String> = doc
        .get("warnings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        // npmrc-doctor never prints secrets, npm's warnings sometimes do:
        // compare both after the same redaction
        .map(|w| npmrc_doctor::secret::redact_text(&w))
        .collect();
    w.sort();
    json!(w)
}

/// The listed fields of an object (missing ones as null).
fn pick(obj: &Value, fields: &[&str]) -> Value {
    let mut out = Map::new();
    for f in fields {
        out.insert(
            (*f).to_string(),
            obj.get(*f).cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
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
