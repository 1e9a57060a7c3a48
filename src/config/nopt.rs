//! The cli layer: a port of `nopt` 9 `parse` + `clean` as
//! `@npmcli/config` `loadCLI` drives it (npm's types, shorthands and
//! handlers), plus `abbrev` and the rest of `#loadObject` for the cli
//! layer (`parseField`, deprecation warnings, `exclusive`, `checkUnknown`).
//!
//! Not modelled: keys that collide with `Object.prototype` properties
//! (`--constructor`, `--__proto__`, `--toString`), which npm handles
//! through prototype look-ups.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::clean::{CleanCtx, CleanError, clean};
use super::definitions::{DEFINITIONS, SHORTHANDS};
use super::js_number::is_nan;
use super::parse_field::{FieldCtx, parse_field};
use super::types::{NpmTypes, Ty, definition, is_nerf_dart_key};
use crate::value::{JsObject, Value};

/// A warning npm queues (prints when the command starts) rather than
/// logging immediately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedWarning {
    /// The queue type (`unknown:<arg>`, or the key for unknown configs).
    pub kind: String,
    /// The line as npm prints it (`npm warn …`).
    pub message: String,
}

/// What `nopt(types, shorthands, argv)` returns in `loadCLI`, with the
/// warnings its handlers produce.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoptResult {
    /// The parsed (and cleaned) options, in JS property order.
    pub data: JsObject,
    /// Positional arguments (`argv.remain`).
    pub remain: Vec<String>,
    /// Immediate warnings, in order, as npm prints them.
    pub warnings: Vec<String>,
    /// Queued warnings (`unknown:<arg>` "is being parsed as a normal
    /// command line argument").
    pub queued: Vec<QueuedWarning>,
}

/// Why npm would crash while loading the cli layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// Validation threw (`url.parse`).
    #[error(transparent)]
    Clean(#[from] CleanError),
    /// `TypeError: --a cannot be provided when using --b`.
    #[error("--{key} cannot be provided when using --{other}")]
    Exclusive {
        /// The key being loaded.
        key: String,
        /// The key already set.
        other: String,
    },
}

/// `abbrev(list)`: every unambiguous prefix → full word.
#[must_use]
pub fn abbrev(words: &[&str]) -> HashMap<String, String> {
    let mut list: Vec<&str> = words.to_vec();
    list.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    let mut out = HashMap::new();
    let mut prev: Vec<u16> = Vec::new();
    for (ii, current) in list.iter().enumerate() {
        let cur: Vec<u16> = current.encode_utf16().collect();
        let next: Vec<u16> = list
            .get(ii + 1)
            .map(|n| n.encode_utf16().collect())
            .unwrap_or_default();
        if cur == next {
            continue;
        }
        let (mut next_m, mut prev_m) = (true, true);
        let mut j = 0;
        let cl = cur.len();
        while j < cl {
            let c = cur[j];
            next_m = next_m && next.get(j) == Some(&c);
            prev_m = prev_m && prev.get(j) == Some(&c);
            if !next_m && !prev_m {
                j += 1;
                break;
            }
            j += 1;
        }
        prev.clone_from(&cur);
        if j == cl {
            out.insert((*current).to_string(), (*current).to_string());
            continue;
        }
        while j <= cl {
            let a = String::from_utf16_lossy(&cur[..j]);
            out.insert(a, (*current).to_string());
            j += 1;
        }
    }
    out
}

fn type_abbrevs() -> &'static HashMap<String, String> {
    static A: OnceLock<HashMap<String, String>> = OnceLock::new();
    A.get_or_init(|| abbrev(&DEFINITIONS.iter().map(|d| d.key).collect::<Vec<_>>()))
}

fn short_abbrevs() -> &'static HashMap<String, String> {
    static A: OnceLock<HashMap<String, String>> = OnceLock::new();
    A.get_or_init(|| abbrev(&SHORTHANDS.iter().map(|(k, _)| *k).collect::<Vec<_>>()))
}

