//! Differential tests: `npmrc_doctor::spec` against npm's own modules.
//!
//! Each test starts one node process running `tests/oracle/spec.js` (which
//! loads `semver`, `npm-package-arg` and `validate-npm-package-name` from
//! `$(npm root -g)/npm/node_modules`), sends every case as a JSON line and
//! compares node's answer with ours. Without node/npm the tests print a
//! `SKIPPED:` line and return.

// Test harness: a failed spawn or a malformed oracle line must fail loudly,
// and the counts/SKIPPED lines are meant for the test output.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use npmrc_doctor::spec::npa::{self, PackageArg};
use npmrc_doctor::spec::{name, semver};
use serde_json::{Value, json};

const WHERE: &str = "/work/proj";

// The case lists are at the end of this file.

/// The global `node_modules` of npm, or `None` (printing `SKIPPED:`).
fn npm_modules() -> Option<PathBuf> {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let root = found
        .then(|| Command::new("npm").args(["root", "-g"]).output().ok())
        .flatten()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("npm/node_modules"));
    match root {
        Some(r) if r.join("npm-package-arg").is_dir() => Some(r),
        _ => {
            println!("SKIPPED: spec differential test (node not found)");
            None
        }
    }
}

/// Sends all requests to one node process and returns its answers in order.
fn oracle(modules: &Path, requests: &[Value]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/spec.js");
    let mut child = Command::new("node")
        .arg(script)
        .arg(modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let lines: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let out: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    writer.join().unwrap().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        out.len(),
        requests.len(),
        "oracle answered a different number of lines"
    );
    out
}

fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| json!(s))
}

fn project(r: &PackageArg) -> Value {
    let hosted = r.hosted.as_ref().map_or(Value::Null, |h| {
        json!({
            "type": h.type_, "user": opt(h.user.as_deref()), "auth": opt(h.auth.as_deref()),
            "project": h.project, "committish": opt(h.committish.as_deref()),
            "default": h.default_representation,
        })
    });
    json!({
        "type": r.type_.as_str(), "registry": r.registry, "where": opt(r.where_.as_deref()),
        "raw": r.raw, "name": opt(r.name.as_deref()), "escapedName": opt(r.escaped_name.as_deref()),
        "scope": opt(r.scope.as_deref()), "rawSpec": r.raw_spec,
        "saveSpec": opt(r.save_spec.as_deref()), "fetchSpec": opt(r.fetch_spec.as_deref()),
        "gitRange": opt(r.git_range.as_deref()), "gitCommittish": opt(r.git_committish.as_deref()),
        "gitSubdir": opt(r.git_subdir.as_deref()), "hosted": hosted,
        "subSpec": r.sub_spec.as_deref().map_or(Value::Null, project),
    })
}

fn guarded(r: Result<PackageArg, npa::NpaError>) -> Value {
    match r {
        Ok(r) => json!({ "ok": project(&r) }),
        Err(e) => json!({ "error": { "code": opt(e.code), "message": e.message } }),
    }
}

/// Our answer to one oracle request.
fn answer(q: &Value) -> Value {
    let s = |k: &str| q[k].as_str().unwrap_or_default();
    let loose = q["loose"].as_bool().unwrap_or(false);
    match s("op") {
        "valid" => opt(semver::valid(s("input"), loose).as_deref()),
        "clean" => opt(semver::clean(s("input"), loose).as_deref()),
        "validRange" => opt(semver::valid_range(s("input"), loose).as_deref()),
        "satisfies" => json!(semver::satisfies(s("version"), s("range"), loose)),
        "name" => {
            let v = name::validate(s("input"));
            json!({
                "validForNewPackages": v.valid_for_new_packages,
                "validForOldPackages": v.valid_for_old_packages,
                "errors": v.errors, "warnings": v.warnings,
            })
        }
        "npa" => guarded(npa::npa(s("arg"), q["where"].as_str())),
        "resolve" => guarded(npa::resolve(
            q["name"].as_str(),
            s("spec"),
            q["where"].as_str(),
        )),
        other => panic!("unknown op {other}"),
    }
}

