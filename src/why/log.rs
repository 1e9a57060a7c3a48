//! Failing requests in an npm debug log (`~/.npm/_logs/*-debug-0.log`) or in
//! npm's terminal output, and the likely causes of each failure, ranked,
//! each pointing at a `file:line` where it can.
//!
//! Recognised lines (both `N level …` debug-log lines and `npm level …`
//! terminal lines): `http fetch METHOD STATUS URL …`, npm-registry-fetch's
//! error messages `STATUS Text - METHOD URL`, `error code CODE`,
//! `need auth This command requires you to be logged in to URL`,
//! `Invalid auth configuration found`, and the "No auth for URI, but auth
//! present for scoped registry" warning.

use super::{Request, WhyReport};
use crate::auth::Kind;
use crate::config::Config;
use regex::Regex;
use serde_json::{Value as J, json};
use std::path::PathBuf;
use std::sync::LazyLock;

/// One failing request (or a failure without a request, like ENEEDAUTH).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `GET`, `PUT`, … when known.
    pub method: Option<String>,
    /// The request URL (or the registry for ENEEDAUTH).
    pub url: Option<String>,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// npm's error code (`E401`, `ENEEDAUTH`, `EOTP`, …).
    pub code: Option<String>,
    /// The registry's own words after the URL (`… - PUT url - Package
    /// already exists.`).
    pub message: Option<String>,
}

/// What was found in a log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLog {
    /// Failing requests, in log order, without duplicates.
    pub failures: Vec<Failure>,
    /// The final `error code` npm reported.
    pub error_code: Option<String>,
    /// npm's "auth present for scoped registry" warning: `(uri, key)`.
    pub scoped_auth_warnings: Vec<(String, String)>,
    /// The npm command (`install`, `publish`, `view`, …) when logged.
    pub command: Option<String>,
    /// npm said "Incorrect or missing password.": a 401 whose
    /// `WWW-Authenticate` asks for Basic auth.
    pub basic_challenge: bool,
    /// npm said "your authentication token seems to be invalid": a 401
    /// whose `WWW-Authenticate` asks for a Bearer token.
    pub bearer_challenge: bool,
}

static PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+ |npm )?(?:verbose|silly|http|timing|info|notice|warn|error|WARN|ERR!)\s+")
        .ok()
});
static HTTP_FETCH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"fetch (GET|PUT|POST|DELETE|HEAD|PATCH) (\d{3}) (\S+)").ok());
static HTTP_ERROR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(\d{3}) [A-Za-z][A-Za-z ]* - (GET|PUT|POST|DELETE|HEAD|PATCH) (\S+)(?: - (.+))?")
        .ok()
});
static CODE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\bcode (E[A-Z0-9_]+)\b").ok());
static NEED_AUTH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"requires you to be logged in to (\S+)").ok());
static COMMAND: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"verbose title npm (\S+)|verbose argv "([^"]+)""#).ok());

fn strip_prefix(line: &str) -> &str {
    PREFIX
        .as_ref()
        .and_then(|r| r.find(line))
        .map_or(line, |m| &line[m.end()..])
}

/// Strips `(cache …)`-style trailing punctuation from a logged URL.
fn clean_url(u: &str) -> String {
    u.trim_end_matches([',', '.', ')', ';']).to_string()
}

/// Parses a debug log or terminal output.
#[must_use]
pub fn parse(text: &str) -> ParsedLog {
    let mut log = ParsedLog::default();
    let mut pending_scoped_uri: Option<String> = None;
    for raw in text.lines() {
        let line = strip_prefix(raw.trim_end());
        if log.command.is_none() {
            if let Some(c) = COMMAND.as_ref().and_then(|r| r.captures(raw)) {
                log.command = c
                    .get(1)
                    .or_else(|| c.get(2))
                    .map(|m| m.as_str().to_string());
            }
        }
        if let Some(c) = HTTP_FETCH.as_ref().and_then(|r| r.captures(line)) {
            let status: u16 = c[2].parse().unwrap_or(0);
            if status >= 400 {
                push(
                    &mut log,
                    Some(&c[1]),
                    Some(clean_url(&c[3])),
                    Some(status),
                    None,
                );
            }
            continue;
        }
        if let Some(c) = HTTP_ERROR.as_ref().and_then(|r| r.captures(line)) {
            let status: u16 = c[1].parse().unwrap_or(0);
            if status >= 400 && c[3].contains("://") {
                push(
                    &mut log,
                    Some(&c[2]),
                    Some(clean_url(&c[3])),
                    Some(status),
                    None,
                );
                if let Some(m) = c.get(4) {
                    let url = clean_url(&c[3]);
                    let same = |f: &&mut Failure| {
                        f.url.as_deref() == Some(url.as_str())
                            && f.method.as_deref() == Some(&c[2])
                            && f.status == Some(status)
                    };
                    if let Some(f) = log.failures.iter_mut().rev().find(same) {
                        f.message = Some(m.as_str().trim().to_string());
                    }
                }
            }
        }
        if let Some(c) = NEED_AUTH.as_ref().and_then(|r| r.captures(line)) {
            push(
                &mut log,
                None,
                Some(clean_url(&c[1])),
                None,
                Some("ENEEDAUTH"),
            );
        }
        if line.contains("Incorrect or missing password.") {
            log.basic_challenge = true;
        }
        if line.contains("your authentication token seems to be invalid") {
            log.bearer_challenge = true;
        }
        if line.contains("Invalid auth configuration found") {
            push(&mut log, None, None, None, Some("ERR_INVALID_AUTH"));
        }
        if let Some(c) = CODE.as_ref().and_then(|r| r.captures(line)) {
            log.error_code = Some(c[1].to_string());
        }
        if let Some(uri) = line.strip_prefix("URI: ") {
            pending_scoped_uri = Some(uri.trim().to_string());
        } else if let Some(key) = line.strip_prefix("Scoped Registry Key: ") {
            if let Some(uri) = pending_scoped_uri.take() {
                log.scoped_auth_warnings.push((uri, key.trim().to_string()));
            }
        }
    }
    // npm publish ignores the errors of its version-check GET (a new
    // package answers 404 there)
    if log.command.as_deref() == Some("publish") {
        log.failures
            .retain(|f| !(f.method.as_deref() == Some("GET") && f.status == Some(404)));
    }
    // attach the final error code to the failure it belongs to
    if let Some(code) = log.error_code.clone() {
        let status = code.strip_prefix('E').and_then(|s| s.parse::<u16>().ok());
        let already = log
            .failures
            .iter()
            .any(|f| f.code.as_deref() == Some(code.as_str()));
        let target = log
            .failures
            .iter_mut()
            .rev()
            .find(|f| f.code.is_none() && (status.is_none() || f.status == status));
        match target {
            Some(f) if !already => f.code = Some(code),
            Some(_) => {}
            None if !already => {
                log.failures.push(Failure {
                    method: None,
                    url: None,
                    status,
                    code: Some(code),
                    message: None,
                });
            }
            None => {}
        }
    }
    log
}

fn push(
    log: &mut ParsedLog,
    method: Option<&str>,
    url: Option<String>,
    status: Option<u16>,
    code: Option<&str>,
) {
    if let Some(existing) = log
        .failures
        .iter_mut()
        .find(|f| f.url == url && (f.status == status || status.is_none() || f.status.is_none()))
    {
        if existing.method.is_none() {
            existing.method = method.map(str::to_string);
        }
        if existing.status.is_none() {
            existing.status = status;
        }
        if existing.code.is_none() {
            existing.code = code.map(str::to_string);
        }
        return;
    }
    log.failures.push(Failure {
        method: method.map(str::to_string),
        url,
        status,
        code: code.map(str::to_string),
        message: None,
    });
}

impl ParsedLog {
    /// The package names whose packument or tarball failed, for the
    /// explanation (empty: explain the project).
    #[must_use]
    pub fn specs_for_project(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.failures {
            if f.method.as_deref() != Some("GET") {
                continue;
            }
            if let Some(name) = f.url.as_deref().and_then(package_from_url) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Whether a publish failed (a PUT, or ENEEDAUTH).
    #[must_use]
    pub fn publish_failed(&self) -> bool {
        self.failures
            .iter()
            .any(|f| f.method.as_deref() == Some("PUT") || f.code.as_deref() == Some("ENEEDAUTH"))
            || self.command.as_deref() == Some("publish")
    }
}

/// The package name of a packument (`…/@s%2fp`) or tarball
/// (`…/<name>/-/<file>.tgz`) URL.
#[must_use]
pub fn package_from_url(u: &str) -> Option<String> {
    let parsed = url::Url::parse(u).ok()?;
    let segs: Vec<&str> = parsed.path_segments()?.collect();
    if let Some(dash) = segs.iter().position(|s| *s == "-") {
        let before = &segs[..dash];
        return match before {
            [.., scope, name] if scope.starts_with('@') => Some(format!("{scope}/{name}")),
            [.., name] if !name.is_empty() => Some((*name).to_string()),
            _ => None,
        };
    }
    let last = segs.last()?;
    let decoded = last.replace("%2f", "/").replace("%2F", "/");
    (!decoded.is_empty()).then_some(decoded)
}

/// One likely cause of a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// Short statement.
    pub title: String,
    /// Why this is likely, and what to do.
    pub detail: String,
    /// Where to look.
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
}

/// A failure with its ranked causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosed {
    pub failure: Failure,
    /// Most likely first.
    pub causes: Vec<Cause>,
}

/// All diagnosed failures of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub failures: Vec<Diagnosed>,
}

fn cause(title: impl Into<String>, detail: impl Into<String>) -> Cause {
    Cause {
        title: title.into(),
        detail: detail.into(),
        file: None,
        line: None,
    }
}

fn at(mut c: Cause, file: Option<PathBuf>, line: Option<u32>) -> Cause {
    c.file = file;
    c.line = line;
    c
}

/// The request of the report that went to `url` (by wire URL), with the
/// registry it belongs to.
fn find_request<'a>(
    why: &'a WhyReport,
    url: &str,
    method: Option<&str>,
) -> Option<(&'a Request, Option<&'a str>)> {
    let wire = super::wire_url(url);
    if method == Some("PUT") {
        return why.packages.iter().find_map(|p| {
            let put = p.publish.as_ref()?.put.as_ref()?;
            (put.url.as_deref() == Some(wire.as_str()))
                .then(|| (put, p.registry.as_ref().map(|r| r.url.as_str())))
        });
    }
    for u in &why.urls {
        if u.request.url.as_deref() == Some(wire.as_str()) {
            return Some((&u.request, None));
        }
    }
    for p in &why.packages {
        let reg = p.registry.as_ref().map(|r| r.url.as_str());
        for r in [p.packument.as_ref(), p.tarball.as_ref().map(|t| &t.request)]
            .into_iter()
            .flatten()
        {
            if r.url.as_deref() == Some(wire.as_str()) {
                return Some((r, reg));
            }
        }
        if let Some(put) = p.publish.as_ref().and_then(|x| x.put.as_ref()) {
            if put.url.as_deref() == Some(wire.as_str()) {
                return Some((put, reg));
            }
        }
    }
    None
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// Registry-specific hints for a host.
fn registry_hints(
    url: &str,
    status: Option<u16>,
    method: Option<&str>,
    config: &Config,
) -> Vec<Cause> {
    let host = host_of(url);
    let mut out = Vec::new();
    let is_put = method == Some("PUT");
    if host == "npm.pkg.github.com" {
        out.push(cause(
            "GitHub Packages: scope and token",
            "GitHub Packages needs a token even for public packages (a classic PAT with read:packages / write:packages), and the package scope must be the owner (`@owner/pkg`, lower case) with `@owner:registry=https://npm.pkg.github.com`.",
        ));
    }
    if host.contains("gitlab") || url.contains("/api/v4/") {
        if is_put && !url.contains("/api/v4/projects/") {
            out.push(cause(
                "GitLab: publish to the project endpoint",
                "GitLab accepts publishes only on the project endpoint `/api/v4/projects/<id>/packages/npm/`; the instance and group endpoints are read-only.",
            ));
        }
        if status == Some(400) {
            let pkg = config.cwd.join("package.json");
            let size = std::fs::metadata(&pkg).map(|m| m.len()).unwrap_or(0);
            let over = size > 20_000;
            out.push(at(
                cause(
                    "GitLab: package.json metadata limit",
                    format!(
                        "GitLab rejects a package.json over 20,000 characters (\"Package json structure is too large\"); this one has {size} bytes{}. GitLab also enforces its naming convention (the scope must match the root namespace).",
                        if over { " — over the limit" } else { "" }
                    ),
                ),
                Some(pkg),
                None,
            ));
        }
    }
    if host.ends_with("pkgs.dev.azure.com") || host.ends_with("pkgs.visualstudio.com") {
        out.push(cause(
            "Azure Artifacts: base64 `_password`",
            "Azure Artifacts needs `username` (anything) and `_password` = base64 of the PAT, for both `…/npm/registry/` and `…/npm/`; PATs expire.",
        ));
    }
    out
}

/// "Package already exists.": the registry has this name@version.
fn exists_cause(f: &Failure, why: &WhyReport, log: &ParsedLog) -> Cause {
    let project = why
        .packages
        .iter()
        .find(|p| p.publish.as_ref().is_some_and(|x| x.project));
    let version = project
        .and_then(|p| p.spec.rsplit_once('@').map(|(_, v)| v.to_string()))
        .unwrap_or_else(|| "this version".into());
    let check_missed = log
        .failures
        .iter()
        .any(|x| x.method.as_deref() == Some("GET") && x.status == Some(404))
        || log.command.as_deref() == Some("publish");
    let mut detail = format!(
        "the registry answered \"{}\": it already holds {version} of this package and a published version cannot be overwritten. Bump `version` in package.json (`npm version patch`) and publish again.",
        f.message.as_deref().unwrap_or_default()
    );
    if check_missed {
        detail.push_str(" npm's own check did not stop it: its version-check GET of the packument found no such version (npm ignores that request's errors, a 404 included).");
    }
    if f.url.as_deref().is_some_and(|u| u.contains("/api/v4/")) {
        detail.push_str(" On GitLab the version may exist in this project, or in another project of the group when the group's package settings do not allow duplicates.");
    }
    cause("this version is already published", detail)
}

/// For a failure whose URL the log does not show: every request of the
/// explanation that carries no credential, or a wrong literal one.
fn unsent_credentials(why: &WhyReport) -> Vec<Cause> {
    let mut out = Vec::new();
    // the project's own package is not installed; the public registry
    // needs no credential
    for p in why
        .packages
        .iter()
        .filter(|p| p.source != super::Source::Project)
    {
        let reqs = [
            ("packument", p.packument.as_ref()),
            ("tarball", p.tarball.as_ref().map(|t| &t.request)),
        ];
        for (what, r) in reqs {
            let Some(r) = r else { continue };
            let Some(a) = &r.auth else { continue };
            let url = r.url.as_deref().unwrap_or("?");
            if a.kind == Kind::None && host_of(url) != "registry.npmjs.org" {
                out.push(cause(
                    format!("no credential is sent with the {what} of {}", p.spec),
                    format!("GET {url}: npm finds no `_authToken`/`_auth`/`username`+`_password`/`certfile` on its path"),
                ));
                for n in p.near_misses.iter().filter(|n| n.request == what) {
                    out.push(at(
                        cause(
                            format!("`{}` almost matched ({})", n.key, n.reason.code()),
                            format!("{} — fix: {}", n.message, n.fix),
                        ),
                        n.file.clone(),
                        n.line,
                    ));
                }
            } else if a.env_unset() || a.literal_var.is_some() {
                let src = a.source.as_ref();
                out.push(at(
                    cause(
                        format!(
                            "the {what} of {} sends a placeholder as its credential",
                            p.spec
                        ),
                        format!(
                            "GET {url}: `{}` is sent as written",
                            src.map_or("?", |s| s.key.as_str())
                        ),
                    ),
                    src.and_then(|s| s.file.clone()),
                    src.and_then(|s| s.line),
                ));
            }
        }
    }
    out
}

/// Ranks the likely causes of each failure using the explanation of its URL.
#[must_use]
pub fn diagnose(log: &ParsedLog, why: &WhyReport, config: &Config) -> Diagnosis {
    let mut failures = Vec::new();
    for f in &log.failures {
        let mut causes = Vec::new();
        let code = f
            .code
            .clone()
            .or_else(|| f.status.map(|s| format!("E{s}")))
            .unwrap_or_default();
        if let Some(v) = &why.validation {
            causes.push(cause(
                format!(
                    "config is invalid: {}",
                    v.code.as_deref().unwrap_or("error")
                ),
                format!("npm aborts every command before any request: {}", v.message),
            ));
        }
        let found = f
            .url
            .as_deref()
            .and_then(|u| find_request(why, u, f.method.as_deref()));
        match code.as_str() {
            "ENEEDAUTH" => {
                for p in &why.packages {
                    let Some(pb) = &p.publish else { continue };
                    if pb.error.as_ref().and_then(|e| e.code.as_deref()) == Some("ENEEDAUTH") {
                        causes.push(cause(
                            format!("no credential at exactly `{}`", pb.checked_key.as_deref().unwrap_or("?")),
                            "npm publish checks `getCredentialsByURI(registry)`: the exact nerf-dart of the publish registry, no walk up the path, no publishConfig keys.",
                        ));
                        for n in p.near_misses.iter().filter(|n| n.request == "publish") {
                            causes.push(at(cause(format!("`{}` almost matched", n.key), format!("{} — fix: {}", n.message, n.fix)), n.file.clone(), n.line));
                        }
                    }
                }
            }
            "EOTP" => causes.push(cause(
                "two-factor authentication required",
                "the registry wants a one-time password: pass `--otp=<code>`, or use a granular access token with \"bypass 2FA\" for automation.",
            )),
            "E402" => causes.push(cause(
                "scoped package published as private",
                "a scoped package is private by default on npmjs: publish with `--access public` or set `\"publishConfig\": {\"access\": \"public\"}` in package.json.",
            )),
            "ERR_INVALID_AUTH" => {}
            _ => {}
        }
        let exists = f
            .message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("already exists"));
        if exists {
            causes.push(exists_cause(f, why, log));
        }
        if code == "E401" && log.basic_challenge {
            causes.push(cause(
                "the registry asks for a user name and password (Basic)",
                "npm prints \"Incorrect or missing password.\" when the 401 carries `WWW-Authenticate: Basic`: set `username` + `_password` (base64 of the password) or `_auth` (base64 of `user:password`) on the registry's path; a token is sent as Bearer, which this registry does not ask for",
            ));
        }
        if code == "E401" && log.bearer_challenge {
            causes.push(cause(
                "the registry asks for a token (Bearer)",
                "npm prints \"your authentication token seems to be invalid\" when the 401 carries `WWW-Authenticate: Bearer`: the token sent is wrong, expired or revoked, or none was sent",
            ));
        }
        if f.url.is_none() && matches!(code.as_str(), "E401" | "E403" | "E404") {
            causes.extend(unsent_credentials(why));
        }
        if let Some((req, registry)) = found {
            if let Some(auth) = req.auth.as_ref().filter(|_| !exists) {
                let src = auth.source.as_ref();
                let (file, line) = (src.and_then(|s| s.file.clone()), src.and_then(|s| s.line));
                match (auth.kind, f.status) {
                    (Kind::None, _) => {
                        causes.push(cause(
                            "no credential was sent",
                            format!(
                                "npm found no `_authToken`/`_auth`/`username`+`_password`/`certfile` on the path of {}{}",
                                req.url.as_deref().unwrap_or("the request"),
                                auth.scope_auth_key.as_deref().map(|k| format!("; the scope registry's credential `{k}` is for another host")).unwrap_or_default()
                            ),
                        ));
                    }
                    _ if auth.env_unset() => {
                        let name = src.and_then(|s| s.env.as_ref()).map(|e| e.name.clone()).unwrap_or_default();
                        causes.push(at(cause(format!("`${{{name}}}` is not set"), format!("npm sends the literal text `${{{name}}}` as the credential (`{}`); export {name} or use `${{{name}?}}`", auth.keys.join(", "))), file, line));
                    }
                    (_, Some(401)) => causes.push(at(cause(
                        format!("the {} credential was rejected", auth.kind.name()),
                        format!("`{}` was sent ({}); it is invalid, expired or revoked — create a new one", auth.keys.join("` + `"), src.and_then(|s| s.value.clone()).unwrap_or_default()),
                    ), file, line)),
                    (_, Some(403)) => causes.push(at(cause(
                        format!("the {} credential lacks permission", auth.kind.name()),
                        format!("`{}` was sent but the registry refused it: missing read/write scope, IP allow-list, or publishing over an existing version", auth.keys.join("` + `")),
                    ), file, line)),
                    (_, Some(404)) => causes.push(at(cause(
                        "the package is not visible with this credential",
                        "private registries answer 404 when the token cannot see the package or the name/scope is wrong",
                    ), file, line)),
                    _ => {}
                }
            }
            if f.status == Some(404) {
                for p in &why.packages {
                    if p.registry
                        .as_ref()
                        .is_some_and(|r| r.key.as_deref() != Some("registry") && r.key.is_some())
                    {
                        continue;
                    }
                    if p.spec.starts_with('@')
                        && req.url.as_deref().is_some_and(|u| {
                            p.packument.as_ref().and_then(|x| x.url.as_deref()) == Some(u)
                        })
                    {
                        causes.push(cause(
                            "the scope is not mapped to a registry",
                            format!("`{}` resolves through the default registry; add `@scope:registry=<url>`", p.spec),
                        ));
                    }
                }
            }
            let want_publish = f.method.as_deref() == Some("PUT");
            for p in &why.packages {
                for n in p
                    .near_misses
                    .iter()
                    .filter(|n| (n.request == "publish") == want_publish)
                {
                    causes.push(at(
                        cause(
                            format!("`{}` almost matched ({})", n.key, n.reason.code()),
                            format!("{} — fix: {}", n.message, n.fix),
                        ),
                        n.file.clone(),
                        n.line,
                    ));
                }
            }
            for u in &why.urls {
                if u.request.url == req.url {
                    for n in &u.near_misses {
                        causes.push(at(
                            cause(
                                format!("`{}` almost matched ({})", n.key, n.reason.code()),
                                format!("{} — fix: {}", n.message, n.fix),
                            ),
                            n.file.clone(),
                            n.line,
                        ));
                    }
                }
            }
            let _ = registry;
        }
        if let Some(u) = &f.url {
            causes.extend(registry_hints(u, f.status, f.method.as_deref(), config));
        }
        for (uri, key) in &log.scoped_auth_warnings {
            if f.url.as_deref() == Some(uri.as_str()) {
                causes.push(cause(
                    "npm warned: auth present for scoped registry",
                    format!(
                        "the credential `{key}` belongs to the scope registry's host, not to {uri}"
                    ),
                ));
            }
        }
        let mut seen = Vec::new();
        causes.retain(|c| {
            let k = (c.title.clone(), c.file.clone(), c.line);
            let fresh = !seen.contains(&k);
            seen.push(k);
            fresh
        });
        failures.push(Diagnosed {
            failure: f.clone(),
            causes,
        });
    }
    Diagnosis { failures }
}