fn shorthand_of(name: &str) -> Option<Vec<String>> {
    SHORTHANDS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.iter().map(|s| (*s).to_string()).collect())
}

/// `types[arg]` as nopt's `parse` sees it.
#[derive(Debug, Clone, PartialEq)]
enum ArgType {
    Undefined,
    Single(Ty),
    List(Vec<Ty>),
}

impl ArgType {
    fn of(key: &str, types: &NpmTypes) -> ArgType {
        match types.get(key) {
            None => ArgType::Undefined,
            Some(kt) if kt.is_list && kt.list.len() != 1 => ArgType::List(kt.list),
            Some(kt) => kt
                .list
                .into_iter()
                .next()
                .map_or(ArgType::Undefined, ArgType::Single),
        }
    }
    fn has(&self, t: &Ty) -> bool {
        match self {
            ArgType::List(l) => l.contains(t),
            _ => false,
        }
    }
    fn has_lit_str(&self, s: &str) -> bool {
        match self {
            ArgType::List(l) => l
                .iter()
                .any(|t| matches!(t, Ty::Lit(Value::Str(x)) if x == s)),
            _ => false,
        }
    }
}

/// The `-ws is not a valid single-hyphen cli flag` warnings of `loadCLI`.
fn single_hyphen_warnings(args: &[String]) -> Vec<String> {
    SHORTHANDS
        .iter()
        .filter(|(s, _)| s.chars().count() > 1 && args.iter().any(|a| *a == format!("-{s}")))
        .map(|(s, _)| format!("npm warn -{s} is not a valid single-hyphen cli flag and will be removed in the future"))
        .collect()
}

fn abbrev_warning(short: &str, long: &str) -> String {
    format!(
        "npm warn Expanding --{short} to --{long}. This will stop working in the next major version of npm."
    )
}

/// `nopt(types, shorthands, argv)` as `loadCLI` calls it (argv without the
/// node and script paths), including the immediate type check.
///
/// # Errors
/// When validation would throw (`url.parse` on a malformed URL).
pub fn parse_argv(
    args: &[String],
    types: &NpmTypes,
    clean_ctx: &CleanCtx<'_>,
) -> Result<NoptResult, CliError> {
    let mut res = NoptResult {
        warnings: single_hyphen_warnings(args),
        ..NoptResult::default()
    };
    let mut argv: Vec<String> = args.to_vec();
    parse(&mut argv, types, &mut res);
    let cleaned = clean(&mut res.data, "command line options", clean_ctx)?;
    res.warnings.extend(cleaned.warnings);
    Ok(res)
}

fn is_all_dashes(s: &str) -> bool {
    s.len() >= 2 && s.bytes().all(|b| b == b'-')
}

fn push_value(data: &mut JsObject, key: &str, val: Value, is_array: bool) {
    if is_array {
        let mut items = match data.get(key) {
            Some(Value::Array(a)) => a.clone(),
            Some(v) if v.is_truthy() => vec![v.clone()],
            _ => Vec::new(),
        };
        items.push(val);
        data.insert(key.to_string(), Value::Array(items));
    } else {
        data.insert(key.to_string(), val);
    }
}

/// nopt's `parse` loop.
fn parse(args: &mut Vec<String>, types: &NpmTypes, res: &mut NoptResult) {
    let mut i = 0usize;
    while i < args.len() {
        let mut arg = args[i].clone();
        if is_all_dashes(&arg) {
            res.remain.extend(args[i + 1..].iter().cloned());
            break;
        }
        if !(arg.starts_with('-') && arg.encode_utf16().count() > 1) {
            res.remain.push(arg);
            i += 1;
            continue;
        }
        let mut had_eq = false;
        if let Some(at) = arg.find('=') {
            had_eq = true;
            let v = arg[at + 1..].to_string();
            arg.truncate(at);
            args.splice(i..=i, [arg.clone(), v]);
        }
        if let Some(sh) = resolve_short(&arg, res) {
            let differs = sh.first() != Some(&arg);
            args.splice(i..=i, sh);
            if differs {
                continue;
            }
        }
        i = parse_option(args, i, arg, had_eq, types, res);
    }
}

