//! `unused-suppression`: a suppression comment that names an unknown rule
//! or suppresses nothing. Which comments did something is known only after
//! every other rule ran, so the engine (`check::check_dir`) asks
//! [`crate::check::suppress::Suppressions::unused`] and builds the findings
//! with [`diagnostic`]; the rule's own pass finds nothing.

use crate::check::context::{Context, NpmrcDoc};
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::check::suppress::Unused;
use crate::declare_rule;
use crate::rules::support_npmrc;

declare_rule! {
    name: "unused-suppression",
    category: Suspicious,
    severity: Warn,
    fix: Sometimes,
    summary: "a suppression comment that names an unknown rule or suppresses nothing",
}

/// Nothing here: see the module documentation.
fn check(_cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

/// The finding for a comment of `doc` that does nothing.
#[must_use]
pub fn diagnostic(doc: &NpmrcDoc, unused: &Unused) -> Option<Diagnostic> {
    let (line_index, message, help) = match unused {
        Unused::UnknownRule {
            line_index,
            name,
            suggestion,
        } => (
            *line_index,
            format!("the suppression names `{name}`, which is not a rule: it suppresses nothing"),
            match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "see `npmrc-doctor rules` for the rule names".to_string(),
            },
        ),
        Unused::Nothing { line_index } => (
            *line_index,
            "this suppression comment suppresses nothing: no finding of the rules it names is on its line".to_string(),
            "delete the comment (the problem it silenced is gone), or move it above the line it is for".to_string(),
        ),
    };
    let line = doc.lines.get(line_index)?;
    let mut d = Diagnostic::new(RULE.name, doc.path.clone(), line.span.clone(), message)
        .label("suppresses nothing")
        .help(help);
    if matches!(unused, Unused::Nothing { .. }) {
        d = d.fix(Fix {
            title: "delete the comment".into(),
            edits: vec![support_npmrc::delete_line(doc, line)],
            applicability: Applicability::Safe,
        });
    }
    Some(d)
}
