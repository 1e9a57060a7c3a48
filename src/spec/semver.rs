//! node-semver 7.8 (`valid`, `validRange`, `satisfies`) as npm 11 runs it.
//!
//! The regexes are built the way `internal/re.js` builds them: the same
//! token sources, then `makeSafeRegex` (which bounds `\s*` to **one**
//! whitespace, `\d+` to 256 digits and `[a-zA-Z0-9-]+` to 250 characters),
//! then a translation of JS `\s`/`\d` into explicit classes (Rust's are
//! Unicode-aware and differ). The range pipeline copies `classes/range.js`
//! step by step, string replacement for string replacement, so the
//! normalised output is byte-identical to `new Range(r, loose).range`.
//! `includePrerelease` is not supported (npm never sets it for specs).

use std::collections::HashSet;
use std::fmt;
use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Regex, RegexBuilder};

use super::{JS_WS_CLASS, js_digits_plus_one, js_split_ws, js_trim, utf16_len};

/// `MAX_LENGTH` from `internal/constants.js`.
pub const MAX_LENGTH: usize = 256;
/// `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
#[allow(clippy::cast_precision_loss)]
const MAX_SAFE_F64: f64 = MAX_SAFE_INTEGER as f64;

/// The compiled `safeRe` table (only the tokens the ports use).
struct Re {
    bounded: bool,
    full: OnceLock<Regex>,
    loose: OnceLock<Regex>,
    build: OnceLock<Regex>,
    build_strip: OnceLock<Regex>,
    xrange: OnceLock<Regex>,
    xrange_loose: OnceLock<Regex>,
    tilde_trim: OnceLock<Regex>,
    tilde: OnceLock<Regex>,
    tilde_loose: OnceLock<Regex>,
    caret_trim: OnceLock<Regex>,
    caret: OnceLock<Regex>,
    caret_loose: OnceLock<Regex>,
    comparator: OnceLock<Regex>,
    comparator_loose: OnceLock<Regex>,
    comparator_trim: OnceLock<Regex>,
    hyphen: OnceLock<Regex>,
    hyphen_loose: OnceLock<Regex>,
    star: OnceLock<Regex>,
    gte0: OnceLock<Regex>,
}

/// The unsafe `src[]` strings of `internal/re.js`.
struct Src {
    fullplain: String,
    looseplain: String,
    build: String,
    xrangeplain: String,
    xrangeplain_loose: String,
}

fn sources() -> Src {
    let ni = r"0|[1-9]\d*";
    let nil = r"\d+";
    let nni = r"\d*[a-zA-Z-][a-zA-Z0-9-]*";
    let main = format!(r"({ni})\.({ni})\.({ni})");
    let main_loose = format!(r"({nil})\.({nil})\.({nil})");
    let pi = format!("(?:{nni}|{ni})");
    let pil = format!("(?:{nni}|{nil})");
    let pre = format!(r"(?:-({pi}(?:\.{pi})*))");
    let pre_loose = format!(r"(?:-?({pil}(?:\.{pil})*))");
    let bi = "[a-zA-Z0-9-]+";
    let build = format!(r"(?:\+({bi}(?:\.{bi})*))");
    let xi = format!(r"{ni}|x|X|\*");
    let xil = format!(r"{nil}|x|X|\*");
    let xplain =
        |id: &str, pre: &str| format!(r"[v=\s]*({id})(?:\.({id})(?:\.({id})(?:{pre})?{build}?)?)?");
    Src {
        fullplain: format!("v?{main}{pre}?{build}?"),
        looseplain: format!(r"[v=\s]*{main_loose}{pre_loose}?{build}?"),
        xrangeplain: xplain(&xi, &pre),
        xrangeplain_loose: xplain(&xil, &pre_loose),
        build,
    }
}

