//! Small helpers shared by several modules.

/// Levenshtein edit distance in characters (for "did you mean"
/// suggestions), from `strsim`.
#[must_use]
pub fn levenshtein(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The Levenshtein distance when it is at most `max` (None otherwise),
/// stopping as soon as no cell of a row is within `max`: O(len × max) for
/// the usual far-apart pairs instead of O(len²).
#[must_use]
pub fn levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + cost;
            let v = del.min(ins).min(sub);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|d| *d <= max)
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

/// Line starts (and, for non-ASCII text, character-count checkpoints) of a
/// text, so that turning a byte offset into a line and column costs
/// O(log lines + 1 KiB) instead of a scan from the start of the file.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts (the first is 0).
    starts: Vec<usize>,
    /// `(byte offset, characters before it)` every [`CHECKPOINT`] bytes;
    /// empty when the text is ASCII (characters = bytes).
    checkpoints: Vec<(usize, usize)>,
}

/// Distance between character-count checkpoints.
const CHECKPOINT: usize = 1024;

impl LineIndex {
    /// Indexes `text` in one pass.
    #[must_use]
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut checkpoints = Vec::new();
        if !text.is_ascii() {
            let mut chars = 0;
            let mut pos = 0;
            while pos < text.len() {
                checkpoints.push((pos, chars));
                let mut next = (pos + CHECKPOINT).min(text.len());
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                if next <= pos {
                    next = text.len();
                }
                chars += text.get(pos..next).map_or(0, |s| s.chars().count());
                pos = next;
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// Characters before the char boundary `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.checkpoints.is_empty() {
            return offset;
        }
        let i = self.checkpoints.partition_point(|(p, _)| *p <= offset);
        let (pos, chars) = self
            .checkpoints
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        chars + text.get(pos..offset).map_or(0, |s| s.chars().count())
    }

    /// 1-based (line, column) of a byte offset of `text` (the text this
    /// index was built from); the same answer as [`line_col`].
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self.chars_before(text, offset) - self.chars_before(text, line_start) + 1;
        (line, col)
    }

    /// Byte offset where 1-based `line` starts (the end of the text past
    /// the last line).
    #[must_use]
    pub fn line_start(&self, line: usize, text_len: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text_len)
    }

    /// Number of lines (at least 1).
    #[must_use]
    pub fn lines(&self) -> usize {
        self.starts.len()
    }
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
        for (a, b) in [
            ("regsitry", "registry"),
            ("", "ab"),
            ("abcdef", "zzzzzz"),
            ("kitten", "sitting"),
        ] {
            for max in 0..5 {
                let d = levenshtein(a, b);
                assert_eq!(
                    levenshtein_within(a, b, max),
                    (d <= max).then_some(d),
                    "{a} {b} {max}"
                );
            }
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb\0"), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(printable("tab\tnl\n"), "tab\tnl\n");
    }

    #[test]
    fn line_index_agrees_with_the_scan() {
        let mut text = String::from("ab\ncé\n\n");
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 { "ünï\n" } else { "xyzé" });
        }
        let index = LineIndex::new(&text);
        for offset in (0..text.len() + 3).step_by(5).chain([0, 1, 3, 4, 5, 6]) {
            assert_eq!(
                index.line_col(&text, offset),
                line_col(&text, offset),
                "{offset}"
            );
        }
        let ascii = "a\nbc\n";
        let index = LineIndex::new(ascii);
        assert_eq!(index.line_col(ascii, 4), (2, 3));
        assert_eq!(index.line_col(ascii, 99), (3, 1));
        assert_eq!(index.lines(), 3);
    }

    #[test]
    fn positions() {
        assert_eq!(line_col("ab\ncd", 3), (2, 1));
        assert_eq!(line_col("ab\ncé", 5), (2, 2));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
