//! `@npmcli/config lib/parse-field.js`: coercing a raw config string to the
//! value npm stores in a layer, plus the POSIX `path.resolve` and the
//! `umask` parser it relies on.
//!
//! `${VAR}` expansion is not done here: the caller passes an expander
//! (normally `crate::npmrc::env_replace` bound to the environment), so the
//! order of operations stays exactly npm's (`true`/`false`/`null`/
//! `undefined` are recognised *before* expansion).

use std::path::Path;

use super::js_number::{date_parse, is_nan, js_trim, string_to_number};
use super::types::{NpmTypes, Ty};
use crate::value::Value;

/// Everything `parseField` reads from the `Config` object.
pub struct FieldCtx<'a> {
    /// `config.home` (`os.homedir()` or `$HOME`); empty disables `~/`.
    pub home: &'a Path,
    /// The process working directory (`path.resolve` resolves against it).
    pub cwd: &'a Path,
    /// `envReplace(f, env)`: expands `${VAR}` in one string.
    pub expand: &'a dyn Fn(&str) -> String,
    /// npm's types (for `local-address`'s machine-specific values).
    pub types: &'a NpmTypes,
    /// `listElement`: the value is one element of a list-typed key.
    pub list_element: bool,
}

/// `parseField(f, key, config, listElement)`.
#[must_use]
pub fn parse_field(value: &Value, key: &str, ctx: &FieldCtx<'_>) -> Value {
    parse(value, key, ctx, ctx.list_element)
}

/// Like [`parse_field`], also returning every string handed to the
/// expander (in order), so the caller can report `${VAR}` references.
#[must_use]
pub fn parse_field_traced(value: &Value, key: &str, ctx: &FieldCtx<'_>) -> (Value, Vec<String>) {
    let seen = std::cell::RefCell::new(Vec::new());
    let tracing = |s: &str| {
        seen.borrow_mut().push(s.to_string());
        (ctx.expand)(s)
    };
    let traced = FieldCtx {
        home: ctx.home,
        cwd: ctx.cwd,
        expand: &tracing,
        types: ctx.types,
        list_element: ctx.list_element,
    };
    let v = parse(value, key, &traced, ctx.list_element);
    (v, seen.into_inner())
}

/// The membership tests `parse-field.js` makes on the key's type list.
#[derive(Debug, Default, Clone, Copy)]
struct Kinds {
    path: bool,
    boolean: bool,
    string: bool,
    umask: bool,
    number: bool,
    array: bool,
    date: bool,
}

fn kinds_of(key: &str, types: &NpmTypes) -> Kinds {
    let list = types.get(key).map(|k| k.list).unwrap_or_default();
    let has = |t: &Ty| list.contains(t);
    let path = has(&Ty::Path);
    Kinds {
        path,
        boolean: has(&Ty::Boolean),
        string: path || has(&Ty::String),
        umask: has(&Ty::Umask),
        number: has(&Ty::Number),
        array: has(&Ty::Array),
        date: has(&Ty::Date),
    }
}

fn parse(value: &Value, key: &str, ctx: &FieldCtx<'_>, list_element: bool) -> Value {
    let k = kinds_of(key, ctx.types);
    let is_list = !list_element && k.array;
    match value {
        Value::Array(items) if is_list => {
            Value::Array(items.iter().map(|i| parse(i, key, ctx, true)).collect())
        }
        Value::Str(s) => parse_string(js_trim(s), key, k, is_list, ctx),
        other => other.clone(),
    }
}

fn parse_string(f: &str, key: &str, k: Kinds, is_list: bool, ctx: &FieldCtx<'_>) -> Value {
    if is_list {
        let parts = f
            .split("\n\n")
            .map(|p| parse(&Value::Str(p.to_string()), key, ctx, true))
            .collect();
        return Value::Array(parts);
    }
    if k.boolean && !k.string && f.is_empty() {
        return Value::Bool(true);
    }
    if !k.string && !k.path && !k.number {
        match f {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            "null" => return Value::Null,
            "undefined" => return Value::Undefined,
            _ => {}
        }
    }
    let mut f = (ctx.expand)(f);
    if k.date {
        return Value::Date(date_parse(&f));
    }
    if k.path {
        f = resolve_home_or_cwd(&f, ctx.home, ctx.cwd);
    }
    if k.umask {
        return umask_parse(&f).map_or(Value::Str(f), |n| Value::Number(f64::from(n)));
    }
    let v = Value::Str(f);
    if k.number && !is_nan(&v) {
        if let Value::Str(s) = &v {
            return Value::Number(string_to_number(s));
        }
    }
    v
}

