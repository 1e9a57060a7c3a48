//! The `npmrc-doctor` binary: captures the environment and hands over to [`npmrc_doctor::cli`].

use std::process::ExitCode;

/// mimalloc: a tree run allocates and frees many small strings per file;
/// measured faster than the system allocator on the perf tree.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let env = npmrc_doctor::env::Env::capture();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    npmrc_doctor::cli::main(args, &env)
}
