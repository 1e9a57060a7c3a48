//! The part of `hosted-git-info` 9 that `npm-package-arg` uses.
//!
//! [`from_url`] ports `fromUrl` (`lib/from-url.js` + `lib/parse-url.js`):
//! GitHub `user/repo` shorthands, `github:`/`gitlab:`/`bitbucket:`/`gist:`/
//! `sourcehut:` shortcuts, scp-style `git@host:user/repo` and URLs on the five
//! known hosts. URLs are parsed with the `url` crate (WHATWG, like node's
//! `new URL()`). [`GitHost::to_string_with`] ports `toString(opts)` for the
//! representations npa asks for (`shortcut`, `sshurl`, `https`, `git`).

use url::Url;

use super::{decode_uri_component, is_js_space};

/// `hosts.js` data for one host.
struct HostInfo {
    name: &'static str,
    domain: &'static str,
    protocols: &'static [&'static str],
}

const HOSTS: [HostInfo; 5] = [
    HostInfo {
        name: "github",
        domain: "github.com",
        protocols: &["git:", "http:", "git+ssh:", "git+https:", "ssh:", "https:"],
    },
    HostInfo {
        name: "bitbucket",
        domain: "bitbucket.org",
        protocols: &["git+ssh:", "git+https:", "ssh:", "https:"],
    },
    HostInfo {
        name: "gitlab",
        domain: "gitlab.com",
        protocols: &["git+ssh:", "git+https:", "ssh:", "https:"],
    },
    HostInfo {
        name: "gist",
        domain: "gist.github.com",
        protocols: &["git:", "git+ssh:", "git+https:", "ssh:", "https:"],
    },
    HostInfo {
        name: "sourcehut",
        domain: "git.sr.ht",
        protocols: &["git+ssh:", "https:"],
    },
];

/// `GitHost.#protocols` after `addHost`: (protocol, name, auth).
const PROTOCOLS: [(&str, Option<&str>, bool); 12] = [
    ("git+ssh:", Some("sshurl"), false),
    ("ssh:", Some("sshurl"), false),
    ("git+https:", Some("https"), true),
    ("git:", None, true),
    ("http:", None, true),
    ("https:", None, true),
    ("git+http:", None, true),
    ("github:", Some("github"), false),
    ("bitbucket:", Some("bitbucket"), false),
    ("gitlab:", Some("gitlab"), false),
    ("gist:", Some("gist"), false),
    ("sourcehut:", Some("sourcehut"), false),
];

/// `Object.prototype` keys a plain-object lookup (`byDomain[hostname]`) finds.
const OBJECT_PROTO_KEYS: [&str; 12] = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];

/// A recognised hosted git repository (`new GitHost(...)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHost {
    /// `github`, `gitlab`, `bitbucket`, `gist` or `sourcehut`.
    pub type_: &'static str,
    /// `null` in JS is `None` (templates then print `null`, like JS does).
    pub user: Option<String>,
    /// `user[:password]` for protocols that carry auth.
    pub auth: Option<String>,
    /// The repository name without `.git`.
    pub project: String,
    /// The `#fragment`, decoded (`None` is JS `null`).
    pub committish: Option<String>,
    /// The default representation (`shortcut`, `sshurl`, `https`, `git`, `http`, …).
    pub default_representation: String,
}

/// A JS exception thrown out of `fromUrl` (not a `URIError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedError(pub String);

fn protocol_entry(proto: &str) -> Option<(Option<&'static str>, bool)> {
    PROTOCOLS
        .iter()
        .find(|(p, _, _)| *p == proto)
        .map(|(_, name, auth)| (*name, *auth))
}

