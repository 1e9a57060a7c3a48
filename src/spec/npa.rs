//! `npm-package-arg` 13: what npm makes of `name@spec` and of a dependency spec.
//!
//! [`npa`] ports `npa(arg, where)` and [`resolve`] ports
//! `npa.resolve(name, spec, where)`, including npm's error texts and codes.
//! Paths are POSIX (npm on Linux/macOS). `where` defaults to the current
//! directory, `~` to `$HOME`, like node's `process.cwd()`/`os.homedir()`.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::hosted::{self, GitHost};
use super::name::validate;
use super::semver;
use super::{decode_uri_component, encode_uri_component};

/// `res.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecType {
    /// A dist-tag such as `latest`.
    Tag,
    /// An exact version (loose `semver.valid`).
    Version,
    /// A range (loose `semver.validRange`).
    Range,
    /// `npm:name@spec`.
    Alias,
    /// A git repository (hosted or URL).
    Git,
    /// An `http(s)://` tarball.
    Remote,
    /// A local tarball (`.tgz`, `.tar.gz`, `.tar`).
    File,
    /// A local directory.
    Directory,
}

impl SpecType {
    /// The string npm uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SpecType::Tag => "tag",
            SpecType::Version => "version",
            SpecType::Range => "range",
            SpecType::Alias => "alias",
            SpecType::Git => "git",
            SpecType::Remote => "remote",
            SpecType::File => "file",
            SpecType::Directory => "directory",
        }
    }
}

/// npa's `Result` (JS `null` and `undefined` are both `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageArg {
    /// `res.type`.
    pub type_: SpecType,
    /// `res.registry` (`true` for tag/version/range/alias).
    pub registry: bool,
    /// `res.where` (set for file and directory specs).
    pub where_: Option<String>,
    /// `res.raw`.
    pub raw: String,
    /// `res.name`.
    pub name: Option<String>,
    /// `res.escapedName` (first `/` → `%2f`).
    pub escaped_name: Option<String>,
    /// `res.scope` (`@scope`).
    pub scope: Option<String>,
    /// `res.rawSpec`.
    pub raw_spec: String,
    /// `res.saveSpec`.
    pub save_spec: Option<String>,
    /// `res.fetchSpec`.
    pub fetch_spec: Option<String>,
    /// `res.gitRange` (`#semver:<range>`).
    pub git_range: Option<String>,
    /// `res.gitCommittish`.
    pub git_committish: Option<String>,
    /// `res.gitSubdir` (`#path:<dir>`, with a leading `/`).
    pub git_subdir: Option<String>,
    /// `res.hosted` for hosted git specs.
    pub hosted: Option<GitHost>,
    /// `res.subSpec` for aliases.
    pub sub_spec: Option<Box<PackageArg>>,
}

/// An error npa throws: `err.code` (if any) and `err.message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpaError {
    /// `EINVALIDPACKAGENAME`, `EINVALIDTAGNAME`, `EUNSUPPORTEDPROTOCOL`,
    /// `ERR_INVALID_URL`, or `None` for plain `Error`s.
    pub code: Option<&'static str>,
    /// The exact message text.
    pub message: String,
}

impl fmt::Display for NpaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NpaError {}

fn plain(message: impl Into<String>) -> NpaError {
    NpaError {
        code: None,
        message: message.into(),
    }
}

fn re(src: &str) -> Regex {
    match Regex::new(src) {
        Ok(r) => r,
        Err(e) => panic!("npa regex does not compile: {e}"),
    }
}

/// JS `.` (anything but a line terminator).
const DOT: &str = r"[^\n\r\x{2028}\x{2029}]";

static IS_URL: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[gG][iI][tT][+])?[a-zA-Z]+:"));
static IS_GIT: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^[^@]+@[^:.]+\.[^:]+:{DOT}+$")));
static IS_FILE_TYPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"[.](?:[tT][gG][zZ]|[tT][aA][rR]\.[gG][zZ]|[tT][aA][rR])$"));
static IS_PORT_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r":[0-9]+(/|$)"));
static IS_POSIX_FILE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[.]|~[/]|[/]|[a-zA-Z]:)"));
static GIT_SSH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^[gG][iI][tT]\+[sS][sS][hH]://([^:#]+:[^#]+(?:\.[gG][iI][tT])?)(?:#({DOT}*))?$"
    ))
});

