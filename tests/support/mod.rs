//! Shared helpers for the scenario-driven differential tests
//! (`docs/scenarios.md`): finding scenarios, copying one into a fresh
//! temporary root, building its environment, running a program there, and
//! normalising / comparing JSON documents.
//!
//! Every fallible helper returns `Result<_, String>` so a test can collect
//! failures across scenarios instead of stopping at the first one.

#![allow(dead_code)] // each test binary uses a different subset

pub mod why;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Repository root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/scenarios`.
pub fn scenarios_dir() -> PathBuf {
    repo_root().join("fixtures").join("scenarios")
}

/// `scenario.json`, see docs/scenarios.md.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub description: String,
    #[serde(default = "default_cwd")]
    pub cwd: String,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub unset: Vec<String>,
    #[serde(default)]
    pub argv: Vec<String>,
    /// Only meaningful when the tests run as root (uid 0), e.g. mode 000 files.
    #[serde(default)]
    pub root_only: bool,
    /// The oracle's output depends on the machine (e.g. node's own
    /// `<prefix>/etc/npmrc`): `expected.json` is written but not compared.
    #[serde(default)]
    pub machine_dependent: bool,
    #[serde(default)]
    pub why: Option<Value>,
    /// For rule fixtures (`fixtures/rules/…`): what `check` is given.
    #[serde(default)]
    pub check: Option<CheckSpec>,
}

/// How a rule fixture runs `check`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// PATH arguments, relative to the working directory (default: none,
    /// i.e. the project at the working directory).
    #[serde(default)]
    pub paths: Vec<String>,
    /// `--all-layers`.
    #[serde(default)]
    pub all_layers: bool,
}

fn default_cwd() -> String {
    "project".to_string()
}

/// A scenario directory and its parsed `scenario.json`.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub dir: PathBuf,
    pub spec: ScenarioSpec,
}

impl Scenario {
    /// `expected.json` next to `scenario.json`.
    pub fn expected_path(&self) -> PathBuf {
        self.dir.join("expected.json")
    }
}

/// Files of a scenario directory that describe it rather than belong to the tree.
const META_FILES: &[&str] = &[
    "scenario.json",
    "expected.json",
    "expected-why.json",
    "snapshot.txt",
];

/// All scenarios whose directory name starts with `prefix`, sorted by name.
pub fn list_scenarios(prefix: &str) -> Result<Vec<Scenario>, String> {
    let dir = scenarios_dir();
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && entry.path().is_dir() {
            out.push(load_scenario(&entry.path())?);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Reads `<dir>/scenario.json`, or uses the defaults when there is none
/// and `optional` is set (rule fixtures).
pub fn load_scenario_or_default(dir: &Path, optional: bool) -> Result<Scenario, String> {
    if optional && !dir.join("scenario.json").exists() {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let spec: ScenarioSpec = serde_json::from_value(serde_json::json!({"description": name}))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        return Ok(Scenario {
            name,
            dir: dir.to_path_buf(),
            spec,
        });
    }
    load_scenario(dir)
}

/// Reads `<dir>/scenario.json`.
pub fn load_scenario(dir: &Path) -> Result<Scenario, String> {
    let file = dir.join("scenario.json");
    let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let spec: ScenarioSpec =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Scenario {
        name,
        dir: dir.to_path_buf(),
        spec,
    })
}

/// A scenario copied into a temporary directory; removed on drop.
pub struct Prepared {
    _tmp: tempfile::TempDir,
    /// Canonical absolute path of the copy (`<root>`).
    pub root: PathBuf,
    /// `<root>/<cwd>`.
    pub cwd: PathBuf,
}

impl Prepared {
    /// `<root>` as a string, for `{root}` substitution and normalisation.
    pub fn root_str(&self) -> String {
        self.root.to_string_lossy().into_owned()
    }

    /// Replaces `{root}` in a scenario string.
    pub fn expand(&self, s: &str) -> String {
        s.replace("{root}", &self.root_str())
    }
}

/// Copies the scenario to a fresh temporary root (outside the repository),
/// turns `*.symlink` files into symlinks, applies `*.mode` files, and
/// creates the working directory if the fixture has none.
pub fn prepare(scenario: &Scenario) -> Result<Prepared, String> {
    let tmp = tempfile::Builder::new()
        .prefix("npmrc-scenario-")
        .tempdir()
        .map_err(|e| format!("tempdir: {e}"))?;
    let root = tmp
        .path()
        .canonicalize()
        .map_err(|e| format!("canonicalize {}: {e}", tmp.path().display()))?;
    copy_tree(&scenario.dir, &root, true)?;
    apply_markers(&root)?;
    let cwd = root.join(&scenario.spec.cwd);
    if !cwd.exists() {
        fs::create_dir_all(&cwd).map_err(|e| format!("mkdir {}: {e}", cwd.display()))?;
    }
    Ok(Prepared {
        _tmp: tmp,
        root,
        cwd,
    })
}

fn copy_tree(from: &Path, to: &Path, top: bool) -> Result<(), String> {
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let name = entry.file_name();
        if top && META_FILES.iter().any(|m| name == *m) {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let ty = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", src.display()))?;
        if ty.is_dir() {
            fs::create_dir_all(&dst).map_err(|e| format!("mkdir {}: {e}", dst.display()))?;
            copy_tree(&src, &dst, false)?;
        } else {
            fs::copy(&src, &dst)
                .map_err(|e| format!("copy {} -> {}: {e}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

/// All files below `dir` whose name ends with `suffix`.
fn files_with_suffix(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        let ty = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if ty.is_dir() {
            files_with_suffix(&path, suffix, out)?;
        } else if ty.is_file() && entry.file_name().to_string_lossy().ends_with(suffix) {
            out.push(path);
        }
    }
    Ok(())
}

/// `x.symlink` (content = target) becomes the symlink `x`; then `x.mode`
/// (content = octal mode) chmods `x`. Marker files are removed.
fn apply_markers(root: &Path) -> Result<(), String> {
    let mut links = Vec::new();
    files_with_suffix(root, ".symlink", &mut links)?;
    for marker in links {
        let target =
            fs::read_to_string(&marker).map_err(|e| format!("{}: {e}", marker.display()))?;
        let link = marker.with_extension("");
        fs::remove_file(&marker).map_err(|e| format!("rm {}: {e}", marker.display()))?;
        symlink(target.trim_end_matches(['\n', '\r']), &link)
            .map_err(|e| format!("symlink {}: {e}", link.display()))?;
    }
    let mut modes = Vec::new();
    files_with_suffix(root, ".mode", &mut modes)?;
    for marker in modes {
        let text = fs::read_to_string(&marker).map_err(|e| format!("{}: {e}", marker.display()))?;
        let mode = u32::from_str_radix(text.trim(), 8)
            .map_err(|e| format!("{}: bad octal mode: {e}", marker.display()))?;
        fs::remove_file(&marker).map_err(|e| format!("rm {}: {e}", marker.display()))?;
        let target = marker.with_extension("");
        fs::set_permissions(&target, fs::Permissions::from_mode(mode))
            .map_err(|e| format!("chmod {}: {e}", target.display()))?;
    }
    Ok(())
}

/// The scenario's environment: `PATH` (the real one), `HOME=<root>/home`,
/// `PREFIX=<root>/prefix`, minus `unset`, plus `env` (with `{root}` expanded).
pub fn build_env(scenario: &Scenario, prepared: &Prepared) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    env.insert(
        "PATH".to_string(),
        std::env::var("PATH").unwrap_or_default(),
    );
    env.insert(
        "HOME".to_string(),
        prepared.root.join("home").to_string_lossy().into_owned(),
    );
    env.insert(
        "PREFIX".to_string(),
        prepared.root.join("prefix").to_string_lossy().into_owned(),
    );
    for name in &scenario.spec.unset {
        env.remove(name);
    }
    for (k, v) in &scenario.spec.env {
        env.insert(k.clone(), prepared.expand(v));
    }
    env
}

/// The scenario's argv with `{root}` expanded.
pub fn build_argv(scenario: &Scenario, prepared: &Prepared) -> Vec<String> {
    scenario
        .spec
        .argv
        .iter()
        .map(|a| prepared.expand(a))
        .collect()
}

/// Whether the tests run as root (uid 0): file modes do not stop reads then.
pub fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Finds an executable on the real `PATH`.
pub fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| {
            fs::metadata(p)
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// The tools the oracle needs.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub node: PathBuf,
    /// `<npm root -g>/npm`.
    pub npm_root: PathBuf,
    /// `dirname(dirname(realpath(node)))`: npm's global prefix when `PREFIX` is unset.
    pub node_prefix: PathBuf,
}

/// Locates node and npm, or explains why not.
pub fn toolchain() -> Result<Toolchain, String> {
    let node = find_in_path("node").ok_or("node not found on PATH")?;
    let npm = find_in_path("npm").ok_or("npm not found on PATH")?;
    let out = Command::new(&npm)
        .args(["root", "-g"])
        .output()
        .map_err(|e| format!("npm root -g: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm root -g failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let npm_root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("npm");
    if !npm_root.join("node_modules/@npmcli/config").is_dir() {
        return Err(format!("{} has no @npmcli/config", npm_root.display()));
    }
    let real_node = node
        .canonicalize()
        .map_err(|e| format!("{}: {e}", node.display()))?;
    let node_prefix = real_node
        .parent()
        .and_then(Path::parent)
        .ok_or("node has no grandparent directory")?
        .to_path_buf();
    Ok(Toolchain {
        node,
        npm_root,
        node_prefix,
    })
}

/// Output of one run.
#[derive(Debug)]
pub struct RunOutput {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `program args…` with exactly `env` in `cwd`.
pub fn run(
    program: &Path,
    args: &[String],
    env: &BTreeMap<String, String>,
    cwd: &Path,
) -> Result<RunOutput, String> {
    let out = Command::new(program)
        .args(args)
        .env_clear()
        .envs(env)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("running {}: {e}", program.display()))?;
    Ok(RunOutput {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Parses a program's stdout as JSON, with a readable error.
pub fn parse_json_output(what: &str, out: &RunOutput) -> Result<Value, String> {
    serde_json::from_str(&out.stdout).map_err(|e| {
        format!(
            "{what}: exit {:?}, stdout is not JSON ({e})\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            truncate(&out.stdout, 2000),
            truncate(&out.stderr, 2000)
        )
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// A literal text replacement applied by [`normalise`].
#[derive(Debug, Clone)]
pub struct Replacement {
    pub from: String,
    pub to: String,
}

/// Applies the replacements to every string and object key of a JSON value.
pub fn normalise(value: &Value, replacements: &[Replacement]) -> Value {
    let fix = |s: &str| {
        replacements
            .iter()
            .filter(|r| !r.from.is_empty())
            .fold(s.to_string(), |acc, r| acc.replace(&r.from, &r.to))
    };
    match value {
        Value::String(s) => Value::String(fix(s)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| normalise(v, replacements)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (fix(k), normalise(v, replacements)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// Human-readable differences between two JSON values (`path: left ≠ right`).
pub fn json_diff(left: &Value, right: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("", left, right, &mut out);
    out
}

fn diff_at(path: &str, left: &Value, right: &Value, out: &mut Vec<String>) {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            for (k, lv) in l {
                let p = format!("{path}/{k}");
                match r.get(k) {
                    Some(rv) => diff_at(&p, lv, rv, out),
                    None => out.push(format!("{p}: only in expected: {}", compact(lv))),
                }
            }
            for (k, rv) in r {
                if !l.contains_key(k) {
                    out.push(format!("{path}/{k}: only in actual: {}", compact(rv)));
                }
            }
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => {
            for (i, (lv, rv)) in l.iter().zip(r).enumerate() {
                diff_at(&format!("{path}/{i}"), lv, rv, out);
            }
        }
        _ if masked_eq(left, right) => {}
        _ => out.push(format!(
            "{}: expected {}, got {}",
            if path.is_empty() { "/" } else { path },
            compact(left),
            compact(right)
        )),
    }
}

/// Whether `got` is `expected` or `expected` with some parts masked: the
/// output boundary masks every string known to be secret wherever it
/// appears (also where npm's own code would print it), so a run of `*` in
/// npmrc-doctor's output stands for any text of npm's.
pub fn masked_eq(expected: &Value, got: &Value) -> bool {
    if expected == got {
        return true;
    }
    let (Value::String(e), Value::String(g)) = (expected, got) else {
        return false;
    };
    if !g.contains('*') {
        return false;
    }
    let mut pattern = String::from("^");
    for (i, part) in g.split('*').enumerate() {
        if i > 0 && !pattern.ends_with(".*") {
            pattern.push_str(".*");
        }
        pattern.push_str(&regex::escape(part));
    }
    pattern.push('$');
    regex::RegexBuilder::new(&pattern)
        .dot_matches_new_line(true)
        .size_limit(1 << 24)
        .build()
        .is_ok_and(|re| re.is_match(e))
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "<unprintable>".to_string())
}

/// Pretty JSON with a trailing newline (the format of `expected.json`).
pub fn pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

// ---- the config differential: running both programs and comparing ----

/// `<root>` → `{root}`; when the scenario unsets `PREFIX`, npm derives the
/// global prefix from node's location, so that becomes `{node_prefix}`.
pub fn replacements(
    tools: &Toolchain,
    scenario: &Scenario,
    prepared: &Prepared,
) -> Vec<Replacement> {
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

pub fn oracle_script() -> PathBuf {
    repo_root().join("tests").join("oracle").join("config.js")
}

pub fn run_oracle(
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

pub fn run_ours(
    _tools: &Toolchain,
    scenario: &Scenario,
    prepared: &Prepared,
) -> Result<Value, String> {
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

/// The fields the differential test compares (docs/scenarios.md,
/// "What is compared").
pub fn comparable(doc: &Value) -> Value {
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
pub fn pick(obj: &Value, fields: &[&str]) -> Value {
    let mut out = Map::new();
    for f in fields {
        out.insert(
            (*f).to_string(),
            obj.get(*f).cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
}