/// `makeSafeRegex` from `internal/re.js`.
fn make_safe(value: &str, bounded: bool) -> String {
    let subs = [
        (r"\s", 1usize),
        (r"\d", MAX_LENGTH),
        ("[a-zA-Z0-9-]", MAX_LENGTH - 6),
    ];
    let mut v = value.to_string();
    // `\s` bounds change what matches; the `\d` and letter-dash-number
    // bounds only matter for runs longer than [`FAST_RUN_LIMIT`] (see
    // [`re`]), so the fast set leaves them unbounded (a far cheaper regex)
    let subs = if bounded { &subs[..] } else { &subs[..1] };
    for &(token, max) in subs {
        v = v
            .replace(&format!("{token}*"), &format!("{token}{{0,{max}}}"))
            .replace(&format!("{token}+"), &format!("{token}{{1,{max}}}"));
    }
    v
}

/// Rewrites JS `\s` and `\d` into explicit classes for the `regex` crate.
fn translate(js: &str) -> String {
    let mut out = String::with_capacity(js.len() * 2);
    let mut in_class = false;
    let mut chars = js.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('s') if in_class => out.push_str(JS_WS_CLASS),
                Some('s') => out.push_str(&format!("[{JS_WS_CLASS}]")),
                Some('d') if in_class => out.push_str("0-9"),
                Some('d') => out.push_str("[0-9]"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn compile(js: &str, safe: bool, bounded: bool) -> Regex {
    let src = translate(&if safe {
        make_safe(js, bounded)
    } else {
        js.to_string()
    });
    match RegexBuilder::new(&src).size_limit(256 << 20).build() {
        Ok(re) => re,
        // The sources are constants: a failure here is a bug caught by every test.
        Err(e) => panic!("semver regex does not compile: {e}"),
    }
}

/// node-semver's "safe" regexes, exactly (bounded repetitions).
static RE_EXACT: LazyLock<Re> = LazyLock::new(|| build_re(true));
/// The same with unbounded `\d+` / `[a-zA-Z0-9-]+`: identical results on
/// inputs without a run of such characters longer than [`FAST_RUN_LIMIT`].
static RE_FAST: LazyLock<Re> = LazyLock::new(|| build_re(false));

/// Runs of digits / letter-dash-number characters up to this length can
/// never reach the safe regexes' bounds (256 and 250), even after the
/// rewrites range parsing does.
const FAST_RUN_LIMIT: usize = 200;

thread_local! {
    /// >0 while parsing an input that needs the exact (bounded) regexes.
    static EXACT_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The regex set for the input being parsed.
fn re() -> &'static Re {
    if EXACT_DEPTH.with(std::cell::Cell::get) > 0 {
        &RE_EXACT
    } else {
        &RE_FAST
    }
}

/// Switches to the exact regexes while alive, when `input` needs them.
struct ExactGuard(bool);

impl ExactGuard {
    fn enter(input: &str) -> ExactGuard {
        let longest = |pred: fn(char) -> bool| {
            let mut best = 0;
            let mut cur = 0;
            for c in input.chars() {
                if pred(c) {
                    cur += 1;
                    best = best.max(cur);
                } else {
                    cur = 0;
                }
            }
            best
        };
        let exact = longest(|c| c.is_ascii_alphanumeric() || c == '-') > FAST_RUN_LIMIT;
        if exact {
            EXACT_DEPTH.with(|d| d.set(d.get() + 1));
        }
        ExactGuard(exact)
    }
}

impl Drop for ExactGuard {
    fn drop(&mut self) {
        if self.0 {
            EXACT_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
}

/// `(<|>)?=?` in node-semver's sources.
const GTLT: &str = "((?:<|>)?=?)";

/// A regex set; each regex is compiled the first time it is used (a
/// single-project run needs only a few of them).
fn build_re(bounded: bool) -> Re {
    Re {
        bounded,
        full: OnceLock::new(),
        loose: OnceLock::new(),
        build: OnceLock::new(),
        build_strip: OnceLock::new(),
        xrange: OnceLock::new(),
        xrange_loose: OnceLock::new(),
        tilde_trim: OnceLock::new(),
        tilde: OnceLock::new(),
        tilde_loose: OnceLock::new(),
        caret_trim: OnceLock::new(),
        caret: OnceLock::new(),
        caret_loose: OnceLock::new(),
        comparator: OnceLock::new(),
        comparator_loose: OnceLock::new(),
        comparator_trim: OnceLock::new(),
        hyphen: OnceLock::new(),
        hyphen_loose: OnceLock::new(),
        star: OnceLock::new(),
        gte0: OnceLock::new(),
    }
}

impl Re {
    fn full(&self) -> &Regex {
        self.full.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!("^{}$", s.fullplain), true)
        })
    }

    fn loose(&self) -> &Regex {
        self.loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!("^{}$", s.looseplain), true)
        })
    }

    fn build(&self) -> &Regex {
        self.build.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&s.build, true)
        })
    }

    fn build_strip(&self) -> &Regex {
        self.build_strip.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&s.build, false)
        })
    }

    fn xrange(&self) -> &Regex {
        self.xrange.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            let gtlt = GTLT;
            compile(&format!(r"^{gtlt}\s*{}$", s.xrangeplain), true)
        })
    }

    fn xrange_loose(&self) -> &Regex {
        self.xrange_loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            let gtlt = GTLT;
            compile(&format!(r"^{gtlt}\s*{}$", s.xrangeplain_loose), true)
        })
    }

    fn tilde_trim(&self) -> &Regex {
        self.tilde_trim.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            compile(r"(\s*)(?:~>?)\s+", true)
        })
    }

    fn tilde(&self) -> &Regex {
        self.tilde.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!("^(?:~>?){}$", s.xrangeplain), true)
        })
    }

    fn tilde_loose(&self) -> &Regex {
        self.tilde_loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!("^(?:~>?){}$", s.xrangeplain_loose), true)
        })
    }

    fn caret_trim(&self) -> &Regex {
        self.caret_trim.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            compile(r"(\s*)(?:\^)\s+", true)
        })
    }

    fn caret(&self) -> &Regex {
        self.caret.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!(r"^(?:\^){}$", s.xrangeplain), true)
        })
    }

    fn caret_loose(&self) -> &Regex {
        self.caret_loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!(r"^(?:\^){}$", s.xrangeplain_loose), true)
        })
    }

    fn comparator(&self) -> &Regex {
        self.comparator.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            let gtlt = GTLT;
            compile(&format!(r"^{gtlt}\s*({})$|^$", s.fullplain), true)
        })
    }

    fn comparator_loose(&self) -> &Regex {
        self.comparator_loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            let gtlt = GTLT;
            compile(&format!(r"^{gtlt}\s*({})$|^$", s.looseplain), true)
        })
    }

    fn comparator_trim(&self) -> &Regex {
        self.comparator_trim.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            let gtlt = GTLT;
            compile(
                &format!(r"(\s*){gtlt}\s*({}|{})", s.looseplain, s.xrangeplain),
                true,
            )
        })
    }

    fn hyphen(&self) -> &Regex {
        self.hyphen.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(&format!(r"^\s*({0})\s+-\s+({0})\s*$", s.xrangeplain), true)
        })
    }

    fn hyphen_loose(&self) -> &Regex {
        self.hyphen_loose.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            let s = sources();
            compile(
                &format!(r"^\s*({0})\s+-\s+({0})\s*$", s.xrangeplain_loose),
                true,
            )
        })
    }

    fn star(&self) -> &Regex {
        self.star.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            compile(r"(<|>)?=?\s*\*", true)
        })
    }

    fn gte0(&self) -> &Regex {
        self.gte0.get_or_init(|| {
            let compile = |js: &str, safe: bool| compile(js, safe, self.bounded);
            compile(r"^\s*>=\s*0\.0\.0\s*$", true)
        })
    }
}