/// Runs the requests through node and us; fails listing every difference.
fn check(what: &str, requests: &[Value]) {
    let Some(modules) = npm_modules() else { return };
    let expected = oracle(&modules, requests);
    let mut bad = Vec::new();
    for (q, want) in requests.iter().zip(&expected) {
        let got = std::panic::catch_unwind(|| answer(q)).unwrap_or_else(|_| json!("PANIC"));
        if &got != want {
            bad.push(format!("{q}\n   node: {want}\n   ours: {got}"));
        }
    }
    println!("{what}: {} cases, {} differ", requests.len(), bad.len());
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        requests.len(),
        bad.join("\n")
    );
}

/// A tiny deterministic generator (xorshift) so the corpus is stable.
struct Rng(u64);

impl Rng {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        xs[usize::try_from(self.0 % xs.len() as u64).unwrap()]
    }
}

fn generated_ranges(n: usize) -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|_| {
            let parts = 1 + usize::from(rng.pick(&["0", "1", "1", "2"]).parse::<u8>().unwrap());
            let mut s = String::new();
            for i in 0..parts {
                if i > 0 {
                    s.push_str(rng.pick(RANGE_JOINERS));
                }
                s.push_str(rng.pick(RANGE_OPS));
                s.push_str(rng.pick(RANGE_ATOMS));
            }
            s
        })
        .collect()
}

fn generated_versions(n: usize) -> Vec<String> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..n)
        .map(|_| {
            format!(
                "{}{}{}{}",
                rng.pick(&["", "", "v", "=", " ", "v=", "V", "\t"]),
                rng.pick(RANGE_ATOMS),
                rng.pick(&[
                    "", "", "", "-beta", "-0", "-01", "+b.1", "beta", "-a.b-c", ".4", " ", "-",
                    "-x.007"
                ]),
                rng.pick(&["", "", "", "+build", "\n", "+", "-rc.1"])
            )
        })
        .collect()
}

fn semver_requests(inputs: &[String], op: &str) -> Vec<Value> {
    inputs
        .iter()
        .flat_map(|i| [false, true].map(|loose| json!({"op": op, "input": i, "loose": loose})))
        .collect()
}

#[test]
fn semver_valid_and_valid_range_match_node() {
    let mut ranges: Vec<String> = CRATES_MD_RANGES.iter().map(|s| (*s).to_string()).collect();
    ranges.extend(EXTRA_RANGES.iter().map(|s| (*s).to_string()));
    ranges.extend(generated_ranges(400));
    ranges.extend(corpus_specs());
    ranges.extend(long_inputs());
    let mut versions: Vec<String> = CRATES_MD_VERSIONS
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    versions.extend(generated_versions(250));
    // versions npm rewrites on publish (`version-rewritten`)
    versions.extend(
        [
            "2.031.10",
            "v1.0.0",
            "=1.0.0",
            "=v1.0.0",
            "v=1.0.0",
            " 1.0.0 ",
            "1.0.0+build.1",
            "1.0.0-beta.01",
            "vv1.2.3",
            "01.2.3",
        ]
        .map(str::to_string),
    );
    versions.extend(ranges.iter().cloned());
    let mut reqs = semver_requests(&ranges, "validRange");
    reqs.extend(semver_requests(&versions, "valid"));
    reqs.extend(semver_requests(&versions, "clean"));
    check("semver valid/validRange/clean", &reqs);
}

#[test]
fn semver_satisfies_matches_node() {
    let mut ranges: Vec<String> = CRATES_MD_RANGES.iter().map(|s| (*s).to_string()).collect();
    ranges.extend(EXTRA_RANGES.iter().map(|s| (*s).to_string()));
    ranges.extend(generated_ranges(400));
    let reqs: Vec<Value> = ranges
        .iter()
        .filter(|r| semver::valid_range(r, true).is_some())
        .flat_map(|r| {
            PROBES
                .iter()
                .map(move |v| json!({"op": "satisfies", "version": v, "range": r, "loose": true}))
        })
        .collect();
    check("semver satisfies", &reqs);
}