/// `isGitHubShorthand` from `lib/from-url.js`.
fn is_github_shorthand(arg: &str) -> bool {
    let first_hash = arg.find('#');
    let first_slash = arg.find('/');
    let second_slash = first_slash.and_then(|i| arg.get(i + 1..)?.find('/').map(|j| i + 1 + j));
    let first_colon = arg.find(':');
    let first_space = arg.find(is_js_space);
    let first_at = arg.find('@');
    let only_after_hash = |pos: Option<usize>| match (pos, first_hash) {
        (None, _) => true,
        (Some(p), Some(h)) => p > h,
        (Some(_), None) => false,
    };
    let has_slash = first_slash.is_some_and(|i| i > 0);
    let does_not_end_with_slash = match first_hash {
        Some(h) => !arg.get(..h).unwrap_or("").ends_with('/'),
        None => !arg.ends_with('/'),
    };
    only_after_hash(first_space)
        && has_slash
        && does_not_end_with_slash
        && !arg.starts_with('.')
        && only_after_hash(first_at)
        && only_after_hash(first_colon)
        && only_after_hash(second_slash)
}

/// `lastIndexOfBefore(str, char, '#')`.
fn last_index_before_hash(s: &str, c: char) -> Option<usize> {
    let end = s.find('#').unwrap_or(s.len());
    s.get(..end)?.rfind(c)
}

/// `correctProtocol` from `lib/parse-url.js`.
fn correct_protocol(arg: &str) -> String {
    let first_colon = arg.find(':');
    let proto_end = first_colon.map_or(0, |i| i + 1);
    let proto = arg.get(..proto_end).unwrap_or("");
    if protocol_entry(proto).is_some() {
        return arg.to_string();
    }
    if let Some(i) = first_colon {
        if arg.get(i..).is_some_and(|r| r.starts_with("://")) {
            return arg.to_string();
        }
    }
    if let Some(at) = arg.find('@') {
        return if first_colon.is_none_or(|c| at > c) {
            format!("git+ssh://{arg}")
        } else {
            arg.to_string()
        };
    }
    format!("{}//{}", proto, arg.get(proto_end..).unwrap_or(""))
}

/// `correctUrl` from `lib/parse-url.js` (scp-style to URL).
fn correct_url(giturl: &str) -> String {
    let first_at = last_index_before_hash(giturl, '@');
    let last_colon = last_index_before_hash(giturl, ':');
    let mut url = giturl.to_string();
    if let Some(c) = last_colon {
        if first_at.is_none_or(|a| c > a) {
            url = format!(
                "{}/{}",
                giturl.get(..c).unwrap_or(""),
                giturl.get(c + 1..).unwrap_or("")
            );
        }
    }
    if last_index_before_hash(&url, ':').is_none() && !url.contains("//") {
        url = format!("git+ssh://{url}");
    }
    url
}

/// `parseUrl(giturl, protocols)`.
fn parse_url(giturl: &str) -> Option<Url> {
    let with_protocol = correct_protocol(giturl);
    Url::parse(&with_protocol)
        .ok()
        .or_else(|| Url::parse(&correct_url(&with_protocol)).ok())
}

/// WHATWG `url.hash`.
fn hash(u: &Url) -> String {
    match u.fragment() {
        Some(f) if !f.is_empty() => format!("#{f}"),
        _ => String::new(),
    }
}

/// WHATWG `url.pathname`.
fn pathname(u: &Url) -> &str {
    u.path()
}

/// `hostedGitInfo.fromUrl(giturl, opts)`; `Ok(None)` is `undefined`.
///
/// # Errors
/// The `TypeError` node throws when a hostname is an `Object.prototype` key.
pub fn from_url(giturl: &str) -> Result<Option<GitHost>, HostedError> {
    if giturl.is_empty() {
        return Ok(None);
    }
    let corrected = if is_github_shorthand(giturl) {
        format!("github:{giturl}")
    } else {
        giturl.to_string()
    };
    let Some(parsed) = parse_url(&corrected) else {
        return Ok(None);
    };
    let protocol = format!("{}:", parsed.scheme());
    let shortcut = HOSTS.iter().find(|h| format!("{}:", h.name) == protocol);
    let hostname = parsed.host_str().unwrap_or("");
    let domain = hostname.strip_prefix("www.").unwrap_or(hostname);
    let by_domain = HOSTS.iter().find(|h| h.domain == domain);
    let host = match (shortcut, by_domain) {
        (Some(h), _) | (None, Some(h)) => h,
        (None, None) if OBJECT_PROTO_KEYS.contains(&domain) => {
            return Err(HostedError(
                "Cannot read properties of undefined (reading 'protocols')".into(),
            ));
        }
        (None, None) => return Ok(None),
    };
    let auth = auth_of(&parsed, &protocol);
    let parts = if shortcut.is_some() {
        from_shortcut(&parsed)
    } else {
        if !host.protocols.contains(&protocol.as_str()) {
            return Ok(None);
        }
        from_extract(host.name, &parsed, &protocol)
    };
    Ok(parts.map(
        |(user, project, committish, default_representation)| GitHost {
            type_: host.name,
            user,
            auth,
            project,
            committish,
            default_representation,
        },
    ))
}

