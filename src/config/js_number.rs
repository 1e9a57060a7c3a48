//! JavaScript primitive conversions npm's config code relies on:
//! `String.prototype.trim`, `ToNumber` (`+x`, `isNaN`), `Number#toString`,
//! `String(x)`, `JSON.stringify`, `Date.parse` and `Date#toISOString`.
//!
//! `Date.parse` is a port of V8's `DateParser` (ES5 ISO format first, then
//! the legacy heuristic parser). Limits: dates without an explicit offset
//! that V8 would read as *local* time are read as UTC (the doctor runs its
//! differential tests with `TZ=UTC`); years are limited to what fits in
//! V8's `Smi`/`TimeClip` ranges as V8 does.

pub use crate::npmrc::js::{is_js_space, js_trim, number_to_string};
use crate::value::Value;

/// ECMAScript `StringToNumber` (what `+s` and `isNaN(s)` compute).
#[must_use]
pub fn string_to_number(s: &str) -> f64 {
    let t = js_trim(s);
    if t.is_empty() {
        return 0.0;
    }
    if let Some(n) = parse_radix_literal(t) {
        return n;
    }
    parse_decimal_literal(t).unwrap_or(f64::NAN)
}

fn parse_radix_literal(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    if b.len() < 2 || b[0] != b'0' {
        return None;
    }
    let radix = match b[1] {
        b'x' | b'X' => 16,
        b'o' | b'O' => 8,
        b'b' | b'B' => 2,
        _ => return None,
    };
    let digits = &t[2..];
    if digits.is_empty() {
        return Some(f64::NAN);
    }
    let mut acc = 0.0_f64;
    let mut exact: u128 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else {
            return Some(f64::NAN);
        };
        if !overflow {
            match exact
                .checked_mul(u128::from(radix))
                .and_then(|v| v.checked_add(u128::from(d)))
            {
                Some(v) => exact = v,
                None => {
                    overflow = true;
                    #[allow(clippy::cast_precision_loss)]
                    {
                        acc = exact as f64;
                    }
                }
            }
        }
        if overflow {
            acc = acc * f64::from(radix) + f64::from(d);
        }
    }
    #[allow(clippy::cast_precision_loss)]
    Some(if overflow { acc } else { exact as f64 })
}

/// `StrDecimalLiteral`: sign, `Infinity` or digits with `.` and exponent.
fn parse_decimal_literal(t: &str) -> Option<f64> {
    let (neg, body) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let magnitude = if body == "Infinity" {
        f64::INFINITY
    } else {
        if !is_unsigned_decimal(body) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -magnitude } else { magnitude })
}

fn is_unsigned_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - fs;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == b.len()
}

/// `ToNumber(value)` (`+value`).
#[must_use]
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Undefined => f64::NAN,
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::Str(s) => string_to_number(s),
        Value::Array(_) | Value::Object(_) => string_to_number(&js_string(v)),
        Value::Date(ms) => *ms,
    }
}

/// The global `isNaN(value)`.
#[must_use]
pub fn is_nan(v: &Value) -> bool {
    to_number(v).is_nan()
}

/// `String(value)`.
#[must_use]
pub fn js_string(v: &Value) -> String {
    v.js_string()
}

/// `Date.prototype.toString()` in UTC (`"Wed Jan 01 2020 00:00:00 GMT+0000 (Coordinated Universal Time)"`).
#[must_use]
pub fn date_to_string(ms: f64) -> String {
    if ms.is_nan() {
        return "Invalid Date".into();
    }
    let (y, mo, d, h, mi, s, _) = split_time(ms);
    let wd = weekday(ms);
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("{y:04}")
    };
    format!(
        "{} {} {d:02} {year} {h:02}:{mi:02}:{s:02} GMT+0000 (Coordinated Universal Time)",
        DAYS.get(wd).unwrap_or(&"Sun"),
        MONTHS.get(mo).unwrap_or(&"Jan"),
    )
}

