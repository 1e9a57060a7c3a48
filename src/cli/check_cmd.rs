//! `npmrc-doctor check [PATH...]`: lint `.npmrc` and `package.json` files.

use super::NpmArgs;
use crate::check::diagnostic::Severity;
use crate::check::settings::Settings;
use crate::check::{CheckOptions, run};
use crate::env::Env;
use crate::report::{self, Format, FormatSpec};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the project at the working directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format: human, json, github, concise, sarif, gitlab or junit;
    /// `FORMAT=PATH` writes that format to a file. Repeatable: one run can
    /// feed the terminal and several reports (`--format human --format
    /// sarif=npmrc-doctor.sarif`); with only `FORMAT=PATH` formats, the
    /// terminal gets `human`.
    #[arg(long, value_name = "FORMAT[=PATH]")]
    format: Vec<FormatSpec>,
    /// Write the format that has no `=PATH` to this file instead of stdout.
    #[arg(short = 'o', long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Set a rule's level: `--rule NAME=off|info|warn|error` (repeatable).
    #[arg(long = "rule", value_name = "NAME=LEVEL")]
    rules: Vec<String>,
    /// One settings file for every checked file (default: the `.npmrc-doctor.json` nearest above each).
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Also report findings in the user, global and builtin config files.
    #[arg(long)]
    all_layers: bool,
    /// Also walk into `node_modules` folders.
    #[arg(long)]
    include_node_modules: bool,
    /// Skip files and folders matching a gitignore-style glob (repeatable;
    /// relative to the working directory). Adds to the settings' `exclude`.
    #[arg(long = "exclude", value_name = "GLOB")]
    exclude: Vec<String>,
    /// Apply the safe fixes to the files (then report what remains).
    #[arg(long)]
    fix: bool,
    /// Also apply unsafe fixes (they may change what npm does; see each rule's `## Fix safety`).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there are changes.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Check only these rules or categories (comma-separated, repeatable; `ALL`).
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    select: Vec<String>,
    /// Do not check these rules or categories (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE|CATEGORY")]
    ignore: Vec<String>,
    /// Report errors only: warnings and infos are neither shown nor counted.
    #[arg(short, long)]
    quiet: bool,
    /// Exit 0 even with findings (a usage error still exits 2).
    #[arg(long)]
    exit_zero: bool,
    /// Exit 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// When to colour the output.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: super::output::ColorChoice,
    /// Read one file's text from stdin and check it as PATH (for editors;
    /// the file's directory decides npm's other layers).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["fix", "diff"])]
    stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    npm: NpmArgs,
}

