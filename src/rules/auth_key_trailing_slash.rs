//! `auth-key-trailing-slash`: `//host/path:_authToken` (no `/` before `:`).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support_auth::nerfed_entries;

declare_rule! {
    name: "auth-key-trailing-slash",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "credential key without `/` before `:`: installs find it, `npm publish` does not",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in nerfed_entries(cx) {
        let (Some(prefix), Some(field)) = (c.prefix, c.field) else {
            continue;
        };
        if prefix.ends_with('/') || prefix.contains("${") {
            continue;
        }
        let key = &c.entry.prop;
        let fixed = format!("{prefix}/:{}", field.suffix());
        let raw_key = c.doc.slice(&c.entry.key.span);
        let insert_at = (raw_key == key.as_str()).then(|| c.entry.key.span.start + prefix.len());
        let span = insert_at.map_or_else(|| c.key_span(), |p| p - 1..p + 1);
        let mut d = Diagnostic::new(
            RULE.name,
            c.doc.path.clone(),
            span,
            format!(
                "`{key}` has no `/` before `:{}`: installs still find it (npm walks up the request path), but `npm publish` looks up exactly `{fixed}` and fails with ENEEDAUTH",
                field.suffix()
            ),
        )
        .label("missing `/`")
        .help(format!("write the key as `{fixed}`"));
        if let Some(at) = insert_at {
            d = d.fix(Fix {
                title: "insert the `/`".into(),
                edits: vec![Edit {
                    location: Location {
                        file: c.doc.path.clone(),
                        span: at..at,
                    },
                    replacement: "/".into(),
                }],
                applicability: Applicability::Safe,
            });
        }
        out.push(d);
    }
}
