//! Every input shape costs linear work: for each shape that once grew
//! quadratically (many dependencies or duplicate keys in one package.json,
//! many credential lines, registries or unknown keys in one `.npmrc`, many
//! `${}` references on one line, many workspaces, many findings rendered
//! from one file, a `why --url` with many path segments, a `why --log` with
//! many failures), the run on a 10× input must cost at most about 12× the
//! run on the 1× input.
//!
//! Cost is counted, not timed against a threshold: the number of heap
//! allocations and of bytes allocated (a counting global allocator,
//! deterministic), and the CPU time the process spent (from
//! `/proc/self/task/*/schedstat`, best of three), compared as a generous
//! ratio: a quadratic shape costs about 100× on a 10× input, a linear one
//! about 10×.

#![allow(clippy::print_stderr)]

use clap::Parser;
use npmrc_doctor::cli::check_cmd::{CheckArgs, run_check};
use npmrc_doctor::cli::why_cmd::{self, WhyArgs};
use npmrc_doctor::env::Env;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;
use std::path::Path;
use std::sync::Mutex;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// One measurement at a time: the counters are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

#[derive(Debug, Clone, Copy)]
struct Cost {
    allocs: u64,
    bytes: u64,
    /// CPU nanoseconds (None where /proc is not there).
    cpu: Option<u64>,
}

/// CPU time of every thread of this process so far.
fn cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

fn measure(f: &dyn Fn()) -> Cost {
    f(); // warm-up: lazy statics, caches of the file system
    let mut best: Option<Cost> = None;
    for _ in 0..3 {
        let (s0, c0) = (GLOBAL.stats(), cpu_ns());
        f();
        let (s1, c1) = (GLOBAL.stats(), cpu_ns());
        let cost = Cost {
            allocs: (s1.allocations + s1.reallocations)
                .saturating_sub(s0.allocations + s0.reallocations) as u64,
            bytes: s1.bytes_allocated.saturating_sub(s0.bytes_allocated) as u64,
            cpu: c0.zip(c1).map(|(a, b)| b.saturating_sub(a)),
        };
        best = Some(match best {
            None => cost,
            Some(b) => Cost {
                allocs: b.allocs.min(cost.allocs),
                bytes: b.bytes.min(cost.bytes),
                cpu: b.cpu.zip(cost.cpu).map(|(x, y)| x.min(y)),
            },
        });
    }
    best.unwrap_or(Cost {
        allocs: 0,
        bytes: 0,
        cpu: None,
    })
}

/// Asserts that `run(10 * n)` costs at most about 12× `run(n)` (allocation
/// counts and bytes: 12×; CPU time, noisier: 20×).
fn assert_linear(shape: &str, n: usize, run: &dyn Fn(usize) -> Box<dyn Fn()>) {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let small = measure(&*run(n));
    let large = measure(&*run(10 * n));
    let ratio = |a: u64, b: u64| b as f64 / a.max(1) as f64;
    let allocs = ratio(small.allocs, large.allocs);
    let bytes = ratio(small.bytes, large.bytes);
    let cpu = small.cpu.zip(large.cpu).map(|(a, b)| ratio(a, b));
    eprintln!(
        "{shape}: n={n}: allocations ×{allocs:.1}, bytes ×{bytes:.1}, cpu ×{}",
        cpu.map_or_else(|| "?".to_string(), |c| format!("{c:.1}"))
    );
    assert!(
        allocs <= 12.0,
        "{shape}: 10× input made ×{allocs:.1} allocations"
    );
    assert!(
        bytes <= 12.0,
        "{shape}: 10× input allocated ×{bytes:.1} bytes"
    );
    // CPU time below a few tens of milliseconds is mostly noise (page
    // faults, the scheduler): only a run that takes that long is judged
    if let (Some(cpu), Some(ns)) = (cpu, large.cpu) {
        if ns >= 50_000_000 {
            assert!(cpu <= 20.0, "{shape}: 10× input took ×{cpu:.1} CPU time");
        }
    }
}

#[derive(Parser)]
struct CheckCli {
    #[command(flatten)]
    args: CheckArgs,
}

#[derive(Parser)]
struct WhyCli {
    #[command(flatten)]
    args: WhyArgs,
}

fn env_at(dir: &Path, home: &Path) -> Env {
    Env::new(
        vec![
            ("HOME".into(), home.display().to_string()),
            ("PATH".into(), String::new()),
            (
                "NPM_CONFIG_GLOBALCONFIG".into(),
                home.join("npmrc").display().to_string(),
            ),
        ],
        dir.to_path_buf(),
    )
}

/// A closure running `check ARGS` in `dir` (output discarded).
fn check(dir: &Path, home: &Path, args: &[&str]) -> Box<dyn Fn()> {
    let mut argv = vec!["check".to_string()];
    argv.extend(args.iter().map(|s| (*s).to_string()));
    let cli = CheckCli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{e}"));
    let env = env_at(dir, home);
    Box::new(move || {
        let mut out = Vec::new();
        run_check(&cli.args, &env, &mut out);
        assert!(!out.is_empty());
    })
}

/// A closure running `why ARGS` in `dir` (output discarded).
fn why(dir: &Path, home: &Path, args: &[String]) -> Box<dyn Fn()> {
    let mut argv = vec!["why".to_string()];
    argv.extend(args.iter().cloned());
    let cli = WhyCli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{e}"));
    let env = env_at(dir, home);
    Box::new(move || {
        let mut out = Vec::new();
        why_cmd::run(&cli.args, &env, &mut out);
        assert!(!out.is_empty());
    })
}