/// Inputs around the 256-character / 256-digit / 250-character limits.
fn long_inputs() -> Vec<String> {
    let d = |n: usize| "1".repeat(n);
    vec![
        format!("{}.0.0", d(256)),
        format!("{}.0.0", d(257)),
        format!("^{}.0.0", d(256)),
        format!("1.2.3-{}", "a".repeat(250)),
        format!("1.2.3-{}", "a".repeat(251)),
        format!("1.2.3+{}", "b".repeat(251)),
        format!("1.2.{}", "0".repeat(250)),
        format!(" {}1.2.3", "v".repeat(260)),
        vec!["^1.2.3"; 60].join(" || "),
        vec![">=1.2.3 <2"; 40].join(" "),
        format!("1.2.3 {}- 2", " ".repeat(10)),
    ]
}

/// `(name, spec)` of every dependency in the real-world package.json corpus.
fn corpus_deps() -> Vec<(String, String)> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-world/package-json");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "SKIPPED: real-world package.json corpus ({} absent)",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let Ok(json) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else {
            continue;
        };
        for key in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            for (name, spec) in json[key].as_object().into_iter().flatten() {
                if let Some(spec) = spec.as_str() {
                    out.push((name.clone(), spec.to_string()));
                }
            }
        }
    }
    out
}

fn corpus_specs() -> Vec<String> {
    corpus_deps().into_iter().map(|(_, s)| s).collect()
}

#[test]
fn npa_matches_node() {
    let deps = corpus_deps();
    let mut reqs: Vec<Value> = deps
        .iter()
        .map(|(n, s)| json!({"op": "resolve", "name": n, "spec": s, "where": WHERE}))
        .collect();
    reqs.extend(
        deps.iter()
            .map(|(n, s)| json!({"op": "npa", "arg": format!("{n}@{s}"), "where": WHERE})),
    );
    reqs.extend(
        NPA_ARGS
            .iter()
            .map(|a| json!({"op": "npa", "arg": a, "where": WHERE})),
    );
    reqs.extend(
        NPA_ARGS
            .iter()
            .map(|a| json!({"op": "resolve", "name": "x", "spec": a, "where": WHERE})),
    );
    println!(
        "npa: {} corpus deps, {} hand-written args",
        deps.len(),
        NPA_ARGS.len()
    );
    check("npm-package-arg", &reqs);
}

