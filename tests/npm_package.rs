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

/// The two packed tarballs (main, linux-x64-gnu) in a temporary folder, or
/// why they cannot be made here.
struct Packed {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    main: PathBuf,
    platform: PathBuf,
}

fn pack() -> Result<Packed, String> {
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
    for p in ["npmrc-doctor", "cli-linux-x64-gnu"] {
        run(offline_npm(&t, &t)
            .args(["pack", "--ignore-scripts", "--pack-destination"])
            .arg(&t)
            .arg(t.join("pkgs").join(p)));
    }
    let version = env!("CARGO_PKG_VERSION");
    Ok(Packed {
        main: t.join(format!("npmrc-doctor-{version}.tgz")),
        platform: t.join(format!("npmrc-doctor-cli-linux-x64-gnu-{version}.tgz")),
        dir: t,
        tmp,
    })
}

/// npm in `dir` with a private cache under `t`, no registry and no
/// network.
fn offline_npm(t: &Path, dir: &Path) -> Command {
    let mut c = Command::new("npm");
    c.current_dir(dir)
        .env("npm_config_cache", t.join("npm-cache"))
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_offline", "true")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false")
        .env("npm_config_userconfig", t.join("npmrc"));
    c
}

/// The scratch project with both tarballs installed, or why not.
fn install_packed() -> Result<(tempfile::TempDir, PathBuf), String> {
    let packed = pack()?;
    let project = packed.dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"scratch\", \"version\": \"1.0.0\", \"private\": true}\n",
    )
    .unwrap();
    run(offline_npm(&packed.dir, &project)
        .args(["install", "--ignore-scripts", "--no-save"])
        .arg(&packed.platform)
        .arg(&packed.main));
    copy_dir(&repo().join("fixtures/example"), &project.join("fixture"));
    Ok((packed.tmp, project))
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

/// A loopback npm registry (`tests/npm/registry.js`) serving the packed
/// tarballs; stopped on drop.
struct Registry {
    child: std::process::Child,
    url: String,
}

