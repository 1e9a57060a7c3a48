//! Credentials (and scope mappings) that almost matched a request, with
//! the reason npm passed them over and the one-line fix: a default port in
//! the key, a registry without its trailing slash, another path, another
//! host or port, a scheme in the key, the case of a scope, a key shadowed by
//! another layer, a lone `username`, a workspace `.npmrc` npm ignores, and
//! `npm publish`'s exact-key lookup.

use super::{Ctx, PackageWhy};
use crate::auth::walk_keys;
use crate::config::{Layer, Origin};
use crate::spec::npa::PackageArg;
use std::path::PathBuf;

/// Why a credential did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `//h:443/` / `//h:80/`: URLs drop default ports, keys never match.
    DefaultPort,
    /// The registry URL has no trailing slash, so the fallback walk (or
    /// publish's nerf-dart) skips the key written with one.
    MissingTrailingSlash,
    /// Same host, a path the request does not start with.
    OtherPath,
    /// Same host name, another port.
    OtherPort,
    /// A similar host.
    OtherHost,
    /// The key starts with `https://` / `http://`.
    Scheme,
    /// Upper-case letters in the key's host or a scope of another case.
    Case,
    /// An empty value in a higher layer hides it.
    Shadowed,
    /// `username` without `_password` (or the reverse).
    Incomplete,
    /// In a workspace folder's `.npmrc`, which npm ignores.
    WorkspaceIgnored,
    /// `npm publish` looks up exactly `nerfDart(registry)`.
    ExactKey,
    /// A second setting written on the registry's line became part of the
    /// registry URL (an ini line holds one setting).
    SameLine,
}

impl Reason {
    /// A stable identifier (`default-port`, …).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Reason::DefaultPort => "default-port",
            Reason::MissingTrailingSlash => "missing-trailing-slash",
            Reason::OtherPath => "other-path",
            Reason::OtherPort => "other-port",
            Reason::OtherHost => "other-host",
            Reason::Scheme => "scheme",
            Reason::Case => "case",
            Reason::Shadowed => "shadowed",
            Reason::Incomplete => "incomplete",
            Reason::WorkspaceIgnored => "workspace-npmrc-ignored",
            Reason::ExactKey => "publish-exact-key",
            Reason::SameLine => "one-setting-per-line",
        }
    }
}

/// One credential or mapping that almost applied.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// The request it concerns: `registry`, `packument`, `tarball`,
    /// `publish` or `url`.
    pub request: &'static str,
    /// The config key as written.
    pub key: String,
    pub layer: Option<String>,
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
    pub origin: Option<Origin>,
    pub reason: Reason,
    /// Why it did not apply.
    pub message: String,
    /// The one-line fix.
    pub fix: String,
}

/// A credential-bearing key written somewhere.
struct Candidate {
    key: String,
    /// The part before `:_authToken` etc.
    prefix: String,
    suffix: String,
    truthy: bool,
    layer: Option<Layer>,
    origin: Option<Origin>,
    workspace: bool,
    /// This setting is the one npm uses for the key.
    winner: bool,
}

const SUFFIXES: &[&str] = &["_authToken", "_auth", "_password", "username", "certfile"];

fn candidates(ctx: &Ctx<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for l in ctx.config.layers.iter().rev() {
        if l.layer == Layer::Default {
            continue;
        }
        for s in l.settings.iter() {
            let Some((prefix, suffix)) = s.key.rsplit_once(':') else {
                continue;
            };
            if !SUFFIXES.contains(&suffix) || prefix.is_empty() {
                continue;
            }
            let winner = ctx.config.find(&s.key) == Some(l.layer);
            out.push(Candidate {
                key: s.key.clone(),
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
                truthy: s.value.is_truthy(),
                layer: Some(l.layer),
                origin: Some(s.origin.clone()),
                workspace: false,
                winner,
            });
        }
    }
    if let Some(ws) = &ctx.config.workspace {
        let path = ws.join(".npmrc");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let decoded = crate::npmrc::decode(&text);
            for o in &decoded.origins {
                let Some((prefix, suffix)) = o.key.rsplit_once(':') else {
                    continue;
                };
                if !SUFFIXES.contains(&suffix) && suffix != "registry" {
                    continue;
                }
                let mut origin = Origin::layer(Layer::Project);
                origin.file = Some(path.clone());
                origin.line = o.winner.as_ref().and_then(|w| u32::try_from(w.number).ok());
                origin.line_span = o.winner.as_ref().map(|w| w.span.clone());
                out.push(Candidate {
                    key: o.key.clone(),
                    prefix: prefix.to_string(),
                    suffix: suffix.to_string(),
                    truthy: true,
                    layer: None,
                    origin: Some(origin),
                    workspace: true,
                    winner: false,
                });
            }
        }
    }
    out
}

