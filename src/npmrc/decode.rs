//! `ini.decode()` (ini 6.0.0, `bracketedArray` on), exactly, plus origins:
//! which lines produced each top-level key of the result.
//!
//! The assignments run on a small JS heap ([`super::heap`]) because
//! `decode()` relies on JS aliasing: `[a]` after `a[]=x` writes into the
//! array, and the section-nesting post-pass keeps a moved object reachable
//! under its old key until the final `delete`s. Cases where node throws
//! (`a=null` then `[a.b]`; an invalid array `length`) yield
//! [`Decoded::error`] and an empty object.

use std::collections::HashMap;
use std::ops::Range;

use super::heap::{Heap, Proto, Slot, Thrown};
use super::lexer::{Entry, Line, LineKind, lex};
use crate::value::{JsObject, Value};

/// The result of [`decode`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// What `ini.decode(text)` returns (empty when it throws).
    pub value: JsObject,
    /// Every line of the text (see [`super::lexer`]).
    pub lines: Vec<Line>,
    /// One entry per top-level key of `value`, in the same order.
    pub origins: Vec<Origin>,
    /// Set when node's `decode()` would throw.
    pub error: Option<DecodeError>,
    /// A line that makes ini 6.0.0 push onto the global `Array.prototype`
    /// (a key that JSON-parses to `["__proto__"]`, assigned inside a
    /// `[section]` whose target is an array). npm's process keeps that
    /// pollution for every later file; it is not modelled beyond this flag.
    pub prototype_pollution: Option<LineRef>,
}

/// An exception `ini.decode()` throws for this input, or (message ending
/// in `(npmrc-doctor limit)`) input beyond this crate's documented limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The JS error message (e.g. `Invalid array length`).
    pub message: String,
    /// The line being processed, if the error is raised by a line.
    pub line: Option<LineRef>,
}

/// A reference to one line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    /// Index into [`Decoded::lines`].
    pub index: usize,
    /// 1-based physical line number.
    pub number: usize,
    /// Byte span of the line (without terminator).
    pub span: Range<usize>,
}

/// The lines behind one top-level key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The top-level property.
    pub key: String,
    /// The last line that still contributes (last assignment, array push,
    /// section header or section body line).
    pub winner: Option<LineRef>,
    /// All lines that contribute to the final value, in file order.
    pub lines: Vec<LineRef>,
    /// Lines whose assignment was overwritten (duplicate keys, a value
    /// replaced by a section), in file order.
    pub overridden: Vec<LineRef>,
}

/// Decodes `text` exactly like `ini.decode(text)`.
#[must_use]
pub fn decode(text: &str) -> Decoded {
    let lines = lex(text);
    let mut st = State::new(lines.len());
    let result = st
        .run(&lines)
        .and_then(|()| st.nest_sections())
        .and_then(|()| match st.heap.to_value(&st.out_slot()) {
            Ok(Value::Object(o)) => Ok(o),
            Ok(_) => Ok(JsObject::new()),
            Err(t) => Err((t, None)),
        });
    let line_ref = |i: usize| LineRef {
        index: i,
        number: lines[i].number,
        span: lines[i].span.clone(),
    };
    match result {
        Ok(value) => {
            let origins = st.origins(&value, &line_ref);
            let prototype_pollution = st.pollution.map(line_ref);
            Decoded {
                value,
                lines,
                origins,
                error: None,
                prototype_pollution,
            }
        }
        Err((Thrown(message), at)) => {
            let error = Some(DecodeError {
                message,
                line: at.map(line_ref),
            });
            let prototype_pollution = st.pollution.map(line_ref);
            Decoded {
                value: JsObject::new(),
                lines,
                origins: Vec::new(),
                error,
                prototype_pollution,
            }
        }
    }
}

type Failure = (Thrown, Option<usize>);

/// Lines attributed to one top-level key.
#[derive(Debug, Default)]
struct Acc {
    all: Vec<usize>,
    /// `all[..settled]` were already marked dead by a top-level overwrite.
    settled: usize,
    /// Section body: inner property → its live lines.
    inner: HashMap<String, Vec<usize>>,
}

struct State {
    heap: Heap,
    out: usize,
    accs: HashMap<String, Acc>,
    dead: Vec<bool>,
    pollution: Option<usize>,
}

impl State {
    fn new(n_lines: usize) -> State {
        let mut heap = Heap::default();
        let out = heap.new_object();
        State {
            heap,
            out,
            accs: HashMap::new(),
            dead: vec![false; n_lines],
            pollution: None,
        }
    }

    fn out_slot(&self) -> Slot {
        Slot::Ref(self.out)
    }

