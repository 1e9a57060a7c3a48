//! `scoped-publish-access`: a scoped package published to registry.npmjs.org
//! without `access: public` (config `access` or `publishConfig.access`):
//! npm sends `access: null`, npmjs treats a new scoped package as private,
//! and a free account gets E402 Payment Required (pitfalls.md P34).
//! Only packages that would be published are checked
//! (`crate::project::publish`); a package released with changesets takes the
//! `access` of `.changeset/config.json`.

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