// ---------------------------------------------------------------------------
// Versions

/// One prerelease identifier: a number below `MAX_SAFE_INTEGER`, or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// An all-digit identifier that node turned into a number.
    Num(u64),
    /// Anything else (including all-digit identifiers too large for a number).
    Str(String),
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Num(n) => write!(f, "{n}"),
            Identifier::Str(s) => f.write_str(s),
        }
    }
}

/// A parsed version (`new SemVer(v, loose)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major component.
    pub major: u64,
    /// Minor component.
    pub minor: u64,
    /// Patch component.
    pub patch: u64,
    /// Prerelease identifiers.
    pub prerelease: Vec<Identifier>,
    /// Build identifiers (ignored by comparisons and by the normalised form).
    pub build: Vec<String>,
}

impl fmt::Display for Version {
    /// `SemVer#version`: `M.m.p[-pre]`, without build metadata.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.prerelease.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            write!(f, "{id}")?;
        }
        Ok(())
    }
}

/// JS `+digits`, rejected above `MAX_SAFE_INTEGER` like node does.
fn component(m: Option<regex::Match<'_>>) -> Option<u64> {
    let n: f64 = m?.as_str().parse().ok()?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (n <= MAX_SAFE_F64).then_some(n as u64)
}

fn prerelease_id(id: &str) -> Identifier {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = id.parse::<f64>() {
            if n < MAX_SAFE_F64 {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                return Identifier::Num(n as u64);
            }
        }
    }
    Identifier::Str(id.to_string())
}

