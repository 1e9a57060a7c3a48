//! A lossless lexer for the `.npmrc` dialect, line for line what `ini` 6.0.0
//! `decode()` does before it assigns anything.
//!
//! The text is split like `str.split(/[\r\n]+/)`: each [`Line`] is one element
//! of that split plus the run of `\r`/`\n` after it (its terminator), so the
//! lines tile the input exactly and [`print`] reproduces it byte for byte.
//! A leading terminator run yields an empty first line, as in JS.
//!
//! Per line, in `decode()`'s order:
//! 1. empty or only JS whitespace ⇒ [`LineKind::Blank`];
//! 2. `/^\s*[;#]/` ⇒ [`LineKind::Comment`];
//! 3. the whole line matches `/^\[([^\]]*)\]\s*$/` ⇒ [`LineKind::Section`];
//! 4. `/^([^=]+)(=(.*))?$/` ⇒ [`LineKind::Entry`] (key before the first `=`);
//! 5. otherwise [`LineKind::Dropped`]: the line starts with `=`, or the text
//!    after the first `=` holds U+2028/U+2029, which JS `.` does not match.
//!
//! Keys, values and section names go through [`unsafe_`] (ini's `unsafe()`).

use std::ops::Range;

use super::js::{is_js_space, js_trim_bounds, json_parse, to_js_string};
use crate::value::Value;

/// One element of `text.split(/[\r\n]+/)` with its terminator.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Index of this line in the `Vec<Line>` (0-based).
    pub index: usize,
    /// 1-based physical line number as an editor shows it (`\r\n`, lone
    /// `\r` and lone `\n` each end one physical line).
    pub number: usize,
    /// The line's text, without terminator.
    pub span: Range<usize>,
    /// The run of `\r`/`\n` after the line (empty for the last line).
    pub terminator: Range<usize>,
    /// What `decode()` makes of the line.
    pub kind: LineKind,
}

/// The classification of a line.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    /// Empty or JS-whitespace only.
    Blank,
    /// `^\s*[;#]`.
    Comment,
    /// `[name]` header.
    Section(Box<Section>),
    /// `key`, `key=value` or `key[]=value`.
    Entry(Box<Entry>),
    /// Ignored by `decode()` although not blank or a comment.
    Dropped,
}

/// How a key, value or section name was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// Not quoted as a whole: scanned for `;`/`#` and `\` escapes.
    None,
    /// Starts and ends with `"` (a lone `"` counts).
    Double,
    /// Starts and ends with `'` (a lone `'` counts).
    Single,
}

/// A key, value or section name after ini's `unsafe()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The JS-trimmed raw text in the input.
    pub span: Range<usize>,
    /// The result of `unsafe()`: a string, or any JSON value when quoted.
    pub value: Value,
    /// Quoting of the raw text.
    pub quote: Quote,
    /// Quoted, but `JSON.parse` threw: the text was kept (single quotes
    /// stripped, double quotes kept).
    pub json_failed: bool,
    /// Unquoted text cut by an unescaped `;` or `#`: from that character
    /// to the end of the raw part (for a value: end of line).
    pub comment: Option<Range<usize>>,
}

/// A `[section]` header.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The name between the brackets after `unsafe()`.
    pub name: Part,
    /// The property key the name becomes (`String(name)`).
    pub prop: String,
}

/// A `key[=value]` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key (text before the first `=`) after `unsafe()`, `[]` included.
    pub key: Part,
    /// The property key assigned: `String(key)` minus a `[]` suffix.
    pub prop: String,
    /// `key[]=…` (key is a string longer than 2 ending in `[]`).
    pub is_array: bool,
    /// The first `=`, when present.
    pub eq: Option<Range<usize>>,
    /// The raw value after `unsafe()`, when there is an `=`.
    pub raw_value: Option<Part>,
    /// The value assigned: `true` without `=`; strings `true`/`false`/`null`
    /// become JSON values; otherwise `raw_value.value`.
    pub value: Value,
}

/// Splits and classifies `text` exactly as `ini.decode()` reads it.
#[must_use]
pub fn lex(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut number = 1;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(text.len(), |p| start + p);
        let mut term_end = end;
        while matches!(bytes.get(term_end), Some(b'\r' | b'\n')) {
            term_end += 1;
        }
        let kind = classify(text, start..end);
        lines.push(Line {
            index: lines.len(),
            number,
            span: start..end,
            terminator: end..term_end,
            kind,
        });
        number += count_breaks(&bytes[end..term_end]);
        if end == text.len() {
            break;
        }
        start = term_end;
    }
    lines
}

/// Reassembles the text from lines (identity on the original text).
#[must_use]
pub fn print(lines: &[Line], text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in lines {
        out.push_str(text.get(line.span.start..line.terminator.end).unwrap_or(""));
    }
    out
}