/// nopt's `resolveShort`.
fn resolve_short(arg: &str, res: &mut NoptResult) -> Option<Vec<String>> {
    let arg = arg.trim_start_matches('-');
    let abbrevs = type_abbrevs();
    if abbrevs.get(arg).is_some_and(|a| a == arg) {
        return None;
    }
    if let Some(sh) = shorthand_of(arg) {
        return Some(sh);
    }
    if let Some(chrs) = single_characters(arg) {
        return Some(
            chrs.iter()
                .filter_map(|c| shorthand_of(c))
                .flatten()
                .collect(),
        );
    }
    if abbrevs.contains_key(arg) {
        return None;
    }
    let mut name = arg.to_string();
    if let Some(full) = short_abbrevs().get(arg) {
        res.warnings.push(abbrev_warning(arg, full));
        name.clone_from(full);
    }
    shorthand_of(&name)
}

/// `singleCharacters`: `arg` made only of one-letter shorthands.
fn single_characters(arg: &str) -> Option<Vec<String>> {
    let units: Vec<u16> = arg.encode_utf16().collect();
    let mut out = Vec::new();
    for u in units {
        let s = String::from_utf16(&[u]).ok()?;
        if !SHORTHANDS.iter().any(|(k, _)| *k == s) {
            return None;
        }
        out.push(s);
    }
    Some(out)
}

/// One `--key[=value]` (after shorthand expansion); returns the next index.
fn parse_option(
    args: &[String],
    i: usize,
    raw: String,
    had_eq: bool,
    types: &NpmTypes,
    res: &mut NoptResult,
) -> usize {
    let mut arg = raw.trim_start_matches('-').to_string();
    let mut no: Option<bool> = None;
    while arg.to_lowercase().starts_with("no-") {
        no = Some(!no.unwrap_or(false));
        arg = arg.get(3..).unwrap_or_default().to_string();
    }
    if let Some(full) = type_abbrevs().get(&arg).filter(|f| **f != arg) {
        res.warnings.push(abbrev_warning(&arg, full));
        arg.clone_from(full);
    }
    let arg_type = ArgType::of(&arg, types);
    let has_type = arg_type != ArgType::Undefined;
    let mut is_array = matches!(arg_type, ArgType::Single(Ty::Array)) || arg_type.has(&Ty::Array);
    if !has_type && res.data.contains_key(&arg) {
        if let Some(existing) = res
            .data
            .get(&arg)
            .filter(|v| !matches!(v, Value::Array(_)))
            .cloned()
        {
            res.data.insert(arg.clone(), Value::Array(vec![existing]));
        }
        is_array = true;
    }
    let la = args.get(i + 1).cloned();
    let is_list = matches!(arg_type, ArgType::List(_));
    let is_bool = no.is_some()
        || matches!(arg_type, ArgType::Single(Ty::Boolean))
        || arg_type.has(&Ty::Boolean)
        || (!has_type && !had_eq)
        || (la.as_deref() == Some("false")
            && (matches!(arg_type, ArgType::Single(Ty::Null)) || arg_type.has(&Ty::Null)));
    if !has_type {
        report_unknown(&la, had_eq, res);
    }
    if is_bool {
        return parse_bool_option(args, i, &arg, no, &arg_type, is_list, is_array, res);
    }
    let mut la = la;
    let mut next = i;
    if matches!(arg_type, ArgType::Single(Ty::String)) {
        match la.as_deref() {
            None => la = Some(String::new()),
            Some(l) if looks_like_flag(l) => {
                la = Some(String::new());
                next = next.wrapping_sub(1);
            }
            _ => {}
        }
    }
    if la.as_deref().is_some_and(is_all_dashes) {
        la = None;
        next = next.wrapping_sub(1);
    }
    let val = la.map_or(Value::Bool(true), Value::Str);
    push_value(&mut res.data, &arg, val, is_array);
    next.wrapping_add(2)
}

