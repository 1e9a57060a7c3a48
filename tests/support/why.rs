//! Shared pieces of the `why` differential tests (docs/why-oracle.md):
//! running the oracle (`tests/oracle/why.js`) and `npmrc-doctor why --format
//! json` in a materialised root, and comparing the two documents on the
//! fields the contract lists. Used by `tests/why_differential.rs` (the
//! hand-written scenarios) and `tests/why_fuzz.rs` (generated ones).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_npmrc-doctor");

/// One `why` invocation in a materialised root.
#[derive(Debug, Clone)]
pub struct WhyRun {
    /// The temporary root (`{root}` in outputs).
    pub root: PathBuf,
    /// The working directory (absolute, inside `root`).
    pub cwd: PathBuf,
    /// The complete environment (nothing is inherited).
    pub env: BTreeMap<String, String>,
    pub specs: Vec<String>,
    pub urls: Vec<String>,
    /// npm flags (the cli layer), already `{root}`-expanded.
    pub argv: Vec<String>,
}

impl WhyRun {
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Result<Command, String> {
        std::fs::create_dir_all(&self.cwd)
            .map_err(|e| format!("mkdir {}: {e}", self.cwd.display()))?;
        let mut cmd = Command::new(program);
        cmd.env_clear().envs(&self.env).current_dir(&self.cwd);
        Ok(cmd)
    }
}

/// The base environment of a run: the real `PATH`, `HOME=<root>/home`,
/// `PREFIX=<root>/prefix`.
pub fn base_env(root: &Path) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    env.insert(
        "PATH".to_string(),
        std::env::var("PATH").unwrap_or_default(),
    );
    env.insert(
        "HOME".to_string(),
        root.join("home").to_string_lossy().into_owned(),
    );
    env.insert(
        "PREFIX".to_string(),
        root.join("prefix").to_string_lossy().into_owned(),
    );
    env
}

pub fn find_node() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
}

/// `<npm root -g>/npm`.
pub fn npm_root() -> Option<PathBuf> {
    let out = Command::new("npm").args(["root", "-g"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("npm");
    p.join("package.json").is_file().then_some(p)
}

/// Replaces the temporary root (and its canonical form) by `{root}`.
pub fn unroot(text: &str, root: &Path) -> String {
    let mut t = text.to_string();
    if let Ok(canon) = root.canonicalize() {
        t = t.replace(&*canon.to_string_lossy(), "{root}");
    }
    t.replace(&*root.to_string_lossy(), "{root}")
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

/// The oracle's document, without the machine-dependent `oracle` field.
pub fn run_oracle(node: &Path, npm: &Path, run: &WhyRun) -> Result<Value, String> {
    let mut cmd = run.command(node)?;
    cmd.arg(super::repo_root().join("tests/oracle/why.js"))
        .arg("--npm-root")
        .arg(npm)
        .arg("--npm-dir")
        .arg(run.root.join("npm"));
    for s in &run.specs {
        cmd.arg("--spec").arg(s);
    }
    for u in &run.urls {
        cmd.arg("--url").arg(u);
    }
    cmd.arg("--").args(&run.argv);
    let out = cmd.output().map_err(|e| format!("running node: {e}"))?;
    let mut v = parse_output(&out, &run.root)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("oracle");
    }
    Ok(v)
}

/// `npmrc-doctor why --format json` for the same run.
pub fn run_binary(run: &WhyRun) -> Result<Value, String> {
    let mut cmd = run.command(BIN)?;
    cmd.args(["why", "--format", "json", "--npm-dir"])
        .arg(run.root.join("npm"));
    cmd.args(&run.specs);
    for u in &run.urls {
        // `--url=U`: a relative U such as `-/whoami` must not read as a flag
        cmd.arg(format!("--url={u}"));
    }
    cmd.arg("--").args(&run.argv);
    let out = cmd.output().map_err(|e| format!("running {BIN}: {e}"))?;
    parse_output(&out, &run.root)
}

/// Whether the binary has a `why` command (its help mentions `--url`).
pub fn binary_has_why() -> bool {
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
pub fn binary_lists_why() -> bool {
    Command::new(BIN).arg("--help").output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim_start().starts_with("why "))
    })
}

/// Fields compared between the oracle and npmrc-doctor (JSON pointers,
/// relative to each package / url entry). Always compared:
pub const PACKAGE_FIELDS: &[&str] = &[
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
pub const OPTIONAL_PACKAGE_FIELDS: &[&str] = &[
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
pub const URL_FIELDS: &[&str] = &["/url", "/auth/kind", "/auth/keys"];

fn at<'a>(v: &'a Value, ptr: &str) -> &'a Value {
    // a missing object on the way (e.g. `error: null`) reads as null
    v.pointer(ptr).unwrap_or(&Value::Null)
}

/// The differences between the oracle's document and npmrc-doctor's, on
/// the compared fields. The oracle is scrubbed first: npmrc-doctor never
/// prints a secret, even where npm echoes one inside a config string.
pub fn compare(oracle: &Value, ours: &Value) -> Vec<String> {
    let mut oracle = oracle.clone();
    npmrc_doctor::why::scrub::scrub_json(&mut oracle);
    let mut diffs = Vec::new();
    for ptr in ["/validation/error/code", "/validation/error/message"] {
        if !super::masked_eq(at(&oracle, ptr), at(ours, ptr)) {
            diffs.push(format!(
                "{ptr}: npm {} / npmrc-doctor {}",
                at(&oracle, ptr),
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
                if !super::masked_eq(at(x, ptr), at(y, ptr)) {
                    diffs.push(format!(
                        "/{list}/{i}{ptr}: npm {} / npmrc-doctor {}",
                        at(x, ptr),
                        at(y, ptr)
                    ));
                }
            }
            for ptr in optional {
                if y.pointer(ptr).is_some() && !super::masked_eq(at(x, ptr), at(y, ptr)) {
                    diffs.push(format!(
                        "/{list}/{i}{ptr}: npm {} / npmrc-doctor {}",
                        at(x, ptr),
                        at(y, ptr)
                    ));
                }
            }
        }
    }
    diffs
}
