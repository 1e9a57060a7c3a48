//! `version-rewritten`: a `version` that npm accepts only after rewriting
//! it, so the published version is not the one the file says.
//!
//! `@npmcli/package-json` `fixVersionField` (non-strict, as `npm publish`
//! reads the manifest; `npm pack` keeps the version as written) replaces a loosely valid version with
//! `semver.clean(version, loose)` and logs "npm auto-corrected some errors":
//! `v1.0.0` and `=1.0.0` lose their prefix, `2.031.10` becomes `2.31.10`,
//! `1.0.0+build.5` loses its build metadata. Versions npm rejects outright
//! are `invalid-version`'s.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support_manifest;
use crate::spec::semver;

declare_rule! {
    name: "version-rewritten",
    category: Suspicious,
    severity: Warn,
    fix: Always,
    summary: "a version npm rewrites when publishing (`v1.0.0`, `=1.0.0`, `2.031.10`, `1.0.0+build`): the published version differs from the file",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        if support_manifest::publishable(cx, m).is_none() {
            continue;
        }
        let Some((version, span)) = support_manifest::manifest_str(m, "/version") else {
            continue;
        };
        // `if (!data.version)` and `valid(version, loose)` come first
        if version.is_empty() || semver::valid(version, true).is_none() {
            continue;
        }
        let Some(cleaned) = semver::clean(version, true) else {
            continue;
        };
        if cleaned == version {
            continue;
        }
        let trimmed = version.trim();
        let why = if trimmed != version {
            "spaces dropped"
        } else if trimmed.starts_with(['v', '=']) {
            "the prefix dropped"
        } else if version.contains('+') {
            "build metadata dropped"
        } else {
            "leading zeros dropped"
        };
        let d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            span.clone(),
            format!(
                "`version` `{version}` is rewritten to `{cleaned}` by `npm publish`: the registry gets `{cleaned}`, not what package.json says"
            ),
        )
        .label(format!("published as `{cleaned}`: {why}"))
        .note("npm prints \"npm auto-corrected some errors in your package.json when publishing\" and `\"version\" was cleaned and set to …`")
        .help(format!("write `\"{cleaned}\"`"));
        out.push(d.fix(Fix {
            title: format!("write `{cleaned}`"),
            edits: vec![Edit {
                location: Location {
                    file: m.path.clone(),
                    span,
                },
                replacement: format!("\"{cleaned}\""),
            }],
            applicability: Applicability::Safe,
        }));
    }
}
