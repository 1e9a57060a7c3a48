//! Reading input files so that no input can hang the tool or exhaust its
//! memory, and so that what is secret in them is known before anything is
//! printed.
//!
//! - Files are opened with `O_NONBLOCK` and checked with `fstat` on the
//!   open handle: only regular files are read. A FIFO (which would block
//!   forever, in npm too), a device (`/dev/zero` never ends), a socket or a
//!   directory is refused with a code and a sentence saying why.
//! - Reads are capped ([`CONFIG_LIMIT`] for config files and manifests):
//!   a larger file is refused, not read into memory.
//! - Every text read is handed to [`crate::redact::harvest_text`].
//!
//! Logs, which may be large, are read line by line with [`read_lines`].

use std::fs::File;
use std::io::{BufRead, Read};
use std::path::Path;

/// Size cap for config files, manifests and settings files (16 MiB: npm's
/// own `.npmrc` files are a few KiB; a real package.json rarely reaches 1 MiB).
pub const CONFIG_LIMIT: u64 = 16 * 1024 * 1024;

/// Size cap for a log file read by `why --log`.
pub const LOG_LIMIT: u64 = 128 * 1024 * 1024;

/// Longest log line kept; the rest of a longer line is skipped.
pub const LOG_LINE_LIMIT: usize = 64 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    /// node's error code (`ENOENT`, `EISDIR`, `ELOOP`, `EACCES`, …), or
    /// `EFIFO` / `ENOTREG` / `EFBIG` for the files refused here.
    pub code: &'static str,
    /// A sentence for people, empty for plain I/O errors.
    pub detail: String,
}

impl ReadFailure {
    fn io(e: &std::io::Error) -> ReadFailure {
        ReadFailure {
            code: io_code(e),
            detail: String::new(),
        }
    }

    /// `CODE` or `CODE (detail)`: what the callers print.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.detail.is_empty() {
            self.code.to_string()
        } else {
            format!("{} ({})", self.code, self.detail)
        }
    }
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Maps an I/O error to node's error code.
#[must_use]
pub fn io_code(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "ENOENT",
        K::PermissionDenied => "EACCES",
        K::IsADirectory => "EISDIR",
        K::NotADirectory => "ENOTDIR",
        K::InvalidData => "EINVAL",
        _ => match e.raw_os_error() {
            Some(40) => "ELOOP",
            Some(21) => "EISDIR",
            Some(20) => "ENOTDIR",
            Some(13) => "EACCES",
            Some(2) => "ENOENT",
            Some(36) => "ENAMETOOLONG",
            _ => "EIO",
        },
    }
}

/// Opens `path` for reading without blocking and checks that it is a
/// regular file.
fn open_regular(path: &Path) -> Result<(File, u64), ReadFailure> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // a FIFO without a writer would block open() itself
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| ReadFailure::io(&e))?;
    let meta = file.metadata().map_err(|e| ReadFailure::io(&e))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(ReadFailure {
            code: "EISDIR",
            detail: String::new(),
        });
    }
    if !kind.is_file() {
        return Err(not_regular(&kind));
    }
    Ok((file, meta.len()))
}

fn not_regular(kind: &std::fs::FileType) -> ReadFailure {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return ReadFailure {
                code: "EFIFO",
                detail: "a named pipe, not a file: npm would wait forever reading it; not read"
                    .into(),
            };
        }
        if kind.is_char_device() || kind.is_block_device() {
            return ReadFailure {
                code: "ENOTREG",
                detail: "a device, not a file: npm would read it until it runs out of \
                         memory or fails; not read"
                    .into(),
            };
        }
        if kind.is_socket() {
            return ReadFailure {
                code: "ENOTREG",
                detail: "a socket, not a file: npm cannot read it; not read".into(),
            };
        }
    }
    let _ = kind;
    ReadFailure {
        code: "ENOTREG",
        detail: "not a regular file; not read".into(),
    }
}