/// Physical line breaks in a run of `\r`/`\n` (`\r\n` counts once).
fn count_breaks(run: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'\r' && run.get(i + 1) == Some(&b'\n') {
            i += 1;
        }
        n += 1;
        i += 1;
    }
    n
}

fn classify(text: &str, span: Range<usize>) -> LineKind {
    let line = &text[span.clone()];
    let first = line.trim_start_matches(is_js_space).chars().next();
    match first {
        None => return LineKind::Blank,
        Some(';' | '#') => return LineKind::Comment,
        Some(_) => {}
    }
    if let Some(section) = section(text, &span) {
        return LineKind::Section(Box::new(section));
    }
    entry(text, &span).map_or(LineKind::Dropped, |e| LineKind::Entry(Box::new(e)))
}

/// `^\[([^\]]*)\]\s*$` on the whole line.
fn section(text: &str, span: &Range<usize>) -> Option<Section> {
    let line = &text[span.clone()];
    let inner = line.strip_prefix('[')?;
    let close = inner.find(']')?;
    if !inner[close + 1..].chars().all(is_js_space) {
        return None;
    }
    let name = unsafe_(text, span.start + 1..span.start + 1 + close);
    let prop = to_js_string(&name.value);
    Some(Section { name, prop })
}

/// `^([^=]+)(=(.*))?$` on the whole line.
fn entry(text: &str, span: &Range<usize>) -> Option<Entry> {
    let line = &text[span.clone()];
    let eq = line.find('=');
    if eq == Some(0) {
        return None;
    }
    if let Some(eq) = eq {
        if line[eq + 1..].contains(['\u{2028}', '\u{2029}']) {
            return None;
        }
    }
    let key_end = eq.map_or(span.end, |e| span.start + e);
    let key = unsafe_(text, span.start..key_end);
    let raw_value = eq.map(|e| unsafe_(text, span.start + e + 1..span.end));
    let (is_array, prop) = array_key(&key.value);
    let value = match &raw_value {
        None => Value::Bool(true),
        Some(part) => literal(&part.value),
    };
    let eq = eq.map(|e| span.start + e..span.start + e + 1);
    Some(Entry {
        key,
        prop,
        is_array,
        eq,
        raw_value,
        value,
    })
}

/// `isArray` and the property key from `keyRaw`.
fn array_key(key: &Value) -> (bool, String) {
    match key {
        Value::Str(s) if s.len() > 2 && s.ends_with("[]") => (true, s[..s.len() - 2].to_string()),
        other => (false, to_js_string(other)),
    }
}

/// The strings `true`, `false` and `null` become JSON values.
fn literal(v: &Value) -> Value {
    match v.as_str() {
        Some("true") => Value::Bool(true),
        Some("false") => Value::Bool(false),
        Some("null") => Value::Null,
        _ => v.clone(),
    }
}

/// ini's `unsafe()` applied to `text[raw]`, with spans.
#[must_use]
pub fn unsafe_(text: &str, raw: Range<usize>) -> Part {
    let (a, b) = js_trim_bounds(&text[raw.clone()]);
    let span = raw.start + a..raw.start + b;
    let val = &text[span.clone()];
    let quote = quote_of(val);
    if quote == Quote::None {
        let (s, cut) = unescape(val);
        let comment = cut.map(|c| span.start + c..raw.end);
        let (x, y) = js_trim_bounds(&s);
        let value = Value::Str(s[x..y].to_string());
        return Part {
            span,
            value,
            quote,
            json_failed: false,
            comment,
        };
    }
    let inner = if quote == Quote::Single {
        strip_single(val)
    } else {
        val
    };
    let parsed = json_parse(inner);
    let json_failed = parsed.is_none();
    let value = parsed.unwrap_or_else(|| Value::Str(inner.to_string()));
    Part {
        span,
        value,
        quote,
        json_failed,
        comment: None,
    }
}

/// `val.slice(1, -1)` for a string starting and ending with `'`.
fn strip_single(val: &str) -> &str {
    if val.len() >= 2 {
        &val[1..val.len() - 1]
    } else {
        ""
    }
}

/// ini's `isQuoted`.
fn quote_of(val: &str) -> Quote {
    if val.starts_with('"') && val.ends_with('"') {
        Quote::Double
    } else if val.starts_with('\'') && val.ends_with('\'') {
        Quote::Single
    } else {
        Quote::None
    }
}

