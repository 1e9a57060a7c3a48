//! `gitlab-endpoint`: `npm publish` aimed at a GitLab endpoint that does not
//! accept publishes. Only the project endpoint
//! `/api/v4/projects/<id or URL-encoded path>/packages/npm/` takes a PUT;
//! the group (`/api/v4/groups/<id>/-/packages/npm/`) and instance
//! (`/api/v4/packages/npm/`) endpoints are read-only, and the instance
//! endpoint only serves scoped packages. GitLab is recognised by the
//! `/api/v4/` path shape on any host.
//!
//! Any registry URL in a checked file (install or publish) is also checked
//! for npm endpoint paths GitLab does not have at all (`/api/v4/npm/`,
//! `/api/v4/projects/<id>/npm/`, `/api/v4/groups/<id>/packages/npm/`), and
//! `.npmrc` lines for GitLab CI variables that carry a scheme
//! (`${CI_API_V4_URL}`, `${CI_SERVER_URL}`) written where npm needs a host:
//! a credential key `//${CI_API_V4_URL}/…` becomes `//https://…` and never
//! matches a request.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support;
use crate::rules::support_manifest::{self, name_scope};
use crate::rules::support_npmrc;

declare_rule! {
    name: "gitlab-endpoint",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "a GitLab npm endpoint GitLab does not serve (`/api/v4/npm/`), npm publish aimed at a group or instance endpoint or an unencoded project path, or `${CI_API_V4_URL}` where npm needs a host",
}

/// What kind of GitLab npm endpoint a path is.
#[derive(Debug, PartialEq, Eq)]
enum Endpoint {
    Project,
    /// `projects/group/project/packages/npm/`: the path is not encoded.
    ProjectUnencoded(String),
    Group,
    Instance,
    Other,
}

fn endpoint(path: &str) -> Endpoint {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v4", "packages", "npm", ..] => Endpoint::Instance,
        ["api", "v4", "groups", _, "-", "packages", "npm", ..] => Endpoint::Group,
        ["api", "v4", "projects", rest @ ..] => {
            let Some(i) = rest.windows(2).position(|w| w == ["packages", "npm"]) else {
                return Endpoint::Other;
            };
            match rest.get(..i) {
                Some([_]) => Endpoint::Project,
                Some(parts) if parts.len() > 1 => Endpoint::ProjectUnencoded(parts.join("/")),
                _ => Endpoint::Other,
            }
        }
        _ => Endpoint::Other,
    }
}

/// A GitLab npm path with a segment missing, and the path GitLab serves.
fn malformed(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v4", "npm", ..] => Some("/api/v4/packages/npm/".to_string()),
        ["api", "v4", "projects", id, "npm", ..] => {
            Some(format!("/api/v4/projects/{id}/packages/npm/"))
        }
        ["api", "v4", "groups", id, "packages", "npm", ..]
        | ["api", "v4", "groups", id, "-", "npm", ..] => {
            Some(format!("/api/v4/groups/{id}/-/packages/npm/"))
        }
        _ => None,
    }
}

/// GitLab CI variables whose value starts with a scheme.
const URL_VARIABLES: &[&str] = &[
    "${CI_API_V4_URL}",
    "${CI_SERVER_URL}",
    "${CI_API_GRAPHQL_URL}",
];

/// `.npmrc` lines that put a URL variable where npm needs a host.
fn check_ci_variables(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let key = e.raw_key();
        let value = e.entry.value.as_str().unwrap_or("");
        let in_key = key
            .strip_prefix("//")
            .and_then(|rest| URL_VARIABLES.iter().find(|v| rest.starts_with(**v)));
        let in_value = URL_VARIABLES.iter().find(|v| {
            ["https://", "http://", "//"]
                .iter()
                .any(|s| value.contains(&format!("{s}{v}")))
        });
        let (var, span, what) = match (in_key, in_value) {
            (Some(v), _) => (
                v,
                e.entry.key.span.clone(),
                "this credential key becomes `//https://…`, which matches no request: the credential is never sent",
            ),
            (None, Some(v)) => (
                v,
                e.entry
                    .raw_value
                    .as_ref()
                    .map_or_else(|| e.entry.key.span.clone(), |r| r.span.clone()),
                "the URL gets a second scheme (`https://https://…`) and npm cannot reach the registry",
            ),
            (None, None) => continue,
        };
        out.push(
            Diagnostic::new(
                RULE.name,
                e.doc.path.clone(),
                span,
                format!("`{var}` holds a full URL with its scheme (`https://gitlab.example.com/api/v4`): {what}"),
            )
            .label("a URL where npm needs a host")
            .help("in a credential key use the host: `//${CI_SERVER_HOST}/api/v4/projects/${CI_PROJECT_ID}/packages/npm/:_authToken=${CI_JOB_TOKEN}`; as a registry use the variable alone: `@scope:registry=${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/npm/`"),
        );
    }
}

