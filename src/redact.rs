//! The output boundary: every byte the tool prints passes through
//! [`redact`], so no renderer (human, json, github, concise, `config`,
//! `why`, errors, warnings copied from npm, and any format added later)
//! can print a secret.
//!
//! Two things feed it:
//! - **what the engine knows is secret**: every input is harvested when it
//!   is read ([`harvest_text`]: values of credential keys in any spelling,
//!   case, quoting or UTF-16 NUL-interleaving, glued `…:_authToken=X` and
//!   `_authToken X` forms, wrapped base64 continuations, lone tokens, URL
//!   userinfo with or without a scheme, known token formats), as are the
//!   raw command-line arguments ([`harvest_args`], also the separate-value
//!   form `--//h/:_authToken VALUE`) and the environment
//!   ([`harvest_env`]). Each secret is registered with its printed variants
//!   (JSON-escaped, control characters escaped, NUL-interleaved), its base64
//!   and its base64-decoded form. Every 8-byte window of each variant goes
//!   into a set, and any run of output bytes covered by windows of that set
//!   is masked: no 8-character substring of a registered secret survives,
//!   wherever a renderer put it.
//! - **shapes that are secret wherever they appear**, for text the engine
//!   did not read as input (a `why --url` argument, a log line): URL
//!   passwords, known token formats and `_authToken=`-style assignments.
//!
//! Masked bytes become `*`, one per character, so snippets keep their
//! columns. The registry is process-wide: registering more only masks more.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

/// Length of the windows matched in output: the shortest leak that counts.
pub const WINDOW: usize = 8;

/// Registered secrets are at least this long; shorter values are masked by
/// shape only (a window of a 5-character value would mask ordinary words).
const MIN_SECRET: usize = 8;

/// Bytes of secrets registered at most (with their variants, a few windows
/// per byte): bounds the memory a file of a million credentials can take.
/// Past it, secrets are masked by shape only.
const MAX_REGISTERED_BYTES: usize = 2 * 1024 * 1024;

#[derive(Default)]
struct Registry {
    /// Every [`WINDOW`]-byte window of every registered variant.
    windows: HashSet<[u8; WINDOW]>,
    /// Secrets already registered (no need to redo their variants).
    seen: HashSet<String>,
    /// Their total length.
    bytes: usize,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

fn with_registry<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut guard = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Registers one secret value (and its printed, base64 and decoded forms).
pub fn register(secret: &str) {
    let secret = secret.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    // `${VAR}` references are names, not values (their values come from
    // the environment, harvested separately)
    if secret.len() < MIN_SECRET || secret.contains("${") {
        return;
    }
    // a short plain word (`undefined`, `password`) would mask prose
    if secret.len() < 12 && secret.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return;
    }
    let fresh = with_registry(|r| {
        if r.bytes + secret.len() > MAX_REGISTERED_BYTES {
            return false;
        }
        r.bytes += secret.len();
        r.seen.insert(secret.to_string())
    });
    if !fresh {
        return;
    }
    let mut variants: Vec<String> = vec![secret.to_string()];
    let unnul: String = secret.chars().filter(|&c| c != '\0').collect();
    if unnul.len() != secret.len() && unnul.len() >= MIN_SECRET {
        variants.push(unnul.clone());
    }
    let plain = if unnul.is_empty() { secret } else { &unnul };
    variants.push(base64_encode(plain.as_bytes()));
    if let Some(decoded) = decode_base64_text(plain) {
        if let Some((_, password)) = decoded.split_once(':') {
            if password.len() >= MIN_SECRET {
                variants.push(password.to_string());
            }
        }
        variants.push(decoded);
    }
    // the forms renderers print: JSON escapes, escaped control characters,
    // percent-encoding (a URL password)
    let mut printed = Vec::new();
    for v in &variants {
        let json = serde_json::to_string(v).unwrap_or_default();
        let json = json.trim_matches('"');
        if json != v {
            printed.push(json.to_string());
        }
        if let std::borrow::Cow::Owned(p) = crate::util::printable(v) {
            printed.push(p);
        }
        if let Ok(p) = percent_decode(v) {
            printed.push(p);
        }
    }
    variants.extend(printed);
    with_registry(|r| {
        for v in &variants {
            let b = v.as_bytes();
            if b.len() < WINDOW {
                continue;
            }
            for w in b.windows(WINDOW) {
                let mut k = [0u8; WINDOW];
                k.copy_from_slice(w);
                r.windows.insert(k);
            }
        }
    });
}