fn auth_of(parsed: &Url, protocol: &str) -> Option<String> {
    let carries_auth = protocol_entry(protocol).is_some_and(|(_, auth)| auth);
    let user = parsed.username();
    let pass = parsed.password().unwrap_or("");
    if !carries_auth || (user.is_empty() && pass.is_empty()) {
        return None;
    }
    Some(if pass.is_empty() {
        user.to_string()
    } else {
        format!("{user}:{pass}")
    })
}

type Parts = (Option<String>, String, Option<String>, String);

/// The `gitHostShortcut` branch of `fromUrl`; `None` on `URIError`.
fn from_shortcut(parsed: &Url) -> Option<Parts> {
    let path = pathname(parsed);
    let mut path = path.strip_prefix('/').unwrap_or(path);
    if let Some(at) = path.find('@') {
        path = path.get(at + 1..).unwrap_or("");
    }
    let (user, mut project) = match path.rfind('/') {
        Some(i) => {
            let user = decode_uri_component(path.get(..i).unwrap_or(""))?;
            let project = decode_uri_component(path.get(i + 1..).unwrap_or(""))?;
            ((!user.is_empty()).then_some(user), project)
        }
        None => (None, decode_uri_component(path)?),
    };
    if let Some(p) = project.strip_suffix(".git") {
        project = p.to_string();
    }
    let h = hash(parsed);
    let committish = match h.get(1..) {
        Some(c) if !c.is_empty() => Some(decode_uri_component(c)?),
        _ => None,
    };
    Some((user, project, committish, "shortcut".into()))
}

/// The `extract` branch of `fromUrl`; `None` when not recognised or on `URIError`.
fn from_extract(host: &str, parsed: &Url, protocol: &str) -> Option<Parts> {
    let (user, project, committish) = extract(host, parsed)?;
    let user = match user {
        Some(u) if !u.is_empty() => Some(decode_uri_component(&u)?),
        other => other,
    };
    let project = decode_uri_component(&project)?;
    // `decodeURIComponent(undefined)` is the string "undefined".
    let committish = decode_uri_component(committish.as_deref().unwrap_or("undefined"))?;
    let default = match protocol_entry(protocol).and_then(|(name, _)| name) {
        Some(name) => name.to_string(),
        None => protocol.strip_suffix(':').unwrap_or(protocol).to_string(),
    };
    Some((user, project, Some(committish), default))
}

fn strip_git(p: &str) -> String {
    p.strip_suffix(".git").unwrap_or(p).to_string()
}

/// The hosts' `extract(url)` functions: (user, project, committish).
fn extract(host: &str, url: &Url) -> Option<(Option<String>, String, Option<String>)> {
    let path = pathname(url);
    let seg: Vec<&str> = path.split('/').collect();
    let at = |i: usize| seg.get(i).copied().filter(|s| !s.is_empty());
    let frag = hash(url).get(1..).unwrap_or("").to_string();
    match host {
        "github" => {
            let ty = at(3);
            if ty.is_some_and(|t| t != "tree") {
                return None;
            }
            let committish = if ty.is_none() {
                Some(frag)
            } else {
                seg.get(4).map(|s| (*s).to_string())
            };
            let (user, project) = (at(1)?, strip_git(at(2)?));
            (!project.is_empty()).then(|| (Some(user.to_string()), project, committish))
        }
        "bitbucket" | "sourcehut" => {
            let aux = if host == "bitbucket" {
                "get"
            } else {
                "archive"
            };
            if seg.get(3) == Some(&aux) {
                return None;
            }
            let (user, project) = (at(1)?, strip_git(at(2)?));
            (!project.is_empty()).then(|| (Some(user.to_string()), project, Some(frag)))
        }
        "gitlab" => {
            let path = path.get(1..).unwrap_or("");
            if path.contains("/-/") || path.contains("/archive.tar.gz") {
                return None;
            }
            let (user, project) = path.rsplit_once('/').unwrap_or(("", path));
            let project = strip_git(project);
            (!user.is_empty() && !project.is_empty())
                .then(|| (Some(user.to_string()), project, Some(frag)))
        }
        _ => extract_gist(&seg, frag),
    }
}

