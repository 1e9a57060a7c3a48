//! Differential tests: `npmrc::decode` against npm's own `ini.decode()` and
//! `npmrc::env_replace` against `@npmcli/config/lib/env-replace.js`, run in
//! one node process (`tests/oracle/ini.js`, JSON lines over stdin).
//!
//! Inputs: hand-written tricky cases, every file of the real-world corpus
//! (`../shared/corpus/real-world/npmrc`), and a few thousand generated ones.
//! Without node/npm the tests print `SKIPPED: …` and return.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use npmrc_doctor::npmrc::js::number_to_string;
use npmrc_doctor::npmrc::{decode, env_replace};
use npmrc_doctor::value::Value;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value as J, json};

/// `npm root -g`, or `None` (with the reason printed) when node/npm are missing.
fn npm_root() -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        println!("SKIPPED: node not found");
        return None;
    }
    match Command::new("npm").args(["root", "-g"]).output() {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        _ => {
            println!("SKIPPED: npm not found");
            None
        }
    }
}

/// Runs the oracle on all requests, one response per request.
fn oracle(root: &str, requests: &[J]) -> Vec<J> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/ini.js");
    let mut child = Command::new("node")
        .arg(script)
        .env("NPM_ROOT", root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let mut stdin = child.stdin.take().expect("stdin");
    let payload: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(payload.as_bytes()));
    let out = child.wait_with_output().expect("node output");
    writer.join().expect("writer thread").expect("write stdin");
    assert!(out.status.success(), "oracle failed");
    let text = String::from_utf8(out.stdout).expect("utf8");
    let responses: Vec<J> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(responses.len(), requests.len());
    responses
}

/// The oracle's encoding of a JS value.
fn enc(v: &Value) -> J {
    match v {
        Value::Undefined => json!({"u": 1}),
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) if *n == 0.0 && n.is_sign_negative() => json!({"n": "-0"}),
        Value::Number(n) => json!({"n": number_to_string(*n)}),
        Value::Str(s) => json!({"s": s}),
        Value::Array(items) => json!({"a": items.iter().map(enc).collect::<Vec<_>>()}),
        Value::Object(o) => {
            json!({"o": o.iter().map(|(k, v)| json!([k, enc(v)])).collect::<Vec<_>>()})
        }
        Value::Date(ms) => json!({"date": ms}),
    }
}

fn ours_decode(input: &str) -> J {
    let d = decode(input);
    let mut r = match d.error {
        Some(e) => json!({"err": e.message}),
        None => json!({"ok": enc(&Value::Object(d.value))}),
    };
    if d.prototype_pollution.is_some() {
        r["pollution"] = J::Bool(true);
    }
    r
}

