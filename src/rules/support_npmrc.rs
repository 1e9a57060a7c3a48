//! Helpers shared by the `.npmrc` syntax rules: walking entry lines with
//! their section context, splitting nerf-darted keys, classifying keys
//! (removed, belonging to another tool, mis-shaped scope/auth keys) so that
//! neighbouring rules never report the same line twice, and edits that
//! never carry a secret.

use crate::check::context::{Context, NpmrcDoc, Role};
use crate::check::diagnostic::{Edit, Location};
use crate::config::Layer;
use crate::config::definitions::{DEFINITIONS, NERF_DARTS};
use crate::npmrc::lexer::{Entry, Line, LineKind, Part, Quote};
use std::ops::Range;

/// An entry line of a checked `.npmrc`.
#[derive(Debug, Clone, Copy)]
pub struct EntryLine<'a> {
    pub doc: &'a NpmrcDoc,
    pub line: &'a Line,
    pub entry: &'a Entry,
    /// Under a `[section]` header (npm nests it away from the config).
    pub in_section: bool,
}

impl EntryLine<'_> {
    /// The line's text (no terminator).
    #[must_use]
    pub fn text(&self) -> &str {
        self.doc.slice(&self.line.span)
    }

    /// The key as written (trimmed raw text).
    #[must_use]
    pub fn raw_key(&self) -> &str {
        self.doc.slice(&self.entry.key.span)
    }
}

/// Whether the file is so garbled (UTF-16) that only `file-encoding` should
/// speak about it.
#[must_use]
pub fn is_garbled(doc: &NpmrcDoc) -> bool {
    doc.text.notes.iter().any(|n| n.contains("UTF-16"))
}

/// Whether a key carries encoding damage (NUL, U+FFFD) that
/// `file-encoding` reports.
#[must_use]
pub fn has_encoding_damage(text: &str) -> bool {
    text.contains(['\0', '\u{FFFD}'])
}

/// Every entry line of every checked `.npmrc` that is not garbled, in file
/// order.
pub fn entry_lines<'a>(cx: &Context<'a>) -> impl Iterator<Item = EntryLine<'a>> {
    cx.npmrc_files()
        .iter()
        .filter(|d| !is_garbled(d))
        .flat_map(|doc| {
            let mut in_section = false;
            doc.lines.iter().filter_map(move |line| match &line.kind {
                LineKind::Section(_) => {
                    in_section = true;
                    None
                }
                LineKind::Entry(entry) => Some(EntryLine {
                    doc,
                    line,
                    entry,
                    in_section,
                }),
                _ => None,
            })
        })
}

/// Top-level entry lines (the ones npm reads as settings).
pub fn top_level<'a>(cx: &Context<'a>) -> impl Iterator<Item = EntryLine<'a>> {
    entry_lines(cx).filter(|e| !e.in_section)
}

/// The layer npm would name in a warning for this file (`project` for a
/// file npm does not load).
#[must_use]
pub fn layer_of(doc: &NpmrcDoc) -> Layer {
    match doc.role {
        Role::Layer(l) => l,
        _ => Layer::Project,
    }
}

/// `(prefix, base)`: the key split at its last `:` (`("", key)` without one).
#[must_use]
pub fn split_key(key: &str) -> (&str, &str) {
    match key.rfind(':') {
        Some(i) => (&key[..i], &key[i + 1..]),
        None => ("", key),
    }
}

/// Whether npm defines `key` (or accepts it silently: `npm-version`, …).
#[must_use]
pub fn is_defined(key: &str) -> bool {
    crate::config::types::definition(key).is_some()
        || matches!(key, "npm-version" | "global-prefix" | "local-prefix")
}

/// Whether npm knows `key` as written: a definition, or `<prefix>:<base>`
/// whose base is a definition or a nerf-dart credential key.
#[must_use]
pub fn is_known_key(key: &str) -> bool {
    crate::config::load::unknown_key_warning(Layer::Project, key).is_none()
}

/// All definition keys.
pub fn definition_keys() -> impl Iterator<Item = &'static str> {
    DEFINITIONS.iter().map(|d| d.key)
}

