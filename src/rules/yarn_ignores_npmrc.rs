//! `yarn-ignores-npmrc`: the project `.npmrc` of a yarn 2+ project. yarn 2+
//! does not read `.npmrc` for its own installs (its registry and auth
//! settings are `npmRegistryServer`, `npmScopes` and `npmAuthToken` in
//! `.yarnrc.yml`); only npm commands run in the folder (`npm publish`,
//! `npx`) use the file. Said once per file; the other rules then check the
//! file only for committed secrets (`crate::check` drops their other
//! findings in it).

use crate::check::context::{Context, Role};
use crate::check::diagnostic::Diagnostic;
use crate::config::Layer;
use crate::declare_rule;
use crate::project::PackageManager;

declare_rule! {
    name: "yarn-ignores-npmrc",
    category: Suspicious,
    severity: Info,
    fix: None,
    summary: "`.npmrc` in a yarn 2+ project: yarn does not read it, only npm commands run there do",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.package_manager() != PackageManager::YarnBerry {
        return;
    }
    let evidence = &cx.project.package_manager.evidence;
    for doc in cx.npmrc_files() {
        if doc.role != Role::Layer(Layer::Project) {
            continue;
        }
        let Some((line, _)) = doc.top_level_entries().next() else {
            continue;
        };
        out.push(
            Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                line.span.clone(),
                format!(
                    "this project is installed with yarn 2+ ({evidence}), which does not read `.npmrc`: its settings apply only to npm commands run here (`npm publish`, `npx`)"
                ),
            )
            .label("not read by yarn")
            .note("yarn 2+ reads registry and credentials from `.yarnrc.yml`: `npmRegistryServer`, `npmScopes`, `npmAuthToken`; npmrc-doctor checks this file only for committed secrets")
            .help("move install settings to `.yarnrc.yml`; keep this file only for npm commands, or delete it"),
        );
    }
}
