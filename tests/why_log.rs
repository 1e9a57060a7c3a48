//! `npmrc-doctor why --log` on real npm debug logs and terminal output
//! captured against a loopback registry (`tests/oracle/capture-logs.js`,
//! `fixtures/logs/<case>/`). No network: only the saved logs are read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_npmrc-doctor");

fn case_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/logs")
        .join(name)
}

fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            fs::copy(e.path(), to).unwrap();
        }
    }
}

/// Runs `why --log <file> --format json` in a copy of the case's files.
fn why_log(name: &str, log_file: &str) -> (Value, i32) {
    let log = case_dir(name).join(log_file);
    why_log_path(name, &log)
}

/// The same with a log file from anywhere.
fn why_log_path(name: &str, log: &Path) -> (Value, i32) {
    let dir = case_dir(name);
    let case: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    copy_tree(&dir.join("project"), &root.join("project"));
    fs::create_dir_all(root.join("home")).unwrap();
    let cwd = root.join(case["cwd"].as_str().unwrap());
    let out = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", root.join("home"))
        .env("PREFIX", root.join("prefix"))
        .current_dir(&cwd)
        .args(["why", "--format", "json", "--npm-dir"])
        .arg(root.join("npm"))
        .arg("--log")
        .arg(log)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{name}: invalid JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        !text.contains("FAKEfixtureTOKEN"),
        "{name}: a secret reached the output"
    );
    (doc, out.status.code().unwrap_or(-1))
}

fn failures(doc: &Value) -> &Vec<Value> {
    doc["log"].as_array().expect("log member")
}

fn has_cause(f: &Value, needle: &str) -> bool {
    f["causes"].as_array().unwrap().iter().any(|c| {
        c["title"].as_str().unwrap_or("").contains(needle)
            || c["detail"].as_str().unwrap_or("").contains(needle)
    })
}

fn cause_at_line(f: &Value, file_suffix: &str, line: u64) -> bool {
    f["causes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["file"].as_str().is_some_and(|p| p.ends_with(file_suffix)) && c["line"] == line)
}

#[test]
fn e401_key_without_port() {
    for log in ["debug-0.log", "terminal.txt"] {
        let (doc, code) = why_log("install-e401-port-missing", log);
        assert_eq!(code, 1);
        let f = failures(&doc);
        assert_eq!(f.len(), 1, "{log}: {f:?}");
        assert_eq!(f[0]["status"], 401);
        assert_eq!(f[0]["code"], "E401");
        assert_eq!(f[0]["method"], "GET");
        assert!(has_cause(&f[0], "no credential was sent"), "{log}");
        assert!(has_cause(&f[0], "other-port"), "{log}");
        assert!(cause_at_line(&f[0], ".npmrc", 2), "{log}");
    }
}

#[test]
fn e401_env_var_unset() {
    let (doc, code) = why_log("install-e401-env-unset", "debug-0.log");
    assert_eq!(code, 1);
    let f = failures(&doc);
    assert_eq!(f.len(), 1);
    assert!(has_cause(&f[0], "`${NPM_TOKEN}` is not set"));
    assert!(cause_at_line(&f[0], ".npmrc", 2));
    let auth = &doc["urls"][0]["auth"];
    assert_eq!(auth["kind"], "token");
    assert_eq!(auth["env"]["name"], "NPM_TOKEN");
    assert_eq!(auth["env"]["set"], false);
}

#[test]
fn e404_scope_mapped_in_ignored_workspace_npmrc() {
    let (doc, _) = why_log("view-e404-unmapped-scope", "debug-0.log");
    let f = failures(&doc);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["code"], "E404");
    assert!(has_cause(&f[0], "workspace-npmrc-ignored"));
    assert!(has_cause(&f[0], "the scope is not mapped"));
}

#[test]
fn eneedauth_registry_without_trailing_slash() {
    for log in ["debug-0.log", "terminal.txt"] {
        let (doc, code) = why_log("publish-eneedauth-noslash", log);
        assert_eq!(code, 1);
        let f = failures(&doc);
        assert_eq!(f.len(), 1, "{log}: {f:?}");
        assert_eq!(f[0]["code"], "ENEEDAUTH");
        assert!(
            has_cause(&f[0], "no credential at exactly `//127.0.0.1:47321/`"),
            "{log}"
        );
        assert!(
            has_cause(&f[0], "add a trailing slash to the registry"),
            "{log}"
        );
        assert_eq!(doc["packages"][0]["publish"]["error"]["code"], "ENEEDAUTH");
    }
}