/// `JSON.stringify(value)`; `None` where JS returns `undefined`.
#[must_use]
pub fn json_stringify(v: &Value) -> Option<String> {
    match v {
        Value::Undefined => None,
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(if n.is_finite() {
            number_to_string(*n)
        } else {
            "null".into()
        }),
        Value::Str(s) => Some(json_quote(s)),
        Value::Date(ms) => Some(date_to_iso(*ms).map_or_else(|| "null".into(), |s| json_quote(&s))),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| json_stringify(i).unwrap_or_else(|| "null".into()))
                .collect();
            Some(format!("[{}]", parts.join(",")))
        }
        Value::Object(obj) => {
            let parts: Vec<String> = obj
                .iter()
                .filter_map(|(k, v)| json_stringify(v).map(|s| format!("{}:{s}", json_quote(k))))
                .collect();
            Some(format!("{{{}}}", parts.join(",")))
        }
    }
}

/// A JSON string literal as `JSON.stringify` writes it.
#[must_use]
pub fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------- dates

const MS_PER_DAY: f64 = 86_400_000.0;

/// Days from 1970-01-01 to `y-m-1` (m 0-based, may be out of range).
fn days_from_civil(y: i64, m: i64) -> i64 {
    let y = y + m.div_euclid(12);
    let m = m.rem_euclid(12) + 1;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, usize, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, usize::try_from(m - 1).unwrap_or(0), d)
}

#[allow(clippy::cast_possible_truncation)]
fn split_time(ms: f64) -> (i64, usize, i64, i64, i64, i64, i64) {
    let ms = ms as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    (
        y,
        m,
        d,
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    )
}

#[allow(clippy::cast_possible_truncation)]
fn weekday(ms: f64) -> usize {
    let days = (ms as i64).div_euclid(86_400_000);
    usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0)
}

/// `Date.prototype.toISOString()`; `None` for an invalid date (JS throws,
/// `JSON.stringify` writes `null`).
#[must_use]
pub fn date_to_iso(ms: f64) -> Option<String> {
    if !ms.is_finite() {
        return None;
    }
    let (y, m, d, h, mi, s, milli) = split_time(ms);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    Some(format!(
        "{year}-{:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z",
        m + 1
    ))
}

/// `Date.parse(s)` (milliseconds since the epoch, `NaN` when invalid).
#[must_use]
pub fn date_parse(s: &str) -> f64 {
    date::parse(s).unwrap_or(f64::NAN)
}

/// ECMAScript `MakeDay`/`MakeTime`/`MakeDate` + `TimeClip` for UTC fields.
#[allow(clippy::cast_precision_loss)]
fn make_date(year: i64, month0: i64, day: i64, h: i64, mi: i64, s: i64, ms: i64) -> f64 {
    let days = days_from_civil(year, month0) + day - 1;
    let t = days as f64 * MS_PER_DAY
        + (h as f64) * 3_600_000.0
        + (mi as f64) * 60_000.0
        + (s as f64) * 1000.0
        + ms as f64;
    if t.abs() > 8.64e15 { f64::NAN } else { t }
}

mod date {
    //! V8's `DateParser` (src/date/dateparser*.{h,cc}).

    use super::{is_js_space, make_date};