#[test]
fn package_names_match_node() {
    let mut names: Vec<String> = NAMES.iter().map(|s| (*s).to_string()).collect();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    while names.len() < 300 {
        names.push(format!(
            "{}{}{}{}",
            rng.pick(&[
                "", "", "@", "@scope/", "@Scope/", " ", ".", "_", "-", "@a b/"
            ]),
            rng.pick(NAME_PARTS),
            rng.pick(&[
                "", "", "/", "/x", "!", "~", "(1)", " ", "%20", "é", "*", "/.", "\u{feff}"
            ]),
            rng.pick(&["", "", "", "A", ".js", "-pkg", "\u{3000}"]),
        ));
    }
    names.push("a".repeat(214));
    names.push("a".repeat(215));
    names.push(format!("@s/{}", "b".repeat(212)));
    let reqs: Vec<Value> = names
        .iter()
        .map(|n| json!({"op": "name", "input": n}))
        .collect();
    check("validate-npm-package-name", &reqs);
}
/// The 82 tricky ranges of crates.md §2.
const CRATES_MD_RANGES: &[&str] = &[
    "*",
    "latest",
    "^0.0.1",
    "1.0.0 - 2.x",
    "||",
    "x",
    "",
    ">=1.2.3 <2",
    "^0.0.x",
    "~1",
    "v1.2.3",
    "=1.2.3",
    " 1.2.3 ",
    "1.2.3-beta.1",
    "^1.2.3.4",
    ">>1",
    "1.2.3 ||| 2",
    "npm:foo@^1",
    "file:../x",
    "github:user/repo#semver:^1",
    "workspace:*",
    ">=1.2.3, <2",
    ">=1.2.3,<2",
    "^1.2",
    "1.2",
    "~> 1.2",
    ">= 1.2.3",
    "> = 1.2.3",
    "1.2.3 - 2.3.4",
    "1.2 - 2",
    "<=1.2.3",
    "!=1.2.3",
    "^01.2.3",
    "1.2.3+build",
    "^1.2.3+build",
    "~v1.2",
    "=v1.2.3",
    "X",
    "1.X",
    "1.*",
    "1.2.*",
    "^*",
    "~*",
    ">=*",
    "^1.x || >=2.5.0 || 5.0.0 - 7.2.3",
    "1.2.3 2.3.4",
    "<1.0.0-0",
    "^1.2.3-beta",
    "http://example.com/foo.tgz",
    "git+https://github.com/a/b.git",
    "user/repo",
    "1.2.3-01",
    ">1.2.3 <1.0.0",
    "^1.2.3 || ",
    " || ^1",
    "a.b.c",
    "1.2.3.4",
    "9007199254740992.0.0",
    "^18446744073709551616.0.0",
    "~1.2.3-beta.2",
    "1.2.3 - ",
    "- 1.2.3",
    "~>1",
    "=>1",
    "<>1",
    "1 - 2 - 3",
    ">=1.2.3 <2.0.0 || >=3",
    "^1.2.3beta",
    "~1.2.3beta",
    ">01.02.03",
    "1.2.3-beta.1 - 2",
    ">=1.0.0-rc.1 <1.0.0",
    "^v1.2.3",
    "~=1.2.3",
    "<=>1",
    "*.*.*",
    "^x",
    "x.x.x",
    "1.x.3",
    "^1.2.3-",
    ">=1.2.3 || invalid",
    "invalid || >=1.2.3",
];

/// The 50 tricky versions of crates.md §2.
const CRATES_MD_VERSIONS: &[&str] = &[
    "1.2.3",
    "v1.2.3",
    "=1.2.3",
    " 1.2.3 ",
    "1.2.3-beta.1",
    "1.2.3+build.5",
    "1.2.3-01",
    "01.2.3",
    "1.2",
    "1",
    "1.2.3.4",
    "1.2.3-",
    "1.2.3-beta..1",
    "1.2.3-alpha-1",
    "1.2.3-ALPHA",
    "9007199254740991.0.0",
    "9007199254740992.0.0",
    "18446744073709551615.0.0",
    "18446744073709551616.0.0",
    "1.2.3-0",
    "1.2.3-0a",
    "1.2.3-00",
    "V1.2.3",
    "v 1.2.3",
    "=v1.2.3",
    "1.2.3-beta+exp.sha.5114f85",
    "1.2.3+",
    "1.2.3+a+b",
    "0.0.0",
    "1.2.3-alpha.01",
    "latest",
    "",
    "1.2.3-\u{3b1}\u{3b2}",
    "1.2.3beta",
    "1.2.3-beta_1",
    "1.02.3",
    "1.2.x",
    "1.2.3-rc.1.0",
    "1.2.3 ",
    "\t1.2.3",
    "1.2.3\n",
    "= 1.2.3",
    "v=1.2.3",
    "1.2.3-beta.01",
    "1.2.3+build.01",
    "^1.2.3",
    "1.2.3-9007199254740992",
    "1.2.3-a.b.c.d.e.f.g",
    "1.-2.3",
    "1.2.-3",
];

