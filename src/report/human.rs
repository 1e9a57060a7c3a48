//! Human output: one miette report per finding, with the source snippet,
//! a label on the exact span and related labels in other files; secrets in
//! snippets are masked before rendering.

use super::display_path;
use crate::check::CheckRun;
use crate::check::diagnostic::{Diagnostic, Label, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// One finding (or one annotated snippet) in miette's protocol; also used
/// by `why`'s report.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) message: String,
    pub(crate) code: Option<String>,
    pub(crate) severity: miette::Severity,
    pub(crate) help: Option<String>,
    pub(crate) source: NamedSource<Snippet>,
    pub(crate) labels: Vec<LabeledSpan>,
    pub(crate) related: Vec<Report>,
    /// The rule's documentation page, shown after the rule name.
    pub(crate) url: Option<String>,
}

/// A (masked) source text with an index of its line starts, shared by
/// every report into the same file. miette scans a plain `String` from its
/// start for every snippet; this hands miette only the part from a few
/// lines before the span, so rendering N findings of one file is linear,
/// with the same output.
#[derive(Debug, Clone)]
pub(crate) struct Snippet {
    text: Arc<String>,
    /// Offsets after each line break as miette counts them (`\r\n`, `\n`,
    /// a lone `\r`); the first is 0.
    starts: Arc<Vec<usize>>,
}

impl Snippet {
    pub(crate) fn new(text: String) -> Snippet {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(b) = bytes.get(i) {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    starts.push(i + 1);
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Snippet {
            text: Arc::new(text),
            starts: Arc::new(starts),
        }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// Lines longer than this are shown around the span only.
const LONG_LINE: usize = 2048;
/// How much of a long line is shown before and after the span.
const LONG_LINE_LEAD: usize = 256;
/// A line that goes on this far past the span is cut after it.
const LONG_LINE_TAIL: usize = 4096;
/// The longest label underlined (longer spans are underlined from their
/// start; miette cannot pad past column 65,535).
const LONGEST_LABEL: usize = 4096;

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// How many lines apart two labels' snippets may be and still be shown as
/// one snippet (with the lines between).
const MERGE_GAP: usize = 8;

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.text.as_str();
        let offset = span.offset().min(text.len());
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or(0);
        // a long line is shown from a little before the span (miette
        // cannot pad past column 65,535, and printing a megabyte line per
        // finding is no snippet); otherwise start at a line start well
        // before the span's line (two spare lines: miette's own scan
        // behaves the same from any line start at least
        // `context_lines_before` lines earlier)
        let (first, start) = if offset - line_start > LONG_LINE {
            (line, floor_char(text, offset - LONG_LINE_LEAD))
        } else {
            let first = line.saturating_sub(context_lines_before + 2);
            (first, self.starts.get(first).copied().unwrap_or(0))
        };
        let span_end = (offset + span.len()).min(text.len());
        let end_line = self
            .starts
            .partition_point(|s| *s <= span_end)
            .saturating_sub(1);
        let line_end = self.starts.get(end_line + 1).copied().unwrap_or(text.len());
        let end = if line_end - span_end > LONG_LINE_TAIL {
            ceil_char(text, span_end + LONG_LINE_LEAD)
        } else {
            text.len()
        };
        let window = text.as_bytes().get(start..end).unwrap_or(&[]);
        let shifted = SourceSpan::new((offset - start).into(), span_end - offset);
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let found = inner.span();
        let column = if first == line && inner.line() == 0 && context_lines_before == 0 {
            inner.column() + (start - line_start)
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((found.offset() + start).into(), found.len()),
            inner.line() + first,
            column,
            // miette merges two labels' snippets when the first one's
            // `line + line_count` reaches the second one's line. Its own
            // `str` source counts every line from the start of the file, so
            // labels far apart low in a big file became one snippet of all
            // the lines between (quadratic output); here a snippet reaches
            // [`MERGE_GAP`] lines past what it covers.
            inner.line_count().saturating_sub(inner.line()) + MERGE_GAP,
        )))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warn => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Clamps a span into `text` on char boundaries.
fn clamp(text: &str, span: &std::ops::Range<usize>) -> SourceSpan {
    let mut start = span.start.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len()).min(start + LONGEST_LABEL);
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    SourceSpan::new(start.into(), end - start)
}

