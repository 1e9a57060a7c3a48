//! Differential tests for `npmrc-doctor why` (docs/why-oracle.md).
//!
//! For every `fixtures/scenarios/why-*` scenario:
//! 1. run the oracle (`tests/oracle/why.js`, npm's own code with the network
//!    replaced by a recorder) and compare it with `expected-why.json`
//!    (`UPDATE_EXPECTED=1` rewrites the file); a difference means the
//!    installed npm decides differently than when the file was written
//!    ("npm changed");
//! 2. if the binary implements `why`, compare `npmrc-doctor why --format json`
//!    with the oracle on the fields listed in docs/why-oracle.md.
//!
//! Self-contained on purpose (the shared `tests/support` harness lives on
//! another branch).
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_npmrc-doctor");

/// What `scenario.json` says.
struct Scenario {
    name: String,
    dir: PathBuf,
    cwd: String,
    env: BTreeMap<String, String>,
    unset: Vec<String>,
    argv: Vec<String>,
    specs: Vec<String>,
    urls: Vec<String>,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn load_scenarios() -> Vec<Scenario> {
    let root = manifest_dir().join("fixtures/scenarios");
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(&root) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("why-"))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let text = fs::read_to_string(dir.join("scenario.json"))
            .unwrap_or_else(|e| panic!("{}: scenario.json: {e}", dir.display()));
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: scenario.json: {e}", dir.display()));
        let env = v
            .get("env")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let why = v.get("why");
        out.push(Scenario {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            cwd: v
                .get("cwd")
                .and_then(Value::as_str)
                .unwrap_or("project")
                .to_string(),
            env,
            unset: str_list(v.get("unset")),
            argv: str_list(v.get("argv")),
            specs: str_list(why.and_then(|w| w.get("specs"))),
            urls: str_list(why.and_then(|w| w.get("urls"))),
            dir,
        });
    }
    out
}

/// Copies the scenario, turning `*.symlink` files into symlinks and applying `*.mode` files.
fn materialize(src: &Path, dst: &Path) {
    let mut modes = Vec::new();
    copy_tree(src, dst, &mut modes);
    for (file, mode) in modes {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = (file, mode);
    }
}

fn copy_tree(src: &Path, dst: &Path, modes: &mut Vec<(PathBuf, u32)>) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let from = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if from.is_dir() {
            copy_tree(&from, &dst.join(&name), modes);
        } else if let Some(base) = name.strip_suffix(".symlink") {
            let target = fs::read_to_string(&from).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(target.trim(), dst.join(base)).unwrap();
            #[cfg(not(unix))]
            let _ = (target, base);
        } else if let Some(base) = name.strip_suffix(".mode") {
            let text = fs::read_to_string(&from).unwrap();
            let mode = u32::from_str_radix(text.trim(), 8).unwrap();
            modes.push((dst.join(base), mode));
        } else {
            fs::copy(&from, dst.join(&name)).unwrap();
        }
    }
}

/// `<root>` replaced in scenario strings.
fn subst(s: &str, root: &Path) -> String {
    s.replace("{root}", &root.to_string_lossy())
}

fn command_in(program: impl AsRef<std::ffi::OsStr>, sc: &Scenario, root: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear();
    let mut env: BTreeMap<String, OsString> = BTreeMap::new();
    env.insert("PATH".into(), std::env::var_os("PATH").unwrap_or_default());
    env.insert("HOME".into(), root.join("home").into_os_string());
    env.insert("PREFIX".into(), root.join("prefix").into_os_string());
    for u in &sc.unset {
        env.remove(u);
    }
    for (k, v) in &sc.env {
        env.insert(k.clone(), subst(v, root).into());
    }
    cmd.envs(env);
    let cwd = root.join(&sc.cwd);
    fs::create_dir_all(&cwd).unwrap();
    cmd.current_dir(cwd);
    cmd
}

/// Replaces the temporary root (and its canonical form) by `{root}`.
fn unroot(text: &str, root: &Path) -> String {
    let mut t = text.to_string();
    if let Ok(canon) = root.canonicalize() {
        t = t.replace(&*canon.to_string_lossy(), "{root}");
    }
    t.replace(&*root.to_string_lossy(), "{root}")
}

fn find_node() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
}

fn npm_root() -> Option<PathBuf> {
    let out = Command::new("npm").args(["root", "-g"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("npm");
    p.join("package.json").is_file().then_some(p)
}

fn run_oracle(node: &Path, npm: &Path, sc: &Scenario, root: &Path) -> Result<Value, String> {
    let mut cmd = command_in(node, sc, root);
    cmd.arg(manifest_dir().join("tests/oracle/why.js"))
        .arg("--npm-root")
        .arg(npm)
        .arg("--npm-dir")
        .arg(root.join("npm"));
    for s in &sc.specs {
        cmd.arg("--spec").arg(s);
    }
    for u in &sc.urls {
        cmd.arg("--url").arg(u);
    }
    cmd.arg("--");
    cmd.args(sc.argv.iter().map(|a| subst(a, root)));
    parse_output(
        &cmd.output().map_err(|e| format!("running node: {e}"))?,
        root,
    )
}

fn run_binary(sc: &Scenario, root: &Path) -> Result<Value, String> {
    let mut cmd = command_in(BIN, sc, root);
    cmd.args(["why", "--format", "json", "--npm-dir"])
        .arg(root.join("npm"));
    cmd.args(&sc.specs);
    for u in &sc.urls {
        cmd.arg("--url").arg(u);
    }
    cmd.arg("--");
    cmd.args(sc.argv.iter().map(|a| subst(a, root)));
    parse_output(
        &cmd.output().map_err(|e| format!("running {BIN}: {e}"))?,
        root,
    )
}

fn parse_output(out: &Output, root: &Path) -> Result<Value, String> {
    let stdout = unroot(&String::from_utf8_lossy(&out.stdout), root);
    serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "exit {:?}, invalid JSON ({e})\nstdout: {stdout}\nstderr: {}",
            out.status.code(),
            unroot(&String::from_utf8_lossy(&out.stderr), root)
        )
    })
}