/// Standard base64 with padding (`Buffer.from(s).toString('base64')`).
#[must_use]
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> Result<String, ()> {
    if !s.contains('%') {
        return Err(());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).map_err(|_| ())?;
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ())
}

/// The text a base64 value decodes to, when it is base64 of printable text.
fn decode_base64_text(s: &str) -> Option<String> {
    let body = s.trim_end_matches('=');
    if body.len() < 8
        || !body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_'))
    {
        return None;
    }
    let bytes = crate::auth::base64_decode_bytes(s);
    let text = String::from_utf8(bytes).ok()?;
    (text.len() >= MIN_SECRET && !text.chars().any(char::is_control)).then_some(text)
}

/// Key names (the part after the last `:` of a nerf-darted key, any case)
/// whose values are credentials.
fn is_credential_name(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '\0' | '"' | '\'' | '`' | '[' | ']'))
        .collect::<String>()
        .trim()
        .to_ascii_lowercase();
    let base = k.rsplit(':').next().unwrap_or(&k).trim();
    let base = base.rsplit(['.', ' ', '/']).next().unwrap_or(base);
    crate::secret::is_secret_key(base)
        || [
            "token", "password", "passwd", "secret", "_auth", "apikey", "api_key",
        ]
        .iter()
        .any(|m| base.ends_with(m))
}

/// `KEY = VALUE`, `KEY: VALUE`, `KEY VALUE` where KEY names a credential.
static ASSIGNMENT: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(
        r#"(?i)(?:_authtoken|-authtoken|authtoken|_auth|_password|password|passwd|token|secret)["'`\]]?(?:\s*[=:]\s*|[ \t]+)["'`]?([^\s"'`,;&)}\]{\[(<*\\][^\s"'`,;&)}\]\\]*)"#,
    )
    .ok()
});

