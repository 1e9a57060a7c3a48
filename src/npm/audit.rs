//! `npm audit`, and the audit `npm install`/`npm ci` run unless `--no-audit`
//! (arborist `audit-report.js`): one `POST <registry>/-/npm/v1/security/
//! advisories/bulk` to arborist's registry (`opts.registry`, never a
//! scope's), carrying the name and version of every installed package —
//! scoped packages of private registries included. `npm fund` makes no
//! request (it reads the installed `package.json` files).

use super::auth::{Overrides, get_auth, pick_registry};
use super::{Ctx, ErrorInfo, Request, fetch_uri, tarball};
use crate::value::Value;

/// What the audit request sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// The POST (its URL, credential, failures).
    pub request: Request,
    /// The package names in the request body.
    pub names: Vec<String>,
    /// The names come from the lockfile (every installed package); without
    /// one only the direct dependencies are known.
    pub from_lockfile: bool,
    /// Names whose own registry is another one: `(name, registry)`.
    pub other_registry: Vec<(String, String)>,
}

/// The installed package names: the lockfile's `packages` (not links, not
/// the root), else the manifest's dependencies.
fn names(ctx: &Ctx<'_>) -> (Vec<String>, bool) {
    let lock = ["npm-shrinkwrap.json", "package-lock.json"]
        .iter()
        .find_map(|f| crate::manifest::read_json_file(&ctx.config.local_prefix.join(f)).ok());
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: String| {
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    };
    if let Some(pkgs) = lock
        .as_ref()
        .and_then(|l| l.get("packages"))
        .and_then(|p| p.as_object())
    {
        for (path, e) in pkgs {
            if path.is_empty() || e.get("link").is_some_and(|l| l == true) {
                continue;
            }
            let Some(i) = path.rfind("node_modules/") else {
                continue;
            };
            let name = e.get("name").and_then(|n| n.as_str()).map_or_else(
                || path[i + "node_modules/".len()..].to_string(),
                str::to_string,
            );
            push(name);
        }
        out.sort();
        return (out, true);
    }
    if let Some(pkg) = &ctx.project {
        for field in [
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ] {
            if let Some(deps) = pkg.get(field).and_then(|d| d.as_object()) {
                for dep in deps.keys() {
                    push(dep.clone());
                }
            }
        }
    }
    out.sort();
    (out, false)
}

/// Explains the audit request of the project, `None` when npm sends none
/// (`audit=false`, `offline`, nothing installed).
#[must_use]
pub fn explain(ctx: &Ctx<'_>) -> Option<Audit> {
    let flat = ctx.flat();
    if matches!(flat.value("audit"), Value::Bool(false)) || flat.truthy("offline") {
        return None;
    }
    let (names, from_lockfile) = names(ctx);
    if names.is_empty() {
        return None;
    }
    let registry = tarball::arborist_registry(&flat);
    let uri = fetch_uri("/-/npm/v1/security/advisories/bulk", Some(&registry));
    let mut overrides = Overrides::new();
    overrides.insert("registry".into(), Value::Str(registry.clone()));
    let opts = flat.with(&overrides);
    let request = match get_auth(&uri, &opts, None) {
        Ok(auth) => Request::sent(ctx, &opts, "POST", &uri, &auth, None),
        Err(_) => Request::failed("POST", Some(ErrorInfo::invalid_url())),
    };
    let norm = |r: &str| r.trim_end_matches('/').to_string();
    let other_registry = names
        .iter()
        .filter_map(|n| {
            let scope = n
                .starts_with('@')
                .then(|| n.split_once('/').map(|(s, _)| s))
                .flatten();
            let (reg, _) = pick_registry(scope, &flat);
            (norm(&reg) != norm(&registry)).then(|| (n.clone(), reg))
        })
        .collect();
    Some(Audit {
        request,
        names,
        from_lockfile,
        other_registry,
    })
}
