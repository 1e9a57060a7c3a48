//! `${VAR}` expansion exactly as `@npmcli/config` `lib/env-replace.js`:
//!
//! ```js
//! const envExpr = /(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g
//! f.replace(envExpr, (orig, esc, name, modifier) => {
//!   const fallback = modifier === '?' ? '' : `$\{${name}}`
//!   const val = env[name] !== undefined ? env[name] : fallback
//!   if (esc.length % 2) return orig.slice((esc.length + 1) / 2)
//!   return (esc.slice(esc.length / 2)) + val
//! })
//! ```
//!
//! Rust's `regex` has no look-behind, so the scan is written by hand: a
//! match can only start at a `$` or at the first backslash of a run that is
//! not itself preceded by a backslash; if the match fails there, no later
//! position inside that run can match (each is preceded by `\`).

use std::ops::Range;

use crate::env::Env;

/// The result of [`env_replace`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded string.
    pub value: String,
    /// Every `${…}` the regex matched, in order.
    pub refs: Vec<EnvRef>,
}

/// One matched `${NAME}` / `${NAME?}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRef {
    /// The name between the braces, verbatim (spaces included).
    pub name: String,
    /// Written `${NAME?}`: unset expands to `""`.
    pub optional: bool,
    /// The lookup found a value.
    pub set: bool,
    /// Preceded by an odd backslash run: kept literally, not expanded.
    pub escaped: bool,
    /// The whole match (backslashes included) in the input.
    pub span: Range<usize>,
}

/// Expands `${NAME}` references in `input` using `lookup` (`env[name]`).
pub fn env_replace(input: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let bytes = input.as_bytes();
    let mut value = String::with_capacity(input.len());
    let mut refs = Vec::new();
    let (mut i, mut last) = (0, 0);
    while i < bytes.len() {
        let candidate = matches!(bytes[i], b'\\' | b'$') && !(i > 0 && bytes[i - 1] == b'\\');
        let Some(m) = candidate.then(|| match_at(input, i)).flatten() else {
            i += 1;
            continue;
        };
        value.push_str(&input[last..i]);
        let found = lookup(&m.name);
        let set = found.is_some();
        let escaped = m.esc % 2 == 1;
        if escaped {
            value.push_str(&input[i + m.esc.div_ceil(2)..m.end]);
        } else {
            value.push_str(&input[i..i + m.esc / 2]);
            let fallback = if m.optional {
                String::new()
            } else {
                format!("${{{}}}", m.name)
            };
            value.push_str(&found.unwrap_or(fallback));
        }
        refs.push(EnvRef {
            name: m.name,
            optional: m.optional,
            set,
            escaped,
            span: i..m.end,
        });
        i = m.end;
        last = m.end;
    }
    value.push_str(&input[last..]);
    Expanded { value, refs }
}

struct Match {
    esc: usize,
    name: String,
    optional: bool,
    end: usize,
}

/// `(\\*)\$\{([^${}?]+)(\?)?\}` anchored at `start`.
fn match_at(input: &str, start: usize) -> Option<Match> {
    let bytes = input.as_bytes();
    let esc = bytes[start..].iter().take_while(|&&b| b == b'\\').count();
    let open = start + esc;
    if bytes.get(open..open + 2) != Some(b"${") {
        return None;
    }
    let name_start = open + 2;
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|&&b| !matches!(b, b'$' | b'{' | b'}' | b'?'))
        .count();
    if name_len == 0 {
        return None;
    }
    let mut j = name_start + name_len;
    let optional = bytes.get(j) == Some(&b'?');
    if optional {
        j += 1;
    }
    if bytes.get(j) != Some(&b'}') {
        return None;
    }
    let name = input.get(name_start..name_start + name_len)?.to_string();
    Some(Match {
        esc,
        name,
        optional,
        end: j + 1,
    })
}

/// Names that `process.env[name]` resolves through its prototype chain when
/// no such variable is set, with `String()` of the result (node 20). npm
/// passes `process.env`, so `${toString}` expands to a function's source.
const PROTO_MEMBERS: [(&str, &str); 12] = [
    ("constructor", "function () { [native code] }"),
    (
        "__defineGetter__",
        "function __defineGetter__() { [native code] }",
    ),
    (
        "__defineSetter__",
        "function __defineSetter__() { [native code] }",
    ),
    (
        "hasOwnProperty",
        "function hasOwnProperty() { [native code] }",
    ),
    (
        "__lookupGetter__",
        "function __lookupGetter__() { [native code] }",
    ),
    (
        "__lookupSetter__",
        "function __lookupSetter__() { [native code] }",
    ),
    (
        "isPrototypeOf",
        "function isPrototypeOf() { [native code] }",
    ),
    (
        "propertyIsEnumerable",
        "function propertyIsEnumerable() { [native code] }",
    ),
    ("toString", "function toString() { [native code] }"),
    ("valueOf", "function valueOf() { [native code] }"),
    ("__proto__", "[object Object]"),
    (
        "toLocaleString",
        "function toLocaleString() { [native code] }",
    ),
];

/// `process.env[name]` as npm's `envReplace` sees it: a variable of that
/// name, else an inherited `Object.prototype` member.
#[must_use]
pub fn process_env_get(env: &Env, name: &str) -> Option<String> {
    if let Some(v) = env.var(name) {
        return Some(v.to_string());
    }
    PROTO_MEMBERS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| (*v).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "X" => Some("val".into()),
            "E" => Some(String::new()),
            "A B" => Some("spaced".into()),
            _ => None,
        }
    }

    /// Expected values from node: `envReplace(input, {X:'val',E:'','A B':'spaced'})`.
    #[test]
    fn table() {
        let table = [
            ("${X}", "val"),
            ("${X?}", "val"),
            ("${U}", "${U}"),
            ("${U?}", ""),
            ("${E}", ""),
            ("\\${X}", "${X}"),
            ("\\\\${X}", "\\val"),
            ("\\\\\\${X}", "\\${X}"),
            ("\\\\\\\\${X}", "\\\\val"),
            ("a\\\\\\${U?}b", "a\\${U?}b"),
            ("$X ${X:-d} ${ X }", "$X ${X:-d} ${ X }"),
            ("${A B}", "spaced"),
            ("${${X}}", "${val}"),
            ("${X}${X}", "valval"),
            ("${X}\\${X}", "val${X}"),
            ("${X?x}", "${X?x}"),
            ("${}", "${}"),
            ("${X", "${X"),
            ("ü${X}ü", "üvalü"),
        ];
        for (input, want) in table {
            assert_eq!(env_replace(input, &lookup).value, want, "{input:?}");
        }
    }

    #[test]
    fn refs() {
        let e = env_replace("a\\${X}b${U?}", &lookup);
        assert_eq!(
            e.refs,
            vec![
                EnvRef {
                    name: "X".into(),
                    optional: false,
                    set: true,
                    escaped: true,
                    span: 1..6
                },
                EnvRef {
                    name: "U".into(),
                    optional: true,
                    set: false,
                    escaped: false,
                    span: 7..12
                },
            ]
        );
    }

    #[test]
    fn proto_members() {
        let env = Env::new(vec![("toString".into(), "mine".into())], "/".into());
        assert_eq!(process_env_get(&env, "toString").as_deref(), Some("mine"));
        assert_eq!(
            process_env_get(&env, "__proto__").as_deref(),
            Some("[object Object]")
        );
        assert_eq!(process_env_get(&env, "nope"), None);
    }
}
