//! `scoped-publish-access`: a scoped package published to registry.npmjs.org
//! without `access: public` (config `access` or `publishConfig.access`):
//! npm sends `access: null`, npmjs treats a new scoped package as private,
//! and a free account gets E402 Payment Required (pitfalls.md P34).
//! Only packages that would be published are checked
//! (`crate::project::publish`); a package released with changesets takes the
//! `access` of `.changeset/config.json`. Only initial versions (`0.0.x`,
//! `0.1.0`, `1.0.0`) can be a first publish: a package at `3.5.41` has been
//! published before, and npm only sets access on the first publish.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest::{self, PublishOpts, name_scope, name_scope_span};
use crate::value::Value;

declare_rule! {
    name: "scoped-publish-access",
    category: Correctness,
    severity: Warn,
    fix: None,
    summary: "scoped package published to registry.npmjs.org without access public: the first publish fails with E402",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(name) = support_manifest::publishable(cx, m) else {
            continue;
        };
        let Some(scope) = name_scope(name) else {
            continue;
        };
        // E402 is the first publish of a new package; a version past the
        // initial one means it has been published before
        if !is_initial_version(m) {
            continue;
        }
        let opts = PublishOpts::new(cx, m);
        let target = support_manifest::pick_registry(name, &opts);
        if !support_manifest::is_npmjs(&target.url) {
            continue;
        }
        // released with changesets: `changeset publish` passes its
        // `"access"` to `npm publish --access`
        let dir = m.path.parent().unwrap_or(std::path::Path::new("/"));
        if crate::project::publish::changesets_access(dir).is_some() {
            continue;
        }
        // `restricted` is a deliberate private package; only unset/null is flagged
        if opts
            .access()
            .is_some_and(|o| !matches!(o.value, Value::Null | Value::Undefined))
        {
            continue;
        }
        let d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            name_scope_span(m, name, scope),
            format!(
                "`{name}` is a scoped package published to `{}` without `access: public`: the first `npm publish` fails with E402 Payment Required (npmjs creates scoped packages as private)",
                target.url
            ),
        )
        .label("scoped")
        .note("npm sends `access: null` unless `access` is set; for a new scoped package npmjs then requires a paid plan")
        .help("add `\"publishConfig\": { \"access\": \"public\" }` to package.json (or publish with `--access public`)");
        out.push(support_manifest::with_registry_label(d, m, &target));
    }
}

/// Whether the manifest's version is one a package starts at (`0.0.x`,
/// `0.1.0`, `1.0.0`, or a prerelease of those): only then can this be the
/// package's first publish.
fn is_initial_version(m: &crate::manifest::spanned::Manifest) -> bool {
    let Some(v) = m
        .value
        .as_ref()
        .and_then(|v| v.get("version"))
        .and_then(|v| v.as_str())
        .and_then(|v| crate::spec::semver::clean(v, true))
    else {
        return true;
    };
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    matches!(
        parts.as_slice(),
        ["0", "0", _] | ["0", "1", "0"] | ["1", "0", "0"]
    )
}

#[cfg(test)]
mod tests {
    use crate::manifest::spanned::Manifest;

    fn m(version: &str) -> Manifest {
        Manifest::from_bytes(
            "package.json".into(),
            format!(r#"{{"name":"@a/b","version":"{version}"}}"#).as_bytes(),
        )
    }

    #[test]
    fn initial_versions() {
        for v in ["0.0.0", "0.0.3", "0.1.0", "1.0.0", "1.0.0-beta.1", "v1.0.0"] {
            assert!(super::is_initial_version(&m(v)), "{v}");
        }
        for v in ["0.2.2", "1.0.1", "3.5.41", "66.5.0"] {
            assert!(!super::is_initial_version(&m(v)), "{v}");
        }
    }
}
