//! Writing to the terminal: stdout for results, stderr for errors; colour
//! only on a terminal and never with `NO_COLOR`.

use std::io::{IsTerminal, Write};

/// Buffered standard output that ignores a closed pipe.
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
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        // a closed pipe (`| head`) is not an error worth reporting
        let _ = out.write_all(&self.buf);
        let _ = out.flush();
        self.buf.clear();
        Ok(())
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Prints an error message on stderr.
pub fn error(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "npmrc-doctor: error: {message}");
}

/// Whether stdout should get colours.
#[must_use]
pub fn use_color(env: &crate::env::Env) -> bool {
    env.var("NO_COLOR").is_none_or(str::is_empty) && std::io::stdout().is_terminal()
}

/// Prints a status line (not a result) on stderr.
pub fn status(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{message}");
}
