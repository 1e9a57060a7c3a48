//! Command-line interface: argument parsing and dispatch to the commands.

pub mod check_cmd;
mod config_cmd;
pub mod output;
mod rules_cmd;
pub mod why_cmd;

use crate::env::Env;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// A fast, offline linter and doctor for npm configuration.
#[derive(Debug, Parser)]
#[command(name = "npmrc-doctor", version, about, long_about = None)]
pub struct Cli {
    /// Run as if started in DIR.
    #[arg(short = 'C', long = "cwd", global = true, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint `.npmrc` and `package.json` files.
    Check(check_cmd::CheckArgs),
    /// Show npm's effective configuration with the origin of every value.
    Config(config_cmd::ConfigArgs),
    /// List the rules, or show one rule's documentation.
    Rules(rules_cmd::RulesArgs),
    /// Explain which registry, URL and credential npm uses for a package
    /// (and why a request fails).
    Why(why_cmd::WhyArgs),
    /// Print a shell completion script (`npmrc-doctor completions bash > …`).
    Completions {
        /// bash, elvish, fish, powershell or zsh.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): `npmrc-doctor man > npmrc-doctor.1`, or a
    /// command's: `npmrc-doctor man check > npmrc-doctor-check.1`.
    Man {
        /// The command (check, config, rules, why, completions).
        command: Option<String>,
    },
}

/// Options shared by the commands that load npm's config.
#[derive(Debug, Clone, clap::Args)]
pub struct NpmArgs {
    /// npm's install folder (holds the builtin `npmrc`); default: from the `npm` on PATH.
    #[arg(long = "npm-dir", value_name = "DIR")]
    pub npm_dir: Option<PathBuf>,
    /// npm's own flags, after `--` (e.g. `-- --registry=https://r.example/ -g`): the cli layer.
    #[arg(last = true, value_name = "NPM_FLAGS", allow_hyphen_values = true)]
    pub npm_flags: Vec<String>,
}

impl NpmArgs {
    /// The loader options these arguments describe.
    #[must_use]
    pub fn load_options(&self) -> crate::config::LoadOptions {
        crate::config::LoadOptions {
            npm_dir: self.npm_dir.clone(),
            argv: self.npm_flags.clone(),
            cache: None,
        }
    }
}

/// Exit code for usage and internal errors.
pub const EXIT_USAGE: u8 = 2;

/// Runs the CLI and returns the process exit code.
#[must_use]
pub fn main(args: Vec<OsString>, env: &Env) -> ExitCode {
    // what is secret in the arguments and the environment is known before
    // anything is printed (a usage error quotes the argument it rejects)
    let lossy: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    crate::redact::harvest_args(&lossy);
    crate::redact::harvest_env(env.vars());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            output::raw(&e.render().to_string(), e.use_stderr());
            return ExitCode::from(code);
        }
    };
    let env = match &cli.cwd {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                env.cwd().join(dir)
            };
            match std::fs::canonicalize(&dir).and_then(|d| {
                // a file or an unreadable directory is no place to run in
                std::fs::read_dir(&d).map(|_| d)
            }) {
                Ok(d) => env.clone().with_cwd(d),
                Err(e) => {
                    output::error(&format!("cannot use --cwd {}: {e}", dir.display()));
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
        None => env.clone(),
    };
    let mut out = output::Stdout::new();
    let code = match &cli.command {
        Command::Check(args) => check_cmd::run_check(args, &env, &mut out),
        Command::Config(args) => config_cmd::run(args, &env, &mut out),
        Command::Rules(args) => rules_cmd::run(args, &mut out),
        Command::Why(args) => why_cmd::run(args, &env, &mut out),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "npmrc-doctor", &mut out);
            0
        }
        Command::Man { command } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let man = match command {
                Some(name) => {
                    let Some(sub) = cmd.find_subcommand(name).cloned() else {
                        output::error(&format!("no command `{name}`"));
                        return ExitCode::from(EXIT_USAGE);
                    };
                    clap_mangen::Man::new(sub).title(format!("npmrc-doctor-{name}"))
                }
                None => clap_mangen::Man::new(cmd),
            };
            match man.render(&mut out) {
                Ok(()) => 0,
                Err(e) => {
                    output::error(&format!("cannot write the man page: {e}"));
                    EXIT_USAGE
                }
            }
        }
    };
    ExitCode::from(code)
}
