//! npm itself on the rule fixtures: for the rules listed in [`CHECKED`],
//! every `fixtures/rules/<rule>/err-*` project must show the problem the rule
//! claims when npm 11 handles it (its own modules, or the real CLI against
//! an unreachable loopback registry: `tests/oracle/rules-npm.js`), and every
//! `ok-*` project must not — except the cases in [`OK_ALTHOUGH_NPM_FAILS`],
//! each with the reason the rule is right to stay silent.
//!
//! `tests/rules.rs` pins that the rule fires on exactly the `err-*` cases; this
//! test pins that npm does too. Without node/npm it prints `SKIPPED: …`.

mod support;

use std::path::PathBuf;

/// Rules whose claim is checked against npm here.
const CHECKED: &[&str] = &[
    "audit-sends-private-names",
    "dependency-in-dev-and-prod",
    "deprecated-key",
    "file-dependency-missing",
    "gitlab-endpoint",
    "misspelled-field",
    "npmrc-not-read",
    "orphan-credential",
    "private-not-boolean",
    "private-publish-config",
    "tag-is-semver-range",
    "tls-verification",
    "version-rewritten",
];

/// `ok-*` cases where npm does show the problem on this machine, and why the
/// rule is right to stay silent.
const OK_ALTHOUGH_NPM_FAILS: &[(&str, &str)] = &[
    (
        "tls-verification/ok-cafile-absolute",
        "an absolute cafile in a project .npmrc names a file of the machine it is meant for (a Docker image, a CI runner)",
    ),
    (
        "npmrc-not-read/ok-docker-folder",
        "the .npmrc beside a Dockerfile is copied into the image, where npm reads it",
    ),
    (
        "orphan-credential/ok-credential-only-no-evidence",
        "nothing says which scope the credential is for (CI may pass the mapping on the command line)",
    ),
    (
        "misspelled-field/ok-pnpm-publish-config",
        "npm warns about publishConfig.main/types/directory, but pnpm reads them: not misspellings",
    ),
];

fn cases(rule: &str) -> Vec<PathBuf> {
    let dir = support::repo_root().join("fixtures/rules").join(rule);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn npm_agrees_with_rule_fixtures() {
    let tools = match support::toolchain() {
        Ok(t) => t,
        Err(why) => {
            println!("SKIPPED: npm_agrees_with_rule_fixtures: {why}");
            return;
        }
    };
    let script = support::repo_root().join("tests/oracle/rules-npm.js");
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in CHECKED {
        for case in cases(rule) {
            let name = case
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let label = format!("{rule}/{name}");
            let result = (|| {
                let scenario = support::load_scenario_or_default(&case, true)?;
                let prepared = support::prepare(&scenario)?;
                let mut env = support::build_env(&scenario, &prepared);
                env.insert("RULES_NPM_CASE".to_string(), name.clone());
                // the rule's claims, for oracles that check them one by one
                let snapshot = case.join("snapshot.txt");
                if snapshot.is_file() {
                    env.insert(
                        "RULES_NPM_SNAPSHOT".to_string(),
                        snapshot.display().to_string(),
                    );
                }
                let args = vec![
                    script.display().to_string(),
                    "--npm-root".to_string(),
                    tools.npm_root.display().to_string(),
                    (*rule).to_string(),
                    prepared.root.join("project").display().to_string(),
                ];
                let out = support::run(&tools.node, &args, &env, &prepared.cwd)?;
                support::parse_json_output(&label, &out)
            })();
            let verdict = match result {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{label}: {e}"));
                    continue;
                }
            };
            if let Some(why) = verdict["skip"].as_str() {
                println!("SKIPPED: {label}: {why}");
                continue;
            }
            ran += 1;
            let problem = verdict["problem"].as_bool().unwrap_or(false);
            let evidence = verdict["evidence"].as_str().unwrap_or_default();
            let expected =
                name.starts_with("err-") || OK_ALTHOUGH_NPM_FAILS.iter().any(|(l, _)| *l == label);
            println!("{label}: problem={problem}: {evidence}");
            if problem != expected {
                failures.push(format!(
                    "{label}: npm {} the problem ({evidence})",
                    if problem { "shows" } else { "does not show" }
                ));
            }
        }
    }
    assert!(ran > 0, "no fixture ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