/// Runs `check`; returns the exit code (0 clean, 1 findings, 2 usage error).
pub fn run_check(args: &CheckArgs, env: &Env, out: &mut dyn Write) -> u8 {
    let (settings, discover_settings) = match load_settings(args, env) {
        Ok(s) => s,
        Err(e) => {
            super::output::error(&e);
            return super::EXIT_USAGE;
        }
    };
    // `exclude` comes from `--settings FILE`, else from the settings file
    // nearest the working directory
    let exclude_settings = match &discover_settings {
        None => settings.clone(),
        Some(_) => match Settings::find(env.cwd()).map(|f| Settings::read(&f)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                super::output::error(&e);
                return super::EXIT_USAGE;
            }
            None => Settings::default(),
        },
    };
    let mut excludes = crate::check::discover::Excludes::default();
    let settings_dir = exclude_settings
        .source
        .as_deref()
        .and_then(std::path::Path::parent)
        .unwrap_or(env.cwd())
        .to_path_buf();
    if let Err(e) = excludes
        .add(&settings_dir, &exclude_settings.exclude)
        .and_then(|()| excludes.add(env.cwd(), &args.exclude))
    {
        super::output::error(&e);
        return super::EXIT_USAGE;
    }
    let mut options = CheckOptions {
        paths: args.paths.clone(),
        include_node_modules: args.include_node_modules,
        all_layers: args.all_layers,
        load: args.npm.load_options(),
        settings,
        excludes,
        discover_settings,
        overlay: None,
    };
    if let Some(name) = &args.stdin_filename {
        let path = if name.is_absolute() {
            name.clone()
        } else {
            env.cwd().join(name)
        };
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            super::output::error(&format!("cannot read stdin: {e}"));
            return super::EXIT_USAGE;
        }
        options.paths = vec![path.clone()];
        options.overlay = Some(std::sync::Arc::new(std::iter::once((path, text)).collect()));
    }
    let (terminal, files) = match targets(args, env) {
        Ok(t) => t,
        Err(e) => {
            super::output::error(&e);
            return super::EXIT_USAGE;
        }
    };
    if args.diff {
        return run_diff(args, &options, env, out);
    }
    let mut result = if args.fix {
        match run_fix(args, &options, env) {
            Some(r) => r,
            None => return super::EXIT_USAGE,
        }
    } else {
        run(&options, env)
    };
    if args.quiet {
        result.diagnostics.retain(|d| d.severity == Severity::Error);
    }
    for (format, path) in &files {
        if let Err(e) = write_file(*format, &result, env, path) {
            super::output::error(&format!(
                "cannot write the {} report to {}: {e}",
                format.name(),
                path.display()
            ));
            return super::EXIT_USAGE;
        }
    }
    if let Some(terminal) = terminal {
        let color = terminal == Format::Human && super::output::color_enabled(args.color, env);
        let written = if args.statistics {
            write_statistics(terminal, &result, out)
        } else if terminal == Format::Human {
            report::human::write_with_width(
                &result,
                env.cwd(),
                color,
                super::output::width(env),
                out,
            )
        } else {
            report::write(terminal, &result, env.cwd(), color, out)
        };
        if let Err(e) = written {
            super::output::error(&format!("cannot write output: {e}"));
            return super::EXIT_USAGE;
        }
    }
    if !terminal.is_some_and(Format::reports_errors) {
        for e in &result.errors {
            super::output::error(e);
        }
    }
    let count = |s: Severity| {
        result
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let warnings = count(Severity::Warn);
    let failing = !args.exit_zero
        && (count(Severity::Error) > 0
            || (args.deny_warnings && warnings > 0)
            || args.max_warnings.is_some_and(|n| warnings > n));
    if let Some(n) = args.max_warnings.filter(|&n| warnings > n && !args.quiet) {
        super::output::status(&format!(
            "Too many warnings: {warnings} (--max-warnings {n})."
        ));
    }
    // a path that does not exist, or an input that cannot be read, is a
    // usage error whatever else was found
    if result.settings_failed
        || result.missing_inputs > 0
        || result.unreadable > 0
        || (!result.errors.is_empty() && result.files_checked == 0)
    {
        super::EXIT_USAGE
    } else {
        u8::from(failing)
    }
}

/// `--statistics`: findings per rule, most first (`json`: an array).
fn write_statistics(
    format: Format,
    run: &crate::check::CheckRun,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut counts: std::collections::BTreeMap<&str, (usize, Severity, usize)> =
        std::collections::BTreeMap::new();
    for d in &run.diagnostics {
        let e = counts.entry(d.rule).or_insert((0, d.severity, 0));
        e.0 += 1;
        e.1 = e.1.max(d.severity);
        e.2 += usize::from(d.fix.is_some());
    }
    let mut rows: Vec<(&str, (usize, Severity, usize))> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let doc: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, (n, sev, fixable))| {
                serde_json::json!({"rule": rule, "count": n, "severity": sev.name(), "fixable": fixable})
            })
            .collect();
        let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
        return writeln!(out, "{text}");
    }
    for (rule, (n, sev, fixable)) in &rows {
        let fix = if *fixable > 0 {
            format!("  ({fixable} fixable)")
        } else {
            String::new()
        };
        writeln!(out, "{n:>5}  {:<5}  {rule}{fix}", sev.name())?;
    }
    let total: usize = rows.iter().map(|r| r.1.0).sum();
    writeln!(out, "{total:>5}  total")
}

/// `--fix`: fixes in memory, writes the changed files, returns what remains.
fn run_fix(args: &CheckArgs, options: &CheckOptions, env: &Env) -> Option<crate::check::CheckRun> {
    let outcome = crate::fix::fix(options, env, args.unsafe_fixes);
    let mut failed = false;
    let mut written = 0;
    for (path, (before, after)) in &outcome.changed {
        match crate::fix::write_atomic(path, before, after) {
            Ok(()) => written += 1,
            Err(e) => {
                super::output::error(&format!("{}: {e}", path.display()));
                failed = true;
            }
        }
    }
    report_skipped(&outcome, env);
    if args.quiet {
        return if failed {
            None
        } else {
            Some(outcome.remaining)
        };
    }
    let remaining = outcome.remaining.diagnostics.len();
    let hidden = unsafe_hint(args, &outcome.remaining);
    super::output::status(&format!(
        "Fixed {} finding{} in {written} file{} ({remaining} remaining){hidden}.",
        outcome.fixed,
        plural(outcome.fixed),
        plural(written),
    ));
    if failed {
        None
    } else {
        Some(outcome.remaining)
    }
}

