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
    /// Settings file (default: `.npmrc-doctor.json` in the working directory or above).
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
    #[command(flatten)]
    npm: NpmArgs,
}

/// Runs `check`; returns the exit code (0 clean, 1 findings, 2 usage error).
pub fn run_check(args: &CheckArgs, env: &Env, out: &mut dyn Write) -> u8 {
    let settings = match load_settings(args, env) {
        Ok(s) => s,
        Err(e) => {
            super::output::error(&e);
            return super::EXIT_USAGE;
        }
    };
    let mut excludes = crate::check::discover::Excludes::default();
    let settings_dir = settings
        .source
        .as_deref()
        .and_then(std::path::Path::parent)
        .unwrap_or(env.cwd())
        .to_path_buf();
    if let Err(e) = excludes
        .add(&settings_dir, &settings.exclude)
        .and_then(|()| excludes.add(env.cwd(), &args.exclude))
    {
        super::output::error(&e);
        return super::EXIT_USAGE;
    }
    let options = CheckOptions {
        paths: args.paths.clone(),
        include_node_modules: args.include_node_modules,
        all_layers: args.all_layers,
        load: args.npm.load_options(),
        settings,
        excludes,
    };
    let (terminal, files) = match targets(args, env) {
        Ok(t) => t,
        Err(e) => {
            super::output::error(&e);
            return super::EXIT_USAGE;
        }
    };
    let result = run(&options, env);
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
        let color = terminal == Format::Human && super::output::use_color(env);
        if let Err(e) = report::write(terminal, &result, env.cwd(), color, out) {
            super::output::error(&format!("cannot write output: {e}"));
            return super::EXIT_USAGE;
        }
    }
    if !terminal.is_some_and(Format::reports_errors) {
        for e in &result.errors {
            super::output::error(e);
        }
    }
    let failing = result.diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warn)
    });
    // a path that does not exist, or an input that cannot be read, is a
    // usage error whatever else was found
    if result.missing_inputs > 0
        || result.unreadable > 0
        || (!result.errors.is_empty() && result.files_checked == 0)
    {
        super::EXIT_USAGE
    } else {
        u8::from(failing)
    }
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

fn load_settings(args: &CheckArgs, env: &Env) -> Result<Settings, String> {
    let path = match &args.settings {
        Some(p) => Some(if p.is_absolute() {
            p.clone()
        } else {
            env.cwd().join(p)
        }),
        None => Settings::find(env.cwd()),
    };
    let mut settings = match path {
        Some(p) => Settings::read(&p)?,
        None => Settings::default(),
    };
    for r in &args.rules {
        settings.apply_arg(r)?;
    }
    Ok(settings)
}