/// `npa(arg, where)`.
///
/// # Errors
/// Whatever npa throws for this argument (see [`NpaError`]).
pub fn npa(arg: &str, where_: Option<&str>) -> Result<PackageArg, NpaError> {
    let first_len = arg.chars().next().map_or(0, char::len_utf8);
    let name_ends_at = arg
        .get(first_len..)
        .and_then(|rest| rest.find('@'))
        .map(|i| i + first_len);
    let name_part = name_ends_at.and_then(|i| arg.get(..i)).unwrap_or(arg);
    let (name, spec) = if IS_URL.is_match(arg) {
        (None, arg.to_string())
    } else if IS_GIT.is_match(arg) {
        (None, format!("git+ssh://{arg}"))
    } else if !name_part.starts_with('@')
        && (name_part.contains('/') || IS_FILE_TYPE.is_match(name_part))
    {
        (None, arg.to_string())
    } else if let Some(i) = name_ends_at {
        let spec = arg.get(i + 1..).unwrap_or("");
        (
            Some(name_part),
            if spec.is_empty() {
                "*".to_string()
            } else {
                spec.to_string()
            },
        )
    } else if validate(arg).valid_for_old_packages {
        (Some(arg), "*".to_string())
    } else {
        (None, arg.to_string())
    };
    resolve_inner(name, &spec, where_, Some(arg))
}

/// `npa.resolve(name, spec, where)`.
///
/// # Errors
/// Whatever npa throws for this name and spec (see [`NpaError`]).
pub fn resolve(
    name: Option<&str>,
    spec: &str,
    where_: Option<&str>,
) -> Result<PackageArg, NpaError> {
    resolve_inner(name, spec, where_, None)
}

fn new_result(name: Option<&str>, spec: &str, raw: Option<&str>) -> Result<PackageArg, NpaError> {
    let name = name.filter(|n| !n.is_empty());
    let raw = match (raw, name) {
        (Some(r), _) => r.to_string(),
        (None, Some(n)) => format!("{n}@{spec}"),
        (None, None) => spec.to_string(),
    };
    let mut res = PackageArg {
        type_: SpecType::Tag,
        registry: false,
        where_: None,
        raw,
        name: None,
        escaped_name: None,
        scope: None,
        raw_spec: spec.to_string(),
        save_spec: None,
        fetch_spec: None,
        git_range: None,
        git_committish: None,
        git_subdir: None,
        hosted: None,
        sub_spec: None,
    };
    if let Some(n) = name {
        set_name(&mut res, n)?;
    }
    Ok(res)
}

/// `Result#setName`.
fn set_name(res: &mut PackageArg, name: &str) -> Result<(), NpaError> {
    let valid = validate(name);
    if !valid.valid_for_old_packages {
        return Err(NpaError {
            code: Some("EINVALIDPACKAGENAME"),
            message: format!(
                "Invalid package name \"{name}\" of package \"{}\": {}.",
                res.raw,
                valid.errors.join("; ")
            ),
        });
    }
    res.name = Some(name.to_string());
    res.scope = name
        .starts_with('@')
        .then(|| name.split('/').next().unwrap_or(name).to_string());
    // `name.slice(0, name.indexOf('/'))` is `name.slice(0, -1)` without a slash.
    if name.starts_with('@') && !name.contains('/') {
        let mut chars = name.chars();
        chars.next_back();
        res.scope = Some(chars.as_str().to_string());
    }
    res.escaped_name = Some(name.replacen('/', "%2f", 1));
    Ok(())
}

fn is_file_spec(spec: &str) -> bool {
    !spec.is_empty() && (spec.to_lowercase().starts_with("file:") || IS_POSIX_FILE.is_match(spec))
}

fn resolve_inner(
    name: Option<&str>,
    spec: &str,
    where_: Option<&str>,
    arg: Option<&str>,
) -> Result<PackageArg, NpaError> {
    let res = new_result(name, spec, arg)?;
    let where_ = match where_.filter(|w| !w.is_empty()) {
        Some(w) => w.to_string(),
        None => cwd(),
    };
    if is_file_spec(spec) {
        return from_file(res, &where_);
    }
    if spec.to_lowercase().starts_with("npm:") {
        return from_alias(res, &where_);
    }
    let hosted = hosted::from_url(spec).map_err(|e| NpaError {
        code: None,
        message: e.0,
    })?;
    if let Some(h) = hosted {
        from_hosted_git(res, h)
    } else if !spec.is_empty() && IS_URL.is_match(spec) {
        from_url(res)
    } else if !spec.is_empty() && (spec.contains('/') || IS_FILE_TYPE.is_match(spec)) {
        from_file(res, &where_)
    } else {
        from_registry(res)
    }
}

