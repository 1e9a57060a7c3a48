//! The fuzz targets' bodies, shared by `fuzz/` (cargo-fuzz, nightly) and
//! `tests/fuzz_corpora.rs`, which replays their corpora on stable. Each
//! takes arbitrary bytes, must not panic or hang, and checks the invariants
//! that hold for any input.

use crate::check::{CheckOptions, run};
use crate::env::Env;
use std::path::PathBuf;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The `.npmrc` lexer, ini decoder, secret harvest and snippet masking.
pub fn npmrc(data: &[u8]) {
    let t = text(data);
    let lines = crate::npmrc::lexer::lex(&t);
    for l in &lines {
        assert!(l.span.end <= t.len(), "line span past the end");
    }
    let _ = crate::npmrc::decode(&t);
    crate::redact::harvest_text(&t);
    let masked = crate::secret::mask_source(std::path::Path::new(".npmrc"), &t);
    assert_eq!(masked.len(), t.len(), "snippet masking keeps offsets");
}

/// The package.json reader (spans, duplicate keys, deep nesting).
pub fn manifest(data: &[u8]) {
    let m = crate::manifest::spanned::Manifest::from_bytes(PathBuf::from("package.json"), data);
    if let Some(e) = &m.error {
        assert!(e.offset <= m.text.len(), "error offset past the end");
    }
    let _ = crate::manifest::json::parse(&text(data));
}

/// The `why --log` parser.
pub fn why_log(data: &[u8]) {
    let _ = crate::why::log::parse(&text(data));
}

/// The credential walk on URLs (first line a request URL, second a
/// registry) and URL redaction.
pub fn url_credentials(data: &[u8]) {
    let t = text(data);
    let mut lines = t.lines();
    let uri = lines.next().unwrap_or("");
    let reg = lines.next().unwrap_or("https://registry.npmjs.org/");
    if let Ok(keys) = crate::auth::walk_keys(uri) {
        for k in keys.iter() {
            assert!(k.starts_with("//"), "nerf-darted keys start with //: {k}");
        }
    }
    let _ = crate::auth::same_host(uri, reg);
    let _ = crate::auth::url_credentials_header(uri);
    let shaped = crate::redact::redact_shapes(uri);
    if let Ok(u) = url::Url::parse(uri) {
        if let Some(p) = u.password() {
            if p.len() >= 8 && !p.contains('*') {
                assert!(!shaped.contains(p), "URL password survived redaction");
            }
        }
    }
}

/// A whole `check` on a generated tree: the input is split at NUL bytes
/// into a project `.npmrc`, `package.json`, a workspace's `package.json`
/// and `.npmrc`, and the user `.npmrc`.
pub fn check_tree(data: &[u8]) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("npmrc-doctor-fuzz-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    let home = root.join("home");
    let ws = project.join("packages/a");
    if std::fs::create_dir_all(&ws).is_err() || std::fs::create_dir_all(&home).is_err() {
        return;
    }
    let mut parts = data.split(|&b| b == 0);
    let files = [
        project.join(".npmrc"),
        project.join("package.json"),
        ws.join("package.json"),
        ws.join(".npmrc"),
        home.join(".npmrc"),
    ];
    for f in &files {
        if let Some(p) = parts.next() {
            let _ = std::fs::write(f, p);
        }
    }
    let env = Env::new(
        vec![
            ("HOME".into(), home.display().to_string()),
            ("PREFIX".into(), root.join("prefix").display().to_string()),
        ],
        project.clone(),
    );
    let options = CheckOptions {
        load: crate::config::LoadOptions {
            npm_dir: Some(root.join("npm")),
            ..crate::config::LoadOptions::default()
        },
        ..CheckOptions::default()
    };
    let result = run(&options, &env);
    let mut out = Vec::new();
    let _ = crate::report::write(
        crate::report::Format::Json,
        &result,
        &project,
        false,
        &mut out,
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// The target of a corpus folder name.
#[must_use]
pub fn target(name: &str) -> Option<fn(&[u8])> {
    Some(match name {
        "npmrc" => npmrc,
        "manifest" => manifest,
        "why_log" => why_log,
        "url_credentials" => url_credentials,
        "check_tree" => check_tree,
        _ => return None,
    })
}

/// Every target's name.
pub const TARGETS: &[&str] = &[
    "npmrc",
    "manifest",
    "why_log",
    "url_credentials",
    "check_tree",
];
