//! `nopt.clean` with `@npmcli/config`'s type definitions
//! (`lib/type-defs.js` over `nopt/lib/type-defs.js`): validating one config
//! layer in place, exactly as `Config#validate(where)` and `loadCLI` do,
//! with npm's `invalidHandler` warnings.

use std::path::Path;
use std::sync::OnceLock;

use super::js_number::{date_parse, is_nan, js_string, js_trim, json_stringify, to_number};
use super::legacy_url::{self, LegacyUrlError};
use super::parse_field::{path_resolve, umask_parse, umask_validate_number};
use super::types::{NpmTypes, Ty, TypeDesc, describe};
use crate::value::{JsObject, Value};

/// What validation needs from the process: `os.homedir()` and `process.cwd()`.
pub struct CleanCtx<'a> {
    /// npm's types.
    pub types: &'a NpmTypes,
    /// `os.homedir()` (empty: `~/` is not expanded).
    pub home: &'a Path,
    /// `process.cwd()`.
    pub cwd: &'a Path,
}

/// The outcome of cleaning one layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CleanResult {
    /// `false` when any value was invalid.
    pub valid: bool,
    /// The warnings as npm prints them (`npm warn invalid config …`), in order.
    pub warnings: Vec<String>,
    /// Keys deleted from the layer (all of their values were invalid).
    pub removed: Vec<String>,
}

/// Validation threw, as node would (npm crashes with this error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    /// `url.parse` threw while checking a `url` value.
    #[error("{0}")]
    Url(#[from] LegacyUrlError),
}

/// `nopt.clean(data, types, typeDefs)` with npm's `invalidHandler` for a
/// layer loaded from `source` (`command line options`, `environment`, a
/// file path).
///
/// # Errors
/// When node would throw (a `url` value `url.parse` cannot handle).
pub fn clean(
    data: &mut JsObject,
    source: &str,
    ctx: &CleanCtx<'_>,
) -> Result<CleanResult, CleanError> {
    let mut res = CleanResult {
        valid: true,
        ..CleanResult::default()
    };
    let keys: Vec<String> = data.keys().iter().map(|k| (*k).to_string()).collect();
    for k in keys {
        let Some(val) = data.get(&k).cloned() else {
            continue;
        };
        clean_key(data, &k, val, source, ctx, &mut res)?;
    }
    Ok(res)
}

/// The type a key has for `clean`, plus `rawType` as the handler sees it.
struct CleanType {
    has_type: bool,
    /// `type` after nopt's normalisation (always a list).
    list: Vec<Ty>,
    /// `rawType` (`None` for unknown keys).
    raw: Option<(Vec<Ty>, bool)>,
}

fn type_default() -> Vec<Ty> {
    vec![
        Ty::Lit(Value::Bool(false)),
        Ty::Lit(Value::Bool(true)),
        Ty::Null,
        Ty::String,
        Ty::Array,
    ]
}

fn clean_type(k: &str, types: &NpmTypes) -> CleanType {
    match types.get(k) {
        None => CleanType {
            has_type: false,
            list: type_default(),
            raw: None,
        },
        Some(kt) => {
            let list = if !kt.is_list && kt.list == [Ty::Array] {
                let mut l = type_default();
                l.push(Ty::Array);
                l
            } else {
                kt.list.clone()
            };
            CleanType {
                has_type: true,
                list,
                raw: Some((kt.list, kt.is_list)),
            }
        }
    }
}

fn has_lit(list: &[Ty], v: &Value) -> bool {
    list.iter()
        .any(|t| matches!(t, Ty::Lit(l) if strict_equals(l, v)))
}

/// JS `===` for the primitive values that appear as type literals.
fn strict_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) | (Value::Undefined, Value::Undefined) => true,
        _ => false,
    }
}

