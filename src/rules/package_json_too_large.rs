//! `package-json-too-large`: a package whose published metadata exceeds
//! GitLab's 20,000-character limit (`Packages::Npm::Metadatum`
//! `ensure_package_json_size`: `package_json.to_s.size < 20_000`, where
//! `package_json` is the version object npm sends minus `readme`,
//! `readmeFilename`, `licenseText`, `contributors` and `exports`).
//!
//! GitLab measures Ruby's `Hash#to_s` (the `inspect` form, `{"k"=>"v"}`) in
//! characters (code points), so that is what is estimated here.

use crate::check::context::Context;
use crate::check::diagnostic::Diagnostic;
use crate::declare_rule;
use crate::rules::support_manifest;
use serde_json::Value as Json;

declare_rule! {
    name: "package-json-too-large",
    category: Correctness,
    severity: Error,
    fix: None,
    summary: "published package metadata over GitLab's 20,000-character limit: the publish fails with 400",
}

/// GitLab's `MAX_PACKAGE_JSON_SIZE`.
const LIMIT: usize = 20_000;

/// Fields GitLab drops before measuring (`PACKAGE_JSON_NOT_ALLOWED_FIELDS`).
const EXCLUDED: [&str; 5] = [
    "readme",
    "readmeFilename",
    "licenseText",
    "contributors",
    "exports",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.manifests() {
        let (Some(value), Some(target)) = (&m.value, support_manifest::publish_registry(cx, m))
        else {
            continue;
        };
        // only GitLab has a size limit on the manifest
        if !support_manifest::is_gitlab(&target.url) {
            continue;
        }
        let Some(obj) = value.as_object() else {
            continue;
        };
        let size = published_size(obj, &target.url);
        if size < LIMIT {
            continue;
        }
        let biggest = obj
            .iter()
            .filter(|(k, _)| !EXCLUDED.contains(&k.as_str()) && !k.starts_with('_'))
            .map(|(k, v)| (k, ruby_size(v)))
            .max_by_key(|(_, n)| *n);
        let where_ = format!("the GitLab registry `{}`", target.url);
        let primary = biggest.as_ref().map_or_else(
            || {
                let r = m.value_span("");
                r.start..(r.start + 1).min(r.end)
            },
            |(k, _)| m.key_span(&format!("/{}", crate::manifest::spanned::pointer_token(k))),
        );
        let mut d = Diagnostic::new(
            RULE.name,
            m.path.clone(),
            primary,
            format!(
                "the published metadata of this package is about {size} characters: publishing to {where_} fails with 400 \"Validation failed: Package json structure is too large\" (limit {LIMIT})"
            ),
        )
        .note("GitLab measures the version object npm sends (package.json plus `_id`, `_npmVersion`, `_nodeVersion`, `dist`), without `readme`, `readmeFilename`, `licenseText`, `contributors` and `exports`, as Ruby prints it");
        if let Some((key, n)) = biggest {
            d = d
                .label(format!("largest field: about {n} characters"))
                .help(format!(
                    "shrink the largest field (`{key}`): move long text to the README and configuration to its own file"
                ));
        } else {
            d = d.help("move long text to the README and configuration to its own file");
        }
        out.push(d);
    }
}

/// The estimated `to_s.size` of the version object npm sends.
fn published_size(obj: &serde_json::Map<String, Json>, registry: &str) -> usize {
    let name = obj.get("name").and_then(Json::as_str).unwrap_or("");
    let version = obj.get("version").and_then(Json::as_str).unwrap_or("");
    // `{` `}` and the ", " separators
    let mut n = 2;
    let mut count: usize = 0;
    for (k, v) in obj {
        // @npmcli/package-json `_attributes` drops `_`-prefixed keys
        if EXCLUDED.contains(&k.as_str()) || k.starts_with('_') {
            continue;
        }
        n += ruby_str_size(k) + 2 + ruby_size(v);
        count += 1;
    }
    // fields npm adds (libnpmpublish, @npmcli/package-json `_id`)
    let id = format!("{name}@{version}");
    let tarball = url::Url::parse(registry.trim())
        .and_then(|r| r.join(&format!("{name}/-/{name}-{version}.tgz")))
        .map(|u| u.to_string().replacen("https://", "http://", 1))
        .unwrap_or_default();
    let added: [(&str, usize); 4] = [
        ("_id", ruby_str_size(&id)),
        ("_nodeVersion", ruby_str_size("20.0.0")),
        ("_npmVersion", ruby_str_size("11.0.0")),
        // {"integrity"=>"sha512-<88>", "shasum"=>"<40>", "tarball"=>"…"}
        (
            "dist",
            2 + (13 + 2 + 2 + 7 + 88) + 2 + (8 + 2 + 42) + 2 + (9 + 2 + ruby_str_size(&tarball)),
        ),
    ];
    for (k, size) in added {
        n += ruby_str_size(k) + 2 + size;
        count += 1;
    }
    n + 2 * count.saturating_sub(1)
}

/// Characters of Ruby's `inspect` of a JSON value.
fn ruby_size(v: &Json) -> usize {
    match v {
        Json::Null => 3,
        Json::Bool(true) => 4,
        Json::Bool(false) => 5,
        Json::Number(num) => num.to_string().chars().count(),
        Json::String(s) => ruby_str_size(s),
        Json::Array(a) => {
            2 + a.iter().map(ruby_size).sum::<usize>() + 2 * a.len().saturating_sub(1)
        }
        Json::Object(o) => {
            2 + o
                .iter()
                .map(|(k, v)| ruby_str_size(k) + 2 + ruby_size(v))
                .sum::<usize>()
                + 2 * o.len().saturating_sub(1)
        }
    }
}

/// Characters of Ruby's `String#inspect` of a UTF-8 string.
fn ruby_str_size(s: &str) -> usize {
    let mut n = 2;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        n += match c {
            '"' | '\\' => 2,
            '\n' | '\t' | '\r' | '\u{c}' | '\u{b}' | '\u{8}' | '\u{7}' | '\u{1b}' => 2,
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => 2,
            c if (c as u32) < 0x20 || c == '\u{7f}' => 6,
            _ => 1,
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_inspect_sizes() {
        // {"a"=>"b\n", "c"=>[1, nil]} is 28 characters in Ruby
        let v: Json = serde_json::from_str(r#"{"a":"b\n","c":[1,null]}"#).unwrap();
        assert_eq!(
            ruby_size(&v),
            "{\"a\"=>\"b\\n\", \"c\"=>[1, nil]}".chars().count()
        );
        assert_eq!(ruby_str_size("#{x}"), 7);
        assert_eq!(ruby_str_size("é"), 3);
    }
}
