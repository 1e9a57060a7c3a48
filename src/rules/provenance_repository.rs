//! `provenance-repository`: `npm publish --provenance` (config `provenance`
//! or `publishConfig.provenance`) for a package whose `repository` is
//! missing or names another repository than the git remote it is built
//! from. The registry checks the signed provenance statement against
//! `repository.url` and rejects the publish with E422 ("package.json:
//! "repository.url" is "", expected to match … from provenance").

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest;
use crate::value::Value;
use std::path::Path;

declare_rule! {
    name: "provenance-repository",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "npm publish with provenance but `repository` missing or naming another repository than the git remote: the registry rejects it (E422)",
}

/// `host/owner/repo` of a git URL or a package.json repository value.
#[must_use]
pub fn repo_key(url: &str) -> Option<String> {
    let u = url.trim().trim_end_matches('/').trim_end_matches(".git");
    let u = u.strip_prefix("git+").unwrap_or(u);
    for (prefix, host) in [
        ("github:", "github.com"),
        ("gitlab:", "gitlab.com"),
        ("bitbucket:", "bitbucket.org"),
    ] {
        if let Some(rest) = u.strip_prefix(prefix) {
            return Some(format!("{host}/{}", rest.to_ascii_lowercase()));
        }
    }
    // git@host:owner/repo
    if let Some(rest) = u.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        return Some(format!(
            "{}/{}",
            host.to_ascii_lowercase(),
            path.to_ascii_lowercase()
        ));
    }
    if let Ok(parsed) = url::Url::parse(u) {
        let host = parsed.host_str()?.to_ascii_lowercase();
        let path = parsed.path().trim_matches('/').to_ascii_lowercase();
        return (!path.is_empty()).then(|| format!("{host}/{path}"));
    }
    // `owner/repo` shorthand is GitHub
    let parts: Vec<&str> = u.split('/').collect();
    (parts.len() == 2 && parts.iter().all(|p| !p.is_empty() && !p.contains(':')))
        .then(|| format!("github.com/{}", u.to_ascii_lowercase()))
}

/// The `origin` URL of the git repository holding `dir`.
fn origin_url(dir: &Path) -> Option<String> {
    let root = crate::project::publish::repository_root(dir)?;
    let config = std::fs::read_to_string(root.join(".git").join("config")).ok()?;
    let mut in_origin = false;
    for line in config.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_origin = t == "[remote \"origin\"]";
            continue;
        }
        if in_origin {
            if let Some((k, v)) = t.split_once('=') {
                if k.trim() == "url" {
                    return Some(v.trim().to_string());
                }
            }
        }
    }
    None
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let config_on = cx
        .config()
        .is_some_and(|c| matches!(c.get("provenance"), Value::Bool(true)));
    for m in cx.manifests() {
        let Some(name) = support_manifest::publishable(cx, m) else {
            continue;
        };
        let Some(v) = &m.value else { continue };
        let pc_on = v.pointer("/publishConfig/provenance") == Some(&serde_json::Value::Bool(true));
        if !(config_on || pc_on) {
            continue;
        }
        let repo = match v.get("repository") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Object(o)) => {
                o.get("url").and_then(|u| u.as_str()).map(str::to_string)
            }
            _ => None,
        };
        let dir = m.path.parent().unwrap_or(Path::new("."));
        let origin = origin_url(dir);
        let span = if pc_on {
            m.value_span("/publishConfig/provenance")
        } else {
            m.value_span("/name")
        };
        match repo.filter(|r| !r.trim().is_empty()) {
            None => out.push(
                Diagnostic::new(
                    RULE.name,
                    m.path.clone(),
                    span,
                    format!("`{name}` is published with provenance but package.json has no `repository` URL: the registry rejects the publish with E422 (\"repository.url\" is \"\", expected to match the repository of the provenance statement)"),
                )
                .label("provenance on")
                .help(match &origin {
                    Some(o) => format!("add `\"repository\": {{ \"type\": \"git\", \"url\": \"{}\" }}`", o.replace('"', "")),
                    None => "add `\"repository\": { \"type\": \"git\", \"url\": \"https://github.com/<owner>/<repo>\" }`, the repository the CI job publishes from".to_string(),
                }),
            ),
            Some(r) => {
                let (Some(rk), Some(o)) = (repo_key(&r), origin.as_deref()) else { continue };
                let Some(ok) = repo_key(o) else { continue };
                // a fork keeps host and name, only the owner differs (and a
                // contributor's origin is their fork): compare those two
                let host_and_name = |k: &str| {
                    let host = k.split('/').next().unwrap_or("").to_string();
                    let name = k.rsplit('/').next().unwrap_or("").to_string();
                    (host, name)
                };
                if host_and_name(&rk) == host_and_name(&ok) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        m.path.clone(),
                        m.value_span("/repository"),
                        format!("`{name}` is published with provenance, but `repository` names `{rk}` while this checkout's git remote is `{ok}`: the registry rejects a provenance statement from another repository (E422)"),
                    )
                    .label("not the repository this is built from")
                    .help(format!("point `repository.url` at `https://{ok}`")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::repo_key;

    #[test]
    fn repository_keys() {
        let k = |s: &str| repo_key(s).unwrap_or_default();
        assert_eq!(
            k("git+https://github.com/Acme/UI.git"),
            "github.com/acme/ui"
        );
        assert_eq!(k("git@github.com:acme/ui.git"), "github.com/acme/ui");
        assert_eq!(k("github:acme/ui"), "github.com/acme/ui");
        assert_eq!(k("acme/ui"), "github.com/acme/ui");
        assert_eq!(
            k("https://gitlab.example.com/group/sub/proj"),
            "gitlab.example.com/group/sub/proj"
        );
        assert_eq!(repo_key(""), None);
    }
}
