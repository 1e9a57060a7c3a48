//! The vocabulary of npm's config type system (nopt types as npm uses them)
//! and look-ups over the generated [`super::definitions`] table.
//!
//! npm describes each key's accepted values as a nopt type or a list of
//! them: constructors (`String`, `Boolean`, `Number`, `Date`, `Array`), the
//! `url`/`path` modules, `@npmcli/config`'s `Semver` and `Umask` classes,
//! `null`, and literal values (`"global"`, `true`, `1`, …).

use super::definitions::{DEFINITIONS, NERF_DARTS, SHORTHANDS};
use crate::value::Value;

/// One entry of a nopt type list, as written in npm's definitions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TypeAtom {
    /// `String`.
    String,
    /// `Boolean`.
    Boolean,
    /// `Number`.
    Number,
    /// `require('url')`: a URL with a host (legacy `url.parse`).
    Url,
    /// `require('path')`: a filesystem path.
    Path,
    /// `Date`.
    Date,
    /// `Semver` (`semver.valid`).
    Semver,
    /// `Umask` (octal string or number 0..511).
    Umask,
    /// `Stream` (never used by npm's definitions).
    Stream,
    /// `Array`: the key may hold several values.
    Array,
    /// `null`.
    Null,
    /// A literal string value.
    LitStr(&'static str),
    /// A literal boolean value.
    LitBool(bool),
    /// A literal number value.
    LitNum(f64),
    /// `local-address`: this machine's network interface addresses, which
    /// npm computes at start-up (`os.networkInterfaces()`).
    LocalAddresses,
}

/// A default value that is a plain JS literal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaticValue {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (may be `Infinity`).
    Number(f64),
    /// A string.
    Str(&'static str),
    /// An array literal.
    Array(&'static [StaticValue]),
}

impl StaticValue {
    /// The JS value this literal denotes.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            StaticValue::Undefined => Value::Undefined,
            StaticValue::Null => Value::Null,
            StaticValue::Bool(b) => Value::Bool(*b),
            StaticValue::Number(n) => Value::Number(*n),
            StaticValue::Str(s) => Value::Str((*s).to_string()),
            StaticValue::Array(items) => Value::Array(items.iter().map(Self::to_value).collect()),
        }
    }
}

/// A definition's `default`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    /// A fixed value.
    Static(StaticValue),
    /// Computed by npm from the environment, platform or install location.
    Computed {
        /// The literal npm uses where it is a fixed `~/…`-style string.
        literal: Option<StaticValue>,
        /// How npm computes it.
        how: &'static str,
    },
}

/// One npm config definition (`@npmcli/config lib/definitions/definitions.js`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Definition {
    /// The config key.
    pub key: &'static str,
    /// The nopt type(s), in npm's order (order matters for validation).
    pub types: &'static [TypeAtom],
    /// Whether npm wrote `type` as a list (`[null, String]`) rather than a
    /// single type.
    pub type_is_list: bool,
    /// The default value.
    pub default: Default,
    /// The deprecation message as `getTypesFromDefinitions` normalises it.
    pub deprecated: Option<&'static str>,
    /// Single-word cli aliases (`-g` for `global`).
    pub short: &'static [&'static str],
    /// Keys that cannot be set together with this one.
    pub exclusive: &'static [&'static str],
    /// Whether the definition has a `flatten` function.
    pub has_flatten: bool,
}

/// The definition of `key`, if npm defines it.
#[must_use]
pub fn definition(key: &str) -> Option<&'static Definition> {
    DEFINITIONS
        .binary_search_by(|d| d.key.cmp(key))
        .ok()
        .and_then(|i| DEFINITIONS.get(i))
}

/// The expansion of a cli shorthand (`reg` → `["--registry"]`).
#[must_use]
pub fn shorthand(name: &str) -> Option<&'static [&'static str]> {
    SHORTHANDS.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// Whether `key` may be nerf-darted without an "Unknown config" warning.
#[must_use]
pub fn is_nerf_dart_key(key: &str) -> bool {
    NERF_DARTS.contains(&key)
}

/// One runtime type: a [`TypeAtom`] with `LocalAddresses` expanded into
/// the literal addresses of the machine being modelled.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `String`.
    String,
    /// `Boolean`.
    Boolean,
    /// `Number`.
    Number,
    /// `url`.
    Url,
    /// `path`.
    Path,
    /// `Date`.
    Date,
    /// `Semver`.
    Semver,
    /// `Umask`.
    Umask,
    /// `Stream`.
    Stream,
    /// `Array`.
    Array,
    /// `null`.
    Null,
    /// A literal value (string, boolean or number).
    Lit(Value),
}

/// The type of one key as nopt sees `types[key]`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyType {
    /// The types, in order.
    pub list: Vec<Ty>,
    /// Whether `types[key]` is a JS array (vs a single type).
    pub is_list: bool,
}

/// npm's `types` object: the definitions plus the machine-specific
/// `local-address` values.
#[derive(Debug, Clone, Default)]
pub struct NpmTypes {
    /// The interface addresses `os.networkInterfaces()` reports, in order.
    pub local_addresses: Vec<String>,
}

impl NpmTypes {
    /// Types for this machine: `local-address` accepts the addresses of
    /// its network interfaces, as npm's `getLocalAddresses()` lists them
    /// at start-up (read once per process).
    #[must_use]
    pub fn machine() -> Self {
        static ADDRESSES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        Self::with_local_addresses(ADDRESSES.get_or_init(machine_local_addresses).clone())
    }

    /// Types with the given local addresses for `local-address`.
    #[must_use]
    pub fn with_local_addresses(local_addresses: Vec<String>) -> Self {
        Self { local_addresses }
    }

