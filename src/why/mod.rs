//! `npmrc-doctor why`: for each package spec (or URL), the registry npm 11
//! picks, the URLs it requests and the credential it attaches to each one,
//! the `npm publish` and `npm whoami` verdicts, and the credentials that
//! almost matched.
//!
//! The decisions are [`crate::npm`]'s (one model of npm, shared with
//! `check`; docs/why-oracle.md describes the oracle the differential tests
//! compare with). This module renders them:
//!
//! - [`near_miss`]: credentials that almost matched, and why not;
//! - [`log`]: failing requests found in an npm debug log;
//! - [`report`]: the JSON document; [`human`]: the human report;
//! - [`scrub`]: no secret leaves through a string npm prints verbatim;
//! - [`WhyReport::problems`]: the one verdict (last line, JSON `ok`, exit
//!   code).

pub mod human;
pub mod log;
pub mod near_miss;
pub mod report;
pub mod scrub;

pub use crate::npm::{
    Ctx, ErrorInfo, Request, audit, credential, fetch_uri, publish, registry, registry_spec,
    remove_trailing_slashes, tarball, whoami, wire_url,
};

use crate::config::Config;
use crate::config::validate::Validation;
use crate::env::Env;
use crate::spec::npa::{SpecType, npa};
pub use credential::AuthView;
pub use near_miss::NearMiss;
pub use publish::PublishView;
pub use registry::RegistryChoice;

/// Where a package spec came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Given on the command line.
    Spec,
    /// The project's own package (`npm publish` in the project directory).
    Project,
    /// A dependency of the project's `package.json`.
    Dependency,
}

impl Source {
    /// `spec|project|dependency`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Source::Spec => "spec",
            Source::Project => "project",
            Source::Dependency => "dependency",
        }
    }
}

/// Everything `why` says about one package spec.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageWhy {
    /// The spec as given (`@acme/ui`, `lodash@^4`, `x@npm:@acme/ui@1`).
    pub spec: String,
    pub source: Source,
    /// npm-package-arg rejected the spec.
    pub error: Option<ErrorInfo>,
    /// The registry `pickRegistry` returns for installs.
    pub registry: Option<RegistryChoice>,
    /// The packument GET (`npm view`, `npm install` without a lockfile).
    pub packument: Option<Request>,
    /// The tarball GET of `npm install`/`npm ci`.
    pub tarball: Option<tarball::TarballRequest>,
    /// The tarball GET of `npm pack <spec>` (bare URL, no scope).
    pub pack: Option<Request>,
    /// `npm publish` of this package.
    pub publish: Option<PublishView>,
    /// Credentials that almost matched one of the requests above.
    pub near_misses: Vec<NearMiss>,
    /// The version the URLs above use (the lockfile's, the spec's exact
    /// version, or a stand-in when the registry decides).
    pub version: String,
}

/// `--url U`: a plain GET through npm-registry-fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlWhy {
    /// The URL as given.
    pub input: String,
    pub request: Request,
    pub near_misses: Vec<NearMiss>,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyReport {
    /// What `config.validate()` throws: npm aborts every command but
    /// `npm config` before any request.
    pub validation: Option<ErrorInfo>,
    pub packages: Vec<PackageWhy>,
    pub urls: Vec<UrlWhy>,
    /// npm's own config warnings worth repeating (ignored workspace config).
    pub notes: Vec<String>,
    /// The user asked about publishing (`why --publish`): every publish
    /// verdict counts, a private package's `EPRIVATE` included.
    pub publish_asked: bool,
    /// The diagnosis of `--log`, when given: its failures are problems.
    pub log: Option<log::Diagnosis>,
    /// What `npm whoami` does with this config.
    pub whoami: whoami::Whoami,
    /// The audit request of `npm audit` / `npm install` (project mode).
    pub audit: Option<audit::Audit>,
}