fn extract_gist(seg: &[&str], frag: String) -> Option<(Option<String>, String, Option<String>)> {
    if seg.get(3) == Some(&"raw") {
        return None;
    }
    let user = seg.get(1).copied();
    let (user, project) = match seg.get(2).copied().filter(|s| !s.is_empty()) {
        Some(p) => (user.map(str::to_string), p),
        None => (None, user.filter(|s| !s.is_empty())?),
    };
    Some((user, strip_git(project), Some(frag)))
}

fn maybe_hash(committish: Option<&str>) -> String {
    match committish {
        Some(c) if !c.is_empty() => format!("#{c}"),
        _ => String::new(),
    }
}

impl GitHost {
    fn domain(&self) -> &'static str {
        HOSTS
            .iter()
            .find(|h| h.name == self.type_)
            .map_or("", |h| h.domain)
    }

    fn user_js(&self) -> &str {
        self.user.as_deref().unwrap_or("null")
    }

    /// `toString({noGitPlus, noCommittish})` (the default representation).
    #[must_use]
    pub fn to_string_with(&self, no_git_plus: bool, no_committish: bool) -> String {
        let committish = if no_committish {
            None
        } else {
            self.committish.as_deref()
        };
        let h = maybe_hash(committish);
        let (domain, user, project) = (self.domain(), self.user_js(), &self.project);
        let auth = self
            .auth
            .as_deref()
            .map(|a| format!("{a}@"))
            .unwrap_or_default();
        let gist = self.type_ == "gist";
        let out = match self.default_representation.as_str() {
            "shortcut" if gist => format!("{}:{project}{h}", self.type_),
            "shortcut" => format!("{}:{user}/{project}{h}", self.type_),
            "https" if gist => format!("git+https://{domain}/{project}.git{h}"),
            "https" if self.type_ == "sourcehut" => format!("https://{domain}/{user}/{project}{h}"),
            "https" => format!("git+https://{auth}{domain}/{user}/{project}.git{h}"),
            "git" if gist => format!("git://{domain}/{project}.git{h}"),
            "git" if self.type_ == "github" => {
                format!("git://{auth}{domain}/{user}/{project}.git{h}")
            }
            _ if gist => format!("git+ssh://git@{domain}/{project}.git{h}"),
            _ => format!("git+ssh://git@{domain}/{user}/{project}.git{h}"),
        };
        if no_git_plus {
            out.strip_prefix("git+").map_or(out.clone(), str::to_string)
        } else {
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(s: &str) -> GitHost {
        from_url(s).unwrap().unwrap()
    }

    #[test]
    fn shorthand_and_shortcuts() {
        let h = host("user/repo#semver:^1");
        assert_eq!(h.type_, "github");
        assert_eq!(h.committish.as_deref(), Some("semver:^1"));
        assert_eq!(h.to_string_with(false, false), "github:user/repo#semver:^1");
        let h = host("gitlab:grp/sub/proj");
        assert_eq!(h.user.as_deref(), Some("grp/sub"));
        assert!(from_url("./foo").unwrap().is_none());
        assert!(from_url("@scope/pkg").unwrap().is_none());
    }

    #[test]
    fn urls() {
        let h = host("git+https://github.com/a/b.git#v1");
        assert_eq!(h.default_representation, "https");
        assert_eq!(h.to_string_with(true, true), "https://github.com/a/b.git");
        let h = host("git@github.com:a/b.git");
        assert_eq!(h.default_representation, "sshurl");
        assert_eq!(
            h.to_string_with(false, false),
            "git+ssh://git@github.com/a/b.git"
        );
    }
}
