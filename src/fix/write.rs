//! Writing a fixed file: atomically (a temporary file in the same folder,
//! flushed to disk, renamed over the target), keeping the file's mode (a
//! 0600 `~/.npmrc` stays 0600) and, where allowed, its owner. A symlink
//! stays a symlink: its target is written.

use std::io::Write;
use std::path::Path;

/// Replaces the contents of `path` with `text` when the file still holds
/// `expected` (else it changed while we fixed it and is left alone).
///
/// # Errors
/// A message saying what failed; the file is then unchanged.
pub fn write_atomic(path: &Path, expected: &str, text: &str) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| format!("cannot resolve: {e}"))?;
    let now = crate::fsread::read_input(&target).map_err(|e| format!("cannot read: {e}"))?;
    if now != expected.as_bytes() {
        return Err("changed on disk while it was being fixed; not written".into());
    }
    let meta = std::fs::metadata(&target).map_err(|e| format!("cannot stat: {e}"))?;
    let dir = target
        .parent()
        .ok_or_else(|| "has no parent folder".to_string())?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".npmrc-doctor-fix-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write: {e}"))?;
    keep_owner(tmp.as_file(), &meta);
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| format!("cannot set the mode: {e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("cannot flush: {e}"))?;
    tmp.persist(&target)
        .map_err(|e| format!("cannot replace the file: {}", e.error))?;
    // the rename itself reaches the disk with the folder's entry
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Gives the new file the old one's owner and group (works as root or when
/// they are already ours; otherwise the new file is ours, as any editor's).
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _meta: &std::fs::Metadata) {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keeps_mode_and_writes_through_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real-npmrc");
        std::fs::write(&real, "a=1\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join(".npmrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, "a=1\n", "a=2\n").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "a=2\n");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // no temporary file is left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn refuses_a_file_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(".npmrc");
        std::fs::write(&f, "a=3\n").unwrap();
        assert!(write_atomic(&f, "a=1\n", "a=2\n").is_err());
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a=3\n");
    }
}
