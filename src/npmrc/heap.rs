//! A tiny JS object heap for [`super::decode`]: `ini.decode()` mutates
//! objects through aliases (a moved section stays reachable under its old
//! key until the final `delete`), so values are nodes referenced by id.
//!
//! Modelled: null-prototype objects (`Object.create(null)`), ordinary objects
//! from `JSON.parse` (their `__proto__` setter is ignored), and arrays with
//! holes, `length` semantics (`RangeError` on an invalid length) and `push`.
//! Non-index properties set on arrays are kept but never output (as in
//! `JSON.stringify`). Property order follows JS: array-index keys first.
//! Assigning an object to `__proto__` of a node that still inherits the
//! `__proto__` accessor replaces its prototype; inherited properties are
//! seen by reads (`Array.isArray(p[key])`) and by array holes, as in JS.

use std::collections::{BTreeMap, HashMap};

use super::js::js_trim;
use crate::value::{JsObject, Value, is_array_index};

/// Arrays longer than this are refused (node would produce a string too
/// long for `JSON.stringify`); a documented limit, not npm behaviour.
pub const MAX_ARRAY_LEN: u64 = 1 << 24;

/// Deepest nesting converted to a [`Value`] (recursive, so bounded to
/// stay clear of stack overflows). `[a.a.a…]` with more parts is decoded
/// by node but refused here; node's own `JSON.stringify` overflows too.
pub const MAX_VALUE_DEPTH: usize = 400;

/// A JS value: a primitive or a reference to a heap node.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// Never `Value::Array`/`Value::Object`.
    Prim(Value),
    /// A heap node.
    Ref(usize),
}

impl Slot {
    /// JS truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Slot::Prim(v) => v.is_truthy(),
            Slot::Ref(_) => true,
        }
    }
}

/// Properties in JS order (index keys ascending, then insertion order).
#[derive(Debug, Default)]
struct Props {
    index: BTreeMap<u32, Slot>,
    named: Vec<Option<(String, Slot)>>,
    pos: HashMap<String, usize>,
}

impl Props {
    fn get(&self, key: &str) -> Option<&Slot> {
        match index_of(key) {
            Some(i) => self.index.get(&i),
            None => self
                .pos
                .get(key)
                .and_then(|&p| self.named.get(p)?.as_ref().map(|(_, v)| v)),
        }
    }

    fn set(&mut self, key: &str, v: Slot) {
        if let Some(i) = index_of(key) {
            self.index.insert(i, v);
        } else if let Some(&p) = self.pos.get(key) {
            self.named[p] = Some((key.to_string(), v));
        } else {
            self.pos.insert(key.to_string(), self.named.len());
            self.named.push(Some((key.to_string(), v)));
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(i) = index_of(key) {
            self.index.remove(&i);
        } else if let Some(p) = self.pos.remove(key) {
            self.named[p] = None;
        }
    }

    fn keys(&self) -> Vec<String> {
        let idx = self.index.keys().map(u32::to_string);
        idx.chain(self.named.iter().flatten().map(|(k, _)| k.clone()))
            .collect()
    }

    fn entries(&self) -> impl Iterator<Item = (String, &Slot)> {
        let idx = self.index.iter().map(|(k, v)| (k.to_string(), v));
        idx.chain(self.named.iter().flatten().map(|(k, v)| (k.clone(), v)))
    }
}

fn index_of(key: &str) -> Option<u32> {
    if is_array_index(key) {
        key.parse().ok()
    } else {
        None
    }
}

#[derive(Debug)]
enum Node {
    /// `proto`: has `Object.prototype` (from `JSON.parse`), so assigning
    /// `__proto__` hits the setter instead of creating a property.
    Object { props: Props, proto: bool },
    /// Elements (absent = hole), length, extra named properties.
    Array {
        elems: BTreeMap<u32, Slot>,
        len: u64,
        extra: Props,
    },
}

/// A JS exception raised by `decode()` (node would throw it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thrown(pub String);

/// The heap.
#[derive(Debug, Default)]
pub struct Heap {
    nodes: Vec<Node>,
    /// Replaced prototypes: `Some(node)`, or `None` for `null`. Absent:
    /// the built-in one (`Object.prototype`, `Array.prototype`, or none
    /// for `Object.create(null)`).
    protos: HashMap<usize, Option<usize>>,
}

/// The prototype of a node, as `p.__proto__` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// No prototype, or no `__proto__` accessor on the chain.
    None,
    /// `Object.prototype`.
    Object,
    /// `Array.prototype` (itself an array, so `push` lands on it).
    Array,
    /// Another heap node.
    Node(usize),
}

