//! `package.json` with the byte span of every key and value, for
//! diagnostics that point at the exact place.
//!
//! Validity is decided by `serde_json` (strict JSON like `JSON.parse`, after
//! npm's BOM stripping); spans come from `jsonc-parser`'s AST with every
//! JSON extension switched off. Duplicate keys are recorded (npm keeps the
//! last one silently).

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// A `package.json` as read from disk.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    /// The text (lossy UTF-8), BOM included; spans index into it.
    pub text: String,
    /// Whether the file starts with a BOM (npm strips it).
    pub bom: bool,
    /// Notes about the bytes (invalid UTF-8, UTF-16).
    pub encoding_notes: Vec<String>,
    /// The parsed value, when it is valid JSON.
    pub value: Option<serde_json::Value>,
    /// Why it is not valid JSON.
    pub error: Option<JsonError>,
    /// Every key and value, by JSON pointer (`/publishConfig/registry`).
    pub nodes: Vec<Node>,
    /// Keys that appear twice in one object.
    pub duplicates: Vec<Duplicate>,
    /// Pointer → index in `nodes` of its last occurrence (the one
    /// `JSON.parse` keeps).
    index: HashMap<String, usize>,
    /// Line index of the text, built on first use.
    line_index: std::sync::OnceLock<crate::util::LineIndex>,
}

/// A JSON syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in [`Manifest::text`].
    pub offset: usize,
    pub message: String,
}

/// One member or element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub pointer: String,
    /// The key's span (with quotes), for object members.
    pub key_span: Option<Range<usize>>,
    pub value_span: Range<usize>,
}

/// A key written twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub pointer: String,
    /// The first (dead) occurrence's key span.
    pub first: Range<usize>,
    /// The later occurrence's key span (the one npm keeps).
    pub second: Range<usize>,
}

impl Manifest {
    /// Reads and parses `path`.
    ///
    /// # Errors
    /// The I/O error's node code (`ENOENT`, `EISDIR`, …).
    pub fn read(path: PathBuf) -> Result<Manifest, String> {
        let bytes = std::fs::read(&path).map_err(|e| super::io_code(&e))?;
        Ok(Manifest::from_bytes(path, &bytes))
    }

    /// Parses bytes already read.
    #[must_use]
    pub fn from_bytes(path: PathBuf, bytes: &[u8]) -> Manifest {
        let mut encoding_notes = Vec::new();
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            encoding_notes.push("is UTF-16 encoded; npm reads it as UTF-8".to_string());
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => {
                encoding_notes.push("is not valid UTF-8".to_string());
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        let bom = text.starts_with('\u{feff}');
        let offset = if bom { '\u{feff}'.len_utf8() } else { 0 };
        let body = text.get(offset..).unwrap_or("");
        let (value, error) = match serde_json::from_str::<serde_json::Value>(body) {
            Ok(v) => (Some(v), None),
            Err(e) => (
                None,
                Some(JsonError {
                    offset: offset + byte_offset(body, e.line(), e.column()),
                    message: e.to_string(),
                }),
            ),
        };
        let mut nodes = Vec::new();
        let mut duplicates = Vec::new();
        if value.is_some() {
            let options = ParseOptions {
                allow_comments: false,
                allow_loose_object_property_names: false,
                allow_trailing_commas: false,
                allow_missing_commas: false,
                allow_single_quoted_strings: false,
                allow_hexadecimal_numbers: false,
                allow_unary_plus_numbers: false,
                allow_bare_decimal_point_numbers: false,
                allow_non_finite_numbers: false,
                allow_extended_string_escapes: false,
            };
            if let Ok(parsed) = parse_to_ast(body, &CollectOptions::default(), &options) {
                if let Some(root) = &parsed.value {
                    let r = root.range();
                    nodes.push(Node {
                        pointer: String::new(),
                        key_span: None,
                        value_span: r.start + offset..r.end + offset,
                    });
                    collect(root, "", offset, &mut nodes, &mut duplicates);
                }
            }
        }
        let mut index = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            // the last occurrence is the one JSON.parse keeps
            index.insert(n.pointer.clone(), i);
        }
        Manifest {
            path,
            text,
            bom,
            encoding_notes,
            value,
            error,
            nodes,
            duplicates,
            index,
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// The node at a JSON pointer.
    #[must_use]
    pub fn node(&self, pointer: &str) -> Option<&Node> {
        self.nodes.get(*self.index.get(pointer)?)
    }

    /// 1-based (line, column) of a byte offset of the text.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.line_index
            .get_or_init(|| crate::util::LineIndex::new(&self.text))
            .line_col(&self.text, offset)
    }

    /// The value span at a pointer, falling back to the whole document.
    #[must_use]
    pub fn value_span(&self, pointer: &str) -> Range<usize> {
        self.node(pointer)
            .map_or_else(|| self.root_span(), |n| n.value_span.clone())
    }

    /// The key span at a pointer (or the value span, or the whole document).
    #[must_use]
    pub fn key_span(&self, pointer: &str) -> Range<usize> {
        self.node(pointer)
            .and_then(|n| n.key_span.clone())
            .unwrap_or_else(|| self.value_span(pointer))
    }

    fn root_span(&self) -> Range<usize> {
        let start = if self.bom { 3 } else { 0 };
        start..self.text.len().max(start)
    }

    /// The `name` field, when it is a string.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.value.as_ref()?.get("name")?.as_str()
    }
}