/// `/^-{1,2}[^-]+/`.
fn looks_like_flag(s: &str) -> bool {
    let dashes = s.bytes().take_while(|b| *b == b'-').count();
    (1..=2).contains(&dashes) && s.as_bytes().get(dashes).is_some_and(|b| *b != b'-')
}

fn report_unknown(la: &Option<String>, had_eq: bool, res: &mut NoptResult) {
    let Some(l) = la else { return };
    let hanging = !had_eq && !l.is_empty() && !l.starts_with('-') && l != "true" && l != "false";
    if hanging {
        res.queued.push(QueuedWarning {
            kind: format!("unknown:{l}"),
            message: format!("npm warn \"{l}\" is being parsed as a normal command line argument."),
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_bool_option(
    args: &[String],
    i: usize,
    arg: &str,
    no: Option<bool>,
    arg_type: &ArgType,
    is_list: bool,
    is_array: bool,
    res: &mut NoptResult,
) -> usize {
    let no = no.unwrap_or(false);
    let mut val = Value::Bool(!no);
    let mut i = i;
    let mut la = args.get(i + 1).cloned();
    if let Some(l) = la.as_deref().filter(|l| *l == "true" || *l == "false") {
        let b = l == "true";
        val = Value::Bool(if no { !b } else { b });
        la = None;
        i += 1;
    }
    if is_list {
        if let Some(l) = la.as_deref().filter(|l| !l.is_empty()) {
            if arg_type.has_lit_str(l) {
                val = Value::Str(l.to_string());
                i += 1;
            } else if l == "null" && arg_type.has(&Ty::Null) {
                val = Value::Null;
                i += 1;
            } else if !starts_double_dash_word(l)
                && !is_nan(&Value::Str(l.to_string()))
                && arg_type.has(&Ty::Number)
            {
                val = Value::Number(super::js_number::string_to_number(l));
                i += 1;
            } else if !starts_single_dash_word(l) && arg_type.has(&Ty::String) {
                val = Value::Str(l.to_string());
                i += 1;
            }
        }
    }
    push_value(&mut res.data, arg, val, is_array);
    i + 1
}

/// `/^-{2,}[^-]/`.
fn starts_double_dash_word(s: &str) -> bool {
    let dashes = s.bytes().take_while(|b| *b == b'-').count();
    dashes >= 2 && s.as_bytes().get(dashes).is_some()
}

/// `/^-[^-]/`.
fn starts_single_dash_word(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() == Some(&b'-') && b.get(1).is_some_and(|c| *c != b'-')
}

/// The whole cli layer as `loadCLI` builds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CliLayer {
    /// nopt's output (`config.data.get('cli').raw`).
    pub raw: JsObject,
    /// After `parseField` (`config.data.get('cli').data`).
    pub data: JsObject,
    /// `parsedArgv.remain`.
    pub remain: Vec<String>,
    /// Immediate warnings, in order (`-ws`, abbreviations, invalid values,
    /// deprecated keys).
    pub warnings: Vec<String>,
    /// Queued warnings, in order (hanging positionals, unknown keys).
    pub queued: Vec<QueuedWarning>,
}

/// `loadCLI` + `#loadObject(conf, 'cli', 'command line options')`, with
/// an empty builtin layer.
///
/// # Errors
/// When npm would throw ([`CliError`]).
pub fn load_cli(
    args: &[String],
    field_ctx: &FieldCtx<'_>,
    clean_ctx: &CleanCtx<'_>,
) -> Result<CliLayer, CliError> {
    let nopt = parse_argv(args, field_ctx.types, clean_ctx)?;
    let mut layer = CliLayer {
        raw: nopt.data.clone(),
        remain: nopt.remain,
        warnings: nopt.warnings,
        queued: nopt.queued,
        data: JsObject::new(),
    };
    for (key, value) in nopt.data.iter() {
        let k = (field_ctx.expand)(key);
        let v = parse_field(value, &k, field_ctx);
        if let Some(msg) = definition(key).and_then(|d| d.deprecated) {
            layer.warnings.push(format!("npm warn config {key} {msg}"));
        }
        if let Some(def) = definition(key) {
            if let Some(other) = def.exclusive.iter().find(|e| layer.data.contains_key(e)) {
                return Err(CliError::Exclusive {
                    key: key.to_string(),
                    other: (*other).to_string(),
                });
            }
        }
        if let Some(q) = unknown_config_warning("cli", key) {
            layer.queued.push(q);
        }
        layer.data.insert(k, v);
    }
    Ok(layer)
}

/// `Config#checkUnknown(where, key)`: the queued warning, if any.
#[must_use]
pub fn unknown_config_warning(where_: &str, key: &str) -> Option<QueuedWarning> {
    if definition(key).is_some() || ["npm-version", "global-prefix", "local-prefix"].contains(&key)
    {
        return None;
    }
    let hint = if where_ == "cli" {
        ""
    } else {
        " See `npm help npmrc` for supported config options."
    };
    let dashes = if where_ == "cli" { "--" } else { "" };
    let tail = "This will stop working in the next major version of npm.";
    if !key.contains(':') {
        return Some(QueuedWarning {
            kind: key.to_string(),
            message: format!("npm warn Unknown {where_} config \"{dashes}{key}\". {tail}{hint}"),
        });
    }
    let base = key.rsplit(':').next().unwrap_or(key);
    if definition(base).is_some() || is_nerf_dart_key(base) {
        return None;
    }
    Some(QueuedWarning {
        kind: base.to_string(),
        message: format!("npm warn Unknown {where_} config \"{base}\" ({key}). {tail}{hint}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn run(args: &[&str]) -> NoptResult {
        let types = NpmTypes::default();
        let (home, cwd) = (PathBuf::from("/h"), PathBuf::from("/w"));
        let ctx = CleanCtx {
            types: &types,
            home: &home,
            cwd: &cwd,
        };
        let args: Vec<String> = args.iter().map(|s| (*s).to_string()).collect();
        parse_argv(&args, &types, &ctx).unwrap_or_default()
    }

    #[test]
    fn abbrev_matches_npm_abbrev() {
        let a = abbrev(&["foo", "fool", "bar"]);
        assert_eq!(a.get("b").map(String::as_str), Some("bar"));
        assert_eq!(a.get("foo").map(String::as_str), Some("foo"));
        assert_eq!(a.get("fool").map(String::as_str), Some("fool"));
        assert!(!a.contains_key("fo"));
    }

    #[test]
    fn shorthands_and_abbreviations() {
        let r = run(&["-gf", "--regis", "https://r.example/", "install", "x"]);
        assert_eq!(r.data.get("global"), Some(&Value::Bool(true)));
        assert_eq!(r.data.get("force"), Some(&Value::Bool(true)));
        assert_eq!(
            r.data.get("registry"),
            Some(&Value::Str("https://r.example/".into()))
        );
        assert_eq!(r.remain, vec!["install".to_string(), "x".to_string()]);
        assert_eq!(r.warnings, vec![abbrev_warning("regis", "registry")]);
    }

    #[test]
    fn invalid_registry_warns_and_drops() {
        let r = run(&["--registry", "not a url"]);
        assert!(!r.data.contains_key("registry"));
        assert_eq!(r.warnings.len(), 2);
    }

    #[test]
    fn unknown_keys() {
        let r = run(&[
            "--@acme:registry=https://x/",
            "--//h/:_authToken=t",
            "--foo",
            "bar",
        ]);
        assert_eq!(
            r.data.get("@acme:registry"),
            Some(&Value::Str("https://x/".into()))
        );
        assert_eq!(r.data.get("//h/:_authToken"), Some(&Value::Str("t".into())));
        assert_eq!(r.data.get("foo"), Some(&Value::Bool(true)));
        assert_eq!(r.remain, vec!["bar".to_string()]);
        assert_eq!(r.queued.len(), 1);
        assert!(unknown_config_warning("cli", "foo").is_some());
        assert!(unknown_config_warning("cli", "//h/:_authToken").is_none());
    }
}