impl Registry {
    fn start(packed: &Packed) -> Registry {
        use std::io::BufRead;
        let mut child = Command::new("node")
            .arg(repo().join("tests/npm/registry.js"))
            .arg(&packed.main)
            .arg(&packed.platform)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("http://127.0.0.1:"), "registry: {line:?}");
        Registry {
            child,
            url: line.trim().to_string(),
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The environment of a user's shell: a private HOME, npm pointed at the
/// loopback registry with a private cache.
fn user_env(cmd: &mut Command, t: &Path, registry: &Registry) {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", t.join("home"))
        .env("npm_config_registry", &registry.url)
        .env("npm_config_cache", t.join("user-npm-cache"))
        .env("npm_config_update_notifier", "false")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com");
}

const BAD_NPMRC: &str =
    "@acme:registry=https://gitlab.example.com/api/v4/projects/42/packages/npm\n";
const GOOD_NPMRC: &str =
    "@acme:registry=https://gitlab.example.com/api/v4/projects/42/packages/npm/\n";
const APP: &str = "{\"name\": \"@acme/app\", \"version\": \"1.0.0\", \"private\": true}\n";

/// A git repository with `packages/app/{.npmrc,package.json}`.
fn scratch_repo(dir: &Path, npmrc: &str) {
    std::fs::create_dir_all(dir.join("packages/app")).unwrap();
    std::fs::write(dir.join("packages/app/.npmrc"), npmrc).unwrap();
    std::fs::write(dir.join("packages/app/package.json"), APP).unwrap();
    run(Command::new("git").args(["init", "-q"]).current_dir(dir));
}

/// pre-commit: `target/ci-tools/bin/pre-commit` (installed by .ci/run), on
/// PATH, or installed now into `target/test-deps/pre-commit` from PyPI.
fn pre_commit() -> Result<PathBuf, String> {
    let ci = repo().join("target/ci-tools/bin/pre-commit");
    if ci.is_file() {
        return Ok(ci);
    }
    if have("pre-commit") {
        return Ok(PathBuf::from("pre-commit"));
    }
    let venv = repo().join("target/test-deps/pre-commit");
    let bin = venv.join("bin/pre-commit");
    if bin.is_file() {
        return Ok(bin);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !made.success() {
        return Err("python3 -m venv failed".into());
    }
    let installed = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit",
        ])
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !installed.success() || !bin.is_file() {
        return Err("pip install pre-commit failed".into());
    }
    Ok(bin)
}

#[test]
fn pre_commit_hooks_run_without_a_compiler() {
    let packed = match pack() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: pre-commit hook test ({why})");
            return;
        }
    };
    let pre_commit = match pre_commit() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: pre-commit hook test (no pre-commit: {why})");
            return;
        }
    };
    let t = &packed.dir;
    let registry = Registry::start(&packed);

    // the hook repository: this repository's hook definitions and the
    // package.json pre-commit's node support installs from
    let hooks = t.join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for f in [".pre-commit-hooks.yaml", "package.json"] {
        std::fs::copy(repo().join(f), hooks.join(f)).unwrap();
    }
    let git = |dir: &Path, args: &[&str]| {
        let mut c = Command::new("git");
        user_env(&mut c, t, &registry);
        run(c.args(args).current_dir(dir))
    };
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = String::from_utf8(git(&hooks, &["rev-parse", "HEAD"]).stdout).unwrap();

    // the system hook finds the binary on PATH
    let bin_dir = t.join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_npmrc-doctor"),
        bin_dir.join("npmrc-doctor"),
    )
    .unwrap();

    let work = t.join("work");
    scratch_repo(&work, BAD_NPMRC);
    std::fs::write(
        work.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: npmrc-doctor\n      - id: npmrc-doctor-system\n",
            hooks.display(),
            rev.trim()
        ),
    )
    .unwrap();
    git(&work, &["add", "."]);
    let pre_commit_run = || {
        let mut c = Command::new(&pre_commit);
        user_env(&mut c, t, &registry);
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.env("PATH", path)
            .env("PRE_COMMIT_HOME", t.join("pre-commit-home"))
            .args(["run", "--all-files", "--color", "never"])
            .current_dir(&work)
            .output()
            .unwrap()
    };
    let out = pre_commit_run();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("Failed").count(), 2, "{text}");
    // one finding per hook (its header line: the rule name, then its docs link)
    assert_eq!(
        text.matches("\nregistry-trailing-slash (").count(),
        2,
        "{text}"
    );
    assert!(text.contains("packages/app/.npmrc"), "{text}");

    // the node hook's environment holds the npm package, nothing compiled
    let envs: Vec<String> = walk_names(&t.join("pre-commit-home"), 2);
    assert!(envs.iter().any(|n| n.starts_with("node_env-")), "{envs:?}");
    assert!(!envs.iter().any(|n| n.starts_with("rustenv")), "{envs:?}");

    std::fs::write(work.join("packages/app/.npmrc"), GOOD_NPMRC).unwrap();
    git(&work, &["add", "."]);
    let out = pre_commit_run();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("Passed").count(), 2, "{text}");
}

/// File names down to `depth` levels below `dir`.
fn walk_names(dir: &Path, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            out.push(e.file_name().to_string_lossy().into_owned());
            if depth > 1 && e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk_names(&e.path(), depth - 1));
            }
        }
    }
    out
}

fn yaml(path: &Path) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_rust2::YamlLoader::load_from_str(&text)
        .unwrap()
        .remove(0)
}

/// Replaces `${{ inputs.X }}` and `${{ steps.check.outputs.X }}`.
fn expand(
    text: &str,
    inputs: &std::collections::BTreeMap<String, String>,
    outputs: &std::collections::BTreeMap<String, String>,
) -> String {
    let re =
        regex::Regex::new(r"\$\{\{\s*(inputs|steps\.check\.outputs)\.([\w-]+)\s*\}\}").unwrap();
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let map = if &c[1] == "inputs" { inputs } else { outputs };
        map.get(&c[2]).cloned().unwrap_or_default()
    })
    .into_owned()
}