fn clean_key(
    data: &mut JsObject,
    k: &str,
    val: Value,
    source: &str,
    ctx: &CleanCtx<'_>,
    res: &mut CleanResult,
) -> Result<(), CleanError> {
    let is_array = matches!(val, Value::Array(_));
    let items = match val {
        Value::Array(items) => items,
        other => vec![other],
    };
    let ct = clean_type(k, ctx.types);
    let mut kept = Vec::with_capacity(items.len());
    for v in items {
        let v = coerce_string(v, &ct.list);
        if !ct.has_type {
            kept.push(v);
            continue;
        }
        let v = no_to_null(v, &ct.list);
        let (raw_list, raw_is_list) = ct.raw.clone().unwrap_or_default();
        match validate_raw(&v, &raw_list, raw_is_list, ctx)? {
            Some(out) => kept.push(out),
            None => {
                res.valid = false;
                res.warnings
                    .extend(invalid_warnings(k, &v, &raw_list, raw_is_list, source));
            }
        }
    }
    if kept.is_empty() && !ct.list.contains(&Ty::Array) {
        data.remove(k);
        res.removed.push(k.to_string());
    } else if is_array {
        data.insert(k.to_string(), Value::Array(kept));
    } else if let Some(first) = kept.into_iter().next() {
        data.insert(k.to_string(), first);
    } else {
        data.insert(k.to_string(), Value::Undefined);
    }
    Ok(())
}

/// The string pre-processing of `clean`: trim, then `null`/`true`/`false`,
/// numbers and dates where the type list allows them.
fn coerce_string(v: Value, list: &[Ty]) -> Value {
    let Value::Str(s) = &v else { return v };
    let t = js_trim(s);
    let has_bool = list.contains(&Ty::Boolean);
    if t == "null" && list.contains(&Ty::Null) {
        return Value::Null;
    }
    if t == "true" && (has_lit(list, &Value::Bool(true)) || has_bool) {
        return Value::Bool(true);
    }
    if t == "false" && (has_lit(list, &Value::Bool(false)) || has_bool) {
        return Value::Bool(false);
    }
    let ts = Value::Str(t.to_string());
    if list.contains(&Ty::Number) && !is_nan(&ts) {
        return Value::Number(to_number(&ts));
    }
    if list.contains(&Ty::Date) && !date_parse(t).is_nan() {
        return Value::Date(date_parse(t));
    }
    ts
}

/// `--no-blah` sets `blah` to null when null is allowed but false is not.
fn no_to_null(v: Value, list: &[Ty]) -> Value {
    let false_ok = has_lit(list, &Value::Bool(false)) || list.contains(&Ty::Boolean);
    if v == Value::Bool(false) && list.contains(&Ty::Null) && !false_ok {
        Value::Null
    } else {
        v
    }
}

/// nopt `validate(d, k, v, rawType)`: `Some(d[k])` when valid.
fn validate_raw(
    v: &Value,
    list: &[Ty],
    is_list: bool,
    ctx: &CleanCtx<'_>,
) -> Result<Option<Value>, CleanError> {
    if !is_list {
        // A single type: `Array` alone accepts anything without storing it.
        if list.first() == Some(&Ty::Array) {
            return Ok(Some(Value::Undefined));
        }
    }
    for t in list {
        if *t == Ty::Array {
            continue;
        }
        if let Some(out) = validate_one(v, t, ctx)? {
            return Ok(Some(out));
        }
    }
    Ok(None)
}

/// Validation against one (non-`Array`) type.
fn validate_one(v: &Value, t: &Ty, ctx: &CleanCtx<'_>) -> Result<Option<Value>, CleanError> {
    if let Ty::Lit(Value::Number(n)) = t {
        if n.is_nan() {
            return Ok(None);
        }
    }
    match t {
        Ty::Null if *v == Value::Null => return Ok(Some(Value::Null)),
        Ty::Lit(l) if strict_equals(l, v) => return Ok(Some(v.clone())),
        _ => {}
    }
    Ok(match t {
        Ty::String => Some(Value::Str(js_string(v))),
        Ty::Boolean => Some(Value::Bool(validate_boolean(v))),
        Ty::Url => validate_url(v)?,
        Ty::Number => (!is_nan(v)).then(|| Value::Number(to_number(v))),
        Ty::Path => validate_path(v, ctx),
        Ty::Date => validate_date(v),
        Ty::Semver => semver_valid(v).map(Value::Str),
        Ty::Umask => validate_umask(v),
        Ty::Stream | Ty::Array | Ty::Null | Ty::Lit(_) => None,
    })
}

