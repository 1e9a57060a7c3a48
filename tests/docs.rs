//! Rule registry and rule docs stay in sync (ty's lint-doc tests, biome's
//! rules_check): names sorted, unique and kebab-case; `rules/<name>.md` for
//! every rule and nothing else; required headings in order; every example
//! block runs (`npmrc invalid` must produce a finding of that rule, `npmrc
//! valid` none; `json …` blocks are the project's package.json; attributes
//! `user` (the block is `~/.npmrc`), `env:NAME=value`, `workspace` (the block
//! is `packages/a/.npmrc` of a workspace root), `pm:pnpm|yarn|yarn-classic|bun`
//! (the project is installed with that package manager)); the README
//! table is the generated one (`UPDATE_DOCS=1` rewrites it).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use npmrc_doctor::check::settings::{Level, Settings};
use npmrc_doctor::check::{CheckOptions, run};
use npmrc_doctor::config::LoadOptions;
use npmrc_doctor::env::Env;
use npmrc_doctor::rules::{ALL, FixAvailability, Rule};
use std::path::{Path, PathBuf};

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## How to fix",
    "## References",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn names_sorted_unique_kebab() {
    let names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "ALL must be sorted by name and unique");
    for n in names {
        assert!(
            !n.is_empty()
                && n.split('-').all(|p| !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{n} is not kebab-case"
        );
    }
}

#[test]
fn docs_match_registry_both_ways() {
    let mut stems: Vec<String> = std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
        .collect();
    stems.sort();
    let names: Vec<String> = ALL.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(stems, names, "rules/*.md must match the registry");
}

