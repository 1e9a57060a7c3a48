//! A snapshot of the process environment, taken once at start-up.
//!
//! Nothing else in the crate reads `std::env`: every decision that depends on
//! environment variables, the working directory or `PATH` goes through an
//! [`Env`], so tests (and the differential harness) can build one by hand.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Environment variables (in the order the OS gave them, as node's
/// `Object.entries(process.env)` does) and the working directory.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<(String, String)>,
    cwd: PathBuf,
}

impl Env {
    /// Captures the real process environment.
    #[must_use]
    pub fn capture() -> Env {
        let vars = std::env::vars_os()
            .map(|(k, v)| (lossy(k), lossy(v)))
            .collect();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Env { vars, cwd }
    }

    /// Builds an environment from explicit parts (tests, `--cwd`).
    #[must_use]
    pub fn new(vars: Vec<(String, String)>, cwd: PathBuf) -> Env {
        Env { vars, cwd }
    }

    /// Same environment, another working directory.
    #[must_use]
    pub fn with_cwd(mut self, cwd: PathBuf) -> Env {
        self.cwd = cwd;
        self
    }

    /// `process.env[name]` (exact, case-sensitive on Unix). The last
    /// occurrence wins, as in node.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All variables, in OS order.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The working directory.
    #[must_use]
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// `this.env.HOME || os.homedir()`: `$HOME`, else the home directory of
    /// the current user from `/etc/passwd` (what libuv's `os.homedir()`
    /// reads), else `/`.
    #[must_use]
    pub fn home(&self) -> PathBuf {
        match self.var("HOME") {
            Some(h) if !h.is_empty() => PathBuf::from(h),
            _ => passwd_home().unwrap_or_else(|| PathBuf::from("/")),
        }
    }

    /// Finds an executable on `PATH` (like `which`).
    #[must_use]
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        let path = self.var("PATH")?;
        for dir in path.split(':') {
            let dir = if dir.is_empty() {
                Path::new(".")
            } else {
                Path::new(dir)
            };
            let candidate = dir.join(program);
            if is_executable(&candidate) {
                return Some(if candidate.is_absolute() {
                    candidate
                } else {
                    self.cwd.join(candidate)
                });
            }
        }
        None
    }
}

/// The home directory of the current user in `/etc/passwd`.
fn passwd_home() -> Option<PathBuf> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.get(2) == Some(&uid.as_str()))
            .then(|| fields.get(5).map(PathBuf::from))
            .flatten()
    })
}

fn lossy(s: OsString) -> String {
    s.into_string()
        .unwrap_or_else(|s| s.to_string_lossy().into_owned())
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_duplicate_wins() {
        let env = Env::new(
            vec![("A".into(), "1".into()), ("A".into(), "2".into())],
            PathBuf::from("/"),
        );
        assert_eq!(env.var("A"), Some("2"));
        assert_eq!(env.var("a"), None);
    }
}