    const NONE: i64 = i64::MAX;
    const MAX_SIGNIFICANT_DIGITS: usize = 9;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum KwType {
        Invalid,
        MonthName,
        AmPm,
        TimeZoneName,
        TimeSeparator,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Tok {
        Invalid,
        End,
        Number { n: i64, len: usize },
        Symbol(char),
        WhiteSpace,
        Keyword { ty: KwType, value: i64, len: usize },
        Unknown,
    }

    impl Tok {
        fn is_number(self) -> bool {
            matches!(self, Tok::Number { .. })
        }
        fn is_fixed(self, l: usize) -> bool {
            matches!(self, Tok::Number { len, .. } if len == l)
        }
        fn number(self) -> i64 {
            match self {
                Tok::Number { n, .. } => n,
                _ => 0,
            }
        }
        fn is_sign(self) -> bool {
            matches!(self, Tok::Symbol('+' | '-'))
        }
        fn sign(self) -> i64 {
            if matches!(self, Tok::Symbol('-')) {
                -1
            } else {
                1
            }
        }
        fn is_keyword_z(self) -> bool {
            matches!(
                self,
                Tok::Keyword {
                    ty: KwType::TimeZoneName,
                    len: 1,
                    value: 0
                }
            )
        }
    }

    const KEYWORDS: &[([u8; 3], KwType, i64)] = &[
        (*b"jan", KwType::MonthName, 1),
        (*b"feb", KwType::MonthName, 2),
        (*b"mar", KwType::MonthName, 3),
        (*b"apr", KwType::MonthName, 4),
        (*b"may", KwType::MonthName, 5),
        (*b"jun", KwType::MonthName, 6),
        (*b"jul", KwType::MonthName, 7),
        (*b"aug", KwType::MonthName, 8),
        (*b"sep", KwType::MonthName, 9),
        (*b"oct", KwType::MonthName, 10),
        (*b"nov", KwType::MonthName, 11),
        (*b"dec", KwType::MonthName, 12),
        (*b"am\0", KwType::AmPm, 0),
        (*b"pm\0", KwType::AmPm, 12),
        (*b"ut\0", KwType::TimeZoneName, 0),
        (*b"utc", KwType::TimeZoneName, 0),
        (*b"z\0\0", KwType::TimeZoneName, 0),
        (*b"gmt", KwType::TimeZoneName, 0),
        (*b"cdt", KwType::TimeZoneName, -5),
        (*b"cst", KwType::TimeZoneName, -6),
        (*b"edt", KwType::TimeZoneName, -4),
        (*b"est", KwType::TimeZoneName, -5),
        (*b"mdt", KwType::TimeZoneName, -6),
        (*b"mst", KwType::TimeZoneName, -7),
        (*b"pdt", KwType::TimeZoneName, -7),
        (*b"pst", KwType::TimeZoneName, -8),
        (*b"t\0\0", KwType::TimeSeparator, 0),
    ];

    fn lookup(prefix: [u32; 3], len: usize) -> (KwType, i64) {
        for (word, ty, value) in KEYWORDS {
            let matches = word
                .iter()
                .zip(prefix.iter())
                .all(|(a, b)| u32::from(*a) == *b);
            if matches && (len <= 3 || *ty == KwType::MonthName) {
                return (*ty, *value);
            }
        }
        (KwType::Invalid, 0)
    }

    struct Scanner {
        chars: Vec<char>,
        pos: usize,
        next: Tok,
    }

    impl Scanner {
        fn new(s: &str) -> Self {
            let mut sc = Scanner {
                chars: s.chars().collect(),
                pos: 0,
                next: Tok::End,
            };
            sc.next = sc.scan();
            sc
        }
        fn peek(&self) -> Tok {
            self.next
        }
        fn next(&mut self) -> Tok {
            let t = self.next;
            self.next = self.scan();
            t
        }
        fn skip_symbol(&mut self, c: char) -> bool {
            if self.next == Tok::Symbol(c) {
                self.next();
                true
            } else {
                false
            }
        }
        fn ch(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }
        fn scan(&mut self) -> Tok {
            let start = self.pos;
            let Some(c) = self.ch() else {
                return Tok::End;
            };
            if c.is_ascii_digit() {
                return self.read_number(start);
            }
            if matches!(c, ':' | '-' | '+' | '.' | ')') {
                self.pos += 1;
                return Tok::Symbol(c);
            }
            if c >= 'A' && !is_js_space(c) {
                return self.read_word();
            }
            if is_js_space(c) {
                while self.ch().is_some_and(is_js_space) {
                    self.pos += 1;
                }
                return Tok::WhiteSpace;
            }
            if c == '(' {
                let mut balance = 0usize;
                while let Some(c) = self.ch() {
                    self.pos += 1;
                    if c == ')' {
                        balance = balance.saturating_sub(1);
                        if balance == 0 {
                            break;
                        }
                    } else if c == '(' {
                        balance += 1;
                    }
                }
                return Tok::Unknown;
            }
            self.pos += 1;
            Tok::Unknown
        }
        fn read_number(&mut self, start: usize) -> Tok {
            while self.ch() == Some('0') {
                self.pos += 1;
            }
            let mut n: i64 = 0;
            let mut i = 0;
            while let Some(d) = self.ch().and_then(|c| c.to_digit(10)) {
                if i < MAX_SIGNIFICANT_DIGITS {
                    n = n * 10 + i64::from(d);
                }
                i += 1;
                self.pos += 1;
            }
            Tok::Number {
                n,
                len: self.pos - start,
            }
        }
        fn read_word(&mut self) -> Tok {
            let mut prefix = [0u32; 3];
            let mut len = 0;
            while let Some(c) = self.ch().filter(|c| *c >= 'A' && !is_js_space(*c)) {
                if let Some(slot) = prefix.get_mut(len) {
                    *slot = u32::from(if c.is_ascii_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    });
                }
                len += 1;
                self.pos += 1;
            }
            let (ty, value) = lookup(prefix, len);
            Tok::Keyword { ty, value, len }
        }
    }

