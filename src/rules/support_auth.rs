//! Helpers shared by the registry / credential rules: the credential entries
//! written in the checked files, the registries a project uses, and safe
//! display of values that may hold a secret.

use crate::check::context::{Context, NpmrcDoc};
use crate::config::Layer;
use crate::npmrc::lexer::{Entry, Line, Quote};
use crate::value::Value;
use std::ops::Range;

/// The part of a credential key after its last `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    AuthToken,
    Auth,
    Password,
    Username,
    Certfile,
    Keyfile,
}

impl Field {
    /// npm's exact (case-sensitive) suffix.
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            Field::AuthToken => "_authToken",
            Field::Auth => "_auth",
            Field::Password => "_password",
            Field::Username => "username",
            Field::Certfile => "certfile",
            Field::Keyfile => "keyfile",
        }
    }

    /// Whether the value is a secret (token, `_auth`, `_password`).
    #[must_use]
    pub fn is_secret(self) -> bool {
        matches!(self, Field::AuthToken | Field::Auth | Field::Password)
    }

    /// The field for an exact suffix.
    #[must_use]
    pub fn exact(suffix: &str) -> Option<Field> {
        [
            Field::AuthToken,
            Field::Auth,
            Field::Password,
            Field::Username,
            Field::Certfile,
            Field::Keyfile,
        ]
        .into_iter()
        .find(|f| f.suffix() == suffix)
    }
}

/// A `//host/path:<field>` key split in its prefix and exact field.
#[must_use]
pub fn split_nerfed(key: &str) -> Option<(&str, Field)> {
    if !key.starts_with("//") {
        return None;
    }
    let (prefix, suffix) = key.rsplit_once(':')?;
    if prefix.len() <= 2 {
        return None;
    }
    Some((prefix, Field::exact(suffix)?))
}

/// Whether `suffix` names a secret in any case (`_authtoken`, `-authtoken`,
/// `_AUTH`, `_Password`).
#[must_use]
pub fn is_secret_suffix_loose(suffix: &str) -> bool {
    matches!(
        suffix.to_ascii_lowercase().as_str(),
        "_authtoken" | "-authtoken" | "_auth" | "_password"
    )
}

/// A credential entry (`//…:_authToken`, `_auth`, …) in a checked `.npmrc`.
#[derive(Debug, Clone, Copy)]
pub struct CredEntry<'a> {
    pub doc: &'a NpmrcDoc,
    pub line: &'a Line,
    pub entry: &'a Entry,
    /// The key prefix (`//h/path/`) when nerf-darted with an exact field.
    pub prefix: Option<&'a str>,
    pub field: Option<Field>,
    /// The value as a string (None for `true`/`null`/…).
    pub value: Option<&'a str>,
}

impl<'a> CredEntry<'a> {
    /// Span of the key.
    #[must_use]
    pub fn key_span(&self) -> Range<usize> {
        self.entry.key.span.clone()
    }

    /// Span of the value (empty at the end of the key when there is none).
    #[must_use]
    pub fn value_span(&self) -> Range<usize> {
        self.entry.raw_value.as_ref().map_or_else(
            || self.entry.key.span.end..self.entry.key.span.end,
            |v| v.span.clone(),
        )
    }
}

/// Every top-level entry of the checked files whose key is a nerf-darted
/// credential key with an exact field.
pub fn nerfed_entries<'a>(cx: &Context<'a>) -> impl Iterator<Item = CredEntry<'a>> {
    cx.npmrc_files().iter().flat_map(|doc| {
        doc.top_level_entries().filter_map(move |(line, entry)| {
            let (prefix, field) = split_nerfed(&entry.prop)?;
            Some(CredEntry {
                doc,
                line,
                entry,
                prefix: Some(prefix),
                field: Some(field),
                value: entry.value.as_str(),
            })
        })
    })
}

/// Whether the document is a user-level file (npm's own place for tokens):
/// the user, global or builtin layer.
#[must_use]
pub fn is_machine_layer(doc: &NpmrcDoc) -> bool {
    matches!(
        doc.role,
        crate::check::context::Role::Layer(Layer::User | Layer::Global | Layer::Builtin)
    )
}