/// `new SemVer(version, loose)`; `None` where node throws.
#[must_use]
pub fn parse(version: &str, loose: bool) -> Option<Version> {
    if utf16_len(version) > MAX_LENGTH {
        return None;
    }
    let _exact = ExactGuard::enter(version);
    let re = if loose { re().loose() } else { re().full() };
    let m = re.captures(js_trim(version))?;
    Some(Version {
        major: component(m.get(1))?,
        minor: component(m.get(2))?,
        patch: component(m.get(3))?,
        prerelease: m
            .get(4)
            .map(|p| p.as_str().split('.').map(prerelease_id).collect())
            .unwrap_or_default(),
        build: m
            .get(5)
            .map(|b| b.as_str().split('.').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

/// `semver.valid(v, loose)`: the normalised version, or `None`.
#[must_use]
pub fn valid(version: &str, loose: bool) -> Option<String> {
    parse(version, loose).map(|v| v.to_string())
}

/// `semver.clean(v, loose)`: trims, drops leading `=`/`v`, parses; what
/// npm publishes for a `version` (build metadata dropped).
#[must_use]
pub fn clean(version: &str, loose: bool) -> Option<String> {
    let t = js_trim(version).trim_start_matches(['=', 'v']);
    valid(t, loose)
}

fn compare_ids(a: &Identifier, b: &Identifier) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let numeric = |i: &Identifier| match i {
        Identifier::Num(n) => Some(*n as f64),
        Identifier::Str(s) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
            s.parse::<f64>().ok()
        }
        Identifier::Str(_) => None,
    };
    match (numeric(a), numeric(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a
            .to_string()
            .encode_utf16()
            .cmp(b.to_string().encode_utf16()),
    }
}

impl Version {
    /// `SemVer#compare` (main triple, then prerelease; build ignored).
    #[must_use]
    pub fn compare(&self, other: &Version) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let main =
            (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch));
        if main != Ordering::Equal {
            return main;
        }
        match (self.prerelease.is_empty(), other.prerelease.is_empty()) {
            (true, true) => Ordering::Equal,
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, false) => {
                // `comparePre`: the first differing identifier decides, even
                // when compareIdentifiers then calls them equal.
                for (a, b) in self.prerelease.iter().zip(&other.prerelease) {
                    if a != b {
                        return compare_ids(a, b);
                    }
                }
                self.prerelease.len().cmp(&other.prerelease.len())
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Ranges

/// One comparator (`classes/comparator.js`); `semver == None` is `ANY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparator {
    /// `''`, `<`, `>`, `<=` or `>=` (`=` is stored as `''`, like node).
    pub operator: String,
    /// The version, or `None` for the match-anything comparator.
    pub semver: Option<Version>,
}

impl Comparator {
    /// `comparator.value`.
    #[must_use]
    pub fn value(&self) -> String {
        match &self.semver {
            None => String::new(),
            Some(v) => format!("{}{v}", self.operator),
        }
    }

    fn new(comp: &str, loose: bool) -> Option<Comparator> {
        let comp = js_split_ws(js_trim(comp)).join(" ");
        let re = if loose {
            re().comparator_loose()
        } else {
            re().comparator()
        };
        let m = re.captures(&comp)?;
        let mut operator = m.get(1).map_or("", |g| g.as_str()).to_string();
        if operator == "=" {
            operator.clear();
        }
        let semver = match m.get(2).map(|g| g.as_str()).filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => Some(parse(v, loose)?),
        };
        Some(Comparator { operator, semver })
    }

    /// `comparator.test(version)`.
    #[must_use]
    pub fn test(&self, version: &Version) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let Some(own) = &self.semver else { return true };
        let o = version.compare(own);
        match self.operator.as_str() {
            "<" => o == Less,
            ">" => o == Greater,
            "<=" => o != Greater,
            ">=" => o != Less,
            _ => o == Equal,
        }
    }
}

/// A parsed range (`classes/range.js`): a union of comparator sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// The comparator sets, after node's null-set and `*` simplifications.
    pub set: Vec<Vec<Comparator>>,
}