    /// `types[key]` (own properties only), `None` for unknown keys.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<KeyType> {
        let def = definition(key)?;
        let mut list = Vec::with_capacity(def.types.len());
        for atom in def.types {
            self.push_runtime(*atom, &mut list);
        }
        Some(KeyType {
            list,
            is_list: def.type_is_list,
        })
    }

    /// All defined keys, in npm's object order is not needed: sorted.
    #[must_use]
    pub fn keys(&self) -> Vec<&'static str> {
        DEFINITIONS.iter().map(|d| d.key).collect()
    }

    fn push_runtime(&self, atom: TypeAtom, out: &mut Vec<Ty>) {
        let ty = match atom {
            TypeAtom::String => Ty::String,
            TypeAtom::Boolean => Ty::Boolean,
            TypeAtom::Number => Ty::Number,
            TypeAtom::Url => Ty::Url,
            TypeAtom::Path => Ty::Path,
            TypeAtom::Date => Ty::Date,
            TypeAtom::Semver => Ty::Semver,
            TypeAtom::Umask => Ty::Umask,
            TypeAtom::Stream => Ty::Stream,
            TypeAtom::Array => Ty::Array,
            TypeAtom::Null => Ty::Null,
            TypeAtom::LitStr(s) => Ty::Lit(Value::Str(s.to_string())),
            TypeAtom::LitBool(b) => Ty::Lit(Value::Bool(b)),
            TypeAtom::LitNum(n) => Ty::Lit(Value::Number(n)),
            TypeAtom::LocalAddresses => {
                for a in &self.local_addresses {
                    out.push(Ty::Lit(Value::Str(a.clone())));
                }
                return;
            }
        };
        out.push(ty);
    }
}

/// npm's `getLocalAddresses()` (definitions.js) without its leading
/// `null`: `Object.values(os.networkInterfaces())` flattened to the
/// addresses. Node groups getifaddrs(3) entries by interface name, in order
/// of each name's first appearance, keeping the entries' order within one
/// interface. (libuv also skips interfaces that are not up and running;
/// `if-addrs` does not report those flags.)
fn machine_local_addresses() -> Vec<String> {
    let Ok(interfaces) = if_addrs::get_if_addrs() else {
        return Vec::new();
    };
    group_by_interface(
        interfaces
            .into_iter()
            .map(|i| {
                let ip = i.ip().to_string();
                (i.name, ip)
            })
            .collect(),
    )
}

/// `(interface, address)` entries in getifaddrs order → addresses grouped
/// by interface like `Object.values(os.networkInterfaces())`.
fn group_by_interface(entries: Vec<(String, String)>) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (name, address) in entries {
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, addrs)) => addrs.push(address),
            None => groups.push((name, vec![address])),
        }
    }
    groups.into_iter().flat_map(|(_, a)| a).collect()
}

/// The `description` nopt/`@npmcli/config` give a type when a value is
/// invalid (`type-defs.js`); literal values describe themselves.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDesc {
    /// A type's description text.
    Text(&'static str),
    /// A literal (or `null`), rendered with `JSON.stringify` unless a string.
    Literal(Value),
    /// `Array` (filtered out of the "Must be" text).
    Array,
}

/// `type-description.js` for one type.
#[must_use]
pub fn describe(ty: &Ty) -> TypeDesc {
    match ty {
        Ty::String => TypeDesc::Text("String"),
        Ty::Boolean => TypeDesc::Text("boolean value (true or false)"),
        Ty::Number => TypeDesc::Text("numeric value"),
        Ty::Url => TypeDesc::Text("full url with \"http://\""),
        Ty::Path => TypeDesc::Text("valid filesystem path"),
        Ty::Date => TypeDesc::Text("valid Date string"),
        Ty::Semver => TypeDesc::Text("full valid SemVer string"),
        Ty::Umask => TypeDesc::Text("octal number in range 0o000..0o777 (0..511)"),
        Ty::Stream => TypeDesc::Text("Stream"),
        Ty::Array => TypeDesc::Array,
        Ty::Null => TypeDesc::Literal(Value::Null),
        Ty::Lit(v) => TypeDesc::Literal(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_definitions_and_shorthands() {
        let reg = definition("registry").map(|d| d.types);
        assert_eq!(reg, Some(&[TypeAtom::Url][..]));
        assert!(definition("always-auth").is_none());
        assert_eq!(shorthand("reg"), Some(&["--registry"][..]));
        assert_eq!(shorthand("g"), Some(&["--global"][..]));
        assert!(is_nerf_dart_key("_authToken"));
    }

    #[test]
    fn table_is_sorted() {
        assert!(DEFINITIONS.windows(2).all(|w| w[0].key < w[1].key));
    }

    #[test]
    fn local_addresses_grouped_by_interface_like_node() {
        // getifaddrs lists all IPv4 entries, then all IPv6 ones; node's
        // object keeps each interface's addresses together
        let entries = [
            ("lo", "127.0.0.1"),
            ("eth0", "192.0.2.2"),
            ("lo", "::1"),
            ("eth0", "fd00::2"),
            ("eth0", "fe80::fc:ff:fe00:1"),
        ];
        let got = group_by_interface(
            entries
                .iter()
                .map(|(n, a)| ((*n).to_string(), (*a).to_string()))
                .collect(),
        );
        assert_eq!(
            got,
            [
                "127.0.0.1",
                "::1",
                "192.0.2.2",
                "fd00::2",
                "fe80::fc:ff:fe00:1"
            ]
        );
    }

    #[test]
    fn local_addresses_expand() {
        let t = NpmTypes::with_local_addresses(vec!["127.0.0.1".into()]);
        let kt = t.get("local-address");
        assert_eq!(
            kt.map(|k| k.list),
            Some(vec![Ty::Null, Ty::Lit(Value::Str("127.0.0.1".into()))])
        );
    }
}