/// Registry URLs in checked files with a GitLab npm path GitLab does not serve.
fn check_paths(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        let Some(url) = reg.parsed() else { continue };
        let Some(fixed) = malformed(url.path()) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                RULE.name,
                reg.file.clone(),
                reg.value_span.clone(),
                format!(
                    "`{}` is not a GitLab npm endpoint: GitLab serves npm packages under `{fixed}`, so every request to `{}` fails with 404",
                    reg.key,
                    url.path()
                ),
            )
            .label("no such GitLab endpoint")
            .help(format!("write the path as `{fixed}`")),
        );
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    check_paths(cx, out);
    check_ci_variables(cx, out);
    for (m, name, target) in support_manifest::publish_targets(cx) {
        if !support_manifest::is_gitlab(&target.url) {
            continue;
        }
        let Ok(url) = url::Url::parse(target.url.trim()) else {
            continue;
        };
        let unscoped = name_scope(name).is_none();
        let (message, help) = match endpoint(url.path()) {
            Endpoint::Project | Endpoint::Other => continue,
            Endpoint::ProjectUnencoded(p) => (
                format!(
                    "`{name}` is published to `{}`: the project path `{p}` is not URL-encoded, so GitLab does not find the endpoint (404)",
                    target.url
                ),
                format!("use the project ID or the encoded path: `/api/v4/projects/{}/packages/npm/`", p.replace('/', "%2F")),
            ),
            Endpoint::Group => (
                format!(
                    "`{name}` is published to the GitLab group endpoint `{}`: group endpoints only serve installs, `npm publish` is rejected",
                    target.url
                ),
                "publish to the project endpoint `https://<gitlab>/api/v4/projects/<id>/packages/npm/` (e.g. with `publishConfig[\"@scope:registry\"]`)".to_string(),
            ),
            Endpoint::Instance => (
                format!(
                    "`{name}` is published to the GitLab instance endpoint `{}`: it only serves installs{}, `npm publish` is rejected",
                    target.url,
                    if unscoped { " of scoped packages" } else { "" }
                ),
                "publish to the project endpoint `https://<gitlab>/api/v4/projects/<id>/packages/npm/` (e.g. with `publishConfig[\"@scope:registry\"]`)".to_string(),
            ),
        };
        let d = Diagnostic::new(RULE.name, m.path.clone(), m.value_span("/name"), message)
            .label("published here")
            .note(format!(
                "npm publish picks this registry from {}",
                target.source.describe()
            ))
            .help(help);
        out.push(support_manifest::with_registry_label(d, m, &target));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            endpoint("/api/v4/projects/42/packages/npm/"),
            Endpoint::Project
        );
        assert_eq!(
            endpoint("/api/v4/projects/grp%2Fproj/packages/npm/"),
            Endpoint::Project
        );
        assert_eq!(
            endpoint("/api/v4/projects/grp/proj/packages/npm/"),
            Endpoint::ProjectUnencoded("grp/proj".into())
        );
        assert_eq!(
            endpoint("/api/v4/groups/7/-/packages/npm/"),
            Endpoint::Group
        );
        assert_eq!(endpoint("/api/v4/packages/npm/"), Endpoint::Instance);
        assert_eq!(endpoint("/api/v4/other"), Endpoint::Other);
    }

    #[test]
    fn malformed_paths() {
        assert_eq!(
            malformed("/api/v4/npm/"),
            Some("/api/v4/packages/npm/".into())
        );
        assert_eq!(
            malformed("/api/v4/projects/42/npm/"),
            Some("/api/v4/projects/42/packages/npm/".into())
        );
        assert_eq!(
            malformed("/api/v4/groups/7/packages/npm/"),
            Some("/api/v4/groups/7/-/packages/npm/".into())
        );
        assert_eq!(malformed("/api/v4/projects/42/packages/npm/"), None);
        assert_eq!(malformed("/api/v4/groups/7/-/packages/npm/"), None);
        assert_eq!(malformed("/api/v4/packages/npm/"), None);
    }
}
