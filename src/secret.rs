//! Masking of secrets: credentials are never printed, only where they came
//! from and a fingerprint that lets a person tell two values apart.
//!
//! Mask format (also implemented by the test oracles in `tests/oracle/`):
//! `<known prefix>***… (<N> chars, sha256:<first 8 hex>)`, e.g.
//! `npm_*** (40 chars, sha256:1f2e3d4c)`. A value that is only an
//! unexpanded `${VAR}` / `${VAR?}` reference is shown as is; an empty value
//! is shown as `""`. Passwords inside URLs become `***`.

use sha2::{Digest, Sha256};

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
        "_authtoken" | "-authtoken" | "_auth" | "_password" | "authtoken" | "_token" | "token"
            | "password" | "auth"
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

/// Masks a secret value.
#[must_use]
pub fn mask(value: &str) -> String {
    if value.is_empty() {
        return "\"\"".to_string();
    }
    if is_bare_env_reference(value) {
        return value.to_string();
    }
    let prefix = KNOWN_PREFIXES
        .iter()
        .find(|p| value.starts_with(**p) && value.len() > p.len())
        .copied()
        .unwrap_or("");
    let chars = value.chars().count();
    format!("{prefix}*** ({chars} chars, sha256:{})", fingerprint(value))
}

/// First 8 hex digits of the SHA-256 of the value.
#[must_use]
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
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
        assert!(m.starts_with("npm_*** (40 chars, sha256:"), "{m}");
        assert!(!m.contains("abcdef"));
        assert_eq!(mask("${NPM_TOKEN}"), "${NPM_TOKEN}");
        assert_eq!(mask("${NPM_TOKEN?}"), "${NPM_TOKEN?}");
        assert!(mask("${A}${B}").contains("sha256"));
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
