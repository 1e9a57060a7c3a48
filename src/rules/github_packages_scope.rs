//! `github-packages-scope`: a package published to GitHub Packages
//! (`npm.pkg.github.com`) must be scoped, and its scope must be the owner
//! (user or organisation) in lower case. When the registry URL names an
//! owner (`https://npm.pkg.github.com/OWNER`), the scope is compared with it
//! case-insensitively.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest::{self, name_scope, name_scope_span};

declare_rule! {
    name: "github-packages-scope",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "package published to GitHub Packages without a lower-case scope naming its owner",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (m, name, target) in support_manifest::publish_targets(cx) {
        if !support_manifest::is_github_packages(&target.url) {
            continue;
        }
        let owner = url::Url::parse(target.url.trim()).ok().and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.next().map(str::to_string))
                .filter(|s| !s.is_empty())
        });
        let (span, message, help) = match name_scope(name) {
            None => (
                m.value_span("/name"),
                format!(
                    "`{name}` is not scoped: GitHub Packages only accepts `@owner/name` packages and rejects the publish"
                ),
                format!(
                    "rename the package to `@{}/{name}` and map the scope: `@{}:registry=https://npm.pkg.github.com`",
                    owner
                        .as_deref()
                        .map_or("<owner>".to_string(), str::to_lowercase),
                    owner
                        .as_deref()
                        .map_or("<owner>".to_string(), str::to_lowercase)
                ),
            ),
            Some(scope) => {
                let bare = scope.trim_start_matches('@');
                if let Some(o) = owner.as_deref().filter(|o| !o.eq_ignore_ascii_case(bare)) {
                    (
                        name_scope_span(m, name, scope),
                        format!(
                            "the scope `{scope}` does not match the owner `{o}` in the registry URL `{}`: GitHub Packages rejects the publish",
                            target.url
                        ),
                        format!("use the scope `@{}`", o.to_lowercase()),
                    )
                } else if bare.chars().any(char::is_uppercase) {
                    (
                        name_scope_span(m, name, scope),
                        format!(
                            "the scope `{scope}` has capital letters: GitHub Packages needs the owner in lower case (`@{}`) and rejects the publish",
                            bare.to_lowercase()
                        ),
                        format!(
                            "use `@{}` in `name` and in the `@{}:registry` mapping",
                            bare.to_lowercase(),
                            bare.to_lowercase()
                        ),
                    )
                } else {
                    continue;
                }
            }
        };
        let d = Diagnostic::new(RULE.name, m.path.clone(), span, message)
            .label("published to GitHub Packages")
            .help(help);
        out.push(support_manifest::with_registry_label(d, m, &target));
    }
}
