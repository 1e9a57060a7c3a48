//! `orphan-credential`: a credential whose key no configured registry can
//! ever match.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::config::nerf_dart::{host_with_port, nerf_dart};
use crate::declare_rule;
use crate::rules::support_auth::{
    UsedRegistry, authority_span, is_machine_layer, nerfed_entries, used_registries,
};
use std::collections::HashSet;

declare_rule! {
    name: "orphan-credential",
    category: Suspicious,
    severity: Warn,
    fix: None,
    summary: "credential for a host no configured registry uses: it is never sent",
}

/// The `host[:port]` of a key prefix (`//h:8080/x/` → `h:8080`).
fn key_host(prefix: &str) -> Option<&str> {
    let a = authority_span(prefix)?;
    Some(&prefix[a])
}

/// What the configured registries reach, computed once per project so that
/// each credential is a constant-time lookup (not a walk per registry).
#[derive(Default)]
struct Reach {
    /// Every credential key prefix the walk of a packument, tarball or
    /// publish URL of some registry visits, and each registry's nerf-dart.
    keys: HashSet<String>,
    /// `host[:port]` of every registry (tarballs served from other paths
    /// still get the host's credential).
    hosts: HashSet<String>,
    /// The same hosts lower-cased, for the case hint.
    hosts_lower: HashSet<String>,
}

impl Reach {
    fn of(regs: &[UsedRegistry]) -> Reach {
        let mut reach = Reach::default();
        for r in regs {
            let reg = r.url.as_str();
            let Ok(url) = url::Url::parse(reg) else {
                continue;
            };
            let base = reg.trim_end_matches('/');
            let mut urls = vec![reg.to_string()];
            for name in ["pkg", "@scope/pkg"] {
                urls.push(format!("{base}/{}", name.replace('/', "%2f")));
                urls.push(format!("{base}/{name}/-/pkg-1.0.0.tgz"));
            }
            for u in &urls {
                if let Ok(keys) = crate::auth::walk_keys(u) {
                    reach.keys.extend(keys.iter().map(str::to_string));
                }
            }
            if let Ok(n) = nerf_dart(reg) {
                reach.keys.insert(n);
            }
            let host = host_with_port(&url);
            reach.hosts_lower.insert(host.to_ascii_lowercase());
            reach.hosts.insert(host);
        }
        reach
    }

    /// Whether a request for a package from some registry can use
    /// credential `prefix`.
    fn reaches(&self, prefix: &str) -> bool {
        self.keys.contains(prefix) || key_host(prefix).is_some_and(|h| self.hosts.contains(h))
    }
}

/// Hosts of URL dependencies (`https://h/x.tgz`) in the checked manifests.
fn dependency_hosts(cx: &Context<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        for field in [
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ] {
            let Some(deps) = v.get(field).and_then(|d| d.as_object()) else {
                continue;
            };
            for spec in deps.values().filter_map(|s| s.as_str()) {
                let s = spec.trim_start_matches("git+");
                if let Ok(u) = url::Url::parse(s) {
                    if u.host_str().is_some() {
                        out.insert(host_with_port(&u));
                    }
                }
            }
        }
    }
    out
}

/// The registries to suggest from, each with its `host[:port]`: the first
/// registry of each distinct host (the one `min_by_key` would pick among
/// equals), at most [`MAX_SUGGESTION_HOSTS`] hosts so that the suggestion
/// costs constant time per finding.
fn suggestion_hosts(regs: &[UsedRegistry]) -> Vec<(String, &UsedRegistry)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in regs {
        let Ok(u) = url::Url::parse(&r.url) else {
            continue;
        };
        let host = host_with_port(&u);
        if seen.insert(host.clone()) {
            out.push((host, r));
            if out.len() == MAX_SUGGESTION_HOSTS {
                break;
            }
        }
    }
    out
}

/// How many registry hosts a "did you mean" compares against.
const MAX_SUGGESTION_HOSTS: usize = 16;

fn closest<'r>(hosts: &[(String, &'r UsedRegistry)], host: &str) -> Option<&'r UsedRegistry> {
    let host = host.to_ascii_lowercase();
    hosts
        .iter()
        .map(|(h, r)| (crate::util::levenshtein(h, &host), *r))
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