/// The closest npm key to `key` (a likely typo), if close enough.
#[must_use]
pub fn closest_key(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    match lower.trim_start_matches(['_', '-']) {
        "token" | "authtoken" | "auth-token" | "auth_token" => return Some("_authToken"),
        "password" => return Some("_password"),
        "auth" => return Some("_auth"),
        _ => {}
    }
    let chars = lower.chars().count();
    definition_keys()
        .chain(NERF_DARTS.iter().copied())
        // the distance is at least the difference in length, and never
        // more than 3 is accepted: skip the quadratic distance then
        .filter(|k| chars.abs_diff(k.chars().count()) <= 3)
        .filter_map(|k| {
            let max = (k.len() / 4).clamp(1, 3);
            crate::util::levenshtein_within(&lower, &k.to_ascii_lowercase(), max).map(|d| (d, k))
        })
        .filter(|(d, k)| *d > 0 || *k != key)
        .min()
        .map(|(_, k)| k)
}

/// A setting npm no longer reads.
#[derive(Debug, Clone, Copy)]
pub struct Removed {
    pub key: &'static str,
    /// What npm does now, completing "npm …".
    pub now: &'static str,
    /// Also meaningful nerf-darted (`//host/:key`).
    pub nerf: bool,
}

/// Settings older npm versions read and npm 11 ignores.
pub static REMOVED: &[Removed] = &[
    Removed {
        key: "always-auth",
        now: "sends credentials to every request URL under their key, with or without it",
        nerf: true,
    },
    Removed {
        key: "email",
        now: "never sends an e-mail address: `npm login` and `npm adduser` no longer ask for one",
        nerf: true,
    },
    Removed {
        key: "_token",
        now: "ignores this legacy session token: only `_authToken`, `_auth`, `username`/`_password` and client certificates authenticate",
        nerf: true,
    },
    Removed {
        key: "unsafe-perm",
        now: "no longer switches users for lifecycle scripts",
        nerf: false,
    },
    Removed {
        key: "user",
        now: "no longer switches users for lifecycle scripts",
        nerf: false,
    },
    Removed {
        key: "group",
        now: "no longer switches users for lifecycle scripts",
        nerf: false,
    },
    Removed {
        key: "tmp",
        now: "uses the operating system's temporary directory",
        nerf: false,
    },
    Removed {
        key: "onload-script",
        now: "no longer loads a script at startup",
        nerf: false,
    },
    Removed {
        key: "scripts-prepend-node-path",
        now: "sets up the scripts' PATH without it",
        nerf: false,
    },
    Removed {
        key: "node-version",
        now: "checks `engines` against the running node",
        nerf: false,
    },
    Removed {
        key: "metrics-registry",
        now: "sends no usage metrics",
        nerf: false,
    },
    Removed {
        key: "send-metrics",
        now: "sends no usage metrics",
        nerf: false,
    },
    Removed {
        key: "sso-type",
        now: "uses web login (`auth-type=web`) instead of the removed SSO flow",
        nerf: false,
    },
    Removed {
        key: "sso-poll-frequency",
        now: "uses web login (`auth-type=web`) instead of the removed SSO flow",
        nerf: false,
    },
    Removed {
        key: "cache-lock-retries",
        now: "uses a content-addressed cache without lock files",
        nerf: false,
    },
    Removed {
        key: "cache-lock-stale",
        now: "uses a content-addressed cache without lock files",
        nerf: false,
    },
    Removed {
        key: "cache-lock-wait",
        now: "uses a content-addressed cache without lock files",
        nerf: false,
    },
];

/// The removed setting `key` names: the plain key, or a nerf-darted
/// `//host/:key` or scoped `@scope:key` for the credential-related ones.
#[must_use]
pub fn removed(key: &str) -> Option<&'static Removed> {
    if is_defined(key) {
        return None;
    }
    if let Some(r) = REMOVED.iter().find(|r| r.key == key) {
        return Some(r);
    }
    let (prefix, base) = split_key(key);
    if prefix.starts_with("//") || prefix.starts_with('@') {
        return REMOVED.iter().find(|r| r.nerf && r.key == base);
    }
    None
}