/// Reads a whole regular file of at most `limit` bytes, and registers the
/// secrets in it.
///
/// # Errors
/// [`ReadFailure`] for an I/O error, a file that is not a regular file, or
/// one larger than `limit`.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    let (file, len) = open_regular(path)?;
    let too_large = |size: u64| ReadFailure {
        code: "EFBIG",
        detail: format!(
            "{} bytes, over the {} MiB this tool reads; not read",
            size,
            limit / (1024 * 1024)
        ),
    };
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadFailure::io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    crate::redact::harvest_text(&String::from_utf8_lossy(&bytes));
    Ok(bytes)
}

/// Reads a config file, manifest or settings file ([`CONFIG_LIMIT`]).
///
/// # Errors
/// See [`read_capped`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, ReadFailure> {
    read_capped(path, CONFIG_LIMIT)
}

/// Streams the lines of a (log) file, each cut at [`LOG_LINE_LIMIT`] bytes,
/// reading at most [`LOG_LIMIT`] bytes; invalid UTF-8 is replaced.
///
/// # Errors
/// [`ReadFailure`] when the file cannot be opened or is not a regular file.
pub fn read_lines(path: &Path) -> Result<LineReader<File>, ReadFailure> {
    let (file, _) = open_regular(path)?;
    Ok(LineReader::new(file, LOG_LIMIT))
}

/// Lines of a stream with a cap on each line and on the whole.
pub struct LineReader<R: Read> {
    inner: std::io::BufReader<std::io::Take<R>>,
    /// Lines that were longer than [`LOG_LINE_LIMIT`] (and were cut).
    pub cut_lines: usize,
}

impl<R: Read> LineReader<R> {
    /// Wraps a reader; at most `limit` bytes are read from it.
    pub fn new(inner: R, limit: u64) -> LineReader<R> {
        LineReader {
            inner: std::io::BufReader::new(inner.take(limit)),
            cut_lines: 0,
        }
    }
}

impl<R: Read> Iterator for LineReader<R> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let mut line = Vec::new();
        let mut cut = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if buf.is_empty() {
                if line.is_empty() && !cut {
                    return None;
                }
                break;
            }
            let (chunk, used, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            let room = LOG_LINE_LIMIT.saturating_sub(line.len());
            if chunk.len() > room {
                cut = true;
            }
            line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.inner.consume(used);
            if done {
                break;
            }
        }
        if cut {
            self.cut_lines += 1;
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(String::from_utf8_lossy(&line).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_capped() {
        let long = "x".repeat(LOG_LINE_LIMIT * 3);
        let text = format!("a\r\n{long}\nb");
        let mut r = LineReader::new(text.as_bytes(), u64::MAX);
        assert_eq!(r.next().as_deref(), Some("a"));
        assert_eq!(r.next().map(|l| l.len()), Some(LOG_LINE_LIMIT));
        assert_eq!(r.next().as_deref(), Some("b"));
        assert_eq!(r.next(), None);
        assert_eq!(r.cut_lines, 1);
        let mut r = LineReader::new("abc\ndef".as_bytes(), 5);
        assert_eq!(r.next().as_deref(), Some("abc"));
        assert_eq!(r.next().as_deref(), Some("d"));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_what_is_not_a_regular_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        assert_eq!(read_input(dir.path()).map_err(|e| e.code), Err("EISDIR"));
        assert_eq!(
            read_input(Path::new("/dev/zero")).map_err(|e| e.code),
            Err("ENOTREG")
        );
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status()?;
        if status.success() {
            assert_eq!(read_input(&fifo).map_err(|e| e.code), Err("EFIFO"));
        }
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 2000])?;
        assert_eq!(read_capped(&big, 1000).map_err(|e| e.code), Err("EFBIG"));
        assert_eq!(read_capped(&big, 2000).map(|b| b.len()), Ok(2000));
        let missing = dir.path().join("missing");
        assert_eq!(read_input(&missing).map_err(|e| e.code), Err("ENOENT"));
        Ok(())
    }
}
