//! npm's "nerf-dart": the registry key under which credentials are stored
//! (`@npmcli/config/lib/nerf-dart.js`).
//!
//! ```js
//! const parsed = new URL(url)
//! const from = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
//! const rel = new URL('.', from)
//! return `//${rel.host}${rel.pathname}`
//! ```
//!
//! The `url` crate implements the same WHATWG URL standard as node, so default
//! ports are dropped, hosts lower-cased and IDNA-encoded exactly as npm does.

use url::Url;

/// Why a URL has no nerf-dart: WHATWG `new URL()` rejects it
/// (npm: `TypeError [ERR_INVALID_URL]: Invalid URL`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid URL")]
pub struct InvalidUrl;

/// `nerfDart(url)`: `//host[:port]/dir/`, dropping the last path segment
/// unless the path ends in `/`.
///
/// # Errors
/// [`InvalidUrl`] when node's `new URL()` would throw.
pub fn nerf_dart(url: &str) -> Result<String, InvalidUrl> {
    let parsed = Url::parse(url).map_err(|_| InvalidUrl)?;
    let from = format!(
        "{}//{}{}",
        scheme_with_colon(&parsed),
        host_with_port(&parsed),
        parsed.path()
    );
    let base = Url::parse(&from).map_err(|_| InvalidUrl)?;
    let rel = base.join(".").map_err(|_| InvalidUrl)?;
    Ok(format!("//{}{}", host_with_port(&rel), rel.path()))
}

/// `URL.protocol` (`"https:"`).
fn scheme_with_colon(u: &Url) -> String {
    format!("{}:", u.scheme())
}

/// `URL.host`: hostname plus a non-default port.
#[must_use]
pub fn host_with_port(u: &Url) -> String {
    let host = u.host_str().unwrap_or("");
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// The key npm-registry-fetch starts its credential walk from for a request
/// URL: `//${parsed.host}${parsed.pathname}` (no query, no fragment).
///
/// # Errors
/// [`InvalidUrl`] when the URL does not parse.
pub fn request_key(url: &str) -> Result<String, InvalidUrl> {
    let parsed = Url::parse(url).map_err(|_| InvalidUrl)?;
    Ok(format!("//{}{}", host_with_port(&parsed), parsed.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_npm_table() {
        let cases = [
            ("https://registry.npmjs.org", "//registry.npmjs.org/"),
            ("https://registry.npmjs.org/", "//registry.npmjs.org/"),
            ("https://h/api/v4/packages/npm", "//h/api/v4/packages/"),
            ("https://h/api/v4/packages/npm/", "//h/api/v4/packages/npm/"),
            ("https://h:443/x/", "//h/x/"),
            ("http://h:80/x/", "//h/x/"),
            ("https://h:80/x/", "//h:80/x/"),
            ("http://h:443/x/", "//h:443/x/"),
            ("https://H.Example.COM/Path/", "//h.example.com/Path/"),
            ("https://user:pass@h/x/", "//h/x/"),
            ("https://h/x/?q=1#f", "//h/x/"),
            ("https://h/x?q=1", "//h/"),
            ("https://h/a b/", "//h/a%20b/"),
            ("https://bücher.example/", "//xn--bcher-kva.example/"),
            ("http://127.0.0.1:4873", "//127.0.0.1:4873/"),
            ("https://[::1]:4873/", "//[::1]:4873/"),
        ];
        for (input, want) in cases {
            assert_eq!(nerf_dart(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejects_what_node_rejects() {
        for bad in [
            "registry.npmjs.org",
            "",
            "//registry.npmjs.org/",
            "https://h:65536/",
        ] {
            assert_eq!(nerf_dart(bad), Err(InvalidUrl), "{bad}");
        }
    }

    #[test]
    fn request_keys() {
        assert_eq!(
            request_key("https://h:443/api/@s%2fp?x=1").as_deref(),
            Ok("//h/api/@s%2fp")
        );
    }
}
