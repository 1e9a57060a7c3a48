//! The tarball `npm install` / `npm ci` fetches: the lockfile `resolved`
//! (or the registry's conventional `<registry>/<name>/-/<basename>-<v>.tgz`),
//! arborist's `#registryResolved` rewrite (`replace-registry-host`), pacote's
//! own remote rewrite, and the credential npm-registry-fetch attaches with
//! arborist's options (default registry normalised to end in `/`).

use super::{Ctx, ErrorInfo, Request, remove_trailing_slashes};
use crate::auth::{FlatOpts, Overrides, get_auth};
use crate::spec::npa::{PackageArg, SpecType, npa};
use crate::value::Value;
use std::path::Path;
use url::Url;

/// A lockfile entry for a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    /// `resolved`.
    pub resolved: String,
    /// `version`.
    pub version: Option<String>,
    /// The lockfile it came from.
    pub file: std::path::PathBuf,
}

/// The install tarball request.
#[derive(Debug, Clone, PartialEq)]
pub struct TarballRequest {
    pub request: Request,
    /// `lockfile` or `packument` (the registry's conventional URL).
    pub from_lockfile: bool,
    /// The URL before arborist's and pacote's rewrites.
    pub resolved: String,
    /// The spec itself is the tarball URL (`"x": "https://h/x-1.0.0.tgz"`).
    pub from_spec: bool,
    /// The version in the URL is known (lockfile, exact version, URL spec);
    /// otherwise it is whatever the registry resolves the range or tag to.
    pub version_known: bool,
}

impl TarballRequest {
    /// The URL with an unknown version shown as `<version>`.
    #[must_use]
    pub fn url_pattern(&self, version: &str) -> Option<String> {
        let url = self.request.url.as_deref()?;
        if self.version_known {
            return Some(url.to_string());
        }
        let tail = format!("-{version}.tgz");
        Some(match url.strip_suffix(&tail) {
            Some(head) => format!("{head}-<version>.tgz"),
            None => url.to_string(),
        })
    }
}

