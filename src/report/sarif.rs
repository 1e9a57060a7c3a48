//! SARIF 2.1.0 (GitHub code scanning, Azure DevOps, VS Code's SARIF
//! viewer): one run whose `tool.driver.rules` is the whole rule registry
//! (with links to the rule docs and default levels), one result per
//! finding with repository-relative locations and a `partialFingerprints`
//! entry that survives line moves. Validated against the official schema
//! in `tests/report_formats.rs`.

use super::ci::{self, Finding, ReportPath};
use crate::check::CheckRun;
use crate::check::diagnostic::Severity;
use crate::rules::{ALL, Category};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// The key of our entry in `partialFingerprints` (versioned: a change of
/// the scheme gets a new key instead of silently new values).
pub const FINGERPRINT_KEY: &str = "npmrcDoctorFingerprint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

fn rules() -> Vec<Value> {
    ALL.iter()
        .map(|r| {
            let mut properties = json!({
                "tags": [r.category.name()],
                "precision": "very-high",
            });
            if r.category == Category::Security {
                // GitHub code scanning ranks security alerts by this score
                let score = match r.default_severity {
                    Severity::Error => "8.0",
                    Severity::Warn => "5.0",
                    Severity::Info => "2.0",
                };
                properties["security-severity"] = json!(score);
            }
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "helpUri": ci::rule_doc_url(r.name),
                "help": { "text": r.summary, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.default_severity) },
                "properties": properties,
            })
        })
        .collect()
}

/// A SARIF `artifactLocation`: a relative URI against the checkout root
/// (`SRCROOT`), or a `file:` URI for files outside the repository.
fn artifact_location(path: &ReportPath) -> Value {
    match path {
        ReportPath::Relative(p) => json!({ "uri": encode_uri_path(p), "uriBaseId": "SRCROOT" }),
        ReportPath::Absolute(p) => {
            let uri = url::Url::from_file_path(p)
                .map_or_else(|()| encode_uri_path(&p.display().to_string()), String::from);
            json!({ "uri": uri })
        }
    }
}

/// Percent-encodes what may not appear in a URI path.
fn encode_uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(start: (usize, usize), end: (usize, usize)) -> Value {
    json!({
        "startLine": start.0,
        "startColumn": start.1,
        "endLine": end.0.max(start.0),
        "endColumn": if end.0 > start.0 { end.1 } else { end.1.max(start.1) },
    })
}

fn result<'a>(
    run: &'a CheckRun,
    f: &Finding<'a>,
    root: &Path,
    positions: &mut ci::Positions<'a>,
) -> Value {
    let d = f.diagnostic;
    let rule_index = ALL.iter().position(|r| r.name == d.rule);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    if let Some(note) = &d.note {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    let related: Vec<Value> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let file = l.location.file.as_path();
            let start = positions.line_col(run, file, l.location.span.start);
            let end = positions.line_col(run, file, l.location.span.end);
            let mut loc = json!({
                "id": i + 1,
                "physicalLocation": {
                    "artifactLocation": artifact_location(&ReportPath::new(&l.location.file, root)),
                    "region": region(start, end),
                },
            });
            if !l.message.is_empty() {
                loc["message"] = json!({ "text": l.message });
            }
            loc
        })
        .collect();
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(&f.path),
            "region": region(f.start, f.end),
        },
    });
    if !d.primary.message.is_empty() {
        location["message"] = json!({ "text": d.primary.message });
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([fix_object(run, d, fix, root)]);
    }
    result
}

/// SARIF `fix`: the edits as byte regions of each file (`byteOffset`,
/// `byteLength`: exact, whatever the encoding) with the replacement text,
/// secrets masked as in every other output.
fn fix_object(
    run: &CheckRun,
    d: &crate::check::diagnostic::Diagnostic,
    fix: &crate::check::diagnostic::Fix,
    root: &Path,
) -> Value {
    let mut by_file: Vec<(std::path::PathBuf, Vec<Value>)> = Vec::new();
    for e in crate::fix::masked_edits(d, &run.sources) {
        let replacement = json!({
            "deletedRegion": { "byteOffset": e.span.start, "byteLength": e.span.end - e.span.start },
            "insertedContent": { "text": e.replacement },
        });
        match by_file.iter_mut().find(|(f, _)| *f == e.file) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((e.file.clone(), vec![replacement])),
        }
    }
    let changes: Vec<Value> = by_file
        .into_iter()
        .map(|(file, replacements)| {
            json!({
                "artifactLocation": artifact_location(&ReportPath::new(&file, root)),
                "replacements": replacements,
            })
        })
        .collect();
    let applicability = match fix.applicability {
        crate::check::diagnostic::Applicability::Safe => "safe",
        crate::check::diagnostic::Applicability::Unsafe => "unsafe",
    };
    json!({
        "description": { "text": format!("{} ({applicability})", crate::util::printable(&fix.title)) },
        "artifactChanges": changes,
    })
}

/// The SARIF log of `run` as a JSON value.
#[must_use]
pub fn document(run: &CheckRun, cwd: &Path) -> Value {
    let root = ci::repo_root(cwd);
    let mut positions = ci::Positions::default();
    let results: Vec<Value> = ci::findings(run, &root)
        .iter()
        .map(|f| result(run, f, &root, &mut positions))
        .collect();
    let notifications: Vec<Value> = run
        .errors
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "npmrc-doctor",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": ci::REPOSITORY,
                    "rules": rules(),
                },
            },
            "invocations": [{
                "executionSuccessful": run.files_checked != 0 || run.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Writes the SARIF log of `run`.
///
/// # Errors
/// Write errors.
pub fn write(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&document(run, cwd)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(encode_uri_path("a b/%x/ü.npmrc"), "a%20b/%25x/%C3%BC.npmrc");
        assert_eq!(
            encode_uri_path("pkgs/@acme/ui/.npmrc"),
            "pkgs/@acme/ui/.npmrc"
        );
    }

    #[test]
    fn every_rule_is_described_with_its_doc_link() {
        let rules = rules();
        assert_eq!(rules.len(), ALL.len());
        for (r, v) in ALL.iter().zip(&rules) {
            assert_eq!(v["id"], r.name);
            assert_eq!(
                v["helpUri"],
                format!("{}/blob/main/rules/{}.md", ci::REPOSITORY, r.name)
            );
        }
    }
}
