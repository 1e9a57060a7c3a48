//! `workspace-npmrc-ignored`: a `.npmrc` inside a workspace package, which
//! npm ignores.

use crate::check::context::{Context, Role};
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::manifest::spanned::Manifest;
use crate::rules::support::is_scope_registry_key;

declare_rule! {
    name: "workspace-npmrc-ignored",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "`.npmrc` inside a workspace package: npm ignores it, its settings never apply",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(config) = cx.config() else { return };
    for doc in cx.npmrc_files() {
        if doc.role != Role::IgnoredWorkspace {
            continue;
        }
        let entries: Vec<_> = doc.top_level_entries().collect();
        let Some((first_line, _)) = entries.first() else {
            continue;
        };
        let root = &config.local_prefix;
        let scopes: Vec<&str> = entries
            .iter()
            .filter(|(_, e)| is_scope_registry_key(&e.prop))
            .map(|(_, e)| e.prop.as_str())
            .collect();
        let consequence = if let Some(s) = scopes.first() {
            format!(
                "`{s}` never applies, so those packages are requested from the root's registry (E404 from registry.npmjs.org)"
            )
        } else {
            "none of its settings apply".to_string()
        };
        let mut d = Diagnostic::new(
            RULE.name,
            doc.path.clone(),
            first_line.span.clone(),
            format!(
                "npm ignores this `.npmrc` because its folder is a workspace of `{}` (\"npm warn config ignoring workspace config at {}\"): {consequence}",
                root.display(),
                doc.path.display()
            ),
        )
        .label("ignored by npm")
        .help(format!(
            "move its settings to the root `{}`",
            root.join(".npmrc").display()
        ))
        .note("npm reads one project `.npmrc`: the one at the workspace root, also when you run npm inside a workspace folder");
        if let Ok(m) = Manifest::read(root.join("package.json")) {
            if m.node("/workspaces").is_some() {
                d = d.secondary(
                    m.path.clone(),
                    m.key_span("/workspaces"),
                    "workspaces declared here",
                );
            }
        }
        out.push(d);
    }
}