#[test]
fn github_action_steps_run_in_a_shell() {
    let packed = match pack() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: GitHub Action test ({why})");
            return;
        }
    };
    let t = &packed.dir;
    let registry = Registry::start(&packed);
    let workspace = t.join("workspace");
    scratch_repo(&workspace, BAD_NPMRC);
    let action = yaml(&repo().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut inputs = std::collections::BTreeMap::new();
    for (k, v) in action["inputs"].as_hash().unwrap() {
        inputs.insert(
            k.as_str().unwrap().to_string(),
            v["default"].as_str().unwrap_or("").to_string(),
        );
    }
    assert_eq!(inputs["version"], env!("CARGO_PKG_VERSION"));
    inputs.insert("working-directory".into(), "packages/app".into());
    let mut outputs = std::collections::BTreeMap::new();
    let github_path = t.join("github_path");
    let github_output = t.join("github_output");
    std::fs::write(&github_path, "").unwrap();
    let runner_temp = t.join("runner_temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let mut extra_path: Vec<String> = Vec::new();
    let mut ran = Vec::new();
    for step in action["runs"]["steps"].as_vec().unwrap() {
        let name = step["name"].as_str().unwrap().to_string();
        if let Some(uses) = step["uses"].as_str() {
            // cannot run here: check what it would be given
            assert!(
                uses.starts_with("github/codeql-action/upload-sarif@"),
                "{uses}"
            );
            let file = expand(
                step["with"]["sarif_file"].as_str().unwrap(),
                &inputs,
                &outputs,
            );
            let sarif: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"];
            assert_eq!(uri, "packages/app/.npmrc", "paths relative to the checkout");
            ran.push(name);
            continue;
        }
        if let Some(cond) = step["if"].as_str() {
            let cond = expand(cond, &inputs, &outputs);
            if cond.contains("fail-on-findings") || cond.contains("== '1'") {
                // `inputs.fail-on-findings == 'true' && steps.check.outputs.exit-code == '1'`
                if !(inputs["fail-on-findings"] == "true"
                    && outputs.get("exit-code").map(String::as_str) == Some("1"))
                {
                    continue;
                }
            }
        }
        std::fs::write(&github_output, "").unwrap();
        let script = expand(step["run"].as_str().unwrap(), &inputs, &outputs);
        let dir = step["working-directory"]
            .as_str()
            .map_or(workspace.clone(), |d| {
                workspace.join(expand(d, &inputs, &outputs))
            });
        let mut cmd = Command::new("bash");
        user_env(&mut cmd, t, &registry);
        let path = extra_path
            .iter()
            .rev()
            .cloned()
            .chain([std::env::var("PATH").unwrap_or_default()])
            .collect::<Vec<_>>()
            .join(":");
        cmd.env("PATH", path)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_OUTPUT", &github_output)
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_WORKSPACE", &workspace)
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(dir);
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                cmd.env(
                    k.as_str().unwrap(),
                    expand(v.as_str().unwrap(), &inputs, &outputs),
                );
            }
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        match name.as_str() {
            "Install npmrc-doctor" => {
                assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
                assert!(
                    stdout.contains(&format!("npmrc-doctor {}", env!("CARGO_PKG_VERSION"))),
                    "{stdout}"
                );
            }
            "Run npmrc-doctor check" => {
                assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
                assert!(
                    stdout.contains("::error file=packages/app/.npmrc,line=1,"),
                    "annotations relative to the repository root: {stdout}"
                );
            }
            "Fail on findings" => {
                assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
            }
            other => panic!("unknown step {other}"),
        }
        extra_path.extend(
            std::fs::read_to_string(&github_path)
                .unwrap()
                .lines()
                .map(String::from),
        );
        for line in std::fs::read_to_string(&github_output).unwrap().lines() {
            let (k, v) = line.split_once('=').unwrap();
            outputs.insert(k.to_string(), v.to_string());
        }
        ran.push(name);
    }
    assert_eq!(outputs["exit-code"], "1");
    assert_eq!(
        ran,
        [
            "Install npmrc-doctor",
            "Run npmrc-doctor check",
            "Upload SARIF to code scanning",
            "Fail on findings"
        ]
    );
}

#[test]
fn gitlab_template_script_writes_the_reports_it_declares() {
    let packed = match pack() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: GitLab CI template test ({why})");
            return;
        }
    };
    let t = &packed.dir;
    let registry = Registry::start(&packed);
    let project = t.join("project");
    scratch_repo(&project, BAD_NPMRC);
    let doc = yaml(&repo().join("templates/npmrc-doctor.gitlab-ci.yml"));
    let job = &doc["npmrc-doctor"];
    let script: Vec<&str> = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut cmd = Command::new("bash");
    user_env(&mut cmd, t, &registry);
    for (k, v) in doc["variables"].as_hash().unwrap() {
        cmd.env(k.as_str().unwrap(), v.as_str().unwrap());
    }
    assert_eq!(
        doc["variables"]["NPMRC_DOCTOR_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    // GitLab runs the lines in one shell, stopping at the first failure
    let out = cmd
        .env("TMPDIR", t.join("job-tmp"))
        .env("CI_PROJECT_DIR", &project)
        .args(["--noprofile", "--norc", "-e", "-c", &script.join("\n")])
        .current_dir(&project)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("registry-trailing-slash"), "{stdout}");
    let reports = &job["artifacts"]["reports"];
    let quality = project.join(reports["codequality"].as_str().unwrap());
    let issues: Value = serde_json::from_str(&std::fs::read_to_string(quality).unwrap()).unwrap();
    assert_eq!(issues[0]["location"]["path"], "packages/app/.npmrc");
    assert_eq!(issues[0]["check_name"], "registry-trailing-slash");
    let junit = std::fs::read_to_string(project.join(reports["junit"].as_str().unwrap())).unwrap();
    assert!(junit.contains("<failure "), "{junit}");
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
}