impl fmt::Display for Range {
    /// `range.range` (empty for `*`; [`valid_range`] turns that into `*`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, comps) in self.set.iter().enumerate() {
            if i > 0 {
                f.write_str("||")?;
            }
            for (k, c) in comps.iter().enumerate() {
                if k > 0 {
                    f.write_str(" ")?;
                }
                f.write_str(js_trim(&c.value()))?;
            }
        }
        Ok(())
    }
}

impl Range {
    /// `range.test(version)` for an already parsed version.
    #[must_use]
    pub fn test(&self, version: &Version) -> bool {
        self.set.iter().any(|set| test_set(set, version))
    }
}

fn test_set(set: &[Comparator], version: &Version) -> bool {
    if !set.iter().all(|c| c.test(version)) {
        return false;
    }
    if version.prerelease.is_empty() {
        return true;
    }
    set.iter().filter_map(|c| c.semver.as_ref()).any(|allowed| {
        !allowed.prerelease.is_empty()
            && (allowed.major, allowed.minor, allowed.patch)
                == (version.major, version.minor, version.patch)
    })
}

fn is_x(id: Option<&str>) -> bool {
    match id {
        None | Some("" | "x" | "X" | "*") => true,
        Some(_) => false,
    }
}

fn g<'a>(c: &'a Captures<'_>, i: usize) -> Option<&'a str> {
    c.get(i).map(|m| m.as_str())
}

fn gs<'a>(c: &'a Captures<'_>, i: usize) -> &'a str {
    g(c, i).unwrap_or("")
}