    fn between(x: i64, lo: i64, hi: i64) -> bool {
        (lo..=hi).contains(&x)
    }
    fn is_month(x: i64) -> bool {
        between(x, 1, 12)
    }
    fn is_day(x: i64) -> bool {
        between(x, 1, 31)
    }
    fn is_hour(x: i64) -> bool {
        between(x, 0, 23)
    }
    fn is_minute(x: i64) -> bool {
        between(x, 0, 59)
    }
    fn is_ms(x: i64) -> bool {
        between(x, 0, 999)
    }

    #[derive(Default)]
    struct Day {
        comp: [i64; 3],
        index: usize,
        named_month: Option<i64>,
        iso: bool,
    }

    impl Day {
        fn add(&mut self, n: i64) -> bool {
            match self.comp.get_mut(self.index) {
                Some(slot) => {
                    *slot = n;
                    self.index += 1;
                    true
                }
                None => false,
            }
        }
        fn write(&mut self) -> Option<(i64, i64, i64)> {
            if self.index < 1 {
                return None;
            }
            while self.add(1) {}
            let [c0, c1, c2] = self.comp;
            let (mut year, month, day) = match self.named_month {
                None if self.iso || !is_day(c0) => (c0, c1, c2),
                None => (c2, c0, c1),
                Some(m) if !is_day(c0) => (c0, m, c1),
                Some(m) => (c1, m, c0),
            };
            if !self.iso {
                if between(year, 0, 49) {
                    year += 2000;
                } else if between(year, 50, 99) {
                    year += 1900;
                }
            }
            if !between(year, -(1 << 30), (1 << 30) - 1) || !is_month(month) || !is_day(day) {
                return None;
            }
            Some((year, month - 1, day))
        }
    }

    #[derive(Default)]
    struct Time {
        comp: [i64; 4],
        index: usize,
        hour_offset: Option<i64>,
    }

    impl Time {
        fn is_empty(&self) -> bool {
            self.index == 0
        }
        fn is_expecting(&self, n: i64) -> bool {
            (self.index == 1 && is_minute(n))
                || (self.index == 2 && is_minute(n))
                || (self.index == 3 && is_ms(n))
        }
        fn add(&mut self, n: i64) -> bool {
            match self.comp.get_mut(self.index) {
                Some(slot) => {
                    *slot = n;
                    self.index += 1;
                    true
                }
                None => false,
            }
        }
        fn add_final(&mut self, n: i64) -> bool {
            if !self.add(n) {
                return false;
            }
            while self.add(0) {}
            true
        }
        fn write(&mut self) -> Option<[i64; 4]> {
            while self.add(0) {}
            let [mut h, m, s, ms] = self.comp;
            if let Some(off) = self.hour_offset {
                if !between(h, 0, 12) {
                    return None;
                }
                h = h % 12 + off;
            }
            if !(is_hour(h) && is_minute(m) && is_minute(s) && is_ms(ms))
                && (h != 24 || m != 0 || s != 0 || ms != 0)
            {
                return None;
            }
            Some([h, m, s, ms])
        }
    }

