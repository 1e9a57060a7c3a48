//! `audit-sends-private-names`: scoped packages come from a private
//! registry, but npm's automatic audit sends the names and versions of all
//! installed packages — the private ones included — to the default registry.
//!
//! @npmcli/arborist `audit-report.js`: `prepareBulkData()` collects every
//! installed package (not the root, not links) and `#getReport` POSTs it to
//! `/-/npm/v1/security/advisories/bulk` on `auditRegistry || registry`,
//! unless `audit` is false or npm is offline. `npm install`, `ci` and
//! `update` run it after every install; `npm audit` runs it whatever `audit`
//! says.

use crate::check::context::{Context, Role};
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support::{self, is_scope_registry_key};
use crate::rules::support_auth::safe_display;
use crate::rules::support_manifest::{DEFAULT_REGISTRY, name_scope};
use crate::value::Value;

declare_rule! {
    name: "audit-sends-private-names",
    category: Security,
    severity: Info,
    fix: None,
    summary: "scoped packages come from a private registry, but npm's automatic audit sends their names and versions to the default registry",
}

const DEP_FIELDS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

fn host(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(format!(
        "{}:{}",
        u.host_str()?.to_ascii_lowercase(),
        u.port_or_known_default()?
    ))
}

/// Registry dependencies of the checked manifests in `scope`.
fn scoped_deps(cx: &Context<'_>, scope: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        for field in DEP_FIELDS {
            let Some(deps) = v.get(*field).and_then(|d| d.as_object()) else {
                continue;
            };
            for (name, spec) in deps {
                if name_scope(name) != Some(scope) {
                    continue;
                }
                let Some(spec) = spec.as_str() else { continue };
                let registry = crate::spec::npa::npa(&format!("{name}@{spec}"), None)
                    .is_ok_and(|a| a.registry);
                if registry && !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(cfg) = cx.config() else { return };
    if matches!(cfg.get("audit"), Value::Bool(false))
        || matches!(cfg.get("offline"), Value::Bool(true))
    {
        return;
    }
    let default = cfg
        .get_str("registry")
        .unwrap_or(DEFAULT_REGISTRY)
        .to_string();
    let Some(default_host) = host(&default) else {
        return;
    };
    for (doc, _line, entry, _value) in support::string_entries(cx) {
        if !matches!(doc.role, Role::Layer(_)) || !is_scope_registry_key(&entry.prop) {
            continue;
        }
        let Some(setting) = cfg.setting(&entry.prop) else {
            continue;
        };
        // only the entry npm uses
        if setting.origin.file.as_deref() != Some(doc.path.as_path())
            || setting.origin.key_span.as_ref() != Some(&entry.key.span)
        {
            continue;
        }
        let Some(url) = setting.value.as_str() else {
            continue;
        };
        let Some(scope_host) = host(url) else {
            continue;
        };
        if scope_host == default_host {
            continue;
        }
        let scope = entry.prop.split(':').next().unwrap_or("");
        let deps = scoped_deps(cx, scope);
        let Some(first) = deps.first() else { continue };
        let more = if deps.len() > 1 {
            format!(" and {} more `{scope}` package(s)", deps.len() - 1)
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                entry.key.span.clone(),
                format!(
                    "`{scope}` packages come from `{}`, but after every `npm install` npm sends the names and versions of all installed packages — `{first}`{more} included — to `{}` for its security audit",
                    safe_display(url),
                    safe_display(&default)
                ),
            )
            .label("private scope, audited elsewhere")
            .note("arborist's audit POSTs every installed package to `/-/npm/v1/security/advisories/bulk` on the default registry; `npm audit` does so even with `audit=false`")
            .help("if the package names are confidential, add `audit=false` to this .npmrc (and do not run `npm audit`), or make the private registry the default registry when it proxies the public one"),
        );
    }
}
