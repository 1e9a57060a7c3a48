//! Randomised differential test of `npmrc-doctor config --json` against
//! npm's own `@npmcli/config` (the oracle `tests/oracle/config.js`).
//!
//! Each case is a generated scenario (docs/scenarios.md): `.npmrc` files in
//! the builtin/global/user/project locations (and alternative user/global
//! files), a project layout, `npm_config_*` variables and npm flags, drawn
//! from npm's real definitions and the `.npmrc` dialect's corners. It is
//! written as a scenario directory and run exactly like the hand-written
//! ones (`tests/config_differential.rs`), compared with the same
//! `comparable()` projection.
//!
//! Reproducible: `CONFIG_FUZZ_SEED` (default 1) and `CONFIG_FUZZ_CASES`
//! (default 150) pick the cases; case `i` of seed `s` is always the same.
//! `CONFIG_FUZZ_JOBS` runs cases in parallel (default: the CPU count).
//! `CONFIG_FUZZ_KEEP=<dir>` keeps every disagreeing case there as a
//! scenario directory (ready to minimise and copy under
//! `fixtures/scenarios/config-…`).

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{
    Scenario, Toolchain, comparable, json_diff, load_scenario, normalise, prepare, replacements,
    run_oracle, run_ours, toolchain,
};

/// SplitMix64: small, seedable, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, case: u64) -> Rng {
        // independent streams: the state is a hash of (seed, case), not a
        // shifted copy of another case's sequence
        let mut s = Rng(seed);
        let a = s.next();
        let mut c = Rng(case ^ a.rotate_left(17));
        let b = c.next();
        Rng(a ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// true with probability `p` percent.
    fn chance(&mut self, p: u32) -> bool {
        self.below(100) < p as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How values of a key are drawn.
#[derive(Clone, Copy)]
enum Kind {
    Url,
    Bool,
    Num,
    Path,
    Str,
    Enum(&'static [&'static str]),
    Date,
    Semver,
    Umask,
    Any,
}

/// Keys with npm definitions (and some without), with their value kind.
const KEYS: &[(&str, Kind)] = &[
    ("registry", Kind::Url),
    ("registry", Kind::Url),
    ("@acme:registry", Kind::Url),
    ("@Acme:registry", Kind::Url),
    ("https-proxy", Kind::Url),
    ("proxy", Kind::Url),
    ("init-author-url", Kind::Url),
    ("strict-ssl", Kind::Bool),
    ("global", Kind::Bool),
    ("audit", Kind::Bool),
    ("fund", Kind::Bool),
    ("workspaces", Kind::Bool),
    ("browser", Kind::Bool),
    ("yes", Kind::Bool),
    ("production", Kind::Bool),
    ("optional", Kind::Bool),
    ("dev", Kind::Bool),
    ("global-style", Kind::Bool),
    ("fetch-retries", Kind::Num),
    ("fetch-timeout", Kind::Num),
    ("depth", Kind::Num),
    ("cache-min", Kind::Num),
    ("expect-result-count", Kind::Num),
    (
        "lockfile-version",
        Kind::Enum(&["1", "2", "3", "4", "null"]),
    ),
    ("cache", Kind::Path),
    ("cafile", Kind::Path),
    ("prefix", Kind::Path),
    ("userconfig", Kind::Path),
    ("globalconfig", Kind::Path),
    ("init-module", Kind::Path),
    ("logs-dir", Kind::Path),
    ("init.module", Kind::Path),
    (
        "loglevel",
        Kind::Enum(&["silent", "warn", "info", "verbose", "loud", "WARN"]),
    ),
    (
        "location",
        Kind::Enum(&["global", "user", "project", "local"]),
    ),
    (
        "access",
        Kind::Enum(&["public", "restricted", "private", "open"]),
    ),
    ("color", Kind::Enum(&["always", "true", "false", "never"])),
    ("omit", Kind::Enum(&["dev", "optional", "peer", "prod"])),
    (
        "include",
        Kind::Enum(&["dev", "prod", "optional", "peer", "all"]),
    ),
    (
        "install-strategy",
        Kind::Enum(&["hoisted", "linked", "flat"]),
    ),
    ("also", Kind::Enum(&["dev", "development", "all"])),
    ("only", Kind::Enum(&["prod", "production", "dev"])),
    (
        "replace-registry-host",
        Kind::Enum(&["npmjs", "never", "always", "reg.example"]),
    ),
    (
        "local-address",
        Kind::Enum(&["127.0.0.1", "::1", "10.0.0.1"]),
    ),
    ("auth-type", Kind::Enum(&["legacy", "web", "oauth"])),
    ("before", Kind::Date),
    ("init-version", Kind::Semver),
    ("init.version", Kind::Semver),
    ("umask", Kind::Umask),
    ("scope", Kind::Str),
    ("tag", Kind::Str),
    ("ca", Kind::Str),
    ("cert", Kind::Str),
    ("key", Kind::Str),
    ("node-options", Kind::Str),
    ("init.author.name", Kind::Str),
    ("init-author-name", Kind::Str),
    ("workspace", Kind::Str),
    ("noproxy", Kind::Str),
    ("foo", Kind::Any),
    ("always-auth", Kind::Bool),
    ("email", Kind::Str),
    ("_token", Kind::Str),
    ("Registry", Kind::Url),
    ("_authtoken", Kind::Str),
    ("-authtoken", Kind::Str),
    ("_authToken", Kind::Str),
    ("_auth", Kind::Str),
    ("username", Kind::Str),
    ("_password", Kind::Str),
    ("__proto__", Kind::Any),
    ("npm-version", Kind::Str),
    ("global-prefix", Kind::Path),
];

const NERF_HOSTS: &[&str] = &[
    "//reg.example/",
    "//reg.example/npm/",
    "//reg.example/npm",
    "//registry.npmjs.org/",
    "//h:8443/",
    "//${FZ_HOST}/",
];

const NERF_SUFFIXES: &[&str] = &[
    "_authToken",
    "_auth",
    "username",
    "_password",
    "email",
    "certfile",
    "always-auth",
    "_authtoken",
    "registry",
];

fn value_for(rng: &mut Rng, kind: Kind) -> String {
    let v: String = match kind {
        Kind::Url => rng
            .pick(&[
                "https://reg.example/",
                "https://reg.example/npm",
                "https://reg.example/npm/",
                "http://h:8443/x/",
                "reg.example/path",
                "",
                "https:reg.example",
                "https://u:p@reg.example/",
                "https://H.Example/Up/",
                "https://reg.example/x#frag",
                "${FZ_URL}",
                "https://${FZ_HOST}/",
                "\"https://q.example/\"",
                "'https://q.example/'",
                "http://[::1]:4873/",
                "false",
            ])
            .to_string(),
        Kind::Bool => rng
            .pick(&[
                "true",
                "false",
                "",
                "yes",
                "no",
                "0",
                "1",
                "null",
                "${FZ_BOOL}",
                "\"true\"",
                "TRUE",
                "undefined",
            ])
            .to_string(),
        Kind::Num => rng
            .pick(&[
                "3",
                "-1",
                "abc",
                "1e2",
                "",
                "0x1f",
                " 7 ",
                "Infinity",
                "NaN",
                "${FZ_NUM}",
                "2.5",
                "null",
                "true",
                "1_0",
            ])
            .to_string(),
        Kind::Path => rng
            .pick(&[
                "~/c",
                "rel/c",
                "/abs/c",
                "",
                "${HOME}/x",
                "~",
                "./x",
                "${HOME}/../alt/userrc",
                "${HOME}/../alt/globalrc",
                "${HOME}/../alt",
                "~/../alt/userrc",
                "${FZ_PATH}",
                "true",
                "null",
            ])
            .to_string(),
        Kind::Enum(vals) => {
            if rng.chance(80) {
                (*rng.pick(vals)).to_string()
            } else {
                rng.pick(&["", "true", "null", "bogus", "${FZ_STR}"])
                    .to_string()
            }
        }
        Kind::Date => rng
            .pick(&[
                "2020-01-01",
                "garbage",
                "1700000000000",
                "",
                "2020-01-01T00:00:00Z",
                "${FZ_NUM}",
            ])
            .to_string(),
        Kind::Semver => rng
            .pick(&["1.0.0", "v1.2.3", "1.0", "", "x", "1.0.0-beta.1"])
            .to_string(),
        Kind::Umask => rng
            .pick(&["022", "0o777", "999", "abc", "", "0777", "18", "${FZ_NUM}"])
            .to_string(),
        Kind::Str | Kind::Any => rng
            .pick(&[
                "x",
                "acme",
                "@acme",
                "",
                "${FZ_STR}",
                "${FZ_STR?}",
                "${FZ_UNSET}",
                "${FZ_UNSET?}",
                "${FZ_EMPTY}",
                "\\${FZ_STR}",
                "\\\\${FZ_STR}",
                "\\\\\\${FZ_STR}",
                "npm_abcdefghijklmnopqrstuvwxyz0123",
                "a b",
                "true",
                "null",
                "42",
                "\"quoted # hash\"",
                "'single'",
                "\"x\\qy\"",
                "foo#bar",
                "foo ; c",
                "foo\\#bar",
                "c2VjcmV0",
                "'x\\ny'",
            ])
            .to_string(),
    };
    v
}

/// Keys whose non-string file values are KNOWN OPEN disagreements, not
/// generated until fixed: npm uses the raw value of `userconfig`/
/// `globalconfig` (an array from `key[]=`, `null`, `true`) as the file's
/// `source` (`files[].path` is then JSON, not a string), and `prefix=null`
/// makes `load()` throw `ERR_INVALID_ARG_TYPE` (`path.resolve(null)`).
const NON_STRING_OPEN: &[&str] = &[];

fn known_open(key: &str, value: &str, array: bool) -> bool {
    NON_STRING_OPEN.contains(&key) && (array || value == "true" || value == "null")
}

/// One `.npmrc` line.
fn npmrc_line(rng: &mut Rng) -> String {
    loop {
        let line = npmrc_line_any(rng);
        let (key, value) = line.split_once('=').unwrap_or((line.as_str(), "true"));
        let array = key.ends_with("[]");
        if !known_open(key.trim_end_matches("[]").trim(), value.trim(), array) {
            return line;
        }
    }
}

fn npmrc_line_any(rng: &mut Rng) -> String {
    match rng.below(20) {
        0 => rng
            .pick(&["# comment", "; comment", "", "   ", "\u{feff}# bom comment"])
            .to_string(),
        1 => rng
            .pick(&["[@acme]", "[a.b]", "[a\\.b]", "[//reg.example/]", "[]"])
            .to_string(),
        2 => rng
            .pick(&[
                "flag",
                "strict-ssl",
                "=x",
                "  registry  =  https://sp.example/  ",
            ])
            .to_string(),
        3..=5 => {
            let host = *rng.pick(NERF_HOSTS);
            let suffix = *rng.pick(NERF_SUFFIXES);
            let value = value_for(rng, Kind::Str);
            format!("{host}:{suffix}={value}")
        }
        6 => {
            let (key, kind) = *rng.pick(KEYS);
            let value = value_for(rng, kind);
            format!("{key}[]={value}")
        }
        7 => {
            let key = rng.pick(&[
                "${FZ_KEY}",
                "${FZ_UNSET}",
                "@${FZ_STR}:registry",
                "\\${FZ_KEY}",
            ]);
            let value = value_for(rng, Kind::Url);
            format!("{key}={value}")
        }
        _ => {
            let (key, kind) = *rng.pick(KEYS);
            let value = value_for(rng, kind);
            if rng.chance(5) {
                format!("{key}={value} # trailing")
            } else {
                format!("{key}={value}")
            }
        }
    }
}

fn npmrc_file(rng: &mut Rng) -> Vec<u8> {
    let n = 1 + rng.below(6);
    let eol = *rng.pick(&["\n", "\n", "\n", "\r\n", "\r"]);
    let mut text = String::new();
    if rng.chance(8) {
        text.push('\u{feff}');
    }
    for _ in 0..n {
        text.push_str(&npmrc_line(rng));
        text.push_str(if rng.chance(5) { "\r\n" } else { eol });
    }
    text.into_bytes()
}

/// A generated scenario: files (relative to the root) and `scenario.json`.
struct Case {
    files: Vec<(String, Vec<u8>)>,
    spec: Value,
}

fn env_value(rng: &mut Rng, kind: Kind) -> String {
    let v = value_for(rng, kind);
    match v.as_str() {
        "${HOME}/../alt/userrc" => "{root}/alt/userrc".to_string(),
        "${HOME}/../alt/globalrc" => "{root}/alt/globalrc".to_string(),
        _ => v,
    }
}

fn random_case(rng: &mut Rng) -> Case {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut unset: Vec<&str> = Vec::new();
    let mut argv: Vec<String> = Vec::new();

    // config files
    for (path, p) in [
        ("home/.npmrc", 60),
        ("prefix/etc/npmrc", 35),
        ("npm/npmrc", 25),
        ("project/.npmrc", 60),
        ("alt/userrc", 15),
        ("alt/globalrc", 15),
        ("alt/etc/npmrc", 10),
        ("project/sub/.npmrc", 10),
        ("project/packages/a/.npmrc", 15),
    ] {
        if rng.chance(p) {
            files.push((path.to_string(), npmrc_file(rng)));
        }
    }
    // project layout
    match rng.below(6) {
        0 => {}
        1 => files.push(("project/package.json".into(), b"{\"name\":\"p\"}".to_vec())),
        2 => files.push(("project/node_modules/.gitkeep".into(), Vec::new())),
        3 => files.push(("project/package.json".into(), b"{not json".to_vec())),
        _ => {
            let ws = rng.pick(&[
                "[\"packages/*\"]",
                "[\"packages/a\"]",
                "{\"packages\":[\"packages/*\"]}",
                "[\"nope/*\"]",
            ]);
            files.push((
                "project/package.json".into(),
                format!("{{\"name\":\"root\",\"workspaces\":{ws}}}").into_bytes(),
            ));
            files.push((
                "project/packages/a/package.json".into(),
                b"{\"name\":\"a\"}".to_vec(),
            ));
        }
    }
    if rng.chance(10) {
        files.push(("home/package.json".into(), b"{}".to_vec()));
    }
    let cwd = *rng.pick(&[
        "project",
        "project",
        "project",
        "project/sub",
        "project/packages/a",
        "project/packages/a/deep",
        "home",
        "home/sub",
        ".",
    ]);

    // environment
    for (name, values) in [
        ("FZ_HOST", &["reg.example", "", "h:8443"][..]),
        (
            "FZ_URL",
            &[
                "https://env.example/",
                "",
                "env.example",
                "https://reg.example/npm",
            ][..],
        ),
        ("FZ_BOOL", &["false", "true", "", "0"][..]),
        ("FZ_NUM", &["5", "", "x", "0o17", "1e3"][..]),
        ("FZ_STR", &["s", "", "a;b#c", "@acme"][..]),
        (
            "FZ_KEY",
            &["registry", "//reg.example/:_authToken", "", "foo"][..],
        ),
        ("FZ_PATH", &["~/p", "rel", "", "/abs"][..]),
        ("FZ_EMPTY", &[""][..]),
    ] {
        if rng.chance(60) {
            env.insert(name.to_string(), (*rng.pick(values)).to_string());
        }
    }
    for _ in 0..rng.below(4) {
        let (key, kind) = if rng.chance(25) {
            let host = *rng.pick(NERF_HOSTS);
            let suffix = *rng.pick(NERF_SUFFIXES);
            (format!("{host}:{suffix}"), Kind::Str)
        } else {
            let (k, kind) = *rng.pick(KEYS);
            (k.replace('-', "_"), kind)
        };
        let prefix = *rng.pick(&["npm_config_", "NPM_CONFIG_", "Npm_Config_"]);
        let key = match rng.below(3) {
            0 => key.to_uppercase(),
            _ => key,
        };
        env.insert(format!("{prefix}{key}"), env_value(rng, kind));
    }
    if rng.chance(15) {
        unset.push("PREFIX");
        if rng.chance(20) {
            env.insert("DESTDIR".into(), "{root}/dest".into());
        }
    }

    // cli
    for _ in 0..rng.below(4) {
        match rng.below(12) {
            0 => argv.push((*rng.pick(&["-g", "--global", "--no-global", "--local"])).into()),
            1 => {
                let loc = *rng.pick(&["global", "user", "project", "bogus"]);
                if rng.chance(50) {
                    argv.push(format!("--location={loc}"));
                } else {
                    argv.push("-L".into());
                    argv.push(loc.into());
                }
            }
            2 => {
                let dir = *rng.pick(&["{root}/project", "{root}/alt", "{root}/home", "rel"]);
                argv.push((*rng.pick(&["--prefix", "-C"])).into());
                argv.push(dir.into());
            }
            3 => argv.push(format!(
                "--userconfig={}",
                rng.pick(&[
                    "{root}/alt/userrc",
                    "{root}/home/.npmrc",
                    "~/x",
                    "alt/userrc"
                ])
            )),
            4 => argv.push(format!(
                "--globalconfig={}",
                rng.pick(&["{root}/alt/globalrc", "{root}/home/.npmrc", "rel"])
            )),
            5 => argv.push(
                (*rng.pick(&[
                    "--workspaces=false",
                    "--no-workspaces",
                    "-ws",
                    "--ws",
                    "--workspaces",
                    "-w",
                    "--workspace=a",
                ]))
                .into(),
            ),
            6 => argv.push(
                (*rng.pick(&[
                    "--regis=https://abbr.example/",
                    "--reg",
                    "-d",
                    "-dd",
                    "-gq",
                    "install",
                    "--",
                    "--foo",
                    "--foo=bar",
                    "--no-fund",
                    "--fund=false",
                    "-y",
                    "--save-dev",
                ]))
                .into(),
            ),
            7 => {
                let host = *rng.pick(NERF_HOSTS);
                let suffix = *rng.pick(NERF_SUFFIXES);
                argv.push(format!("--{host}:{suffix}={}", value_for(rng, Kind::Str)));
            }
            _ => {
                let (key, kind) = *rng.pick(KEYS);
                if key == "__proto__" {
                    // KNOWN OPEN: nopt crashes or expands `--__proto__` to
                    // `--[object Object]` (prototype lookups); not generated
                    continue;
                }
                let value = env_value(rng, kind);
                match rng.below(4) {
                    0 => {
                        argv.push(format!("--{key}"));
                        argv.push(value);
                    }
                    1 => argv.push(format!("--{key}")),
                    2 => argv.push(format!("--no-{key}")),
                    _ => argv.push(format!("--{key}={value}")),
                }
            }
        }
    }

    let spec = json!({
        "description": "generated by tests/config_fuzz.rs",
        "cwd": cwd,
        "env": env,
        "unset": unset,
        "argv": argv,
        // PREFIX unset: npm reads <node prefix>/etc/npmrc of this machine
        "machine_dependent": !unset.is_empty(),
    });
    Case { files, spec }
}

/// Writes a case as a scenario directory.
fn write_case(case: &Case, dir: &Path) -> Result<(), String> {
    for (rel, bytes) in &case.files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let spec = serde_json::to_string_pretty(&case.spec).map_err(|e| e.to_string())?;
    fs::write(dir.join("scenario.json"), spec + "\n").map_err(|e| e.to_string())
}

/// Runs one case; the differences (empty when npm and we agree).
fn check_case(tools: &Toolchain, scenario: &Scenario) -> Vec<String> {
    let prepared = match prepare(scenario) {
        Ok(p) => p,
        Err(e) => return vec![format!("cannot prepare scenario: {e}")],
    };
    let repl = replacements(tools, scenario, &prepared);
    let oracle = match run_oracle(tools, scenario, &prepared) {
        Ok(doc) => normalise(&doc, &repl),
        Err(e) => return vec![format!("oracle failed: {e}")],
    };
    match run_ours(tools, scenario, &prepared) {
        Ok(doc) => json_diff(&comparable(&oracle), &comparable(&normalise(&doc, &repl))),
        Err(e) => vec![e],
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[test]
fn config_fuzz_matches_npm() {
    let tools = match toolchain() {
        Ok(t) => t,
        Err(why) => {
            println!("SKIPPED: config fuzz test (node/npm not found): {why}");
            return;
        }
    };
    if let Some(dir) = std::env::var_os("CONFIG_FUZZ_DIR") {
        // re-run one kept (or hand-minimised) case
        let diffs =
            load_scenario(Path::new(&dir)).map_or_else(|e| vec![e], |sc| check_case(&tools, &sc));
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        return;
    }
    let seed = env_num("CONFIG_FUZZ_SEED", 1);
    let cases = env_num("CONFIG_FUZZ_CASES", 150) as usize;
    let jobs = env_num(
        "CONFIG_FUZZ_JOBS",
        std::thread::available_parallelism().map_or(2, |n| n.get() as u64),
    )
    .max(1) as usize;
    let keep = std::env::var_os("CONFIG_FUZZ_KEEP").map(std::path::PathBuf::from);

    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(usize, Case, Vec<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= cases {
                        break;
                    }
                    let case = random_case(&mut Rng::new(seed, i as u64));
                    let src = tempfile::Builder::new()
                        .prefix("npmrc-fuzz-src-")
                        .tempdir()
                        .expect("tempdir");
                    let diffs = write_case(&case, src.path())
                        .and_then(|()| load_scenario(src.path()))
                        .map_or_else(|e| vec![e], |sc| check_case(&tools, &sc));
                    if !diffs.is_empty() {
                        failures.lock().expect("lock").push((i, case, diffs));
                    }
                }
            });
        }
    });

    let mut failures = failures.into_inner().expect("lock");
    failures.sort_by_key(|(i, _, _)| *i);
    let mut report = String::new();
    for (i, case, diffs) in &failures {
        let _ = writeln!(report, "\n=== seed {seed} case {i}");
        if let Some(dir) = &keep {
            let dir = dir.join(format!("seed{seed}-case{i}"));
            let _ = fs::create_dir_all(&dir);
            let _ = write_case(case, &dir);
            let _ = writeln!(report, "  kept in {}", dir.display());
        }
        let _ = writeln!(report, "  scenario.json: {}", case.spec);
        for (path, bytes) in &case.files {
            let _ = writeln!(
                report,
                "  {path}: {:?}",
                String::from_utf8_lossy(bytes).as_ref()
            );
        }
        for d in diffs {
            let _ = writeln!(report, "    {d}");
        }
    }
    println!(
        "config fuzz: seed {seed}, {cases} cases, {} disagreements",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} generated cases (seed {seed}) differ from npm:{report}",
        failures.len()
    );
}
