//! `invalid-registry-url`: a registry value npm cannot parse.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support::{self, RegistryValue};
use crate::rules::support_auth::safe_display;

declare_rule! {
    name: "invalid-registry-url",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "registry value that is not a full URL: ERR_INVALID_URL or a dropped setting",
}

/// Why a registry value does not parse.
enum Problem {
    Empty,
    Quotes,
    Whitespace,
    NoScheme,
    Unparsable,
    /// WHATWG accepts it, legacy `url.parse` finds no host.
    NoSlashes,
}

fn problem(text: &str) -> Option<Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Problem::Empty);
    }
    let quotes = ['"', '\''];
    if t.starts_with(quotes) || t.ends_with(quotes) {
        return Some(Problem::Quotes);
    }
    if t.chars().any(char::is_whitespace) {
        return Some(Problem::Whitespace);
    }
    match url::Url::parse(t) {
        Err(_) => Some(if t.contains("://") {
            Problem::Unparsable
        } else {
            Problem::NoScheme
        }),
        // `localhost:4873`, `npm.example.com:8080/x`: the host is read as
        // a scheme
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            (!t.contains("://")).then_some(Problem::NoScheme)
        }
        Ok(_) => match crate::config::legacy_url::parse(t) {
            Ok(l) if l.host.as_deref().is_some_and(|h| !h.is_empty()) => None,
            _ => Some(Problem::NoSlashes),
        },
    }
}

/// Whether this entry is the effective `registry` npm uses.
fn is_effective(cx: &Context<'_>, reg: &RegistryValue) -> bool {
    reg.key == "registry"
        && cx
            .config()
            .and_then(|c| c.setting("registry"))
            .is_some_and(|s| {
                s.origin.file.as_deref() == Some(reg.file.as_path())
                    && s.origin.line == u32::try_from(reg.line).ok()
            })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        // an unset ${VAR} is env-var-unset's
        // an unset ${VAR} is env-var-unset's, unless the text is broken anyway
        let value = match reg.expanded.as_deref() {
            Some(v) => v,
            None if reg.text.trim().chars().any(char::is_whitespace)
                || reg.text.trim().starts_with(['"', '\'']) =>
            {
                reg.text.as_str()
            }
            None => continue,
        };
        let Some(p) = problem(value) else {
            if let Some(d) = website(&reg, value) {
                out.push(d);
            }
            continue;
        };
        let shown = safe_display(value.trim());
        let what = match p {
            Problem::Empty => "is empty".to_string(),
            Problem::Quotes => format!(
                "has unbalanced quotes (`{shown}`): the quote character becomes part of the URL"
            ),
            Problem::Whitespace => format!(
                "contains whitespace (`{shown}`): an ini line holds one setting, so everything after the space is part of the URL"
            ),
            Problem::NoScheme => format!("has no `https://` scheme (`{shown}`)"),
            Problem::Unparsable => format!("is not a valid URL (`{shown}`)"),
            Problem::NoSlashes => format!("has no `//` after the scheme (`{shown}`)"),
        };
        let parses =
            url::Url::parse(value.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        let effect = if matches!(p, Problem::NoSlashes) {
            if reg.key == "registry" {
                "npm warns `invalid config registry=… Must be full url with \"http://\"` and removes it from `npm config get`, yet requests still use it".to_string()
            } else {
                "npm itself accepts it, but other tools and `npm config` checks do not".to_string()
            }
        } else if url::Url::parse(value.trim()).is_ok() && !parses {
            // `localhost:4873`: the host is read as the scheme
            let scope = if reg.key.starts_with('@') {
                format!(
                    " for `{}/*` packages",
                    reg.key.trim_end_matches(":registry")
                )
            } else {
                String::new()
            };
            format!(
                "the host is read as a URL scheme, so every request{scope} fails with \"Only HTTP(S) protocols are supported\""
            )
        } else if parses {
            "npm requests a wrong URL and gets E404 (or sends the wrong credential)".to_string()
        } else if reg.key == "registry" {
            if is_effective(cx, &reg) {
                "every npm command except `npm config` aborts with ERR_INVALID_URL (\"Invalid URL\")".to_string()
            } else {
                "npm fails with ERR_INVALID_URL wherever this value takes effect".to_string()
            }
        } else if reg.key.starts_with("publishConfig") {
            "`npm publish` fails with ERR_INVALID_URL (\"Invalid URL\")".to_string()
        } else {
            let scope = reg.key.trim_end_matches(":registry");
            format!("installing or publishing any `{scope}/*` package fails with \"Invalid URL\"")
        };
        out.push(
            Diagnostic::new(
                RULE.name,
                reg.file.clone(),
                reg.value_span.clone(),
                format!("`{}` {what}: {effect}", reg.key),
            )
            .label("not a full URL")
            .help("write a full URL with scheme, `//` and a trailing slash, e.g. `https://registry.example.com/npm/`; put credentials on their own `//host/path/:_authToken=${NPM_TOKEN}` line"),
        );
    }
}

/// A registry URL that points at the npm *website* (`www.npmjs.com`,
/// `npmjs.com`) instead of the registry (`registry.npmjs.org`): every
/// packument request gets an HTML page or a 404.
fn website(reg: &support::RegistryValue, value: &str) -> Option<Diagnostic> {
    let url = url::Url::parse(value.trim()).ok()?;
    let host = url.host_str()?;
    if !matches!(host, "www.npmjs.com" | "npmjs.com") {
        return None;
    }
    Some(
        Diagnostic::new(
            RULE.name,
            reg.file.clone(),
            reg.value_span.clone(),
            format!(
                "`{}` points at the npm website (`{host}`), not the registry: npm requests `{}<name>` and gets a web page or E404",
                reg.key,
                url.as_str().trim_end_matches('/').to_string() + "/"
            ),
        )
        .label("the website, not the registry")
        .help("the public registry is `https://registry.npmjs.org/` (or delete the line: it is npm's default)"),
    )
}