/// Settings of other tools that people put in a shared `.npmrc`: (key,
/// owner).
pub static FOREIGN: &[(&str, &str)] = &[
    ("auto-install-peers", "pnpm"),
    ("child-concurrency", "pnpm"),
    ("dedupe-direct-deps", "pnpm"),
    ("dedupe-peer-dependents", "pnpm"),
    ("enable-pre-post-scripts", "pnpm"),
    ("exclude-links-from-lockfile", "pnpm"),
    ("extend-node-path", "pnpm"),
    ("frozen-lockfile", "pnpm"),
    ("git-checks", "pnpm"),
    ("global-pnpmfile", "pnpm"),
    ("hoist", "pnpm"),
    ("hoist-pattern", "pnpm"),
    ("hoist-workspace-packages", "pnpm"),
    ("ignore-compatibility-db", "pnpm"),
    ("ignore-workspace-root-check", "pnpm"),
    ("inject-workspace-packages", "pnpm"),
    ("link-workspace-packages", "pnpm"),
    ("lockfile", "pnpm"),
    ("lockfile-dir", "pnpm"),
    ("manage-package-manager-versions", "pnpm"),
    ("modules-dir", "pnpm"),
    ("network-concurrency", "pnpm"),
    ("node-linker", "pnpm"),
    ("package-import-method", "pnpm"),
    ("pnpmfile", "pnpm"),
    ("prefer-workspace-packages", "pnpm"),
    ("public-hoist-pattern", "pnpm"),
    ("publish-branch", "pnpm"),
    ("recursive-install", "pnpm"),
    ("resolution-mode", "pnpm"),
    ("resolve-peers-from-workspace-root", "pnpm"),
    ("save-workspace-protocol", "pnpm"),
    ("shamefully-hoist", "pnpm"),
    ("shared-workspace-lockfile", "pnpm"),
    ("side-effects-cache", "pnpm"),
    ("store-dir", "pnpm"),
    ("strict-peer-dependencies", "pnpm"),
    ("use-lockfile-v6", "pnpm"),
    ("use-node-version", "pnpm"),
    ("verify-store-integrity", "pnpm"),
    ("virtual-store-dir", "pnpm"),
    ("ignore-engines", "yarn 1"),
    ("network-timeout", "yarn 1"),
    ("unsafe-http-whitelist", "yarn 1"),
    ("yarn-offline-mirror", "yarn 1"),
    ("yarn-path", "yarn 1"),
    ("build_from_source", "prebuild-install"),
    ("devdir", "node-gyp"),
    ("disturl", "node-gyp"),
    ("dist-url", "node-gyp"),
    ("electron_mirror", "electron"),
    ("msvs_version", "node-gyp"),
    ("nodedir", "node-gyp"),
    ("python", "node-gyp"),
    ("runtime", "prebuild-install"),
    ("target", "node-gyp"),
    ("target_arch", "node-gyp"),
];

/// The tool `key` belongs to, when it is not npm's.
#[must_use]
pub fn foreign_owner(key: &str) -> Option<&'static str> {
    if is_defined(key) {
        return None;
    }
    FOREIGN.iter().find(|(k, _)| *k == key).map(|(_, o)| *o)
}

/// Whether a key without `=` reads as prose rather than a setting: a
/// `// comment`, or anything npm does not know.
#[must_use]
pub fn is_stray_text_key(entry: &Entry, key: &str) -> bool {
    if has_encoding_damage(key) || key == "__proto__" {
        return false;
    }
    if is_comment_like_key(key)
        || (looks_secret(key) && !is_known_key(key) && !is_registry_key(key))
    {
        return true;
    }
    entry.eq.is_none()
        && !is_known_key(key)
        && removed(key).is_none()
        && foreign_owner(key).is_none()
        && !key.starts_with('[')
}

/// `//host/path/:<base>` whose base npm reads per registry (a credential
/// key, or a removed one such as `always-auth`): a setting, even when a long
/// path segment (`_packaging/OneBranch_Packages_2023`) looks like a token.
#[must_use]
pub fn is_registry_key(key: &str) -> bool {
    let (prefix, base) = split_key(key);
    prefix.starts_with("//")
        && !prefix.contains(char::is_whitespace)
        && (crate::config::definitions::NERF_DARTS.contains(&base)
            || auth_base_canonical(base).is_some()
            || removed(key).is_some())
}

/// `// text`: a `//` followed by whitespace or by something that is not a
/// host (`//TODO`, `//---`), i.e. not the start of a nerf-dart key.
#[must_use]
pub fn is_comment_like_key(key: &str) -> bool {
    let Some(rest) = key.strip_prefix("//") else {
        return false;
    };
    let first = rest.chars().next();
    match first {
        None => true,
        Some(c) if c.is_whitespace() || c == '/' => true,
        Some(_) => {
            // a host has no whitespace before the first `/` or `:`
            let host_end = rest.find(['/', ':']).unwrap_or(rest.len());
            rest[..host_end].contains(char::is_whitespace) || !rest.contains(':')
        }
    }
}