/// `setGitAttrs(res, committish)`.
fn set_git_attrs(res: &mut PackageArg, committish: Option<&str>) -> Result<(), NpaError> {
    let Some(committish) = committish.filter(|c| !c.is_empty()) else {
        res.git_committish = None;
        return Ok(());
    };
    for part in committish.split("::") {
        if !part.contains(':') {
            if res.git_range.is_some() {
                return Err(plain(
                    "cannot override existing semver range with a committish",
                ));
            }
            if res.git_committish.is_some() {
                return Err(plain(
                    "cannot override existing committish with a second committish",
                ));
            }
            res.git_committish = Some(part.to_string());
            continue;
        }
        let mut it = part.split(':');
        let key = it.next().unwrap_or("");
        let value = it.next().unwrap_or("");
        match key {
            "semver" => {
                if res.git_committish.is_some() {
                    return Err(plain(
                        "cannot override existing committish with a semver range",
                    ));
                }
                if res.git_range.is_some() {
                    return Err(plain(
                        "cannot override existing semver range with a second semver range",
                    ));
                }
                res.git_range = Some(decode_uri_component(value).ok_or_else(uri_malformed)?);
            }
            "path" => {
                if res.git_subdir.is_some() {
                    return Err(plain("cannot override existing path with a second path"));
                }
                res.git_subdir = Some(format!("/{value}"));
            }
            _ => {} // npa logs `ignoring unknown key`
        }
    }
    Ok(())
}

fn uri_malformed() -> NpaError {
    plain("URI malformed")
}

/// `pathToFileURL` from npa (its own limited percent-encoding).
fn path_to_file_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 5);
    for c in s.chars() {
        match c {
            '\0' => out.push_str("%00"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '[' => out.push_str("%5B"),
            '\\' => out.push_str("%5C"),
            ']' => out.push_str("%5D"),
            '^' => out.push_str("%5E"),
            '|' => out.push_str("%7C"),
            '~' => out.push_str("%7E"),
            _ => out.push(c),
        }
    }
    if out.starts_with("file:") {
        out
    } else {
        format!("file:{out}")
    }
}

/// The `file:` URL fix-ups at the top of `fromFile`.
fn normalise_file_url(raw: String) -> String {
    if !raw.starts_with("file:/") {
        return raw;
    }
    let rest = raw.get(5..).unwrap_or("");
    let mut raw = if rest.starts_with("//")
        && !rest.get(2..).unwrap_or("").starts_with('/')
        && rest.len() > 2
    {
        format!("file:/{rest}")
    } else {
        raw.clone()
    };
    let rest = raw.get(5..).unwrap_or("");
    let slashes = rest.len() - rest.trim_start_matches('/').len();
    let after = rest.trim_start_matches('/');
    let dots = after.strip_prefix("..").or_else(|| after.strip_prefix('.'));
    if (1..=3).contains(&slashes) && dots.is_some_and(|d| d.is_empty() || d.starts_with('/')) {
        raw = format!("file:{}", rest.get(slashes.min(3)..).unwrap_or(""));
    }
    raw
}

fn from_file(mut res: PackageArg, where_: &str) -> Result<PackageArg, NpaError> {
    res.type_ = if IS_FILE_TYPE.is_match(&res.raw_spec) {
        SpecType::File
    } else {
        SpecType::Directory
    };
    res.where_ = Some(where_.to_string());
    let raw = normalise_file_url(path_to_file_url(&res.raw_spec));
    let invalid = || plain("Invalid file: URL, must comply with RFC 8089");
    let base = format!("{}/", path_to_file_url(&path_resolve(&[where_])));
    let resolved_url = Url::parse(&base)
        .and_then(|b| b.join(&raw))
        .map_err(|_| invalid())?;
    let spec_url = Url::parse(&raw).map_err(|_| invalid())?;
    let spec_path = decode_uri_component(spec_url.path()).ok_or_else(uri_malformed)?;
    let mut resolved_path = decode_uri_component(resolved_url.path()).ok_or_else(uri_malformed)?;
    let save = if spec_path == "/~" || spec_path.starts_with("/~/") {
        resolved_path = path_resolve(&[&home(), spec_path.get(3..).unwrap_or("")]);
        format!("file:{}", spec_path.get(1..).unwrap_or(""))
    } else if !raw.get(5..).unwrap_or("").starts_with('/') {
        format!("file:{}", path_relative(where_, &resolved_path))
    } else {
        format!("file:{}", path_resolve(&[&resolved_path]))
    };
    res.fetch_spec = Some(path_resolve(&[where_, &resolved_path]));
    let save = save.replace('\\', "/");
    res.save_spec = Some(match save.strip_prefix("file://") {
        Some(rest) => format!("file:/{rest}"),
        None => save,
    });
    Ok(res)
}

