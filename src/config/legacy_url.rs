//! Node's legacy `url.parse()` (node 20 `lib/url.js`), far enough to decide
//! what nopt's `url` type needs: whether the parsed URL has a `host`, and
//! its `href` (the normalised value nopt stores).
//!
//! Query-string parsing is not needed (nopt never asks for it). IDNA for
//! non-ASCII host names uses WHATWG `domainToASCII` (the `url` crate),
//! which agrees with node's `toASCII` for ordinary names.

/// The parts of a legacy `Url` object nopt looks at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LegacyUrl {
    /// `protocol` (lower-cased, with the colon).
    pub protocol: Option<String>,
    /// `slashes`.
    pub slashes: bool,
    /// `auth` (percent-decoded).
    pub auth: Option<String>,
    /// `host` (`hostname[:port]`).
    pub host: Option<String>,
    /// `port`.
    pub port: Option<String>,
    /// `hostname`.
    pub hostname: Option<String>,
    /// `hash`.
    pub hash: Option<String>,
    /// `search`.
    pub search: Option<String>,
    /// `pathname`.
    pub pathname: Option<String>,
    /// `href`, reconstructed by `Url#format`.
    pub href: String,
}

/// Why `url.parse` threw.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegacyUrlError {
    /// `TypeError [ERR_INVALID_URL]: Invalid URL` (bad host after IDNA).
    #[error("Invalid URL")]
    InvalidUrl,
    /// `URIError: URI malformed` from `decodeURIComponent` of the auth part.
    #[error("URI malformed")]
    UriMalformed,
}

const HOSTLESS: &[&str] = &["javascript", "javascript:"];
const SLASHED: &[&str] = &[
    "http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws",
    "ws:", "wss", "wss:",
];

fn is_url_ws(c: char) -> bool {
    (c as u32) < 33 || c == '\u{a0}' || c == '\u{feff}'
}

/// `url.parse(input)` (no query parsing, no `slashesDenoteHost`).
///
/// # Errors
/// When node would throw (see [`LegacyUrlError`]).
pub fn parse(input: &str) -> Result<LegacyUrl, LegacyUrlError> {
    let chars: Vec<char> = input.chars().collect();
    let (rest, has_hash, has_at) = trim_and_unbackslash(&chars);
    let mut u = LegacyUrl::default();
    if !has_hash && !has_at {
        if let Some((pathname, search)) = simple_path(&rest) {
            u.href = rest.iter().collect();
            u.pathname = Some(pathname);
            u.search = search;
            return Ok(u);
        }
    }
    let mut rest = rest;
    let mut proto: Option<String> = None;
    let proto_len = protocol_prefix_len(&rest);
    if proto_len > 0 {
        let p: String = rest[..proto_len].iter().collect();
        u.protocol = Some(p.to_lowercase());
        proto = Some(p);
        rest.drain(..proto_len);
    }
    let lower_proto = u.protocol.clone();
    let is_hostless = lower_proto
        .as_deref()
        .is_some_and(|p| HOSTLESS.contains(&p));
    let mut slashes = false;
    if proto.is_some() || host_pattern(&rest) {
        slashes = rest.first() == Some(&'/') && rest.get(1) == Some(&'/');
        if slashes && !(proto.is_some() && is_hostless) {
            rest.drain(..2);
            u.slashes = true;
        }
    }
    let proto_not_slashed = proto.as_deref().is_some_and(|p| !SLASHED.contains(&p));
    if !is_hostless && (slashes || proto_not_slashed) {
        rest = parse_authority(&mut u, rest, input)?;
    }
    if !lower_proto
        .as_deref()
        .is_some_and(|p| HOSTLESS.contains(&p))
    {
        rest = auto_escape(&rest);
    }
    split_path(&mut u, &rest, lower_proto.as_deref());
    u.href = format(&u);
    Ok(u)
}

