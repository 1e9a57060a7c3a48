//! Small, exact re-implementations of the JavaScript built-ins that npm's
//! `ini` relies on: `String.prototype.trim` (and the regex `\s` class),
//! `JSON.parse`, `Number.prototype.toString` and `String(value)` as used for
//! property keys.
//!
//! Representation choice: JS strings are UTF-16 and may hold lone
//! surrogates (`JSON.parse('"\ud800"')` succeeds in JS). Rust strings cannot,
//! so a lone surrogate escape decodes to U+FFFD REPLACEMENT CHARACTER. This is
//! the same character node's UTF-8 encoder writes for it, so anything npm
//! would print or send matches.

use crate::value::Value;

/// Maximum nesting of arrays/objects accepted by [`json_parse`]. V8 accepts
/// deeper input; beyond this depth we report a parse failure instead of
/// risking a stack overflow (a documented divergence on absurd input).
pub const MAX_JSON_DEPTH: usize = 500;

/// Whether `c` is in the JS `WhiteSpace` or `LineTerminator` set, i.e. what
/// regex `\s` matches and what `String.prototype.trim` strips. Includes
/// U+FEFF and U+00A0, excludes U+0085.
#[must_use]
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `String.prototype.trim`.
#[must_use]
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// Byte offsets `(start, end)` of [`js_trim`]`(s)` inside `s`.
#[must_use]
pub fn js_trim_bounds(s: &str) -> (usize, usize) {
    let start = s.len() - s.trim_start_matches(is_js_space).len();
    let end = s.trim_end_matches(is_js_space).len();
    if end < start {
        (start, start)
    } else {
        (start, end)
    }
}

/// `Number.prototype.toString()` (radix 10), exact for every `f64`.
#[must_use]
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if n == 0.0 {
        return "0".into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest round-trip digits, e.g. `1.5e-7`.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let e: i64 = exp.parse().unwrap_or(0);
    format!("{sign}{}", layout_number(&digits, e + 1))
}

/// Lays out digits `d` with decimal exponent `n` (value = 0.d × 10^n) as the
/// ECMAScript `Number::toString` algorithm does.
fn layout_number(d: &str, n: i64) -> String {
    let k = i64::try_from(d.len()).unwrap_or(i64::MAX);
    if k <= n && n <= 21 {
        let zeros = usize::try_from(n - k).unwrap_or(0);
        format!("{d}{}", "0".repeat(zeros))
    } else if 0 < n && n <= 21 {
        let cut = usize::try_from(n).unwrap_or(0);
        format!("{}.{}", &d[..cut], &d[cut..])
    } else if -6 < n && n <= 0 {
        let zeros = usize::try_from(-n).unwrap_or(0);
        format!("0.{}{d}", "0".repeat(zeros))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = d.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{frac}e{sign}{}", e.abs())
    }
}

/// `String(value)`, which is also how a value becomes a property key.
#[must_use]
pub fn to_js_string(v: &Value) -> String {
    v.js_string()
}

/// `JSON.parse(text)`; `None` where JS would throw a `SyntaxError`.
/// Duplicate object keys: last value wins, first position kept; array-index
/// keys are ordered first (both via [`crate::value::JsObject`]).
#[must_use]
pub fn json_parse(text: &str) -> Option<Value> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        src: text,
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