/// `scheme://user:password@host`, `//user:password@host` (the password may
/// hold a raw `/`, `#` or `?`).
static USERINFO: LazyLock<Option<regex::Regex>> =
    LazyLock::new(|| regex::Regex::new(r#"//([^\s/@:'`"\\]*):([^\s@'`"\\]+)@"#).ok());

/// `user:password@host` at the start of a value (no scheme).
static BARE_USERINFO: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(r#"(?:^|[=\s])([A-Za-z0-9._~%!$&*+-]+):([^\s@/'`"\\]+)@[A-Za-z0-9]"#).ok()
});

fn is_port_path(password: &str) -> bool {
    let digits = password.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(password.as_bytes().get(digits), None | Some(b'/'))
}

/// Registers every secret in an input file's text (a `.npmrc`, a
/// package.json, a settings file), whatever its syntax or encoding.
pub fn harvest_text(text: &str) {
    let has_nul = text.contains('\0');
    let stripped: Cow<str> = if has_nul {
        Cow::Owned(text.replace('\0', ""))
    } else {
        Cow::Borrowed(text)
    };
    let mut after_secret = false;
    for raw_line in stripped.split(['\n', '\r']) {
        let line = raw_line.trim().trim_start_matches('\u{feff}').trim();
        let body = line.trim_start_matches(['#', ';', ' ', '\t']);
        if after_secret && crate::secret::looks_like_credential_fragment(body) {
            register(body);
            continue;
        }
        after_secret = false;
        for t in crate::secret::find_tokens(line) {
            register(&line[t.span]);
        }
        if let Some(re) = USERINFO.as_ref() {
            for c in re.captures_iter(line) {
                if let Some(p) = c.get(2) {
                    if !is_port_path(p.as_str()) {
                        register(p.as_str());
                    }
                }
            }
        }
        if let Some(re) = BARE_USERINFO.as_ref() {
            for c in re.captures_iter(line) {
                if let Some(p) = c.get(2) {
                    if !is_port_path(p.as_str()) {
                        register(p.as_str());
                    }
                }
            }
        }
        if let Some(re) = ASSIGNMENT.as_ref() {
            for c in re.captures_iter(line) {
                if let Some(v) = c.get(1) {
                    register(v.as_str());
                    after_secret = true;
                }
            }
        }
        // `key = value` / `"key": "value"` / `key value` with a credential key
        let split = body
            .find(['=', ':'])
            .filter(|&i| !body[..i].ends_with('/') || body[..i].contains(":_"))
            .or_else(|| body.find([' ', '\t']));
        if let Some(i) = split {
            let (key, value) = (&body[..i], &body[i + 1..]);
            if is_credential_name(key) {
                let v = value
                    .trim()
                    .trim_start_matches(['=', ':'])
                    .trim()
                    .trim_end_matches(',')
                    .trim_matches(['"', '\'', '`']);
                register(v);
                if let Some((before, _)) = v.split_once([' ', '\t']) {
                    register(before);
                }
                after_secret = true;
            }
        } else if looks_like_lone_token(body) {
            register(body);
        }
    }
    if has_nul {
        // also as written (the NUL-interleaved form renderers escape)
        for line in text.lines() {
            if line.contains('\0') {
                let clean = line.replace('\0', "");
                if is_credential_name(clean.split(['=', ' ']).next().unwrap_or("")) {
                    if let Some((_, v)) = line.split_once('=') {
                        register(v);
                    }
                }
            }
        }
    }
}

/// A whole line that is only a high-entropy token (a pasted credential):
/// no spaces, not a path or URL, and either base64/token alphabet with
/// letters and digits, or at least three character classes.
fn looks_like_lone_token(line: &str) -> bool {
    if line.len() < 16
        || line.contains(char::is_whitespace)
        || line.contains("://")
        || line.trim_end_matches('=').contains('=')
        || line.starts_with(['/', '-', '.', '[', '@', '~', '$'])
        || line.matches('/').count() > 2
    {
        return false;
    }
    let has = |f: fn(&u8) -> bool| line.as_bytes().iter().any(f);
    let classes = [
        has(u8::is_ascii_lowercase),
        has(u8::is_ascii_uppercase),
        has(u8::is_ascii_digit),
        has(|b| b.is_ascii_punctuation()),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    (line.len() >= 20
        && crate::secret::looks_like_credential_fragment(line)
        && has(u8::is_ascii_digit)
        && has(u8::is_ascii_alphabetic)
        && !line.contains('.'))
        || (classes >= 3 && has(u8::is_ascii_digit))
}

/// Registers the secrets in raw command-line arguments: `--KEY=VALUE` and
/// `--KEY VALUE` where KEY names a credential, and any secret shape.
pub fn harvest_args<S: AsRef<str>>(args: &[S]) {
    let mut take_next = false;
    // the program's own path is not an argument
    for a in args.iter().skip(1) {
        let a = a.as_ref();
        if take_next && !a.starts_with("--") {
            register(a);
        }
        take_next = false;
        harvest_text(a);
        let flag = a.trim_start_matches('-');
        if a.starts_with('-') && !flag.contains('=') && is_credential_name(flag) {
            take_next = true;
        }
        if let Some((k, v)) = flag.split_once('=') {
            if is_credential_name(k) {
                register(v);
            }
        }
    }
}

/// Registers the values of environment variables that hold credentials
/// (`NPM_TOKEN`, `npm_config_//h/:_authToken`, `GITHUB_TOKEN`, …).
pub fn harvest_env<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) {
    for (k, v) in vars {
        let key = k.strip_prefix("npm_config_").unwrap_or(k);
        let key = key.strip_prefix("NPM_CONFIG_").unwrap_or(key);
        if is_credential_name(key) || is_credential_name(&key.replace('_', "")) {
            register(v);
        }
        harvest_text(v);
    }
}

/// Masks every registered secret and every secret-shaped string in `text`.
#[must_use]
pub fn redact(text: &str) -> Cow<'_, str> {
    let shaped = redact_shapes(text);
    let spans = with_registry(|r| {
        if r.windows.is_empty() {
            return Vec::new();
        }
        window_spans(&r.windows, shaped.as_bytes())
    });
    if spans.is_empty() {
        return shaped;
    }
    let mut out = String::with_capacity(shaped.len());
    let mut last = 0;
    for (start, end) in spans {
        // widen to character boundaries, and back to the start of a JSON
        // escape or XML entity the span begins inside of
        let mut s = start;
        while s > 0 && !shaped.is_char_boundary(s) {
            s -= 1;
        }
        if let Some(b) = escape_start(shaped.as_bytes(), s) {
            s = b;
        }
        let mut e = end.min(shaped.len());
        while e < shaped.len() && !shaped.is_char_boundary(e) {
            e += 1;
        }
        if s < last {
            s = last;
        }
        out.push_str(&shaped[last..s]);
        e = mask_keeping_syntax(&shaped[s..], e - s, &mut out) + s;
        last = e;
    }
    out.push_str(&shaped[last..]);
    Cow::Owned(out)
}