/// Escapes one JSON-pointer token (`~` → `~0`, `/` → `~1`).
#[must_use]
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn collect(
    value: &Ast<'_>,
    pointer: &str,
    offset: usize,
    nodes: &mut Vec<Node>,
    duplicates: &mut Vec<Duplicate>,
) {
    match value {
        Ast::Object(obj) => {
            // first occurrence of each key of this object
            let mut seen: HashMap<String, Range<usize>> = HashMap::new();
            for prop in &obj.properties {
                let name = match &prop.name {
                    ObjectPropName::String(s) => s.value.to_string(),
                    ObjectPropName::Word(w) => w.value.to_string(),
                };
                let kr = prop.name.range();
                let key_span = kr.start + offset..kr.end + offset;
                let vr = prop.value.range();
                let child = format!("{pointer}/{}", pointer_token(&name));
                match seen.entry(name) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        duplicates.push(Duplicate {
                            pointer: child.clone(),
                            first: first.get().clone(),
                            second: key_span.clone(),
                        });
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(key_span.clone());
                    }
                }
                nodes.push(Node {
                    pointer: child.clone(),
                    key_span: Some(key_span),
                    value_span: vr.start + offset..vr.end + offset,
                });
                collect(&prop.value, &child, offset, nodes, duplicates);
            }
        }
        Ast::Array(arr) => {
            for (i, el) in arr.elements.iter().enumerate() {
                let r = el.range();
                let child = format!("{pointer}/{i}");
                nodes.push(Node {
                    pointer: child.clone(),
                    key_span: None,
                    value_span: r.start + offset..r.end + offset,
                });
                collect(el, &child, offset, nodes, duplicates);
            }
        }
        _ => {}
    }
}

/// Byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_duplicates() {
        let text = "\u{feff}{\n  \"name\": \"@a/b\",\n  \"publishConfig\": {\"registry\": \"x\"},\n  \"name\": \"c\"\n}\n";
        let m = Manifest::from_bytes("package.json".into(), text.as_bytes());
        assert!(m.bom);
        assert_eq!(m.name(), Some("c"));
        let span = m.value_span("/publishConfig/registry");
        assert_eq!(m.text.get(span), Some("\"x\""));
        assert_eq!(m.duplicates.len(), 1);
        assert_eq!(m.text.get(m.duplicates[0].first.clone()), Some("\"name\""));
    }

    #[test]
    fn syntax_error_position() {
        let m = Manifest::from_bytes("p.json".into(), b"{\n  \"a\": 1,\n}\n");
        let e = m.error.unwrap();
        assert_eq!(crate::util::line_col(&m.text, e.offset).0, 3);
    }
}
