//! `credentials-in-url`: `user:password@` inside a registry URL.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support;
use crate::rules::support_auth::safe_display;

declare_rule! {
    name: "credentials-in-url",
    category: Security,
    severity: Error,
    fix: None,
    summary: "user name or password inside a registry URL: leaks into logs and lockfiles, not a credential key",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reg in support::registry_values(cx) {
        let Some(url) = reg.parsed() else { continue };
        if url.username().is_empty() && url.password().is_none() {
            continue;
        }
        // span of the userinfo in the file when the value is written plainly
        let text = reg.text.as_str();
        let off = usize::from(reg.key.starts_with("publishConfig"));
        let span = text
            .find("://")
            .and_then(|s| {
                let tail = &text[s + 3..];
                let end = tail.find(['/', '?', '#']).unwrap_or(tail.len());
                tail[..end].rfind('@').map(|at| s + 3..s + 3 + at + 1)
            })
            .filter(|_| reg.editable || !text.contains("${"))
            .map_or_else(
                || reg.value_span.clone(),
                |r| reg.value_span.start + off + r.start..reg.value_span.start + off + r.end,
            );
        let what = if url.password().is_some() {
            "a user name and password"
        } else {
            "a user name (often a token)"
        };
        let mut clean = url.clone();
        let _ = clean.set_username("");
        let _ = clean.set_password(None);
        let nerf = crate::config::nerf_dart::nerf_dart(clean.as_str())
            .unwrap_or_else(|_| "//host/".into());
        out.push(
            Diagnostic::new(
                RULE.name,
                reg.file.clone(),
                span,
                format!(
                    "`{}` (`{}`) carries {what}: npm does not treat it as a credential; node sends it as Basic auth only when no `{nerf}:…` credential matches, and the URL is printed in logs and written into package-lock.json",
                    reg.key,
                    safe_display(text)
                ),
            )
            .label("credentials in the URL")
            .help(format!(
                "remove them from the URL (`{}`) and configure `{nerf}:_auth=${{NPM_AUTH}}` (base64 of `user:password`) or `{nerf}:_authToken=${{NPM_TOKEN}}`",
                clean.as_str()
            )),
        );
    }
}