impl PackageWhy {
    /// Whether this package's `npm publish` verdict is part of the answer:
    /// never for a dependency; with `--publish` for the project's package
    /// and every spec; otherwise for the project's own package unless it
    /// is private (`why` then only notes that npm refuses it).
    #[must_use]
    pub fn publish_counts(&self, asked: bool) -> bool {
        let Some(p) = &self.publish else {
            return false;
        };
        self.source != Source::Dependency && (asked || (p.project && !p.private))
    }
}

impl WhyReport {
    /// Whether every request would carry the credential it needs (see
    /// [`WhyReport::problems`]).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problems().is_empty()
    }

    /// What is wrong, one line each: the one list the last line of the
    /// human report, the JSON `ok` and the exit code are computed from.
    /// A validation error, a request error, a credential that reads an
    /// unset `${VAR}`, a near miss of a request without credential, a
    /// publish failure (when [`PackageWhy::publish_counts`]) and every
    /// failing request of `--log`.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = &self.validation {
            out.push(format!(
                "npm aborts every command: {}",
                v.code.as_deref().unwrap_or("config error")
            ));
        }
        for p in &self.packages {
            if let Some(e) = &p.error {
                out.push(format!("{}: {}", p.spec, e.message));
                continue;
            }
            if let Some(r) = &p.packument {
                request_problem(&format!("{} packument", p.spec), r, &mut out);
            }
            if let Some(t) = &p.tarball {
                request_problem(&format!("{} tarball", p.spec), &t.request, &mut out);
            }
            let publish = p.publish_counts(self.publish_asked);
            if let Some(e) = p
                .publish
                .as_ref()
                .and_then(|x| x.error.as_ref())
                .filter(|_| publish)
            {
                out.push(format!(
                    "npm publish {}: {}",
                    p.spec,
                    e.code.as_deref().unwrap_or(&e.message)
                ));
            } else if let Some(put) = p
                .publish
                .as_ref()
                .and_then(|x| x.put.as_ref())
                .filter(|_| publish)
            {
                request_problem(&format!("npm publish {} PUT", p.spec), put, &mut out);
            }
            for n in &p.near_misses {
                if n.request != "publish" || publish {
                    out.push(format!(
                        "{} {}: near miss {} ({})",
                        p.spec,
                        n.request,
                        n.key,
                        n.reason.code()
                    ));
                }
            }
        }
        for u in &self.urls {
            request_problem(&u.input, &u.request, &mut out);
            for n in &u.near_misses {
                out.push(format!(
                    "{}: near miss {} ({})",
                    u.input,
                    n.key,
                    n.reason.code()
                ));
            }
        }
        if let Some(d) = &self.log {
            for f in &d.failures {
                let x = &f.failure;
                let what = x
                    .code
                    .clone()
                    .or_else(|| x.status.map(|s| format!("E{s}")))
                    .unwrap_or_else(|| "error".into());
                let req = match (&x.method, &x.url) {
                    (Some(m), Some(u)) => format!(" on {m} {u}"),
                    (None, Some(u)) => format!(" for {u}"),
                    _ => String::new(),
                };
                out.push(format!("the log shows npm failing: {what}{req}"));
            }
        }
        out
    }
}

/// A request's own problem: npm throws, or sends the literal `${VAR}`.
fn request_problem(what: &str, r: &Request, out: &mut Vec<String>) {
    if let Some(e) = &r.error {
        out.push(format!(
            "{what}: {}",
            e.code.as_deref().unwrap_or(&e.message)
        ));
    } else if let Some(s) = r.auth.as_ref().filter(|a| a.env_unset()) {
        let name = s
            .source
            .as_ref()
            .and_then(|x| x.env.as_ref())
            .map_or("", |e| e.name.as_str());
        out.push(format!("{what}: sends the literal ${{{name}}} (unset)"));
    } else if let Some(v) = r.auth.as_ref().and_then(|a| a.literal_var.as_ref()) {
        out.push(format!(
            "{what}: sends the literal text {v} (npm expands only ${{NAME}})"
        ));
    }
}