    /// The main loop of `decode()`.
    fn run(&mut self, lines: &[Line]) -> Result<(), Failure> {
        let mut p = self.out_slot();
        // The top-level key the current section writes into (None: top
        // level itself; Some(None): a `__proto__` section).
        let mut section: Option<Option<String>> = None;
        for line in lines {
            match &line.kind {
                LineKind::Section(s) => {
                    let (np, top) = self.enter_section(&s.prop, line.index);
                    p = np;
                    section = Some(top);
                }
                LineKind::Entry(e) => {
                    let top = section.as_ref();
                    self.assign(&p, e, top, line.index)
                        .map_err(|t| (t, Some(line.index)))?;
                }
                LineKind::Blank | LineKind::Comment | LineKind::Dropped => {}
            }
        }
        Ok(())
    }

    /// `p = out[section] = out[section] || Object.create(null)`.
    fn enter_section(&mut self, prop: &str, line: usize) -> (Slot, Option<String>) {
        if prop == "__proto__" {
            return (Slot::Ref(self.heap.new_object()), None);
        }
        let out = self.out_slot();
        let existing = self.heap.get_own(&out, prop);
        let p = match existing {
            Some(v) if v.truthy() => v,
            other => {
                if other.is_some() {
                    self.kill_top(prop);
                }
                let fresh = Slot::Ref(self.heap.new_object());
                // Setting a property on an object node cannot throw.
                let _ = self.heap.set(&out, prop, fresh.clone());
                fresh
            }
        };
        self.acc(prop).all.push(line);
        (p, Some(prop.to_string()))
    }

    /// One `key[=value]` line assigned into `p`.
    fn assign(
        &mut self,
        p: &Slot,
        e: &Entry,
        section: Option<&Option<String>>,
        line: usize,
    ) -> Result<(), Thrown> {
        if e.key.value == Value::Null {
            // `keyRaw.length` on a key that JSON-parsed to null.
            return Err(Thrown(
                "Cannot read properties of null (reading 'length')".into(),
            ));
        }
        if e.prop == "__proto__" && e.key.value.as_str().is_some() {
            return Ok(());
        }
        let key = e.prop.as_str();
        if e.is_array {
            match self.heap.get_own(p, key) {
                None => {
                    let arr = Slot::Ref(self.heap.new_array(Vec::new()));
                    self.heap.set(p, key, arr)?;
                }
                Some(cur) if !self.heap.is_array(&cur) => {
                    let arr = Slot::Ref(self.heap.new_array(vec![cur]));
                    self.heap.set(p, key, arr)?;
                }
                Some(_) => {}
            }
        }
        let proto = match p {
            Slot::Ref(id) if key == "__proto__" => self.heap.proto_of(*id),
            _ => Proto::None,
        };
        if proto == Proto::Array {
            // `p[key]` is `Array.prototype`, itself an array: `push` pollutes it.
            self.pollution.get_or_insert(line);
            return Ok(());
        }
        let value = self.heap.alloc(&e.value);
        let current = match proto {
            Proto::Node(n) => Some(Slot::Ref(n)),
            Proto::Object => None,
            _ => self.heap.get(p, key),
        };
        let push = current.as_ref().is_some_and(|c| self.heap.is_array(c));
        match &current {
            Some(arr) if push => self.heap.push(arr, value)?,
            _ => self.heap.set(p, key, value)?,
        }
        self.record(section, key, line, push);
        Ok(())
    }

    /// Origin bookkeeping for an assignment.
    fn record(&mut self, section: Option<&Option<String>>, key: &str, line: usize, push: bool) {
        match section {
            None => {
                if !push {
                    self.kill_top(key);
                }
                self.acc(key).all.push(line);
            }
            Some(None) => {}
            Some(Some(top)) => {
                let acc = self.accs.entry(top.clone()).or_default();
                acc.all.push(line);
                let inner = acc.inner.entry(key.to_string()).or_default();
                if !push {
                    for l in inner.drain(..) {
                        self.dead[l] = true;
                    }
                }
                inner.push(line);
            }
        }
    }

    fn acc(&mut self, key: &str) -> &mut Acc {
        self.accs.entry(key.to_string()).or_default()
    }

    /// A top-level key is overwritten: its lines so far are dead.
    fn kill_top(&mut self, key: &str) {
        if let Some(acc) = self.accs.get_mut(key) {
            for &l in &acc.all[acc.settled..] {
                self.dead[l] = true;
            }
            acc.settled = acc.all.len();
            acc.inner.clear();
        }
    }