/// The README's lint-staged snippet, verbatim.
const LINT_STAGED: &str = r#""lint-staged": {
  "{.npmrc,.npmrc.*,package.json}": "npmrc-doctor check"
}"#;

/// lint-staged from the npm registry, installed once into
/// `target/test-deps/lint-staged`.
fn lint_staged() -> Result<PathBuf, String> {
    let prefix = repo().join("target/test-deps/lint-staged");
    let bin = prefix.join("node_modules/lint-staged/bin/lint-staged.js");
    if bin.is_file() {
        return Ok(bin);
    }
    let out = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&prefix)
        .arg("lint-staged@16")
        .output()
        .map_err(|e| format!("npm: {e}"))?;
    if !out.status.success() || !bin.is_file() {
        return Err(format!(
            "npm install lint-staged failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(bin)
}

#[test]
fn lint_staged_snippet_checks_the_staged_files() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(LINT_STAGED),
        "the README's lint-staged snippet changed"
    );
    let packed = match pack() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: lint-staged test ({why})");
            return;
        }
    };
    let lint_staged = match lint_staged() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED: lint-staged test ({why})");
            return;
        }
    };
    let t = &packed.dir;
    let registry = Registry::start(&packed);
    let project = t.join("lint-staged-project");
    scratch_repo(&project, GOOD_NPMRC);
    std::fs::write(
        project.join("package.json"),
        format!("{{\n\"name\": \"root\",\n\"private\": true,\n{LINT_STAGED}\n}}\n"),
    )
    .unwrap();
    let cmd = |program: &str, args: &[&str]| {
        let mut c = Command::new(program);
        user_env(&mut c, t, &registry);
        c.args(args).current_dir(&project).output().unwrap()
    };
    // as the README says: npm i -D npmrc-doctor (from the loopback registry)
    let out = cmd("npm", &["install", "-D", "npmrc-doctor"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(project.join(".gitignore"), "node_modules\n").unwrap();
    assert!(cmd("git", &["add", "."]).status.success());
    assert!(cmd("git", &["commit", "-q", "-m", "init"]).status.success());

    std::fs::write(project.join("packages/app/.npmrc"), BAD_NPMRC).unwrap();
    assert!(cmd("git", &["add", "."]).status.success());
    let node = lint_staged.display().to_string();
    let out = cmd("node", &[&node]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("registry-trailing-slash"), "{text}");

    std::fs::write(project.join("packages/app/.npmrc"), GOOD_NPMRC).unwrap();
    assert!(cmd("git", &["add", "."]).status.success());
    let out = cmd("node", &[&node]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
}

/// The release workflow builds every platform package the launcher knows,
/// and names its archives as the cargo-binstall metadata expects.
#[test]
fn release_workflow_covers_every_platform_and_binstall() {
    let release = yaml(&repo().join(".github/workflows/release.yml"));
    let matrix = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap();
    let mut built: Vec<String> = matrix
        .iter()
        .map(|m| format!("cli-{}", m["platform"].as_str().unwrap()))
        .collect();
    built.sort();
    let packages: Vec<String> = platform_packages().into_iter().map(|(d, _)| d).collect();
    assert_eq!(built, packages);
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    for needle in [
        r#"name="npmrc-doctor-$version-${{ matrix.target }}""#,
        r#"tar czf "$name.tar.gz" "$name""#,
        r#"7z a "$name.zip" "$name""#,
        "--provenance",
        "sha256sum",
    ] {
        assert!(text.contains(needle), "release.yml lacks {needle}");
    }
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    for needle in [
        r#"pkg-url = "{ repo }/releases/download/v{ version }/{ name }-{ version }-{ target }.tar.gz""#,
        r#"pkg-url = "{ repo }/releases/download/v{ version }/{ name }-{ version }-{ target }.zip""#,
        r#"bin-dir = "{ name }-{ version }-{ target }/{ bin }{ binary-ext }""#,
        r#"repository = "https://github.com/npmrc-doctor/npmrc-doctor""#,
    ] {
        assert!(cargo.contains(needle), "Cargo.toml lacks {needle}");
    }
}
