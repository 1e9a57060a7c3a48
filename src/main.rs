//! The `npmrc-doctor` binary: captures the environment and hands over to [`npmrc_doctor::cli`].

use std::process::ExitCode;

/// mimalloc: a tree run allocates and frees many small strings per file;
/// measured faster than the system allocator on the perf tree.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack the work runs on: deeply nested JSON (which npm reads) is
/// parsed recursively. Only the pages used are ever committed.
const STACK: usize = 512 << 20;

fn main() -> ExitCode {
    let env = npmrc_doctor::env::Env::capture();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let (env2, args2) = (env.clone(), args.clone());
    match std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || npmrc_doctor::cli::main(args2, &env2))
    {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(101)),
        // no room for a large stack: run here
        Err(_) => npmrc_doctor::cli::main(args, &env),
    }
}
