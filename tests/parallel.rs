//! `check` spreads directories over threads; its output must be the same,
//! byte for byte, as a single-threaded run (RAYON_NUM_THREADS=1), in every
//! format, on a tree whose findings point across files (a parent `.npmrc`
//! seen from many projects, workspaces, templates).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A tree of 60 projects with findings of many rules.
fn tree(root: &Path) {
    write(
        &root.join(".npmrc"),
        "registry=http://registry.example.com\n//registry.example.com/:_authToken=${TOKEN}\n//orphan.example.org/:_authToken=${X}\nalways-auth=true\n",
    );
    for i in 0..60 {
        let dir = root.join(format!("p{i:02}"));
        let name = if i % 7 == 0 {
            "Bad Name".to_string()
        } else {
            format!("@s{}/p{i}", i % 3)
        };
        write(
            &dir.join("package.json"),
            &format!(
                "{{\n  \"name\": \"{name}\",\n  \"version\": \"{}\",\n  \"dependencies\": {{\"a\": \"^1\", \"b\": \"workspace:*\", \"c\": \"not a spec {i}\"}},\n  \"publishConfig\": {{\"registry\": \"https://r{}.example.com\"}}\n}}\n",
                if i % 5 == 0 { "1.0" } else { "1.0.0" },
                i % 4
            ),
        );
        if i % 3 == 0 {
            write(
                &dir.join(".npmrc"),
                &format!(
                    "@s{}:registry=https://r{}.example.com/\nunknown-key-{i}=1\n//r{}.example.com/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n",
                    i % 3,
                    i % 4,
                    i % 4
                ),
            );
        }
        if i % 11 == 0 {
            write(
                &dir.join(".npmrc.ci"),
                "registry = https://ci.example.com\n",
            );
        }
    }
    write(
        &root.join("ws").join("package.json"),
        "{\"name\":\"ws\",\"private\":true,\"workspaces\":[\"packages/*\"]}",
    );
    for i in 0..10 {
        write(
            &root.join("ws").join(format!("packages/m{i}/package.json")),
            &format!(
                "{{\"name\":\"m{i}\",\"version\":\"1.0.0\",\"dependencies\":{{\"x\":\"^{i}\"}}}}"
            ),
        );
        write(
            &root.join("ws").join(format!("packages/m{i}/.npmrc")),
            "registry=https://ws.example.com/\n",
        );
    }
}

fn run(root: &Path, home: &Path, threads: &str, format: &str) -> (Vec<u8>, Option<i32>) {
    let out = Command::cargo_bin("npmrc-doctor")
        .unwrap()
        .current_dir(root)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RAYON_NUM_THREADS", threads)
        .args(["check", ".", "--format", format])
        .output()
        .unwrap();
    (out.stdout, out.status.code())
}

#[test]
fn parallel_output_is_the_single_threaded_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    tree(&root);
    for format in ["json", "human", "concise", "github"] {
        let (one, code) = run(&root, &home, "1", format);
        assert!(
            one.len() > 1000,
            "{format}: the tree has findings: {}",
            String::from_utf8_lossy(&one)
        );
        for threads in ["2", "8"] {
            for _ in 0..3 {
                let (many, many_code) = run(&root, &home, threads, format);
                assert_eq!(
                    code, many_code,
                    "{format}: exit code with {threads} threads"
                );
                assert!(
                    one == many,
                    "{format}: {threads} threads differ from one:\n{}\n----\n{}",
                    String::from_utf8_lossy(&one),
                    String::from_utf8_lossy(&many)
                );
            }
        }
    }
}
