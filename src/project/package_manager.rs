//! Which package manager reads a project's `.npmrc` and `package.json`.
//!
//! Detected per directory by walking up (to the enclosing git repository's
//! root at most) to the first folder that says so, strongest signal first:
//!
//! 1. `packageManager` in `package.json` (corepack: `pnpm@9.1.0`,
//!    `yarn@4.2.0`, `npm@10`, `bun@1`);
//! 2. `pnpm-lock.yaml` or `pnpm-workspace.yaml` → pnpm;
//! 3. `bun.lock` or `bun.lockb` → bun;
//! 4. `.yarnrc.yml` → yarn 2+ ("berry"); `yarn.lock` → yarn 1 ("classic")
//!    unless it is a berry lockfile (`__metadata:`);
//! 5. `package-lock.json` or `npm-shrinkwrap.json` → npm.
//!
//! What each one does with the files (what the rules must know):
//! - npm and yarn classic read `.npmrc` (yarn 1 through its npm config
//!   loader); neither understands `workspace:` or `catalog:` specs, yarn 1
//!   understands `link:`;
//! - pnpm reads `.npmrc` with its own extra keys ([`super::pnpm_keys`]) and
//!   resolves `workspace:`, `catalog:` and `link:` specs;
//! - yarn 2+ does **not** read `.npmrc` for its own installs (its settings are
//!   in `.yarnrc.yml`); it resolves `workspace:`, `link:`, `portal:`,
//!   `patch:`, `exec:`;
//! - bun reads `.npmrc` (registry and auth keys) and resolves `workspace:`,
//!   `catalog:` and `link:`.

use std::path::{Path, PathBuf};

/// A package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    Npm,
    Pnpm,
    /// yarn 1.
    YarnClassic,
    /// yarn 2 and later.
    YarnBerry,
    Bun,
}

impl PackageManager {
    /// The name shown to users (`npm`, `pnpm`, `yarn`, `yarn-classic`, `bun`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PackageManager::Npm => "npm",
            PackageManager::Pnpm => "pnpm",
            PackageManager::YarnClassic => "yarn-classic",
            PackageManager::YarnBerry => "yarn",
            PackageManager::Bun => "bun",
        }
    }

    /// Whether it reads the project's `.npmrc` for its own installs.
    #[must_use]
    pub fn reads_npmrc(self) -> bool {
        self != PackageManager::YarnBerry
    }

    /// Whether a dependency spec with this protocol prefix (`workspace:`,
    /// `catalog:`, `link:`, `portal:`, `patch:`, `exec:`) is one this package
    /// manager resolves. Every spec after the prefix parses for them: pnpm's
    /// `WORKSPACE_PREF_REGEX` is `/^workspace:(?:(?<alias>[^._/][^@]*)@)?(?<version>.*)$/`
    /// and `parseCatalogProtocol` takes any rest as the catalog name.
    #[must_use]
    pub fn resolves_protocol(self, spec: &str) -> bool {
        let proto = |p: &str| spec.starts_with(p);
        match self {
            PackageManager::Npm => false,
            PackageManager::Pnpm | PackageManager::Bun => {
                proto("workspace:") || proto("catalog:") || proto("link:")
            }
            PackageManager::YarnClassic => proto("link:"),
            PackageManager::YarnBerry => {
                proto("workspace:")
                    || proto("link:")
                    || proto("portal:")
                    || proto("patch:")
                    || proto("exec:")
            }
        }
    }
}

/// The detected package manager of one directory, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub manager: PackageManager,
    /// The folder the evidence was found in (None when nothing was found).
    pub root: Option<PathBuf>,
    /// What decided it (`packageManager: pnpm@9.1.0`, `pnpm-lock.yaml`, …).
    pub evidence: String,
}

impl Detected {
    /// npm, for lack of any other sign.
    #[must_use]
    pub fn fallback() -> Detected {
        Detected {
            manager: PackageManager::Npm,
            root: None,
            evidence: "no lockfile or packageManager field found".to_string(),
        }
    }
}

/// Detects the package manager for `dir`.
#[must_use]
pub fn detect(dir: &Path) -> Detected {
    for d in dir.ancestors() {
        if let Some(found) = detect_in(d) {
            return found;
        }
        if d.join(".git").exists() {
            break;
        }
    }
    Detected::fallback()
}