struct JsonParser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn lit(&mut self, word: &str, v: Value) -> Option<Value> {
        if self.s.get(self.i..self.i + word.len()) == Some(word.as_bytes()) {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        match self.s.get(self.i)? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::Str),
            b't' => self.lit("true", Value::Bool(true)),
            b'f' => self.lit("false", Value::Bool(false)),
            b'n' => self.lit("null", Value::Null),
            _ => self.number(),
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Some(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth)?);
            self.ws();
            if self.eat(b']') {
                return Some(Value::Array(items));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.i += 1;
        let mut obj = crate::value::JsObject::new();
        self.ws();
        if self.eat(b'}') {
            return Some(Value::Object(obj));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return None;
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return None;
            }
            self.ws();
            let v = self.value(depth)?;
            obj.insert(key, v);
            self.ws();
            if self.eat(b'}') {
                return Some(Value::Object(obj));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.eat(b'-');
        match self.s.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            self.required_digits()?;
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.required_digits()?;
        }
        let text = self.src.get(start..self.i)?;
        text.parse::<f64>().ok().map(Value::Number)
    }

    fn digits(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
    }

    fn required_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.src.get(self.i..self.i + 4)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        u32::from_str_radix(h, 16).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        let mut pending_high: Option<u32> = None;
        loop {
            let b = *self.s.get(self.i)?;
            if b == b'\\' && self.s.get(self.i + 1) == Some(&b'u') {
                self.i += 2;
                let unit = self.hex4()?;
                push_unit(&mut out, &mut pending_high, unit);
                continue;
            }
            flush_high(&mut out, &mut pending_high);
            match b {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    let c = match self.s.get(self.i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    };
                    out.push(c);
                    self.i += 2;
                }
                0..=0x1F => return None,
                _ => {
                    let rest = self.src.get(self.i..)?;
                    let c = rest.chars().next()?;
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
}

/// Appends one UTF-16 code unit from a `\uXXXX` escape, pairing surrogates.
fn push_unit(out: &mut String, pending_high: &mut Option<u32>, unit: u32) {
    match (*pending_high, unit) {
        (Some(hi), 0xDC00..=0xDFFF) => {
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (unit - 0xDC00);
            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
            *pending_high = None;
        }
        (_, 0xD800..=0xDBFF) => {
            flush_high(out, pending_high);
            *pending_high = Some(unit);
        }
        _ => {
            flush_high(out, pending_high);
            out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
        }
    }
}

/// A high surrogate not followed by a low one is a lone surrogate: U+FFFD.
fn flush_high(out: &mut String, pending_high: &mut Option<u32>) {
    if pending_high.take().is_some() {
        out.push('\u{FFFD}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_matches_js() {
        assert_eq!(js_trim("\u{FEFF}\u{A0} a \u{3000}"), "a");
        assert_eq!(js_trim("\u{85}a\u{85}"), "\u{85}a\u{85}");
        assert_eq!(js_trim_bounds("  "), (2, 2));
        assert_eq!(js_trim_bounds(" ab "), (1, 3));
    }

    #[test]
    fn numbers_format_like_js() {
        // Expected strings from node: String(n).
        let table = [
            (1e21, "1e+21"),
            (1.5e-7, "1.5e-7"),
            (123.0, "123"),
            (0.1, "0.1"),
            (-0.0, "0"),
            (1e20, "100000000000000000000"),
            (123_456.789, "123456.789"),
            (0.000_001, "0.000001"),
            (1.234e-7, "1.234e-7"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-2.5, "-2.5"),
        ];
        for (n, s) in table {
            assert_eq!(number_to_string(n), s, "{n}");
        }
    }

    #[test]
    fn json_parse_matches_js() {
        assert_eq!(json_parse(" 1 "), Some(Value::Number(1.0)));
        assert_eq!(
            json_parse("\"\\ud800\""),
            Some(Value::Str("\u{FFFD}".into()))
        );
        assert_eq!(
            json_parse("\"\\ud83d\\ude00\""),
            Some(Value::Str("😀".into()))
        );
        assert_eq!(json_parse("1e400"), Some(Value::Number(f64::INFINITY)));
        assert_eq!(json_parse("01"), None);
        assert_eq!(json_parse("1."), None);
        assert_eq!(json_parse(".5"), None);
        assert_eq!(json_parse("+1"), None);
        assert_eq!(json_parse("\"a\tb\""), None);
        assert_eq!(json_parse("\u{A0}1"), None);
        assert_eq!(json_parse("[1,]"), None);
        let Some(Value::Object(o)) = json_parse(r#"{"b":1,"1":2,"b":3}"#) else {
            panic!("object expected");
        };
        assert_eq!(o.keys(), vec!["1", "b"]);
        assert_eq!(o.get("b"), Some(&Value::Number(3.0)));
    }

    #[test]
    fn property_keys() {
        let arr = Value::Array(vec![
            Value::Number(1.0),
            Value::Null,
            Value::Str("x".into()),
        ]);
        assert_eq!(to_js_string(&arr), "1,,x");
        assert_eq!(to_js_string(&Value::Bool(true)), "true");
    }
}
