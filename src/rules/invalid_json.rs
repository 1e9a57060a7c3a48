//! `invalid-json`: a `package.json` that `JSON.parse` rejects.
//!
//! The message is npm's: node 20's V8 `JSON.parse` error, rewritten by
//! `json-parse-even-better-errors` and prefixed by `@npmcli/package-json`
//! (npm-semantics.md §10). V8's parser is ported below error for error;
//! positions are UTF-16 code units of the BOM-stripped text, like node's.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;

declare_rule! {
    name: "invalid-json",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "package.json that is not valid JSON: every npm command that reads it fails with EJSONPARSE",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let bom = if m.bom { '\u{feff}'.len_utf8() } else { 0 };
        let body = m.text.get(bom..).unwrap_or("");
        let units: Vec<u16> = body.encode_utf16().collect();
        let Err(err) = v8_parse(&units) else {
            continue;
        };
        let byte = bom + byte_of_unit(body, err.pos.min(units.len()));
        let (line, col) = crate::util::line_col(&m.text, byte);
        let span = if byte < m.text.len() {
            let len = m
                .text
                .get(byte..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            byte..byte + len
        } else {
            byte..byte
        };
        let npm_text = npm_message(&err.message, &units);
        let d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            span,
            format!(
                "package.json is not valid JSON ({}, line {line} column {col}): npm fails with EJSONPARSE",
                short(&err.message)
            ),
        )
        .label(label(&err.message))
        .note(format!(
            "npm prints: npm error code EJSONPARSE\nnpm error JSON.parse {npm_text}"
        ))
        .help(if m.encoding_notes.iter().any(|n| n.contains("UTF-16")) {
            "the file is UTF-16: save it as UTF-8 (npm reads package.json as UTF-8)"
        } else {
            "package.json must be strict JSON: double-quoted keys and strings, no comments, no trailing commas"
        });
        out.push(d);
    }
}

/// V8's message without the ` in JSON at position N` tail and the context.
fn short(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("Unexpected token '") {
        let c: String = rest.chars().take(1).collect();
        return format!("unexpected character `{c}`");
    }
    if message.ends_with("is not valid JSON") && message.starts_with('"') {
        return "not a JSON value".to_string();
    }
    let base = message
        .split(" in JSON at position")
        .next()
        .unwrap_or(message);
    let base = base.split(" at position").next().unwrap_or(base);
    let base = base.split(", \"").next().unwrap_or(base);
    let base = base.split(", ...\"").next().unwrap_or(base);
    let mut c = base.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn label(message: &str) -> &'static str {
    if message.starts_with("Expected double-quoted property name") {
        "trailing comma or unquoted key"
    } else if message.starts_with("Expected ',' or") {
        "missing comma"
    } else if message.starts_with("Unexpected end") || message.starts_with("Unterminated string") {
        "the file ends here"
    } else if message.starts_with("Unexpected non-whitespace") {
        "text after the JSON value"
    } else {
        "here"
    }
}

/// The byte offset of UTF-16 unit `unit` in `text`.
fn byte_of_unit(text: &str, unit: usize) -> usize {
    let mut u = 0;
    for (i, c) in text.char_indices() {
        if u >= unit {
            return i;
        }
        u += c.len_utf16();
    }
    text.len()
}

/// A V8 `JSON.parse` error: message and position (UTF-16 units).
#[derive(Debug, Clone, PartialEq, Eq)]
struct V8Error {
    message: String,
    pos: usize,
}

const MAX_CONTEXT: usize = 10;
const MIN_LENGTH_FOR_CONTEXT: usize = MAX_CONTEXT * 2 + 1;

/// Nesting beyond this is not analysed (V8 has no limit; we do not recurse
/// without bound on untrusted input): the manifest reader refuses it.
const MAX_DEPTH: usize = crate::manifest::json::MAX_DEPTH;

struct Parser<'a> {
    s: &'a [u16],
    i: usize,
    depth: usize,
    too_deep: bool,
}

fn is_ws(c: u16) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0A | 0x0D)
}