/// Compares all inputs; panics listing (up to 10) mismatches.
fn check_decode(root: &str, inputs: &[(String, String)]) {
    let reqs: Vec<J> = inputs
        .iter()
        .map(|(_, i)| json!({"op": "decode", "input": i}))
        .collect();
    let theirs = oracle(root, &reqs);
    let bad: Vec<String> = inputs
        .iter()
        .zip(&theirs)
        .filter_map(|((label, input), want)| {
            let got = ours_decode(input);
            (got != *want).then(|| format!("{label}: {input:?}\n  node: {want}\n  ours: {got}"))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}

const TRICKY: &[&str] = &[
    "registry=https://registry.npmjs.org/\n",
    "; semi\n# hash\n   ; indented\nkey=v\n",
    "key=value ; trailing\nkey2=value # trailing\n",
    "key=\"a ; b # c\"\n",
    "key='single # quoted'\n",
    "key=\"a\" ; c\n",
    "key=\"a\\\"b\\tc\"\n",
    "ca[]=A\nca[]=B\n",
    "top=1\n[sec]\nkey=v\n",
    "[a.b]\nk=v\n",
    "key=first\nkey=second\n",
    "key=\n",
    "flag\n",
    "a=true\nb=false\nc=null\nd=undefined\n",
    "//npm.pkg.github.com/org/:_authToken=ghp_abc\n",
    "@myco:registry=https://npm.myco.com/\n",
    "\u{feff}registry=https://r.example/\n",
    "a=1\r\nb=2\r\n",
    "a=1\rb=2\r\r\n\nc=3",
    "_auth=dXNlcjpwYXNz==\n",
    "//r.example/:_password=cGE#c3M=\n",
    "key=a\\;b\\#c\\d\n",
    "  key  =   spaced value   \n",
    "//r.example/:_authToken=${NPM_TOKEN}\n",
    "[sec] ; note\nk=v\n",
    "=orphan\nk=v\n",
    "key=a\n  b\n",
    "key=\"abc\n",
    "\u{feff}[sec]\nk=v\n",
    "\u{feff}; c\nk=v\n",
    "a='123'\nb='{\"x\":1,\"y\":[1,2]}'\nc='[1,\"2\",null]'\n",
    "a='1e400'\nb='-0'\nc='0.1'\nd='1e21'\ne='123456789012345678901234567890'\n",
    "'1'=x\n'2.5'=y\n\"true\"=z\n'null'=n\n'[1,2]'=arr\n'{}'=obj\n",
    "a[]=1\na=2\n",
    "a=1\na[]=2\na[]=3\n",
    "[]=x\n[][]=y\n",
    "__proto__=1\nconstructor=2\ntoString=3\n",
    "[__proto__]\nx=1\n[ok]\ny=2\n",
    "[__proto__.x]\na=1\n[a.__proto__.b]\nc=2\n",
    "[a.b.c]\nx=1\n[a]\ny=2\n[a.b]\nz=3\n",
    "[a\\.b]\nx=1\n[a\\.b.c]\ny=2\n",
    "[a.b]\nx=1\n[a\\.b]\ny=2\n",
    "a=x\n[a]\nb=1\n",
    "a=\n[a]\nb=1\n",
    "a=null\n[a.b]\nx=1\n",
    "a=x\n[a.b]\nx=1\n",
    "a[]=x\n[a]\nlength=3\n5=y\nfoo=bar\n",
    "a[]=x\n[a]\nlength=abc\n",
    "a[]=x\n[a]\n0[]=y\n",
    "a.b=null\n",
    "a.b='{\"q\":1}'\n",
    "[ \"quoted\" ]\nx=1\n",
    "['1']\nx=1\n[1]\ny=2\n",
    "[a;b]\nx=1\n",
    "[a]b]\nx=1\n",
    "[]\nx=1\n",
    "[.]\nx=1\n",
    "[a.]\nx=1\n",
    "[\\.]\nx=1\n",
    " [a]\nx=1\n",
    "[a]\t \u{3000}\nx=1\n",
    "a=b\u{2028}c\nd=e\n",
    "a\u{2028}b\n",
    "a\u{2029}=b\n",
    "a=\u{85}x\u{85}\n",
    "a=\u{a0}x\u{a0}\n",
    "a=x\0y\n\0=z\n",
    "a=\"\\ud800\"\nb='\"\\udc00x\"'\nc=\"\\ud83d\\ude00\"\n",
    "a=\"\nb='\nc=''\nd=\"\"\n",
    "a='x\\ny'\nb=\"x\\ny\"\nc=\"x\\qy\"\n",
    "a=\"https://x/'\n",
    "a=trail\\\nb=\\\\\nc=\\\\\\;x\n",
    "a#b=c\nd;e=f\n",
    "  =x\n\t=y\n",
    "a=b=c\n",
    "@s:registry=https://h/npm/ //h/npm/:_authToken=abc\n",
    "x='{\"__proto__\":1,\"b\":2,\"1\":3,\"b\":4}'\n",
    "a='{}'\n[a]\n'[\"__proto__\"]'=5\nk=v\n",
    "'[\"__proto__\"]'=5\n",
    "a=${HOME}\n${KEY}=v\n",
    "\n\n\n",
    "",
    "[a]\n[b]\n[a]\nx=1\n",
    "a[]=1\n[a]\n1=z\n",
    "b=1\n2=x\n1=y\na=2\n",
    "a[]=1\n[a]\n'[\"__proto__\"]'=polluted\nx=1\n",
    "a[]=1\n[a]\nlength='{}'\n",
    "a[]=1\n[a]\nlength='[3]'\n",
];

#[test]
fn decode_matches_ini_on_tricky_and_corpus() {
    let Some(root) = npm_root() else { return };
    let mut inputs: Vec<(String, String)> = TRICKY
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("tricky#{i}"), (*s).to_string()))
        .collect();
    let corpus =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-world/npmrc");
    match std::fs::read_dir(&corpus) {
        Ok(dir) => {
            let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for f in files.into_iter().filter(|f| f.is_file()) {
                let bytes = std::fs::read(&f).expect("read corpus file");
                inputs.push((
                    f.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
        Err(_) => println!("SKIPPED: corpus {} absent", corpus.display()),
    }
    check_decode(&root, &inputs);
}

/// Fragments that exercise every branch of `decode()`.
const FRAGMENTS: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "=",
    ";",
    "#",
    "[",
    "]",
    "[]",
    "\"",
    "'",
    "\\",
    "\\.",
    ".",
    " ",
    "\t",
    "a",
    "b",
    "key",
    "x.y",
    "__proto__",
    "length",
    "0",
    "1",
    "true",
    "false",
    "null",
    "{}",
    "{\"a\":1}",
    "[1]",
    "\u{feff}",
    "\u{2028}",
    "\u{a0}",
    "\u{85}",
    "\0",
    "ü",
    "😀",
    "${X}",
    "\\u0041",
    "\\ud800",
    "1e3",
];

fn fragment_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24).prop_map(|v| v.concat()),
        "[a-c\\[\\]=;#'\"\\\\. \n\r\u{feff}\u{2028}]{0,30}",
        any::<String>(),
    ]
}