/// A scratch project folder with the given files.
fn project(files: &[(&str, String)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in files {
        let path = tmp.path().join("p").join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    }
    (tmp, home)
}

/// Keeps the scratch folder alive as long as the closure.
fn keep(tmp: tempfile::TempDir, f: Box<dyn Fn()>) -> Box<dyn Fn()> {
    Box::new(move || {
        let _ = tmp.path();
        f();
    })
}

#[test]
fn many_dependencies_and_duplicate_keys_in_one_package_json() {
    for format in ["json", "human"] {
        assert_linear(&format!("package.json deps ({format})"), 200, &|n| {
            let deps: Vec<String> = (0..n)
                .map(|i| {
                    if i % 3 == 0 {
                        format!("    \"dep-{i}\": \"bad spec {i}\"")
                    } else {
                        format!("    \"dep-{i}\": \"^1.0.{i}\"")
                    }
                })
                .collect();
            let dups: Vec<String> = (0..n).map(|i| format!("    \"k\": {i}")).collect();
            let text = format!(
                "{{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{\n{}\n  }},\n  \"config\": {{\n{}\n  }}\n}}\n",
                deps.join(",\n"),
                dups.join(",\n")
            );
            let (tmp, home) = project(&[("package.json", text)]);
            let dir = tmp.path().join("p");
            keep(tmp, check(&dir, &home, &["--format", format]))
        });
    }
}

#[test]
fn many_credential_lines_and_scoped_registries() {
    for format in ["json", "human"] {
        assert_linear(&format!(".npmrc credentials ({format})"), 100, &|n| {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!("@s{i}:registry=https://r{i}.example.com/\n"));
                text.push_str(&format!("//r{i}.example.com/:_authToken=${{TOKEN_{i}}}\n"));
                // never sent: an orphan credential each
                text.push_str(&format!("//o{i}.example.org/:_authToken=${{ORPHAN_{i}}}\n"));
            }
            let (tmp, home) = project(&[(".npmrc", text)]);
            let dir = tmp.path().join("p");
            keep(tmp, check(&dir, &home, &["--format", format]))
        });
    }
}

#[test]
fn many_unknown_and_repeated_keys() {
    assert_linear(".npmrc unknown/repeated keys", 150, &|n| {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "some-key-{i}=v\nregistry=https://r{i}.example.com/\n"
            ));
        }
        let (tmp, home) = project(&[(".npmrc", text)]);
        let dir = tmp.path().join("p");
        keep(tmp, check(&dir, &home, &["--format", "json"]))
    });
}

#[test]
fn many_env_references_on_one_line() {
    assert_linear("${} on one line", 300, &|n| {
        let text = format!(
            "foo=\"{}\"\nbar={}\n",
            "${HOME}".repeat(n),
            "${UNSET_VARIABLE_X}".repeat(n)
        );
        let (tmp, home) = project(&[(".npmrc", text)]);
        let dir = tmp.path().join("p");
        keep(tmp, check(&dir, &home, &["--format", "human"]))
    });
}

#[test]
fn many_workspaces() {
    assert_linear("workspaces", 20, &|n| {
        let mut files = Vec::new();
        let names: Vec<String> = (0..n).map(|i| format!("\"packages/p{i}\"")).collect();
        files.push((
            "package.json".to_string(),
            format!("{{\"name\":\"root\",\"workspaces\":[{}]}}", names.join(",")),
        ));
        for i in 0..n {
            files.push((
                format!("packages/p{i}/package.json"),
                format!("{{\"name\":\"p{i}\",\"version\":\"1.0.0\"}}"),
            ));
        }
        let refs: Vec<(&str, String)> =
            files.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
        let (tmp, home) = project(&refs);
        let dir = tmp.path().join("p");
        keep(tmp, check(&dir, &home, &["--format", "json"]))
    });
}

#[test]
fn why_url_with_many_path_segments() {
    assert_linear("why --url segments", 3000, &|n| {
        let url = format!("https://r.example.com/{}x.tgz", "seg/".repeat(n));
        let (tmp, home) = project(&[(
            ".npmrc",
            "//r.example.com/:_authToken=${TOKEN}\n".to_string(),
        )]);
        let dir = tmp.path().join("p");
        keep(
            tmp,
            why(
                &dir,
                &home,
                &["--format".into(), "json".into(), "--url".into(), url],
            ),
        )
    });
}

#[test]
fn why_log_with_many_failures() {
    assert_linear("why --log failures", 60, &|n| {
        let mut log = String::new();
        for i in 0..n {
            log.push_str(&format!(
                "{i} http fetch GET 401 https://r.example.com/pkg-{i} 12ms (cache skip)\n"
            ));
            log.push_str(&format!(
                "{i} verbose stack HttpErrorGeneral: 401 Unauthorized - GET https://r.example.com/pkg-{i}\n"
            ));
        }
        let (tmp, home) = project(&[
            (".npmrc", "registry=https://r.example.com/\n".to_string()),
            ("npm-debug.log", log),
        ]);
        let dir = tmp.path().join("p");
        let log_path = dir.join("npm-debug.log").display().to_string();
        keep(
            tmp,
            why(
                &dir,
                &home,
                &["--format".into(), "json".into(), "--log".into(), log_path],
            ),
        )
    });
}
