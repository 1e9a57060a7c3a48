//! Which files `check` looks at and which findings count, end to end:
//! walking down from a folder that is not a project, `.gitignore`,
//! `--exclude` and the settings' `exclude`/`overrides`, suppression in
//! `package.json`, a missing path (exit 2), `hardcoded-token` worded by git
//! status, and the detected package manager in the outputs.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use assert_cmd::Command;
use std::path::PathBuf;

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("home")).unwrap();
        std::fs::create_dir_all(root.join("project")).unwrap();
        Sandbox { _tmp: tmp, root }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join("project").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }

    /// Runs `npmrc-doctor check ARGS --format json`: (exit code, findings as
    /// `rule file:line severity`, the JSON document).
    fn check(&self, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
        let out = Command::cargo_bin("npmrc-doctor")
            .unwrap()
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("PREFIX", self.root.join("prefix"))
            .current_dir(self.root.join("project"))
            .arg("check")
            .args(args)
            .args(["--format", "json", "--npm-dir"])
            .arg(self.root.join("npm"))
            .output()
            .unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        let findings: Vec<String> = doc["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| {
                        format!(
                            "{} {}:{} {}",
                            d["rule"].as_str().unwrap(),
                            d["file"].as_str().unwrap(),
                            d["line"],
                            d["severity"].as_str().unwrap()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        // only the rules these tests are about (other rules may fire on the
        // same files: npmrc-not-read on a nested `.npmrc`)
        let findings = findings
            .into_iter()
            .filter(|f: &String| {
                [
                    "removed-key",
                    "hardcoded-token",
                    "scoped-publish-access",
                    "unknown-key",
                ]
                .iter()
                .any(|r| f.starts_with(&format!("{r} ")))
            })
            .collect();
        (out.status.code().unwrap_or(-1), findings, doc)
    }
}

const TOKEN_LINE: &str = "//npm.example.com/:_authToken=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n";

#[test]
fn bare_check_outside_a_project_walks_down_and_fails_on_a_committed_token() {
    let sb = Sandbox::new();
    sb.write("service/.npmrc", TOKEN_LINE);
    sb.write(
        "service/package.json",
        r#"{"name":"service","private":true}"#,
    );
    let (code, findings, _) = sb.check(&[]);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("hardcoded-token service/.npmrc:1")),
        "{findings:?}"
    );
}

#[test]
fn a_missing_path_is_exit_2_whatever_else_is_given() {
    let sb = Sandbox::new();
    sb.write(".npmrc", TOKEN_LINE);
    let (code, findings, doc) = sb.check(&[".", "does-not-exist"]);
    assert_eq!(code, 2, "{findings:?} {doc}");
    assert!(!findings.is_empty(), "the existing path is still checked");
}

#[test]
fn gitignored_files_are_not_walked_but_the_project_npmrc_is_read() {
    let sb = Sandbox::new();
    sb.write("package.json", r#"{"name":"app","private":true}"#);
    sb.write(".gitignore", ".npmrc\ngenerated/\n");
    sb.write(".npmrc", "always-auth=true\n");
    sb.write("generated/.npmrc", "always-auth=true\n");
    let (_, findings, _) = sb.check(&[]);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("removed-key .npmrc:1")),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f.contains("generated/")),
        "{findings:?}"
    );
    let (_, findings, _) = sb.check(&["."]);
    assert!(
        !findings.iter().any(|f| f.contains("generated/")),
        "{findings:?}"
    );
}