#[test]
fn docs_have_required_structure() {
    let mut problems = Vec::new();
    for rule in ALL {
        let first = rule.docs.lines().next().unwrap_or("");
        if first != format!("# {}", rule.name) {
            problems.push(format!(
                "{}: first line must be `# {}`",
                rule.name, rule.name
            ));
        }
        let mut at = 0;
        for h in HEADINGS {
            match rule.docs[at..].find(&format!("\n{h}\n")) {
                Some(p) => at += p + 1,
                None => problems.push(format!("{}: missing or misplaced `{h}`", rule.name)),
            }
        }
        if rule.summary.ends_with('.')
            || rule.summary.chars().next().is_some_and(char::is_uppercase)
        {
            problems.push(format!(
                "{}: summary: lower-case start, no final period",
                rule.name
            ));
        }
        if rule.fix != FixAvailability::None && !rule.docs.contains("automatic fix") {
            problems.push(format!(
                "{}: fixable rule must describe its automatic fix",
                rule.name
            ));
        }
        // `## Fix safety` (between `## How to fix` and `## References`)
        // says whether the fix is safe or unsafe and what npm does after it
        let safety = rule.docs.find("\n## Fix safety\n");
        let order = |h: &str| rule.docs.find(&format!("\n{h}\n"));
        match (rule.fix != FixAvailability::None, safety) {
            (true, None) => {
                problems.push(format!("{}: fixable rule needs `## Fix safety`", rule.name))
            }
            (false, Some(_)) => {
                problems.push(format!("{}: `## Fix safety` without a fix", rule.name))
            }
            (true, Some(p)) => {
                if !(order("## How to fix") < Some(p) && Some(p) < order("## References")) {
                    problems.push(format!(
                        "{}: `## Fix safety` goes between `## How to fix` and `## References`",
                        rule.name
                    ));
                }
                let text = &rule.docs[p..];
                if !(text.contains("Safe") || text.contains("safe")) {
                    problems.push(format!(
                        "{}: `## Fix safety` must say safe or unsafe",
                        rule.name
                    ));
                }
            }
            (false, None) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A fenced example block: (language, valid?, attributes, body).
struct Example {
    lang: String,
    valid: bool,
    attrs: Vec<String>,
    body: String,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let words: Vec<&str> = info.split_whitespace().collect();
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        let (Some(lang), Some(kind)) = (words.first(), words.get(1)) else {
            continue;
        };
        if !matches!(*lang, "npmrc" | "json") || !matches!(*kind, "valid" | "invalid") {
            continue;
        }
        out.push(Example {
            lang: (*lang).to_string(),
            valid: *kind == "valid",
            attrs: words.iter().skip(2).map(|s| (*s).to_string()).collect(),
            body,
        });
    }
    out
}

/// Runs one example with only `rule` enabled; returns the finding count.
fn run_example(rule: &Rule, ex: &Example) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonicalize");
    let project = root.join("project");
    let home = root.join("home");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::create_dir_all(&home).expect("mkdir");
    let target: &Path = if ex.attrs.iter().any(|a| a == "user") {
        &home
    } else {
        &project
    };
    let mut vars = vec![
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
    for a in &ex.attrs {
        if let Some((k, v)) = a.strip_prefix("env:").and_then(|kv| kv.split_once('=')) {
            vars.push((k.to_string(), v.to_string()));
        }
    }
    // `pm:NAME`: the project is installed with that package manager
    for a in &ex.attrs {
        let marker = match a.as_str() {
            "pm:pnpm" => Some(("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")),
            "pm:yarn" => Some((".yarnrc.yml", "nodeLinker: node-modules\n")),
            "pm:yarn-classic" => Some(("yarn.lock", "# yarn lockfile v1\n")),
            "pm:bun" => Some(("bun.lock", "{}\n")),
            _ => None,
        };
        if let Some((name, text)) = marker {
            std::fs::write(project.join(name), text).expect("write");
        }
    }
    if ex.lang == "json" {
        std::fs::write(project.join("package.json"), &ex.body).expect("write");
    } else if ex.attrs.iter().any(|a| a == "workspace") {
        // the block is `packages/a/.npmrc` of a workspace root
        let ws = project.join("packages").join("a");
        std::fs::create_dir_all(&ws).expect("mkdir");
        std::fs::write(ws.join(".npmrc"), &ex.body).expect("write");
        std::fs::write(
            ws.join("package.json"),
            "{\"name\": \"a\", \"version\": \"1.0.0\"}\n",
        )
        .expect("write");
        std::fs::write(
            project.join("package.json"),
            "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}\n",
        )
        .expect("write");
    } else if ex.attrs.iter().any(|a| a == "nested") {
        // the block is `config/.npmrc` of a project checked with `check .`
        let nested = project.join("config");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(nested.join(".npmrc"), &ex.body).expect("write");
        std::fs::write(
            project.join("package.json"),
            "{\"name\": \"example\", \"version\": \"1.0.0\"}\n",
        )
        .expect("write");
    } else {
        std::fs::write(target.join(".npmrc"), &ex.body).expect("write");
        // `dep:NAME` attributes: the example project depends on NAME
        let deps: Vec<String> = ex
            .attrs
            .iter()
            .filter_map(|a| a.strip_prefix("dep:"))
            .map(|d| format!("\"{d}\": \"^1.0.0\""))
            .collect();
        if !project.join("package.json").exists() {
            std::fs::write(
                project.join("package.json"),
                format!(
                    "{{\"name\": \"example\", \"version\": \"1.0.0\", \"dependencies\": {{{}}}}}\n",
                    deps.join(", ")
                ),
            )
            .expect("write");
        }
    }
    let mut settings = Settings::default();
    for r in ALL {
        let level = if r.name == rule.name {
            Level::On(r.default_severity)
        } else {
            Level::Off
        };
        settings.set(r.name, level).expect("known rule");
    }
    let options = CheckOptions {
        paths: if ex.attrs.iter().any(|a| a == "nested") {
            vec![project.clone()]
        } else {
            Vec::new()
        },
        include_node_modules: false,
        all_layers: target == home,
        load: LoadOptions {
            npm_dir: Some(root.join("npm")),
            argv: Vec::new(),
            cache: None,
        },
        settings,
        excludes: Default::default(),
        discover_settings: None,
        overlay: None,
    };
    let result = run(&options, &Env::new(vars, project));
    result
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule.name)
        .count()
}

#[test]
fn doc_examples_behave_as_labelled() {
    let mut problems = Vec::new();
    for rule in ALL {
        let list = examples(rule.docs);
        if !list.iter().any(|e| !e.valid) || !list.iter().any(|e| e.valid) {
            problems.push(format!(
                "{}: needs a runnable `invalid` and `valid` example",
                rule.name
            ));
        }
        for (i, ex) in list.iter().enumerate() {
            let n = run_example(rule, ex);
            if ex.valid && n > 0 {
                problems.push(format!(
                    "{}: example {i} (valid) produced {n} finding(s)",
                    rule.name
                ));
            }
            if !ex.valid && n == 0 {
                problems.push(format!(
                    "{}: example {i} (invalid) produced no finding",
                    rule.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The rules table between the README markers.
fn rules_table() -> String {
    let mut t = String::from(
        "| rule | category | default | fix | what it finds |\n|---|---|---|---|---|\n",
    );
    for r in ALL {
        t.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} | {} | {} |\n",
            r.name,
            r.name,
            r.category.name(),
            r.default_severity.name(),
            r.fix.name(),
            r.summary
        ));
    }
    t
}

#[test]
fn readme_rules_table_is_current() {
    const START: &str = "<!-- rules:start -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(s), Some(e)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the rules table markers");
    };
    let current = &readme[s + START.len()..e];
    let wanted = rules_table();
    if current == wanted {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{START}{wanted}{}", &readme[..s], &readme[e..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!("README rules table is stale: run UPDATE_DOCS=1 cargo test --test docs");
}
