//! Writing to the terminal: stdout for results, stderr for errors; colour
//! only on a terminal and never with `NO_COLOR`.
//!
//! This is the output boundary: every byte goes through
//! [`crate::redact::redact`] here, whatever renderer produced it, so a new
//! format needs nothing to be safe but to write to [`Stdout`] or [`error`].

use std::io::{IsTerminal, Write};

/// Buffered, redacted standard output that ignores a closed pipe. Text is
/// redacted a whole line at a time (a secret never spans a line break of
/// the output), so a flush never splits a secret.
pub struct Stdout {
    buf: Vec<u8>,
}

impl Stdout {
    #[must_use]
    pub fn new() -> Stdout {
        Stdout { buf: Vec::new() }
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Self::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() > 64 * 1024 {
            if let Some(nl) = self.buf.iter().rposition(|&b| b == b'\n') {
                let rest = self.buf.split_off(nl + 1);
                self.write_out();
                self.buf = rest;
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out();
        Ok(())
    }
}

impl Stdout {
    fn write_out(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let clean = crate::redact::redact(&text);
        let mut out = std::io::stdout().lock();
        // a closed pipe (`| head`) is not an error worth reporting
        let _ = out.write_all(clean.as_bytes());
        let _ = out.flush();
        self.buf.clear();
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Prints an error message on stderr.
pub fn error(message: &str) {
    let message = crate::redact::redact(message);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "npmrc-doctor: error: {message}");
}

/// Prints text that is already formatted (clap's usage errors and help) on
/// stderr or stdout, redacted like everything else.
pub fn raw(text: &str, to_stderr: bool) {
    let clean = crate::redact::redact(text);
    if to_stderr {
        let _ = std::io::stderr().lock().write_all(clean.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(clean.as_bytes());
    }
}

/// Whether stdout should get colours.
/// `--color`: when to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set or `TERM=dumb`; `FORCE_COLOR`
    /// forces it.
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether stdout should get colours: `--color always|never` decide;
/// otherwise `NO_COLOR` (non-empty) turns it off, `FORCE_COLOR` (non-empty,
/// not `0` or `false`) on, `TERM=dumb` off, and else a terminal decides.
#[must_use]
pub fn color_enabled(choice: ColorChoice, env: &crate::env::Env) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name: &str| env.var(name).filter(|v| !v.is_empty());
            if set("NO_COLOR").is_some() {
                return false;
            }
            if set("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false") {
                return true;
            }
            if env.var("TERM") == Some("dumb") {
                return false;
            }
            std::io::stdout().is_terminal()
        }
    }
}

/// Whether stdout should get colours (`--color auto`).
#[must_use]
pub fn use_color(env: &crate::env::Env) -> bool {
    color_enabled(ColorChoice::Auto, env)
}

/// The width to wrap text at: the terminal's (`terminal_size`), else
/// `COLUMNS`; None (no wrapping: output to a pipe or file stays stable
/// and greppable) when neither is known.
#[must_use]
pub fn width(env: &crate::env::Env) -> Option<usize> {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(std::io::stdout()) {
        return Some(usize::from(w).max(40));
    }
    env.var("COLUMNS")
        .and_then(|c| c.trim().parse::<usize>().ok())
        .map(|w| w.max(40))
}

/// Prints a status line (not a result) on stderr.
pub fn status(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{message}");
}