/// More hand-written ranges: whitespace, huge numbers, odd operators.
const EXTRA_RANGES: &[&str] = &[
    "1 - 99999999999999999999999",
    "^99999999999999999999999.0.0",
    ">9007199254740991.x",
    ">=9007199254740991.0.0",
    "<=1.x",
    "<=1.2.x",
    ">1.2",
    ">1",
    "<1.x",
    "=1.x",
    "<*",
    ">*",
    "<=*",
    ">x.1",
    "^00.1.2",
    "~00.1.2",
    "^0.0.0",
    "^0.0.0-0",
    ">=0.0.0",
    ">= 0.0.0",
    ">=0.0.0-0",
    "1.2.3\u{3000}||\u{feff}2",
    "1.2.3\u{85}",
    "  >  1.2.3   <   2  ",
    "~ 1.2.3",
    "^ 1.2.3",
    "~>  1.2",
    "1.2.3 - 2.3.4 - 3",
    "1.2 - 3.4.5-rc.1",
    "1.2.3-pre+build - 2.0.0+build",
    "v1.2.3 - v2",
    "=1.2.3 - =2",
    "1.2.3 -2",
    "1.2.3- 2",
    "a+b",
    "1+2",
    "^1.2.3+build.1.2",
    "<0.0.0-0",
    "<0.0.0-0 || 1",
    "<0.0.0-0 || <0.0.0-0",
    "* || 1.2.3",
    "1.2.3 || *",
    "x || <0.0.0-0",
    "1.2.3 1.2.3",
    ">=1 >=1",
    "* 1.2.3",
    "1.2.3-beta.9007199254740993",
    "^1.2.3-01",
    "~1.2.3-00.a",
    "<=1.2.3-beta",
    "1.2.3-",
    "===1.2.3",
    "=>1.2.3",
    "!1.2.3",
    "^^1",
    "~~1",
    "~^1",
    "^~1",
    ">=^1",
    "1.2.3.",
    ".1.2.3",
    "1..2",
    "latest || 1",
    "next",
    "|| || ||",
    "|",
    "1 | 2",
];

const RANGE_OPS: &[&str] = &[
    "", "", "", "^", "^", "~", "~>", ">", ">=", "<", "<=", "=", "> ", ">= ", "^ ", "~ ", "!", "==",
    "<>", "v", "=v",
];

const RANGE_ATOMS: &[&str] = &[
    "1",
    "1.2",
    "1.2.3",
    "0.0.1",
    "0.1.2",
    "0.0.0",
    "01.2.3",
    "1.02.3",
    "1.x",
    "1.2.x",
    "1.X.x",
    "x",
    "X",
    "*",
    "1.2.*",
    "1.2.3-beta.1",
    "1.2.3-0",
    "2.0.0-rc.1+b",
    "1.2.3-alpha.01",
    "9007199254740991.0.0",
    "9007199254740992.0.0",
    "99999999999999999999999",
    "1.2.3beta",
    "x.1",
    "1.x.3",
    "",
    "a",
    "1.2.3.4",
    "2",
    "10.20.30",
    "0.0.x",
    "0.x",
    "3.4.5-a-b.c",
    "1.2.3-αβ",
];

const RANGE_JOINERS: &[&str] = &[
    " ", "  ", " || ", "||", " - ", "-", ", ", "\t", " |||  ", "\u{a0}", " ||  || ",
];

/// Versions probed with `satisfies` against every loosely valid range.
const PROBES: &[&str] = &[
    "0.0.0",
    "0.0.1",
    "0.0.2-0",
    "0.1.2",
    "1.0.0",
    "1.2.2",
    "1.2.3",
    "1.2.3-beta.1",
    "1.2.3-beta.2",
    "1.2.4-alpha",
    "1.3.0",
    "2.0.0-0",
    "2.0.0",
    "2.3.4",
    "3.0.0",
    "10.20.30",
    "1.2.3-0",
    "v1.2.3",
    "=1.2.3",
    "01.2.3",
    "",
];

