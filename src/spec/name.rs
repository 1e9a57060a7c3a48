//! `validate-npm-package-name` 7.0.2, message for message.
//!
//! npm uses it for every package name it reads (`npm-package-arg` rejects a
//! name unless it is `validForOldPackages`). Errors make a name invalid even
//! for old packages; warnings only forbid it for new ones. The texts and
//! their order are node's.

use super::{encode_uri_component, js_trim, utf16_len};

/// The result of [`validate`] (`{validForNewPackages, validForOldPackages, errors, warnings}`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameValidation {
    /// No errors and no warnings.
    pub valid_for_new_packages: bool,
    /// No errors.
    pub valid_for_old_packages: bool,
    /// Error texts, in node's order.
    pub errors: Vec<String>,
    /// Warning texts, in node's order.
    pub warnings: Vec<String>,
}

/// Names npm refuses outright (compared lower-cased).
const EXCLUSION_LIST: [&str; 2] = ["node_modules", "favicon.ico"];

/// `validate(name)` for a string name.
#[must_use]
pub fn validate(name: &str) -> NameValidation {
    let mut errors: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let lower = name.to_lowercase();

    if name.is_empty() {
        errors.push("name length must be greater than zero".into());
    }
    if name.starts_with('.') {
        errors.push("name cannot start with a period".into());
    }
    if name.starts_with('-') {
        errors.push("name cannot start with a hyphen".into());
    }
    if name.starts_with('_') {
        errors.push("name cannot start with an underscore".into());
    }
    if js_trim(name) != name {
        errors.push("name cannot contain leading or trailing spaces".into());
    }
    for excluded in EXCLUSION_LIST {
        if lower == excluded {
            errors.push(format!("{excluded} is not a valid package name"));
        }
    }
    if BUILTIN_MODULES.contains(&lower.as_str()) {
        warnings.push(format!("{name} is a core module name"));
    }
    if utf16_len(name) > 214 {
        warnings.push("name can no longer contain more than 214 characters".into());
    }
    if lower != name {
        warnings.push("name can no longer contain capital letters".into());
    }
    let last = name.rsplit('/').next().unwrap_or("");
    if last.contains(['~', '\'', '!', '(', ')', '*']) {
        warnings.push("name can no longer contain special characters (\"~'!()*\")".into());
    }
    if encode_uri_component(name) != name && !url_friendly_scoped(name, &mut errors) {
        errors.push("name can only contain URL-friendly characters".into());
    }
    done(warnings, errors)
}

/// The `scopedPackagePattern` branch: `true` when `@user/pkg` has two
/// URL-safe parts (pushes the leading-period error for `pkg` on the way).
fn url_friendly_scoped(name: &str, errors: &mut Vec<String>) -> bool {
    let Some((user, pkg)) = scoped_parts(name) else {
        return false;
    };
    if pkg.starts_with('.') {
        errors.push("name cannot start with a period".into());
    }
    // `encodeURIComponent(undefined) === undefined` is false in JS.
    user.is_some_and(|u| encode_uri_component(u) == u) && encode_uri_component(pkg) == pkg
}

/// `^(?:@([^/]+?)[/])?([^/]+?)$` as (user, pkg).
fn scoped_parts(name: &str) -> Option<(Option<&str>, &str)> {
    if let Some(rest) = name.strip_prefix('@') {
        if let Some((user, pkg)) = rest.split_once('/') {
            if !user.is_empty() && !pkg.is_empty() && !pkg.contains('/') {
                return Some((Some(user), pkg));
            }
        }
    }
    (!name.is_empty() && !name.contains('/')).then_some((None, name))
}

fn done(warnings: Vec<String>, errors: Vec<String>) -> NameValidation {
    NameValidation {
        valid_for_new_packages: errors.is_empty() && warnings.is_empty(),
        valid_for_old_packages: errors.is_empty(),
        errors,
        warnings,
    }
}

// Node core module names, generated from validate-npm-package-name 7.0.2
// `lib/builtin-modules.json` (as bundled with npm 11.19.1). Do not edit by
// hand; `tests::builtins_match_node` re-checks it against node when present.

/// The names `validate-npm-package-name` warns about (`<name> is a core module name`).
pub const BUILTIN_MODULES: &[&str] = &[
    "_http_agent",
    "_http_client",
    "_http_common",
    "_http_incoming",
    "_http_outgoing",
    "_http_server",
    "_stream_duplex",
    "_stream_passthrough",
    "_stream_readable",
    "_stream_transform",
    "_stream_wrap",
    "_stream_writable",
    "_tls_common",
    "_tls_wrap",
    "assert",
    "assert/strict",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "dns/promises",
    "domain",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "inspector/promises",
    "module",
    "net",
    "os",
    "path",
    "path/posix",
    "path/win32",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "readline/promises",
    "repl",
    "stream",
    "stream/consumers",
    "stream/promises",
    "stream/web",
    "string_decoder",
    "sys",
    "timers",
    "timers/promises",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "util/types",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
    "node:sea",
    "node:sqlite",
    "node:test",
    "node:test/reporters",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_order() {
        let v = validate(" _Http ");
        assert_eq!(
            v.errors,
            vec![
                "name cannot contain leading or trailing spaces",
                "name can only contain URL-friendly characters"
            ]
        );
        assert_eq!(
            v.warnings,
            vec!["name can no longer contain capital letters"]
        );
        let v = validate("_x");
        assert_eq!(v.errors, vec!["name cannot start with an underscore"]);
        let v = validate("@scope/.x");
        assert_eq!(v.errors, vec!["name cannot start with a period"]);
        let v = validate("http");
        assert!(v.valid_for_old_packages && !v.valid_for_new_packages);
        assert_eq!(v.warnings, vec!["http is a core module name"]);
        assert!(validate("@npmcli/config").valid_for_new_packages);
        assert_eq!(
            validate("").errors,
            vec!["name length must be greater than zero"]
        );
        assert_eq!(
            validate("a/b").errors,
            vec!["name can only contain URL-friendly characters"]
        );
        assert_eq!(
            validate("FAVICON.ico").errors,
            vec!["favicon.ico is not a valid package name"]
        );
        assert_eq!(
            validate("foo(1)").warnings,
            vec!["name can no longer contain special characters (\"~'!()*\")"]
        );
    }

    #[test]
    fn builtins_match_node() {
        let Ok(out) = std::process::Command::new("node")
            .arg("-e")
            .arg("const r=require('child_process').execSync('npm root -g').toString().trim();console.log(JSON.stringify(require(r+'/npm/node_modules/validate-npm-package-name/lib/builtin-modules.json')))")
            .output()
        else {
            println!("SKIPPED: builtin module list check (node not found)");
            return;
        };
        if !out.status.success() {
            println!("SKIPPED: builtin module list check (node/npm failed)");
            return;
        }
        let list: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(list, BUILTIN_MODULES);
    }
}