fn at(pos: usize, what: &str) -> V8Error {
    V8Error {
        message: format!("{what} in JSON at position {pos}"),
        pos,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.i += 1;
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        String::from_utf16_lossy(self.s.get(from..to.min(self.s.len())).unwrap_or(&[]))
    }

    /// `ReportUnexpectedToken` for the character at `pos` (or the end).
    fn unexpected(&self, pos: usize) -> V8Error {
        let Some(c) = self.s.get(pos).copied() else {
            return V8Error {
                message: "Unexpected end of JSON input".into(),
                pos,
            };
        };
        let whole = self.text(0, self.s.len());
        if matches!(
            whole.as_str(),
            "undefined" | "NaN" | "Infinity" | "[object Object]"
        ) {
            return V8Error {
                message: format!("\"{whole}\" is not valid JSON"),
                pos,
            };
        }
        let token = String::from_utf16_lossy(&[c]);
        let len = self.s.len();
        let message = if len < MIN_LENGTH_FOR_CONTEXT {
            format!("Unexpected token '{token}', \"{whole}\" is not valid JSON")
        } else if pos < MAX_CONTEXT {
            format!(
                "Unexpected token '{token}', \"{}\"... is not valid JSON",
                self.text(0, pos + MAX_CONTEXT)
            )
        } else if pos < len - MAX_CONTEXT {
            format!(
                "Unexpected token '{token}', ...\"{}\"... is not valid JSON",
                self.text(pos - MAX_CONTEXT, pos + MAX_CONTEXT)
            )
        } else {
            format!(
                "Unexpected token '{token}', ...\"{}\" is not valid JSON",
                self.text(pos - MAX_CONTEXT, len)
            )
        };
        V8Error { message, pos }
    }

    fn value(&mut self) -> Result<(), V8Error> {
        self.skip_ws();
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return Ok(());
        }
        match self.peek() {
            Some(0x22) => self.string(),
            Some(0x7B) => {
                self.depth += 1;
                let r = self.object();
                self.depth -= 1;
                r
            }
            Some(0x5B) => {
                self.depth += 1;
                let r = self.array();
                self.depth -= 1;
                r
            }
            Some(0x74) => self.literal("true"),
            Some(0x66) => self.literal("false"),
            Some(0x6E) => self.literal("null"),
            Some(c) if c == 0x2D || (0x30..=0x39).contains(&c) => self.number(),
            _ => Err(self.unexpected(self.i)),
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), V8Error> {
        for b in word.bytes() {
            match self.peek() {
                Some(c) if c == u16::from(b) => self.i += 1,
                _ => return Err(self.unexpected(self.i)),
            }
        }
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| (0x30..=0x39).contains(&c)) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), V8Error> {
        if self.peek() == Some(0x2D) {
            self.i += 1;
        }
        match self.peek() {
            Some(0x30) => {
                self.i += 1;
                if self.peek().is_some_and(|c| (0x30..=0x39).contains(&c)) {
                    return Err(at(self.i, "Unexpected number"));
                }
            }
            Some(c) if (0x31..=0x39).contains(&c) => {
                self.digits();
            }
            _ => return Err(at(self.i, "No number after minus sign")),
        }
        if self.peek() == Some(0x2E) {
            self.i += 1;
            if self.digits() == 0 {
                return Err(at(self.i, "Unterminated fractional number"));
            }
        }
        if matches!(self.peek(), Some(0x65 | 0x45)) {
            self.i += 1;
            if matches!(self.peek(), Some(0x2B | 0x2D)) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(at(self.i, "Exponent part is missing a number"));
            }
        }
        Ok(())
    }

    fn string(&mut self) -> Result<(), V8Error> {
        self.i += 1;
        loop {
            let Some(c) = self.peek() else {
                return Err(at(self.i, "Unterminated string"));
            };
            match c {
                0x22 => {
                    self.i += 1;
                    return Ok(());
                }
                0x5C => {
                    self.i += 1;
                    match self.peek() {
                        None => return Err(self.unexpected(self.i)),
                        Some(0x22 | 0x5C | 0x2F | 0x62 | 0x66 | 0x6E | 0x72 | 0x74) => self.i += 1,
                        Some(0x75) => {
                            self.i += 1;
                            for _ in 0..4 {
                                match self.peek() {
                                    Some(h)
                                        if char::from_u32(u32::from(h))
                                            .is_some_and(|c| c.is_ascii_hexdigit()) =>
                                    {
                                        self.i += 1;
                                    }
                                    _ => return Err(at(self.i, "Bad Unicode escape")),
                                }
                            }
                        }
                        Some(_) => return Err(at(self.i, "Bad escaped character")),
                    }
                }
                c if c < 0x20 => return Err(at(self.i, "Bad control character in string literal")),
                _ => self.i += 1,
            }
        }
    }

    fn object(&mut self) -> Result<(), V8Error> {
        self.i += 1;
        self.skip_ws();
        if self.peek() == Some(0x7D) {
            self.i += 1;
            return Ok(());
        }
        if self.peek() != Some(0x22) {
            return Err(at(self.i, "Expected property name or '}'"));
        }
        loop {
            self.string()?;
            self.skip_ws();
            if self.peek() != Some(0x3A) {
                return Err(at(self.i, "Expected ':' after property name"));
            }
            self.i += 1;
            self.value()?;
            self.skip_ws();
            match self.peek() {
                Some(0x2C) => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() != Some(0x22) {
                        return Err(at(self.i, "Expected double-quoted property name"));
                    }
                }
                Some(0x7D) => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(at(self.i, "Expected ',' or '}' after property value")),
            }
        }
    }

    fn array(&mut self) -> Result<(), V8Error> {
        self.i += 1;
        self.skip_ws();
        if self.peek() == Some(0x5D) {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.value()?;
            self.skip_ws();
            match self.peek() {
                Some(0x2C) => self.i += 1,
                Some(0x5D) => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(at(self.i, "Expected ',' or ']' after array element")),
            }
        }
    }
}

