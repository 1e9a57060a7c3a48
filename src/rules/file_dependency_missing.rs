//! `file-dependency-missing`: a `file:` dependency (or a bare path such as
//! `../lib`) whose folder or tarball does not exist. npm-package-arg
//! resolves the path against the folder of the package.json. For a tarball
//! the install fails with `ENOENT`; for a folder npm 11 reports success and
//! links `node_modules/<name>` to the missing folder — a dangling link that
//! fails at `require()` time.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::manifest::spanned::pointer_token;
use crate::spec::npa::{SpecType, npa};

declare_rule! {
    name: "file-dependency-missing",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "a `file:` dependency whose folder or tarball does not exist: npm install fails (tarball) or links to nothing (folder)",
}

const FIELDS: &[&str] = &["dependencies", "devDependencies", "optionalDependencies"];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let Some(v) = &m.value else { continue };
        let Some(dir) = m.path.parent() else { continue };
        let where_ = dir.to_string_lossy();
        for field in FIELDS {
            let Some(deps) = v.get(*field).and_then(|d| d.as_object()) else {
                continue;
            };
            for (name, spec) in deps {
                let Some(spec) = spec.as_str() else { continue };
                let Ok(arg) = npa(&format!("{name}@{spec}"), Some(&where_)) else {
                    continue;
                };
                let Some(path) = arg.fetch_spec.as_deref() else {
                    continue;
                };
                let path = std::path::Path::new(path);
                let (missing, what) = match arg.type_ {
                    SpecType::Directory => (
                        !path.exists(),
                        format!(
                            "does not exist: `npm install` reports success but links `node_modules/{name}` to nothing, so `require('{name}')` fails with MODULE_NOT_FOUND"
                        ),
                    ),
                    SpecType::File => (
                        !path.is_file(),
                        "does not exist: `npm install` fails with ENOENT".to_string(),
                    ),
                    _ => continue,
                };
                if !missing {
                    continue;
                }
                // optional dependencies may fail without failing the install
                if *field == "optionalDependencies" {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        m.path.clone(),
                        m.value_span(&format!("/{field}/{}", pointer_token(name))),
                        format!("`{name}` points at `{}`, which {what}", path.display()),
                    )
                    .label("no package here")
                    .help("fix the path (it is relative to this package.json's folder), or depend on a published version"),
                );
            }
        }
    }
}