/// The first loop of `Url#parse`: trim URL whitespace, turn `\` into `/`
/// before the first `?`/`#`, and note `#`/`@`.
fn trim_and_unbackslash(chars: &[char]) -> (Vec<char>, bool, bool) {
    let (mut has_hash, mut has_at, mut split) = (false, false, false);
    let mut start: Option<usize> = None;
    let mut end: Option<usize> = None;
    let mut in_ws = false;
    let mut rest: Vec<char> = Vec::new();
    let mut last_pos = 0;
    for (i, &c) in chars.iter().enumerate() {
        let ws = is_url_ws(c);
        if start.is_none() {
            if ws {
                continue;
            }
            start = Some(i);
            last_pos = i;
        } else if in_ws {
            if !ws {
                end = None;
                in_ws = false;
            }
        } else if ws {
            end = Some(i);
            in_ws = true;
        }
        if !split {
            match c {
                '@' => has_at = true,
                '#' => {
                    has_hash = true;
                    split = true;
                }
                '?' => split = true,
                '\\' => {
                    rest.extend_from_slice(&chars[last_pos..i]);
                    rest.push('/');
                    last_pos = i + 1;
                }
                _ => {}
            }
        } else if !has_hash && c == '#' {
            has_hash = true;
        }
    }
    if let Some(start) = start {
        if last_pos == start {
            rest = chars[start..end.unwrap_or(chars.len())].to_vec();
        } else if end.is_none() && last_pos < chars.len() {
            rest.extend_from_slice(&chars[last_pos..]);
        } else if let Some(e) = end.filter(|e| last_pos < *e) {
            rest.extend_from_slice(&chars[last_pos..e]);
        }
    }
    (rest, has_hash, has_at)
}

/// `/^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/` → (pathname, search).
fn simple_path(rest: &[char]) -> Option<(String, Option<String>)> {
    let is_s = |c: char| crate::config::js_number::is_js_space(c);
    if rest.first() != Some(&'/') {
        return None;
    }
    let mut i = 1;
    if rest.get(1) == Some(&'/') {
        i = 2;
    }
    if rest.get(i) == Some(&'/') {
        // `(?!\/)`: with `//`, backtracking to a single `/` still meets `/`.
        return None;
    }
    while i < rest.len() && rest[i] != '?' && !is_s(rest[i]) {
        i += 1;
    }
    let pathname: String = rest[..i].iter().collect();
    if i == rest.len() {
        return Some((pathname, None));
    }
    if rest[i] != '?' || rest[i..].iter().any(|c| is_s(*c)) {
        return None;
    }
    Some((pathname, Some(rest[i..].iter().collect())))
}

/// Length of `/^[a-z0-9.+-]+:/i`, 0 when absent.
fn protocol_prefix_len(rest: &[char]) -> usize {
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
        .count();
    if n > 0 && rest.get(n) == Some(&':') {
        n + 1
    } else {
        0
    }
}

/// `/^\/\/[^@/]+@[^@/]+/`.
fn host_pattern(rest: &[char]) -> bool {
    if rest.len() < 2 || rest[0] != '/' || rest[1] != '/' {
        return false;
    }
    let a = rest[2..]
        .iter()
        .take_while(|c| !matches!(c, '@' | '/'))
        .count();
    if a == 0 || rest.get(2 + a) != Some(&'@') {
        return false;
    }
    rest.get(3 + a).is_some_and(|c| !matches!(c, '@' | '/'))
}

