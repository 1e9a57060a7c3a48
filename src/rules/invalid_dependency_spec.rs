//! `invalid-dependency-spec`: a dependency spec npm cannot use, checked with
//! the port of `npm-package-arg`'s `npa.resolve(name, spec, where)` that
//! arborist applies to every entry of `dependencies`, `devDependencies`,
//! `optionalDependencies` and `peerDependencies`. `overrides` are not
//! checked (their own syntax: nested objects and `$name` references).
//! The protocols of the project's own package manager (`workspace:`,
//! `catalog:`, `link:` under pnpm, …: `crate::project::package_manager`)
//! are valid.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::manifest::spanned::pointer_token;
use crate::rules::duplicate_json_key::DEPENDENCY_FIELDS;
use crate::spec::npa::{SpecType, resolve};

declare_rule! {
    name: "invalid-dependency-spec",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "dependency spec npm cannot parse or resolve (bad name, bad alias, pnpm/yarn protocol, version-like tag)",
}

/// Protocols of other package managers, and who owns them.
const FOREIGN: [(&str, &str); 5] = [
    ("workspace:", "pnpm/yarn workspace protocol"),
    ("catalog:", "pnpm catalog protocol"),
    ("link:", "pnpm/yarn link protocol"),
    ("portal:", "yarn portal protocol"),
    ("patch:", "yarn patch protocol"),
];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let pm = cx.package_manager();
    for m in cx.manifests() {
        let Some(value) = &m.value else { continue };
        let dir = m.path.parent().map(|p| p.display().to_string());
        for field in DEPENDENCY_FIELDS {
            let Some(deps) = value.get(field).and_then(serde_json::Value::as_object) else {
                continue;
            };
            for (name, spec) in deps {
                let Some(spec) = spec.as_str() else { continue };
                let pointer = format!("/{field}/{}", pointer_token(name));
                let span = m.value_span(&pointer);
                // `workspace:*` under pnpm, `portal:` under yarn 2+, …
                if pm.resolves_protocol(spec) {
                    continue;
                }
                if let Some((proto, owner)) = FOREIGN.iter().find(|(p, _)| spec.starts_with(p)) {
                    out.push(
                        Diagnostic::new(
                            RULE.name,
                            m.path.clone(),
                            span,
                            format!(
                                "`{name}`: `{spec}` is the {owner}, not npm: npm fails with EUNSUPPORTEDPROTOCOL (`Unsupported URL Type \"{proto}\": {spec}`)"
                            ),
                        )
                        .label("not an npm spec")
                        .help(if *proto == "workspace:" || *proto == "link:" {
                            "npm links workspace packages by name: use a semver range (`*` or the package's version) or `file:<path>`"
                        } else {
                            "use a semver range, or run this project with the package manager that understands the protocol"
                        }),
                    );
                    continue;
                }
                match resolve(Some(name), spec, dir.as_deref()) {
                    Err(e) => out.push(
                        Diagnostic::new(
                            RULE.name,
                            m.path.clone(),
                            span,
                            format!(
                                "`{name}`: npm cannot read the spec `{spec}`: {}`{}`",
                                e.code.map_or(String::new(), |c| format!("{c} ")),
                                e.message
                            ),
                        )
                        .label("invalid spec")
                        .help("use a semver range, a dist-tag, `npm:<name>@<range>`, a git URL, a tarball URL or `file:<path>`"),
                    ),
                    Ok(arg) if arg.type_ == SpecType::Tag && looks_like_version(spec) => out.push(
                        Diagnostic::new(
                            RULE.name,
                            m.path.clone(),
                            span,
                            format!(
                                "`{name}`: `{spec}` is not a valid semver range, so npm reads it as a dist-tag named `{spec}`: install fails with ETARGET (`No matching version found for {name}@{spec}`)"
                            ),
                        )
                        .label("read as a dist-tag")
                        .help("write a valid range, e.g. `1.2.3`, `^1.2.3`, `>=1.2.0 <2.0.0`"),
                    ),
                    Ok(_) => {}
                }
            }
        }
    }
}

/// A tag that was meant as a version or range.
fn looks_like_version(spec: &str) -> bool {
    let t = spec.trim();
    t.starts_with(|c: char| c.is_ascii_digit() || "^~<>=".contains(c))
        || (t.starts_with('v') && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
}
