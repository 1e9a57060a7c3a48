//! The npm distribution (`npm/`), for real: the linux-x64 binary this
//! build made is staged into `@npmrc-doctor/cli-linux-x64-gnu` by
//! `npm/scripts/stage-binary.js`, both packages are `npm pack`ed, the two
//! tarballs are installed into a scratch project with the machine's npm (no
//! registry: `--offline` and an unreachable registry), and
//! `npx npmrc-doctor …` must print exactly what the binary prints, with the
//! same exit code, stdin, argv and signals passed through. Also: the
//! launcher's errors for an unsupported platform and a missing platform
//! package, and versions in step with `Cargo.toml`.
//!
//! Needs node and npm (else `SKIPPED`); the install test runs on
//! linux-x64-gnu, the platform of this build (elsewhere `SKIPPED`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn npm_dir() -> PathBuf {
    repo().join("npm")
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn platform_packages() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(npm_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("cli-") {
            out.push((name, read_json(&entry.path().join("package.json"))));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn versions_and_platform_packages_are_in_step() {
    let version = env!("CARGO_PKG_VERSION");
    let main = read_json(&npm_dir().join("npmrc-doctor/package.json"));
    assert_eq!(main["name"], "npmrc-doctor");
    assert_eq!(main["version"], version);
    assert_eq!(main["bin"]["npmrc-doctor"], "bin/npmrc-doctor.js");
    let optional = main["optionalDependencies"].as_object().unwrap();
    let launcher =
        std::fs::read_to_string(npm_dir().join("npmrc-doctor/bin/npmrc-doctor.js")).unwrap();
    let packages = platform_packages();
    let names: Vec<&str> = packages.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(
        names,
        [
            "cli-darwin-arm64",
            "cli-darwin-x64",
            "cli-linux-arm64-gnu",
            "cli-linux-x64-gnu",
            "cli-linux-x64-musl",
            "cli-win32-x64"
        ]
    );
    assert_eq!(optional.len(), packages.len());
    for (dir, pkg) in &packages {
        let name = format!("@npmrc-doctor/{dir}");
        assert_eq!(pkg["name"], name.as_str());
        assert_eq!(pkg["version"], version, "{name}");
        assert_eq!(optional[&name], version, "optionalDependencies[{name}]");
        let key = dir.strip_prefix("cli-").unwrap();
        assert!(
            launcher.contains(&format!("\"{key}\": \"{name}\"")),
            "the launcher does not know {name}"
        );
        let os = pkg["os"][0].as_str().unwrap();
        let cpu = pkg["cpu"][0].as_str().unwrap();
        assert!(key.starts_with(&format!("{os}-{cpu}")), "{name}: os/cpu");
        let libc = pkg["libc"][0].as_str();
        match key.rsplit('-').next() {
            Some("gnu") => assert_eq!(libc, Some("glibc"), "{name}"),
            Some("musl") => assert_eq!(libc, Some("musl"), "{name}"),
            _ => assert_eq!(libc, None, "{name}"),
        }
        let exe = if os == "win32" {
            "npmrc-doctor.exe"
        } else {
            "npmrc-doctor"
        };
        assert_eq!(pkg["files"], serde_json::json!([exe]), "{name}");
    }
}

#[test]
fn sync_script_finds_and_fixes_drift() {
    if !have("node") {
        println!("SKIPPED: npm version sync test (node not found)");
        return;
    }
    // the real tree is in step
    run(Command::new("node")
        .arg(npm_dir().join("scripts/sync-versions.js"))
        .arg("--check"));
    // a copy with another Cargo version is not, until synced
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &npm_dir().join("npmrc-doctor"),
        &tmp.path().join("npm/npmrc-doctor"),
    );
    copy_dir(
        &npm_dir().join("cli-darwin-x64"),
        &tmp.path().join("npm/cli-darwin-x64"),
    );
    copy_dir(&npm_dir().join("scripts"), &tmp.path().join("npm/scripts"));
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let bumped = cargo.replacen(
        &format!("version = \"{}\"", env!("CARGO_PKG_VERSION")),
        "version = \"9.8.7\"",
        1,
    );
    std::fs::write(tmp.path().join("Cargo.toml"), bumped).unwrap();
    let script = tmp.path().join("npm/scripts/sync-versions.js");
    let out = Command::new("node")
        .arg(&script)
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cargo.toml has 9.8.7"), "{err}");
    run(Command::new("node").arg(&script));
    run(Command::new("node").arg(&script).arg("--check"));
    let main = read_json(&tmp.path().join("npm/npmrc-doctor/package.json"));
    assert_eq!(main["version"], "9.8.7");
    assert_eq!(
        main["optionalDependencies"]["@npmrc-doctor/cli-win32-x64"],
        "9.8.7"
    );
}

#[test]
fn launcher_says_clearly_when_the_platform_is_unsupported() {
    if !have("node") {
        println!("SKIPPED: launcher platform test (node not found)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let preload = tmp.path().join("freebsd.js");
    std::fs::write(
        &preload,
        "Object.defineProperty(process, 'platform', { value: 'freebsd' });\n\
         Object.defineProperty(process, 'arch', { value: 'riscv64' });\n",
    )
    .unwrap();
    let out = Command::new("node")
        .arg("--require")
        .arg(&preload)
        .arg(npm_dir().join("npmrc-doctor/bin/npmrc-doctor.js"))
        .arg("check")
        .env_remove("NPMRC_DOCTOR_BINARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "npmrc-doctor: error: no prebuilt npmrc-doctor binary for this platform (freebsd-riscv64)."
        ),
        "{err}"
    );
    for hint in [
        "linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, darwin-x64, darwin-arm64, win32-x64",
        "cargo install npmrc-doctor",
        "NPMRC_DOCTOR_BINARY",
    ] {
        assert!(err.contains(hint), "missing {hint:?} in:\n{err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn launcher_names_the_missing_platform_package() {
    if !have("node") {
        println!("SKIPPED: launcher missing-package test (node not found)");
        return;
    }
    // a launcher installed without its optional dependency
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("node_modules/npmrc-doctor");
    copy_dir(&npm_dir().join("npmrc-doctor"), &pkg);
    let preload = tmp.path().join("darwin.js");
    std::fs::write(
        &preload,
        "Object.defineProperty(process, 'platform', { value: 'darwin' });\n\
         Object.defineProperty(process, 'arch', { value: 'arm64' });\n",
    )
    .unwrap();
    let out = Command::new("node")
        .arg("--require")
        .arg(&preload)
        .arg(pkg.join("bin/npmrc-doctor.js"))
        .arg("check")
        .env_remove("NPMRC_DOCTOR_BINARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("npmrc-doctor: error: the package @npmrc-doctor/cli-darwin-arm64, which holds the binary for darwin-arm64, is not installed."),
        "{err}"
    );
    assert!(err.contains("--include=optional"), "{err}");

    // NPMRC_DOCTOR_BINARY runs a binary of one's own instead
    let out = Command::new("node")
        .arg("--require")
        .arg(&preload)
        .arg(pkg.join("bin/npmrc-doctor.js"))
        .arg("--version")
        .env("NPMRC_DOCTOR_BINARY", env!("CARGO_BIN_EXE_npmrc-doctor"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("npmrc-doctor {}", env!("CARGO_PKG_VERSION"))
    );
}

/// The scratch project with both tarballs installed, or why not.
fn install_packed() -> Result<(tempfile::TempDir, PathBuf), String> {
    if !cfg!(all(
        target_os = "linux",
        target_arch = "x86_64",
        target_env = "gnu"
    )) {
        return Err("this build is not linux-x64-gnu".into());
    }
    if !have("node") || !have("npm") {
        return Err("node/npm not found".into());
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().canonicalize().unwrap();
    let cache = t.join("npm-cache");
    copy_dir(
        &npm_dir().join("npmrc-doctor"),
        &t.join("pkgs/npmrc-doctor"),
    );
    copy_dir(
        &npm_dir().join("cli-linux-x64-gnu"),
        &t.join("pkgs/cli-linux-x64-gnu"),
    );
    run(Command::new("node")
        .arg(npm_dir().join("scripts/stage-binary.js"))
        .arg("linux-x64-gnu")
        .arg(env!("CARGO_BIN_EXE_npmrc-doctor"))
        .arg(t.join("pkgs/cli-linux-x64-gnu")));
    let npm = |dir: &Path| {
        let mut c = Command::new("npm");
        c.current_dir(dir)
            .env("npm_config_cache", &cache)
            .env("npm_config_registry", "http://127.0.0.1:9/")
            .env("npm_config_offline", "true")
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_update_notifier", "false")
            .env("npm_config_userconfig", t.join("npmrc"));
        c
    };
    for p in ["npmrc-doctor", "cli-linux-x64-gnu"] {
        run(npm(&t)
            .args(["pack", "--ignore-scripts", "--pack-destination"])
            .arg(&t)
            .arg(t.join("pkgs").join(p)));
    }
    let version = env!("CARGO_PKG_VERSION");
    let project = t.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"scratch\", \"version\": \"1.0.0\", \"private\": true}\n",
    )
    .unwrap();
    run(npm(&project)
        .args(["install", "--ignore-scripts", "--no-save"])
        .arg(t.join(format!("npmrc-doctor-cli-linux-x64-gnu-{version}.tgz")))
        .arg(t.join(format!("npmrc-doctor-{version}.tgz"))));
    copy_dir(&repo().join("fixtures/example"), &project.join("fixture"));
    Ok((tmp, project))
}

fn sandboxed(cmd: &mut Command, project: &Path) {
    cmd.current_dir(project)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", project.join("home"))
        // npx must not reach for a registry (the binary sees the same)
        .env("npm_config_update_notifier", "false")
        .env("npm_config_offline", "true");
}

#[test]
fn npx_runs_the_packed_binary_exactly_like_the_binary() {
    let (_tmp, project) = match install_packed() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: npm pack/install test ({why})");
            return;
        }
    };
    let bin = env!("CARGO_BIN_EXE_npmrc-doctor");
    let log =
        std::fs::read(repo().join("fixtures/logs/install-e401-env-unset/terminal.txt")).unwrap();
    let cases: &[(&[&str], Option<&[u8]>)] = &[
        (&["check", "fixture"], None),
        (&["check", "fixture", "--format", "json"], None),
        (&["check", "fixture", "--format", "sarif"], None),
        (
            &["check", "fixture/.npmrc", "--rule", "unknown-key=off"],
            None,
        ),
        (&["check", "does not exist/ü"], None),
        (&["rules", "hardcoded-token"], None),
        (&["--version"], None),
        (&["why", "--log", "-"], Some(&log)),
    ];
    for (args, stdin) in cases {
        let run_with = |program: &str, pre: &[&str]| -> Output {
            let mut cmd = Command::new(program);
            sandboxed(&mut cmd, &project);
            cmd.args(pre)
                .args(*args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(data) = stdin {
                std::io::Write::write_all(&mut input, data).unwrap();
            }
            drop(input);
            child.wait_with_output().unwrap()
        };
        let direct = run_with(bin, &[]);
        let via_npx = run_with("npx", &["--no", "--", "npmrc-doctor"]);
        assert_eq!(
            String::from_utf8_lossy(&via_npx.stdout),
            String::from_utf8_lossy(&direct.stdout),
            "stdout differs for {args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&via_npx.stderr),
            String::from_utf8_lossy(&direct.stderr),
            "stderr differs for {args:?}"
        );
        assert_eq!(via_npx.status.code(), direct.status.code(), "{args:?}");
        assert!(!direct.stdout.is_empty() || !direct.stderr.is_empty());
    }
    // the exit codes the cases cover: findings, clean, usage error
    let code = |args: &[&str]| {
        let mut cmd = Command::new("npx");
        sandboxed(&mut cmd, &project);
        cmd.args(["--no", "--", "npmrc-doctor"])
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["check", "fixture"]), Some(1));
    assert_eq!(
        code(&[
            "check",
            "fixture",
            "--rule",
            "registry-trailing-slash=off",
            "--rule",
            "hardcoded-token=off",
            "--rule",
            "publish-config-registry-ignored=off"
        ]),
        Some(0)
    );
    assert_eq!(code(&["check", "--no-such-flag"]), Some(2));
}

#[test]
fn launcher_passes_signals_through() {
    use std::os::unix::process::ExitStatusExt;
    let (_tmp, project) = match install_packed() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: launcher signal test ({why})");
            return;
        }
    };
    // `why --log -` waits for stdin: the binary is running until signalled
    let mut cmd = Command::new("node");
    sandboxed(&mut cmd, &project);
    let mut node = cmd
        .arg("node_modules/npmrc-doctor/bin/npmrc-doctor.js")
        .args(["why", "--log", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let node_pid = node.id();
    let binary = wait_for_child(node_pid).expect("the launcher never started the binary");
    let status = Command::new("kill")
        .args(["-TERM", &node_pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = node.wait().unwrap();
    assert_eq!(exit.signal(), Some(15), "launcher exit: {exit:?}");
    assert!(
        !Path::new(&format!("/proc/{binary}")).exists()
            || std::fs::read_to_string(format!("/proc/{binary}/stat"))
                .is_ok_and(|s| s.contains(") Z ")),
        "the binary outlived the launcher"
    );
    drop(node.stdin.take());
}

/// The pid of `parent`'s child process running the binary (polls /proc
/// for up to 20 s: starting node under load can be slow).
fn wait_for_child(parent: u32) -> Option<u32> {
    for _ in 0..200 {
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for e in entries.flatten() {
                let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                    continue;
                };
                // pid (comm) state ppid …
                let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
                    continue;
                };
                let ppid = rest.split(' ').nth(1).and_then(|p| p.parse::<u32>().ok());
                if ppid == Some(parent) && stat.contains("(npmrc-doctor)") {
                    return Some(pid);
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}