/// The host part of `Url#parse`: auth, host, port, hostname checks.
fn parse_authority(
    u: &mut LegacyUrl,
    mut rest: Vec<char>,
    input: &str,
) -> Result<Vec<char>, LegacyUrlError> {
    let (mut host_end, mut at_sign, mut non_host): (Option<usize>, Option<usize>, Option<usize>) =
        (None, None, None);
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            '\t' | '\n' | '\r' => {
                rest.remove(i);
                continue;
            }
            ' ' | '"' | '%' | '\'' | ';' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                non_host.get_or_insert(i);
            }
            '#' | '/' | '?' => {
                non_host.get_or_insert(i);
                host_end = Some(i);
            }
            '@' => {
                at_sign = Some(i);
                non_host = None;
            }
            _ => {}
        }
        if host_end.is_some() {
            break;
        }
        i += 1;
    }
    let mut start = 0;
    if let Some(at) = at_sign {
        let raw: String = rest[..at].iter().collect();
        u.auth = Some(decode_uri_component(&raw).ok_or(LegacyUrlError::UriMalformed)?);
        start = at + 1;
    }
    let host: String;
    match non_host {
        None => {
            host = rest[start..].iter().collect();
            rest.clear();
        }
        Some(nh) => {
            host = rest
                .get(start..nh)
                .map(|s| s.iter().collect())
                .unwrap_or_default();
            rest.drain(..nh);
        }
    }
    let (hostname, port) = parse_host(&host);
    u.port = port;
    let mut hostname = hostname.unwrap_or_default();
    let ipv6 = hostname.starts_with('[') && hostname.ends_with(']');
    if !ipv6 {
        if let Some((pos, _)) = hostname
            .char_indices()
            .find(|(_, c)| matches!(c, '/' | '\\' | '#' | '?' | ':'))
        {
            let tail = hostname[pos..].to_string();
            hostname.truncate(pos);
            let mut new_rest: Vec<char> = vec!['/'];
            new_rest.extend(tail.chars());
            new_rest.extend(rest.iter());
            rest = new_rest;
        }
    }
    hostname = if hostname.encode_utf16().count() > 255 {
        String::new()
    } else {
        js_lower(&hostname)
    };
    if !hostname.is_empty() {
        if ipv6 {
            if hostname.chars().any(|c| "\0\t\n\r #%/<>?@\\^|".contains(c)) {
                return Err(LegacyUrlError::InvalidUrl);
            }
        } else {
            hostname = to_ascii(&hostname);
            if hostname.is_empty()
                || hostname
                    .chars()
                    .any(|c| "\0\t\n\r #%/:<>?@[\\]^|".contains(c))
            {
                return Err(LegacyUrlError::InvalidUrl);
            }
        }
    }
    let _ = input;
    let p = u
        .port
        .as_ref()
        .filter(|p| !p.is_empty())
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    u.host = Some(format!("{hostname}{p}"));
    if ipv6 {
        let inner: String = {
            let cs: Vec<char> = hostname.chars().collect();
            cs.get(1..cs.len().saturating_sub(1))
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        };
        u.hostname = Some(inner);
        if rest.first() != Some(&'/') {
            rest.insert(0, '/');
        }
    } else {
        u.hostname = Some(hostname);
    }
    Ok(rest)
}

/// `Url#parseHost`: split `:port` (`/:[0-9]*$/`) → (hostname, port).
fn parse_host(host: &str) -> (Option<String>, Option<String>) {
    let digits = host.chars().rev().take_while(char::is_ascii_digit).count();
    let before = host.len() - digits; // digits are ASCII
    let mut port = None;
    let mut h = host;
    if host[..before].ends_with(':') {
        let p = &host[before..];
        if !p.is_empty() {
            port = Some(p.to_string());
        }
        h = &host[..before - 1];
    }
    ((!h.is_empty()).then(|| h.to_string()), port)
}

/// JS `toLowerCase()` (full Unicode lower-casing).
fn js_lower(s: &str) -> String {
    s.to_lowercase()
}

/// node's `toASCII` (IDNA) for a host name.
fn to_ascii(host: &str) -> String {
    if host.is_ascii() && !host.split('.').any(|l| l.starts_with("xn--")) {
        return host.to_string();
    }
    url::quirks::domain_to_ascii(host)
}