/// JS `str.replace(re, fn)` without the `g` flag.
fn replace_first(re: &Regex, s: &str, f: impl Fn(&Captures<'_>) -> String) -> String {
    match re.captures(s) {
        None => s.to_string(),
        Some(c) => {
            let Some(m) = c.get(0) else {
                return s.to_string();
            };
            let mut out = String::with_capacity(s.len());
            out.push_str(s.get(..m.start()).unwrap_or(""));
            out.push_str(&f(&c));
            out.push_str(s.get(m.end()..).unwrap_or(""));
            out
        }
    }
}

/// JS `str.replace(re, fn)` with the `g` flag (no pattern here matches empty).
fn replace_all(re: &Regex, s: &str, f: impl Fn(&Captures<'_>) -> String) -> String {
    re.replace_all(s, |c: &Captures<'_>| f(c)).into_owned()
}

/// `replaceCaret` for one comparator.
fn replace_caret(comp: &str, loose: bool) -> String {
    let re = if loose {
        re().caret_loose()
    } else {
        re().caret()
    };
    replace_first(re, comp, |c| {
        let (mj, mn, pt, pr) = (g(c, 1), g(c, 2), g(c, 3), g(c, 4));
        let (ma, mi, pa) = (mj.unwrap_or(""), mn.unwrap_or(""), pt.unwrap_or(""));
        if is_x(mj) {
            String::new()
        } else if is_x(mn) {
            format!(">={ma}.0.0 <{}.0.0-0", js_digits_plus_one(ma))
        } else if is_x(pt) {
            if ma == "0" {
                format!(">={ma}.{mi}.0 <{ma}.{}.0-0", js_digits_plus_one(mi))
            } else {
                format!(">={ma}.{mi}.0 <{}.0.0-0", js_digits_plus_one(ma))
            }
        } else {
            let low = match pr.filter(|p| !p.is_empty()) {
                Some(p) => format!(">={ma}.{mi}.{pa}-{p}"),
                None => format!(">={ma}.{mi}.{pa}"),
            };
            let high = if ma == "0" && mi == "0" {
                format!("<{ma}.{mi}.{}-0", js_digits_plus_one(pa))
            } else if ma == "0" {
                format!("<{ma}.{}.0-0", js_digits_plus_one(mi))
            } else {
                format!("<{}.0.0-0", js_digits_plus_one(ma))
            };
            format!("{low} {high}")
        }
    })
}

/// `replaceTilde` for one comparator.
fn replace_tilde(comp: &str, loose: bool) -> String {
    let re = if loose {
        re().tilde_loose()
    } else {
        re().tilde()
    };
    replace_first(re, comp, |c| {
        let (mj, mn, pt, pr) = (g(c, 1), g(c, 2), g(c, 3), g(c, 4));
        let (ma, mi, pa) = (mj.unwrap_or(""), mn.unwrap_or(""), pt.unwrap_or(""));
        if is_x(mj) {
            String::new()
        } else if is_x(mn) {
            format!(">={ma}.0.0 <{}.0.0-0", js_digits_plus_one(ma))
        } else if is_x(pt) {
            format!(">={ma}.{mi}.0 <{ma}.{}.0-0", js_digits_plus_one(mi))
        } else {
            let high = format!("<{ma}.{}.0-0", js_digits_plus_one(mi));
            match pr.filter(|p| !p.is_empty()) {
                Some(p) => format!(">={ma}.{mi}.{pa}-{p} {high}"),
                None => format!(">={ma}.{mi}.{pa} {high}"),
            }
        }
    })
}

/// `replaceXRange` for one comparator.
fn replace_xrange(comp: &str, loose: bool) -> String {
    let comp = js_trim(comp);
    let re = if loose {
        re().xrange_loose()
    } else {
        re().xrange()
    };
    replace_first(re, comp, |c| {
        let whole = gs(c, 0);
        let (mj, mn, pt) = (g(c, 2), g(c, 3), g(c, 4));
        if (is_x(mj) && !is_x(mn)) || (is_x(mn) && pt.is_some_and(|p| !p.is_empty()) && !is_x(pt)) {
            return comp.to_string();
        }
        let xm_major = is_x(mj);
        let xm = xm_major || is_x(mn);
        let xp = xm || is_x(pt);
        let mut gtlt = gs(c, 1).to_string();
        if gtlt == "=" && xp {
            gtlt.clear();
        }
        let mut ma = mj.unwrap_or("").to_string();
        let mut mi = mn.unwrap_or("").to_string();
        if xm_major {
            if gtlt == ">" || gtlt == "<" {
                "<0.0.0-0".into()
            } else {
                "*".into()
            }
        } else if !gtlt.is_empty() && xp {
            if xm {
                mi = "0".into();
            }
            let pa = "0";
            if gtlt == ">" {
                gtlt = ">=".into();
                if xm {
                    ma = js_digits_plus_one(&ma);
                    mi = "0".into();
                } else {
                    mi = js_digits_plus_one(&mi);
                }
            } else if gtlt == "<=" {
                gtlt = "<".into();
                if xm {
                    ma = js_digits_plus_one(&ma);
                } else {
                    mi = js_digits_plus_one(&mi);
                }
            }
            let pr = if gtlt == "<" { "-0" } else { "" };
            format!("{gtlt}{ma}.{mi}.{pa}{pr}")
        } else if xm {
            format!(">={ma}.0.0 <{}.0.0-0", js_digits_plus_one(&ma))
        } else if xp {
            format!(">={ma}.{mi}.0 <{ma}.{}.0-0", js_digits_plus_one(&mi))
        } else {
            whole.to_string()
        }
    })
}

/// `parseComparator`: carets, tildes, x-ranges, stars.
fn parse_comparator(comp: &str, loose: bool) -> String {
    let comp = replace_first(re().build(), comp, |_| String::new());
    let comp: Vec<String> = js_split_ws(js_trim(&comp))
        .into_iter()
        .map(|c| replace_caret(c, loose))
        .collect();
    let comp = comp.join(" ");
    let comp: Vec<String> = js_split_ws(js_trim(&comp))
        .into_iter()
        .map(|c| replace_tilde(c, loose))
        .collect();
    let comp = comp.join(" ");
    let comp: Vec<String> = js_split_ws(&comp)
        .into_iter()
        .map(|c| replace_xrange(c, loose))
        .collect();
    let comp = comp.join(" ");
    replace_first(re().star(), js_trim(&comp), |_| String::new())
}

/// `hyphenReplace(false)`.
fn hyphen_replace(c: &Captures<'_>) -> String {
    let (from, fmj, fmn, fpt) = (gs(c, 1), g(c, 2), g(c, 3), g(c, 4));
    let (to, tmj, tmn, tpt, tpr) = (gs(c, 7), g(c, 8), g(c, 9), g(c, 10), g(c, 11));
    let fma = fmj.unwrap_or("");
    let from = if is_x(fmj) {
        String::new()
    } else if is_x(fmn) {
        format!(">={fma}.0.0")
    } else if is_x(fpt) {
        format!(">={fma}.{}.0", fmn.unwrap_or(""))
    } else {
        format!(">={from}")
    };
    let (tma, tmi, tpa) = (tmj.unwrap_or(""), tmn.unwrap_or(""), tpt.unwrap_or(""));
    let to = if is_x(tmj) {
        String::new()
    } else if is_x(tmn) {
        format!("<{}.0.0-0", js_digits_plus_one(tma))
    } else if is_x(tpt) {
        format!("<{tma}.{}.0-0", js_digits_plus_one(tmi))
    } else if let Some(p) = tpr.filter(|p| !p.is_empty()) {
        format!("<={tma}.{tmi}.{tpa}-{p}")
    } else {
        format!("<={to}")
    };
    js_trim(&format!("{from} {to}")).to_string()
}

/// `Range#parseRange` for one `||` alternative; `None` where node throws.
fn parse_range_part(range: &str, loose: bool) -> Option<Vec<Comparator>> {
    let range = re().build_strip().replace_all(range, "").into_owned();
    let hr = if loose {
        re().hyphen_loose()
    } else {
        re().hyphen()
    };
    let range = replace_first(hr, &range, hyphen_replace);
    let range = replace_all(re().comparator_trim(), &range, |c| {
        format!("{}{}{}", gs(c, 1), gs(c, 2), gs(c, 3))
    });
    let range = replace_all(re().tilde_trim(), &range, |c| format!("{}~", gs(c, 1)));
    let range = replace_all(re().caret_trim(), &range, |c| format!("{}^", gs(c, 1)));
    let joined: Vec<String> = range
        .split(' ')
        .map(|c| parse_comparator(c, loose))
        .collect();
    let joined = joined.join(" ");
    let list = js_split_ws(&joined)
        .into_iter()
        .map(|c| replace_first(re().gte0(), js_trim(c), |_| String::new()))
        .filter(|c| !loose || re().comparator_loose().is_match(c));
    let mut comps: Vec<Comparator> = Vec::new();
    for text in list {
        comps.push(Comparator::new(&text, loose)?);
    }
    let mut seen = HashSet::new();
    let mut out: Vec<Comparator> = Vec::new();
    for c in comps {
        let value = c.value();
        if value == "<0.0.0-0" {
            return Some(vec![c]);
        }
        if seen.insert(value) {
            out.push(c);
        }
    }
    if out.len() > 1 {
        out.retain(|c| c.semver.is_some());
    }
    Some(out)
}

/// `new Range(range, loose)`; `None` where node throws.
#[must_use]
pub fn parse_range(range: &str, loose: bool) -> Option<Range> {
    // dependency trees repeat the same few ranges thousands of times
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<(String, bool), Option<Range>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let key = (range.to_string(), loose);
    if let Some(hit) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return hit;
    }
    let result = parse_range_uncached(range, loose);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 16_384 {
            m.clear();
        }
        m.insert(key, result.clone());
    });
    result
}

