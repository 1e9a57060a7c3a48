//! Masking of secrets: credentials are never printed, only where they came
//! from, their kind and length.
//!
//! Mask format (also implemented by the test oracles in `tests/oracle/`):
//! `<known prefix>*** (<N> chars)`, e.g. `npm_*** (40 chars)`. A value that is only an
//! unexpanded `${VAR}` / `${VAR?}` reference is shown as is; an empty value
//! is shown as `""`. Passwords inside URLs become `***`.

/// Token prefixes that are safe to show (they name the token kind).
const KNOWN_PREFIXES: &[&str] = &[
    "github_pat_",
    "npm_",
    "npms_",
    "glpat-",
    "gldt-",
    "glcbt-",
    "glptt-",
    "glrt-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "AKCp",
];

/// Whether a config key holds a secret: `_authToken`, `_auth`, `_password`
/// (any case, `-authtoken`), bare or nerf-darted (`//host/:_authToken`).
#[must_use]
pub fn is_secret_key(key: &str) -> bool {
    let base = key.rsplit(':').next().unwrap_or(key);
    let lower = base.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "_authtoken"
            | "-authtoken"
            | "_auth"
            | "_password"
            | "authtoken"
            | "_token"
            | "token"
            | "password"
            | "auth"
    )
}

/// Whether `s` is exactly one `${NAME}` or `${NAME?}` reference.
#[must_use]
pub fn is_bare_env_reference(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) else {
        return false;
    };
    let name = inner.strip_suffix('?').unwrap_or(inner);
    !name.is_empty() && !name.contains(['$', '{', '}', '?'])
}

/// Masks a secret value: its kind prefix (`npm_`) and its length, nothing
/// that could confirm a guess (no hash: a fingerprint of a weak `_auth` or
/// `_password` lets anyone test candidate passwords offline).
#[must_use]
pub fn mask(value: &str) -> String {
    if value.is_empty() {
        return "\"\"".to_string();
    }
    if is_bare_env_reference(value) {
        return value.to_string();
    }
    let prefix = known_prefix(value);
    let chars = value.chars().count();
    format!("{prefix}*** ({chars} chars)")
}

/// The token-kind prefix of `value` (`npm_`, `ghp_`, …) that is safe to
/// show, or `""`.
#[must_use]
pub fn known_prefix(value: &str) -> &'static str {
    KNOWN_PREFIXES
        .iter()
        .find(|p| value.starts_with(**p) && value.len() > p.len())
        .copied()
        .unwrap_or("")
}

/// Replaces the password of every `scheme://user:password@host` inside `text`
/// with `***` (like `@npmcli/redact`), leaving everything else untouched.
#[must_use]
pub fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // authority ends at the first '/', '?', '#' or whitespace
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            if let Some(colon) = userinfo.find(':') {
                out.push_str(&userinfo[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            } else {
                out.push_str(authority);
            }
        } else {
            out.push_str(authority);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Masks a value for display given its key: secret keys are masked whole,
/// other values only lose URL passwords.
#[must_use]
pub fn display_value(key: &str, value: &str) -> String {
    if is_secret_key(key) {
        mask(value)
    } else {
        redact_url_passwords(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_tokens_without_revealing_them() {
        let token = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
        let m = mask(token);
        assert_eq!(m, "npm_*** (40 chars)");
        assert!(!m.contains("abcdef"));
        assert_eq!(mask("${NPM_TOKEN}"), "${NPM_TOKEN}");
        assert_eq!(mask("${NPM_TOKEN?}"), "${NPM_TOKEN?}");
        assert_eq!(mask("${A}${B}"), "*** (8 chars)");
        assert_eq!(mask(""), "\"\"");
    }

    #[test]
    fn secret_keys() {
        assert!(is_secret_key("_authToken"));
        assert!(is_secret_key("//r.example/:_authToken"));
        assert!(is_secret_key("//r.example/:_password"));
        assert!(is_secret_key("_authtoken"));
        assert!(!is_secret_key("//r.example/:username"));
        assert!(!is_secret_key("registry"));
    }

    #[test]
    fn url_passwords() {
        assert_eq!(
            redact_url_passwords("https://u:p%40ss@h.example/x/ and http://a@b/"),
            "https://u:***@h.example/x/ and http://a@b/"
        );
        assert_eq!(redact_url_passwords("no url"), "no url");
    }
}

/// A known credential format found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMatch {
    pub span: std::ops::Range<usize>,
    /// What it is, e.g. "npm access token".
    pub kind: &'static str,
}

/// Known token formats (gitleaks / TruffleHog / npm's redact patterns,
/// shared/design/pitfalls.md §4.1).
static TOKEN_PATTERNS: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
    std::sync::LazyLock::new(|| {
        [
            (r"\bnpms?_[A-Za-z0-9]{36,48}\b", "npm access token"),
            (
                r"\bgithub_pat_[A-Za-z0-9_]{82}\b",
                "GitHub fine-grained token",
            ),
            (r"\bgh[pousr]_[A-Za-z0-9_]{36,255}\b", "GitHub token"),
            (
                r"\bglpat-[A-Za-z0-9_\-.]{20,300}",
                "GitLab personal access token",
            ),
            (r"\bgldt-[A-Za-z0-9_\-]{20,}", "GitLab deploy token"),
            (r"\bglcbt-[A-Za-z0-9_\-]{20,}", "GitLab CI job token"),
            (r"\bglptt-[0-9a-f]{40}\b", "GitLab pipeline trigger token"),
            (r"\bAKCp[A-Za-z0-9]{69}\b", "JFrog Artifactory API key"),
            (r"\bcmVmd[A-Za-z0-9]{59}\b", "JFrog reference token"),
        ]
        .into_iter()
        .filter_map(|(p, k)| regex::Regex::new(p).ok().map(|r| (r, k)))
        .collect()
    });

/// Every known token format in `text`.
#[must_use]
pub fn find_tokens(text: &str) -> Vec<TokenMatch> {
    let mut out: Vec<TokenMatch> = Vec::new();
    // every pattern starts with one of these literals: skip the regexes
    // for the (usual) text that has none of them
    const LITERALS: &[&str] = &["npm", "github_pat_", "gh", "gl", "AKCp", "cmVmd"];
    if !LITERALS.iter().any(|l| text.contains(l)) {
        return out;
    }
    for (re, kind) in TOKEN_PATTERNS.iter() {
        for m in re.find_iter(text) {
            if !out
                .iter()
                .any(|t| t.span.start < m.end() && m.start() < t.span.end)
            {
                out.push(TokenMatch {
                    span: m.range(),
                    kind,
                });
            }
        }
    }
    out.sort_by_key(|t| t.span.start);
    out
}

/// Byte spans of URL passwords (`scheme://user:PASSWORD@host`) in `text`.
#[must_use]
pub fn url_password_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find("://")) {
        let start = from + pos + 3;
        let tail = text.get(start..).unwrap_or("");
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = tail.get(..end).unwrap_or("");
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority.get(..at).and_then(|u| u.find(':')) {
                if colon + 1 < at {
                    spans.push(start + colon + 1..start + at);
                }
            }
        }
        from = start + end.max(1).min(tail.len().max(1));
        if from >= text.len() {
            break;
        }
    }
    spans
}