fn auto_escape(rest: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(rest.len());
    for &c in rest {
        let esc = match c {
            '\t' => "%09",
            '\n' => "%0A",
            '\r' => "%0D",
            ' ' => "%20",
            '"' => "%22",
            '\'' => "%27",
            '<' => "%3C",
            '>' => "%3E",
            '\\' => "%5C",
            '^' => "%5E",
            '`' => "%60",
            '{' => "%7B",
            '|' => "%7C",
            '}' => "%7D",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.extend(esc.chars());
    }
    out
}

/// Hash, search and pathname from what follows the host.
fn split_path(u: &mut LegacyUrl, rest: &[char], lower_proto: Option<&str>) {
    let mut question: Option<usize> = None;
    let mut hash: Option<usize> = None;
    for (i, &c) in rest.iter().enumerate() {
        if c == '#' {
            u.hash = Some(rest[i..].iter().collect());
            hash = Some(i);
            break;
        } else if c == '?' && question.is_none() {
            question = Some(i);
        }
    }
    if let Some(q) = question {
        let end = hash.unwrap_or(rest.len());
        u.search = Some(rest[q..end].iter().collect());
    }
    let use_q = question.is_some_and(|q| hash.is_none_or(|h| q < h));
    let first = if use_q { question } else { hash };
    match first {
        None if !rest.is_empty() => u.pathname = Some(rest.iter().collect()),
        Some(f) if f > 0 => u.pathname = Some(rest[..f].iter().collect()),
        _ => {}
    }
    let slashed = lower_proto.is_some_and(|p| SLASHED.contains(&p));
    if slashed
        && u.hostname.as_deref().is_some_and(|h| !h.is_empty())
        && u.pathname.as_deref().is_none_or(str::is_empty)
    {
        u.pathname = Some("/".into());
    }
}

/// `Url#format`.
fn format(u: &LegacyUrl) -> String {
    let mut auth = u.auth.clone().unwrap_or_default();
    if !auth.is_empty() {
        auth = encode_auth(&auth);
        auth.push('@');
    }
    let mut protocol = u.protocol.clone().unwrap_or_default();
    let mut pathname = u.pathname.clone().unwrap_or_default();
    let mut hash = u.hash.clone().unwrap_or_default();
    let mut host = String::new();
    if let Some(h) = u.host.as_deref().filter(|h| !h.is_empty()) {
        host = format!("{auth}{h}");
    } else if let Some(hn) = u.hostname.as_deref().filter(|h| !h.is_empty()) {
        let ipv6 = hn.starts_with('[') && hn.ends_with(']');
        host = if hn.contains(':') && !ipv6 {
            format!("{auth}[{hn}]")
        } else {
            format!("{auth}{hn}")
        };
        if let Some(p) = u.port.as_deref().filter(|p| !p.is_empty()) {
            host.push(':');
            host.push_str(p);
        }
    }
    let mut search = u.search.clone().unwrap_or_default();
    if !protocol.is_empty() && !protocol.ends_with(':') {
        protocol.push(':');
    }
    pathname = pathname.replace('#', "%23").replace('?', "%3F");
    if u.slashes || SLASHED.contains(&protocol.as_str()) {
        if u.slashes || !host.is_empty() {
            if !pathname.is_empty() && !pathname.starts_with('/') {
                pathname.insert(0, '/');
            }
            host = format!("//{host}");
        } else if protocol.starts_with("file") {
            host = "//".into();
        }
    }
    search = search.replace('#', "%23");
    if !hash.is_empty() && !hash.starts_with('#') {
        hash.insert(0, '#');
    }
    if !search.is_empty() && !search.starts_with('?') {
        search.insert(0, '?');
    }
    format!("{protocol}{host}{pathname}{search}{hash}")
}

/// node's `encodeStr(auth, noEscapeAuth, hexTable)`.
fn encode_auth(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let keep = c.is_ascii_alphanumeric() || "!'()*-._~:".contains(c);
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `decodeURIComponent`; `None` where JS throws `URIError`.
fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let first = hex_byte(bytes, i)?;
        i += 3;
        if first < 0x80 {
            out.push(first);
            continue;
        }
        let n = match first {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => return None,
        };
        let mut seq = vec![first];
        for _ in 0..n {
            if bytes.get(i) != Some(&b'%') {
                return None;
            }
            seq.push(hex_byte(bytes, i)?);
            i += 3;
        }
        let decoded = std::str::from_utf8(&seq).ok()?;
        out.extend_from_slice(decoded.as_bytes());
    }
    String::from_utf8(out).ok()
}

fn hex_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let h = bytes.get(at + 1..at + 3)?;
    let s = std::str::from_utf8(h).ok()?;
    u8::from_str_radix(s, 16)
        .ok()
        .filter(|_| h.iter().all(u8::is_ascii_hexdigit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_href(s: &str) -> (Option<String>, String) {
        match parse(s) {
            Ok(u) => (u.host, u.href),
            Err(e) => (None, format!("ERR {e}")),
        }
    }

    #[test]
    fn registry_like_urls() {
        assert_eq!(
            host_href("https://registry.npmjs.org"),
            (
                Some("registry.npmjs.org".into()),
                "https://registry.npmjs.org/".into()
            )
        );
        assert_eq!(host_href("https:host"), (None, "https:host".into()));
        assert_eq!(
            host_href("HTTP:host"),
            (Some("host".into()), "http://host/".into())
        );
        assert_eq!(
            host_href("http://a b/"),
            (Some("a".into()), "http://a/%20b/".into())
        );
        assert_eq!(
            host_href("http://a:b@c:d@e/"),
            (Some("e".into()), "http://a:b%40c:d@e/".into())
        );
        assert_eq!(host_href("http://%zz@h/").1, "ERR URI malformed");
        assert_eq!(
            host_href("http://[::1]:80/x"),
            (Some("[::1]:80".into()), "http://[::1]:80/x".into())
        );
        assert_eq!(
            host_href("  /just/a/path?q "),
            (None, "/just/a/path?q".into())
        );
    }
}