    /// The post-pass: `{a:{y:1},"a.b":{x:2}} --> {a:{y:1,b:{x:2}}}`.
    fn nest_sections(&mut self) -> Result<(), Failure> {
        let out = self.out_slot();
        let mut remove = Vec::new();
        for k in self.heap.keys(self.out) {
            let Some(v) = self.heap.get_own(&out, &k) else {
                continue;
            };
            let is_object = matches!(v, Slot::Prim(Value::Null))
                || (matches!(v, Slot::Ref(_)) && !self.heap.is_array(&v));
            if !is_object {
                continue;
            }
            if self.nest_one(&k, v).map_err(|t| (t, None))? {
                remove.push(k);
            }
        }
        for k in remove {
            self.heap.delete(self.out, &k);
            self.accs.remove(&k);
        }
        Ok(())
    }

    /// One key of the post-pass; `Ok(true)` when it must be deleted.
    fn nest_one(&mut self, k: &str, v: Slot) -> Result<bool, Thrown> {
        let mut parts = split_sections(k);
        let l = parts.pop().unwrap_or_default();
        let nl = l.replace("\\.", ".");
        let mut p = self.out_slot();
        let mut top: Option<String> = None;
        for part in parts.iter().filter(|part| *part != "__proto__") {
            p = self.descend(&p, part)?;
            top.get_or_insert_with(|| part.clone());
        }
        if p == self.out_slot() && nl == l {
            return Ok(false);
        }
        self.heap.set(&p, &nl, v)?;
        let dest = top.unwrap_or(nl);
        if dest != k {
            let moved = self.accs.remove(k).map(|a| a.all).unwrap_or_default();
            self.acc(&dest).all.extend(moved);
        }
        Ok(true)
    }

    /// `if (!hasOwnProperty.call(p, part) || typeof p[part] !== 'object')
    /// p[part] = Object.create(null); p = p[part]`.
    fn descend(&mut self, p: &Slot, part: &str) -> Result<Slot, Thrown> {
        if matches!(p, Slot::Prim(Value::Null | Value::Undefined)) {
            return Err(Thrown("Cannot convert undefined or null to object".into()));
        }
        let cur = self.heap.get_own(p, part);
        match cur {
            Some(c @ (Slot::Ref(_) | Slot::Prim(Value::Null))) => Ok(c),
            other => {
                if other.is_some() && *p == self.out_slot() {
                    self.kill_top(part);
                }
                let fresh = Slot::Ref(self.heap.new_object());
                self.heap.set(p, part, fresh.clone())?;
                // Reading back: an array `p` may have refused the write.
                Ok(self.heap.get_own(p, part).unwrap_or(fresh))
            }
        }
    }

    /// Origins in the order of the result's keys.
    fn origins(&self, value: &JsObject, line_ref: &dyn Fn(usize) -> LineRef) -> Vec<Origin> {
        value
            .keys()
            .into_iter()
            .map(|key| {
                let mut all = self
                    .accs
                    .get(key)
                    .map(|a| a.all.clone())
                    .unwrap_or_default();
                all.sort_unstable();
                all.dedup();
                let (dead, live): (Vec<usize>, Vec<usize>) =
                    all.into_iter().partition(|&l| self.dead[l]);
                Origin {
                    key: key.to_string(),
                    winner: live.last().map(|&l| line_ref(l)),
                    lines: live.into_iter().map(line_ref).collect(),
                    overridden: dead.into_iter().map(line_ref).collect(),
                }
            })
            .collect()
    }
}

