//! What a rule sees: one project directory with npm's merged config for it,
//! the `.npmrc` files and `package.json` files being checked, and the
//! environment.

use crate::config::layer::FileText;
use crate::config::validate::Validation;
use crate::config::{Config, Layer, LoadError};
use crate::env::Env;
use crate::manifest::spanned::Manifest;
use crate::npmrc::lexer::{Entry, Line, LineKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a checked `.npmrc` file is to npm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read by npm as this layer of the project's config.
    Layer(Layer),
    /// A `.npmrc` inside a workspace package: npm ignores it.
    IgnoredWorkspace,
    /// A template such as `.npmrc.ci`, copied into place by a script.
    Template,
    /// A `.npmrc` npm does not read from this directory.
    NotLoaded,
}

/// A checked `.npmrc` file, lexed.
#[derive(Debug, Clone)]
pub struct NpmrcDoc {
    pub path: PathBuf,
    pub role: Role,
    pub text: Arc<FileText>,
    pub lines: Vec<Line>,
    /// Line index of the text, built on first use.
    line_index: std::sync::OnceLock<crate::util::LineIndex>,
}

impl NpmrcDoc {
    /// Reads and lexes a file; the error is node's error code.
    ///
    /// # Errors
    /// node's error code when the file cannot be read.
    pub fn read(path: PathBuf, role: Role) -> Result<NpmrcDoc, String> {
        let text = crate::config::load::read_config_file(&path)?;
        Ok(NpmrcDoc::from_text(path, role, Arc::new(text)))
    }

    /// Lexes text already read.
    #[must_use]
    pub fn from_text(path: PathBuf, role: Role, text: Arc<FileText>) -> NpmrcDoc {
        let lines = crate::npmrc::lexer::lex(&text.text);
        NpmrcDoc {
            path,
            role,
            text,
            lines,
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// 1-based (line, column) of a byte offset of the text.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.line_index
            .get_or_init(|| crate::util::LineIndex::new(&self.text.text))
            .line_col(&self.text.text, offset)
    }

    /// Entry lines that are at the top level (not under a `[section]`).
    pub fn top_level_entries(&self) -> impl Iterator<Item = (&Line, &Entry)> {
        let mut in_section = false;
        self.lines.iter().filter_map(move |line| match &line.kind {
            LineKind::Section(_) => {
                in_section = true;
                None
            }
            LineKind::Entry(e) if !in_section => Some((line, e.as_ref())),
            _ => None,
        })
    }

    /// All entry lines, also those under a section.
    pub fn entries(&self) -> impl Iterator<Item = (&Line, &Entry)> {
        self.lines.iter().filter_map(|line| match &line.kind {
            LineKind::Entry(e) => Some((line, e.as_ref())),
            _ => None,
        })
    }

    /// The source text.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.text.text
    }

    /// The text of a span (empty when out of range).
    #[must_use]
    pub fn slice(&self, span: &std::ops::Range<usize>) -> &str {
        self.text.text.get(span.clone()).unwrap_or("")
    }

    /// Whether npm reads this file as part of the project's config.
    #[must_use]
    pub fn is_loaded(&self) -> bool {
        matches!(self.role, Role::Layer(_))
    }
}

/// One directory being checked, with npm's config as seen from there.
#[derive(Debug)]
pub struct Project {
    /// The directory npm would run in.
    pub dir: PathBuf,
    /// npm's config loaded from `dir` (None when loading failed).
    pub config: Option<Config>,
    pub load_error: Option<LoadError>,
    pub validation: Validation,
    /// `.npmrc` files being checked.
    pub npmrc: Vec<NpmrcDoc>,
    /// `package.json` files being checked.
    pub manifests: Vec<Manifest>,
    /// The publish intent of each of `manifests`, in the same order.
    pub intents: Vec<crate::project::Intent>,
    /// The package manager that reads this directory's files.
    pub package_manager: crate::project::Detected,
}

/// Everything a rule may look at.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub project: &'a Project,
    pub env: &'a Env,
}

impl<'a> Context<'a> {
    /// npm's merged config, when it loaded.
    #[must_use]
    pub fn config(&self) -> Option<&'a Config> {
        self.project.config.as_ref()
    }

    /// Checked `.npmrc` files.
    #[must_use]
    pub fn npmrc_files(&self) -> &'a [NpmrcDoc] {
        &self.project.npmrc
    }

    /// Checked `package.json` files.
    #[must_use]
    pub fn manifests(&self) -> &'a [Manifest] {
        &self.project.manifests
    }

    /// The package.json of the project directory itself, when checked.
    #[must_use]
    pub fn own_manifest(&self) -> Option<&'a Manifest> {
        let own = self.project.dir.join("package.json");
        self.project.manifests.iter().find(|m| m.path == own)
    }

    /// The package manager that reads the project's files.
    #[must_use]
    pub fn package_manager(&self) -> crate::project::PackageManager {
        self.project.package_manager.manager
    }

    /// The publish intent of a checked manifest (not published when unknown).
    #[must_use]
    pub fn intent(&self, m: &Manifest) -> crate::project::Intent {
        self.project
            .manifests
            .iter()
            .position(|x| x.path == m.path)
            .and_then(|i| self.project.intents.get(i).cloned())
            .unwrap_or(crate::project::Intent::NotPublished(
                crate::project::NotPublished::Unreadable,
            ))
    }

    /// Whether `path` is one of the checked files.
    #[must_use]
    pub fn is_checked(&self, path: &Path) -> bool {
        self.project.npmrc.iter().any(|d| d.path == path)
            || self.project.manifests.iter().any(|m| m.path == path)
    }

    /// The checked `.npmrc` at `path`.
    #[must_use]
    pub fn npmrc_doc(&self, path: &Path) -> Option<&'a NpmrcDoc> {
        self.project.npmrc.iter().find(|d| d.path == path)
    }
}
