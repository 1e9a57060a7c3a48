//! `deprecated-key`: settings npm 11 still reads but deprecates (`only`,
//! `production`, `cache-min`, `cert`, `key`, `init.author.name`, …), and
//! `prefix` in a project `.npmrc`.
//!
//! The findings are the warnings the config loader reproduces from
//! `@npmcli/config` (`#loadObject` logs `npm warn config <key> <message>`
//! for every key whose definition is deprecated; `#loadFile` logs `npm error
//! config prefix cannot be changed from project config` for the project
//! layer): the same texts `npmrc-doctor config` prints, attached to the
//! line that causes them.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::config::Layer;
use crate::declare_rule;

declare_rule! {
    name: "deprecated-key",
    category: Deprecated,
    severity: Warn,
    fix: None,
    summary: "a setting npm deprecates (`only`, `production`, `cert`, `init.author.name`, …) or `prefix` in a project .npmrc: npm warns on every command",
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(cfg) = cx.config() else { return };
    for w in &cfg.load_warnings {
        let Some(key) = w.key.as_deref() else {
            continue;
        };
        if key == "prefix" && w.text.starts_with("npm error config prefix") {
            // no origin on this one: the project layer's own `prefix` entry
            let Some(setting) = cfg.layer(Layer::Project).get("prefix") else {
                continue;
            };
            let Some(file) = setting.origin.file.as_deref() else {
                continue;
            };
            let Some(doc) = cx.npmrc_doc(file) else {
                continue;
            };
            let span = setting.origin.key_span.clone().unwrap_or_default();
            out.push(
                Diagnostic::new(
                    RULE.name,
                    doc.path.clone(),
                    span,
                    "`prefix` in a project `.npmrc` is ignored: npm prints an error on every command and keeps the default prefix",
                )
                .label("not allowed in a project config")
                .note(format!("npm prints: {}", w.text))
                .help("delete the line; set `prefix` in the user config (`npm config set prefix <dir>`) or with `--prefix`"),
            );
            continue;
        }
        let Some(origin) = &w.origin else { continue };
        let Some(file) = origin.file.as_deref() else {
            continue;
        };
        let Some(doc) = cx.npmrc_doc(file) else {
            continue;
        };
        let Some(def) = crate::config::types::definition(key) else {
            continue;
        };
        let Some(message) = def.deprecated else {
            continue;
        };
        let span = origin.key_span.clone().unwrap_or_default();
        let advice = replacement(key).map_or_else(
            || message.lines().next().unwrap_or(message).trim().to_string(),
            str::to_string,
        );
        out.push(
            Diagnostic::new(
                RULE.name,
                doc.path.clone(),
                span,
                format!("`{key}` is deprecated: npm warns on every command that reads this file"),
            )
            .label("deprecated")
            .note(format!("npm prints:\n{}", w.text))
            .help(advice),
        );
    }
}

/// What to write in an `.npmrc` instead (npm's messages name command-line
/// flags).
fn replacement(key: &str) -> Option<&'static str> {
    Some(match key {
        "also" | "dev" => "write `include=dev` instead",
        "only" | "production" => "write `omit=dev` instead (for `only=prod`/`production=true`)",
        "optional" => "write `omit=optional` to skip optional dependencies, or delete the line",
        "cache-min" => "write `prefer-offline=true` instead",
        "cache-max" => "write `prefer-online=true` instead",
        "cert" | "key" => {
            "point the registry's `//host/:certfile=` and `//host/:keyfile=` at PEM files instead"
        }
        "global-style" => "write `install-strategy=shallow` instead",
        "legacy-bundling" => "write `install-strategy=nested` instead",
        "shrinkwrap" => "write `package-lock=` instead",
        "init.author.email" => "rename the key to `init-author-email`",
        "init.author.name" => "rename the key to `init-author-name`",
        "init.author.url" => "rename the key to `init-author-url`",
        "init.license" => "rename the key to `init-license`",
        "init.module" => "rename the key to `init-module`",
        "init.version" => "rename the key to `init-version`",
        _ => return None,
    })
}