impl Heap {
    /// `Object.create(null)`.
    pub fn new_object(&mut self) -> usize {
        self.nodes.push(Node::Object {
            props: Props::default(),
            proto: false,
        });
        self.nodes.len() - 1
    }

    /// `[]` with the given elements.
    pub fn new_array(&mut self, items: Vec<Slot>) -> usize {
        let len = items.len() as u64;
        let elems = (0u32..).zip(items).collect();
        self.nodes.push(Node::Array {
            elems,
            len,
            extra: Props::default(),
        });
        self.nodes.len() - 1
    }

    /// Allocates a value (recursively for JSON arrays/objects).
    pub fn alloc(&mut self, v: &Value) -> Slot {
        match v {
            Value::Array(items) => {
                let slots = items.iter().map(|i| self.alloc(i)).collect();
                Slot::Ref(self.new_array(slots))
            }
            Value::Object(obj) => {
                let mut props = Props::default();
                for (k, item) in obj.iter() {
                    let slot = self.alloc(item);
                    props.set(k, slot);
                }
                self.nodes.push(Node::Object { props, proto: true });
                Slot::Ref(self.nodes.len() - 1)
            }
            other => Slot::Prim(other.clone()),
        }
    }

    /// `Array.isArray(slot)`.
    pub fn is_array(&self, slot: &Slot) -> bool {
        matches!(slot, Slot::Ref(id) if matches!(self.nodes.get(*id), Some(Node::Array { .. })))
    }

    /// `hasOwnProperty.call(target, key)` then `target[key]` (own only).
    /// Primitive targets report nothing: `decode()` only writes to them,
    /// which sloppy-mode JS silently ignores.
    pub fn get_own(&self, target: &Slot, key: &str) -> Option<Slot> {
        let Slot::Ref(id) = target else { return None };
        match self.nodes.get(*id)? {
            Node::Object { props, .. } => props.get(key).cloned(),
            Node::Array { elems, len, extra } => match (key, index_of(key)) {
                ("length", _) => Some(Slot::Prim(Value::Number(*len as f64))),
                (_, Some(i)) => elems.get(&i).cloned(),
                (_, None) => extra.get(key).cloned(),
            },
        }
    }

    /// `target[key] = v` in sloppy mode.
    // clippy 1.95's collapsible_match would merge the `__proto__` check
    // into the arm's guard, which reads worse here.
    #[allow(clippy::collapsible_match)]
    pub fn set(&mut self, target: &Slot, key: &str, v: Slot) -> Result<(), Thrown> {
        let Slot::Ref(id) = target else {
            if matches!(target, Slot::Prim(Value::Null | Value::Undefined)) {
                let what = if *target == Slot::Prim(Value::Null) {
                    "null"
                } else {
                    "undefined"
                };
                return Err(Thrown(format!(
                    "Cannot set properties of {what} (setting '{key}')"
                )));
            }
            return Ok(());
        };
        if key == "__proto__" && self.proto_of(*id) != Proto::None {
            return self.set_proto(*id, &v);
        }
        let new_len = if key == "length" {
            Some(self.array_length(&v))
        } else {
            None
        };
        match self.nodes.get_mut(*id) {
            Some(Node::Object { props, .. }) => props.set(key, v),
            Some(Node::Array { elems, len, extra }) => match (new_len, index_of(key)) {
                (Some(n), _) => set_length(elems, len, n?)?,
                (None, Some(i)) => {
                    check_len(u64::from(i) + 1)?;
                    elems.insert(i, v);
                    *len = (*len).max(u64::from(i) + 1);
                }
                (None, None) => extra.set(key, v),
            },
            None => {}
        }
        Ok(())
    }

    /// What `node.__proto__` reads (`Proto::None` when the chain has no
    /// `__proto__` accessor, i.e. does not reach a built-in prototype).
    pub fn proto_of(&self, id: usize) -> Proto {
        let direct = match self.protos.get(&id) {
            Some(Some(next)) => Proto::Node(*next),
            Some(None) => return Proto::None,
            None => match self.nodes.get(id) {
                Some(Node::Object { proto: true, .. }) => Proto::Object,
                Some(Node::Array { .. }) => Proto::Array,
                _ => Proto::None,
            },
        };
        let mut cur = direct;
        for _ in 0..=self.nodes.len() {
            match cur {
                Proto::Node(n) => match self.protos.get(&n) {
                    Some(Some(next)) => cur = Proto::Node(*next),
                    Some(None) => return Proto::None,
                    None => match self.nodes.get(n) {
                        Some(Node::Object { proto: false, .. }) | None => return Proto::None,
                        _ => return direct,
                    },
                },
                _ => return direct,
            }
        }
        Proto::None
    }

