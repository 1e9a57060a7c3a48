//! `scope-not-lowercase`: a scope with capital letters — in the
//! `package.json` `name` (`@Acme/ui`), in an `.npmrc` scope mapping
//! (`@Acme:registry`) or in `publishConfig["@Acme:registry"]`.
//!
//! npm maps scopes to registries with an exact, case-sensitive key lookup
//! (`pickRegistry`), while environment keys are lower-cased; registries
//! refuse new names with capitals. The rest of the name is
//! `invalid-package-name`'s; a name published to GitHub Packages is
//! `github-packages-scope`'s.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support::{is_scope_registry_key, string_entries};
use crate::rules::support_manifest::{self, name_scope, name_scope_span, publish_config_pointer};

declare_rule! {
    name: "scope-not-lowercase",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "scope with capital letters: npm matches scopes case-sensitively and registries reject capitals",
}

fn has_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase)
}

/// `@Acme` of `@Acme:registry`.
fn key_scope(key: &str) -> &str {
    key.rfind(':').and_then(|i| key.get(..i)).unwrap_or(key)
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, _line, entry, _value) in string_entries(cx) {
        if !is_scope_registry_key(&entry.prop) {
            continue;
        }
        let scope = key_scope(&entry.prop);
        if !has_upper(scope) {
            continue;
        }
        let raw = doc.slice(&entry.key.span);
        let span = if raw.starts_with(scope) {
            entry.key.span.start..entry.key.span.start + scope.len()
        } else {
            entry.key.span.clone()
        };
        out.push(mapping_diagnostic(
            doc.path.clone(),
            span,
            scope,
            &entry.prop,
        ));
    }
    for m in cx.manifests() {
        let Some(value) = &m.value else { continue };
        if let Some(name) = m.name() {
            if let Some(scope) = name_scope(name).filter(|s| has_upper(s)) {
                let github = support_manifest::publish_registry(cx, m)
                    .is_some_and(|t| support_manifest::is_github_packages(&t.url));
                if !github {
                    out.push(
                        Diagnostic::new(
                            RULE.name,
                            m.path.clone(),
                            name_scope_span(m, name, scope),
                            format!(
                                "the scope `{scope}` of `{name}` has capital letters: registries (npmjs, GitLab, GitHub Packages) refuse to publish it (`name can no longer contain capital letters`), and npm only uses a `{scope}:registry` mapping spelled exactly like this"
                            ),
                        )
                        .label("capital letters")
                        .note("npm looks up `<scope>:registry` case-sensitively; `npm_config_<scope>:registry` environment variables are lower-cased, so they can never match this scope")
                        .help(format!("use the lower-case scope `{}` here and in every `{}:registry` mapping", scope.to_lowercase(), scope.to_lowercase())),
                    );
                }
            }
        }
        let Some(pc) = value
            .get("publishConfig")
            .and_then(serde_json::Value::as_object)
        else {
            continue;
        };
        for key in pc.keys() {
            if !is_scope_registry_key(key) || !has_upper(key_scope(key)) {
                continue;
            }
            let span = m.key_span(&publish_config_pointer(key));
            let span = span.start + 1..span.start + 1 + key_scope(key).len();
            out.push(mapping_diagnostic(
                m.path.clone(),
                span,
                key_scope(key),
                &format!("publishConfig[\"{key}\"]"),
            ));
        }
    }
}

fn mapping_diagnostic(
    file: std::path::PathBuf,
    span: std::ops::Range<usize>,
    scope: &str,
    key: &str,
) -> Diagnostic {
    let lower = scope.to_lowercase();
    Diagnostic::new(
        RULE.name,
        file,
        span,
        format!(
            "`{key}` maps a scope with capital letters: npm applies it only to names spelled `{scope}/…` exactly, so `{lower}/…` packages go to the default registry (E404, or a publish to registry.npmjs.org)"
        ),
    )
    .label("capital letters")
    .note("npm's `pickRegistry` looks up `<scope>:registry` case-sensitively; a name with capital letters cannot be published to npmjs, GitLab or GitHub Packages, so the mapping only ever matches the lower-case spelling in practice")
    .help(format!("write the scope in lower case: `{lower}`"))
}
