//! Human output: one miette report per finding, with the source snippet,
//! a label on the exact span and related labels in other files; secrets in
//! snippets are masked before rendering.

use super::display_path;
use crate::check::CheckRun;
use crate::check::diagnostic::{Diagnostic, Label, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::Write;
use std::path::Path;

/// One finding (or one annotated snippet) in miette's protocol; also used
/// by `why`'s report.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) message: String,
    pub(crate) code: Option<String>,
    pub(crate) severity: miette::Severity,
    pub(crate) help: Option<String>,
    pub(crate) source: NamedSource<String>,
    pub(crate) labels: Vec<LabeledSpan>,
    pub(crate) related: Vec<Report>,
    /// The rule's documentation page, shown after the rule name.
    pub(crate) url: Option<String>,
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
    let mut end = span.end.clamp(start, text.len());
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

fn source_for(run: &CheckRun, path: &Path, cwd: &Path) -> (String, NamedSource<String>) {
    let raw = run.sources.get(path).map_or("", String::as_str);
    let masked = crate::secret::mask_source(path, raw);
    (
        masked.clone(),
        NamedSource::new(display_path(path, cwd), masked),
    )
}

fn report(run: &CheckRun, d: &Diagnostic, cwd: &Path) -> Report {
    let file = &d.primary.location.file;
    let (text, source) = source_for(run, file, cwd);
    let mut labels = vec![labeled(&text, &d.primary, true)];
    let mut others: Vec<&Label> = Vec::new();
    for s in &d.secondary {
        if &s.location.file == file {
            labels.push(labeled(&text, s, false));
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
            let (text, source) = source_for(run, &s.location.file, cwd);
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
                    clamp(&text, &s.location.span),
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
    for d in &run.diagnostics {
        let r = report(run, d, cwd);
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