    struct Tz {
        sign: i64,
        hour: i64,
        minute: i64,
    }

    impl Default for Tz {
        fn default() -> Self {
            Tz {
                sign: NONE,
                hour: NONE,
                minute: NONE,
            }
        }
    }

    impl Tz {
        fn set(&mut self, offset_hours: i64) {
            self.sign = if offset_hours < 0 { -1 } else { 1 };
            self.hour = offset_hours * self.sign;
            self.minute = 0;
        }
        fn is_expecting(&self, n: i64) -> bool {
            self.hour != NONE && self.minute == NONE && is_minute(n)
        }
        fn is_utc(&self) -> bool {
            self.hour == 0 && self.minute == 0
        }
        fn is_empty(&self) -> bool {
            self.hour == NONE
        }
        /// Offset in seconds; `None` = local time; `Err` = invalid.
        fn write(&self) -> Result<Option<i64>, ()> {
            if self.sign == NONE {
                return Ok(None);
            }
            let h = if self.hour == NONE { 0 } else { self.hour };
            let m = if self.minute == NONE { 0 } else { self.minute };
            let total = h
                .checked_mul(3600)
                .and_then(|v| v.checked_add(m * 60))
                .ok_or(())?;
            if !(0..=i64::from(i32::MAX)).contains(&total) {
                return Err(());
            }
            Ok(Some(if self.sign < 0 { -total } else { total }))
        }
    }

    fn read_milliseconds(t: Tok) -> i64 {
        let Tok::Number { n, len } = t else { return 0 };
        match len {
            1 => n * 100,
            2 => n * 10,
            3 => n,
            _ => {
                let mut len = len.min(MAX_SIGNIFICANT_DIGITS);
                let mut factor = 1;
                while len > 3 {
                    factor *= 10;
                    len -= 1;
                }
                n / factor
            }
        }
    }

    /// ES5 ISO format; returns the first token it did not handle.
    fn parse_es5(sc: &mut Scanner, day: &mut Day, time: &mut Time, tz: &mut Tz) -> Tok {
        if sc.peek().is_sign() {
            let sign_tok = sc.next();
            if !sc.peek().is_fixed(6) {
                return sign_tok;
            }
            let year = sc.next().number();
            if sign_tok.sign() < 0 && year == 0 {
                return sign_tok;
            }
            day.add(sign_tok.sign() * year);
        } else if sc.peek().is_fixed(4) {
            day.add(sc.next().number());
        } else {
            return sc.next();
        }
        if sc.skip_symbol('-') {
            if !sc.peek().is_fixed(2) || !is_month(sc.peek().number()) {
                return sc.next();
            }
            day.add(sc.next().number());
            if sc.skip_symbol('-') {
                if !sc.peek().is_fixed(2) || !is_day(sc.peek().number()) {
                    return sc.next();
                }
                day.add(sc.next().number());
            }
        }
        if !matches!(
            sc.peek(),
            Tok::Keyword {
                ty: KwType::TimeSeparator,
                ..
            }
        ) {
            if sc.peek() != Tok::End {
                return sc.next();
            }
        } else {
            sc.next();
            if parse_es5_time(sc, time, tz).is_none() {
                return Tok::Invalid;
            }
        }
        if tz.is_empty() && time.is_empty() {
            tz.set(0);
        }
        day.iso = true;
        Tok::End
    }

