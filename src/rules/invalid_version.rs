//! `invalid-version`: a `version` that `npm publish`/`npm pack` reject.
//!
//! npm reads `version` with `@npmcli/package-json`'s `fixVersionField` in
//! non-strict mode: `semver.valid(v, loose)`, then `semver.clean` — so
//! `v1.2.3`, `=1.2.3` and surrounding spaces are accepted and cleaned, while
//! `1.2` is `Invalid version: "1.2"`. A package with `publishConfig` but
//! without a `version` makes `npm publish` crash. Only manifests that would be
//! published are checked (`crate::project::publish`): repository roots,
//! applications, fixtures and templates are not.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::project::{Intent, NotPublished};
use crate::rules::support_manifest;
use crate::spec::semver;

declare_rule! {
    name: "invalid-version",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "package version npm cannot read: npm publish and npm pack fail with Invalid version",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(value) = &m.value else { continue };
        if !value.is_object() {
            continue;
        }
        let intent = cx.intent(m);
        let Some(version) = value.get("version") else {
            // a name without a version is an application or a repository
            // root, unless publishConfig says it is meant to be published
            if intent == Intent::NotPublished(NotPublished::NoVersion)
                && value
                    .get("publishConfig")
                    .is_some_and(serde_json::Value::is_object)
            {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        m.path.clone(),
                        m.value_span("/name"),
                        "package.json has no `version`: `npm publish` fails with `Cannot read properties of null (reading 'prerelease')`",
                    )
                    .label("published without a version")
                    .help("add a `version` such as `\"1.0.0\"`, or `\"private\": true` if this package is not meant to be published"),
                );
            }
            continue;
        };
        // `if (!data.version) data.version = ''`; and only for packages
        // that are published (crate::project::publish)
        if !support_manifest::json_truthy(version) || !intent.would_publish() {
            continue;
        }
        let shown = match version.as_str() {
            Some(s) => s.to_string(),
            None => version.to_string(),
        };
        let valid = version.as_str().and_then(|s| semver::valid(s, true));
        if valid.is_some() {
            continue;
        }
        let mut d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            m.value_span("/version"),
            format!(
                "`version` `{shown}` is not a semver version: `npm publish` and `npm pack` fail with `Invalid version: \"{shown}\"`"
            ),
        )
        .label("not MAJOR.MINOR.PATCH");
        d = d.help(match suggestion(&shown) {
            Some(s) => format!("write a full semver version, e.g. `{s}`"),
            None => "write a full semver version: `MAJOR.MINOR.PATCH`, optionally `-prerelease` and `+build`".to_string(),
        });
        out.push(d);
    }
}

/// `1.2` → `1.2.0`, `1` → `1.0.0`.
fn suggestion(v: &str) -> Option<String> {
    let t = v.trim().trim_start_matches(['v', '=']);
    let parts: Vec<&str> = t.split('.').collect();
    if parts.is_empty()
        || parts.len() > 2
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut out: Vec<String> = parts.iter().map(|p| (*p).to_string()).collect();
    while out.len() < 3 {
        out.push("0".into());
    }
    let s = out.join(".");
    semver::valid(&s, false).map(|_| s)
}