#[test]
fn exclude_flag_and_settings() {
    let sb = Sandbox::new();
    sb.write("package.json", r#"{"name":"app","private":true}"#);
    sb.write("a/.npmrc", "always-auth=true\n");
    sb.write("b/c/.npmrc", "always-auth=true\n");
    let (_, all, _) = sb.check(&["."]);
    assert_eq!(all.len(), 2, "{all:?}");
    let (_, findings, _) = sb.check(&[".", "--exclude", "a"]);
    assert_eq!(findings, vec!["removed-key b/c/.npmrc:1 warn"]);
    // explicit files are excluded too (pre-commit passes them one by one)
    let (_, findings, _) = sb.check(&["a/.npmrc", "--exclude", "a/"]);
    assert!(findings.is_empty(), "{findings:?}");
    sb.write(".npmrc-doctor.json", r#"{"exclude": ["b/**"]}"#);
    let (_, findings, _) = sb.check(&["."]);
    assert_eq!(findings, vec!["removed-key a/.npmrc:1 warn"]);
}

#[test]
fn overrides_set_levels_per_path() {
    let sb = Sandbox::new();
    sb.write("package.json", r#"{"name":"app","private":true}"#);
    sb.write("legacy/.npmrc", "always-auth=true\n");
    sb.write("tools/.npmrc", "always-auth=true\n");
    sb.write(
        ".npmrc-doctor.json",
        r#"{"overrides": [
            {"files": ["legacy/**"], "rules": {"removed-key": "off"}},
            {"files": ["tools/"], "rules": {"removed-key": "error"}}
        ]}"#,
    );
    let (code, findings, _) = sb.check(&["."]);
    assert_eq!(findings, vec!["removed-key tools/.npmrc:1 error"]);
    assert_eq!(code, 1);
    sb.write(
        ".npmrc-doctor.json",
        r#"{"overrides": [{"files": ["x"], "rules": {"no-such-rule": "off"}}]}"#,
    );
    let (code, _, _) = sb.check(&["."]);
    assert_eq!(code, 2, "an unknown rule in overrides is a usage error");
}

#[test]
fn package_json_suppression() {
    let sb = Sandbox::new();
    sb.write(
        "package.json",
        r#"{"name":"@acme/new-thing","version":"0.1.0"}"#,
    );
    let (_, findings, _) = sb.check(&[]);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("scoped-publish-access package.json")),
        "{findings:?}"
    );
    sb.write(
        "package.json",
        r#"{"name":"@acme/new-thing","version":"0.1.0","npmrc-doctor":{"disable":["scoped-publish-access"]}}"#,
    );
    let (_, findings, _) = sb.check(&[]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn package_manager_in_json_output() {
    let sb = Sandbox::new();
    sb.write(
        "package.json",
        r#"{"name":"app","private":true,"packageManager":"pnpm@9.12.0"}"#,
    );
    sb.write(".npmrc", "auto-install-peers=true\n");
    let (code, findings, doc) = sb.check(&[]);
    assert_eq!(code, 0, "{findings:?}");
    assert!(
        findings.is_empty(),
        "pnpm keys are known in a pnpm project: {findings:?}"
    );
    assert_eq!(doc["projects"][0]["package_manager"], "pnpm", "{doc}");
    assert_eq!(
        doc["projects"][0]["evidence"], "packageManager: pnpm@9.12.0",
        "{doc}"
    );
}

#[test]
fn hardcoded_token_is_worded_by_git_status() {
    let sb = Sandbox::new();
    let project = sb.root.join("project");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(&project)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        println!("SKIPPED: git is not available; git status wording not tested");
        return;
    }
    sb.write("package.json", r#"{"name":"app","private":true}"#);
    sb.write(".gitignore", "local/\n");
    sb.write(".npmrc", TOKEN_LINE);
    sb.write("local/.npmrc", TOKEN_LINE);
    assert!(git(&["add", ".npmrc", "package.json", ".gitignore"]));
    let (code, findings, doc) = sb.check(&[".", "local/.npmrc"]);
    assert_eq!(code, 1);
    let messages: Vec<(&str, &str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "hardcoded-token")
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        messages
            .iter()
            .any(|(f, s, m)| *f == ".npmrc" && *s == "error" && m.contains("committed to git")),
        "{findings:?} {messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|(f, s, m)| *f == "local/.npmrc" && *s == "warn" && m.contains("git-ignored")),
        "{findings:?} {messages:?}"
    );
}