/// node 20's `JSON.parse(text)`: Ok, or V8's error.
fn v8_parse(s: &[u16]) -> Result<(), V8Error> {
    let mut p = Parser {
        s,
        i: 0,
        depth: 0,
        too_deep: false,
    };
    let r = p.value();
    if p.too_deep {
        return Ok(());
    }
    r?;
    p.skip_ws();
    if p.i < s.len() {
        return Err(V8Error {
            message: format!(
                "Unexpected non-whitespace character after JSON at position {}",
                p.i
            ),
            pos: p.i,
        });
    }
    Ok(())
}

/// `JSON.stringify` of a string given as UTF-16 units.
fn js_stringify(units: &[u16]) -> String {
    let mut out = String::from("\"");
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok(c) if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate())),
        }
    }
    out.push('"');
    out
}

/// `json-parse-even-better-errors` `parseError` + `@npmcli/package-json`'s
/// prefix: the text npm prints after `npm error JSON.parse`.
fn npm_message(v8: &str, txt: &[u16]) -> String {
    const CONTEXT: usize = 20;
    let mut msg = v8.to_string();
    let detail = if txt.is_empty() {
        "empty string".to_string()
    } else {
        if let Some(rest) = msg.strip_prefix("Unexpected token '") {
            let mut chars = rest.chars();
            if let (Some(c), Some('\'')) = (chars.next(), chars.next()) {
                if !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                    let tail = chars.as_str();
                    let code = c.encode_utf16(&mut [0; 2])[0];
                    let mut hex = format!("{code:X}");
                    if hex.len() % 2 == 1 {
                        hex.insert(0, '0');
                    }
                    msg = format!("Unexpected token {} (0x{hex}){tail}", js_stringify(&[code]));
                }
            }
        }
        let idx = v8
            .split(" position ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<usize>().ok())
            .or_else(|| {
                v8.starts_with("Unexpected end of JSON")
                    .then(|| txt.len() - 1)
            });
        match idx {
            None => format!(
                "'{}'",
                String::from_utf16_lossy(txt.get(..(CONTEXT * 2).min(txt.len())).unwrap_or(&[]))
            ),
            Some(i) => {
                let start = i.saturating_sub(CONTEXT);
                let end = if i + CONTEXT >= txt.len() {
                    txt.len()
                } else {
                    i + CONTEXT
                };
                let mut slice: Vec<u16> = Vec::new();
                if start > 0 {
                    slice.extend("...".encode_utf16());
                }
                slice.extend_from_slice(txt.get(start..end).unwrap_or(&[]));
                if end != txt.len() {
                    slice.extend("...".encode_utf16());
                }
                let near = if slice == txt { "" } else { "near " };
                format!("{near}{}", js_stringify(&slice))
            }
        }
    };
    format!("Invalid package.json: JSONParseError: {msg} while parsing {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, npm's message) — produced by node 20.20.2 with npm 11.19.1's
    /// json-parse-even-better-errors.
    const CASES: &[(&str, &str)] = &[
        (
            "",
            "Unexpected end of JSON input while parsing empty string",
        ),
        (" ", "Unexpected end of JSON input while parsing \" \""),
        (
            "{",
            "Expected property name or '}' in JSON at position 1 while parsing \"{\"",
        ),
        (
            "{\n  \"name\": \"a\",\n}\n",
            "Expected double-quoted property name in JSON at position 17 while parsing \"{\\n  \\\"name\\\": \\\"a\\\",\\n}\\n\"",
        ),
        (
            "{\"a\":1}x",
            "Unexpected non-whitespace character after JSON at position 7 while parsing \"{\\\"a\\\":1}x\"",
        ),
        (
            "{\"a\" 1}",
            "Expected ':' after property name in JSON at position 5 while parsing \"{\\\"a\\\" 1}\"",
        ),
        (
            "[1 2]",
            "Expected ',' or ']' after array element in JSON at position 3 while parsing \"[1 2]\"",
        ),
        (
            "{\"a\":\"\\q\"}",
            "Bad escaped character in JSON at position 7 while parsing \"{\\\"a\\\":\\\"\\\\q\\\"}\"",
        ),
        (
            "{\"a\":\"\\u12\"}",
            "Bad Unicode escape in JSON at position 10 while parsing \"{\\\"a\\\":\\\"\\\\u12\\\"}\"",
        ),
        (
            "{\"a\":-}",
            "No number after minus sign in JSON at position 6 while parsing \"{\\\"a\\\":-}\"",
        ),
        (
            "{\"a\":1e}",
            "Exponent part is missing a number in JSON at position 7 while parsing \"{\\\"a\\\":1e}\"",
        ),
        (
            "{\"a\":1.}",
            "Unterminated fractional number in JSON at position 7 while parsing \"{\\\"a\\\":1.}\"",
        ),
        (
            "{\"a\":01}",
            "Unexpected number in JSON at position 6 while parsing \"{\\\"a\\\":01}\"",
        ),
        (
            "{\"a\":tru}",
            "Unexpected token \"}\" (0x7D), \"{\"a\":tru}\" is not valid JSON while parsing '{\"a\":tru}'",
        ),
        (
            "{\"a\":\"abc",
            "Unterminated string in JSON at position 9 while parsing \"{\\\"a\\\":\\\"abc\"",
        ),
        (
            "abc",
            "Unexpected token \"a\" (0x61), \"abc\" is not valid JSON while parsing 'abc'",
        ),
        ("tru", "Unexpected end of JSON input while parsing \"tru\""),
        (
            "{\"name\": \"x\", \"version\": \"1.0.0\", \"a\": ,}",
            "Unexpected token \",\" (0x2C), ...\".0\", \"a\": ,}\" is not valid JSON while parsing '{\"name\": \"x\", \"version\": \"1.0.0\", \"a\": ,'",
        ),
        (
            "{\"a\":\"\t\"}",
            "Bad control character in string literal in JSON at position 6 while parsing \"{\\\"a\\\":\\\"\\t\\\"}\"",
        ),
        (
            "{\"name\":\"a\",\"description\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" \"b\":1}",
            "Expected ',' or '}' after property value in JSON at position 86 while parsing near \"...xxxxxxxxxxxxxxxxxx\\\" \\\"b\\\":1}\"",
        ),
        (
            "{\"a\":\"\\",
            "Unexpected end of JSON input while parsing \"{\\\"a\\\":\\\"\\\\\"",
        ),
        ("[", "Unexpected end of JSON input while parsing \"[\""),
        (
            "undefined",
            "\"undefined\" is not valid JSON while parsing 'undefined'",
        ),
        (
            "{\"a\":\u{a0} 1}",
            "Unexpected token \"\u{a0}\" (0xA0), \"{\"a\":\u{a0} 1}\" is not valid JSON while parsing '{\"a\":\u{a0} 1}'",
        ),
    ];

    #[test]
    fn messages_match_node() {
        for (text, expected) in CASES {
            let units: Vec<u16> = text.encode_utf16().collect();
            let err = v8_parse(&units).expect_err(text);
            assert_eq!(
                npm_message(&err.message, &units),
                format!("Invalid package.json: JSONParseError: {expected}"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn context_windows() {
        let cases = [
            (
                "{\"abcdefghijklmnopqrstuvwxyz\": x}",
                "Unexpected token 'x', ...\"tuvwxyz\": x}\" is not valid JSON",
            ),
            (
                "{\"abcdefghijklmnopqrstuvwxyz\": 1, \"b\": x, \"ccccccccccccccccc\": 1}",
                "Unexpected token 'x', ...\": 1, \"b\": x, \"cccccc\"... is not valid JSON",
            ),
            (
                "x{\"abcdefghijklmnopqrstuvwxyz\": 1}",
                "Unexpected token 'x', \"x{\"abcdefg\"... is not valid JSON",
            ),
            (
                "{\"a\":trux}",
                "Unexpected token 'x', \"{\"a\":trux}\" is not valid JSON",
            ),
            (
                "{\"a\":nulll}",
                "Expected ',' or '}' after property value in JSON at position 9",
            ),
            ("{\"a\":-01}", "Unexpected number in JSON at position 7"),
            ("{\"a\":\"\\u", "Bad Unicode escape in JSON at position 8"),
        ];
        for (text, expected) in cases {
            let units: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(
                v8_parse(&units).expect_err(text).message,
                expected,
                "{text:?}"
            );
        }
        for ok in [
            "{}",
            "[]",
            "1",
            "\"a\"",
            "{\"a\":[1,2,{\"b\":null}],\"c\":-1.5e+3}",
            " true ",
        ] {
            let units: Vec<u16> = ok.encode_utf16().collect();
            assert!(v8_parse(&units).is_ok(), "{ok}");
        }
    }
}