/// The base keys npm looks up per registry path (`hasAuth` and friends).
pub const AUTH_BASES: &[&str] = &[
    "_authToken",
    "_auth",
    "_password",
    "username",
    "certfile",
    "keyfile",
];

/// The canonical spelling of an auth base written in any case
/// (`_authtoken` → `_authToken`).
#[must_use]
pub fn auth_base_canonical(base: &str) -> Option<&'static str> {
    AUTH_BASES
        .iter()
        .copied()
        .find(|b| b.eq_ignore_ascii_case(base))
}

/// Whether the text probably is a credential that must not be echoed:
/// a known token format, or a long run of token characters.
#[must_use]
pub fn looks_secret(text: &str) -> bool {
    if !crate::secret::find_tokens(text).is_empty() {
        return true;
    }
    let mut run = 0;
    let (mut digit, mut alpha) = (false, false);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-') {
            run += 1;
            digit |= c.is_ascii_digit();
            alpha |= c.is_ascii_alphabetic();
            if run >= 24 && digit && alpha {
                return true;
            }
        } else {
            run = 0;
            digit = false;
            alpha = false;
        }
    }
    false
}

/// The span of a part without its trailing inline comment (unquoted text
/// cut at `;`/`#`), trimmed at the end.
#[must_use]
pub fn text_span(doc: &NpmrcDoc, part: &Part) -> Range<usize> {
    let end = part.comment.as_ref().map_or(part.span.end, |c| c.start);
    let text = doc.slice(&(part.span.start..end));
    part.span.start..part.span.start + text.trim_end().len()
}

/// Whether a part is written unquoted.
#[must_use]
pub fn is_unquoted(part: &Part) -> bool {
    part.quote == Quote::None
}

/// An edit deleting a whole line with one physical line terminator (its
/// own; for the last line, the one before it). Blank lines around it stay:
/// the lexer's terminator run (ini's `/[\r\n]+/`) may hold several.
#[must_use]
pub fn delete_line(doc: &NpmrcDoc, line: &Line) -> Edit {
    let text = doc.source();
    let one_terminator = |at: usize| {
        if text.get(at..).is_some_and(|t| t.starts_with("\r\n")) {
            2
        } else {
            1
        }
    };
    let span = if line.terminator.is_empty() {
        match line.index.checked_sub(1).and_then(|i| doc.lines.get(i)) {
            Some(prev) if !prev.terminator.is_empty() => {
                let run = prev.terminator.clone();
                let last = if run.len() >= 2 && text.get(run.end - 2..run.end) == Some("\r\n") {
                    2
                } else {
                    1
                };
                run.end - last..line.span.end
            }
            _ => line.span.clone(),
        }
    } else {
        line.span.start..line.span.end + one_terminator(line.terminator.start)
    };
    Edit {
        location: Location {
            file: doc.path.clone(),
            span,
        },
        replacement: String::new(),
    }
}

/// An edit replacing `span` of `doc` with `text`.
#[must_use]
pub fn replace(doc: &NpmrcDoc, span: Range<usize>, text: impl Into<String>) -> Edit {
    Edit {
        location: Location {
            file: doc.path.clone(),
            span,
        },
        replacement: text.into(),
    }
}

/// The file's line terminator style (`\r\n` when the first terminator is).
#[must_use]
pub fn newline(doc: &NpmrcDoc) -> &'static str {
    if doc.source().contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// What is wrong with a scope-registry-like key, if anything:
/// `(span within the key, message part, replacement key)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeKeyProblem {
    /// What npm makes of it.
    pub what: String,
    /// The key npm would read for the intended mapping, when clear.
    pub suggestion: Option<String>,
}

