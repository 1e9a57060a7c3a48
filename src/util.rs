//! Small helpers shared by several modules.

/// Levenshtein edit distance in characters (for "did you mean"
/// suggestions), from `strsim`.
#[must_use]
pub fn levenshtein(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// 1-based (line, column) of a byte offset; column counts characters.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = text.get(..start).unwrap_or("");
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Text safe to print on a terminal: control characters (which a hostile
/// file could use for terminal escape sequences) are shown escaped
/// (`\u{1b}`); tabs and line breaks stay.
#[must_use]
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// C0/C1 control characters other than tab, line feed and carriage return.
#[must_use]
pub fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("regsitry", "registry"), 2);
        assert_eq!(levenshtein("", "ab"), 2);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb\0"), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(printable("tab\tnl\n"), "tab\tnl\n");
    }

    #[test]
    fn positions() {
        assert_eq!(line_col("ab\ncd", 3), (2, 1));
        assert_eq!(line_col("ab\ncé", 5), (2, 2));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