/// The `log` member of the JSON document.
#[must_use]
pub fn diagnosis_json(d: &Diagnosis) -> J {
    J::Array(
        d.failures
            .iter()
            .map(|x| {
                json!({
                    "method": x.failure.method,
                    "url": x.failure.url,
                    "status": x.failure.status,
                    "code": x.failure.code,
                    "message": x.failure.message,
                    "causes": x.causes.iter().map(|c| json!({
                        "title": c.title, "detail": c.detail,
                        "file": c.file.as_ref().map(|p| p.display().to_string()), "line": c.line,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for re in [
            &PREFIX,
            &HTTP_FETCH,
            &HTTP_ERROR,
            &CODE,
            &NEED_AUTH,
            &COMMAND,
        ] {
            assert!(re.is_some());
        }
    }

    #[test]
    fn parses_debug_log_lines() {
        let text = "0 verbose cli /usr/bin/node npm\n\
                    12 http fetch GET 401 http://127.0.0.1:4873/@acme%2fui 5ms (cache skip)\n\
                    20 error code E401\n\
                    21 error 401 Unauthorized - GET http://127.0.0.1:4873/@acme%2fui\n";
        let log = parse(text);
        assert_eq!(log.failures.len(), 1);
        let f = &log.failures[0];
        assert_eq!(f.method.as_deref(), Some("GET"));
        assert_eq!(f.status, Some(401));
        assert_eq!(f.code.as_deref(), Some("E401"));
        assert_eq!(log.specs_for_project(), vec!["@acme/ui".to_string()]);
    }

    #[test]
    fn parses_terminal_eneedauth() {
        let text = "npm error code ENEEDAUTH\nnpm error need auth This command requires you to be logged in to https://r.example/npm\n";
        let log = parse(text);
        assert_eq!(log.failures.len(), 1);
        assert_eq!(log.failures[0].code.as_deref(), Some("ENEEDAUTH"));
        assert_eq!(
            log.failures[0].url.as_deref(),
            Some("https://r.example/npm")
        );
        assert!(log.publish_failed());
    }

    #[test]
    fn package_names_from_urls() {
        assert_eq!(
            package_from_url("https://r/npm/@s%2fp").as_deref(),
            Some("@s/p")
        );
        assert_eq!(
            package_from_url("https://r/@s/p/-/p-1.0.0.tgz").as_deref(),
            Some("@s/p")
        );
        assert_eq!(
            package_from_url("https://r/lodash/-/lodash-1.tgz").as_deref(),
            Some("lodash")
        );
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn registry_message_after_the_url() {
        let log = parse(
            "npm http fetch GET 404 http://h:1/p/@a%2fb 2ms\nnpm http fetch PUT 403 http://h:1/p/@a%2fb 2ms\nnpm error code E403\nnpm error 403 403 Forbidden - PUT http://h:1/p/@a%2fb - Package already exists.\n",
        );
        let put = log
            .failures
            .iter()
            .find(|f| f.method.as_deref() == Some("PUT"));
        assert_eq!(
            put.and_then(|f| f.message.as_deref()),
            Some("Package already exists.")
        );
    }
}
