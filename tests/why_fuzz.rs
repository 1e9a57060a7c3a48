//! Randomised differential test for `npmrc-doctor why` (docs/why-oracle.md).
//!
//! Generates scenarios mixing registries (default, custom with/without a
//! trailing slash or a path, ports, http, GitLab, GitHub Packages, Azure,
//! Artifactory, invalid URLs), scope mappings in different layers,
//! credentials at keys derived from those registries with random mutations,
//! top-level credentials, `scope=`, `publishConfig`, specs, lockfiles,
//! `replace-registry-host`, `--url` requests and env/cli-layer settings;
//! then compares the oracle (npm's own code) with `npmrc-doctor why --format
//! json` using the same comparison as `tests/why_differential.rs`.
//!
//! Reproducible: `WHY_FUZZ_SEED` (default 1) and `WHY_FUZZ_CASES` (default
//! 40). Case `i` depends only on the seed and `i`; a failing case is printed
//! in full, and `WHY_FUZZ_KEEP=<dir>` keeps every failing root there.
//! `WHY_FUZZ_ONLY=<i>` runs just case `i`.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::why::{self as w, WhyRun};

/// splitmix64: small, seedable, good enough for test generation.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, case: u64) -> Self {
        let mut r = Rng(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// true with probability `p` percent.
    fn pct(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const TOKEN: &str = "npm_FAKEfuzzTOKENnpm000000000000000000000";
const TOKEN2: &str = "glpat-FAKEfuzzTOKEN00000000";
const BASIC: &str = "dXNlcjpGQUtFcGFzcw==";
const PASSWORD_B64: &str = "RkFLRXBhc3M=";

/// Registry URLs as written in config.
const REGISTRIES: &[&str] = &[
    "https://registry.npmjs.org/",
    "https://registry.npmjs.org",
    "https://npm.example.com/",
    "https://npm.example.com",
    "https://npm.example.com/repo/npm/",
    "https://npm.example.com/repo/npm",
    "https://npm.example.com:443/",
    "https://npm.example.com:443/repo/npm/",
    "http://npm.example.com:80/",
    "http://npm.example.com/",
    "https://npm.example.com:8443/",
    "https://npm.example.com:8443/npm/",
    "http://localhost:4873/",
    "http://127.0.0.1:4873",
    "https://gitlab.example.com/api/v4/projects/123/packages/npm/",
    "https://gitlab.example.com/api/v4/projects/123/packages/npm",
    "https://gitlab.example.com/api/v4/groups/45/-/packages/npm/",
    "https://gitlab.example.com/api/v4/packages/npm/",
    "https://npm.pkg.github.com/",
    "https://npm.pkg.github.com",
    "https://npm.pkg.github.com/octo",
    "https://npm.pkg.github.com/OctoOrg/",
    "https://pkgs.dev.azure.com/org/proj/_packaging/feed/npm/registry/",
    "https://pkgs.dev.azure.com/org/_packaging/feed/npm/registry",
    "https://acme.jfrog.io/artifactory/api/npm/npm-virtual/",
    "https://acme.jfrog.io/artifactory/api/npm/npm-virtual",
    "https://NPM.Example.com/Repo/",
    "https://npm.example.com//double/",
    "https://npm.example.com/a%20b/",
];
/// Registry values that npm cannot parse (or parses oddly).
const BAD_REGISTRIES: &[&str] = &[
    "https:npm.example.com",
    "npm.example.com",
    "not a url",
    "https://",
    "//npm.example.com/",
    "ftp://npm.example.com/",
    "",
];

const LAYERS: &[&str] = &["user", "project", "global", "builtin", "env", "cli"];

/// A generated case: files, env, argv, specs, urls.
#[derive(Default, Debug)]
struct Case {
    /// `layer -> lines` of the npmrc files (and env/cli entries).
    npmrc: BTreeMap<&'static str, Vec<(String, String)>>,
    env: BTreeMap<String, String>,
    files: BTreeMap<String, String>,
    argv: Vec<String>,
    specs: Vec<String>,
    urls: Vec<String>,
}

impl Case {
    fn set(&mut self, layer: &'static str, key: &str, value: &str) {
        self.npmrc
            .entry(layer)
            .or_default()
            .push((key.to_string(), value.to_string()));
    }
}

/// `scheme://host[:port]/path` split loosely (config strings, not WHATWG).
fn split_url(u: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = u.split_once("://")?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Some((scheme.to_string(), hostport.to_string(), path.to_string()))
}

/// A credential key prefix derived from `reg` with a random mutation.
fn derive_key(rng: &mut Rng, reg: &str) -> String {
    let Some((scheme, hostport, path)) = split_url(reg) else {
        return "//npm.example.com/".to_string();
    };
    let host = hostport.split(':').next().unwrap_or("").to_string();
    let lower = hostport.to_ascii_lowercase();
    let mut path = path;
    if !path.ends_with('/') {
        path.push('/');
    }
    match rng.below(14) {
        0..=4 => format!("//{lower}{path}"),
        5 => format!("//{lower}{}", path.trim_end_matches('/')),
        6 => format!("//{lower}/"),
        7 => {
            // parent path
            let trimmed = path.trim_end_matches('/');
            let parent = match trimmed.rfind('/') {
                Some(i) => &trimmed[..=i],
                None => "/",
            };
            format!("//{lower}{parent}")
        }
        8 => {
            let port = if scheme == "http" { 80 } else { 443 };
            format!("//{}:{port}{path}", host.to_ascii_lowercase())
        }
        9 => format!("//other.example.com{path}"),
        10 => format!("{scheme}://{lower}{path}"),
        11 => format!("//{hostport}{path}"),
        12 => format!("//{}{path}", host.to_ascii_lowercase()),
        _ => format!("//{lower}{path}extra/"),
    }
}

/// A secret value, maybe through `${VAR}`.
fn secret_value(rng: &mut Rng, case: &mut Case, plain: &str) -> String {
    match rng.below(10) {
        0 => {
            case.env.insert("FUZZ_TOKEN".into(), plain.into());
            "${FUZZ_TOKEN}".into()
        }
        1 => "${FUZZ_UNSET}".into(),
        2 => {
            case.env.insert("FUZZ_EMPTY".into(), String::new());
            "${FUZZ_EMPTY}".into()
        }
        3 => "${FUZZ_UNSET?}".into(),
        4 => String::new(),
        _ => plain.into(),
    }
}

fn random_layer(rng: &mut Rng, file_only: bool) -> &'static str {
    if file_only {
        rng.pick(&LAYERS[..4])
    } else {
        // files are more common than env/cli
        if rng.pct(75) {
            rng.pick(&LAYERS[..4])
        } else {
            rng.pick(&LAYERS[4..])
        }
    }
}

fn add_credential(rng: &mut Rng, case: &mut Case, regs: &[String]) {
    let base = if regs.is_empty() || rng.pct(10) {
        rng.pick(REGISTRIES).to_string()
    } else {
        rng.pick(regs).clone()
    };
    let key = derive_key(rng, &base);
    let layer = random_layer(rng, false);
    match rng.below(10) {
        0..=4 => {
            let plain = if rng.pct(50) { TOKEN } else { TOKEN2 };
            let v = secret_value(rng, case, plain);
            case.set(layer, &format!("{key}:_authToken"), &v);
        }
        5 | 6 => {
            let v = secret_value(rng, case, BASIC);
            case.set(layer, &format!("{key}:_auth"), &v);
        }
        7 | 8 => {
            if rng.pct(85) {
                case.set(layer, &format!("{key}:username"), "fuzzuser");
            }
            if rng.pct(85) {
                let v = secret_value(rng, case, PASSWORD_B64);
                case.set(layer, &format!("{key}:_password"), &v);
            }
        }
        _ => {
            let present = rng.pct(50);
            let dir = if present {
                "{root}/certs"
            } else {
                "/nonexistent"
            };
            if present {
                case.files
                    .insert("certs/client.crt".into(), "FAKE CERT\n".into());
                case.files
                    .insert("certs/client.key".into(), "FAKE KEY\n".into());
            }
            case.set(
                layer,
                &format!("{key}:certfile"),
                &format!("{dir}/client.crt"),
            );
            if rng.pct(85) {
                case.set(
                    layer,
                    &format!("{key}:keyfile"),
                    &format!("{dir}/client.key"),
                );
            }
        }
    }
}

const SCOPES: &[&str] = &["@acme", "@ACME", "@other"];

fn pkg_names(rng: &mut Rng) -> Vec<&'static str> {
    let all = [
        "@acme/pkg",
        "lodash",
        "@other/lib",
        "@acme/tool",
        "left-pad",
    ];
    let n = 1 + rng.below(2);
    (0..n).map(|_| rng.pick(&all)).collect()
}