/// `//host[:port]/path` of a key prefix, split (host lower-cased).
fn split_prefix(prefix: &str) -> Option<(String, Option<String>, String)> {
    let rest = prefix.strip_prefix("//")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p.to_string())),
        _ => (authority, None),
    };
    Some((host.to_string(), port, path.to_string()))
}

fn registrable(host: &str) -> String {
    let labels: Vec<&str> = host.rsplit('.').take(2).collect();
    labels.into_iter().rev().collect::<Vec<_>>().join(".")
}

fn make(
    c: &Candidate,
    request: &'static str,
    reason: Reason,
    message: String,
    fix: String,
) -> NearMiss {
    let layer = if c.workspace {
        Some("workspace (ignored)".to_string())
    } else {
        c.layer.map(|l| l.name().to_string())
    };
    NearMiss {
        request,
        key: c.key.clone(),
        layer,
        file: c.origin.as_ref().and_then(|o| o.file.clone()),
        line: c.origin.as_ref().and_then(|o| o.line),
        origin: c.origin.clone(),
        reason,
        message,
        fix,
    }
}

/// Near misses for a request to `url` that carries no credential;
/// `registry` is the registry whose same-host fallback applied, if any.
#[must_use]
pub fn for_request(ctx: &Ctx<'_>, url: &str, registry: Option<&str>) -> Vec<NearMiss> {
    for_request_named(ctx, "url", url, registry)
}