/// Hand-written `npa()` arguments: every spec type and every error.
const NPA_ARGS: &[&str] = &[
    // registry: names, tags, versions, ranges
    "foo",
    "foo@",
    "foo@latest",
    "foo@next",
    "foo@1.2.3",
    "foo@v1.2.3",
    "foo@=1.2.3",
    "foo@ 1.2.3 ",
    "foo@^1.2.3",
    "foo@~1.2",
    "foo@1.x",
    "foo@*",
    "foo@>=1.2.3 <2",
    "foo@1.2.3 - 2",
    "foo@^1 || ^2",
    "foo@>=1.2.3, <2",
    "foo@~>1.2",
    "foo@1.2.3-beta.1",
    "foo@01.2.3",
    "@scope/pkg",
    "@scope/pkg@1.0.0",
    "@scope/pkg@beta",
    "@Scope/Pkg@1",
    "Foo@1",
    "http",
    "http@1",
    "node_modules@1",
    "favicon.ico",
    "_foo@1",
    ".foo@1",
    "-foo@1",
    " foo@1",
    "foo bar",
    "foo@not a tag!",
    "foo@>>1",
    "foo@^1.2.3.4",
    "foo@<>1",
    "foo@tag%20x",
    "foo@tag/x",
    "foo@1.2.3 ",
    "@scope@1",
    "@scope",
    "@/x",
    "@a/b/c@1",
    "latest",
    "1.2.3",
    "^1.2.3",
    "foo@@1",
    "foo@x@y",
    "a\u{e9}@1",
    "caf\u{e9}",
    "foo(1)@1",
    // aliases
    "a@npm:b",
    "a@npm:b@^1",
    "a@npm:@s/p@^1",
    "a@NPM:b@1",
    "@x/a@npm:b@latest",
    "a@npm:b@npm:c@1",
    "a@npm:github:u/r",
    "a@npm:../dir",
    "a@npm:@s/p@file:x",
    "a@npm:",
    "a@npm:^1",
    "a@npm:@/x",
    "a@npm:b@not a tag!",
    "npm:foo@1",
    // hosted git
    "user/repo",
    "user/repo#v1.0.0",
    "user/repo#semver:^1.2",
    "user/repo#semver:%5E1",
    "user/repo#path:sub/dir",
    "user/repo#semver:^1::path:pkgs/a",
    "user/repo#a::b",
    "user/repo#semver:1::semver:2",
    "user/repo#a::semver:1",
    "user/repo#semver:1::a",
    "user/repo#path:a::path:b",
    "user/repo#foo:bar",
    "user/repo#semver:%E0%A4%A",
    "foo@user/repo",
    "foo@github:user/repo",
    "foo@github:user/repo#semver:^1",
    "github:user/repo.git",
    "github:repo",
    "GitHub:user/repo",
    "gitlab:grp/sub/proj#main",
    "bitbucket:team/repo",
    "gist:abc123",
    "gist:user/abc123#sha",
    "sourcehut:~user/repo",
    "git+https://github.com/u/r.git",
    "git+https://github.com/u/r.git#v1",
    "https://github.com/u/r",
    "https://github.com/u/r.git",
    "https://www.github.com/u/r/tree/main",
    "https://github.com/u/r/tree",
    "https://github.com/u/r/blob/main",
    "http://github.com/u/r",
    "git://github.com/u/r.git#x",
    "git+ssh://git@github.com/u/r.git#semver:^2",
    "git+ssh://git@github.com:u/r.git",
    "git@github.com:u/r.git",
    "git@gitlab.com:grp/proj.git#dev",
    "ssh://git@bitbucket.org/team/r.git",
    "https://user:pass@github.com/u/r.git",
    "git+https://tok@github.com/u/r.git",
    "https://gitlab.com/g/p/-/archive.tar.gz",
    "https://bitbucket.org/t/r/get/x.tar.gz",
    "https://git.sr.ht/~u/r",
    "git+https://gist.github.com/abc.git",
    "https://github.com/u/r%ZZ",
    "git://constructor/x",
    "git://toString/x",
    // other git URLs
    "git+ssh://git@example.com:team/repo.git#v1",
    "git+ssh://git@example.com:1234/repo.git",
    "git+ssh://example.com/r.git",
    "git://example.com/r.git#abc",
    "git+https://example.com/r.git#semver:~1",
    "git+file:///tmp/repo.git",
    "git+file://c:/repo",
    "git+http://example.com/r",
    "git+rsync://example.com/r",
    "git+ftp://example.com/r",
    "git@example.com:r.git",
    "user@example.com:r.git#x",
    // remote
    "https://example.com/pkg.tgz",
    "http://example.com/pkg-1.0.0.tar.gz",
    "foo@https://example.com/x.tgz",
    "https://",
    "http://[::1",
    "HTTPS://EXAMPLE.COM/A.TGZ",
    // unsupported protocols
    "foo@workspace:*",
    "foo@workspace:^",
    "foo@workspace:../bar",
    "foo@catalog:",
    "foo@catalog:react18",
    "foo@link:../bar",
    "foo@portal:../bar",
    "foo@patch:foo@1#x.patch",
    "foo@ftp://x.com/a.tgz",
    "foo@jsr:@std/x",
    "foo@data:text/plain,x",
    "foo@mailto:a@b.c",
    "c:foo",
    // files and directories
    "./dir",
    "../dir",
    "../dir/",
    ".",
    "..",
    "/abs/dir",
    "~/dir",
    "~",
    "~user/dir",
    "./pkg.tgz",
    "pkg.tgz",
    "pkg.tar.gz",
    "pkg.TAR",
    "dir/sub",
    "foo@./dir",
    "foo@../x/y.tgz",
    "foo@file:../x",
    "foo@file:./x",
    "foo@file:x",
    "foo@file:/abs",
    "foo@file://abs",
    "foo@file:///abs",
    "foo@file:////abs",
    "foo@file:/../x",
    "foo@file:///../x",
    "foo@file:~/x",
    "foo@file:~",
    "foo@FILE:../x",
    "foo@file:x y#z?",
    "foo@file:a%20b",
    "foo@file:a\\b",
    "foo@file://[bad",
    "foo@file:C:/x",
    "foo@C:\\x",
    "foo@x:1",
    "foo@/abs/pkg.tgz",
    "file:../rel",
    "file:",
    "",
];