/// `--diff`: prints what `--fix` would change; 1 when something would.
fn run_diff(args: &CheckArgs, options: &CheckOptions, env: &Env, out: &mut dyn Write) -> u8 {
    let outcome = crate::fix::fix(options, env, args.unsafe_fixes);
    for (path, (before, after)) in &outcome.changed {
        let shown = report::display_path(path, env.cwd());
        if out
            .write_all(crate::fix::diff(path, &shown, before, after).as_bytes())
            .is_err()
        {
            return super::EXIT_USAGE;
        }
    }
    report_skipped(&outcome, env);
    let hidden = unsafe_hint(args, &outcome.remaining);
    super::output::status(&format!(
        "Would fix {} finding{} in {} file{}{hidden}.",
        outcome.fixed,
        plural(outcome.fixed),
        outcome.changed.len(),
        plural(outcome.changed.len()),
    ));
    u8::from(!outcome.changed.is_empty())
}

fn report_skipped(outcome: &crate::fix::Outcome, env: &Env) {
    if !outcome.converged {
        super::output::error(&format!(
            "fixes kept changing the files after {} passes; stopped (please report this)",
            crate::fix::MAX_PASSES
        ));
    }
    for (path, why) in &outcome.skipped {
        if outcome.changed.contains_key(path) {
            continue;
        }
        super::output::status(&format!("{}: {why}", report::display_path(path, env.cwd())));
    }
}

/// `, N more with --unsafe-fixes` when unsafe fixes were held back.
fn unsafe_hint(args: &CheckArgs, remaining: &crate::check::CheckRun) -> String {
    if args.unsafe_fixes {
        return String::new();
    }
    let n = remaining
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| !crate::fix::wanted(f, false))
        })
        .count();
    if n == 0 {
        String::new()
    } else {
        format!("; {n} more fixable with --unsafe-fixes")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Formats to stdout (exactly one) and to files, from `--format` and
/// `--output-file`. A relative `PATH` is relative to the working directory
/// (`-C` included). `--output-file` sends the stdout format to that file
/// (then stdout gets nothing).
type Targets = (Option<Format>, Vec<(Format, PathBuf)>);

fn targets(args: &CheckArgs, env: &Env) -> Result<Targets, String> {
    let resolve = |p: &PathBuf| {
        if p.is_absolute() {
            p.clone()
        } else {
            env.cwd().join(p)
        }
    };
    let unpathed: Vec<Format> = args
        .format
        .iter()
        .filter(|s| s.path.is_none())
        .map(|s| s.format)
        .collect();
    if unpathed.len() > 1 {
        return Err(format!(
            "only one --format can go to stdout, got {}; write the others to files with FORMAT=PATH",
            unpathed
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    let mut files: Vec<(Format, PathBuf)> = args
        .format
        .iter()
        .filter_map(|s| s.path.as_ref().map(|p| (s.format, resolve(p))))
        .collect();
    let terminal = unpathed.first().copied().unwrap_or(Format::Human);
    let terminal = match &args.output_file {
        Some(p) => {
            if unpathed.is_empty() && !args.format.is_empty() {
                return Err(
                    "--output-file names the file for the --format without `=PATH`, and every --format has one"
                        .to_string(),
                );
            }
            files.push((terminal, resolve(p)));
            None
        }
        None => Some(terminal),
    };
    for (i, (_, a)) in files.iter().enumerate() {
        if files[..i].iter().any(|(_, b)| b == a) {
            return Err(format!("two --format reports would go to {}", a.display()));
        }
    }
    Ok((terminal, files))
}

fn write_file(
    format: Format,
    run: &crate::check::CheckRun,
    env: &Env,
    path: &std::path::Path,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    report::write(format, run, env.cwd(), false, &mut buf)?;
    // a report file is output too: it goes through the same redaction
    let text = String::from_utf8_lossy(&buf);
    std::fs::write(path, crate::redact::redact(&text).as_bytes())
}

/// The settings: with `--settings FILE`, that file for every checked
/// file; otherwise each checked folder's nearest `.npmrc-doctor.json`
/// (`discover_settings`). The command-line adjustments are checked here,
/// so a misspelt rule is a usage error either way.
fn load_settings(
    args: &CheckArgs,
    env: &Env,
) -> Result<(Settings, Option<crate::check::settings::Overrides>), String> {
    let overrides = crate::check::settings::Overrides {
        rules: args.rules.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut settings = match &args.settings {
        Some(p) => Settings::read(&if p.is_absolute() {
            p.clone()
        } else {
            env.cwd().join(p)
        })?,
        None => Settings::default(),
    };
    overrides.apply(&mut settings)?;
    Ok(if args.settings.is_some() {
        (settings, None)
    } else {
        (settings, Some(overrides))
    })
}