/// Masks every secret in a file's text for display in a snippet, keeping
/// byte offsets: values of secret keys (npmrc entries, JSON members), known
/// token formats and URL passwords become `*`.
#[must_use]
pub fn mask_source(path: &std::path::Path, text: &str) -> String {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        static JSON_SECRET: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(
            || {
                regex::Regex::new(
                    r#""([^"\\]|\\.)*(_authToken|_authtoken|_auth|_password|token|password)"\s*:\s*"((?:[^"\\]|\\.)*)""#,
                )
                .ok()
            },
        );
        if let Some(re) = JSON_SECRET.as_ref() {
            for c in re.captures_iter(text) {
                if let Some(m) = c.get(3) {
                    spans.push(m.range());
                }
            }
        }
    } else {
        let mut after_secret = false;
        for line in crate::npmrc::lexer::lex(text) {
            // a wrapped credential: a bare base64/token-looking line right
            // after a credential line is the rest of the secret
            let whole = text.get(line.span.clone()).unwrap_or("").trim();
            if after_secret && looks_like_credential_fragment(whole) {
                spans.push(line.span.clone());
                continue;
            }
            after_secret = false;
            if let crate::npmrc::lexer::LineKind::Entry(e) = &line.kind {
                after_secret = is_secret_key(&e.prop);
                if is_secret_key(&e.prop) {
                    if let Some(v) = &e.raw_value {
                        let raw = text.get(v.span.clone()).unwrap_or("");
                        if is_bare_env_reference(raw) {
                            continue;
                        }
                        spans.push(v.span.clone());
                        if let Some(c) = &v.comment {
                            spans.push(c.clone());
                        }
                    }
                }
            }
        }
    }
    spans.extend(find_tokens(text).into_iter().map(|t| {
        // keep the prefix that names the token kind
        let keep = KNOWN_PREFIXES
            .iter()
            .find(|p| text.get(t.span.clone()).is_some_and(|s| s.starts_with(**p)))
            .map_or(0, |p| p.len());
        t.span.start + keep..t.span.end
    }));
    spans.extend(url_password_spans(text));
    // a credential glued into another value or a comment
    // (`registry=https://h/:_authToken=…`)
    let lower = text.to_ascii_lowercase();
    for marker in [":_authtoken=", ":_auth=", ":_password="] {
        for (p, _) in lower.match_indices(marker) {
            let start = p + marker.len();
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .map_or(text.len(), |e| start + e);
            let value = &text[start..end];
            if !value.starts_with("${") {
                spans.push(start..end);
            }
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    // control characters (NUL, ESC, …) never reach a terminal: each becomes
    // `?`; only ASCII controls are single bytes, so offsets are preserved
    for b in &mut bytes {
        if (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')) || *b == 0x7f {
            *b = b'?';
        }
    }
    for span in spans {
        for i in span {
            if let Some(b) = bytes.get_mut(i) {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Whether a whole line looks like a piece of a credential (base64 or
/// token alphabet, at least 16 characters, no spaces).
#[must_use]
pub fn looks_like_credential_fragment(line: &str) -> bool {
    let body = line.trim_end_matches('=');
    body.len() >= 16
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '_' | '-' | '.'))
}

/// Redacts free text (a warning, a log line): URL passwords become `***`
/// and known token formats keep only their prefix (`npm_***`).
#[must_use]
pub fn redact_text(text: &str) -> String {
    let text = redact_url_passwords(text);
    let tokens = find_tokens(&text);
    if tokens.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for t in tokens {
        let matched = text.get(t.span.clone()).unwrap_or("");
        let prefix = KNOWN_PREFIXES
            .iter()
            .find(|p| matched.starts_with(**p))
            .copied()
            .unwrap_or("");
        out.push_str(text.get(last..t.span.start).unwrap_or(""));
        out.push_str(prefix);
        out.push_str("***");
        last = t.span.end;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}
