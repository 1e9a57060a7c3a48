//! The CI report formats end to end: SARIF validated against the official
//! SARIF 2.1.0 JSON schema (vendored in `tests/schemas/`, from
//! oasis-tcs/sarif-spec `sarif-2.1/schema/sarif-schema-2.1.0.json`), the
//! GitLab Code Quality report checked field by field against what GitLab
//! reads, JUnit's structure, repository-relative paths (also with `-C`),
//! fingerprints that survive line moves, no secret in any format, and
//! `--output-file` / `--format X=PATH`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const TOKEN: &str = "npm_abcdefghijklmnopqrstuvwxyz0123456789";

/// A scratch repository: `repo/.git`, a project in `repo/packages/app`.
struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        for d in ["home", "npm", "repo/.git", "repo/packages/app"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let repo = Repo { _tmp: tmp, root };
        repo.write(
            "repo/packages/app/package.json",
            "{\"name\": \"@acme/app\", \"version\": \"1.0.0\", \"private\": true}\n",
        );
        repo.write("repo/packages/app/.npmrc", &npmrc(""));
        repo
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// `npmrc-doctor -C repo/packages/app check …`, started in `repo`.
    fn check(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("npmrc-doctor")
            .unwrap()
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("PREFIX", self.root.join("prefix"))
            .current_dir(self.root.join("repo"))
            .args(["-C", "packages/app", "check", "--npm-dir"])
            .arg(self.root.join("npm"))
            .args(args)
            .output()
            .unwrap()
    }

    /// stdout, whatever the exit code.
    fn stdout_any(&self, args: &[&str]) -> String {
        String::from_utf8(self.check(args).stdout).unwrap()
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.check(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Three findings (registry-trailing-slash, hardcoded-token, unknown-key),
/// after `prefix` (blank lines move them down).
fn npmrc(prefix: &str) -> String {
    format!(
        "{prefix}@acme:registry=https://gitlab.example.com/api/v4/projects/42/packages/npm\n\
         //gitlab.example.com/api/v4/projects/42/packages/npm/:_authToken={TOKEN}\n\
         colour=true\n"
    )
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let repo = Repo::new();
    let doc: Value = serde_json::from_str(&repo.stdout(&["--format", "sarif"])).unwrap();
    let validator = sarif_validator();
    let errors = schema_errors(&validator, &doc);
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");

    // the validator does catch a broken document
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("warn");
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert_eq!(schema_errors(&validator, &broken).len(), 2);

    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["registry-trailing-slash", "hardcoded-token", "unknown-key"]
    );
    for r in results {
        let rule = &rules[usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap()];
        assert_eq!(rule["id"], r["ruleId"]);
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://github.com/npmrc-doctor/npmrc-doctor/blob/main/rules/{}.md",
                r["ruleId"].as_str().unwrap()
            )
        );
        let loc = &r["locations"][0]["physicalLocation"];
        // relative to the repository root, not to `-C packages/app`
        assert_eq!(loc["artifactLocation"]["uri"], "packages/app/.npmrc");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
    }
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "warning"]);
    let lines: Vec<u64> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, [1, 2, 3]);
    // every rule has a doc page in the repository at the linked path
    for rule in rules {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(format!("{}.md", rule["id"].as_str().unwrap()));
        assert!(doc.is_file(), "{} has no doc page", doc.display());
    }
}

#[test]
fn fingerprints_survive_line_moves() {
    let repo = Repo::new();
    let fingerprints = |format: &str| -> Vec<String> {
        let doc: Value = serde_json::from_str(&repo.stdout(&["--format", format])).unwrap();
        if format == "sarif" {
            doc["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r["partialFingerprints"]["npmrcDoctorFingerprint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        } else {
            doc.as_array()
                .unwrap()
                .iter()
                .map(|i| i["fingerprint"].as_str().unwrap().to_string())
                .collect()
        }
    };
    let before = (fingerprints("sarif"), fingerprints("gitlab"));
    repo.write(
        "repo/packages/app/.npmrc",
        &npmrc("; moved down by a comment\n\n"),
    );
    let after = (fingerprints("sarif"), fingerprints("gitlab"));
    assert_eq!(before, after);
    assert_eq!(before.0.len(), 3);
    // editing the flagged text gives a new fingerprint
    repo.write(
        "repo/packages/app/.npmrc",
        &npmrc("").replace("colour=true", "color2=true"),
    );
    let edited = fingerprints("gitlab");
    assert_eq!(edited[..2], before.1[..2]);
    assert_ne!(edited[2], before.1[2]);
}

#[test]
fn gitlab_report_has_every_field_gitlab_reads() {
    let repo = Repo::new();
    // the same line twice (also a duplicate-key finding): the two
    // unknown-key fingerprints must still differ
    repo.write(
        "repo/packages/app/.npmrc",
        &format!("{}colour=true\n", npmrc("")),
    );
    let doc: Value = serde_json::from_str(&repo.stdout(&["--format", "gitlab"])).unwrap();
    let issues = doc.as_array().unwrap();
    assert_eq!(issues.len(), 5, "{doc:#}");
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} missing: {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
        let path = issue["location"]["path"].as_str().unwrap();
        assert_eq!(path, "packages/app/.npmrc");
        assert!(repo.root.join("repo").join(path).is_file());
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["major", "critical", "minor", "minor", "minor"]);
}