    /// The `__proto__` setter: objects (and `null`) replace the prototype,
    /// primitives are ignored; a cycle is a `TypeError`.
    fn set_proto(&mut self, id: usize, v: &Slot) -> Result<(), Thrown> {
        match v {
            Slot::Ref(x) => {
                let mut cur = Some(*x);
                for _ in 0..=self.nodes.len() {
                    match cur {
                        Some(n) if n == id => return Err(Thrown("Cyclic __proto__ value".into())),
                        Some(n) => cur = self.protos.get(&n).copied().flatten(),
                        None => break,
                    }
                }
                self.protos.insert(id, Some(*x));
            }
            Slot::Prim(Value::Null) => {
                self.protos.insert(id, None);
            }
            Slot::Prim(_) => {}
        }
        Ok(())
    }

    /// `target[key]` including properties inherited from replaced
    /// prototypes (built-in prototypes contribute nothing).
    pub fn get(&self, target: &Slot, key: &str) -> Option<Slot> {
        let mut cur = target.clone();
        for _ in 0..=self.nodes.len() {
            if let Some(v) = self.get_own(&cur, key) {
                return Some(v);
            }
            let Slot::Ref(id) = cur else { return None };
            match self.protos.get(&id) {
                Some(Some(next)) => cur = Slot::Ref(*next),
                _ => return None,
            }
        }
        None
    }

    /// `arr.push(v)` on an array node.
    pub fn push(&mut self, target: &Slot, v: Slot) -> Result<(), Thrown> {
        if let Slot::Ref(id) = target {
            if let Some(Node::Array { elems, len, .. }) = self.nodes.get_mut(*id) {
                check_len(*len + 1)?;
                let i = u32::try_from(*len).map_err(|_| Thrown("Invalid array length".into()))?;
                elems.insert(i, v);
                *len += 1;
            }
        }
        Ok(())
    }

    /// `delete target[key]`.
    pub fn delete(&mut self, target: usize, key: &str) {
        if let Some(Node::Object { props, .. }) = self.nodes.get_mut(target) {
            props.remove(key);
        }
    }

    /// `Object.keys(target)` for an object node.
    pub fn keys(&self, target: usize) -> Vec<String> {
        match self.nodes.get(target) {
            Some(Node::Object { props, .. }) => props.keys(),
            _ => Vec::new(),
        }
    }

