//! `npmrc-doctor check [PATH...]`: lint `.npmrc` and `package.json` files.

use super::NpmArgs;
use crate::check::diagnostic::Severity;
use crate::check::settings::Settings;
use crate::check::{CheckOptions, run};
use crate::env::Env;
use crate::report::{self, Format};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the project at the working directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
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
    let options = CheckOptions {
        paths: args.paths.clone(),
        include_node_modules: args.include_node_modules,
        all_layers: args.all_layers,
        load: args.npm.load_options(),
        settings,
    };
    let result = run(&options, env);
    let color = args.format == Format::Human && super::output::use_color(env);
    if let Err(e) = report::write(args.format, &result, env.cwd(), color, out) {
        super::output::error(&format!("cannot write output: {e}"));
        return super::EXIT_USAGE;
    }
    if args.format != Format::Human && args.format != Format::Json {
        for e in &result.errors {
            super::output::error(e);
        }
    }
    let failing = result.diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warn)
    });
    if !result.errors.is_empty() && result.files_checked == 0 {
        super::EXIT_USAGE
    } else {
        u8::from(failing)
    }
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
