//! `gitlab-endpoint`: `npm publish` aimed at a GitLab endpoint that does not
//! accept publishes. Only the project endpoint
//! `/api/v4/projects/<id or URL-encoded path>/packages/npm/` takes a PUT;
//! the group (`/api/v4/groups/<id>/-/packages/npm/`) and instance
//! (`/api/v4/packages/npm/`) endpoints are read-only, and the instance
//! endpoint only serves scoped packages. GitLab is recognised by the
//! `/api/v4/` path shape on any host.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest::{self, name_scope};

declare_rule! {
    name: "gitlab-endpoint",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "npm publish aimed at a GitLab group or instance endpoint, or a project path that is not URL-encoded",
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

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
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
}