    fn parse_es5_time(sc: &mut Scanner, time: &mut Time, tz: &mut Tz) -> Option<()> {
        let hour_tok = sc.peek();
        if !hour_tok.is_fixed(2) || !between(hour_tok.number(), 0, 24) {
            return None;
        }
        let hour_is_24 = hour_tok.number() == 24;
        time.add(sc.next().number());
        if !sc.skip_symbol(':') {
            return None;
        }
        let m = sc.peek();
        if !m.is_fixed(2) || !is_minute(m.number()) || (hour_is_24 && m.number() > 0) {
            return None;
        }
        time.add(sc.next().number());
        if sc.skip_symbol(':') {
            let s = sc.peek();
            if !s.is_fixed(2) || !is_minute(s.number()) || (hour_is_24 && s.number() > 0) {
                return None;
            }
            time.add(sc.next().number());
            if sc.skip_symbol('.') {
                let ms = sc.peek();
                if !ms.is_number() || (hour_is_24 && ms.number() > 0) {
                    return None;
                }
                time.add(read_milliseconds(sc.next()));
            }
        }
        if sc.peek().is_keyword_z() {
            sc.next();
            tz.set(0);
        } else if sc.peek().is_sign() {
            tz.sign = sc.next().sign();
            if sc.peek().is_fixed(4) {
                let hm = sc.next().number();
                let (h, m) = (hm / 100, hm % 100);
                if !is_hour(h) || !is_minute(m) {
                    return None;
                }
                tz.hour = h;
                tz.minute = m;
            } else {
                if !sc.peek().is_fixed(2) || !is_hour(sc.peek().number()) {
                    return None;
                }
                tz.hour = sc.next().number();
                if !sc.skip_symbol(':') {
                    return None;
                }
                if !sc.peek().is_fixed(2) || !is_minute(sc.peek().number()) {
                    return None;
                }
                tz.minute = sc.next().number();
            }
        }
        if sc.peek() != Tok::End {
            return None;
        }
        Some(())
    }

    /// The legacy loop; `None` when V8 would return NaN.
    fn parse_legacy(
        sc: &mut Scanner,
        first: Tok,
        day: &mut Day,
        time: &mut Time,
        tz: &mut Tz,
    ) -> Option<()> {
        let mut has_read_number = day.index > 0;
        let mut token = first;
        while token != Tok::End {
            match token {
                Tok::Number { n, .. } => {
                    has_read_number = true;
                    legacy_number(sc, n, day, time, tz)?;
                }
                Tok::Keyword { ty, value, .. } => {
                    if ty == KwType::AmPm && !time.is_empty() {
                        time.hour_offset = Some(value);
                    } else if ty == KwType::MonthName {
                        day.named_month = Some(value);
                        sc.skip_symbol('-');
                    } else if ty == KwType::TimeZoneName && has_read_number {
                        tz.set(value);
                    } else {
                        if has_read_number || sc.peek().is_number() {
                            return None;
                        }
                    }
                }
                t if t.is_sign() && (tz.is_utc() || !time.is_empty()) => {
                    tz.sign = t.sign();
                    let (mut n, mut len) = (0, 0);
                    if let Tok::Number { n: v, len: l } = sc.peek() {
                        sc.next();
                        n = v;
                        len = l;
                    }
                    has_read_number = true;
                    if sc.peek() == Tok::Symbol(':') {
                        tz.hour = n;
                        tz.minute = NONE;
                    } else if len == 1 || len == 2 {
                        tz.hour = n;
                        tz.minute = 0;
                    } else if len == 3 || len == 4 {
                        tz.hour = n / 100;
                        tz.minute = n % 100;
                    } else {
                        return None;
                    }
                }
                t if (t.is_sign() || t == Tok::Symbol(')')) && has_read_number => return None,
                _ => {}
            }
            token = sc.next();
        }
        Some(())
    }

