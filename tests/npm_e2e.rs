//! End to end: the real `npm` CLI (view, install, ci, publish, whoami)
//! against a recording registry on loopback addresses
//! (`tests/e2e/registry.js`: two hosts, a second port, an HTTPS host that
//! asks for a client certificate), compared request by request with what
//! `npmrc-doctor why --format json` predicts: the URL, the credential's
//! kind and sha256, the client certificate, and every abort (npm's error
//! code or message). Scenarios are in `tests/e2e/scenarios.rs`.
//!
//! Without node or npm the test prints `SKIPPED: …` and passes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod e2e {
    pub mod scenarios;
}

use e2e::scenarios::{Cmd, SCENARIOS, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_npmrc-doctor");

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The registry process; killed when dropped.
struct Registry {
    child: std::process::Child,
    origins: BTreeMap<String, String>,
    log: PathBuf,
    seen: usize,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    fn start(state: &Path) -> Registry {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new("node")
            .arg(repo.join("tests/e2e/registry.js"))
            .arg(state)
            .arg(repo.join("tests/e2e/certs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let origins: BTreeMap<String, String> =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("registry: {e}: {line}"));
        Registry {
            child,
            origins,
            log: state.join("requests.jsonl"),
            seen: 0,
        }
    }

    /// The requests recorded since the last call.
    fn take(&mut self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let out = lines[self.seen.min(lines.len())..]
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        self.seen = lines.len();
        out
    }

    /// `{A}` → origin, `{a}` → `//host:port`, `{CERT}`/`{KEY}`, `{ROOT}`.
    fn expand(&self, text: &str, root: &Path) -> String {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let certs = repo.join("tests/e2e/certs");
        let mut s = text.to_string();
        for (name, origin) in &self.origins {
            let up = name.to_uppercase();
            let nerf = origin.split_once(':').map_or("", |(_, r)| r);
            let host = nerf.trim_start_matches('/');
            s = s.replace(&format!("{{{up}}}"), origin);
            s = s.replace(&format!("{{{name}}}"), nerf);
            s = s.replace(&format!("{{{name}_host}}"), host);
        }
        s.replace("{CERT}", &certs.join("client.pem").display().to_string())
            .replace("{KEY}", &certs.join("client.key").display().to_string())
            .replace("{CERTDIR}", &certs.display().to_string())
            .replace("{ROOT}", &root.display().to_string())
    }
}

/// Flags given to npm and, after `--`, to `why` (`--no-audit` except for
/// the audit scenarios).
fn flags(cmd: Cmd) -> Vec<&'static str> {
    let mut f = vec![
        "--no-fund",
        "--no-update-notifier",
        "--fetch-retries=0",
        "--strict-ssl=false",
    ];
    if !matches!(cmd, Cmd::InstallAudit | Cmd::CiAudit) {
        f.push("--no-audit");
    }
    f
}

struct Outcome {
    status: i32,
    /// `npm error code X` / the first `npm error` line.
    code: Option<String>,
    text: String,
}

fn run_npm(s: &Scenario, reg: &Registry, root: &Path, env: &BTreeMap<String, String>) -> Outcome {
    let mut cmd = Command::new("npm");
    cmd.env_clear()
        .envs(env)
        .current_dir(root.join("project"))
        .args(s.cmd.argv())
        .args(s.args.iter().map(|a| reg.expand(a, root)))
        .args(flags(s.cmd))
        .stdin(Stdio::null());
    let out = cmd.output().expect("npm runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let code = text
        .lines()
        .find_map(|l| l.strip_prefix("npm error code "))
        .map(|c| c.trim().to_string());
    Outcome {
        status: out.status.code().unwrap_or(-1),
        code,
        text,
    }
}

fn run_why(s: &Scenario, reg: &Registry, root: &Path, env: &BTreeMap<String, String>) -> Value {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .envs(env)
        .current_dir(root.join("project"))
        .args(["why", "--format", "json"]);
    match s.cmd {
        Cmd::View | Cmd::Install => {
            cmd.args(s.args.iter().map(|a| reg.expand(a, root)));
        }
        Cmd::Publish => {
            cmd.arg("--publish");
        }
        Cmd::Ci | Cmd::Whoami | Cmd::InstallAudit | Cmd::CiAudit => {}
    }
    cmd.arg("--").args(flags(s.cmd));
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: why output is not JSON ({e}): {}{}",
            s.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A request as compared: `METHOD URL kind[:sha] [cert]`.
fn recorded(r: &Value) -> String {
    let a = &r["auth"];
    let kind = a["kind"].as_str().unwrap_or("?");
    let cred = match kind {
        "token" => format!("token:{}", a["sha"].as_str().unwrap_or("")),
        "basic" => format!("basic:{}", a["sha"].as_str().unwrap_or("")),
        k => k.to_string(),
    };
    let cert = if r["cert"].is_string() { " +cert" } else { "" };
    let names = r["names"]
        .as_array()
        .map(|n| format!(" names={}", Value::Array(n.clone())))
        .unwrap_or_default();
    format!(
        "{} {} {cred}{cert}{names}",
        r["method"].as_str().unwrap_or(""),
        r["url"].as_str().unwrap_or("")
    )
}

/// The sha256 prefix of a masked value (`… sha256:1f2e3d4c)`), or of the
/// value itself when `why` shows it as written (a bare `${VAR}`).
fn value_sha(v: &Value) -> String {
    let s = v.as_str().unwrap_or("");
    match s.find("sha256:") {
        Some(i) => s[i + 7..].chars().take(8).collect(),
        None => npmrc_doctor::secret::fingerprint(s),
    }
}

/// A predicted request in the same form.
fn predicted(r: &Value) -> String {
    let a = &r["auth"];
    let kind = a["kind"].as_str().unwrap_or("none");
    // the masked header: `Bearer <mask>`; the fingerprint is of the part
    // after the scheme, like the registry's
    let header = a["header"].as_str().and_then(|h| h.split_once(' '));
    let cred = match (kind, header) {
        ("token" | "basic", Some((_, masked))) => {
            format!("{kind}:{}", value_sha(&Value::String(masked.to_string())))
        }
        ("token" | "basic", None) => format!("{kind}:?"),
        _ => "none".to_string(),
    };
    let cert = if a["cert"] == true { " +cert" } else { "" };
    // user:password@ goes out as a header, not in the request line
    let url = r["url"].as_str().unwrap_or("");
    let url = url::Url::parse(url).map_or_else(
        |_| url.to_string(),
        |mut u| {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        },
    );
    format!(
        "{} {url} {cred}{cert}",
        r["method"].as_str().unwrap_or("GET")
    )
}

/// The requests npm sends according to `why`, and the error it stops with.
fn expected(s: &Scenario, why: &Value) -> (Vec<String>, Option<Value>) {
    let mut reqs = Vec::new();
    let mut err = None;
    let pkgs = why["packages"].as_array().cloned().unwrap_or_default();
    if !why["validation"]["error"].is_null() {
        return (reqs, Some(why["validation"]["error"].clone()));
    }
    let push = |r: &Value, reqs: &mut Vec<String>, err: &mut Option<Value>| {
        if r["error"].is_null() && r["url"].is_null() {
            // no such request (a URL spec has no packument)
        } else if r["error"].is_null() {
            reqs.push(predicted(r));
        } else if err.is_none() {
            *err = Some(r["error"].clone());
        }
    };
    match s.cmd {
        Cmd::View => {
            for p in &pkgs {
                push(&p["packument"], &mut reqs, &mut err);
            }
        }
        Cmd::Install => {
            for p in &pkgs {
                if p["packument"]["error"].is_null() {
                    push(&p["packument"], &mut reqs, &mut err);
                    push(&p["tarball"], &mut reqs, &mut err);
                    if p["tarball"]["fetched_twice"] == true {
                        push(&p["tarball"], &mut reqs, &mut err);
                    }
                } else {
                    push(&p["packument"], &mut reqs, &mut err);
                }
            }
        }
        Cmd::Ci | Cmd::CiAudit => {
            for p in pkgs.iter().filter(|p| p["source"] == "dependency") {
                push(&p["tarball"], &mut reqs, &mut err);
            }
        }
        Cmd::InstallAudit => {
            for p in pkgs.iter().filter(|p| p["source"] == "dependency") {
                push(&p["packument"], &mut reqs, &mut err);
                push(&p["tarball"], &mut reqs, &mut err);
            }
        }
        Cmd::Publish => {
            let pb = &pkgs[0]["publish"];
            let vc = &pb["version_check"];
            if vc.is_object() {
                reqs.push(predicted(vc));
                // the registry answers 404 for `pub-*`: pacote asks again
                // for the full document
                if vc["url"]
                    .as_str()
                    .is_some_and(|u| u.contains("/pub-") || u.contains("%2fpub-"))
                {
                    reqs.push(predicted(vc));
                }
            }
            if pb["put_sent"] == true {
                let put =
                    serde_json::json!({"method": "PUT", "url": pb["url"], "auth": pb["auth"]});
                reqs.push(predicted(&put));
            }
            if !pb["error"].is_null() {
                err = Some(pb["error"].clone());
            }
        }
        Cmd::Whoami => {
            let w = &why["whoami"];
            if w["request"].is_object() {
                push(&w["request"], &mut reqs, &mut err);
            }
            if !w["error"].is_null() {
                err = Some(w["error"].clone());
            }
        }
    }
    if matches!(s.cmd, Cmd::InstallAudit | Cmd::CiAudit) && why["audit"].is_object() {
        let a = &why["audit"];
        let names = Value::Array(a["names"].as_array().cloned().unwrap_or_default());
        reqs.push(format!("{} names={names}", predicted(&a["request"])));
    }
    (reqs, err)
}

fn check(s: &Scenario, reg: &mut Registry, base: &Path) -> Result<usize, String> {
    let root = base.join(s.name);
    for (rel, text) in s.files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        // `@cert:NAME`: a copy of tests/e2e/certs/NAME
        let body = match text.strip_prefix("@cert:") {
            Some(name) => std::fs::read_to_string(
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/e2e/certs")
                    .join(name),
            )
            .unwrap(),
            None => reg.expand(text, &root),
        };
        std::fs::write(&p, body).unwrap();
    }
    if !s
        .files
        .iter()
        .any(|(rel, _)| *rel == "project/package.json")
    {
        std::fs::create_dir_all(root.join("project")).unwrap();
        std::fs::write(
            root.join("project/package.json"),
            "{\"name\":\"app\",\"version\":\"1.0.0\"}\n",
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("home")).unwrap();
    let mut env = BTreeMap::new();
    env.insert("PATH".into(), std::env::var("PATH").unwrap_or_default());
    env.insert("HOME".into(), root.join("home").display().to_string());
    env.insert("PREFIX".into(), root.join("prefix").display().to_string());
    env.insert(
        "npm_config_cache".into(),
        root.join("cache").display().to_string(),
    );
    for (k, v) in s.env {
        env.insert((*k).to_string(), reg.expand(v, &root));
    }
    reg.take();
    let npm = run_npm(s, reg, &root, &env);
    let mut sent: Vec<String> = reg.take().iter().map(recorded).collect();
    let why = run_why(s, reg, &root, &env);
    let (mut want, err) = expected(s, &why);
    sent.sort();
    want.sort();
    let mut problems = Vec::new();
    if sent != want {
        problems.push(format!(
            "requests differ\n    npm sent:      {sent:#?}\n    why predicts:  {want:#?}"
        ));
    }
    match &err {
        Some(e) => {
            let code = e["code"].as_str();
            let message = e["message"].as_str().unwrap_or("");
            let agrees = npm.status != 0
                && match (code, &npm.code) {
                    (Some(c), Some(n)) => c == n,
                    // no code: npm prints the message (why masks the
                    // secret in it); its last words must agree
                    _ => {
                        let words: Vec<&str> = message.split_whitespace().collect();
                        let tail = words[words.len().saturating_sub(5)..].join(" ");
                        npm.text.contains(&tail)
                    }
                };
            if !agrees {
                problems.push(format!(
                    "why predicts {} {message:?}; npm exit {} code {:?}",
                    code.unwrap_or("-"),
                    npm.status,
                    npm.code
                ));
            }
        }
        None if npm.status != 0 => problems.push(format!(
            "npm failed (exit {}, code {:?}) but why predicts no error",
            npm.status, npm.code
        )),
        None => {}
    }
    if std::env::var_os("E2E_SHOW").is_some() {
        #[allow(clippy::print_stdout)]
        {
            println!("{}: npm sent {sent:?}", s.name);
        }
    }
    if problems.is_empty() {
        Ok(sent.len())
    } else {
        Err(format!(
            "{} ({}): {}\n  npm output:\n{}",
            s.name,
            s.about,
            problems.join("\n  "),
            npm.text
                .lines()
                .filter(|l| l.contains("error"))
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

#[test]
fn real_npm_sends_what_why_predicts() {
    if on_path("node").is_none() || on_path("npm").is_none() {
        println!("SKIPPED: node or npm not found on PATH; the end-to-end test needs the real npm");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let only = std::env::var("E2E_ONLY").ok();
    // two workers, each with its own registry (its requests are its own)
    const WORKERS: usize = 2;
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|w| {
                let base = &base;
                let only = only.as_deref();
                sc.spawn(move || {
                    let state = base.join(format!("registry-{w}"));
                    std::fs::create_dir_all(&state).unwrap();
                    let mut reg = Registry::start(&state);
                    let (mut ran, mut requests, mut failures) = (0, 0, Vec::new());
                    let mine = SCENARIOS
                        .iter()
                        .filter(|s| only.is_none_or(|o| s.name.contains(o)))
                        .enumerate()
                        .filter(|(i, _)| i % WORKERS == w);
                    for (_, s) in mine {
                        ran += 1;
                        match check(s, &mut reg, base) {
                            Ok(n) => requests += n,
                            Err(e) => failures.push(e),
                        }
                    }
                    (ran, requests, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ran: usize = results.iter().map(|r| r.0).sum();
    let requests: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    println!(
        "npm e2e: {ran} scenarios, {requests} requests compared, {} disagreements",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} scenarios disagree:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
