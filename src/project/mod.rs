//! What a project is beyond npm's config: the package manager that reads its
//! files ([`package_manager`], with pnpm's own `.npmrc` keys in
//! [`pnpm_keys`]) and which of its manifests are published ([`publish`]).

pub mod package_manager;
pub mod pnpm_keys;
pub mod publish;

pub use package_manager::{Detected, PackageManager, detect};
pub use publish::{Intent, NotPublished, PublishIndex, Reach};

/// Reads a small text file (at most 1 MiB; None when missing, larger or
/// unreadable).
fn read_small(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
