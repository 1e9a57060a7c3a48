//! Command-line interface.

use crate::env::Env;
use std::ffi::OsString;
use std::process::ExitCode;

/// Runs the CLI and returns the process exit code.
#[must_use]
pub fn main(_args: Vec<OsString>, _env: &Env) -> ExitCode {
    ExitCode::SUCCESS
}
