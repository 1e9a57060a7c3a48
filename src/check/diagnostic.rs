//! Findings: one runtime diagnostic type for every rule (oxc's model), with
//! labels in any number of files and an optional fix.

use std::ops::Range;
use std::path::PathBuf;

/// How serious a finding is. Ordered: `Info < Warn < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warn,
    Error,
}

impl Severity {
    /// `info`, `warn` or `error`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }

    /// One level lower (`error` → `warn` → `info`).
    #[must_use]
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Error => Severity::Warn,
            Severity::Warn | Severity::Info => Severity::Info,
        }
    }
}

/// A place in a file: path and byte range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: PathBuf,
    pub span: Range<usize>,
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.file, self.span.start, self.span.end).cmp(&(
            &other.file,
            other.span.start,
            other.span.end,
        ))
    }
}

/// A labelled place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    /// Short text shown at the span (may be empty).
    pub message: String,
}

/// A text edit: replace `span` of `file` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub location: Location,
    pub replacement: String,
}

/// Whether a fix can be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning the author intended; applied by `--fix`.
    Safe,
    /// Changes behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// A fix: a title and the edits that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's kebab-case name.
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong and what npm will do, in one sentence (no secrets).
    pub message: String,
    /// Where: the exact span in a checked file.
    pub primary: Label,
    /// Related places, possibly in other files (the shadowing line, the
    /// scope mapping in `~/.npmrc`).
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra explanation (npm's error, the layer it comes from).
    pub note: Option<String>,
    pub fix: Option<Fix>,
    /// The rule asks for one level below the configured severity (a
    /// credential in a file git does not track: `hardcoded-token`).
    pub lowered: bool,
}

impl Diagnostic {
    /// Asks for one level below the configured severity.
    #[must_use]
    pub fn lower(mut self) -> Diagnostic {
        self.lowered = true;
        self
    }

    /// A diagnostic at `file`/`span`; severity is set by the engine from the
    /// rule's default and the settings.
    #[must_use]
    pub fn new(
        rule: &'static str,
        file: impl Into<PathBuf>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Warn,
            message: message.into(),
            primary: Label {
                location: Location {
                    file: file.into(),
                    span,
                },
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            note: None,
            fix: None,
            lowered: false,
        }
    }

    /// Sets the label text at the primary span.
    #[must_use]
    pub fn label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary.message = text.into();
        self
    }

    /// Adds a related place.
    #[must_use]
    pub fn secondary(
        mut self,
        file: impl Into<PathBuf>,
        span: Range<usize>,
        text: impl Into<String>,
    ) -> Diagnostic {
        self.secondary.push(Label {
            location: Location {
                file: file.into(),
                span,
            },
            message: text.into(),
        });
        self
    }

    #[must_use]
    pub fn help(mut self, text: impl Into<String>) -> Diagnostic {
        self.help = Some(text.into());
        self
    }

    #[must_use]
    pub fn note(mut self, text: impl Into<String>) -> Diagnostic {
        self.note = Some(text.into());
        self
    }

    #[must_use]
    pub fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }
}