/// A spec for `name`. With a lockfile, only specs that its version 1.0.0
/// satisfies: the oracle's synthetic packument holds just that version, so
/// anything else is an `ETARGET` no real registry would give.
fn spec_for(rng: &mut Rng, name: &str, locked: bool) -> String {
    if locked {
        return match rng.below(5) {
            0 => format!("{name}@1.0.0"),
            1 => format!("{name}@^1.0.0"),
            2 => format!("{name}@latest"),
            3 => format!("fuzzalias@npm:{name}@1"),
            _ => name.to_string(),
        };
    }
    match rng.below(8) {
        0 => format!("{name}@1.2.3"),
        1 => format!("{name}@^1.0.0"),
        2 => format!("{name}@latest"),
        3 => format!("fuzzalias@npm:{name}@1"),
        4 => format!("{name}@>=2"),
        _ => name.to_string(),
    }
}

fn tarball_base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn generate(rng: &mut Rng) -> Case {
    let mut case = Case::default();
    // registries in play
    let mut regs: Vec<String> = Vec::new();
    if rng.pct(80) {
        let reg = if rng.pct(7) {
            rng.pick(BAD_REGISTRIES).to_string()
        } else {
            rng.pick(REGISTRIES).to_string()
        };
        let layer = random_layer(rng, false);
        case.set(layer, "registry", &reg);
        regs.push(reg);
        if rng.pct(15) {
            // shadowed by a higher layer
            let reg2 = rng.pick(REGISTRIES).to_string();
            case.set("cli", "registry", &reg2);
            regs.push(reg2);
        }
    }
    let n_scopes = rng.below(3);
    for _ in 0..n_scopes {
        let scope = rng.pick(SCOPES);
        let reg = if rng.pct(5) {
            rng.pick(BAD_REGISTRIES).to_string()
        } else {
            rng.pick(REGISTRIES).to_string()
        };
        let layer = random_layer(rng, false);
        case.set(layer, &format!("{scope}:registry"), &reg);
        regs.push(reg);
    }
    if rng.pct(15) {
        let layer = random_layer(rng, false);
        let v = rng.pick(&["acme", "@acme", "other", "@other", "ACME"]);
        case.set(layer, "scope", v);
    }
    // credentials
    let n_creds = rng.below(4);
    for _ in 0..n_creds {
        add_credential(rng, &mut case, &regs);
    }
    // top-level credentials
    if rng.pct(8) {
        let layer = random_layer(rng, true);
        match rng.below(4) {
            0 => case.set(layer, "_authToken", TOKEN),
            1 => case.set(layer, "_auth", BASIC),
            2 => {
                case.set(layer, "username", "fuzzuser");
                case.set(layer, "_password", PASSWORD_B64);
            }
            _ => case.set(layer, "_password", PASSWORD_B64),
        }
    }
    if rng.pct(15) {
        let layer = random_layer(rng, false);
        let v = rng.pick(&[
            "npmjs",
            "never",
            "always",
            "registry.npmjs.org",
            "npm.example.com",
        ]);
        case.set(layer, "replace-registry-host", v);
    }
    if rng.pct(8) {
        case.argv.push("--dry-run".into());
    }
    if rng.pct(5) {
        case.argv.push("--force".into());
    }

    // project
    let names = pkg_names(rng);
    let project_name = if rng.pct(50) {
        names[0]
    } else {
        rng.pick(&["@acme/app", "app", "@other/app"])
    };
    let mut pkg = json!({"name": project_name, "version": "1.0.0"});
    if rng.pct(40) {
        let mut pc = serde_json::Map::new();
        match rng.below(4) {
            0 => {
                pc.insert("registry".into(), json!(rng.pick(REGISTRIES)));
            }
            1 => {
                let scope = rng.pick(SCOPES);
                pc.insert(format!("{scope}:registry"), json!(rng.pick(REGISTRIES)));
            }
            2 => {
                let reg = rng.pick(REGISTRIES).to_string();
                pc.insert("registry".into(), json!(reg));
                let key = derive_key(rng, &reg);
                pc.insert(format!("{key}:_authToken"), json!(TOKEN2));
            }
            _ => {
                let base = if regs.is_empty() {
                    rng.pick(REGISTRIES).to_string()
                } else {
                    rng.pick(&regs)
                };
                let key = derive_key(rng, &base);
                pc.insert(format!("{key}:_authToken"), json!(TOKEN2));
            }
        }
        pkg["publishConfig"] = Value::Object(pc);
    }
    if rng.pct(40) {
        let deps: serde_json::Map<String, Value> = names
            .iter()
            .filter(|n| **n != project_name)
            .map(|n| (n.to_string(), json!("^1.0.0")))
            .collect();
        pkg["dependencies"] = Value::Object(deps);
    }
    case.files.insert(
        "project/package.json".into(),
        serde_json::to_string_pretty(&pkg).unwrap() + "\n",
    );
    let locked = rng.pct(35);
    // specs (sometimes project mode)
    if rng.pct(85) {
        for n in &names {
            let s = spec_for(rng, n, locked);
            case.specs.push(s);
        }
        if rng.pct(10) {
            case.specs.push(
                rng.pick(&["@ACME/pkg", "@acme/Pkg", "x@npm:lodash"])
                    .to_string(),
            );
        }
    }
    // lockfile
    if locked {
        let mut packages = serde_json::Map::new();
        packages.insert("".into(), json!({"name": project_name, "version": "1.0.0"}));
        for n in &names {
            let host = match rng.below(4) {
                0 | 1 => "https://registry.npmjs.org/".to_string(),
                2 => {
                    let r = if regs.is_empty() {
                        rng.pick(REGISTRIES).to_string()
                    } else {
                        rng.pick(&regs)
                    };
                    if r.ends_with('/') { r } else { format!("{r}/") }
                }
                _ => "https://files.example.net/npm/".to_string(),
            };
            packages.insert(
                format!("node_modules/{n}"),
                json!({"version": "1.0.0",
                       "resolved": format!("{host}{n}/-/{}-1.0.0.tgz", tarball_base(n))}),
            );
            if rng.pct(30) {
                let alias = "node_modules/fuzzalias".to_string();
                packages.insert(
                    alias,
                    json!({"name": n, "version": "1.0.0",
                           "resolved": format!("{host}{n}/-/{}-1.0.0.tgz", tarball_base(n))}),
                );
            }
        }
        let lock = json!({"name": project_name, "version": "1.0.0",
                          "lockfileVersion": 3, "requires": true, "packages": packages});
        case.files.insert(
            "project/package-lock.json".into(),
            serde_json::to_string_pretty(&lock).unwrap() + "\n",
        );
    }
    // urls
    let n_urls = if rng.pct(25) { 1 + rng.below(2) } else { 0 };
    for _ in 0..n_urls {
        let base = if regs.is_empty() || rng.pct(30) {
            rng.pick(REGISTRIES).to_string()
        } else {
            rng.pick(&regs)
        };
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        let u = match rng.below(3) {
            0 => format!("{base}lodash/-/lodash-1.0.0.tgz"),
            1 => format!("{base}-/whoami"),
            _ => "https://elsewhere.example.org/x.tgz".to_string(),
        };
        case.urls.push(u);
    }
    case
}

