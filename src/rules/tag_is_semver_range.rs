//! `tag-is-semver-range`: a dist-tag (`tag` in `.npmrc`, `publishConfig.tag`)
//! that is a valid semver range, such as `v1.4`, `1`, `1.x` or an empty
//! string (`*`).
//!
//! npm `lib/commands/publish.js` throws `Tag name must not be a valid SemVer
//! range: <tag>` when `semver.validRange(config.get('tag'))` is truthy.
//! `publishConfig.tag` skips that test (it is flattened into `defaultTag`
//! later), so npm publishes under a tag nobody can install: npm-package-arg
//! reads `name@v1.4` as a version range, never as a tag, and
//! `npm dist-tag add` refuses the name.

use crate::check::context::{Context, Role};
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest;
use crate::spec::semver;

declare_rule! {
    name: "tag-is-semver-range",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "a dist-tag such as `v1.4` is a semver range: npm publish fails with \"Tag name must not be a valid SemVer range\"",
}

/// `semver.validRange(tag)` is truthy.
#[must_use]
pub fn is_range(tag: &str) -> bool {
    semver::valid_range(tag, false).is_some_and(|r| !r.is_empty())
}

fn shown(tag: &str) -> String {
    if tag.trim().is_empty() {
        "an empty tag (the range `*`)".to_string()
    } else {
        format!("`{}`", tag.trim())
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(cfg) = cx.config() {
        if let Some(setting) = cfg.setting("tag") {
            let in_checked = setting.origin.file.as_deref().and_then(|f| cx.npmrc_doc(f));
            if let (Some(doc), Some(tag)) = (in_checked, setting.value.as_str()) {
                if matches!(doc.role, Role::Layer(_)) && is_range(tag) {
                    let span = setting
                        .origin
                        .value_span
                        .clone()
                        .filter(|s| !s.is_empty())
                        .or_else(|| setting.origin.key_span.clone())
                        .unwrap_or_default();
                    out.push(
                        Diagnostic::new(
                            RULE.name,
                            doc.path.clone(),
                            span,
                            format!(
                                "`tag` is {}, a valid semver range: `npm publish` fails with \"Tag name must not be a valid SemVer range: {}\"",
                                shown(tag),
                                tag.trim()
                            ),
                        )
                        .label("a version range, not a tag name")
                        .help("use a dist-tag name that is not a version or range, such as `next`, `beta` or `v1-lts`; or delete the line to publish under `latest`"),
                    );
                }
            }
        }
    }
    for m in cx.manifests() {
        let Some(name) = support_manifest::publishable(cx, m) else {
            continue;
        };
        let pointer = support_manifest::publish_config_pointer("tag");
        let Some((tag, span)) = support_manifest::manifest_str(m, &pointer) else {
            continue;
        };
        if !is_range(tag) {
            continue;
        }
        out.push(
            Diagnostic::new(
                RULE.name,
                m.path.clone(),
                span,
                format!(
                    "`publishConfig.tag` is {}, a valid semver range: npm publishes under it, but `npm install {name}@{}` reads it as a version range, never as this tag, and `npm dist-tag` refuses the name",
                    shown(tag),
                    tag.trim()
                ),
            )
            .label("a version range, not a tag name")
            .help("use a dist-tag name that is not a version or range, such as `next`, `beta` or `v1-lts`"),
        );
    }
}