#[test]
fn junit_has_one_failure_per_finding() {
    let repo = Repo::new();
    let xml = repo.stdout(&["--format", "junit"]);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(xml.contains(r#"<testsuites name="npmrc-doctor" tests="3" failures="3" errors="0">"#));
    assert!(xml.contains(r#"<testsuite name="packages/app/.npmrc" tests="3" failures="3""#));
    assert_eq!(xml.matches("<failure ").count(), 3);
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert!(xml.contains(r#"<testcase name="unknown-key (3:1)" classname="packages/app/.npmrc" file="packages/app/.npmrc" line="3">"#));
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

#[test]
fn no_format_prints_a_secret() {
    let repo = Repo::new();
    for format in [
        "sarif", "gitlab", "junit", "github", "json", "concise", "human",
    ] {
        let out = repo.check(&["--format", format]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("hardcoded-token"), "{format}: {all}");
        assert!(
            !all.contains(&TOKEN[4..]),
            "{format} leaks the token:\n{all}"
        );
    }
}

#[test]
fn several_formats_in_one_run() {
    let repo = Repo::new();
    let out = repo.check(&[
        "--format",
        "concise",
        "--format",
        "sarif=../../report.sarif",
        "--format",
        "gitlab=../../gl-code-quality-report.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // stdout: paths relative to the working directory (`-C`), as before
    assert!(stdout.starts_with(".npmrc:1:"), "{stdout}");
    assert_eq!(stdout.lines().count(), 3);
    let sarif: Value = serde_json::from_str(&repo.read("repo/report.sarif")).unwrap();
    assert!(schema_errors(&sarif_validator(), &sarif).is_empty());
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    let gitlab: Value =
        serde_json::from_str(&repo.read("repo/gl-code-quality-report.json")).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), 3);

    // only FORMAT=PATH: the terminal still gets the human report
    let out = repo.check(&["--format", "junit=../../r.xml"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("registry-trailing-slash"), "{stdout}");
    assert!(repo.read("repo/r.xml").contains("<testsuites"));

    // --output-file: the stdout format goes to the file, stdout is empty
    let out = repo.check(&["--format", "gitlab", "--output-file", "../../out.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let gitlab2: Value = serde_json::from_str(&repo.read("repo/out.json")).unwrap();
    assert_eq!(gitlab, gitlab2);
}

#[test]
fn format_usage_errors() {
    let repo = Repo::new();
    for args in [
        &["--format", "json", "--format", "sarif"][..],
        &["--format", "xml"][..],
        &["--format", "sarif="][..],
        &["--format", "sarif=a", "--format", "gitlab=a"][..],
        &["--format", "sarif=a", "--output-file", "b"][..],
    ] {
        let out = repo.check(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("format"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = repo.check(&["--format", "sarif=/nonexistent/dir/x.sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the sarif report"));
}

#[test]
fn without_git_paths_are_relative_to_the_working_directory() {
    let repo = Repo::new();
    std::fs::remove_dir(repo.root.join("repo/.git")).unwrap();
    let doc: Value = serde_json::from_str(&repo.stdout(&["--format", "gitlab"])).unwrap();
    assert_eq!(doc[0]["location"]["path"], ".npmrc");
}

#[test]
fn junit_is_well_formed_xml_with_hostile_text() {
    let parse = "import sys, xml.etree.ElementTree as E\n\
                 r = E.fromstring(sys.stdin.buffer.read())\n\
                 print(len(r.findall('.//failure')), '|'.join(f.get('message') for f in r.iter('failure')))";
    if Command::new("python3")
        .args(["-c", "import xml.etree.ElementTree"])
        .output()
        .map_or(true, |o| !o.status.success())
    {
        println!("SKIPPED: JUnit XML well-formedness test (python3 not found)");
        return;
    }
    let repo = Repo::new();
    // a key with markup, quotes, an escape sequence and `]]>`: unknown-key
    // quotes it in its message
    repo.write("repo/packages/app/.npmrc", "a<b>&\"c'\u{1b}[31m]]>=1\n");
    let xml = repo.stdout_any(&["--format", "junit"]);
    let out = std::process::Command::new("python3")
        .args(["-c", parse])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(xml.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let parsed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "not well-formed:\n{xml}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(parsed.starts_with("1 "), "{parsed}");
    assert!(parsed.contains("a<b>&\"c'\\u{1b}[31m]]>"), "{parsed}");
}
