//! `npmrc-not-read`: an `.npmrc` in a folder npm never reads it from.
//!
//! npm reads the project config only from its local prefix — the nearest
//! folder, from the working directory up, with a `package.json` or a
//! `node_modules` (`@npmcli/config` `loadLocalPrefix`) — plus the user,
//! global and builtin files. An `.npmrc` in a folder without a
//! `package.json`, below the project, is read by nothing: run there, npm
//! uses the project folder's `.npmrc`. Workspace folders are
//! `workspace-npmrc-ignored`'s; `.npmrc.*` files are templates.

use crate::check::context::{Context, Role};
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;

declare_rule! {
    name: "npmrc-not-read",
    category: Correctness,
    severity: Warn,
    fix: None,
    summary: "an .npmrc in a folder npm never reads it from (no package.json there): none of its settings apply",
}

/// Folders whose `.npmrc` is usually copied elsewhere (a container image,
/// a CI job) rather than read in place.
fn copied_elsewhere(dir: &std::path::Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if matches!(
        name.to_ascii_lowercase().as_str(),
        "docker"
            | ".docker"
            | ".devcontainer"
            | "ci"
            | ".ci"
            | ".github"
            | ".gitlab"
            | "templates"
            | "template"
    ) {
        return true;
    }
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().to_ascii_lowercase();
            n.starts_with("dockerfile") || n.ends_with(".dockerfile") || n == "containerfile"
        })
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(cfg) = cx.config() else { return };
    for doc in cx.npmrc_files() {
        if doc.role != Role::NotLoaded {
            continue;
        }
        let Some(dir) = doc.path.parent() else {
            continue;
        };
        // below the project folder npm uses, in a folder that is not a package
        if dir == cfg.local_prefix
            || !dir.starts_with(&cfg.local_prefix)
            || dir.join("package.json").exists()
            || copied_elsewhere(dir)
        {
            continue;
        }
        let Some((line, entry)) = doc.top_level_entries().next() else {
            continue;
        };
        let project_npmrc = cfg.local_prefix.join(".npmrc");
        out.push(
            Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                entry.key.span.clone(),
                format!(
                    "npm never reads this file: this folder has no package.json, so npm run here (or anywhere in the project) uses the project folder `{}` and its `.npmrc`; `npm config get {}` here does not show this file's value",
                    cfg.local_prefix.display(),
                    entry.prop
                ),
            )
            .label(format!("not read by npm (line {} onwards)", line.number))
            .help(format!(
                "move the settings into `{}` (or the user config); if a script copies this file into place, rename it to `.npmrc.<purpose>` so it reads as a template",
                project_npmrc.display()
            )),
        );
    }
}