/// Writes the case under `root`; returns the run.
fn materialise(case: &Case, root: &Path) -> WhyRun {
    let mut env = w::base_env(root);
    let expand = |s: &str| s.replace("{root}", &root.to_string_lossy());
    let mut argv = Vec::new();
    for (layer, lines) in &case.npmrc {
        let file = match *layer {
            "user" => Some(root.join("home/.npmrc")),
            "project" => Some(root.join("project/.npmrc")),
            "global" => Some(root.join("prefix/etc/npmrc")),
            "builtin" => Some(root.join("npm/npmrc")),
            _ => None,
        };
        match file {
            Some(f) => {
                let mut text = String::new();
                for (k, v) in lines {
                    let _ = writeln!(text, "{k}={}", expand(v));
                }
                fs::create_dir_all(f.parent().unwrap()).unwrap();
                fs::write(f, text).unwrap();
            }
            None if *layer == "env" => {
                for (k, v) in lines {
                    env.insert(format!("npm_config_{k}"), expand(v));
                }
            }
            None => {
                for (k, v) in lines {
                    argv.push(format!("--{k}={}", expand(v)));
                }
            }
        }
    }
    argv.extend(case.argv.iter().map(|a| expand(a)));
    for (k, v) in &case.env {
        env.insert(k.clone(), v.clone());
    }
    for (path, text) in &case.files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::create_dir_all(root.join("home")).unwrap();
    WhyRun {
        root: root.to_path_buf(),
        cwd: root.join("project"),
        env,
        specs: case.specs.clone(),
        urls: case.urls.clone(),
        argv,
    }
}