    /// The value of a new array `length`: `ToUint32(v)` if it equals
    /// `ToNumber(v)`, else a `RangeError`.
    fn array_length(&self, v: &Slot) -> Result<u64, Thrown> {
        let n = match v {
            Slot::Prim(p) => to_number(p),
            Slot::Ref(_) => to_number(&Value::Str(self.js_string(v)?)),
        };
        if n.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&n) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(n as u64)
        } else {
            Err(Thrown("Invalid array length".into()))
        }
    }

    /// `String(v)` for heap values (arrays join, objects `[object Object]`).
    /// A null-prototype object has no `toString`: `TypeError`.
    fn js_string(&self, v: &Slot) -> Result<String, Thrown> {
        match v {
            Slot::Prim(p) => Ok(super::js::to_js_string(p)),
            Slot::Ref(id) => match self.nodes.get(*id) {
                Some(Node::Array { elems, len, .. }) => {
                    let mut parts = Vec::new();
                    for i in 0..*len {
                        parts.push(match u32::try_from(i).ok().and_then(|i| elems.get(&i)) {
                            None | Some(Slot::Prim(Value::Null | Value::Undefined)) => {
                                String::new()
                            }
                            Some(s) => self.js_string(s)?,
                        });
                    }
                    Ok(parts.join(","))
                }
                Some(Node::Object { proto: false, .. }) => {
                    Err(Thrown("Cannot convert object to primitive value".into()))
                }
                _ => Ok("[object Object]".into()),
            },
        }
    }

    /// Converts a heap value to a [`Value`] (holes become `Undefined`, or
    /// what the array's replaced prototype holds at that index). A
    /// reference cycle becomes `Undefined`; nesting beyond
    /// [`MAX_VALUE_DEPTH`] is an error.
    pub fn to_value(&self, slot: &Slot) -> Result<Value, Thrown> {
        let mut stack = Vec::new();
        self.to_value_in(slot, &mut stack)
    }

    fn to_value_in(&self, slot: &Slot, stack: &mut Vec<usize>) -> Result<Value, Thrown> {
        let id = match slot {
            Slot::Prim(v) => return Ok(v.clone()),
            Slot::Ref(id) => *id,
        };
        if stack.contains(&id) {
            return Ok(Value::Undefined);
        }
        if stack.len() >= MAX_VALUE_DEPTH {
            return Err(Thrown(format!(
                "nesting deeper than {MAX_VALUE_DEPTH} (npmrc-doctor limit)"
            )));
        }
        stack.push(id);
        let v = match self.nodes.get(id) {
            Some(Node::Object { props, .. }) => {
                let mut obj = JsObject::new();
                for (k, s) in props.entries() {
                    obj.insert(k, self.to_value_in(s, stack)?);
                }
                Value::Object(obj)
            }
            Some(Node::Array { elems, len, .. }) => {
                let mut items = Vec::new();
                for i in 0..*len {
                    let item = u32::try_from(i).ok().and_then(|i| elems.get(&i)).cloned();
                    let item = item.or_else(|| self.get(slot, &i.to_string()));
                    items.push(match item {
                        Some(s) => self.to_value_in(&s, stack)?,
                        None => Value::Undefined,
                    });
                }
                Value::Array(items)
            }
            None => Value::Undefined,
        };
        stack.pop();
        Ok(v)
    }
}

fn check_len(n: u64) -> Result<(), Thrown> {
    if n > MAX_ARRAY_LEN {
        Err(Thrown(format!(
            "array longer than {MAX_ARRAY_LEN} (npmrc-doctor limit)"
        )))
    } else {
        Ok(())
    }
}

fn set_length(elems: &mut BTreeMap<u32, Slot>, len: &mut u64, n: u64) -> Result<(), Thrown> {
    check_len(n)?;
    if let Ok(cut) = u32::try_from(n) {
        elems.split_off(&cut);
    }
    *len = n;
    Ok(())
}

/// `ToNumber` for primitives (`StringToNumber` for strings).
#[must_use]
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::Str(s) => string_to_number(s),
        _ => f64::NAN,
    }
}

/// ECMAScript `StringToNumber`.
#[must_use]
pub fn string_to_number(s: &str) -> f64 {
    let t = js_trim(s);
    if t.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = t.strip_prefix(prefix) {
            return radix_number(digits, radix);
        }
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let negative = t.starts_with('-');
    if unsigned == "Infinity" {
        return if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    if !is_decimal_literal(unsigned) {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

fn radix_number(digits: &str, radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let mut n = 0.0f64;
    for c in digits.chars() {
        match c.to_digit(radix) {
            Some(d) => n = n * f64::from(radix) + f64::from(d),
            None => return f64::NAN,
        }
    }
    n
}

/// `StrUnsignedDecimalLiteral` without `Infinity`.
fn is_decimal_literal(s: &str) -> bool {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mant_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_number_matches_js() {
        // From node: Number(s).
        let table = [
            ("", 0.0),
            (" 12 ", 12.0),
            ("0x1f", 31.0),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-Infinity", f64::NEG_INFINITY),
        ];
        for (s, n) in table {
            assert_eq!(string_to_number(s), n, "{s:?}");
        }
        for s in ["abc", "inf", "1e", "-0x1", "1_0", "."] {
            assert!(string_to_number(s).is_nan(), "{s:?}");
        }
    }

    #[test]
    fn arrays_have_holes_and_length() {
        let mut h = Heap::default();
        let a = Slot::Ref(h.new_array(vec![Slot::Prim(Value::Str("x".into()))]));
        assert!(h.set(&a, "3", Slot::Prim(Value::Null)).is_ok());
        assert!(
            h.set(&a, "length", Slot::Prim(Value::Str("abc".into())))
                .is_err()
        );
        assert!(
            h.set(&a, "length", Slot::Prim(Value::Str("2".into())))
                .is_ok()
        );
        assert_eq!(
            h.to_value(&a),
            Ok(Value::Array(vec![Value::Str("x".into()), Value::Undefined]))
        );
    }
}
