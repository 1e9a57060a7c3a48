//! `npmrc-doctor rules [NAME]`: list the rules, or print one rule's doc.

use crate::rules::{self, ALL};
use std::io::Write;

/// Arguments of `rules`.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// A rule name: print its documentation.
    #[arg(value_name = "NAME")]
    name: Option<String>,
    /// Print the list as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `rules`; returns the exit code.
pub fn run(args: &RulesArgs, out: &mut dyn Write) -> u8 {
    let result = match &args.name {
        Some(name) => match rules::get(name) {
            Some(rule) => writeln!(out, "{}", rule.docs.trim_end()),
            None => {
                super::output::error(&crate::check::settings::unknown_rule(name));
                return super::EXIT_USAGE;
            }
        },
        None if args.json => {
            let list: Vec<serde_json::Value> = ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name,
                        "category": r.category.name(),
                        "severity": r.default_severity.name(),
                        "fix": r.fix.name(),
                        "summary": r.summary,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list)
                .map_err(std::io::Error::other)
                .and_then(|t| writeln!(out, "{t}"))
        }
        None => list(out),
    };
    if result.is_err() {
        return super::EXIT_USAGE;
    }
    0
}

fn list(out: &mut dyn Write) -> std::io::Result<()> {
    let width = ALL.iter().map(|r| r.name.len()).max().unwrap_or(10);
    for r in ALL {
        writeln!(
            out,
            "{:<width$}  {:<11}  {:<5}  {}",
            r.name,
            r.category.name(),
            r.default_severity.name(),
            r.summary
        )?;
    }
    Ok(())
}