/// The oracle document without the fields that depend on the machine.
fn stable(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("oracle");
    }
    v
}

/// Whether the binary has a `why` command (its help mentions `--url`).
fn binary_has_why() -> bool {
    Command::new(BIN)
        .args(["why", "--help"])
        .output()
        .is_ok_and(|o| {
            o.status.success() && {
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                text.contains("--url")
            }
        })
}

/// Whether `npmrc-doctor --help` lists a `why` subcommand.
fn binary_lists_why() -> bool {
    Command::new(BIN).arg("--help").output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim_start().starts_with("why "))
    })
}

/// Fields compared between the oracle and npmrc-doctor (JSON pointers,
/// relative to each package / url entry). Always compared:
const PACKAGE_FIELDS: &[&str] = &[
    "/spec",
    "/registry/url",
    "/packument/url",
    "/packument/auth/kind",
    "/packument/auth/keys",
    "/tarball/url",
    "/tarball/auth/kind",
    "/tarball/auth/keys",
    "/publish/registry",
    "/publish/error/code",
    "/publish/error/message",
    "/publish/auth/kind",
];
/// Compared only when npmrc-doctor emits them.
const OPTIONAL_PACKAGE_FIELDS: &[&str] = &[
    "/registry/key",
    "/registry/layer",
    "/packument/error/code",
    "/tarball/error/code",
    "/pack/url",
    "/pack/auth/kind",
    "/pack/auth/keys",
    "/publish/url",
    "/publish/auth/keys",
    "/packument/auth/layer",
    "/tarball/auth/layer",
    "/packument/auth/value",
    "/packument/auth/env",
];
const URL_FIELDS: &[&str] = &["/url", "/auth/kind", "/auth/keys"];

fn at<'a>(v: &'a Value, ptr: &str) -> &'a Value {
    // a missing object on the way (e.g. `error: null`) reads as null
    v.pointer(ptr).unwrap_or(&Value::Null)
}

fn compare(oracle: &Value, ours: &Value, diffs: &mut Vec<String>) {
    for ptr in ["/validation/error/code", "/validation/error/message"] {
        if at(oracle, ptr) != at(ours, ptr) {
            diffs.push(format!(
                "{ptr}: npm {} / npmrc-doctor {}",
                at(oracle, ptr),
                at(ours, ptr)
            ));
        }
    }
    for (list, required, optional) in [
        ("packages", PACKAGE_FIELDS, OPTIONAL_PACKAGE_FIELDS),
        ("urls", URL_FIELDS, &[][..]),
    ] {
        let empty = Vec::new();
        let a = oracle.get(list).and_then(Value::as_array).unwrap_or(&empty);
        let b = ours.get(list).and_then(Value::as_array).unwrap_or(&empty);
        if a.len() != b.len() {
            diffs.push(format!(
                "/{list}: npm has {} entries, npmrc-doctor {}",
                a.len(),
                b.len()
            ));
        }
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            for ptr in required {
                if at(x, ptr) != at(y, ptr) {
                    diffs.push(format!(
                        "/{list}/{i}{ptr}: npm {} / npmrc-doctor {}",
                        at(x, ptr),
                        at(y, ptr)
                    ));
                }
            }
            for ptr in optional {
                if y.pointer(ptr).is_some() && at(x, ptr) != at(y, ptr) {
                    diffs.push(format!(
                        "/{list}/{i}{ptr}: npm {} / npmrc-doctor {}",
                        at(x, ptr),
                        at(y, ptr)
                    ));
                }
            }
        }
    }
}

#[test]
fn why_scenarios_match_npm() {
    let scenarios = load_scenarios();
    assert!(
        scenarios.len() >= 60,
        "expected at least 60 why-* scenarios, found {}",
        scenarios.len()
    );
    let Some(node) = find_node() else {
        eprintln!("SKIPPED: why_differential: `node` not found on PATH (not a pass)");
        return;
    };
    let Some(npm) = npm_root() else {
        eprintln!("SKIPPED: why_differential: `npm root -g`/npm not found (not a pass)");
        return;
    };
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    let has_why = binary_has_why();
    // once the binary lists a `why` subcommand, a `why` that cannot be
    // compared is a failure, not a skip
    let require_binary =
        std::env::var_os("WHY_REQUIRE_BINARY").is_some_and(|v| v == "1") || binary_lists_why();
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
        let tmp = tempfile::Builder::new()
            .prefix("npmrc-doctor-why-")
            .tempdir()
            .unwrap();
        let root = tmp.path();
        materialize(&sc.dir, root);
        let oracle = match run_oracle(&node, &npm, sc, root) {
            Ok(v) => stable(v),
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
            match run_binary(sc, root) {
                Ok(ours) => {
                    // npmrc-doctor never prints a secret, even where npm
                    // echoes one inside a config string (a token glued onto
                    // a registry URL): compare after the same scrubbing
                    let mut scrubbed = oracle.clone();
                    npmrc_doctor::why::scrub::scrub_json(&mut scrubbed);
                    let mut diffs = Vec::new();
                    compare(&scrubbed, &ours, &mut diffs);
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
