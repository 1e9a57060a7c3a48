//! `registry-trailing-slash`: a registry URL with a path but no trailing `/`.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::config::nerf_dart::nerf_dart;
use crate::declare_rule;
use crate::rules::support::{self, RegistryValue};
use crate::rules::support_auth;

declare_rule! {
    name: "registry-trailing-slash",
    category: Correctness,
    severity: Error,
    fix: Always,
    summary: "registry URL with a path but no trailing slash: publish and same-host tarballs lose their credentials",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        let Some(url) = reg.parsed() else { continue };
        let path = url.path();
        if path == "/" || path.ends_with('/') {
            continue;
        }
        // a credential glued onto the URL is scope-key-shape's
        if glued_credential(&reg.text) {
            continue;
        }
        if credential_fits_as_written(cx, &url) {
            continue;
        }
        // the segment (or the URL) may hold a glued `:_authToken=…`
        let last = crate::rules::support_auth::safe_display(path.rsplit('/').next().unwrap_or(""));
        out.push(diagnostic(&reg, &last));
    }
}

/// `…/:_authToken=…` written into the URL itself.
fn glued_credential(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [":_authtoken=", ":_auth=", ":_password=", ":username="]
        .iter()
        .any(|m| lower.contains(m))
}

/// Whether the credentials are keyed for the URL as written: one sits at
/// the shortened nerf-dart (`//npm.pkg.github.com/` for
/// `https://npm.pkg.github.com/OWNER`, GitHub's documented key) and none
/// under the full path. npm then finds them everywhere, and adding the
/// slash would move `npm publish`'s lookup away from them.
fn credential_fits_as_written(cx: &Context<'_>, url: &url::Url) -> bool {
    let Ok(short) = nerf_dart(url.as_str()) else {
        return false;
    };
    let Ok(full) = nerf_dart(&format!("{}/", url.as_str())) else {
        return false;
    };
    let prefixes: Vec<&str> = support_auth::nerfed_entries(cx)
        .filter_map(|c| c.prefix)
        .collect();
    if prefixes.iter().any(|p| p.starts_with(full.as_str())) {
        return false;
    }
    prefixes.contains(&short.as_str()) || short == "//npm.pkg.github.com/"
}

fn diagnostic(reg: &RegistryValue, last_segment: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        RULE.name,
        reg.file.clone(),
        reg.value_span.clone(),
        format!(
            "`{}` has no trailing slash: npm drops the last path segment (`{last_segment}`) when it derives the credential key",
            reg.key
        ),
    )
    .label("no trailing `/`")
    .note(
        "`npm publish` looks up exactly `<registry minus its last segment>/:_authToken` and fails with ENEEDAUTH; tarballs on other paths of the same host are fetched without the token",
    )
    .help(format!(
        "write the URL with a trailing slash: `{}/`",
        crate::rules::support_auth::safe_display(reg.text.trim_end())
    ));
    // the end of the text is the end of the path only without a query,
    // a fragment or an escape (`…/npm-group\#main` would get `#main/`)
    if reg.editable && !reg.text.contains(['?', '#', '\\']) {
        d = d.fix(Fix {
            title: "add the trailing slash".into(),
            edits: vec![Edit {
                location: Location {
                    file: reg.file.clone(),
                    span: reg.insert_at..reg.insert_at,
                },
                replacement: "/".into(),
            }],
            applicability: Applicability::Safe,
        });
    }
    d
}
