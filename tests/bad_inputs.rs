//! The bad-input battery: inputs that must neither hang, crash nor pass
//! silently. Each gets a clear message and exit code 2 (an input that could
//! not be read) or a finding.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_npmrc-doctor");

/// Runs `npmrc-doctor ARGS` in `project` with an empty HOME; a run that
/// does not finish in 60 s is a hang (killed, and the test fails).
fn run(root: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", root.join("home"))
        .env("PREFIX", root.join("prefix"))
        .current_dir(root.join("project"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("npmrc-doctor {args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn project() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("project")).unwrap();
    std::fs::create_dir_all(t.path().join("home")).unwrap();
    t
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn fifo_npmrc_is_reported_not_waited_on() {
    let t = project();
    let p = t.path().join("project");
    std::fs::write(p.join("package.json"), "{\"name\":\"a\"}").unwrap();
    if !mkfifo(&p.join(".npmrc")) {
        println!("SKIPPED: mkfifo not available");
        return;
    }
    for args in [&["check"][..], &["config"], &["why", "lodash"]] {
        let o = run(t.path(), args);
        assert!(
            text(&o).contains("EFIFO") || args[0] != "check",
            "{}",
            text(&o)
        );
        if args[0] == "check" {
            assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        }
    }
}

#[test]
fn userconfig_device_is_not_read() {
    let t = project();
    let p = t.path().join("project");
    std::fs::write(p.join("package.json"), "{\"name\":\"a\"}").unwrap();
    std::fs::write(p.join(".npmrc"), "userconfig=/dev/zero\n").unwrap();
    let o = run(t.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("/dev/zero"), "{}", text(&o));
    assert!(text(&o).contains("a device"), "{}", text(&o));
}

#[test]
fn directories_named_like_inputs_are_reported() {
    let t = project();
    let p = t.path().join("project");
    std::fs::create_dir_all(p.join(".npmrc")).unwrap();
    std::fs::create_dir_all(p.join("package.json")).unwrap();
    let o = run(t.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("EISDIR"), "{}", text(&o));
}

#[test]
fn cwd_must_be_a_directory() {
    let t = project();
    let p = t.path().join("project");
    std::fs::write(p.join("package.json"), "{\"name\":\"a\"}").unwrap();
    let o = run(t.path(), &["-C", "package.json", "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--cwd"), "{}", text(&o));
}

#[test]
fn oversized_config_is_refused() {
    let t = project();
    let p = t.path().join("project");
    std::fs::write(p.join("package.json"), "{\"name\":\"a\"}").unwrap();
    let line = "a=b\n".repeat(5 * 1024 * 1024);
    std::fs::write(p.join(".npmrc"), line).unwrap();
    let o = run(t.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("EFBIG"), "{}", text(&o));
}

#[test]
fn deep_package_json_is_read_like_npm() {
    let t = project();
    let p = t.path().join("project");
    // 300 levels: past serde_json's default limit, well within npm's
    let deep = format!(
        "{{\"name\":\"a\",\"version\":\"1.0.0\",\"private\":\"false\",\"x\":{}1{}}}",
        "[".repeat(300),
        "]".repeat(300)
    );
    std::fs::write(p.join("package.json"), deep).unwrap();
    let o = run(t.path(), &["check"]);
    assert!(text(&o).contains("private-not-boolean"), "{}", text(&o));
    // invalid past 2,000 levels is still invalid
    std::fs::write(p.join("package.json"), "[".repeat(5000)).unwrap();
    let o = run(t.path(), &["check"]);
    assert!(text(&o).contains("invalid-json"), "{}", text(&o));
    // past what is analysed: said so, exit 2
    let deeper = format!("{}{}", "[".repeat(30000), "]".repeat(30000));
    std::fs::write(p.join("package.json"), deeper).unwrap();
    let o = run(t.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("levels deep"), "{}", text(&o));
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_that_file() {
    use std::os::unix::ffi::OsStrExt;
    let t = project();
    let p = t.path().join("project");
    std::fs::write(p.join("package.json"), "{\"name\":\"a\"}").unwrap();
    let name = std::ffi::OsStr::from_bytes(b".npmrc.\xff");
    std::fs::write(p.join(name), "registry=http://r.example.com/\n").unwrap();
    let o = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", t.path().join("home"))
        .current_dir(&p)
        .arg("check")
        .arg(name)
        .output()
        .unwrap();
    // the file is checked (its finding), not the directory
    assert!(text(&o).contains("insecure-registry"), "{}", text(&o));
}
