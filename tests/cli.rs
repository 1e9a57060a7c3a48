//! End-to-end tests of the binary: exit codes, output formats, settings,
//! suppressions, the pre-commit hook definition. Each test runs in a
//! temporary HOME/PREFIX so the machine's own npm config does not leak in.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("home")).unwrap();
        std::fs::create_dir_all(root.join("project")).unwrap();
        Sandbox { _tmp: tmp, root }
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("npmrc-doctor").unwrap();
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("PREFIX", self.root.join("prefix"))
            .current_dir(self.root.join("project"))
            .args(["--cwd", "."]);
        c
    }
}

fn npm_dir(sb: &Sandbox) -> String {
    sb.root.join("npm").display().to_string()
}

const SLASHLESS: &str = "@acme:registry=https://gitlab.example.com/api/v4/packages/npm\n";
const PKG: &str = "{\"name\": \"@acme/app\", \"version\": \"1.0.0\", \"private\": true}\n";

#[test]
fn clean_project_exits_zero() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write(
        "project/.npmrc",
        "@acme:registry=https://gitlab.example.com/api/v4/packages/npm/\n",
    );
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("No problems found"), "{stdout}");
}

#[test]
fn error_finding_exits_one_and_levels_change_it() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write("project/.npmrc", SLASHLESS);
    let npm = npm_dir(&sb);
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm,
            "--rule",
            "registry-trailing-slash=warn",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm,
            "--rule",
            "registry-trailing-slash=warn",
            "--deny-warnings",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm,
            "--rule",
            "registry-trailing-slash=off",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn settings_file_and_unknown_rules() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write("project/.npmrc", SLASHLESS);
    let npm = npm_dir(&sb);
    sb.write(
        "project/.npmrc-doctor.json",
        "{\"rules\": {\"registry-trailing-slash\": \"info\"}}",
    );
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm,
            "--rule",
            "registry-trailing-slahs=off",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean `registry-trailing-slash`"),
        "{stderr}"
    );
    sb.write(
        "project/.npmrc-doctor.json",
        "{\"rules\": {\"nope\": \"off\"}}",
    );
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_path_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["check", "does-not-exist"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_format_is_versioned_and_secret_free() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    let token = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
    sb.write(
        "project/.npmrc",
        &format!("{SLASHLESS}//gitlab.example.com/api/v4/packages/npm/:_authToken={token}\n"),
    );
    for format in ["json", "human", "github", "concise"] {
        let out = sb
            .cmd()
            .args(["check", "--npm-dir", &npm_dir(&sb), "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains(&token[4..]),
            "{format} leaks the token:\n{stdout}"
        );
        assert!(!stdout.contains('\u{1b}'), "{format}: colour on a pipe");
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(doc["schema"], 1);
            let d = &doc["diagnostics"][0];
            for field in [
                "rule",
                "severity",
                "message",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "help",
            ] {
                assert!(d.get(field).is_some(), "missing {field}: {d}");
            }
            assert_eq!(d["rule"], "registry-trailing-slash");
            assert_eq!(d["line"], 1);
            assert_eq!(d["column"], 16);
        }
    }
}