/// Whether a value is entirely made of `${VAR}` references.
#[must_use]
pub fn only_env_refs(value: &str) -> bool {
    let mut rest = value.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("${") else {
            return false;
        };
        let Some(end) = after.find('}') else {
            return false;
        };
        let name = after[..end].trim_end_matches('?');
        if name.is_empty() || name.contains(['$', '{']) {
            return false;
        }
        rest = &after[end + 1..];
    }
    true
}

/// The value with every well-formed `${…}` reference removed.
#[must_use]
pub fn without_env_refs(value: &str) -> String {
    static RE: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\$\{[^${}]+\}").ok());
    match RE.as_ref() {
        Some(re) => re.replace_all(value, "").into_owned(),
        None => value.to_string(),
    }
}

/// Whether the value tries to reference a variable in a form npm does not
/// expand (`$NPM_TOKEN`, `{$X}`, `$(X)`): `env-var-syntax` reports those.
#[must_use]
pub fn attempts_variable(value: &str) -> bool {
    let rest = without_env_refs(value);
    rest.contains('$') || (rest.starts_with('{') && rest.ends_with('}'))
}

/// Whether a literal credential value is an obvious placeholder.
#[must_use]
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if (v.starts_with('<') && v.ends_with('>')) || (v.starts_with('[') && v.ends_with(']')) {
        return true;
    }
    // `xxxxxxxx`, `***`, `...`
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_'))
    {
        return true;
    }
    const WORDS: &[&str] = &[
        "your",
        "here",
        "placeholder",
        "dummy",
        "changeme",
        "change_me",
        "replace",
        "example",
        "todo",
        "secret",
        "insert",
        "put_",
        "my_token",
        "mytoken",
        "token_goes",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // an UPPER_SNAKE identifier that names a token: a variable written
    // without `${}` (`NPM_AUTH_READ_TOKEN`, `GITHUB_TOKEN`)
    v.len() >= 3
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && v.chars().any(|c| c == '_')
        && (v.contains("TOKEN") || v.contains("PAT") || v.contains("PASS") || v.contains("AUTH"))
}

/// What a literal credential looks like, for messages (never the value).
#[must_use]
pub fn credential_kind(value: &str) -> &'static str {
    if let Some(t) = crate::secret::find_tokens(value).first() {
        return t.kind;
    }
    static UUID: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        )
        .ok()
    });
    let v = value.trim();
    if UUID.as_ref().is_some_and(|re| re.is_match(v)) {
        return "legacy npm token (UUID)";
    }
    if v.len() == 40 && v.chars().all(|c| c.is_ascii_hexdigit()) {
        return "40-hex token";
    }
    if v.len() >= 8 && v.len() % 4 == 0 && decode_base64(v).is_some() {
        return "base64 credential";
    }
    "credential"
}

/// Strict base64 decoding (standard or URL-safe alphabet, padding optional
/// but consistent). None when the text is not base64.
#[must_use]
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_end_matches('=');
    let pad = text.len() - t.len();
    if pad > 2 || t.is_empty() || (pad > 0 && text.len() % 4 != 0) {
        return None;
    }
    if t.len() % 4 == 1 || !t.bytes().all(is_base64_alphabet) {
        return None;
    }
    // on valid input node's lenient decoder is exact
    Some(crate::auth::base64_decode_bytes(t))
}

/// Standard or URL-safe base64 alphabet (without padding).
fn is_base64_alphabet(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'/' | b'_')
}

/// A value that may hold a secret, made safe to print: URL passwords, known
/// token formats and anything after a glued `:_auth…=` become `***`.
#[must_use]
pub fn safe_display(text: &str) -> String {
    let mut s = text.to_string();
    let lower = s.to_ascii_lowercase();
    for marker in [":_auth", ":_password", ":-auth"] {
        if let Some(p) = lower.find(marker) {
            if let Some(eq) = s[p..].find('=') {
                s.truncate(p + eq + 1);
                s.push_str("***");
                break;
            }
        }
    }
    // userinfo of any URL (`https://user:pass@h`, `https://TOKEN@h`)
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some(pos) = s[from..].find("://") {
        let start = from + pos + 3;
        let tail = &s[start..];
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        if let Some(at) = tail[..end].rfind('@') {
            spans.push(start..start + at);
        }
        from = start;
    }
    spans.extend(crate::secret::find_tokens(&s).into_iter().map(|t| t.span));
    spans.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut last_start = usize::MAX;
    for sp in spans {
        if sp.end > last_start || sp.start >= sp.end {
            continue;
        }
        s.replace_range(sp.clone(), "***");
        last_start = sp.start;
    }
    s
}

