//! `invalid-package-name`: a `name` npm's `validate-npm-package-name`
//! rejects (errors: invalid for any package) or forbids for new packages
//! (warnings: capital letters, more than 214 characters, `~'!()*`, a node
//! core module name). Capital letters confined to the scope are left to
//! `scope-not-lowercase`.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest::{self, name_scope};
use crate::spec::name::validate;

declare_rule! {
    name: "invalid-package-name",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "package name npm rejects, or that registries refuse for new packages",
}

const CAPITALS: &str = "name can no longer contain capital letters";

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(value) = &m.value else { continue };
        let intent = cx.intent(m);
        // fixtures, templates and examples found by walking: nobody
        // installs or publishes them from here
        if !intent.is_project_manifest() {
            continue;
        }
        let publishable = intent.would_publish();
        let Some(name_value) = value.get("name") else {
            // a manifest without a name (`{"type": "module"}` in a subfolder,
            // an application's dependency list) is not a package anyone
            // publishes, unless publishConfig says it is
            if !support_manifest::is_private(m)
                && value.get("version").is_some()
                && value
                    .get("publishConfig")
                    .is_some_and(serde_json::Value::is_object)
            {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        m.path.clone(),
                        m.value_span(""),
                        "package.json has no `name`: `npm publish` sets it to \"\" and fails with EINVALIDTAGNAME (`Invalid tag name \"@latest\"`)",
                    )
                    .help("add a `name`, or `\"private\": true` if this package is not meant to be published"),
                );
            }
            continue;
        };
        let span = m.value_span("/name");
        let Some(name) = name_value.as_str() else {
            out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    span,
                    "`name` is not a string: npm fails with `name field must be a string.`",
                )
                .label("not a string"),
            );
            continue;
        };
        let v = validate(name);
        if !v.errors.is_empty() {
            out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    span,
                    format!(
                        "`{name}` is not a valid package name ({}): `npm publish` and `npm pack` fail with `Invalid name`, installing it fails with EINVALIDPACKAGENAME",
                        v.errors.join("; ")
                    ),
                )
                .label("invalid name")
                .help(help()),
            );
            continue;
        }
        if !publishable {
            continue;
        }
        // capital letters only in the scope: scope-not-lowercase reports it
        let bare = name_scope(name).map_or(name, |s| name.get(s.len() + 1..).unwrap_or(""));
        let warnings: Vec<&String> = v
            .warnings
            .iter()
            .filter(|w| w.as_str() != CAPITALS || bare.to_lowercase() != bare)
            .collect();
        if warnings.is_empty() {
            continue;
        }
        let texts: Vec<&str> = warnings.iter().map(|w| w.as_str()).collect();
        out.push(
            Diagnostic::new(
                RULE.name,
                m.path.clone(),
                span,
                format!(
                    "`{name}` is not valid for new packages ({}): registries reject the first publish",
                    texts.join("; ")
                ),
            )
            .label("not valid for new packages")
            .note("npm only accepts such names for packages that already existed before the rule was introduced; npmjs, GitLab and GitHub Packages refuse to create them")
            .help(help()),
        );
    }
}

fn help() -> &'static str {
    "use lower-case letters, digits, `-`, `.` and `_` (not first), optionally under a scope: `@scope/name`"
}