fn validate_boolean(v: &Value) -> bool {
    match v {
        Value::Str(s) if !is_nan(v) => {
            let n = super::js_number::string_to_number(s);
            n != 0.0 && !n.is_nan()
        }
        Value::Str(s) => !(s == "null" || s == "false"),
        other => other.is_truthy(),
    }
}

fn validate_url(v: &Value) -> Result<Option<Value>, CleanError> {
    let u = legacy_url::parse(&js_string(v))?;
    Ok(u.host.filter(|h| !h.is_empty()).map(|_| Value::Str(u.href)))
}

fn validate_path(v: &Value, ctx: &CleanCtx<'_>) -> Option<Value> {
    let Value::Str(s) = v else { return None };
    let home = ctx.home.to_string_lossy();
    let cwd = ctx.cwd.to_string_lossy();
    let out = match s.strip_prefix("~/") {
        Some(rest) if !home.is_empty() => path_resolve(&cwd, &[&home, rest]),
        _ => path_resolve(&cwd, &[s]),
    };
    Some(Value::Str(out))
}

fn validate_date(v: &Value) -> Option<Value> {
    let parsed = date_parse(&js_string(v));
    if parsed.is_nan() {
        return None;
    }
    let ms = match v {
        Value::Date(ms) => *ms,
        Value::Number(n) => time_clip(*n),
        Value::Str(s) => date_parse(s),
        other => date_parse(&js_string(other)),
    };
    Some(Value::Date(ms))
}

fn time_clip(n: f64) -> f64 {
    if !n.is_finite() || n.abs() > 8.64e15 {
        f64::NAN
    } else {
        n.trunc() + 0.0
    }
}

fn validate_umask(v: &Value) -> Option<Value> {
    match v {
        Value::Str(s) => umask_parse(s).map(|n| Value::Number(f64::from(n))),
        Value::Number(n) => umask_validate_number(*n).map(Value::Number),
        _ => None,
    }
}

fn semver_regex() -> Option<&'static regex::Regex> {
    static RE: OnceLock<Option<regex::Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        let num = "0|[1-9][0-9]*";
        let nonnum = "[0-9]*[a-zA-Z-][a-zA-Z0-9-]*";
        let pre_id = format!("(?:{nonnum}|{num})");
        let build_id = "[a-zA-Z0-9-]+";
        let src = format!(
            r"^v?({num})\.({num})\.({num})(?:-({pre_id}(?:\.{pre_id})*))?(?:\+({build_id}(?:\.{build_id})*))?$"
        );
        regex::Regex::new(&src).ok()
    })
    .as_ref()
}

/// `semver.valid(v)` (strict): the normalised version or `None`.
#[must_use]
pub fn semver_valid(v: &Value) -> Option<String> {
    let Value::Str(s) = v else { return None };
    if s.encode_utf16().count() > 256 {
        return None;
    }
    let caps = semver_regex()?.captures(js_trim(s))?;
    let part = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let safe = |p: &str| super::js_number::string_to_number(p) <= 9_007_199_254_740_991.0;
    if !(safe(part(1)) && safe(part(2)) && safe(part(3))) {
        return None;
    }
    let mut out = format!("{}.{}.{}", part(1), part(2), part(3));
    if let Some(pre) = caps.get(4) {
        out.push('-');
        out.push_str(pre.as_str());
    }
    Some(out)
}

