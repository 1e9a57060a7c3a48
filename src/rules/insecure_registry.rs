//! `insecure-registry`: a registry URL with plain `http://` to a host that
//! is not the local machine.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support;
use crate::rules::support_auth::safe_display;

declare_rule! {
    name: "insecure-registry",
    category: Security,
    severity: Warn,
    fix: None,
    summary: "registry URL uses plain http: packages and credentials travel unencrypted",
}

/// Whether `host` is the local machine (`localhost`, `127.0.0.0/8`, `[::1]`).
#[must_use]
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        let Some(url) = reg.parsed() else { continue };
        if url.scheme() != "http" || is_loopback(&url) {
            continue;
        }
        let host = url.host_str().unwrap_or("");
        // point at the `http` scheme in the file when it is written there
        let text = reg.text.as_str();
        let off = usize::from(reg.key.starts_with("publishConfig"));
        let span = if reg.editable && text.starts_with("http:") {
            reg.value_span.start + off..reg.value_span.start + off + 4
        } else {
            reg.value_span.clone()
        };
        let https = safe_display(&format!("https{}", &text[text.find(':').unwrap_or(0)..]));
        out.push(
            Diagnostic::new(
                RULE.name,
                reg.file.clone(),
                span,
                format!(
                    "`{}` uses plain http (`{}`): npm downloads packages from `{host}` and sends any credential for it in clear text, without a warning",
                    reg.key,
                    safe_display(text)
                ),
            )
            .label("not encrypted")
            .note("credential keys ignore the scheme: a `//host/:_authToken` is sent over http as well as https")
            .help(format!("use https if the registry serves it: `{https}`")),
        );
    }
}