/// Classifies `key` (as written, with a value) as a mis-shaped scope
/// registry key.
#[must_use]
pub fn scope_key_problem(key: &str, value: Option<&str>) -> Option<ScopeKeyProblem> {
    let (prefix, base) = split_key(key);
    let looks_url = value.is_some_and(|v| {
        let v = v.trim_start_matches(['"', '\'']);
        v.starts_with("https://") || v.starts_with("http://")
    });
    if prefix.is_empty() {
        // `@acme=https://…`
        let name = key.strip_prefix('@')?;
        if !looks_url || name.is_empty() || name.contains(['/', ' ']) {
            return None;
        }
        return Some(ScopeKeyProblem {
            what: format!(
                "npm reads a key `{key}` that maps nothing: a scope registry is `{key}:registry`"
            ),
            suggestion: Some(format!("{key}:registry")),
        });
    }
    if prefix.starts_with("//") || auth_base_canonical(base).is_some() || removed(key).is_some() {
        return None;
    }
    let base_is_registry = base == "registry";
    let base_near_registry = !base_is_registry
        && (base.eq_ignore_ascii_case("registry")
            || (crate::util::levenshtein(&base.to_ascii_lowercase(), "registry") <= 2
                && base.len() >= 6));
    if !(base_is_registry || base_near_registry || (looks_url && prefix.starts_with('@'))) {
        return None;
    }
    let scope_part = prefix.trim();
    let scope = scope_part.strip_prefix('@').unwrap_or(scope_part);
    let scope_name = scope
        .split('/')
        .next()
        .unwrap_or(scope)
        .trim_start_matches('@');
    let fixed_scope = format!("@{scope_name}");
    let suggestion = (!scope_name.is_empty()
        && !scope_name.contains(char::is_whitespace)
        && !scope_name.contains(':'))
    .then(|| format!("{fixed_scope}:registry"));
    if !prefix.starts_with('@') {
        if !base_is_registry && !base_near_registry {
            return None;
        }
        return Some(ScopeKeyProblem {
            what: format!(
                "`{key}` has no `@`: npm only reads `@<scope>:registry`, so packages of `{fixed_scope}` keep using the default registry"
            ),
            suggestion,
        });
    }
    if prefix.starts_with("@@") || prefix.contains(char::is_whitespace) {
        return Some(ScopeKeyProblem {
            what: format!(
                "`{key}` is not the key npm looks up for the scope (`{fixed_scope}:registry`): packages of the scope keep using the default registry"
            ),
            suggestion,
        });
    }
    if scope.contains('/') {
        return Some(ScopeKeyProblem {
            what: format!(
                "`{key}` names a package, not a scope: npm maps whole scopes only and looks up `{fixed_scope}:registry`"
            ),
            suggestion,
        });
    }
    if base_near_registry || (!base_is_registry && looks_url) {
        return Some(ScopeKeyProblem {
            what: format!(
                "`{key}` is not a scope registry key (npm looks up exactly `{fixed_scope}:registry`): npm warns about an unknown config `{base}` and ignores it"
            ),
            suggestion,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_shapes() {
        let p = |k: &str, v: &str| scope_key_problem(k, Some(v)).and_then(|p| p.suggestion);
        assert_eq!(
            p("acme:registry", "https://h/"),
            Some("@acme:registry".into())
        );
        assert_eq!(
            p("@acme/ui:registry", "https://h/"),
            Some("@acme:registry".into())
        );
        assert_eq!(p("@acme", "https://h/"), Some("@acme:registry".into()));
        assert_eq!(
            p("@acme:registy", "https://h/"),
            Some("@acme:registry".into())
        );
        assert_eq!(
            p("@acme:Registry", "https://h/"),
            Some("@acme:registry".into())
        );
        assert!(scope_key_problem("@acme:registry", Some("https://h/")).is_none());
        assert!(scope_key_problem("//h/:_authToken", Some("x")).is_none());
        assert!(scope_key_problem("registry", Some("https://h/")).is_none());
        assert!(scope_key_problem("save-exact", Some("true")).is_none());
    }

    #[test]
    fn comment_like() {
        assert!(is_comment_like_key("// note"));
        assert!(is_comment_like_key("//"));
        assert!(is_comment_like_key("//TODO fix"));
        assert!(!is_comment_like_key("//registry.npmjs.org/:_authToken"));
        assert!(!is_comment_like_key("//h:8080/x/:_auth"));
    }

    #[test]
    fn removed_keys() {
        assert!(removed("always-auth").is_some());
        assert!(removed("//h/:always-auth").is_some());
        assert!(removed("//h/:email").is_some());
        assert!(removed("//h/:tmp").is_none());
        assert!(removed("@acme:always-auth").is_some());
        assert!(removed("registry").is_none());
    }
}