#[test]
fn suppression_comment() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write(
        "project/.npmrc",
        &format!("; npmrc-doctor-disable-next-line registry-trailing-slash\n{SLASHLESS}"),
    );
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb)])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn rules_command() {
    let sb = Sandbox::new();
    let out = sb.cmd().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("registry-trailing-slash"));
    let out = sb
        .cmd()
        .args(["rules", "registry-trailing-slash"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# registry-trailing-slash"));
    let out = sb.cmd().args(["rules", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sb.cmd().args(["rules", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn config_json_shape_and_masking() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write(
        "home/.npmrc",
        "//r.example/:_authToken=supersecretvalue123\nregistry=https://u:hunter2@r.example/\n",
    );
    let out = sb
        .cmd()
        .args(["config", "--json", "--npm-dir", &npm_dir(&sb)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("supersecretvalue123") && !stdout.contains("hunter2"),
        "{stdout}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["schema"], 1);
    let entry = &doc["config"]["//r.example/:_authToken"];
    assert_eq!(entry["layer"], "user");
    assert_eq!(entry["line"], 1);
    assert_eq!(
        doc["config"]["registry"]["value"],
        "https://u:***@r.example/"
    );
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["layer"] == "user" && f["status"] == "loaded")
    );
    // the human list masks too
    let out = sb
        .cmd()
        .args(["config", "--npm-dir", &npm_dir(&sb)])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("supersecretvalue123") && !text.contains("hunter2"),
        "{text}"
    );
    let out = sb
        .cmd()
        .args([
            "config",
            "get",
            "//r.example/:_authToken",
            "--npm-dir",
            &npm_dir(&sb),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("*** (") && !text.contains("supersecret"),
        "{text}"
    );
}

/// The hook's `files` pattern picks the files `check` understands.
#[test]
fn pre_commit_hook_definition() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(text.contains("entry: npmrc-doctor check"));
    let pattern = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("files pattern");
    let re = regex::Regex::new(pattern).unwrap();
    for yes in [
        ".npmrc",
        "sub/.npmrc",
        ".npmrc.ci",
        "package.json",
        "packages/a/package.json",
    ] {
        assert!(re.is_match(yes), "{yes}");
    }
    for no in [
        "package-lock.json",
        "npmrc",
        "my.npmrc.bak/x",
        "package.json5",
    ] {
        assert!(!re.is_match(no), "{no}");
    }
}

#[test]
fn pre_commit_style_invocation_on_staged_files() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write("project/.npmrc", SLASHLESS);
    sb.write("project/packages/a/package.json", "{\"name\": \"a\"}\n");
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm_dir(&sb),
            ".npmrc",
            "packages/a/package.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 files"), "{stdout}");
}

/// A project `.npmrc` with a BOM, CRLF, comments, blank lines and four
/// safe fixes (BOM, overridden line, removed key, missing slash) and one
/// unsafe one (the literal token).
const FIXABLE: &str = "\u{feff}# team registry\r\n\r\nregistry=https://r.example.com/npm/\r\nalways-auth=true\r\n\r\n; the real one\r\n//r.example.com/npm/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\r\nregistry=https://r.example.com/npm\r\n";
const FIXED_SAFE: &str = "# team registry\r\n\r\n\r\n; the real one\r\n//r.example.com/npm/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\r\nregistry=https://r.example.com/npm/\r\n";

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn diff_then_fix_is_lossless_keeps_mode_and_converges() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    let npmrc = sb.write("project/.npmrc", FIXABLE);
    std::fs::set_permissions(&npmrc, std::fs::Permissions::from_mode(0o600)).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--npm-dir"];
        let dir = npm_dir(&sb);
        args.push(&dir);
        args.extend_from_slice(extra);
        sb.cmd().args(&args).output().unwrap()
    };

    // --diff: a unified diff, nothing written, exit 1, no secret
    let out = check(&["--diff"]);
    let diff = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{diff}");
    assert!(
        diff.starts_with("--- a/.npmrc\n+++ b/.npmrc\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("-always-auth=true\r\n"), "{diff}");
    assert!(
        diff.contains("+registry=https://r.example.com/npm/\r\n"),
        "{diff}"
    );
    assert!(
        !diff.contains("abcdefghij"),
        "diff leaks the token:\n{diff}"
    );
    assert_eq!(std::fs::read_to_string(&npmrc).unwrap(), FIXABLE);

    // --fix: the safe fixes, every other byte kept, the mode kept
    let out = check(&["--fix", "--format", "concise"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(std::fs::read_to_string(&npmrc).unwrap(), FIXED_SAFE);
    assert_eq!(mode(&npmrc), 0o600);
    assert!(
        stderr.contains(
            "Fixed 4 findings in 1 file (1 remaining); 1 more fixable with --unsafe-fixes."
        ),
        "{stderr}"
    );
    // what remains is reported and decides the exit code
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[hardcoded-token]"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));

    // a second --fix changes nothing; --diff then exits 0
    let out = check(&["--fix"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 0 findings"));
    assert_eq!(std::fs::read_to_string(&npmrc).unwrap(), FIXED_SAFE);
    assert_eq!(check(&["--diff"]).status.code(), Some(0));

    // --unsafe-fixes applies the unsafe one too
    assert_eq!(check(&["--diff", "--unsafe-fixes"]).status.code(), Some(1));
    check(&["--fix", "--unsafe-fixes"]);
    assert_eq!(
        std::fs::read_to_string(&npmrc).unwrap(),
        FIXED_SAFE.replace("npm_abcdefghijklmnopqrstuvwxyz0123456789", "${NPM_TOKEN}")
    );
    assert_eq!(mode(&npmrc), 0o600);
}

#[cfg(unix)]
#[test]
fn fix_writes_through_symlinks_and_touches_user_config_only_with_all_layers() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    let real = sb.write("shared/npmrc", "always-auth=true\nfund=false\n");
    std::os::unix::fs::symlink(&real, sb.root.join("project/.npmrc")).unwrap();
    let user = sb.write("home/.npmrc", "always-auth=true\n");
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        std::fs::symlink_metadata(sb.root.join("project/.npmrc"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "fund=false\n");
    assert_eq!(
        std::fs::read_to_string(&user).unwrap(),
        "always-auth=true\n"
    );
    sb.cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--fix", "--all-layers"])
        .output()
        .unwrap();
    assert_eq!(std::fs::read_to_string(&user).unwrap(), "");
}

#[test]
fn fix_skips_files_npm_does_not_read() {
    let sb = Sandbox::new();
    sb.write(
        "project/package.json",
        "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}\n",
    );
    sb.write(
        "project/packages/a/package.json",
        "{\"name\": \"a\", \"version\": \"1.0.0\", \"private\": true}\n",
    );
    let ignored = sb.write("project/packages/a/.npmrc", "always-auth=true\n");
    let template = sb.write("project/.npmrc.ci", "always-auth=true\n");
    let out = sb
        .cmd()
        .args([
            "check",
            "--npm-dir",
            &npm_dir(&sb),
            "--fix",
            "--unsafe-fixes",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        std::fs::read_to_string(&ignored).unwrap(),
        "always-auth=true\n"
    );
    assert_eq!(
        std::fs::read_to_string(&template).unwrap(),
        "always-auth=true\n"
    );
    assert!(stderr.contains("npm does not read this file"), "{stderr}");
}

#[test]
fn package_json_fix_keeps_formatting() {
    let sb = Sandbox::new();
    sb.write(
        "project/.npmrc",
        "@acme:registry=https://npm.pkg.example.com/\n",
    );
    let pkg = "{\n\t\"name\": \"@acme/ui\",\n\t\"version\": \"1.0.0\",\n\t\"publishConfig\": {\n\t\t\"access\": \"public\",\n\t\t\"registry\": \"https://other.example.com/\"\n\t}\n}";
    let path = sb.write("project/package.json", pkg);
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--fix"])
        .output()
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), pkg, "{out:?}");
    sb.cmd()
        .args([
            "check",
            "--npm-dir",
            &npm_dir(&sb),
            "--fix",
            "--unsafe-fixes",
        ])
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        pkg.replace("\"registry\"", "\"@acme:registry\"")
    );
}

#[test]
fn json_carries_fix_edits() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write("project/.npmrc", FIXABLE);
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("abcdefghij"), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    let slash = diags
        .iter()
        .find(|d| d["rule"] == "registry-trailing-slash")
        .unwrap();
    assert_eq!(slash["fix"]["applicability"], "safe");
    let edit = &slash["fix"]["edits"][0];
    let at = FIXABLE.rfind("/npm\r\n").unwrap() + 4;
    assert_eq!(edit["file"], ".npmrc");
    assert_eq!(
        (edit["start"].as_u64(), edit["end"].as_u64()),
        (Some(at as u64), Some(at as u64))
    );
    assert_eq!(edit["replacement"], "/");
    let token = diags
        .iter()
        .find(|d| d["rule"] == "hardcoded-token")
        .unwrap();
    assert_eq!(token["fix"]["applicability"], "unsafe");
    let no_fix = diags
        .iter()
        .all(|d| (d["fixable"] == true) == d["fix"].is_object());
    assert!(no_fix, "{stdout}");
}

/// Runs `why ARGS` and returns (exit code, stdout).
fn why_run(sb: &Sandbox, args: &[&str]) -> (i32, String) {
    let out = sb
        .cmd()
        .arg("why")
        .args(args)
        .args(["--npm-dir", &npm_dir(sb)])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn why_without_anything_to_explain_is_a_usage_error() {
    let sb = Sandbox::new();
    let (code, stdout) = why_run(&sb, &[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
}

#[test]
fn why_verdict_last_line_json_ok_and_exit_code_agree() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write("project/.npmrc", "registry=http://127.0.0.1:9/\n");
    // a private project package: npm refuses to publish it, not a problem
    let (code, human) = why_run(&sb, &[]);
    assert_eq!(code, 0, "{human}");
    assert!(human.contains("npm refuses: private (EPRIVATE)"), "{human}");
    assert!(
        human
            .trim_end()
            .ends_with("✔ every request carries the credential it needs")
    );
    // asked about publishing: ENEEDAUTH (no credential) counts everywhere
    let (code, human) = why_run(&sb, &["--publish"]);
    assert_eq!(code, 1, "{human}");
    assert!(
        human.contains("- npm publish @acme/app@1.0.0: ENEEDAUTH"),
        "{human}"
    );
    let (code, json) = why_run(&sb, &["--publish", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(code, 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["problems"][0], "npm publish @acme/app@1.0.0: ENEEDAUTH");
    // a log with a failing request: the failure is a problem in every form
    let log = sb.write(
        "npm.log",
        "12 http fetch GET 401 http://127.0.0.1:9/@acme%2fui 5ms (cache skip)\n20 error code E401\n",
    );
    let log = log.display().to_string();
    let (code, human) = why_run(&sb, &["--log", &log]);
    assert_eq!(code, 1, "{human}");
    assert!(human.contains("✘ 1 problem"), "{human}");
    let (code, json) = why_run(&sb, &["--log", &log, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((code, &doc["ok"]), (1, &serde_json::Value::Bool(false)));
}

/// A project with one error (`registry-trailing-slash`) and two warnings
/// (`removed-key`, `duplicate-key`).
fn conventions_project() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    sb.write(
        "project/.npmrc",
        "always-auth=true\nfund=false\nfund=false\n@acme:registry=https://gitlab.example.com/api/v4/packages/npm\n",
    );
    sb
}

fn check_out(sb: &Sandbox, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(sb)])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_zero_quiet_and_max_warnings() {
    let sb = conventions_project();
    let (code, all, _) = check_out(&sb, &["--format", "concise"]);
    assert_eq!(code, Some(1));
    assert!(
        all.contains("[removed-key]") && all.contains("[registry-trailing-slash]"),
        "{all}"
    );
    // --exit-zero: findings reported, exit 0
    let (code, out, _) = check_out(&sb, &["--format", "concise", "--exit-zero"]);
    assert_eq!((code, out.as_str()), (Some(0), all.as_str()));
    // --quiet: errors only
    let (code, out, _) = check_out(&sb, &["--format", "concise", "--quiet"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("[registry-trailing-slash]") && !out.contains("[removed-key]"),
        "{out}"
    );
    // --max-warnings: two warnings, no errors once the error rule is ignored
    let ignore = ["--ignore", "registry-trailing-slash"];
    let (code, _, _) = check_out(&sb, &[&ignore[..], &["--max-warnings", "2"]].concat());
    assert_eq!(code, Some(0));
    let (code, _, err) = check_out(&sb, &[&ignore[..], &["--max-warnings", "1"]].concat());
    assert_eq!(code, Some(1));
    assert!(
        err.contains("Too many warnings: 2 (--max-warnings 1)"),
        "{err}"
    );
}

#[test]
fn select_and_ignore_take_rules_and_categories() {
    let sb = conventions_project();
    let (_, out, _) = check_out(&sb, &["--format", "concise", "--select", "correctness"]);
    assert!(
        out.contains("[registry-trailing-slash]") && !out.contains("[removed-key]"),
        "{out}"
    );
    let (_, out, _) = check_out(
        &sb,
        &[
            "--format",
            "concise",
            "--select",
            "removed-key,duplicate-key",
            "--ignore",
            "duplicate-key",
        ],
    );
    assert!(
        out.contains("[removed-key]") && !out.contains("[duplicate-key]"),
        "{out}"
    );
    assert!(!out.contains("[registry-trailing-slash]"), "{out}");
    let (code, _, err) = check_out(&sb, &["--select", "corectness"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `correctness`?"), "{err}");
    let (code, _, err) = check_out(&sb, &["--ignore", "removed-kye"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `removed-key`?"), "{err}");
}

#[test]
fn statistics_counts_per_rule() {
    let sb = conventions_project();
    let (code, out, _) = check_out(&sb, &["--statistics"]);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.contains(&"    1  error  registry-trailing-slash  (1 fixable)"),
        "{out}"
    );
    assert!(
        lines.contains(&"    1  warn   removed-key  (1 fixable)"),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"    3  total"), "{out}");
    let (_, json, _) = check_out(&sb, &["--statistics", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 3, "{json}");
}

#[test]
fn color_choice_force_color_and_dumb_terminals() {
    let sb = conventions_project();
    let esc = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = sb.cmd();
        c.args(["check", "--npm-dir", &npm_dir(&sb)]).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).contains('\u{1b}')
    };
    assert!(!esc(&[], &[]), "a pipe gets no colour");
    assert!(esc(&["--color", "always"], &[]));
    assert!(esc(&[], &[("FORCE_COLOR", "1")]));
    assert!(!esc(&[], &[("FORCE_COLOR", "0")]));
    assert!(!esc(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!esc(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    // TERM=dumb turns auto colour off; FORCE_COLOR still wins over it
    assert!(!esc(&[], &[("TERM", "dumb")]));
    assert!(esc(&[], &[("FORCE_COLOR", "1"), ("TERM", "dumb")]));
}

#[test]
fn width_follows_columns_and_diagnostics_are_separated() {
    let sb = conventions_project();
    let render = |cols: &str| {
        let out = sb
            .cmd()
            .env("COLUMNS", cols)
            .args(["check", "--npm-dir", &npm_dir(&sb)])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let narrow = render("60");
    let wide = render("200");
    assert_ne!(narrow, wide, "the width changes the rendering");
    // one blank line after each diagnostic: before each rule header but the first
    for rule in ["duplicate-key", "registry-trailing-slash"] {
        assert!(wide.contains(&format!("\n\n{rule} (")), "{wide}");
    }
}

#[test]
fn stdin_filename_checks_the_text_as_that_file() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    let on_disk = sb.write("project/.npmrc", "fund=false\n");
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--format", "concise"])
        .args(["--stdin-filename", ".npmrc"])
        .write_stdin("always-auth=true\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(".npmrc:1:1: warn [removed-key]"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&on_disk).unwrap(), "fund=false\n");
    // a file that does not exist yet (an editor's new buffer)
    let out = sb
        .cmd()
        .args(["check", "--npm-dir", &npm_dir(&sb), "--format", "concise"])
        .args(["--stdin-filename", "packages/new/.npmrc.ci"])
        .write_stdin("always-auth=true\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("packages/new/.npmrc.ci:1:1: warn [removed-key]"),
        "{stdout}"
    );
}

#[test]
fn completions_and_man_page() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sb.cmd().args(["completions", shell]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(text.contains("unsafe-fixes"), "{shell}: {text}");
    }
    let out = sb.cmd().args(["man"]).output().unwrap();
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.contains(".TH npmrc-doctor 1"), "{man}");
    let out = sb.cmd().args(["man", "check"]).output().unwrap();
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(
        man.contains(".TH npmrc-doctor-check 1") && man.contains("max\\-warnings"),
        "{man}"
    );
}

#[test]
fn settings_file_with_comments_and_extends() {
    let sb = conventions_project();
    sb.write(
        "shared/base.json",
        "{\n  // the team's baseline\n  \"rules\": { \"removed-key\": \"off\", \"duplicate-key\": \"error\", },\n}\n",
    );
    sb.write(
        "project/.npmrc-doctor.json",
        "/* this project */ {\"extends\": \"../shared/base.json\", \"rules\": {\"duplicate-key\": \"info\"}}",
    );
    let (code, out, err) = check_out(&sb, &["--format", "concise"]);
    assert!(!out.contains("[removed-key]"), "{out}{err}");
    assert!(out.contains("info [duplicate-key]"), "{out}");
    assert_eq!(code, Some(1), "registry-trailing-slash is still an error");
    // a cycle is a usage error, not a hang
    sb.write(
        "shared/base.json",
        "{\"extends\": \"../project/.npmrc-doctor.json\"}",
    );
    let (code, out, err) = check_out(&sb, &[]);
    assert_eq!(code, Some(2));
    assert!((out + &err).contains("`extends` cycle"));
}

#[test]
fn shipped_settings_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/npmrc-doctor.schema.json");
    let generated =
        serde_json::to_string_pretty(&npmrc_doctor::check::settings::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == generated,
        "schema/npmrc-doctor.schema.json is out of date: UPDATE_SCHEMA=1 cargo test --test cli"
    );
    let doc: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    for rule in npmrc_doctor::rules::ALL {
        assert!(
            doc["properties"]["rules"]["properties"]
                .get(rule.name)
                .is_some()
        );
    }
}

#[test]
fn suppressions_that_name_an_unknown_rule_or_suppress_nothing() {
    let sb = Sandbox::new();
    sb.write("project/package.json", PKG);
    let npmrc = sb.write(
        "project/.npmrc",
        "; npmrc-doctor-disable-next-line removed-kye\nalways-auth=true\n; npmrc-doctor-disable-next-line removed-key duplicate-key\nfund=false\n; npmrc-doctor-disable-next-line removed-key\nfund=true\n",
    );
    // only unused-suppression is on: the rules the comments name still run
    let (_, out, _) = check_out(
        &sb,
        &["--format", "concise", "--select", "unused-suppression"],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            ".npmrc:1:1: warn [unused-suppression] the suppression names `removed-kye`"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with(
            ".npmrc:5:1: warn [unused-suppression] this suppression comment suppresses nothing"
        ),
        "{out}"
    );
    // the comment that silences nothing is deleted by --fix; the misspelt one is for a person
    check_out(&sb, &["--fix", "--select", "unused-suppression"]);
    assert_eq!(
        std::fs::read_to_string(&npmrc).unwrap(),
        "; npmrc-doctor-disable-next-line removed-kye\nalways-auth=true\n; npmrc-doctor-disable-next-line removed-key duplicate-key\nfund=false\nfund=true\n"
    );
}

#[test]
fn every_format_links_the_rule_docs() {
    let sb = conventions_project();
    let url = "/blob/main/rules/removed-key.md";
    for format in ["human", "json", "github", "sarif", "junit"] {
        let (_, out, _) = check_out(&sb, &["--format", format]);
        assert!(out.contains(url), "{format}: {out}");
    }
    let (_, json, _) = check_out(&sb, &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for d in doc["diagnostics"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap();
        assert!(
            d["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/rules/{rule}.md"))
        );
    }
}

#[test]
fn settings_are_found_per_checked_file() {
    let sb = Sandbox::new();
    sb.write(
        "project/package.json",
        "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}\n",
    );
    sb.write("project/.npmrc", "always-auth=true\n");
    sb.write(
        "project/packages/a/package.json",
        "{\"name\": \"a\", \"version\": \"1.0.0\", \"private\": true}\n",
    );
    sb.write("project/packages/a/.npmrc.ci", "always-auth=true\n");
    // the package's own settings file turns the rule off for its files only
    sb.write(
        "project/packages/a/.npmrc-doctor.json",
        "{ \"rules\": { \"removed-key\": \"off\" } } // this package only",
    );
    let (_, out, _) = check_out(&sb, &["--format", "concise"]);
    assert!(out.contains(".npmrc:1:1: warn [removed-key]"), "{out}");
    assert!(!out.contains("packages/a/.npmrc.ci"), "{out}");
    // --settings FILE applies one file to every checked file
    sb.write("project/all.json", "{}");
    let (_, out, _) = check_out(
        &sb,
        &[
            "--format",
            "concise",
            "--select",
            "removed-key",
            "--settings",
            "all.json",
        ],
    );
    assert!(
        out.contains("packages/a/.npmrc.ci:1:1: warn [removed-key]"),
        "{out}"
    );
    // a broken settings file is a usage error
    sb.write(
        "project/packages/a/.npmrc-doctor.json",
        "{ \"rules\": { \"removed-kye\": \"off\" } }",
    );
    let (code, out, err) = check_out(&sb, &[]);
    assert_eq!(code, Some(2));
    assert!((out + &err).contains("did you mean `removed-key`?"));
}

#[test]
fn sarif_carries_fixes() {
    let sb = conventions_project();
    let (_, out, _) = check_out(&sb, &["--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let slash = results
        .iter()
        .find(|r| r["ruleId"] == "registry-trailing-slash")
        .unwrap();
    let change = &slash["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], ".npmrc");
    let r = &change["replacements"][0];
    let text = "always-auth=true\nfund=false\nfund=false\n@acme:registry=https://gitlab.example.com/api/v4/packages/npm\n";
    assert_eq!(r["deletedRegion"]["byteOffset"], text.len() - 1);
    assert_eq!(r["deletedRegion"]["byteLength"], 0);
    assert_eq!(r["insertedContent"]["text"], "/");
    assert!(
        slash["fixes"][0]["description"]["text"]
            .as_str()
            .unwrap()
            .ends_with("(safe)")
    );
}

/// A folder the user names is a project, even when it sits in a folder
/// that looks like test fixtures (the README's first command:
/// `check fixtures/example`); `check .` at the repository root still treats
/// it as a fixture (secret rules only).
#[test]
fn a_named_folder_is_a_project_even_under_fixtures() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.root.join("project/.git")).unwrap();
    sb.write("project/fixtures/example/.npmrc", SLASHLESS);
    sb.write("project/fixtures/example/package.json", PKG);
    let named = sb
        .cmd()
        .args(["check", "fixtures/example", "--format", "concise"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&named.stdout);
    assert!(out.contains("[registry-trailing-slash]"), "{out}");
    let walked = sb
        .cmd()
        .args(["check", ".", "--format", "concise"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&walked.stdout);
    assert!(!out.contains("[registry-trailing-slash]"), "{out}");
}
