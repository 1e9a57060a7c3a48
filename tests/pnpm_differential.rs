//! pnpm's own code is the specification for what pnpm reads from `.npmrc`:
//! the test setup installs the `pnpm` package (the version
//! `src/project/pnpm_keys.rs` was generated from) into `target/test-deps/pnpm`
//! when it is missing, extracts its config types with
//! `tools/pnpm-config-keys.js`, and compares them with `PNPM_KEYS`; then it
//! checks that a pnpm project's `.npmrc` with pnpm's keys gets no
//! `unknown-key`. Without node/npm, or when the package cannot be installed,
//! it prints `SKIPPED: …` and passes.

mod support;

use npmrc_doctor::project::pnpm_keys::PNPM_KEYS;
use std::path::PathBuf;
use std::process::Command;

/// The pnpm release `PNPM_KEYS` was generated from.
const PNPM_VERSION: &str = "10.34.9";

fn pnpm_dir() -> Result<PathBuf, String> {
    let prefix = support::repo_root().join("target/test-deps/pnpm");
    let dir = prefix.join("node_modules/pnpm");
    let installed = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("version").and_then(|v| v.as_str()).map(String::from));
    if installed.as_deref() == Some(PNPM_VERSION) {
        return Ok(dir);
    }
    let npm = support::find_in_path("npm").ok_or("npm not found")?;
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    let out = Command::new(npm)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(format!("pnpm@{PNPM_VERSION}"))
        .output()
        .map_err(|e| format!("npm install: {e}"))?;
    if !out.status.success() || !dir.join("dist/pnpm.cjs").is_file() {
        return Err(format!(
            "npm install pnpm@{PNPM_VERSION} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(dir)
}

#[test]
fn pnpm_keys_match_pnpm() {
    let Some(node) = support::find_in_path("node") else {
        println!("SKIPPED: node not found; pnpm's config keys not compared");
        return;
    };
    let dir = match pnpm_dir() {
        Ok(d) => d,
        Err(e) => {
            println!("SKIPPED: cannot install pnpm: {e}");
            return;
        }
    };
    let out = Command::new(node)
        .arg(support::repo_root().join("tools/pnpm-config-keys.js"))
        .arg(&dir)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "pnpm-config-keys.js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let ours: Vec<String> = PNPM_KEYS.iter().map(|k| (*k).to_string()).collect();
    let missing: Vec<&String> = theirs.iter().filter(|k| !ours.contains(k)).collect();
    let extra: Vec<&String> = ours.iter().filter(|k| !theirs.contains(k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "PNPM_KEYS differs from pnpm {PNPM_VERSION}: missing {missing:?}, extra {extra:?} (regenerate with tools/pnpm-config-keys.js)"
    );
    assert!(
        theirs.len() > 200,
        "suspiciously few pnpm keys: {}",
        theirs.len()
    );
    let mut sorted = ours.clone();
    sorted.sort();
    assert_eq!(sorted, ours, "PNPM_KEYS must stay sorted (binary search)");
}

/// Every pnpm-only key (not an npm definition) in a pnpm project's `.npmrc`
/// gets no `unknown-key`; the same file in an npm project does.
#[test]
fn pnpm_project_npmrc_has_no_unknown_keys() {
    use npmrc_doctor::check::{CheckOptions, run};
    use npmrc_doctor::env::Env;
    let pnpm_only: Vec<&str> = PNPM_KEYS
        .iter()
        .copied()
        .filter(|k| npmrc_doctor::config::types::definition(k).is_none())
        .collect();
    assert!(pnpm_only.contains(&"auto-install-peers"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonicalize");
    let text: String = pnpm_only.iter().map(|k| format!("{k}=true\n")).collect();
    std::fs::write(root.join(".npmrc"), text).expect("write");
    std::fs::write(
        root.join("package.json"),
        "{\"name\":\"a\",\"private\":true}",
    )
    .expect("write");
    let count = |root: &std::path::Path| {
        let env = Env::new(
            vec![("HOME".into(), root.join("home").display().to_string())],
            root.to_path_buf(),
        );
        let options = CheckOptions {
            load: npmrc_doctor::config::LoadOptions {
                npm_dir: Some(root.join("npm")),
                ..Default::default()
            },
            ..CheckOptions::default()
        };
        run(&options, &env)
            .diagnostics
            .iter()
            .filter(|d| d.rule == "unknown-key")
            .count()
    };
    std::fs::write(root.join("package-lock.json"), "{}").expect("write");
    assert!(
        count(&root) > 0,
        "npm project: pnpm keys are unknown to npm"
    );
    std::fs::remove_file(root.join("package-lock.json")).expect("rm");
    std::fs::write(root.join("pnpm-lock.yaml"), "lockfileVersion: '9.0'\n").expect("write");
    assert_eq!(count(&root), 0, "pnpm project: pnpm's keys are known");
}
