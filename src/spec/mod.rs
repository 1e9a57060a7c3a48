//! Dependency specs exactly as npm 11 reads them.
//!
//! - [`semver`]: node-semver 7.8 `valid()`, `validRange()` and `satisfies()`,
//!   ported regex by regex from `internal/re.js`;
//! - [`name`]: `validate-npm-package-name` 7.0.2;
//! - [`hosted`]: the part of `hosted-git-info` 9 that `npm-package-arg` uses;
//! - [`npa`]: `npm-package-arg` 13 (`npa()` and `npa.resolve()`).
//!
//! This module also holds the small JavaScript primitives the ports need
//! (`String.prototype.trim`, `/\s/`, `encodeURIComponent`,
//! `decodeURIComponent`, `Number#toString`), because Rust's equivalents
//! differ on edge cases (U+FEFF, U+0085, large integers).

pub use crate::npmrc::js::{is_js_space, js_trim, number_to_string};

pub mod hosted;
pub mod name;
pub mod npa;
pub mod semver;

/// The body of a regex character class equal to JS `\s` (for the `regex` crate).
pub(crate) const JS_WS_CLASS: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// JavaScript `s.split(/\s+/)` (keeps a leading/trailing empty piece).
#[must_use]
pub fn js_split_ws(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_ws = false;
    let mut ws_start = 0;
    for (i, c) in s.char_indices() {
        if is_js_space(c) {
            if !in_ws {
                in_ws = true;
                ws_start = i;
            }
        } else if in_ws {
            in_ws = false;
            out.push(s.get(start..ws_start).unwrap_or(""));
            start = i;
        }
    }
    if in_ws {
        out.push(s.get(start..ws_start).unwrap_or(""));
        out.push("");
    } else {
        out.push(s.get(start..).unwrap_or(""));
    }
    out
}

/// The length of `s` in UTF-16 code units (JavaScript `.length`).
#[must_use]
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// JavaScript `encodeURIComponent` (input is valid UTF-8, so it never throws).
#[must_use]
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JavaScript `decodeURIComponent`; `None` where JS throws `URIError`.
#[must_use]
pub fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        let lead = hex_byte(bytes, i)?;
        i += 3;
        let n = utf8_len(lead)?;
        let mut seq = vec![lead];
        for _ in 1..n {
            if bytes.get(i) != Some(&b'%') {
                return None;
            }
            let cont = hex_byte(bytes, i)?;
            if cont & 0xC0 != 0x80 {
                return None;
            }
            seq.push(cont);
            i += 3;
        }
        std::str::from_utf8(&seq).ok()?;
        out.extend_from_slice(&seq);
    }
    String::from_utf8(out).ok()
}

fn hex_byte(bytes: &[u8], pct: usize) -> Option<u8> {
    let hi = char::from(*bytes.get(pct + 1)?).to_digit(16)?;
    let lo = char::from(*bytes.get(pct + 2)?).to_digit(16)?;
    u8::try_from(hi * 16 + lo).ok()
}

fn utf8_len(lead: u8) -> Option<usize> {
    match lead {
        0x00..=0x7F => Some(1),
        0xC0..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF7 => Some(4),
        _ => None,
    }
}

/// JavaScript `String(+digits + 1)` for a string of ASCII digits.
#[must_use]
pub fn js_digits_plus_one(digits: &str) -> String {
    let n: f64 = digits.parse().unwrap_or(f64::NAN);
    number_to_string(n + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_and_split_follow_js() {
        assert_eq!(js_trim("\u{FEFF} a \u{3000}"), "a");
        assert_eq!(js_trim("\u{85}a"), "\u{85}a");
        assert_eq!(js_split_ws(" a  b "), vec!["", "a", "b", ""]);
        assert_eq!(js_split_ws(""), vec![""]);
        assert_eq!(js_split_ws("a"), vec!["a"]);
    }

    #[test]
    fn uri_component_round_trips() {
        assert_eq!(encode_uri_component("@a/b c"), "%40a%2Fb%20c");
        assert_eq!(encode_uri_component("é"), "%C3%A9");
        assert_eq!(decode_uri_component("%C3%A9%2f").as_deref(), Some("é/"));
        assert_eq!(decode_uri_component("%E0%A4%A"), None);
        assert_eq!(decode_uri_component("%ED%A0%80"), None);
        assert_eq!(decode_uri_component("%C0%80"), None);
        assert_eq!(decode_uri_component("%"), None);
    }

    #[test]
    fn number_strings_follow_js() {
        assert_eq!(number_to_string(3.0), "3");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(
            number_to_string(12_345_678_901_234_567_890.0),
            "12345678901234567000"
        );
        assert_eq!(number_to_string(1.5e300), "1.5e+300");
        assert_eq!(number_to_string(0.5), "0.5");
        assert_eq!(js_digits_plus_one("9007199254740992"), "9007199254740992");
        assert_eq!(js_digits_plus_one("01"), "2");
    }
}