fn describe(case: &Case) -> String {
    let mut s = String::new();
    for (layer, lines) in &case.npmrc {
        for (k, v) in lines {
            let _ = writeln!(s, "    [{layer}] {k}={v}");
        }
    }
    for (k, v) in &case.env {
        let _ = writeln!(s, "    env {k}={v}");
    }
    for (p, t) in &case.files {
        if !p.starts_with("certs/") {
            let _ = writeln!(s, "    file {p}: {}", t.replace('\n', " "));
        }
    }
    let _ = writeln!(
        s,
        "    argv {:?} specs {:?} urls {:?}",
        case.argv, case.specs, case.urls
    );
    s
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn why_fuzz_matches_npm() {
    let Some(node) = w::find_node() else {
        eprintln!("SKIPPED: why_fuzz: `node` not found on PATH (not a pass)");
        return;
    };
    let Some(npm) = w::npm_root() else {
        eprintln!("SKIPPED: why_fuzz: `npm root -g`/npm not found (not a pass)");
        return;
    };
    assert!(w::binary_has_why(), "npmrc-doctor has no `why`");
    let seed = env_num("WHY_FUZZ_SEED", 1);
    let cases = env_num("WHY_FUZZ_CASES", 40);
    let only = std::env::var("WHY_FUZZ_ONLY")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let keep = std::env::var_os("WHY_FUZZ_KEEP").map(PathBuf::from);
    let todo: Vec<u64> = match only {
        Some(i) => vec![i],
        None => (0..cases).collect(),
    };
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&i) = todo.get(k) else { break };
                    let mut rng = Rng::new(seed, i);
                    let case = generate(&mut rng);
                    let tmp = tempfile::Builder::new()
                        .prefix("npmrc-why-fuzz-")
                        .tempdir()
                        .unwrap();
                    let root = tmp.path().canonicalize().unwrap();
                    let run = materialise(&case, &root);
                    let result = w::run_oracle(&node, &npm, &run).and_then(|oracle| {
                        let ours = w::run_binary(&run)?;
                        Ok(w::compare(&oracle, &ours))
                    });
                    let problem = match result {
                        Ok(d) if d.is_empty() => None,
                        Ok(d) => Some(d.join("\n    ")),
                        Err(e) => Some(e),
                    };
                    if let Some(p) = problem {
                        if let Some(dir) = &keep {
                            let dst = dir.join(format!("seed{seed}-case{i}"));
                            let _ = fs::remove_dir_all(&dst);
                            let _ = fs::create_dir_all(dir);
                            let kept = tmp.keep();
                            let _ = fs::rename(&kept, &dst);
                        }
                        failures.lock().unwrap().push((
                            i,
                            format!(
                                "WHY_FUZZ_SEED={seed} WHY_FUZZ_ONLY={i}\n{}    {p}",
                                describe(&case)
                            ),
                        ));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} generated cases differ from npm:\n{}",
        failures.len(),
        todo.len(),
        failures
            .into_iter()
            .map(|(_, f)| f)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "why_fuzz: {} cases (seed {seed}) agree with npm",
        todo.len()
    );
}