/// Deterministic samples of a strategy. `NPMRC_DIFF_SCALE=k` multiplies the
/// count and `NPMRC_DIFF_SEED=s` changes the seed, for deeper local runs.
fn samples<S: Strategy>(strategy: &S, n: usize, seed: u8) -> Vec<S::Value> {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    let n = n * var("NPMRC_DIFF_SCALE").unwrap_or(1);
    let seed =
        seed.wrapping_add(u8::try_from(var("NPMRC_DIFF_SEED").unwrap_or(0) % 256).unwrap_or(0));
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..n)
        .filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current()))
        .collect()
}

#[test]
fn decode_matches_ini_on_generated() {
    let Some(root) = npm_root() else { return };
    let inputs: Vec<(String, String)> = samples(&fragment_strategy(), 4000, 7)
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("generated#{i}"), s))
        .collect();
    check_decode(&root, &inputs);
}

/// Line-structured files: sections, dotted names, arrays, duplicates.
fn structured_strategy() -> impl Strategy<Value = String> {
    let sec = prop::sample::select(vec![
        "a",
        "a.b",
        "a\\.b",
        "a.b.c",
        "b",
        "__proto__",
        "__proto__.a",
        "a.__proto__",
        "1",
        "length",
        "",
        ".",
        "a.",
        "'1'",
        "\"x\"",
        "a.length",
    ]);
    let key = prop::sample::select(vec![
        "a",
        "b",
        "a.b",
        "a\\.b",
        "0",
        "1",
        "3",
        "length",
        "__proto__",
        "'1'",
        "c",
        "a.b.c",
        "'[\"__proto__\"]'",
    ]);
    let val = prop::sample::select(vec![
        "1", "null", "true", "false", "'{}'", "'[1]'", "x#y", "", "'2'", "\"s\"", "abc",
    ]);
    let line = prop_oneof![
        sec.prop_map(|s| format!("[{s}]")),
        (key.clone(), val.clone()).prop_map(|(k, v)| format!("{k}={v}")),
        (key.clone(), val).prop_map(|(k, v)| format!("{k}[]={v}")),
        key.prop_map(str::to_string),
    ];
    prop::collection::vec(line, 0..12).prop_map(|v| v.join("\n"))
}

#[test]
fn decode_matches_ini_on_structured() {
    let Some(root) = npm_root() else { return };
    let inputs: Vec<(String, String)> = samples(&structured_strategy(), 4000, 3)
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("structured#{i}"), s))
        .collect();
    check_decode(&root, &inputs);
}

const ENV_FRAGMENTS: &[&str] = &[
    "\\", "\\\\", "$", "{", "}", "?", "${", "X", "U", "E", "A B", "${X}", "${U?}", "${E}", " ",
    "ü", "a", "\n", ":", "-",
];

#[test]
fn env_replace_matches_npm_on_generated() {
    let Some(root) = npm_root() else { return };
    let strategy =
        prop::collection::vec(prop::sample::select(ENV_FRAGMENTS), 0..16).prop_map(|v| v.concat());
    let inputs = samples(&strategy, 3000, 11);
    let env = json!({"X": "val", "E": "", "A B": "spaced", "\\": "bs"});
    let lookup = |name: &str| env.get(name).and_then(J::as_str).map(str::to_string);
    let reqs: Vec<J> = inputs
        .iter()
        .map(|i| json!({"op": "env", "input": i, "env": env}))
        .collect();
    let theirs = oracle(&root, &reqs);
    let bad: Vec<String> = inputs
        .iter()
        .zip(&theirs)
        .filter_map(|(input, want)| {
            let got = json!({"ok": {"s": env_replace(input, &lookup).value}});
            (got != *want).then(|| format!("{input:?}\n  node: {want}\n  ours: {got}"))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}