/// Hand-written package names.
const NAMES: &[&str] = &[
    "",
    "a",
    "foo",
    "foo-bar",
    "foo_bar",
    "foo.bar",
    "Foo",
    "FOO",
    ".foo",
    "-foo",
    "_foo",
    " foo",
    "foo ",
    "\u{feff}foo",
    "foo\u{85}",
    "node_modules",
    "NODE_MODULES",
    "favicon.ico",
    "Favicon.ICO",
    "http",
    "HTTP",
    "fs",
    "fs/promises",
    "node:test",
    "node:fs",
    "_http_agent",
    "@scope/foo",
    "@scope/.foo",
    "@scope/_foo",
    "@scope/-foo",
    "@scope/Foo",
    "@Scope/foo",
    "@scope/foo bar",
    "@scope/foo/bar",
    "@/foo",
    "@scope",
    "@scope/",
    "@",
    "foo/bar",
    "foo%20bar",
    "foo bar",
    "caf\u{e9}",
    "\u{1f600}",
    "foo!",
    "foo~",
    "foo'",
    "foo(1)",
    "foo*",
    "@s/foo!",
    "@s!/foo",
    "@s~x/foo",
    "a/b!",
    "foo@1",
    "foo#x",
    "foo?x",
    "foo:bar",
    "@scope/http",
    "@scope:x/y",
    "\u{130}nstanbul",
    "\u{3a3}",
    "..",
    ".",
    "a.",
    "a-",
    "a_",
    "0",
    "123",
];

const NAME_PARTS: &[&str] = &[
    "foo",
    "Foo",
    "http",
    "fs",
    "node_modules",
    "favicon.ico",
    "a.b",
    "x-y_z",
    "",
    "caf\u{e9}",
    "UPPER",
    "with space",
    "semi;colon",
    "pct%",
    "tilde~",
    "bang!",
    "star*",
    "q'uote",
];
