//! `dependency-in-dev-and-prod`: a package listed in both `dependencies` and
//! `devDependencies`.
//!
//! @npmcli/arborist `node.js` `#loadDeps` loads the project's
//! `dependencies` first and its `devDependencies` last, and `#loadDepType`
//! "prioritize[s] a new edge over an existing one": in the project itself
//! the `devDependencies` entry wins. The package is then a dev dependency —
//! `npm ci --omit=dev` and `NODE_ENV=production npm install` leave it out
//! although `dependencies` lists it — and its range is the dev one. (For
//! consumers of a published package only `dependencies` counts.)

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::manifest::spanned::pointer_token;

declare_rule! {
    name: "dependency-in-dev-and-prod",
    category: Correctness,
    severity: Warn,
    fix: None,
    summary: "a package in both dependencies and devDependencies: npm installs it as a dev dependency, so production installs leave it out",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        let (Some(prod), Some(dev)) = (
            v.get("dependencies").and_then(|d| d.as_object()),
            v.get("devDependencies").and_then(|d| d.as_object()),
        ) else {
            continue;
        };
        for (name, dev_spec) in dev {
            let Some(prod_spec) = prod.get(name) else {
                continue;
            };
            let token = pointer_token(name);
            let show =
                |s: &serde_json::Value| s.as_str().map_or_else(|| s.to_string(), str::to_string);
            let same = prod_spec == dev_spec;
            out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    m.key_span(&format!("/devDependencies/{token}")),
                    format!(
                        "`{name}` is in both `dependencies` (`{}`) and `devDependencies` (`{}`): npm installs it as a dev dependency{}, so `npm ci --omit=dev` and production installs leave it out",
                        show(prod_spec),
                        show(dev_spec),
                        if same { "" } else { " with the devDependencies range" }
                    ),
                )
                .label("this entry wins in this project")
                .secondary(m.path.clone(), m.key_span(&format!("/dependencies/{token}")), "ignored here")
                .help(format!("keep `{name}` in one list: `dependencies` if the code needs it at run time, otherwise `devDependencies`")),
            );
        }
    }
}