/// npm's `invalidHandler` lines for one rejected value.
#[must_use]
pub fn invalid_warnings(
    k: &str,
    v: &Value,
    raw: &[Ty],
    raw_is_list: bool,
    source: &str,
) -> Vec<String> {
    let shown = json_stringify(v).unwrap_or_else(|| "undefined".into());
    let first = format!("npm warn invalid config {k}={shown} set in {source}");
    vec![
        first,
        format!("npm warn invalid config {}", must_be(raw, raw_is_list)),
    ]
}

/// `Must be …` text for a raw type (`invalidHandler` + `type-description.js`).
fn must_be(raw: &[Ty], raw_is_list: bool) -> String {
    let narrowed: Vec<Ty> = if raw_is_list && raw.contains(&Ty::Url) {
        vec![Ty::Url]
    } else if raw_is_list && raw.contains(&Ty::Path) {
        vec![Ty::Path]
    } else {
        raw.to_vec()
    };
    let descs: Vec<TypeDesc> = narrowed.iter().map(describe).collect();
    let has_array = descs.contains(&TypeDesc::Array);
    let must: Vec<String> = descs
        .iter()
        .filter_map(|d| match d {
            TypeDesc::Text(t) => Some((*t).to_string()),
            TypeDesc::Literal(Value::Str(s)) => Some(s.clone()),
            TypeDesc::Literal(v) => Some(json_stringify(v).unwrap_or_default()),
            TypeDesc::Array => None,
        })
        .collect();
    let keyword = match (must.len(), has_array) {
        (1, true) => " one or more",
        (n, true) if n > 1 => " one or more of:",
        (n, false) if n > 1 => " one of:",
        _ => "",
    };
    let mut unique: Vec<String> = Vec::new();
    for m in must {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    format!("Must be{keyword} {}", unique.join(", "))
}

impl CleanError {
    /// node's error code (`ERR_INVALID_URL`), when the error has one.
    #[must_use]
    pub fn code(&self) -> Option<&'static str> {
        match self {
            CleanError::Url(crate::config::legacy_url::LegacyUrlError::InvalidUrl) => {
                Some("ERR_INVALID_URL")
            }
            CleanError::Url(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn run(pairs: &[(&str, Value)]) -> (JsObject, CleanResult) {
        let types = NpmTypes::default();
        let (home, cwd) = (PathBuf::from("/home/u"), PathBuf::from("/w"));
        let ctx = CleanCtx {
            types: &types,
            home: &home,
            cwd: &cwd,
        };
        let mut o = JsObject::new();
        for (k, v) in pairs {
            o.insert((*k).to_string(), v.clone());
        }
        let r = clean(&mut o, "/w/.npmrc", &ctx).unwrap_or_default();
        (o, r)
    }

    #[test]
    fn invalid_url_is_removed_with_two_warnings() {
        let (o, r) = run(&[("registry", Value::Str("not a url".into()))]);
        assert!(!o.contains_key("registry"));
        assert_eq!(
            r.warnings,
            vec![
                "npm warn invalid config registry=\"not a url\" set in /w/.npmrc".to_string(),
                "npm warn invalid config Must be full url with \"http://\"".to_string()
            ]
        );
    }

    #[test]
    fn booleans_and_enums() {
        let (o, r) = run(&[
            ("strict-ssl", Value::Str("no".into())),
            ("audit", Value::Str("0".into())),
            ("access", Value::Str("nope".into())),
        ]);
        assert_eq!(o.get("strict-ssl"), Some(&Value::Bool(true)));
        assert_eq!(o.get("audit"), Some(&Value::Bool(false)));
        assert_eq!(
            r.warnings.get(1).map(String::as_str),
            Some("npm warn invalid config Must be one of: null, restricted, public, private")
        );
    }

    #[test]
    fn semver_valid_matches_node_semver() {
        let s = |x: &str| semver_valid(&Value::Str(x.into()));
        assert_eq!(s(" v1.2.3-beta.1+build "), Some("1.2.3-beta.1".into()));
        assert_eq!(s("01.2.3"), None);
        assert_eq!(s("1.2"), None);
    }
}