/// The evidence in one folder, if any.
fn detect_in(dir: &Path) -> Option<Detected> {
    let found = |manager, evidence: String| {
        Some(Detected {
            manager,
            root: Some(dir.to_path_buf()),
            evidence,
        })
    };
    if let Ok(pkg) = crate::manifest::read_package_json(dir) {
        if let Some(spec) = pkg.get("packageManager").and_then(|v| v.as_str()) {
            if let Some(m) = from_package_manager_field(spec) {
                return found(m, format!("packageManager: {spec}"));
            }
        }
    }
    let has = |name: &str| dir.join(name).is_file();
    if has("pnpm-lock.yaml") {
        return found(PackageManager::Pnpm, "pnpm-lock.yaml".into());
    }
    if has("pnpm-workspace.yaml") {
        return found(PackageManager::Pnpm, "pnpm-workspace.yaml".into());
    }
    for bun in ["bun.lock", "bun.lockb"] {
        if has(bun) {
            return found(PackageManager::Bun, bun.into());
        }
    }
    if has(".yarnrc.yml") {
        return found(PackageManager::YarnBerry, ".yarnrc.yml".into());
    }
    if has("yarn.lock") {
        let m = if is_berry_lockfile(&dir.join("yarn.lock")) {
            PackageManager::YarnBerry
        } else {
            PackageManager::YarnClassic
        };
        return found(m, "yarn.lock".into());
    }
    for npm in ["package-lock.json", "npm-shrinkwrap.json"] {
        if has(npm) {
            return found(PackageManager::Npm, npm.into());
        }
    }
    None
}

/// corepack's `packageManager`: `<name>@<version>[+<hash>]`.
#[must_use]
pub fn from_package_manager_field(spec: &str) -> Option<PackageManager> {
    let (name, version) = spec.trim().split_once('@').unwrap_or((spec.trim(), ""));
    let major: Option<u64> = version
        .split(['.', '+', '-'])
        .next()
        .and_then(|m| m.parse().ok());
    match name {
        "npm" => Some(PackageManager::Npm),
        "pnpm" => Some(PackageManager::Pnpm),
        "bun" => Some(PackageManager::Bun),
        "yarn" => Some(match major {
            Some(1) | Some(0) => PackageManager::YarnClassic,
            _ => PackageManager::YarnBerry,
        }),
        _ => None,
    }
}

/// A yarn 2+ lockfile has a `__metadata:` entry near its top; yarn 1's
/// starts with `# yarn lockfile v1`.
fn is_berry_lockfile(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.lines().any(|l| l.starts_with("__metadata:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_manager_field() {
        use PackageManager as P;
        assert_eq!(from_package_manager_field("pnpm@9.1.0"), Some(P::Pnpm));
        assert_eq!(
            from_package_manager_field("yarn@1.22.22+sha512.abc"),
            Some(P::YarnClassic)
        );
        assert_eq!(from_package_manager_field("yarn@4.2.0"), Some(P::YarnBerry));
        assert_eq!(from_package_manager_field("npm@10.8.0"), Some(P::Npm));
        assert_eq!(from_package_manager_field("bun@1.1.0"), Some(P::Bun));
        assert_eq!(from_package_manager_field("deno@2"), None);
    }

    #[test]
    fn protocols() {
        use PackageManager as P;
        assert!(P::Pnpm.resolves_protocol("workspace:*"));
        assert!(P::Pnpm.resolves_protocol("catalog:"));
        assert!(P::Pnpm.resolves_protocol("link:../x"));
        assert!(!P::Pnpm.resolves_protocol("portal:../x"));
        assert!(P::YarnBerry.resolves_protocol("portal:../x"));
        assert!(!P::YarnBerry.resolves_protocol("catalog:"));
        assert!(P::YarnClassic.resolves_protocol("link:../x"));
        assert!(!P::YarnClassic.resolves_protocol("workspace:*"));
        assert!(!P::Npm.resolves_protocol("workspace:*"));
    }

    #[test]
    fn detection() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("packages/a")).unwrap();
        std::fs::write(root.join("packages/a/package.json"), r#"{"name":"a"}"#).unwrap();
        assert_eq!(
            detect(&root.join("packages/a")).manager,
            PackageManager::Npm
        );
        std::fs::write(root.join("yarn.lock"), "# yarn lockfile v1\n").unwrap();
        assert_eq!(
            detect(&root.join("packages/a")).manager,
            PackageManager::YarnClassic
        );
        std::fs::write(root.join("yarn.lock"), "# x\n\n__metadata:\n  version: 8\n").unwrap();
        assert_eq!(
            detect(&root.join("packages/a")).manager,
            PackageManager::YarnBerry
        );
        std::fs::write(root.join("pnpm-workspace.yaml"), "packages: []\n").unwrap();
        let d = detect(&root.join("packages/a"));
        assert_eq!(d.manager, PackageManager::Pnpm);
        assert_eq!(d.root.as_deref(), Some(root));
        std::fs::write(
            root.join("package.json"),
            r#"{"packageManager":"yarn@1.22.0"}"#,
        )
        .unwrap();
        assert_eq!(detect(root).manager, PackageManager::YarnClassic);
    }
}