/// Scopes whose packages package-lock.json resolves from `host`.
fn lockfile_scopes(cx: &Context<'_>, host: &str) -> Vec<String> {
    let path = cx.project.dir.join("package-lock.json");
    let Ok(meta) = std::fs::metadata(&path) else {
        return Vec::new();
    };
    // a lockfile is evidence, not input to validate: skip absurd sizes
    if meta.len() > 64 * 1024 * 1024 {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let Ok(lock) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str, resolved: Option<&str>| {
        let Some(scope) = crate::rules::support_manifest::name_scope(name) else {
            return;
        };
        let on_host = resolved
            .and_then(|r| url::Url::parse(r).ok())
            .is_some_and(|u| host_with_port(&u).eq_ignore_ascii_case(host));
        if on_host && !out.iter().any(|s| s == scope) {
            out.push(scope.to_string());
        }
    };
    if let Some(pkgs) = lock.get("packages").and_then(|p| p.as_object()) {
        for (key, v) in pkgs {
            let Some(i) = key.rfind("node_modules/") else {
                continue;
            };
            add(
                &key[i + "node_modules/".len()..],
                v.get("resolved").and_then(|r| r.as_str()),
            );
        }
    } else if let Some(deps) = lock.get("dependencies").and_then(|p| p.as_object()) {
        for (name, v) in deps {
            add(name, v.get("resolved").and_then(|r| r.as_str()));
        }
    }
    out
}

/// A file with credentials and no registry mapping: a credential for a
/// host other than the default registry's, while the lockfile resolves a
/// scope from that host (or the package itself, published to the default
/// registry, has a scope): the `@scope:registry` line is missing.
fn credential_only(cx: &Context<'_>, regs: &[UsedRegistry], out: &mut Vec<Diagnostic>) {
    let default_host = regs
        .first()
        .and_then(|r| url::Url::parse(&r.url).ok())
        .map(|u| host_with_port(&u));
    for c in nerfed_entries(cx) {
        let (Some(prefix), Some(field)) = (c.prefix, c.field) else {
            continue;
        };
        if is_machine_layer(c.doc) || prefix.contains("${") || !c.entry.value.is_truthy() {
            continue;
        }
        let Some(host) = key_host(prefix) else {
            continue;
        };
        if host.ends_with(":443") || host.ends_with(":80") {
            continue;
        }
        if default_host
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(host))
        {
            continue;
        }
        let scopes = lockfile_scopes(cx, host);
        let Some(scope) = scopes.first() else {
            continue;
        };
        let registry = format!("https:{prefix}");
        let default = regs
            .first()
            .map_or("the default registry", |r| r.url.as_str());
        let d = Diagnostic::new(
            RULE.name,
            c.doc.path.clone(),
            c.key_span(),
            format!(
                "`{}` is never sent: no layer maps a registry to `{host}`, so `{scope}` packages (resolved from `{host}` in package-lock.json) are requested from `{}` without it",
                c.entry.prop,
                crate::rules::support_auth::safe_display(default)
            ),
        )
        .label(format!("no `{scope}:registry` points here"))
        .note(format!("the {} is only sent to URLs under `{prefix}`", field.suffix()))
        .help(format!(
            "add `{scope}:registry={registry}` to this .npmrc{}",
            if scopes.len() > 1 {
                format!(" (and the same for {})", scopes[1..].join(", "))
            } else {
                String::new()
            }
        ));
        out.push(d);
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.config().is_none() {
        return;
    }
    let regs = used_registries(cx);
    // a credential-only file (CI passes `--registry`, the mapping lives in
    // another checkout): only evidence of a scope from that host speaks
    if regs.iter().all(|r| r.key == "default") {
        credential_only(cx, &regs, out);
        return;
    }
    let dep_hosts = dependency_hosts(cx);
    let reach = Reach::of(&regs);
    let hosts = suggestion_hosts(&regs);
    for c in nerfed_entries(cx) {
        let (Some(prefix), Some(field)) = (c.prefix, c.field) else {
            continue;
        };
        // tokens in ~/.npmrc serve every project of the machine
        if is_machine_layer(c.doc) || prefix.contains("${") || !c.entry.value.is_truthy() {
            continue;
        }
        let Some(host) = key_host(prefix) else {
            continue;
        };
        // `//h:443/` is default-port's
        if host.ends_with(":443") || host.ends_with(":80") {
            continue;
        }
        if reach.reaches(prefix) || dep_hosts.contains(host) {
            continue;
        }
        let case = reach.hosts_lower.contains(&host.to_ascii_lowercase());
        let mut d = Diagnostic::new(
            RULE.name,
            c.doc.path.clone(),
            c.key_span(),
            if case {
                format!(
                    "`{}` is never sent: npm lower-cases the host of request URLs, and this key's host `{host}` is not lower-case",
                    c.entry.prop
                )
            } else {
                format!(
                    "`{}` is never sent: no configured registry is on `{host}`, so this credential matches no request (a 401 elsewhere is often this credential written for the wrong host)",
                    c.entry.prop
                )
            },
        )
        .label("matches no registry");
        if let Some(r) = closest(&hosts, host) {
            if let Ok(n) = nerf_dart(&r.url) {
                d = d.help(format!(
                    "if it is meant for `{}` (`{}`), write the key as `{n}:{}`; otherwise remove it or add the registry it is for",
                    crate::rules::support_auth::safe_display(&r.url),
                    r.key,
                    field.suffix()
                ));
            }
        }
        out.push(d);
    }
}
