//! Rule fixtures: `fixtures/rules/<rule>/{ok,err}-<case>/`, each laid out
//! like a scenario (docs/scenarios.md: `project/`, `home/.npmrc`,
//! `prefix/etc/npmrc`, `npm/npmrc`, optional `scenario.json` with `env`,
//! `argv`, `cwd` and `check: {paths, all_layers}`).
//!
//! `check` runs in-process with only that rule enabled. An `ok-*` case must
//! produce no diagnostic of the rule; an `err-*` case at least one, and its
//! rendered human output must equal `snapshot.txt` beside it
//! (`UPDATE_SNAPSHOTS=1 cargo test --test rules` rewrites them).

mod support;

use npmrc_doctor::check::settings::{Level, Settings};
use npmrc_doctor::check::{CheckOptions, run};
use npmrc_doctor::config::LoadOptions;
use npmrc_doctor::env::Env;
use npmrc_doctor::report::{Format, write};
use npmrc_doctor::rules::ALL;
use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    support::repo_root().join("fixtures").join("rules")
}

/// Runs one case; returns the rendered output and the number of findings
/// of `rule`.
fn run_case(rule: &str, case_dir: &Path) -> Result<(String, usize), String> {
    let scenario = support::load_scenario_or_default(case_dir, true)?;
    let prepared = support::prepare(&scenario)?;
    let vars: Vec<(String, String)> = support::build_env(&scenario, &prepared)
        .into_iter()
        .collect();
    let env = Env::new(vars, prepared.cwd.clone());
    let mut settings = Settings::default();
    for r in ALL {
        let level = if r.name == rule {
            Level::On(r.default_severity)
        } else {
            Level::Off
        };
        settings.set(r.name, level)?;
    }
    let check = scenario.spec.check.clone().unwrap_or_default();
    let options = CheckOptions {
        paths: check.paths.iter().map(PathBuf::from).collect(),
        include_node_modules: false,
        all_layers: check.all_layers,
        load: LoadOptions {
            npm_dir: Some(prepared.root.join("npm")),
            argv: support::build_argv(&scenario, &prepared),
            cache: None,
        },
        settings,
        excludes: Default::default(),
        discover_settings: None,
        overlay: None,
    };
    let result = run(&options, &env);
    let count = result.diagnostics.iter().filter(|d| d.rule == rule).count();
    let mut out = Vec::new();
    write(Format::Human, &result, &prepared.root, false, &mut out)
        .map_err(|e| format!("render: {e}"))?;
    let text = String::from_utf8_lossy(&out).replace(&prepared.root_str(), "{root}");
    Ok((text, count))
}

#[test]
fn every_rule_has_ok_and_err_fixtures() {
    let mut problems = Vec::new();
    for rule in ALL {
        let dir = rules_dir().join(rule.name);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !cases.iter().any(|c| c.starts_with("ok-")) {
            problems.push(format!("{}: no ok-* fixture", rule.name));
        }
        if !cases.iter().any(|c| c.starts_with("err-")) {
            problems.push(format!("{}: no err-* fixture", rule.name));
        }
    }
    if let Ok(rd) = std::fs::read_dir(rules_dir()) {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !ALL.iter().any(|r| r.name == name) {
                problems.push(format!("fixtures/rules/{name}: not a rule"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_fixtures() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in ALL {
        let Ok(rd) = std::fs::read_dir(rules_dir().join(rule.name)) else {
            continue;
        };
        let mut cases: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        cases.sort();
        for case in cases {
            let name = case
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let label = format!("{}/{name}", rule.name);
            let (text, count) = match run_case(rule.name, &case) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{label}: {e}"));
                    continue;
                }
            };
            ran += 1;
            if name.starts_with("ok-") {
                if count != 0 {
                    failures.push(format!("{label}: expected no finding, got:\n{text}"));
                }
                continue;
            }
            if count == 0 {
                failures.push(format!("{label}: expected a finding, got none:\n{text}"));
                continue;
            }
            let snapshot = case.join("snapshot.txt");
            if update {
                if let Err(e) = std::fs::write(&snapshot, &text) {
                    failures.push(format!("{label}: {e}"));
                }
                continue;
            }
            match std::fs::read_to_string(&snapshot) {
                Ok(expected) if expected == text => {}
                Ok(expected) => failures.push(format!(
                    "{label}: output differs from snapshot.txt (UPDATE_SNAPSHOTS=1 to accept)\n--- expected\n{expected}\n--- got\n{text}"
                )),
                Err(_) => failures.push(format!(
                    "{label}: no snapshot.txt (run UPDATE_SNAPSHOTS=1 cargo test --test rules)\n{text}"
                )),
            }
        }
    }
    assert!(ran > 0, "no rule fixture ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
