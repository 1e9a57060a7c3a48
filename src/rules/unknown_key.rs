//! `unknown-key`: a key npm 11 does not know. npm warns
//! `Unknown … config "…"` and does not use it, beyond exporting it to
//! scripts as `npm_config_<key>` (npm 12 plans to make it an error).
//! In a pnpm project, pnpm's own keys are known.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::config::definitions::NERF_DARTS;
use crate::declare_rule;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "unknown-key",
    category: Suspicious,
    severity: Warn,
    fix: None,
    summary: "a key npm 11 does not know: npm warns \"Unknown config\" and does not use it",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let pnpm = cx.package_manager() == crate::project::PackageManager::Pnpm;
    for e in support_npmrc::top_level(cx) {
        let key = e.entry.prop.as_str();
        // pnpm reads its own settings from `.npmrc` (crate::project::pnpm_keys)
        if pnpm
            && crate::project::pnpm_keys::PNPM_KEYS
                .binary_search(&key)
                .is_ok()
        {
            continue;
        }
        let layer = support_npmrc::layer_of(e.doc);
        let Some(warning) = crate::config::load::unknown_key_warning(layer, key) else {
            continue;
        };
        if owned_elsewhere(&e, key) {
            continue;
        }
        out.push(diagnostic(&e, key, &warning));
    }
}

/// Keys a neighbouring rule explains better.
fn owned_elsewhere(e: &EntryLine<'_>, key: &str) -> bool {
    let (prefix, base) = support_npmrc::split_key(key);
    let value = e.entry.value.as_str();
    // not-a-comment, section-header, file-encoding
    // file-encoding; ini drops `__proto__`, npm never sees it
    support_npmrc::has_encoding_damage(key)
        || key == "__proto__"
        || support_npmrc::is_stray_text_key(e.entry, key)
        || key.starts_with('[')
        // removed-key
        || support_npmrc::removed(key).is_some()
        // top-level-auth: unscoped credentials are ERR_INVALID_AUTH
        || (prefix.is_empty() && matches!(key, "_authToken" | "_password" | "username"))
        // auth-key-shape: wrong-case credential keys
        || (!prefix.is_empty() && support_npmrc::auth_base_canonical(base).is_some())
        // scope-key-shape
        || support_npmrc::scope_key_problem(key, value).is_some()
        // tls-verification
        || key.eq_ignore_ascii_case("NODE_TLS_REJECT_UNAUTHORIZED")
}

/// Tools that read their settings from the `npm_config_*` variables npm
/// sets for scripts (an unknown key still reaches them that way).
fn reads_env(owner: &str) -> bool {
    !owner.starts_with("pnpm") && !owner.starts_with("yarn")
}

fn diagnostic(e: &EntryLine<'_>, key: &str, warning: &str) -> Diagnostic {
    let (prefix, base) = support_npmrc::split_key(key);
    let shown = if prefix.is_empty() { key } else { base };
    let owner = support_npmrc::foreign_owner(shown);
    let suggestion = support_npmrc::closest_key(shown);
    let env_name = format!("npm_config_{}", shown.replace('-', "_"));
    let message = match owner {
        Some(o) if reads_env(o) => format!(
            "`{shown}` is a {o} setting, not an npm one: npm warns that it is unknown and only passes it to scripts as `{env_name}`"
        ),
        Some(o) => format!(
            "`{shown}` is a {o} setting, not an npm one: npm warns that it is unknown and does not use it"
        ),
        None => {
            format!(
                "`{shown}` is not an npm setting: npm warns that it is unknown and does not use it"
            )
        }
    };
    let mut d = Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        e.entry.key.span.clone(),
        message,
    )
    .label("unknown to npm")
    .note(format!("npm prints: {warning}"));
    d = match (owner, suggestion) {
        (Some("pnpm"), _) => d.help("move it to `pnpm-workspace.yaml` (pnpm 10 reads its settings there), or keep it and accept npm's warning if this project is installed with pnpm"),
        (Some(o), _) if o.starts_with("yarn") => d.help("move it to `.yarnrc`, which yarn 1 reads"),
        (Some(o), _) => d.help(format!("{o} reads `{env_name}` from the environment of install scripts; set that variable there, so it keeps working when npm stops accepting unknown keys")),
        (None, Some(s)) if prefix.is_empty() && NERF_DARTS.contains(&s) => d.help(format!(
            "did you mean `{s}`? credentials are keyed to a registry: `//host/path/:{s}=…`"
        )),
        (None, Some(s)) => d.help(format!("did you mean `{s}`?")),
        (None, None) => d.help("delete the line, or check `npm help config` for the setting you mean"),
    };
    d
}