/// Where a JSON escape (`\u0000`, `\n`) or XML entity (`&amp;`) that
/// covers byte `at` starts, if one does.
fn escape_start(b: &[u8], at: usize) -> Option<usize> {
    let from = at.saturating_sub(9);
    (from..at).rev().find(|&i| {
        let len = syntax_len(&b[i..]);
        len > 0 && i + len > at
    })
}

/// Length of the escape or entity at the start of `b` (0 when none).
fn syntax_len(b: &[u8]) -> usize {
    match b.first() {
        Some(b'\\') => match b.get(1) {
            Some(b'u') => 6.min(b.len()),
            Some(_) => 2,
            None => 1,
        },
        Some(b'&') => b
            .iter()
            .take(10)
            .position(|&c| c == b';')
            .filter(|&p| {
                p > 1
                    && b[1..p]
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'#')
            })
            .map_or(0, |p| p + 1),
        _ => 0,
    }
}

/// Appends `text[..len]` with every character masked except the syntax of
/// the format it is printed in (quotes, angle brackets, JSON escapes, XML
/// entities), so masking never breaks a JSON, SARIF or JUnit document.
/// Returns the bytes consumed (at least `len`, to the end of an escape).
fn mask_keeping_syntax(text: &str, len: usize, out: &mut String) -> usize {
    let b = text.as_bytes();
    let mut i = 0;
    while i < len.min(text.len()) {
        let n = syntax_len(&b[i..]);
        if n > 0 {
            out.push_str(&text[i..i + n]);
            i += n;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        out.push(if matches!(c, '\n' | '\r' | '"' | '<' | '>') {
            c
        } else {
            '*'
        });
        i += c.len_utf8();
    }
    i
}

/// Merged byte ranges of `text` covered by windows in the set.
fn window_spans(windows: &HashSet<[u8; WINDOW]>, text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if text.len() < WINDOW {
        return spans;
    }
    let mut key = [0u8; WINDOW];
    for i in 0..=text.len() - WINDOW {
        key.copy_from_slice(&text[i..i + WINDOW]);
        if windows.contains(&key) {
            match spans.last_mut() {
                Some(last) if last.1 >= i => last.1 = i + WINDOW,
                _ => spans.push((i, i + WINDOW)),
            }
        }
    }
    spans
}

/// Masks what is secret by its shape alone: URL passwords (with or without
/// a scheme), known token formats (their kind prefix kept) and values
/// assigned to credential names (`_authToken=X`, `_authToken X`).
#[must_use]
pub fn redact_shapes(text: &str) -> Cow<'_, str> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(re) = USERINFO.as_ref() {
        for c in re.captures_iter(text) {
            if let Some(p) = c.get(2) {
                if !is_port_path(p.as_str()) && !is_mask(p.as_str()) {
                    spans.push(p.range());
                }
            }
        }
    }
    for t in crate::secret::find_tokens(text) {
        let keep = crate::secret::known_prefix(&text[t.span.clone()]).len();
        spans.push(t.span.start + keep..t.span.end);
    }
    if let Some(re) = ASSIGNMENT.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(v)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let value = v.as_str();
            let spaced = !whole.as_str()[..v.start() - whole.start()].contains(['=', ':']);
            if is_mask(value) || value.starts_with("${") {
                continue;
            }
            // `token VALUE` (no `=`): only values that look like credentials,
            // not the words of a sentence
            if spaced && !looks_like_credential_word(value) {
                continue;
            }
            // `token: true` in prose or JSON: short plain words are no secrets
            if !spaced && value.len() < 6 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            spans.push(v.range());
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for s in spans {
        if s.end <= last {
            continue;
        }
        let start = s.start.max(last);
        out.push_str(&text[last..start]);
        out.push_str("***");
        last = s.end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

fn is_mask(v: &str) -> bool {
    v.starts_with('*')
}

fn looks_like_credential_word(v: &str) -> bool {
    v.len() >= 8
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-' | b'.')
        })
        && (v.bytes().any(|b| b.is_ascii_digit())
            || (v.len() >= 16
                && v.bytes().any(|b| b.is_ascii_uppercase())
                && v.bytes().any(|b| b.is_ascii_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_masked_in_any_form() {
        register("Zq9xT3stS3cr3tV4lu3Redact01");
        let out = redact("a Zq9xT3stS3cr3tV4lu3Redact01 b ...S3cr3tV4lu3... c");
        assert!(!out.contains("S3cr3tV4"), "{out}");
        assert!(out.starts_with("a ***"), "{out}");
        let b64 = base64_encode(b"Zq9xT3stS3cr3tV4lu3Redact01");
        assert!(!redact(&b64).contains(&b64[4..12]));
        // a UTF-16LE file read as UTF-8: NULs between the characters
        let spaced: String = "Zq9xT3stS3cr3tV4lu3Redact02"
            .chars()
            .flat_map(|c| [c, '\0'])
            .collect();
        let key: String = "_authToken=".chars().flat_map(|c| [c, '\0']).collect();
        harvest_text(&format!("{key}{spaced}"));
        assert!(!redact("Zq9xT3stS3cr3tV4lu3Redact02").contains("3cr3tV4l"));
        let escaped = serde_json::to_string(&spaced).unwrap_or_default();
        assert!(!redact(&escaped).contains("3\\u0000c\\u0000r"), "{escaped}");
    }

    #[test]
    fn harvests_every_spelling() {
        harvest_text(
            "//r.example/:_authToken GoL2HarvestSpaced99\n\
             registry=https://r.example/:_authToken=GluedHarvest12345\n\
             \"_AUTHTOKEN\": 'SingleQuoted9876543'\n\
             export NPM_TOKEN=ExportedToken55555\n\
             url=https://u:pa#ss/w?rd99@h/\n",
        );
        for s in [
            "GoL2HarvestSpaced99",
            "GluedHarvest12345",
            "SingleQuoted9876543",
            "ExportedToken55555",
            "pa#ss/w?rd99",
        ] {
            assert!(!redact(&format!("x {s} y")).contains(s), "{s}");
        }
    }

    #[test]
    fn args_with_separate_values() {
        harvest_args(&["npmrc-doctor", "--//h/:_authToken", "SeparateArgValue777"]);
        assert!(!redact("SeparateArgValue777").contains("ArgValue"));
    }

    #[test]
    fn masking_keeps_json_and_xml_valid() {
        register("KeepSyntaxSecret0987654321");
        let doc = serde_json::json!({
            "a": "KeepSyntaxSecret0987654321",
            "b": "Keep\"Syntax\u{0}Secret0987654321 KeepSyntaxSecret0987654321"
        })
        .to_string();
        let out = redact(&doc);
        assert!(!out.contains("SyntaxSe"), "{out}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{out}"
        );
        let xml = "<f m=\"KeepSyntaxSecret0987654321&amp;&#x1b;\"/>";
        let out = redact(xml);
        assert!(out.contains("&amp;&#x1b;\"/>"), "{out}");
    }

    #[test]
    fn base64_like_node() {
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b"a"), "YQ==");
    }

    #[test]
    fn shapes() {
        assert_eq!(redact_shapes("https://u:p@h/x"), "https://u:***@h/x");
        assert_eq!(
            redact_shapes("https://h/ _authToken=abc123"),
            "https://h/ _authToken=***"
        );
        assert_eq!(
            redact_shapes("//h/:_authToken = Abc12345678"),
            "//h/:_authToken = ***"
        );
        assert_eq!(
            redact_shapes("set the _authToken credential"),
            "set the _authToken credential"
        );
        assert_eq!(redact_shapes("https://h:8080/@s/p"), "https://h:8080/@s/p");
        assert_eq!(redact_shapes("_authToken=***"), "_authToken=***");
    }
}