#[test]
fn e403_on_publish_put() {
    let (doc, _) = why_log("publish-e403", "debug-0.log");
    let f = failures(&doc);
    // the 404 of npm publish's version check is not a failure
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["method"], "PUT");
    assert_eq!(f[0]["code"], "E403");
    assert!(has_cause(&f[0], "lacks permission"));
    assert!(cause_at_line(&f[0], ".npmrc", 2));
}

fn no_cause(f: &Value, needle: &str) -> bool {
    !has_cause(f, needle)
}

#[test]
fn e403_package_already_exists() {
    for log in ["debug-0.log", "terminal.txt"] {
        let (doc, code) = why_log("publish-e403-already-exists", log);
        assert_eq!(code, 1);
        let f = failures(&doc);
        assert_eq!(f.len(), 1, "{log}: {f:?}");
        assert_eq!(f[0]["method"], "PUT");
        assert_eq!(f[0]["message"], "Package already exists.");
        let first = &f[0]["causes"][0];
        assert_eq!(first["title"], "this version is already published", "{log}");
        assert!(has_cause(&f[0], "Bump `version`"), "{log}");
        // no generic permission story, no metadata-size note
        assert!(no_cause(&f[0], "lacks permission"), "{log}: {f:?}");
        assert!(no_cause(&f[0], "20,000"), "{log}: {f:?}");
    }
}

#[test]
fn e403_tarball_registry_without_trailing_slash() {
    for log in ["debug-0.log", "terminal.txt"] {
        let (doc, code) = why_log("install-e403-tarball-registry-no-slash", log);
        assert_eq!(code, 1);
        let f = failures(&doc);
        assert_eq!(f.len(), 1, "{log}: {f:?}");
        assert_eq!(f[0]["status"], 403);
        assert!(
            f[0]["url"]
                .as_str()
                .unwrap()
                .ends_with("/-/@acme/widget-1.0.0.tgz")
        );
        assert!(has_cause(&f[0], "no credential was sent"), "{log}");
        assert!(has_cause(&f[0], "missing-trailing-slash"), "{log}");
        assert!(
            has_cause(
                &f[0],
                "add a trailing slash to the registry: `http://127.0.0.1:47321/api/v4/packages/npm/`"
            ),
            "{log}: {f:?}"
        );
        assert!(cause_at_line(&f[0], ".npmrc", 2), "{log}");
        // no invented key below the tarball's path
        assert!(no_cause(&f[0], "/-/@acme/:_authToken"), "{log}: {f:?}");
    }
}

#[test]
fn e401_basic_challenge_and_the_explainer_text() {
    let (doc, code) = why_log("install-e401-basic-challenge", "terminal.txt");
    assert_eq!(code, 1);
    let f = failures(&doc);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(has_cause(&f[0], "user name and password (Basic)"));
    assert!(has_cause(&f[0], "incomplete"));
    // the same npm text as the E401 explainer quotes it (old `npm ERR!`
    // prefix, no URL): still a cause, and the request without credential
    let text =
        fs::read_to_string(case_dir("install-e401-basic-challenge").join("terminal.txt")).unwrap();
    let explainer: String = text
        .lines()
        .filter(|l| l.starts_with("npm error") && !l.contains("complete log"))
        .map(|l| format!("{}\n", l.replacen("npm error", "npm ERR!", 1)))
        .collect();
    assert!(explainer.starts_with("npm ERR! code E401\nnpm ERR! Incorrect or missing password."));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("explainer.txt");
    fs::write(&path, explainer).unwrap();
    let (doc, code) = why_log_path("install-e401-basic-challenge", &path);
    assert_eq!(code, 1);
    let f = failures(&doc);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["code"], "E401");
    assert!(f[0]["url"].is_null());
    assert!(has_cause(&f[0], "user name and password (Basic)"));
    assert!(
        has_cause(
            &f[0],
            "no credential is sent with the packument of @acme/legacy"
        ),
        "{f:?}"
    );
    assert!(has_cause(&f[0], "incomplete"), "{f:?}");
}
