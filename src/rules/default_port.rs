//! `default-port`: `:443` on an https (or `:80` on an http) registry URL,
//! or a default port in a credential key.

use crate::check::context::Context;
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::rules::support;
use crate::rules::support_auth::{authority_span, safe_display};
use std::ops::Range;
use std::path::Path;

declare_rule! {
    name: "default-port",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    summary: "default port (`:443`, `:80`) written in a registry URL or credential key: keys with it never match",
}

/// The `:port` part of the authority in `text` (span relative to `text`)
/// and the port.
fn port_of(text: &str) -> Option<(Range<usize>, &str)> {
    let auth = authority_span(text)?;
    let a = &text[auth.clone()];
    let colon = a.rfind(':')?;
    if a[..colon].ends_with(']') || !a[..colon].contains(':') {
        let port = &a[colon + 1..];
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            return Some((auth.start + colon..auth.end, port));
        }
    }
    None
}

fn is_default(scheme: &str, port: &str) -> bool {
    let n: u32 = port.parse().unwrap_or(0);
    (scheme == "https" && n == 443) || (scheme == "http" && n == 80)
}

/// The file text at `span` when the checked file is known.
fn raw<'a>(cx: &Context<'a>, file: &Path, span: &Range<usize>) -> Option<&'a str> {
    if let Some(d) = cx.npmrc_doc(file) {
        return d.source().get(span.clone());
    }
    cx.manifests()
        .iter()
        .find(|m| m.path == file)
        .and_then(|m| m.text.get(span.clone()))
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        let Some(expanded) = reg.expanded.as_deref() else {
            continue;
        };
        let scheme = expanded
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((_, port)) = port_of(expanded) else {
            continue;
        };
        if !is_default(&scheme, port) {
            continue;
        }
        let port = port.to_string();
        // locate `:443` in the file text
        let raw_text = raw(cx, &reg.file, &reg.value_span).unwrap_or("");
        let located = port_of(raw_text.trim_start_matches(['"', '\'']))
            .filter(|(_, p)| *p == port)
            .map(|(r, _)| {
                let off = raw_text.len() - raw_text.trim_start_matches(['"', '\'']).len();
                reg.value_span.start + off + r.start..reg.value_span.start + off + r.end
            });
        let without = safe_display(&expanded.replacen(&format!(":{port}"), "", 1));
        let mut d = Diagnostic::new(
            RULE.name,
            reg.file.clone(),
            located.clone().unwrap_or_else(|| reg.value_span.clone()),
            format!(
                "`{}` spells out the default port `:{port}` of {scheme}: npm drops it from request URLs and credential keys, so it only makes the URL look different from its `//host/` key",
                reg.key
            ),
        )
        .label("default port")
        .note(format!("this registry works, but a credential key copied from it (`//host:{port}/:_authToken`) never matches: E401 / ENEEDAUTH"))
        .help(format!("write `{without}`"));
        if let Some(span) = located.filter(|_| !reg.text.contains("${")) {
            d = d.fix(Fix {
                title: format!("remove `:{port}`"),
                edits: vec![Edit {
                    location: Location {
                        file: reg.file.clone(),
                        span,
                    },
                    replacement: String::new(),
                }],
                applicability: Applicability::Safe,
            });
        }
        out.push(d);
    }
    let other_port_registries: Vec<String> = support_auth_registries(cx);
    for doc in cx.npmrc_files() {
        for (_, entry) in doc.top_level_entries() {
            let key = entry.prop.as_str();
            if !key.starts_with("//") {
                continue;
            }
            // only credential keys: `:email`, `:always-auth` do nothing
            // wherever they are keyed (removed-key)
            let (_, base) = crate::rules::support_npmrc::split_key(key);
            if !crate::rules::support_npmrc::AUTH_BASES.contains(&base) {
                continue;
            }
            let Some((_, port)) = port_of(key) else {
                continue;
            };
            if port != "443" && port != "80" {
                continue;
            }
            let host_port = &key[2..authority_span(key).map_or(2, |a| a.end)];
            // `//h:443/` does match requests to `http://h:443/` (not a
            // default port for http): leave keys a registry really uses
            if other_port_registries.iter().any(|h| h == host_port) {
                continue;
            }
            let raw_key = doc.slice(&entry.key.span);
            let located = (raw_key == key)
                .then(|| port_of(raw_key))
                .flatten()
                .map(|(r, _)| entry.key.span.start + r.start..entry.key.span.start + r.end);
            let fixed = key.replacen(&format!(":{port}"), "", 1);
            let mut d = Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                located.clone().unwrap_or_else(|| entry.key.span.clone()),
                format!(
                    "credential key `{key}` contains the default port `:{port}`: npm removes default ports from request URLs, so this key never matches and no credential is sent (E401, ENEEDAUTH on publish)"
                ),
            )
            .label("never part of a request key")
            .help(format!("write the key as `{fixed}`"));
            if let Some(span) = located {
                d = d.fix(Fix {
                    title: format!("remove `:{port}` from the key"),
                    edits: vec![Edit {
                        location: Location {
                            file: doc.path.clone(),
                            span,
                        },
                        replacement: String::new(),
                    }],
                    // the credential starts being sent: review it
                    applicability: Applicability::Unsafe,
                });
            }
            out.push(d);
        }
    }
}

/// `host:port` of registries whose port is not the default of their scheme
/// (`http://h:443/`, `https://h:80/`).
fn support_auth_registries(cx: &Context<'_>) -> Vec<String> {
    crate::rules::support_auth::used_registries(cx)
        .into_iter()
        .filter_map(|r| {
            let u = url::Url::parse(&r.url).ok()?;
            let port = u.port()?;
            Some(format!("{}:{port}", u.host_str()?))
        })
        .collect()
}
