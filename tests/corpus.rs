//! The real-world corpus (`../shared/corpus/real-world/`, see its README):
//! every `.npmrc` and `package.json` collected from public repositories is
//! checked with all rules at their defaults, as the project's `.npmrc` (or
//! `package.json`) of a temporary project. Asserts that nothing panics, that
//! no credential value of the corpus appears in any output format, and that
//! every file with a literal credential (`SANITIZE-LOG.json`, `SOURCES.tsv`
//! `sanitized` column) is flagged `hardcoded-token`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use npmrc_doctor::check::settings::Settings;
use npmrc_doctor::check::{CheckOptions, CheckRun, run};
use npmrc_doctor::config::LoadOptions;
use npmrc_doctor::env::Env;
use npmrc_doctor::report::{Format, write};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-world")
}

/// Checks one corpus file placed as `project/<name>`.
fn check_file(src: &Path, name: &str) -> (CheckRun, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonicalize");
    let project = root.join("project");
    let home = root.join("home");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::create_dir_all(&home).expect("mkdir");
    std::fs::copy(src, project.join(name)).expect("copy");
    if name != "package.json" {
        std::fs::write(
            project.join("package.json"),
            "{\"name\": \"corpus-example\", \"version\": \"1.0.0\"}\n",
        )
        .expect("write");
    }
    let vars = vec![
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
        ("HOME".to_string(), home.display().to_string()),
        (
            "PREFIX".to_string(),
            root.join("prefix").display().to_string(),
        ),
    ];
    let options = CheckOptions {
        paths: Vec::new(),
        include_node_modules: false,
        all_layers: false,
        load: LoadOptions {
            npm_dir: Some(root.join("npm")),
            argv: Vec::new(),
            cache: None,
        },
        excludes: Default::default(),
        settings: Settings::default(),
        discover_settings: None,
        overlay: None,
    };
    let result = run(&options, &Env::new(vars, project));
    (result, root, tmp)
}

/// Files (corpus-relative, e.g. `npmrc/013.npmrc`) with a literal
/// credential, and the credential values to keep out of the output.
fn credential_files(dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut files = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    let log: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("SANITIZE-LOG.json")).expect("SANITIZE-LOG.json"),
    )
    .expect("SANITIZE-LOG.json is JSON");
    for entry in log.as_array().expect("array") {
        let file = entry["file"].as_str().expect("file");
        let changes = entry["changes"].as_array().cloned().unwrap_or_default();
        if changes.is_empty() {
            continue;
        }
        let sub = if file.ends_with(".json") {
            "package-json"
        } else {
            "npmrc"
        };
        let rel = format!("{sub}/{file}");
        files.insert(rel.clone());
        // the values themselves: every non-placeholder literal value of a
        // key the log names
        let text = std::fs::read_to_string(dir.join(&rel)).unwrap_or_default();
        for change in &changes {
            let key = change[0].as_str().unwrap_or("");
            let what = change[1].as_str().unwrap_or("");
            if what.starts_with("placeholder") {
                continue;
            }
            for line in text.lines() {
                let Some((k, v)) = line.split_once('=') else {
                    continue;
                };
                let k = k.trim();
                let matches_key = k == key || (key.contains('…') && line.contains("_authToken"));
                if !matches_key {
                    continue;
                }
                let mut v = v.trim().trim_matches('"').trim_matches('\'').to_string();
                if let Some(p) = v.to_ascii_lowercase().find(":_authtoken=") {
                    v = v[p + ":_authtoken=".len()..].to_string();
                }
                if v.len() >= 6 && !v.starts_with("${") {
                    secrets.insert(v);
                }
            }
        }
    }
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).expect("SOURCES.tsv");
    let mut lines = sources.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = header
        .iter()
        .position(|h| *h == "sanitized")
        .expect("sanitized column");
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.get(col).is_some_and(|c| c.starts_with("yes")) {
            files.insert(cells[0].to_string());
        }
    }
    (files, secrets)
}

#[test]
fn corpus_is_checked_without_leaks() {
    let dir = corpus_dir();
    if !dir.join("SANITIZE-LOG.json").exists() {
        println!("SKIPPED: corpus not found at {}", dir.display());
        return;
    }
    let (with_credentials, secrets) = credential_files(&dir);
    assert!(
        !with_credentials.is_empty() && !secrets.is_empty(),
        "the corpus logs must list credentials"
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for (sub, name) in [("npmrc", ".npmrc"), ("package-json", "package.json")] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .expect("corpus folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let rel = format!(
                "{sub}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let (result, root, _tmp) = check_file(&path, name);
            checked += 1;
            for format in [Format::Human, Format::Json, Format::Github, Format::Concise] {
                let mut out = Vec::new();
                write(format, &result, &root.join("project"), false, &mut out).expect("render");
                let text = String::from_utf8_lossy(&out);
                if text.contains("FAKE") {
                    problems.push(format!("{rel}: {format:?} output contains `FAKE`"));
                }
                for s in &secrets {
                    if text.contains(s.as_str()) {
                        problems.push(format!(
                            "{rel}: {format:?} output contains a credential value ({} chars)",
                            s.len()
                        ));
                    }
                }
            }
            let flagged = result
                .diagnostics
                .iter()
                .any(|d| d.rule == "hardcoded-token");
            if with_credentials.contains(&rel) && !flagged {
                problems.push(format!(
                    "{rel}: literal credential not flagged hardcoded-token"
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} corpus files found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