fn for_request_named(
    ctx: &Ctx<'_>,
    request: &'static str,
    url: &str,
    registry: Option<&str>,
) -> Vec<NearMiss> {
    let Ok(walk) = walk_keys(url) else {
        return Vec::new();
    };
    let Ok(parsed) = url::Url::parse(url) else {
        return Vec::new();
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port().map(|p| p.to_string());
    let default_port = parsed.port_or_known_default().map(|p| p.to_string());
    let registry_hosts = configured_registry_hosts(ctx);
    let mut out = Vec::new();
    for c in candidates(ctx) {
        if c.suffix == "registry" {
            continue;
        }
        let suffix = &c.suffix;
        let fix_key = |prefix: &str| format!("{prefix}:{suffix}");
        if c.workspace {
            if walk.contains(&c.prefix) {
                out.push(make(
                    &c,
                    request,
                    Reason::WorkspaceIgnored,
                    "npm ignores `.npmrc` files inside workspace folders".into(),
                    "move this line to the workspace root's .npmrc (or ~/.npmrc)".into(),
                ));
            }
            continue;
        }
        if walk.contains(&c.prefix) {
            if !c.winner && c.truthy {
                out.push(make(
                    &c,
                    request,
                    Reason::Shadowed,
                    format!(
                        "a higher layer sets `{}` to an empty value, which hides this one",
                        c.key
                    ),
                    format!("remove the empty `{}` from the higher layer", c.key),
                ));
            } else if c.winner && c.suffix == "username" {
                out.push(make(
                    &c,
                    request,
                    Reason::Incomplete,
                    "`username` is only used together with `_password` at the same key".into(),
                    format!(
                        "add `{}` (base64 of the password)",
                        fix_key(&c.prefix).replace(":username", ":_password")
                    ),
                ));
            }
            continue;
        }
        if let Some(rest) = c
            .prefix
            .strip_prefix("https:")
            .or_else(|| c.prefix.strip_prefix("http:"))
        {
            if walk.contains(rest) {
                out.push(make(
                    &c,
                    request,
                    Reason::Scheme,
                    "credential keys never contain the scheme".into(),
                    format!("write the key as `{}`", fix_key(rest)),
                ));
            }
            continue;
        }
        let Some((khost, kport, kpath)) = split_prefix(&c.prefix) else {
            continue;
        };
        let lower = khost.to_ascii_lowercase();
        if lower == host && khost != lower {
            let fixed = c.prefix.replacen(&khost, &lower, 1);
            if walk.contains(&fixed) {
                out.push(make(
                    &c,
                    request,
                    Reason::Case,
                    "host names in keys must be lower case (npm compares keys exactly)".into(),
                    format!("write the key as `{}`", fix_key(&fixed)),
                ));
                continue;
            }
        }
        if lower != host {
            let similar = registrable(&lower) == registrable(&host) && lower.contains('.');
            // a secret written for a host that no registry of this config
            // uses: most likely meant for this request's host
            let secret = c.winner
                && c.truthy
                && matches!(c.suffix.as_str(), "_authToken" | "_auth" | "_password");
            let orphan = secret && host != "registry.npmjs.org" && !registry_hosts.contains(&lower);
            // a token whose format names the service of this request's host
            // (`ghp_…` for GitHub Packages) keyed to another host
            let service = token_service(&ctx.config.get(&c.key).js_string());
            let misplaced =
                secret && service.is_some_and(|sv| host.contains(sv) && !lower.contains(sv));
            let fix = format!(
                "key the credential to `//{}{}/`",
                host,
                port.as_deref().map(|p| format!(":{p}")).unwrap_or_default()
            );
            if similar {
                out.push(make(
                    &c,
                    request,
                    Reason::OtherHost,
                    format!("the key is for host `{khost}`, the request goes to `{host}`"),
                    fix,
                ));
            } else if misplaced {
                out.push(make(
                    &c,
                    request,
                    Reason::OtherHost,
                    format!(
                        "the value looks like a token of `{host}`'s service, but the key is for host `{khost}`"
                    ),
                    fix,
                ));
            } else if orphan {
                out.push(make(
                    &c,
                    request,
                    Reason::OtherHost,
                    format!(
                        "the key is for host `{khost}`, which no configured registry uses; the request goes to `{host}`"
                    ),
                    fix,
                ));
            }
            continue;
        }
        if kport != port {
            if kport.is_some() && kport == default_port && port.is_none() {
                let fixed = format!("//{khost}{kpath}");
                out.push(make(
                    &c,
                    request,
                    Reason::DefaultPort,
                    format!(
                        "URLs drop the default port :{}, so a key with it never matches",
                        kport.as_deref().unwrap_or_default()
                    ),
                    format!("write the key as `{}`", fix_key(&fixed)),
                ));
            } else {
                let want = format!(
                    "//{khost}{}{kpath}",
                    port.as_deref().map(|p| format!(":{p}")).unwrap_or_default()
                );
                out.push(make(
                    &c,
                    request,
                    Reason::OtherPort,
                    format!(
                        "the key is for {}, the request goes to {}: a non-default port is part of the key",
                        kport.as_deref().map_or_else(|| "the default port".to_string(), |p| format!("port {p}")),
                        port.as_deref().map_or_else(|| "the default port".to_string(), |p| format!("port {p}"))
                    ),
                    format!("write the key as `{}`", fix_key(&want)),
                ));
            }
            continue;
        }
        // same host and port, another path
        let reg_no_slash = registry
            .filter(|r| !r.ends_with('/'))
            .and_then(|r| crate::config::nerf_dart::request_key(r).ok());
        if let Some(rk) = reg_no_slash.filter(|rk| format!("{rk}/") == c.prefix) {
            out.push(make(
                &c,
                request,
                Reason::MissingTrailingSlash,
                format!("the registry URL has no trailing slash: npm's fallback walks `{rk}`, never `{rk}/`"),
                format!("add a trailing slash to the registry: `{}/`", registry.unwrap_or_default()),
            ));
            continue;
        }
        out.push(make(
            &c,
            request,
            Reason::OtherPath,
            format!(
                "the key is for path `{kpath}`, the request path is `{}`",
                parsed.path()
            ),
            format!(
                "key the credential to a path both share: `{}`",
                fix_key(&common_parent(&c.prefix, &walk))
            ),
        ));
    }
    out
}

/// The service a token's format belongs to (a part of its hosts' names).
fn token_service(value: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("ghp_", "github"),
        ("gho_", "github"),
        ("ghu_", "github"),
        ("ghs_", "github"),
        ("github_pat_", "github"),
        ("glpat-", "gitlab"),
        ("npm_", "npmjs.org"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| value.starts_with(p) && value.len() > p.len() + 8)
        .map(|(_, s)| *s)
}

/// The hosts of every registry the config names (`registry`, each
/// `@scope:registry`, npm's default).
fn configured_registry_hosts(ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = vec!["registry.npmjs.org".to_string()];
    for l in &ctx.config.layers {
        for s in l.settings.iter() {
            if s.key == "registry" || crate::rules::support::is_scope_registry_key(&s.key) {
                if let Ok(u) = url::Url::parse(s.value.js_string().trim()) {
                    if let Some(h) = u.host_str() {
                        out.push(h.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    out
}

/// The deepest key ending in `/` that is both on the request's walk and a
/// parent of `prefix` (at least `//host[:port]/`).
fn common_parent(prefix: &str, walk: &crate::npm::auth::WalkKeys) -> String {
    walk.deepest_dir_within(prefix)
        .map_or_else(|| prefix.to_string(), str::to_string)
}

/// Near misses for `npm publish`'s exact-key pre-check.
fn for_publish(ctx: &Ctx<'_>, registry: &str, checked: &str) -> Vec<NearMiss> {
    let Some((chost, _, _)) = split_prefix(checked) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in candidates(ctx) {
        if c.suffix == "registry" || c.suffix == "certfile" || !c.truthy || c.workspace {
            continue;
        }
        let Some((khost, _, _)) = split_prefix(&c.prefix) else {
            continue;
        };
        if khost.to_ascii_lowercase() != chost || c.prefix == checked {
            continue;
        }
        let suffix = &c.suffix;
        let fix = if format!("{}/", c.prefix.trim_end_matches('/')) == c.prefix
            && !registry.ends_with('/')
            && c.prefix.starts_with(checked)
        {
            format!("add a trailing slash to the registry: `{registry}/`")
        } else {
            format!("write the key as `{checked}:{suffix}`")
        };
        out.push(make(
            &c,
            "publish",
            Reason::ExactKey,
            format!(
                "npm publish looks up exactly `{checked}:…` (no walk up the path), not `{}:…`",
                c.prefix
            ),
            fix,
        ));
    }
    out
}

/// Near misses for a registry choice: a `@Scope:registry` of another case,
/// or a scope mapping in an ignored workspace `.npmrc`.
fn for_registry(ctx: &Ctx<'_>, spec: &PackageArg) -> Vec<NearMiss> {
    let Some(scope) = spec.scope.as_deref() else {
        return Vec::new();
    };
    let want = format!("{scope}:registry");
    let mut out = Vec::new();
    for l in ctx.config.layers.iter().rev() {
        for s in l.settings.iter() {
            if s.key != want && s.key.eq_ignore_ascii_case(&want) {
                let c = Candidate {
                    key: s.key.clone(),
                    prefix: String::new(),
                    suffix: "registry".into(),
                    truthy: true,
                    layer: Some(l.layer),
                    origin: Some(s.origin.clone()),
                    workspace: false,
                    winner: true,
                };
                out.push(make(
                    &c,
                    "registry",
                    Reason::Case,
                    format!(
                        "scope keys are case-sensitive: `{}` does not map `{scope}`",
                        s.key
                    ),
                    format!("write the key as `{want}`"),
                ));
            }
        }
    }
    if let Some(s) = ctx.config.setting(&want) {
        let v = s.value.js_string();
        if let Some((_, rest)) = v.split_once(char::is_whitespace) {
            if rest.contains("//") && rest.contains('=') {
                let c = Candidate {
                    key: s.key.clone(),
                    prefix: String::new(),
                    suffix: "registry".into(),
                    truthy: true,
                    layer: Some(s.origin.layer),
                    origin: Some(s.origin.clone()),
                    workspace: false,
                    winner: true,
                };
                out.push(make(
                    &c,
                    "registry",
                    Reason::SameLine,
                    "an ini line holds one setting: the credential written after the URL became part of the registry URL".into(),
                    "put the `//…:_authToken=…` setting on its own line".into(),
                ));
            }
        }
    }
    for c in candidates(ctx) {
        if c.workspace && c.suffix == "registry" && format!("{}:registry", c.prefix) == want {
            out.push(make(
                &c,
                "registry",
                Reason::WorkspaceIgnored,
                "npm ignores `.npmrc` files inside workspace folders".into(),
                "move this line to the workspace root's .npmrc (or ~/.npmrc)".into(),
            ));
        }
    }
    out
}

/// All near misses of one package.
#[must_use]
pub fn for_package(ctx: &Ctx<'_>, p: &PackageWhy, spec: &PackageArg) -> Vec<NearMiss> {
    let mut out = for_registry(ctx, spec);
    let registry = p.registry.as_ref().map(|r| r.url.as_str());
    if let Some(req) = &p.packument {
        if let (Some(url), false) = (&req.url, req.has_credential()) {
            out.extend(for_request_named(ctx, "packument", url, registry));
        }
    }
    if let Some(t) = &p.tarball {
        if let (Some(url), false) = (&t.request.url, t.request.has_credential()) {
            out.extend(for_request_named(ctx, "tarball", url, registry));
        }
    }
    if let Some(publish) = &p.publish {
        let needs = publish
            .error
            .as_ref()
            .is_some_and(|e| e.code.as_deref() == Some("ENEEDAUTH"));
        if let (true, Some(reg), Some(checked)) = (needs, &publish.registry, &publish.checked_key) {
            out.extend(for_publish(ctx, reg, checked));
        }
    }
    dedup(out)
}

fn dedup(v: Vec<NearMiss>) -> Vec<NearMiss> {
    let mut out: Vec<NearMiss> = Vec::new();
    for m in v {
        if !out
            .iter()
            .any(|o| o.key == m.key && o.reason == m.reason && o.line == m.line && o.file == m.file)
        {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_key_prefixes() {
        assert_eq!(
            split_prefix("//h.example:443/npm/"),
            Some(("h.example".into(), Some("443".into()), "/npm/".into()))
        );
        assert_eq!(split_prefix("//h"), Some(("h".into(), None, String::new())));
        assert_eq!(split_prefix("https://h/"), None);
        assert_eq!(registrable("npm.pkg.github.com"), "github.com");
    }
}