/// What to explain.
#[derive(Debug, Clone, Default)]
pub struct WhyInput {
    /// Package specs; empty means the project mode.
    pub specs: Vec<String>,
    /// Extra URLs to explain (`--url`).
    pub urls: Vec<String>,
    /// `--publish`: the user asks about publishing.
    pub publish: bool,
    /// URLs of failing requests in a `--log`: npm fetched them for a
    /// package, so its scope takes part in the credential's same-host
    /// fallback.
    pub log_urls: Vec<String>,
}

/// Explains `input` against the loaded config.
#[must_use]
pub fn explain(config: &Config, validation: &Validation, env: &Env, input: &WhyInput) -> WhyReport {
    // npm's `lib/npm.js` fixes up a `scope` without `@` with `config.set`,
    // which drops the cached flat options: requests then use the values
    // as `validate()` left them (npm-semantics.md §1.9)
    let rebuilt = match config.get("scope") {
        crate::value::Value::Str(s) if !s.is_empty() && !s.starts_with('@') => {
            validation.apply(config)
        }
        _ => None,
    };
    let config = rebuilt.as_ref().unwrap_or(config);
    let project = crate::manifest::read_package_json(&config.cwd).ok();
    let ctx = Ctx {
        config,
        validation,
        env,
        project,
    };
    let mut specs: Vec<(String, Source)> = input
        .specs
        .iter()
        .map(|s| (s.clone(), Source::Spec))
        .collect();
    if input.specs.is_empty() {
        specs = project_specs(ctx.project.as_ref());
    }
    let packages = specs
        .iter()
        .map(|(s, src)| explain_package(&ctx, s, *src))
        .collect();
    let mut urls: Vec<UrlWhy> = input
        .urls
        .iter()
        .map(|u| explain_url(&ctx, u, None))
        .collect();
    for u in input.log_urls.iter().filter(|u| !input.urls.contains(u)) {
        let name = log::package_from_url(u);
        let scope = name
            .as_deref()
            .filter(|n| n.starts_with('@'))
            .and_then(|n| n.split_once('/'))
            .map(|(s, _)| s.to_string());
        urls.push(explain_url(&ctx, u, scope.as_deref()));
    }
    let notes = config
        .load_warnings
        .iter()
        .filter(|w| w.text.contains("ignoring workspace config"))
        .map(|w| w.text.clone())
        .collect();
    WhyReport {
        validation: validation.error.as_ref().map(|e| ErrorInfo {
            code: e.code().map(str::to_string),
            message: e.message().to_string(),
        }),
        packages,
        urls,
        notes,
        publish_asked: input.publish,
        log: None,
        whoami: whoami::explain(&ctx),
        audit: input
            .specs
            .is_empty()
            .then(|| audit::explain(&ctx))
            .flatten(),
    }
}

/// The project package (`name@version`) and every dependency, in npm's
/// field order, without duplicates.
#[must_use]
pub fn project_specs(project: Option<&serde_json::Value>) -> Vec<(String, Source)> {
    let mut out = Vec::new();
    let Some(pkg) = project else {
        return out;
    };
    let Some(name) = pkg
        .get("name")
        .and_then(|n| n.as_str())
        .filter(|n| !n.is_empty())
    else {
        return out;
    };
    let version = pkg
        .get("version")
        .map_or_else(|| "undefined".to_string(), js_display);
    out.push((format!("{name}@{version}"), Source::Project));
    let mut seen = vec![name.to_string()];
    for field in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        let Some(deps) = pkg.get(field).and_then(|d| d.as_object()) else {
            continue;
        };
        for (dep, range) in deps {
            if seen.contains(dep) {
                continue;
            }
            seen.push(dep.clone());
            out.push((format!("{dep}@{}", js_display(range)), Source::Dependency));
        }
    }
    out
}