/// `~/x` against `home` (when non-empty), anything else `path.resolve`d
/// against `cwd`.
#[must_use]
pub fn resolve_home_or_cwd(f: &str, home: &Path, cwd: &Path) -> String {
    let cwd = cwd.to_string_lossy();
    let home = home.to_string_lossy();
    match f.strip_prefix("~/") {
        Some(rest) if !home.is_empty() => path_resolve(&cwd, &[&home, rest]),
        _ => path_resolve(&cwd, &[f]),
    }
}

/// POSIX `path.resolve(...parts)` with `cwd` standing in for `process.cwd()`.
#[must_use]
pub fn path_resolve(cwd: &str, parts: &[&str]) -> String {
    let mut resolved = String::new();
    let mut absolute = false;
    for part in parts.iter().rev().copied().chain(std::iter::once(cwd)) {
        if absolute {
            break;
        }
        if part.is_empty() {
            continue;
        }
        resolved = if resolved.is_empty() {
            part.to_string()
        } else {
            format!("{part}/{resolved}")
        };
        absolute = part.starts_with('/');
    }
    let normalized = normalize_segments(&resolved, !absolute);
    if absolute {
        format!("/{normalized}")
    } else if normalized.is_empty() {
        ".".into()
    } else {
        normalized
    }
}

/// node's `normalizeString` for POSIX: drop `.`/empty segments, apply `..`.
fn normalize_segments(p: &str, allow_above_root: bool) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if allow_above_root {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// `umask.js` `parse` for a string: `0o?[0-7]+` is octal, `[1-9][0-9]*`
/// decimal; anything else is an error (`None`).
#[must_use]
pub fn umask_parse(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    let octal = s.strip_prefix("0o").or_else(|| s.strip_prefix('0'));
    if let Some(digits) =
        octal.filter(|d| !d.is_empty() && d.bytes().all(|c| (b'0'..=b'7').contains(&c)))
    {
        return Some(parse_int_saturating(digits, 8));
    }
    if b.first().is_some_and(|c| (b'1'..=b'9').contains(c)) && b.iter().all(u8::is_ascii_digit) {
        return Some(parse_int_saturating(s, 10));
    }
    None
}

/// `parseInt` of validated digits (huge values saturate; npm then rejects
/// them as out of range, which [`umask_validate_number`] also does).
fn parse_int_saturating(digits: &str, radix: u32) -> u32 {
    digits
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .fold(0u32, |acc, d| acc.saturating_mul(radix).saturating_add(d))
}

/// `umask.js` `parse` for a number: floor, 0..=511.
#[must_use]
pub fn umask_validate_number(n: f64) -> Option<f64> {
    let f = n.floor();
    (0.0..=511.0).contains(&f).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn pf(key: &str, v: &str) -> Value {
        let home = PathBuf::from("/home/u");
        let cwd = PathBuf::from("/work/p");
        let types = NpmTypes::default();
        let expand = |s: &str| s.replace("${X}", "false");
        let ctx = FieldCtx {
            home: &home,
            cwd: &cwd,
            expand: &expand,
            types: &types,
            list_element: false,
        };
        parse_field(&Value::Str(v.into()), key, &ctx)
    }

    #[test]
    fn booleans_are_recognised_before_expansion() {
        assert_eq!(pf("strict-ssl", "${X}"), Value::Str("false".into()));
        assert_eq!(pf("strict-ssl", "false"), Value::Bool(false));
        assert_eq!(pf("strict-ssl", ""), Value::Bool(true));
        assert_eq!(pf("//h/:_authToken", "null"), Value::Null);
        assert_eq!(pf("registry", "undefined"), Value::Undefined);
        assert_eq!(pf("editor", "null"), Value::Str("null".into()));
    }

    #[test]
    fn paths_numbers_umask_lists() {
        assert_eq!(pf("cache", "~/x"), Value::Str("/home/u/x".into()));
        assert_eq!(pf("cache", "rel/../y"), Value::Str("/work/p/y".into()));
        assert_eq!(pf("cache", ""), Value::Str("/work/p".into()));
        assert_eq!(pf("fetch-retries", " 0x10 "), Value::Number(16.0));
        assert_eq!(pf("fetch-retries", "abc"), Value::Str("abc".into()));
        assert_eq!(pf("umask", "0777"), Value::Number(511.0));
        assert_eq!(pf("umask", "0o22"), Value::Number(18.0));
        assert_eq!(pf("umask", "abc"), Value::Str("abc".into()));
        assert_eq!(
            pf("omit", "dev\n\npeer"),
            Value::Array(vec![Value::Str("dev".into()), Value::Str("peer".into())])
        );
    }

    #[test]
    fn resolve_is_posix() {
        assert_eq!(path_resolve("/a/b", &["../c", "./d/"]), "/a/c/d");
        assert_eq!(path_resolve("/a", &["/x//y/..", ""]), "/x");
        assert_eq!(path_resolve("/", &[".."]), "/");
    }
}
