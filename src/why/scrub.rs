//! The last line of defence against leaks: npm prints some config strings
//! verbatim (a registry URL with a token glued onto it, a URL password), so
//! every string of the `why` output passes through [`scrub`]: URL passwords
//! become `***`, known token formats keep only their prefix, and the value
//! of any `_authToken=` / `_auth=` / `_password=` / `token=` / `password=`
//! inside a string becomes `***`.

use serde_json::Value as J;
use std::sync::LazyLock;

static ASSIGNED_SECRET: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(
        // a value that is only `*` is already masked (length-preserving snippet masks)
        r#"(?i)((?:_authtoken|_auth|_password|authtoken|password|token)=)\**[^\s/&;#?"'`*][^\s/&;#?"'`]*"#,
    )
    .ok()
});

/// Masks every secret embedded in `text`.
#[must_use]
pub fn scrub(text: &str) -> String {
    let text = crate::secret::redact_text(text);
    match ASSIGNED_SECRET.as_ref() {
        Some(re) => re.replace_all(&text, "${1}***").into_owned(),
        None => text,
    }
}

/// [`scrub`] applied to every string (not the keys) of a JSON document.
pub fn scrub_json(v: &mut J) {
    match v {
        J::String(s) => {
            let clean = scrub(s);
            if clean != *s {
                *s = clean;
            }
        }
        J::Array(a) => a.iter_mut().for_each(scrub_json),
        J::Object(o) => o.iter_mut().for_each(|(_, x)| scrub_json(x)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_glued_tokens_and_url_passwords() {
        assert_eq!(
            scrub("https://npm.pkg.github.com/ //npm.pkg.github.com/:_authToken=ghp_FAKEx"),
            "https://npm.pkg.github.com/ //npm.pkg.github.com/:_authToken=***"
        );
        assert_eq!(
            scrub("https://h/%20//h/:_authToken=abc/@o%2flib"),
            "https://h/%20//h/:_authToken=***/@o%2flib"
        );
        assert_eq!(scrub("https://u:pw@h/x"), "https://u:***@h/x");
        assert_eq!(scrub("//h/:_authToken"), "//h/:_authToken");
        assert_eq!(scrub("npm_*** (40 chars)"), "npm_*** (40 chars)");
    }
}