/// `packages["node_modules/<name>"]` (or v1 `dependencies[name]`) of
/// `npm-shrinkwrap.json`, else `package-lock.json`, in `local_prefix`.
#[must_use]
pub fn lock_entry(local_prefix: &Path, name: &str) -> Option<LockEntry> {
    let (file, lock) = ["npm-shrinkwrap.json", "package-lock.json"]
        .iter()
        .find_map(|f| {
            let path = local_prefix.join(f);
            crate::manifest::read_json_file(&path)
                .ok()
                .map(|v| (path, v))
        })?;
    let truthy = |v: Option<&serde_json::Value>| {
        v.and_then(|x| x.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let from = |e: Option<&serde_json::Value>| {
        let e = e?;
        let resolved = truthy(e.get("resolved"))?;
        Some(LockEntry {
            resolved,
            version: e
                .get("version")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            file: file.clone(),
        })
    };
    from(
        lock.get("packages")
            .and_then(|p| p.get(format!("node_modules/{name}"))),
    )
    .or_else(|| from(lock.get("dependencies").and_then(|d| d.get(name))))
}

/// The version the registry is assumed to offer: the lockfile's, else the
/// spec's exact version, else `1.0.0` (tags, ranges it satisfies), else the
/// range's minimum version.
#[must_use]
pub fn plan_version(spec: &PackageArg, lock_version: Option<&str>) -> String {
    if let Some(v) = lock_version {
        return v.to_string();
    }
    let fetch = spec.fetch_spec.as_deref().unwrap_or_default();
    match spec.type_ {
        SpecType::Version => fetch.to_string(),
        SpecType::Range => {
            if crate::spec::semver::satisfies("1.0.0", fetch, false) {
                "1.0.0".into()
            } else {
                nodejs_semver::Range::parse(fetch)
                    .ok()
                    .and_then(|r| r.min_version())
                    .map_or_else(|| "1.0.0".into(), |v| v.to_string())
            }
        }
        _ => "1.0.0".into(),
    }
}

/// The registry's conventional tarball URL (npmjs, Verdaccio, Nexus):
/// `<registry without trailing slashes>/<name>/-/<basename>-<version>.tgz`.
#[must_use]
pub fn conventional_url(registry: &str, name: &str, version: &str) -> String {
    let basename = match name.strip_prefix('@') {
        Some(rest) => rest.split_once('/').map_or(name, |(_, b)| b),
        None => name,
    };
    format!(
        "{}/{name}/-/{basename}-{version}.tgz",
        remove_trailing_slashes(registry)
    )
}

/// Arborist's default registry: trailing slashes collapsed to exactly one.
#[must_use]
pub fn arborist_registry(flat: &FlatOpts<'_>) -> String {
    let reg = flat
        .registry()
        .unwrap_or_else(|| "https://registry.npmjs.org".to_string());
    format!("{}/", reg.trim_end_matches('/'))
}

/// `replace-registry-host` as arborist and pacote normalise it.
#[must_use]
pub fn replace_registry_host(flat: &FlatOpts<'_>) -> String {
    match flat.value("replace-registry-host") {
        Value::Str(s) if !s.is_empty() && s != "npmjs" => s.clone(),
        _ => "registry.npmjs.org".into(),
    }
}

fn has_path_prefix(pathname: &str, prefix: &str) -> bool {
    pathname == prefix || pathname.starts_with(&format!("{prefix}/"))
}

/// Arborist's `#registryResolved(resolved)` (`@npmcli/arborist`
/// `lib/arborist/reify.js`): moves a tarball on the `replace-registry-host`
/// host onto the default registry. `None` when npm cannot parse it (the
/// node is dropped: "invalid or damaged lockfile").
#[must_use]
pub fn registry_resolved(resolved: &str, registry: &str, rrh: &str) -> Option<String> {
    let mut r = Url::parse(resolved).ok()?;
    let reg = Url::parse(registry).ok()?;
    let registry_path = reg
        .path()
        .strip_suffix('/')
        .unwrap_or(reg.path())
        .to_string();
    let match_url = Url::parse(rrh).ok();
    let match_host = match_url.as_ref().map_or_else(
        || rrh.to_string(),
        |m| m.host_str().unwrap_or("").to_string(),
    );
    let match_path = match_url
        .as_ref()
        .map(|m| m.path().strip_suffix('/').unwrap_or(m.path()).to_string());
    let host_matches = rrh == "always" || Some(match_host.as_str()) == r.host_str();
    let path_matches = match match_path.as_deref() {
        None | Some("") => true,
        Some(p) => has_path_prefix(r.path(), p),
    };
    if !host_matches || !path_matches {
        return Some(resolved.to_string());
    }
    // protocol, hostname, port (WHATWG setters)
    let _ = r.set_scheme(reg.scheme());
    r.set_host(reg.host_str()).ok()?;
    let _ = r.set_port(reg.port());
    let path = r.path().to_string();
    match match_path.as_deref() {
        Some(mp) if !mp.is_empty() => {
            r.set_path(&format!(
                "{registry_path}{}",
                &path[mp.len().min(path.len())..]
            ));
        }
        _ => {
            if !registry_path.is_empty() && !has_path_prefix(&path, &registry_path) {
                r.set_path(&format!("{registry_path}{path}"));
            }
        }
    }
    Some(r.to_string())
}

/// pacote's `RemoteFetcher` rewrite: with `replace-registry-host` matching
/// the URL's host (port included) or `always`, the path is moved onto
/// `removeTrailingSlashes(registry)` (dropping the registry's own path).
#[must_use]
pub fn pacote_remote_resolved(resolved: &str, registry: &str, rrh: &str) -> String {
    let Ok(u) = Url::parse(resolved) else {
        return resolved.to_string();
    };
    let host = crate::config::nerf_dart::host_with_port(&u);
    if rrh != "never" && (rrh == "always" || rrh == host) {
        if let Ok(base) = Url::parse(remove_trailing_slashes(registry)) {
            if let Ok(j) = base.join(u.path()) {
                return j.to_string();
            }
        }
    }
    resolved.to_string()
}

/// What npa throws for the spec pacote is handed (`<name>@<url>` for an
/// install node, the bare URL for `npm pack`): a `resolved` with a
/// protocol npa does not know (`ftp:`, …) is `EUNSUPPORTEDPROTOCOL`, and
/// pacote makes no request at all.
fn npa_error(arg: &str) -> Option<ErrorInfo> {
    npa(arg, None).err().map(|e| ErrorInfo {
        code: e.code.map(str::to_string),
        message: e.message,
    })
}

/// The tarball request `npm install` makes for the node `name` with
/// lockfile/packument URL `resolved`.
#[must_use]
pub fn install_request(
    ctx: &Ctx<'_>,
    name: &str,
    resolved: &str,
    from_lockfile: bool,
) -> TarballRequest {
    let flat = ctx.flat();
    let registry = arborist_registry(&flat);
    let rrh = replace_registry_host(&flat);
    let mut overrides = Overrides::new();
    overrides.insert("registry".into(), Value::Str(registry.clone()));
    let opts = flat.with(&overrides);
    let request = match registry_resolved(resolved, &registry, &rrh) {
        Some(rr) if npa_error(&format!("{name}@{rr}")).is_some() => {
            Request::failed("GET", npa_error(&format!("{name}@{rr}")))
        }
        None => Request::failed(
            "GET",
            Some(ErrorInfo {
                code: None,
                message: "invalid or damaged lockfile detected".into(),
            }),
        ),
        Some(rr) if Url::parse(&rr).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) => {
            let fetched = pacote_remote_resolved(&rr, &registry, &rrh);
            let scope = name
                .starts_with('@')
                .then(|| name.split_once('/').map(|(s, _)| s.to_string()))
                .flatten();
            match get_auth(&fetched, &opts, scope.as_deref()) {
                Ok(auth) => Request::sent(ctx, &opts, "GET", &fetched, &auth, None),
                Err(_) => Request::failed("GET", Some(ErrorInfo::invalid_url())),
            }
        }
        Some(rr) => Request {
            url: Some(rr),
            method: "GET",
            auth: None,
            error: None,
        },
    };
    TarballRequest {
        request,
        from_lockfile,
        resolved: resolved.to_string(),
        from_spec: false,
        version_known: from_lockfile,
    }
}

/// The tarball `npm pack <spec>` / `npm cache add` fetches: pacote with the
/// bare URL as spec (no scope for the same-host fallback), npm's flat
/// options (registry not normalised) and pacote's own rewrite.
#[must_use]
pub fn pack_request(ctx: &Ctx<'_>, resolved: &str) -> Request {
    if let Some(e) = npa_error(resolved) {
        return Request::failed("GET", Some(e));
    }
    let flat = ctx.flat();
    let registry = flat
        .registry()
        .unwrap_or_else(|| "https://registry.npmjs.org".to_string());
    let fetched = pacote_remote_resolved(resolved, &registry, &replace_registry_host(&flat));
    match get_auth(&fetched, &flat, None) {
        Ok(auth) => Request::sent(ctx, &flat, "GET", &fetched, &auth, None),
        Err(_) => Request::failed("GET", Some(ErrorInfo::invalid_url())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npmjs_moves_onto_registry_with_path_prefix() {
        assert_eq!(
            registry_resolved(
                "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
                "https://h/repo/npm/",
                "registry.npmjs.org"
            )
            .as_deref(),
            Some("https://h/repo/npm/lodash/-/lodash-4.17.21.tgz")
        );
    }

    #[test]
    fn foreign_host_kept_unless_always() {
        let u = "https://other.example/x/-/x-1.0.0.tgz";
        assert_eq!(
            registry_resolved(u, "https://h/", "registry.npmjs.org").as_deref(),
            Some(u)
        );
        assert_eq!(
            registry_resolved(u, "https://h:8443/npm/", "always").as_deref(),
            Some("https://h:8443/npm/x/-/x-1.0.0.tgz")
        );
        assert_eq!(
            registry_resolved(u, "https://h/", "never").as_deref(),
            Some(u)
        );
        assert_eq!(registry_resolved("not a url", "https://h/", "always"), None);
    }

    #[test]
    fn full_url_prefix_swaps_paths() {
        assert_eq!(
            registry_resolved(
                "https://old.example/a/b/p/-/p-1.0.0.tgz",
                "https://new.example/npm/",
                "https://old.example/a/b/"
            )
            .as_deref(),
            Some("https://new.example/npm/p/-/p-1.0.0.tgz")
        );
    }

    #[test]
    fn pacote_rewrite_drops_registry_path() {
        assert_eq!(
            pacote_remote_resolved(
                "https://registry.npmjs.org/lodash/-/lodash-1.0.0.tgz",
                "https://h/repo/npm/",
                "registry.npmjs.org"
            ),
            "https://h/lodash/-/lodash-1.0.0.tgz"
        );
    }

    #[test]
    fn unsupported_protocol_is_an_npa_error() {
        // fuzz: registry=ftp://h/ -> pacote.tarball("x@ftp://h/x/-/x-1.0.0.tgz") throws
        let e = npa_error("x@ftp://h/x/-/x-1.0.0.tgz");
        assert_eq!(
            e.as_ref().and_then(|e| e.code.as_deref()),
            Some("EUNSUPPORTEDPROTOCOL")
        );
        assert_eq!(
            e.map(|e| e.message).as_deref(),
            Some("Unsupported URL Type \"ftp:\": ftp://h/x/-/x-1.0.0.tgz")
        );
        assert_eq!(
            npa_error("ftp://h/x.tgz").and_then(|e| e.code),
            Some("EUNSUPPORTEDPROTOCOL".into())
        );
        assert_eq!(npa_error("x@https://h/x/-/x-1.0.0.tgz"), None);
    }

    #[test]
    fn conventional_tarball_names() {
        assert_eq!(
            conventional_url("https://r/npm/", "@acme/ui", "1.2.0"),
            "https://r/npm/@acme/ui/-/ui-1.2.0.tgz"
        );
        assert_eq!(
            conventional_url("https://r", "lodash", "4.17.21"),
            "https://r/lodash/-/lodash-4.17.21.tgz"
        );
    }
}
