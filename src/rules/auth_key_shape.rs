//! `auth-key-shape`: credential keys npm never looks up — with a protocol
//! (`https://h/:_authToken`), without `//` (`h/:_authToken`), keyed to a
//! scope (`@acme:_authToken`), to a URL with a query, or in the wrong case
//! (`:_authtoken`).

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::rules::support_npmrc::{self, EntryLine};

declare_rule! {
    name: "auth-key-shape",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "a credential key npm never looks up: protocol, missing `//`, scope, query or wrong case",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for e in support_npmrc::top_level(cx) {
        let key = e.entry.prop.as_str();
        let (prefix, base) = support_npmrc::split_key(key);
        let Some(canonical) = support_npmrc::auth_base_canonical(base) else {
            continue;
        };
        // an unscoped credential is top-level-auth's
        if prefix.is_empty() {
            continue;
        }
        if let Some(d) = diagnose(cx, &e, prefix, base, canonical) {
            out.push(d);
        }
    }
}

fn diagnose(
    cx: &Context<'_>,
    e: &EntryLine<'_>,
    prefix: &str,
    base: &str,
    canonical: &str,
) -> Option<Diagnostic> {
    let key = &e.entry.prop;
    let lower = prefix.to_ascii_lowercase();
    let mut fixed: Option<String> = Some(prefix.to_string());
    let (problem, consequence): (String, &str) = if lower.starts_with("http://")
        || lower.starts_with("https://")
    {
        fixed = prefix.split_once("://").map(|(_, r)| format!("//{r}"));
        (
            "starts with a protocol".into(),
            "npm looks up `//host/path/:…` keys without protocol, so it never finds this one",
        )
    } else if prefix.starts_with('@') {
        let scope = prefix.split(':').next().unwrap_or(prefix);
        fixed = prefix
            .find("//")
            .map(|i| prefix[i..].to_string())
            .or_else(|| {
                let reg = cx.config()?.get_str(&format!("{scope}:registry"))?;
                crate::config::nerf_dart::nerf_dart(reg).ok()
            });
        (
            format!("is keyed to the scope `{scope}`"),
            "npm keys credentials by registry URL, never by scope (map the scope with `@scope:registry` and key the credential to that URL)",
        )
    } else if !prefix.starts_with("//") {
        let host = prefix.trim_start_matches('/');
        fixed = (!host.is_empty()).then(|| format!("//{host}"));
        (
            "does not start with `//`".into(),
            "npm looks up `//host/path/:…` keys, so it never finds this one",
        )
    } else if prefix.contains(['?', '#']) {
        let cut = prefix.find(['?', '#']).unwrap_or(prefix.len());
        fixed = Some(prefix[..cut].to_string());
        (
            "contains a query or fragment".into(),
            "npm matches credentials against the request path only, so it never finds this one",
        )
    } else if prefix.contains("/@") {
        fixed = None;
        (
            "has a package scope in its path".into(),
            "a scoped package's metadata is requested from `/@scope%2fname`, which this key never matches (E401/E404 before any tarball)",
        )
    } else if base != canonical {
        (
            format!("spells `{canonical}` as `{base}`"),
            "npm treats it as an unknown setting and never sends it",
        )
    } else {
        return None;
    };
    let suggestion = fixed.map(|p| format!("{p}:{canonical}"));
    let mut d = Diagnostic::new(
        RULE.name,
        e.doc.path.clone(),
        e.entry.key.span.clone(),
        crate::secret::redact_url_passwords(&format!(
            "the credential key `{key}` {problem}: {consequence}"
        )),
    )
    .label("npm never looks this key up");
    if base != canonical {
        d = d.note(format!(
            "npm matches `{canonical}` case-sensitively; `{base}` is not a credential key"
        ));
    }
    match suggestion {
        Some(s) if s != *key => {
            d = d.help(crate::secret::redact_url_passwords(&format!(
                "write the key as `{s}`"
            )));
            if support_npmrc::is_unquoted(&e.entry.key) {
                d = d.fix(Fix {
                    title: format!("rename the key to `{s}`"),
                    edits: vec![support_npmrc::replace(e.doc, e.entry.key.span.clone(), s)],
                    applicability: Applicability::Unsafe,
                });
            }
        }
        _ => {
            d = d.help("key the credential to the registry URL without protocol: `//host/path/:_authToken=…`");
        }
    }
    Some(d)
}
