//! `misspelled-field`: a package.json field or `publishConfig` key that is a
//! near miss of one npm reads (`publichConfig`, `PublishConfig`, `Private`,
//! `dependancies`, `publishConfig.registery`). npm matches field names
//! exactly: `@npmcli/package-json` reads `publishConfig`, `private`, `files`,
//! the dependency maps by their exact names, and npm `publish` flattens only
//! the `publishConfig` keys that are npm settings, warning
//! `Unknown publishConfig config "…"` for the others.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::manifest::spanned::{Manifest, pointer_token};
use crate::rules::support_npmrc;

declare_rule! {
    name: "misspelled-field",
    category: Correctness,
    severity: Warn,
    fix: Sometimes,
    summary: "a package.json field or publishConfig key that is a near miss of one npm reads (`publichConfig`, `Private`, `dependancies`): npm ignores it",
}

/// Fields npm reads whose near misses are flagged, with what is lost.
const TARGETS: &[(&str, &str)] = &[
    (
        "publishConfig",
        "the registry, access and tag in it are not used by `npm publish`",
    ),
    (
        "private",
        "the package is not private: `npm publish` publishes it",
    ),
    (
        "files",
        "`npm publish` packs every file that .npmignore/.gitignore do not exclude",
    ),
    ("dependencies", "these packages are not installed"),
    ("devDependencies", "these packages are not installed"),
    (
        "peerDependencies",
        "these peers are neither installed nor checked",
    ),
    ("optionalDependencies", "these packages are not installed"),
    (
        "bundleDependencies",
        "these packages are not bundled into the tarball",
    ),
    ("workspaces", "npm sees no workspaces"),
    ("overrides", "npm applies no overrides"),
    ("scripts", "npm runs none of these scripts"),
    (
        "repository",
        "the published package links to no repository (and provenance cannot be checked against it)",
    ),
];

/// Fields in real use that are near other names (npm's, other tools').
const KNOWN: &[&str] = &[
    "name",
    "version",
    "description",
    "keywords",
    "homepage",
    "bugs",
    "license",
    "licenses",
    "author",
    "contributors",
    "maintainers",
    "funding",
    "files",
    "main",
    "browser",
    "bin",
    "man",
    "directories",
    "repository",
    "repositories",
    "scripts",
    "config",
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "optionalDependencies",
    "bundleDependencies",
    "bundledDependencies",
    "engines",
    "engineStrict",
    "os",
    "cpu",
    "libc",
    "private",
    "publishConfig",
    "workspaces",
    "overrides",
    "resolutions",
    "type",
    "types",
    "typings",
    "module",
    "exports",
    "imports",
    "sideEffects",
    "packageManager",
    "devEngines",
    "pnpm",
    "dependenciesMeta",
    "gypfile",
    "preferGlobal",
    "typesVersions",
    "installConfig",
    "flat",
    "jspm",
    "jsdelivr",
    "unpkg",
    "source",
    "umd:main",
    "esnext",
    "es2015",
    "react-native",
    "readme",
    "readmeFilename",
    "_id",
    "volta",
    "prettier",
    "eslintConfig",
    "babel",
    "jest",
    "browserslist",
    "husky",
    "lint-staged",
    "stylelint",
    "release",
];

/// `publishConfig` keys pnpm and yarn read (they override manifest fields
/// when packing), so a pnpm/yarn project's are not typos of npm settings.
const PUBLISH_CONFIG_OTHER_TOOLS: &[&str] = &[
    "main",
    "module",
    "types",
    "typings",
    "exports",
    "bin",
    "browser",
    "es2015",
    "esnext",
    "unpkg",
    "umd:main",
    "directory",
    "linkDirectory",
    "executableFiles",
    "type",
    "imports",
    "provenanceFile",
];

/// The field `key` is a near miss of.
fn near_miss(key: &str) -> Option<(&'static str, &'static str)> {
    if KNOWN.contains(&key) {
        return None;
    }
    TARGETS.iter().copied().find(|(target, _)| {
        if key.eq_ignore_ascii_case(target) {
            return true;
        }
        let d = crate::util::levenshtein(&key.to_ascii_lowercase(), &target.to_ascii_lowercase());
        let allowed = match target.len() {
            0..=5 => 0,
            6..=9 => 1,
            _ => 2,
        };
        d <= allowed
    })
}

fn rename_fix(m: &Manifest, pointer: &str, to: &str) -> Fix {
    Fix {
        title: format!("rename the key to `{to}`"),
        edits: vec![Edit {
            location: Location {
                file: m.path.clone(),
                span: m.key_span(pointer),
            },
            replacement: format!("\"{to}\""),
        }],
        applicability: Applicability::Unsafe,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(obj) = m.value.as_ref().and_then(|v| v.as_object()) else {
            continue;
        };
        for key in obj.keys() {
            let Some((target, lost)) = near_miss(key) else {
                continue;
            };
            // both spellings present: the right one is read, the other is
            // a deliberate extra (or a leftover) — still ignored, say so
            let pointer = format!("/{}", pointer_token(key));
            let mut d = Diagnostic::new(
                RULE.name,
                m.path.clone(),
                m.key_span(&pointer),
                format!("`{key}` is not a field npm reads: did you mean `{target}`? npm ignores it, so {lost}"),
            )
            .label(format!("not `{target}`"))
            .help(format!("rename the field to `{target}` (npm matches field names exactly, case included)"));
            if !obj.contains_key(target) {
                d = d.fix(rename_fix(m, &pointer, target));
            }
            out.push(d);
        }
        let Some(pc) = obj.get("publishConfig").and_then(|v| v.as_object()) else {
            continue;
        };
        for key in pc.keys() {
            if support_npmrc::is_known_key(key)
                || PUBLISH_CONFIG_OTHER_TOOLS.contains(&key.as_str())
            {
                continue;
            }
            let Some(suggestion) = support_npmrc::closest_key(key) else {
                continue;
            };
            if suggestion == key {
                continue;
            }
            let pointer = format!("/publishConfig/{}", pointer_token(key));
            let mut d = Diagnostic::new(
                RULE.name,
                m.path.clone(),
                m.key_span(&pointer),
                format!("`publishConfig.{key}` is not an npm setting: did you mean `{suggestion}`? `npm publish` warns `Unknown publishConfig config \"{key}\"` and ignores it"),
            )
            .label(format!("not `{suggestion}`"))
            .help(format!("rename the key to `{suggestion}`"));
            if !pc.contains_key(suggestion) {
                d = d.fix(rename_fix(m, &pointer, suggestion));
            }
            out.push(d);
        }
    }
}