fn from_hosted_git(mut res: PackageArg, hosted: GitHost) -> Result<PackageArg, NpaError> {
    res.type_ = SpecType::Git;
    res.save_spec = Some(hosted.to_string_with(false, false));
    res.fetch_spec =
        (hosted.default_representation != "shortcut").then(|| hosted.to_string_with(true, true));
    let committish = hosted.committish.clone();
    res.hosted = Some(hosted);
    set_git_attrs(&mut res, committish.as_deref())?;
    Ok(res)
}

fn from_url(mut res: PackageArg) -> Result<PackageArg, NpaError> {
    let mut raw = res.raw_spec.clone();
    res.save_spec = Some(raw.clone());
    if raw.starts_with("git+ssh:") {
        if let Some(m) = GIT_SSH.captures(&raw) {
            let target = m.get(1).map_or("", |g| g.as_str());
            if !IS_PORT_NUMBER.is_match(target) {
                res.type_ = SpecType::Git;
                let committish = m.get(2).map(|g| g.as_str().to_string());
                set_git_attrs(&mut res, committish.as_deref())?;
                res.fetch_spec = Some(target.to_string());
                return Ok(res);
            }
        }
    } else if raw.starts_with("git+file://") {
        raw = raw.replace('\\', "/");
    }
    let mut parsed = Url::parse(&raw).map_err(|_| NpaError {
        code: Some("ERR_INVALID_URL"),
        message: "Invalid URL".into(),
    })?;
    let protocol = format!("{}:", parsed.scheme());
    match protocol.as_str() {
        "git:" | "git+http:" | "git+https:" | "git+rsync:" | "git+ftp:" | "git+file:"
        | "git+ssh:" => {
            res.type_ = SpecType::Git;
            let frag = parsed.fragment().unwrap_or("").to_string();
            set_git_attrs(&mut res, Some(&frag))?;
            let fetch = if protocol == "git+file:" && has_drive_host(&raw) {
                let host = parsed.host_str().unwrap_or("").to_lowercase();
                let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
                format!("git+file://{host}{port}:{}", parsed.path())
            } else {
                parsed.set_fragment(None);
                parsed.to_string()
            };
            res.fetch_spec = Some(
                fetch
                    .strip_prefix("git+")
                    .map_or(fetch.clone(), str::to_string),
            );
        }
        "http:" | "https:" => {
            res.type_ = SpecType::Remote;
            res.fetch_spec = res.save_spec.clone();
        }
        _ => {
            return Err(NpaError {
                code: Some("EUNSUPPORTEDPROTOCOL"),
                message: format!("Unsupported URL Type \"{protocol}\": {raw}"),
            });
        }
    }
    Ok(res)
}

/// `/^git\+file:\/\/[a-z]:/i`.
fn has_drive_host(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    let b = lower.as_bytes();
    lower.starts_with("git+file://")
        && b.get(11).is_some_and(u8::is_ascii_alphabetic)
        && b.get(12) == Some(&b':')
}

fn from_alias(mut res: PackageArg, where_: &str) -> Result<PackageArg, NpaError> {
    let sub = npa(res.raw_spec.get(4..).unwrap_or(""), Some(where_))?;
    if sub.type_ == SpecType::Alias {
        return Err(plain("nested aliases not supported"));
    }
    if !sub.registry {
        return Err(plain("aliases only work for registry deps"));
    }
    if sub.name.is_none() {
        return Err(plain("aliases must have a name"));
    }
    res.sub_spec = Some(Box::new(sub));
    res.registry = true;
    res.type_ = SpecType::Alias;
    res.save_spec = None;
    res.fetch_spec = None;
    Ok(res)
}

fn from_registry(mut res: PackageArg) -> Result<PackageArg, NpaError> {
    res.registry = true;
    let spec = super::js_trim(&res.raw_spec).to_string();
    res.save_spec = None;
    res.fetch_spec = Some(spec.clone());
    if semver::is_valid(&spec, true) {
        res.type_ = SpecType::Version;
    } else if semver::is_valid_range(&spec, true) {
        res.type_ = SpecType::Range;
    } else {
        if encode_uri_component(&spec) != spec {
            return Err(NpaError {
                code: Some("EINVALIDTAGNAME"),
                message: format!(
                    "Invalid tag name \"{spec}\" of package \"{}\": Tags may not have any characters that encodeURIComponent encodes.",
                    res.raw
                ),
            });
        }
        res.type_ = SpecType::Tag;
    }
    Ok(res)
}

// ---------------------------------------------------------------------------
// POSIX `path` and process helpers

fn cwd() -> String {
    std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".into())
}

fn home() -> String {
    std::env::var("HOME").unwrap_or_else(|_| "/".into())
}