/// The unquoted scan: stops at an unescaped `;`/`#` (returning its offset),
/// turns `\;` `\#` `\\` into the character, keeps other `\c` and a trailing `\`.
fn unescape(val: &str) -> (String, Option<usize>) {
    let mut out = String::with_capacity(val.len());
    let mut esc = false;
    for (i, c) in val.char_indices() {
        if esc {
            if !matches!(c, '\\' | ';' | '#') {
                out.push('\\');
            }
            out.push(c);
            esc = false;
        } else if c == ';' || c == '#' {
            return (out, Some(i));
        } else if c == '\\' {
            esc = true;
        } else {
            out.push(c);
        }
    }
    if esc {
        out.push('\\');
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_of(line: &str) -> Entry {
        match lex(line).remove(0).kind {
            LineKind::Entry(e) => *e,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn splits_like_js() {
        let text = "\na\r\n\r\nb\rc\n";
        let lines = lex(text);
        let spans: Vec<&str> = lines.iter().map(|l| &text[l.span.clone()]).collect();
        assert_eq!(spans, ["", "a", "b", "c", ""]);
        let numbers: Vec<usize> = lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 4, 5, 6]);
        assert_eq!(print(&lines, text), text);
        assert_eq!(lex("").len(), 1);
    }

    #[test]
    fn classifies_lines() {
        let kinds = |t: &str| -> Vec<&'static str> {
            lex(t)
                .iter()
                .map(|l| match l.kind {
                    LineKind::Blank => "blank",
                    LineKind::Comment => "comment",
                    LineKind::Section(_) => "section",
                    LineKind::Entry(_) => "entry",
                    LineKind::Dropped => "dropped",
                })
                .collect()
        };
        assert_eq!(kinds(" \u{FEFF}\t"), ["blank"]);
        assert_eq!(kinds("\u{FEFF}; c"), ["comment"]);
        assert_eq!(kinds("  # c"), ["comment"]);
        assert_eq!(kinds("[a] \t"), ["section"]);
        assert_eq!(kinds(" [a]"), ["entry"]);
        assert_eq!(kinds("[a] ; c"), ["entry"]);
        assert_eq!(kinds("\u{FEFF}[a]"), ["entry"]);
        assert_eq!(kinds("=x"), ["dropped"]);
        assert_eq!(kinds("a=b\u{2028}c"), ["dropped"]);
        assert_eq!(kinds("a\u{2028}b"), ["entry"]);
        assert_eq!(kinds("a\u{2028}=b"), ["entry"]);
        assert_eq!(kinds("\u{85}#x"), ["entry"]);
    }

    #[test]
    fn unsafe_table() {
        // (raw value, expected decoded value) — from node: ini.unsafe(raw).
        let table: Vec<(&str, Value)> = vec![
            ("foo # c", s("foo")),
            ("foo#c", s("foo")),
            ("foo\\#bar", s("foo#bar")),
            ("\"foo # bar\"", s("foo # bar")),
            ("\"foo\" # c", s("\"foo\"")),
            ("C:\\path\\x", s("C:\\path\\x")),
            ("a\\\\b\\;c", s("a\\b;c")),
            ("trail\\", s("trail\\")),
            ("'x\\ny'", s("x\\ny")),
            ("\"x\\ny\"", s("x\ny")),
            ("\"x\\qy\"", s("\"x\\qy\"")),
            ("'123'", Value::Number(123.0)),
            ("\"", s("\"")),
            ("'", s("")),
            ("' 1 '", Value::Number(1.0)),
            ("\"'a'\"", s("'a'")),
            ("'\"true\"'", s("true")),
            ("\"https://x/'", s("\"https://x/'")),
            ("  spaced  ", s("spaced")),
            ("a ;", s("a")),
        ];
        for (raw, want) in table {
            assert_eq!(unsafe_(raw, 0..raw.len()).value, want, "{raw:?}");
        }
    }

    #[test]
    fn entry_spans_and_values() {
        let line = "  key[] = v1 ; note";
        let e = entry_of(line);
        assert_eq!(&line[e.key.span.clone()], "key[]");
        assert_eq!(e.prop, "key");
        assert!(e.is_array);
        assert_eq!(e.eq, Some(8..9));
        let raw = e.raw_value.clone().unwrap_or_else(|| panic!("value"));
        assert_eq!(&line[raw.span.clone()], "v1 ; note");
        assert_eq!(raw.comment, Some(13..line.len()));
        assert_eq!(e.value, s("v1"));
        assert_eq!(entry_of("flag").value, Value::Bool(true));
        assert_eq!(entry_of("a=null").value, Value::Null);
        assert_eq!(entry_of("a=\"null\"").value, Value::Null);
        assert_eq!(entry_of("a=").value, s(""));
        assert_eq!(entry_of("a=b=c").value, s("b=c"));
        assert_eq!(entry_of("'1'=x").prop, "1");
        assert_eq!(entry_of("'1e21'=x").prop, "1e+21");
        assert_eq!(entry_of("a#b=c").prop, "a");
        assert_eq!(entry_of("[]=x").prop, "[]");
        assert!(!entry_of("[]=x").is_array);
        let q = entry_of("a='{\"x\":1'");
        assert!(
            q.raw_value
                .is_some_and(|p| p.json_failed && p.quote == Quote::Single)
        );
    }
}