    fn legacy_number(
        sc: &mut Scanner,
        n: i64,
        day: &mut Day,
        time: &mut Time,
        tz: &mut Tz,
    ) -> Option<()> {
        if sc.skip_symbol(':') {
            if sc.skip_symbol(':') {
                if !time.is_empty() {
                    return None;
                }
                time.add(n);
                time.add(0);
            } else {
                if !time.add(n) {
                    return None;
                }
                if sc.peek() == Tok::Symbol('.') {
                    sc.next();
                }
            }
        } else if sc.peek() == Tok::Symbol('.') && time.is_expecting(n) {
            sc.next();
            time.add(n);
            if !sc.peek().is_number() {
                return None;
            }
            let ms = read_milliseconds(sc.next());
            if ms < 0 {
                return None;
            }
            time.add_final(ms);
        } else if tz.is_expecting(n) {
            tz.minute = n;
        } else if time.is_expecting(n) {
            time.add_final(n);
            let p = sc.peek();
            if !(p == Tok::End || p == Tok::WhiteSpace || p.is_keyword_z() || p.is_sign()) {
                return None;
            }
        } else {
            if !day.add(n) {
                return None;
            }
            sc.skip_symbol('-');
        }
        Some(())
    }

    /// `Date.parse` in UTC; `None` is NaN.
    pub(super) fn parse(s: &str) -> Option<f64> {
        let mut sc = Scanner::new(s);
        let (mut day, mut time, mut tz) = (Day::default(), Time::default(), Tz::default());
        let next = parse_es5(&mut sc, &mut day, &mut time, &mut tz);
        if next == Tok::Invalid {
            return None;
        }
        parse_legacy(&mut sc, next, &mut day, &mut time, &mut tz)?;
        let (y, m, d) = day.write()?;
        let [h, mi, sec, ms] = time.write()?;
        let offset = tz.write().ok()?.unwrap_or(0);
        let t = make_date(y, m, d, h, mi, sec, ms);
        #[allow(clippy::cast_precision_loss)]
        let t = t - (offset as f64) * 1000.0;
        if t.is_nan() || t.abs() > 8.64e15 {
            None
        } else {
            Some(t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_number_follows_js() {
        assert_eq!(string_to_number(" 12 "), 12.0);
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("0x10"), 16.0);
        assert_eq!(string_to_number("0b11"), 3.0);
        assert_eq!(string_to_number("0o17"), 15.0);
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(string_to_number("1e3"), 1000.0);
        assert_eq!(string_to_number(".5"), 0.5);
        assert_eq!(string_to_number("5."), 5.0);
        assert!(string_to_number("-0x10").is_nan());
        assert!(string_to_number("1_000").is_nan());
        assert!(string_to_number("inf").is_nan());
        assert!(string_to_number(".").is_nan());
        assert!(string_to_number("\u{85}1").is_nan());
        assert_eq!(string_to_number("\u{feff}1"), 1.0);
    }

    #[test]
    fn number_to_string_follows_js() {
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1e-7), "1e-7");
        assert_eq!(number_to_string(123.456), "123.456");
        assert_eq!(number_to_string(0.000001), "0.000001");
        assert_eq!(number_to_string(-1.5e300), "-1.5e+300");
        assert_eq!(number_to_string(100.0), "100");
    }

    #[test]
    fn dates() {
        assert_eq!(date_parse("2020-01-01"), 1_577_836_800_000.0);
        assert_eq!(date_parse("2020-01-01T00:00:00Z"), 1_577_836_800_000.0);
        assert_eq!(date_parse("Jan 1 2020"), 1_577_836_800_000.0);
        assert!(date_parse("nope").is_nan());
        assert_eq!(
            date_to_iso(0.0).as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
    }

    #[test]
    fn json_stringify_is_js_exact() {
        assert_eq!(
            json_stringify(&Value::Str("a\"\u{1}".into())).as_deref(),
            Some("\"a\\\"\\u0001\"")
        );
        assert_eq!(json_stringify(&Value::Undefined), None);
        assert_eq!(
            json_stringify(&Value::Number(f64::NAN)).as_deref(),
            Some("null")
        );
    }
}