fn parse_range_uncached(range: &str, loose: bool) -> Option<Range> {
    let _exact = ExactGuard::enter(range);
    let raw = js_split_ws(js_trim(range)).join(" ");
    let mut set = Vec::new();
    for part in raw.split("||") {
        let comps = parse_range_part(js_trim(part), loose)?;
        if !comps.is_empty() {
            set.push(comps);
        }
    }
    let first = set.first()?.clone();
    if set.len() > 1 {
        set.retain(|c| c.first().is_none_or(|c| c.value() != "<0.0.0-0"));
        if set.is_empty() {
            set = vec![first];
        } else if set.len() > 1 {
            if let Some(any) = set
                .iter()
                .find(|c| c.len() == 1 && c.iter().all(|x| x.semver.is_none()))
            {
                set = vec![any.clone()];
            }
        }
    }
    Some(Range { set })
}

/// `semver.validRange(range, loose)`: node's normalised range, or `None`.
#[must_use]
pub fn valid_range(range: &str, loose: bool) -> Option<String> {
    let r = parse_range(range, loose)?.to_string();
    Some(if r.is_empty() { "*".into() } else { r })
}

/// `semver.satisfies(version, range, loose)`.
#[must_use]
pub fn satisfies(version: &str, range: &str, loose: bool) -> bool {
    let Some(range) = parse_range(range, loose) else {
        return false;
    };
    if version.is_empty() {
        return false;
    }
    parse(version, loose).is_some_and(|v| range.test(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(valid("v1.2.3", false).as_deref(), Some("1.2.3"));
        assert_eq!(valid("=1.2.3", false), None);
        assert_eq!(valid("=1.2.3", true).as_deref(), Some("1.2.3"));
        assert_eq!(valid("1.2.3-", true).as_deref(), Some("1.2.3--"));
        assert_eq!(valid("1.2.3-01", true).as_deref(), Some("1.2.3-1"));
        assert_eq!(
            valid("9007199254740991.0.0", false).as_deref(),
            Some("9007199254740991.0.0")
        );
        assert_eq!(valid("9007199254740992.0.0", false), None);
        assert_eq!(valid("1.2.3+build.5", false).as_deref(), Some("1.2.3"));
        assert_eq!(valid("1.2.3\n", false).as_deref(), Some("1.2.3"));
        assert_eq!(valid("1.2.3-αβ", true), None);
    }

    #[test]
    fn ranges() {
        let cases = [
            ("", Some("*")),
            ("||", Some("*")),
            ("^0.0.x", Some("<0.1.0-0")),
            (">=1.2.3 <2", Some(">=1.2.3 <2.0.0-0")),
            ("1.2.3 - 2.3.4", Some(">=1.2.3 <=2.3.4")),
            ("~*", Some("*")),
            ("^1.2.3 || ", Some("*")),
            ("1.x.3", None),
            ("~> 1.2", Some(">=1.2.0 <1.3.0-0")),
            (">1.2.3 <1.0.0", Some(">1.2.3 <1.0.0")),
        ];
        for (r, want) in cases {
            assert_eq!(valid_range(r, false).as_deref(), want, "{r:?}");
        }
        assert_eq!(valid_range("1.2.3 - ", true).as_deref(), Some("1.2.3"));
        assert_eq!(
            valid_range("^1.2.3-", true).as_deref(),
            Some(">=1.2.3-- <2.0.0-0")
        );
        assert_eq!(valid_range("1.2.3 - ", false), None);
    }

    #[test]
    fn satisfies_basics() {
        assert!(satisfies("1.5.0", "^1.2.3", true));
        assert!(!satisfies("2.0.0", "^1.2.3", true));
        assert!(!satisfies("1.3.0-beta", "^1.2.3", true));
        assert!(satisfies("1.2.3-beta.2", "^1.2.3-beta.1", true));
        assert!(!satisfies("1.2.3", "1.2.3 2.3.4", true));
        assert!(satisfies("0.0.0", "^1.2.3 || ", true));
    }
}

#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn semver_functions_never_panic(s in "[ -~\\t\\n\u{a0}\u{3000}\u{feff}αβ]{0,40}") {
            let _ = super::valid(&s, true);
            let _ = super::valid(&s, false);
            let _ = super::valid_range(&s, true);
            let _ = super::valid_range(&s, false);
            let _ = super::satisfies("1.2.3", &s, true);
            let _ = super::satisfies(&s, "*", false);
        }
    }
}
