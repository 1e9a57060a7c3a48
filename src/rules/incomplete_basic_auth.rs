//! `incomplete-basic-auth`: `username` without `_password` (or the reverse)
//! for the same registry key in npm's merged config.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_auth::{Field, nerfed_entries};

declare_rule! {
    name: "incomplete-basic-auth",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "`username` without `_password` (or the reverse) for a registry: npm sends no Basic auth",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(config) = cx.config() else { return };
    for c in nerfed_entries(cx) {
        let (Some(prefix), Some(field)) = (c.prefix, c.field) else {
            continue;
        };
        let other = match field {
            Field::Username => Field::Password,
            Field::Password => Field::Username,
            _ => continue,
        };
        if !c.entry.value.is_truthy() {
            continue;
        }
        // a template or ignored file is not in the merged config: its own
        // entries count too
        let in_doc = |k: &str| {
            !c.doc.is_loaded()
                && c.doc
                    .top_level_entries()
                    .any(|(_, e)| e.prop == k && e.value.is_truthy())
        };
        let get = |f: Field| {
            let k = format!("{prefix}:{}", f.suffix());
            config.get(&k).is_truthy() || in_doc(&k)
        };
        // a token or `_auth` at the same level wins anyway
        if get(other) || get(Field::AuthToken) || get(Field::Auth) {
            continue;
        }
        // only the entry npm uses (not a dead duplicate in a lower layer)
        if c.doc.is_loaded() {
            let key = format!("{prefix}:{}", field.suffix());
            let wins = config.setting(&key).is_some_and(|s| {
                s.origin.file.as_deref() == Some(c.doc.path.as_path())
                    && s.origin.line == u32::try_from(c.line.number).ok()
            });
            if !wins {
                continue;
            }
        }
        let other_key = format!("{prefix}:{}", other.suffix());
        let mut d = Diagnostic::new(
            RULE.name,
            c.doc.path.clone(),
            c.key_span(),
            format!(
                "`{}` has no `{other_key}` in any config layer: npm needs both to send Basic auth, so it sends no credential for this registry (E401)",
                c.entry.prop
            ),
        )
        .label(format!("`{}` alone", field.suffix()));
        // the other half written for a neighbouring key, or set empty above
        let similar = config
            .all_settings(&other_key)
            .into_iter()
            .next()
            .map(|s| s.origin.clone())
            .or_else(|| {
                config
                    .layers
                    .iter()
                    .flat_map(|l| l.settings.iter())
                    .find(|s| {
                        s.key.ends_with(&format!(":{}", other.suffix()))
                            && s.key.starts_with("//")
                            && s.key
                                .trim_end_matches(other.suffix())
                                .trim_end_matches(':')
                                .trim_end_matches('/')
                                == prefix.trim_end_matches('/')
                    })
                    .map(|s| s.origin.clone())
            });
        if let Some(o) = similar {
            if let (Some(file), Some(span)) =
                (o.file.clone(), o.key_span.clone().or(o.value_span.clone()))
            {
                d = d.secondary(
                    file,
                    span,
                    format!(
                        "the `{}` half is here, empty or under a different key",
                        other.suffix()
                    ),
                );
            }
        }
        d = d.help(match field {
            Field::Username => format!("add `{other_key}=${{NPM_PASSWORD_BASE64}}` (base64 of the password), or use `{prefix}:_authToken=${{NPM_TOKEN}}` instead"),
            _ => format!("add `{other_key}=<user name>` next to it"),
        });
        out.push(d);
    }
}