fn labeled(text: &str, label: &Label, primary: bool) -> LabeledSpan {
    let span = clamp(text, &label.location.span);
    let msg = (!label.message.is_empty()).then(|| label.message.clone());
    if primary {
        LabeledSpan::new_primary_with_span(msg, span)
    } else {
        LabeledSpan::new_with_span(msg, span)
    }
}

/// Masked sources, each masked and indexed once per rendering.
type Sources = HashMap<std::path::PathBuf, Snippet>;

fn source_for(
    run: &CheckRun,
    sources: &mut Sources,
    path: &Path,
    cwd: &Path,
) -> (Snippet, NamedSource<Snippet>) {
    let snippet = sources
        .entry(path.to_path_buf())
        .or_insert_with(|| {
            let raw = run.sources.get(path).map_or("", String::as_str);
            Snippet::new(crate::secret::mask_source(path, raw))
        })
        .clone();
    (
        snippet.clone(),
        NamedSource::new(display_path(path, cwd), snippet),
    )
}

fn report(run: &CheckRun, sources: &mut Sources, d: &Diagnostic, cwd: &Path) -> Report {
    let file = &d.primary.location.file;
    let (snippet, source) = source_for(run, sources, file, cwd);
    let text = snippet.text();
    let mut labels = vec![labeled(text, &d.primary, true)];
    let mut others: Vec<&Label> = Vec::new();
    for s in &d.secondary {
        if &s.location.file == file {
            labels.push(labeled(text, s, false));
        } else {
            others.push(s);
        }
    }
    let mut help = d.help.clone();
    if let Some(note) = &d.note {
        help = Some(match help {
            Some(h) => format!("{h}\nnote: {note}"),
            None => format!("note: {note}"),
        });
    }
    let related = others
        .into_iter()
        .map(|s| {
            let (snippet, source) = source_for(run, sources, &s.location.file, cwd);
            Report {
                message: if s.message.is_empty() {
                    "related".into()
                } else {
                    s.message.clone()
                },
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                // the message already says what the place is
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    clamp(snippet.text(), &s.location.span),
                )],
                source,
                related: Vec::new(),
                url: None,
            }
        })
        .collect();
    Report {
        message: d.message.clone(),
        code: Some(d.rule.to_string()),
        severity: severity(d.severity),
        help,
        source,
        labels,
        related,
        url: Some(super::ci::rule_doc_url(d.rule)),
    }
}

/// The miette handler every human report uses: no wrapping (URLs and keys
/// stay copy-pasteable), unicode, colour only when asked.
#[must_use]
pub fn handler(color: bool) -> GraphicalReportHandler {
    handler_with_width(color, None)
}

/// [`handler`] for a terminal `width` columns wide: messages, help and
/// notes wrap at that width, never inside a word (a URL or key stays
/// whole). Without a width nothing wraps.
#[must_use]
pub fn handler_with_width(color: bool, width: Option<usize>) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width.unwrap_or(100))
        .with_links(false)
        .with_wrap_lines(width.is_some())
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_show_related_as_nested(true)
        .without_syntax_highlighting()
}

/// Writes every diagnostic, then a summary line (100 columns wide).
///
/// # Errors
/// Write errors.
pub fn write(run: &CheckRun, cwd: &Path, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    write_with_width(run, cwd, color, None, out)
}

/// Writes every diagnostic, a blank line after each, then a summary line,
/// wrapped at `width` columns when given.
///
/// # Errors
/// Write errors.
pub fn write_with_width(
    run: &CheckRun,
    cwd: &Path,
    color: bool,
    width: Option<usize>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let handler = handler_with_width(color, width);
    let mut sources = Sources::new();
    for d in &run.diagnostics {
        let r = report(run, &mut sources, d, cwd);
        let mut s = String::new();
        if handler.render_report(&mut s, &r).is_err() {
            s = format!(
                "{}: {} [{}]\n",
                display_path(&d.primary.location.file, cwd),
                d.message,
                d.rule
            );
        }
        writeln!(out, "{}", s.trim_end_matches('\n'))?;
        writeln!(out)?;
    }
    for e in &run.errors {
        writeln!(out, "error: {e}")?;
    }
    let count = |s: Severity| run.diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warn),
        count(Severity::Info),
    );
    if run.diagnostics.is_empty() {
        writeln!(
            out,
            "No problems found in {} file{}.",
            run.files_checked,
            if run.files_checked == 1 { "" } else { "s" }
        )?;
    } else {
        writeln!(
            out,
            "Found {errors} error{}, {warnings} warning{}, {infos} info in {} file{}.",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
            run.files_checked,
            if run.files_checked == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
