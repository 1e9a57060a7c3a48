//! `tls-verification`: TLS certificate checks turned off, or a trust setting
//! that does nothing.
//!
//! - `strict-ssl=false`: npm-registry-fetch passes `rejectUnauthorized:
//!   false` to every https request (registry, tarballs, git over https).
//! - `NODE_TLS_REJECT_UNAUTHORIZED=…` as an `.npmrc` key: an environment
//!   variable, not an npm setting — npm ignores it (it only reaches scripts
//!   as `npm_config_node_tls_reject_unauthorized`).
//! - `cafile` naming a file that does not exist: the definition's `flatten`
//!   reads it with `maybeReadFile`, which returns null on `ENOENT`, so npm
//!   silently keeps node's default CAs.
//! - an empty `ca`: `ca: ''` is falsy for node's TLS, so it is the same as
//!   no `ca` (a leftover of old `npm config set ca ""` advice).

use crate::check::context::{Context, NpmrcDoc, Role};
use crate::check::diagnostic::Diagnostic;
use crate::config::layer::Setting;
use crate::config::{Config, Layer};
use crate::declare_rule;
use crate::rules::support_npmrc;
use crate::value::Value;

declare_rule! {
    name: "tls-verification",
    category: Security,
    severity: Warn,
    fix: None,
    summary: "certificate checks off (`strict-ssl=false`) or a TLS trust setting npm ignores (`NODE_TLS_REJECT_UNAUTHORIZED` in .npmrc, missing `cafile`, empty `ca`)",
}

const TRUST_HELP: &str = "trust the registry's certificate authority instead: `cafile=/path/to/ca.pem` in .npmrc (or `NODE_EXTRA_CA_CERTS=/path/to/ca.pem` in the environment)";

/// The effective setting of `key` when it comes from a checked, loaded
/// `.npmrc`.
fn effective<'a>(
    cx: &Context<'a>,
    cfg: &'a Config,
    key: &str,
) -> Option<(&'a Setting, &'a NpmrcDoc)> {
    let s = cfg.setting(key)?;
    let doc = cx.npmrc_doc(s.origin.file.as_deref()?)?;
    matches!(doc.role, Role::Layer(_)).then_some((s, doc))
}

fn span_of(s: &Setting) -> std::ops::Range<usize> {
    match (&s.origin.key_span, &s.origin.value_span) {
        (Some(k), Some(v)) if v.end >= k.start => k.start..v.end.max(k.end),
        (Some(k), _) => k.clone(),
        _ => s.origin.line_span.clone().unwrap_or_default(),
    }
}

/// Whether this machine can tell if the `cafile` exists: a path relative to
/// the project (in the repository), or any path in the user's or the
/// global config (this machine's own files). An absolute path in a project
/// `.npmrc` often names a file of a Docker image or a CI runner.
fn machine_knowable(s: &Setting, doc: &NpmrcDoc) -> bool {
    match doc.role {
        Role::Layer(Layer::Project) => {
            let written = s.raw.as_str().unwrap_or("").trim();
            let absolute =
                written.starts_with(['/', '~', '\\']) || written.as_bytes().get(1) == Some(&b':');
            !(written.is_empty() || absolute || written.contains("${"))
        }
        Role::Layer(_) => true,
        _ => false,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(cfg) = cx.config() {
        if let Some((s, doc)) = effective(cx, cfg, "strict-ssl") {
            if matches!(s.value, Value::Bool(false)) {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        doc.path.clone(),
                        span_of(s),
                        "`strict-ssl=false` turns off certificate checks: npm accepts any certificate for the registry, tarballs and git over https, so anyone on the network path can serve packages and read the tokens npm sends",
                    )
                    .label("TLS verification off")
                    .help(format!("{TRUST_HELP}, then delete this line")),
                );
            }
        }
        if let Some((s, doc)) = effective(cx, cfg, "cafile") {
            if let Some(path) = s.value.as_str().filter(|p| !p.is_empty()) {
                if machine_knowable(s, doc) && !std::path::Path::new(path).exists() {
                    out.push(
                        Diagnostic::new(
                            RULE.name,
                            doc.path.clone(),
                            span_of(s),
                            format!(
                                "`cafile` names `{path}`, which does not exist: npm ignores a missing cafile without a word and trusts only node's default certificate authorities"
                            ),
                        )
                        .label("no such file")
                        .note("requests to a registry signed by a private CA then fail with SELF_SIGNED_CERT_IN_CHAIN or UNABLE_TO_GET_ISSUER_CERT_LOCALLY")
                        .help("point `cafile` at the CA bundle (relative paths are resolved from the directory npm runs in, not from the .npmrc)"),
                    );
                }
            }
        }
        if let Some((s, doc)) = effective(cx, cfg, "ca") {
            let empty = match &s.value {
                Value::Str(v) => v.trim().is_empty(),
                Value::Array(items) => items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|v| v.trim().is_empty())),
                _ => false,
            };
            if empty {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        doc.path.clone(),
                        span_of(s),
                        "`ca` is empty: npm passes it to node's TLS, where an empty `ca` means node's default certificate authorities — the line changes nothing",
                    )
                    .label("empty: same as unset")
                    .help("delete the line; to trust a private registry's CA, set `cafile=/path/to/ca.pem`"),
                );
            }
        }
    }
    for e in support_npmrc::top_level(cx) {
        if !e
            .entry
            .prop
            .eq_ignore_ascii_case("NODE_TLS_REJECT_UNAUTHORIZED")
        {
            continue;
        }
        let value = e.entry.value.as_str().unwrap_or("").trim().to_string();
        let meant_off = value == "0";
        out.push(
            Diagnostic::new(
                RULE.name,
                e.doc.path.clone(),
                e.entry.key.span.clone(),
                format!(
                    "`{}` is an environment variable, not an npm setting: npm ignores it in .npmrc{}",
                    e.raw_key(),
                    if meant_off {
                        " (certificate checks stay on); set as a variable it would turn them off for all of node"
                    } else {
                        ""
                    }
                ),
            )
            .label("not read by npm")
            .help(format!("delete the line; {TRUST_HELP}")),
        );
    }
}