/// ini's `splitSections(str, '.')`: split on `.` not preceded by `\`.
#[must_use]
pub fn split_sections(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut last = 0;
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'.' && !(i > 0 && bytes[i - 1] == b'\\') {
            parts.push(s[last..i].to_string());
            last = i + 1;
        }
    }
    parts.push(s[last..].to_string());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let d = decode(text);
        match d.error {
            Some(e) => format!("THROWS {}", e.message),
            None => Value::Object(d.value).to_json().to_string(),
        }
    }

    /// Expected outputs are `JSON.stringify(ini.decode(input))` from node 20
    /// with npm 11's ini 6.0.0.
    #[test]
    fn decode_table() {
        let table = [
            (
                "a=null\n[a.b]\nx=1",
                "THROWS Cannot set properties of null (setting 'b')",
            ),
            ("a[]=x\n[a]\nlength=abc", "THROWS Invalid array length"),
            (
                "a[]=x\n[a]\nlength=3\n5=y",
                r#"{"a":["x",null,null,null,null,"y"]}"#,
            ),
            ("a.b=null", r#"{"a":{"b":null}}"#),
            ("\u{feff}[sec]\nk=v", r#"{"[sec]":true,"k":"v"}"#),
            ("  =x", r#"{"":"x"}"#),
            ("=x", "{}"),
            ("a=b\u{2028}c", "{}"),
            ("a\u{2028}b", "{\"a\u{2028}b\":true}"),
            ("['1']\nx=1", r#"{"1":{"x":"1"}}"#),
            (
                "'1e21'=x\n'1.5e-7'=y\n'-0'=z",
                r#"{"0":"z","1e+21":"x","1.5e-7":"y"}"#,
            ),
            ("[__proto__.x]\na=1", r#"{"__proto__.x":{"a":"1"}}"#),
            ("[a.b]\nx=1\n[a\\.b]\ny=2", r#"{"a":{"b":{"x":"1"}}}"#),
            ("a='\"\\ud800\"'", "{\"a\":\"\u{fffd}\"}"),
            ("a=\"", r#"{"a":"\""}"#),
            ("a='", r#"{"a":""}"#),
            (
                "x='{\"__proto__\":1,\"b\":2,\"1\":3,\"b\":4}'",
                r#"{"x":{"1":3,"__proto__":1,"b":4}}"#,
            ),
            ("a='{}'\n[a]\n'[\"__proto__\"]'=5", r#"{"a":{}}"#),
            (
                "[a\\.b]\nx=1\n[a\\.b.c]\ny=2",
                r#"{"a.b":{"x":"1","c":{"y":"2"}}}"#,
            ),
            ("a=x\n[a]\nb=1", r#"{"a":"x"}"#),
            (
                "a\\.b=1\n[c]\nd\\.e=2",
                r#"{"a\\.b":"1","c":{"d\\.e":"2"}}"#,
            ),
            ("a=1\na=2", r#"{"a":"2"}"#),
            (
                "'null'=x",
                "THROWS Cannot read properties of null (reading 'length')",
            ),
            ("a[]=1\na[]=2\na=3", r#"{"a":["1","2","3"]}"#),
            ("a=1\na[]=2", r#"{"a":["1","2"]}"#),
            ("__proto__=1\n[__proto__]\nx=1\ny=2", "{}"),
            (
                "[a]\nx=1\n[b]\ny=2\n[a]\nz=3",
                r#"{"a":{"x":"1","z":"3"},"b":{"y":"2"}}"#,
            ),
        ];
        for (input, want) in table {
            assert_eq!(json(input), want, "{input:?}");
        }
    }

    #[test]
    fn origins_track_lines() {
        let d = decode("a=1\n; c\na=2\nb[]=x\nb[]=y\n[s]\nk=1\nk=2\n");
        let o: Vec<(String, Vec<usize>, Vec<usize>)> = d
            .origins
            .iter()
            .map(|o| {
                let n = |v: &[LineRef]| v.iter().map(|l| l.number).collect();
                (o.key.clone(), n(&o.lines), n(&o.overridden))
            })
            .collect();
        assert_eq!(
            o,
            vec![
                ("a".into(), vec![3], vec![1]),
                ("b".into(), vec![4, 5], vec![]),
                ("s".into(), vec![6, 8], vec![7]),
            ]
        );
        assert_eq!(
            d.origins[0].winner.as_ref().map(|l| l.span.clone()),
            Some(8..11)
        );
    }

    #[test]
    fn origins_follow_nesting() {
        let d = decode("[a.b]\nx=1\n[a]\ny=2\n");
        assert_eq!(d.origins.len(), 1);
        let nums: Vec<usize> = d.origins[0].lines.iter().map(|l| l.number).collect();
        assert_eq!(nums, vec![1, 2, 3, 4]);
    }

    #[test]
    fn flags_array_prototype_pollution() {
        // node: ini.decode pushes "p" onto Array.prototype (npm then exits 1
        // silently); the result itself is {"a":["1"]}.
        let d = decode("a[]=1\n[a]\n'[\"__proto__\"]'=p\n");
        assert_eq!(d.prototype_pollution.map(|l| l.number), Some(3));
        assert_eq!(json("a[]=1\n[a]\n'[\"__proto__\"]'=p\n"), r#"{"a":["1"]}"#);
        assert_eq!(
            decode("'null'=x")
                .error
                .and_then(|e| e.line)
                .map(|l| l.number),
            Some(1)
        );
    }

    #[test]
    fn split_sections_like_ini() {
        assert_eq!(split_sections("a.b\\.c.d"), vec!["a", "b\\.c", "d"]);
        assert_eq!(split_sections(".a."), vec!["", "a", ""]);
    }
}