/// Where the authority (`host[:port]`, after any userinfo) of a URL-ish
/// text starts and ends: after `scheme://` or a leading `//`.
#[must_use]
pub fn authority_span(text: &str) -> Option<Range<usize>> {
    let start = if text.starts_with("//") {
        2
    } else {
        text.find("://")? + 3
    };
    let rest = &text[start..];
    let end = rest
        .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
        .unwrap_or(rest.len());
    let auth = &rest[..end];
    let host_start = auth.rfind('@').map_or(0, |p| p + 1);
    Some(start + host_start..start + end)
}

/// A registry a project uses, with where it was configured.
#[derive(Debug, Clone)]
pub struct UsedRegistry {
    /// The URL (as npm holds it).
    pub url: String,
    /// `registry`, `@acme:registry`, `publishConfig.registry`, or `default`
    /// (npm's default registry, not configured anywhere).
    pub key: String,
}

/// The registries a project's requests can go to: the effective
/// `registry` (or npm's default), every `@scope:registry` in the merged
/// config, the registry values written in checked files (templates are not
/// loaded but describe their own registries) and `publishConfig` registries.
#[must_use]
pub fn used_registries(cx: &Context<'_>) -> Vec<UsedRegistry> {
    let mut out: Vec<UsedRegistry> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |url: String, key: String| {
        if seen.insert(url.clone()) {
            out.push(UsedRegistry { url, key });
        }
    };
    if let Some(config) = cx.config() {
        let opts = crate::auth::FlatOpts::new(config);
        let explicit = config.find("registry").is_some_and(|l| l != Layer::Default);
        match opts.registry() {
            Some(r) if explicit => push(r, "registry".into()),
            Some(r) => push(r, "default".into()),
            None => push(crate::auth::DEFAULT_REGISTRY.into(), "default".into()),
        }
        for layer in &config.layers {
            for s in layer.settings.iter() {
                if crate::rules::support::is_scope_registry_key(&s.key) && s.value.is_truthy() {
                    push(s.value.js_string(), s.key.clone());
                }
            }
        }
    } else {
        push(crate::auth::DEFAULT_REGISTRY.into(), "default".into());
    }
    for r in crate::rules::support::registry_values(cx) {
        if let Some(e) = r.expanded {
            push(e, r.key);
        }
    }
    out
}

/// Whether a raw value part is a plain text that an edit can touch
/// byte-for-byte (unquoted, no escapes, no comment).
#[must_use]
pub fn plain_part(doc: &NpmrcDoc, part: &crate::npmrc::lexer::Part) -> bool {
    part.quote == Quote::None
        && part.comment.is_none()
        && !doc.slice(&part.span).contains('\\')
        && matches!(part.value, Value::Str(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_refs() {
        assert!(only_env_refs("${A}"));
        assert!(only_env_refs("${A}${B?}"));
        assert!(!only_env_refs("x${A}"));
        assert!(!only_env_refs("$A"));
        assert!(attempts_variable("$NPM_TOKEN"));
        assert!(attempts_variable("{$X}"));
        assert!(!attempts_variable("${X}"));
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(decode_base64("WFhYCg==").unwrap(), b"XXX\n");
        assert!(decode_base64("hunter2!").is_none());
        assert!(decode_base64("abc").is_some());
        assert!(decode_base64("a").is_none());
    }

    #[test]
    fn display_is_safe() {
        let s = safe_display("https://npm.pkg.github.com/:_authToken=abcdef123");
        assert!(!s.contains("abcdef"), "{s}");
        let s = safe_display("https://me:s3cret@h.example/npm/");
        assert!(!s.contains("s3cret") && !s.contains("me:"), "{s}");
        let s = safe_display("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@h/");
        assert!(!s.contains("abcdefghij"), "{s}");
        assert_eq!(
            safe_display("https://h.example/npm/"),
            "https://h.example/npm/"
        );
    }

    #[test]
    fn placeholders() {
        for p in [
            "YOUR_TOKEN_HERE",
            "<token>",
            "[github_personal_token]",
            "NPM_AUTH_READ_TOKEN",
            "dummy-token",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("npm_abcdefghijklmnopqrstuvwxyz0123456789"));
        assert!(!is_placeholder("0123abcd-0000-1111-2222-333344445555"));
    }
}