/// `${v}` of a JSON value.
fn js_display(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "null".into(),
        other => crate::value::Value::from_json(other).js_string(),
    }
}

fn explain_package(ctx: &Ctx<'_>, spec_str: &str, source: Source) -> PackageWhy {
    let mut out = PackageWhy {
        spec: spec_str.to_string(),
        source,
        error: None,
        registry: None,
        packument: None,
        tarball: None,
        pack: None,
        publish: None,
        near_misses: Vec::new(),
        version: String::new(),
    };
    let spec = match npa(spec_str, None) {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(ErrorInfo {
                code: e.code.map(str::to_string),
                message: e.message,
            });
            return out;
        }
    };
    let scoped = registry_spec(&spec);
    let name = spec.name.clone().unwrap_or_default();
    let real_name = scoped.name.clone().unwrap_or_else(|| name.clone());
    let entry = tarball::lock_entry(&ctx.config.local_prefix, &name);
    let version = tarball::plan_version(scoped, entry.as_ref().and_then(|e| e.version.as_deref()));
    let flat = ctx.flat();
    let choice = registry::choose(ctx, scoped);
    let is_registry = scoped.registry || matches!(scoped.type_, SpecType::Alias);
    let packument = is_registry.then(|| registry::packument(ctx, &flat, scoped, &choice.url));
    // a spec that is itself a tarball URL is fetched as written
    let remote = matches!(scoped.type_, SpecType::Remote)
        .then(|| scoped.fetch_spec.clone())
        .flatten();
    let resolved = match (&entry, &remote) {
        (Some(e), _) => Some(e.resolved.clone()),
        (None, Some(url)) => Some(url.clone()),
        (None, None) => packument
            .as_ref()
            .filter(|p| p.url.is_some())
            .map(|_| tarball::conventional_url(&choice.url, &real_name, &version)),
    };
    out.tarball = resolved.map(|r| {
        let mut t = tarball::install_request(ctx, &name, &r, entry.is_some());
        t.from_spec = entry.is_none() && remote.is_some();
        t.version_known =
            t.from_lockfile || t.from_spec || matches!(scoped.type_, SpecType::Version);
        t
    });
    out.version = version.clone();
    out.pack = packument.as_ref().filter(|p| p.url.is_some()).map(|_| {
        tarball::pack_request(
            ctx,
            &tarball::conventional_url(&choice.url, &real_name, &version),
        )
    });
    out.publish = Some(publish::explain(ctx, &real_name, &version));
    out.packument = packument;
    out.registry = Some(choice);
    out.near_misses = near_miss::for_package(ctx, &out, scoped);
    out
}

/// A GET of `input` through npm-registry-fetch; `scope` is the scope of
/// the package npm fetched it for (its registry is the one the same-host
/// fallback walks).
fn explain_url(ctx: &Ctx<'_>, input: &str, scope: Option<&str>) -> UrlWhy {
    let flat = ctx.flat();
    let full = fetch_uri(input, flat.registry().as_deref());
    let u = full.as_str();
    let request = match crate::auth::get_auth(u, &flat, scope) {
        Ok(auth) => Request::sent(ctx, &flat, "GET", u, &auth, None),
        Err(_) => Request {
            url: Some(u.to_string()),
            method: "GET",
            auth: None,
            error: Some(ErrorInfo::invalid_url()),
        },
    };
    let mut near_misses = Vec::new();
    if !request.has_credential() {
        if let Some(url) = &request.url {
            let registry = crate::auth::auth_registry(scope, &flat)
                .filter(|r| crate::auth::same_host(r, url).unwrap_or(false));
            near_misses = near_miss::for_request(ctx, url, registry.as_deref());
        }
    }
    UrlWhy {
        input: input.to_string(),
        request,
        near_misses,
    }
}

#[cfg(test)]
mod tests;