/// node's `path.posix.resolve(...parts)`.
#[must_use]
pub fn path_resolve(parts: &[&str]) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let cwd = cwd();
    let mut chain: Vec<&str> = Vec::new();
    for p in parts.iter().rev() {
        if p.is_empty() {
            continue;
        }
        chain.push(p);
        if p.starts_with('/') {
            break;
        }
    }
    if !chain.last().is_some_and(|p| p.starts_with('/')) {
        chain.push(&cwd);
    }
    for p in chain.iter().rev() {
        for seg in p.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s),
            }
        }
    }
    format!("/{}", segments.join("/"))
}

/// node's `path.posix.relative(from, to)`.
#[must_use]
pub fn path_relative(from: &str, to: &str) -> String {
    if from == to {
        return String::new();
    }
    let from = path_resolve(&[from]);
    let to = path_resolve(&[to]);
    if from == to {
        return String::new();
    }
    let (fb, tb) = (from.as_bytes(), to.as_bytes());
    let (from_len, to_len) = (fb.len() - 1, tb.len() - 1);
    let length = from_len.min(to_len);
    let mut last_sep: isize = -1;
    let mut i = 0;
    while i < length {
        let fc = fb.get(1 + i);
        if fc != tb.get(1 + i) {
            break;
        }
        if fc == Some(&b'/') {
            last_sep = isize::try_from(i).unwrap_or(-1);
        }
        i += 1;
    }
    if i == length {
        if to_len > length {
            if tb.get(1 + i) == Some(&b'/') {
                return to.get(2 + i..).unwrap_or("").to_string();
            }
            if i == 0 {
                return to.get(1..).unwrap_or("").to_string();
            }
        } else if from_len > length {
            if fb.get(1 + i) == Some(&b'/') {
                last_sep = isize::try_from(i).unwrap_or(-1);
            } else if i == 0 {
                last_sep = 0;
            }
        }
    }
    let mut out = String::new();
    let start = usize::try_from(1 + last_sep + 1).unwrap_or(0);
    for j in start..=fb.len() {
        if j == fb.len() || fb.get(j) == Some(&b'/') {
            out.push_str(if out.is_empty() { ".." } else { "/.." });
        }
    }
    let tail_start = usize::try_from(1 + last_sep).unwrap_or(0);
    format!("{out}{}", to.get(tail_start..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(arg: &str) -> PackageArg {
        npa(arg, Some("/w/proj")).unwrap()
    }

    #[test]
    fn registry_specs() {
        assert_eq!(ok("foo").type_, SpecType::Range);
        assert_eq!(ok("foo@1.2.3").type_, SpecType::Version);
        assert_eq!(ok("foo@latest").type_, SpecType::Tag);
        let r = ok("@s/p@^1");
        assert_eq!(r.scope.as_deref(), Some("@s"));
        assert_eq!(r.escaped_name.as_deref(), Some("@s%2fp"));
        let e = npa("foo@>>1", None).unwrap_err();
        assert_eq!(e.code, Some("EINVALIDTAGNAME"));
    }

    #[test]
    fn other_specs() {
        assert_eq!(ok("a@npm:b@^1").type_, SpecType::Alias);
        assert_eq!(
            npa("a@npm:b@npm:c", None).unwrap_err().message,
            "nested aliases not supported"
        );
        let w = npa("a@workspace:*", None).unwrap_err();
        assert_eq!(
            w.message,
            "Unsupported URL Type \"workspace:\": workspace:*"
        );
        let d = ok("a@file:../x");
        assert_eq!(d.type_, SpecType::Directory);
        assert_eq!(d.save_spec.as_deref(), Some("file:../x"));
        assert_eq!(d.fetch_spec.as_deref(), Some("/w/x"));
        assert_eq!(ok("user/repo").type_, SpecType::Git);
        assert_eq!(ok("https://x.com/a.tgz").type_, SpecType::Remote);
    }

    #[test]
    fn posix_paths() {
        assert_eq!(path_resolve(&["/a/b", "../c"]), "/a/c");
        assert_eq!(path_relative("/a/b", "/a/c/d"), "../c/d");
        assert_eq!(path_relative("/a", "/a/b"), "b");
        assert_eq!(path_relative("/a/b", "/"), "../..");
        assert_eq!(path_relative("/", "/a"), "a");
    }
}

#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn npa_never_panics(s in "[ -~\\t\u{e9}\u{3000}]{0,40}") {
            let _ = super::npa(&s, Some("/w"));
            let _ = super::resolve(Some("x"), &s, Some("/w"));
            let _ = crate::spec::name::validate(&s);
        }
    }
}
