//! One model of npm 11's decisions: for a project (its loaded config, the
//! validation result, the environment and its `package.json`) and a kind
//! of request, the registry npm picks, the URL it requests, the credential
//! it attaches, and every way npm fails before or while sending (its error
//! code and text). `why` renders this model; `check`'s registry, credential
//! and publish rules query it.
//!
//! - [`auth`]: npm-registry-fetch `pickRegistry`, `getAuth` (the credential
//!   walk, the same-host fallback, client certificates and their read
//!   errors, the `Authorization` header), `@npmcli/config`
//!   `getCredentialsByURI`;
//! - [`registry`]: the registry of a spec and the packument GET (pacote);
//! - [`tarball`]: the tarball GET of `npm install`/`npm ci` (lockfile
//!   `resolved`, arborist's and pacote's rewrites) and of `npm pack`;
//! - [`publish`]: `npm publish` (publishConfig, the `ENEEDAUTH`
//!   pre-check, the version-check GET, `EPRIVATE`, the PUT);
//! - [`whoami`]: `npm whoami`;
//! - [`audit`]: the audit POST of `npm audit`/`npm install` (which package
//!   names leave the machine, to which registry);
//! - [`credential`]: what a request carries and where each key came from.
//!
//! Every request is built by [`Request::sent`], which applies the failures
//! npm-registry-fetch, minipass-fetch and node have while sending.

pub mod audit;
pub mod auth;
pub mod credential;
pub mod publish;
pub mod registry;
pub mod tarball;
pub mod whoami;

use crate::config::Config;
use crate::config::validate::Validation;
use crate::env::Env;
use crate::spec::npa::PackageArg;
use auth::FlatOpts;
pub use credential::AuthView;

/// An error npm's code throws: `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// `ERR_INVALID_URL`, `ENEEDAUTH`, … (`None` when the error has none).
    pub code: Option<String>,
    /// npm's message, verbatim.
    pub message: String,
}

impl ErrorInfo {
    /// An error with a code.
    #[must_use]
    pub fn new(code: &str, message: impl Into<String>) -> ErrorInfo {
        ErrorInfo {
            code: Some(code.to_string()),
            message: message.into(),
        }
    }

    /// node's `TypeError [ERR_INVALID_URL]: Invalid URL`.
    #[must_use]
    pub fn invalid_url() -> ErrorInfo {
        ErrorInfo::new("ERR_INVALID_URL", "Invalid URL")
    }
}

/// One HTTP request npm would make.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The URL as it goes on the wire (WHATWG `href`); `None` when npm
    /// throws before making the request.
    pub url: Option<String>,
    /// `GET` or `PUT`.
    pub method: &'static str,
    /// The credential attached.
    pub auth: Option<AuthView>,
    /// What npm's code threw instead of (or while) making the request.
    pub error: Option<ErrorInfo>,
}

impl Request {
    /// A request that was not made because of `error`.
    #[must_use]
    pub fn failed(method: &'static str, error: Option<ErrorInfo>) -> Request {
        Request {
            url: None,
            method,
            auth: None,
            error,
        }
    }

    /// The request npm-registry-fetch makes for `uri` with the credential
    /// `getAuth` returned, and every way it fails before or while sending:
    /// `certfile`/`keyfile` read errors (`getAuth` throws them), an
    /// `Authorization` value minipass-fetch rejects (`… is not a legal HTTP
    /// header value`), a protocol other than HTTP(S). Without an npm
    /// header, credentials inside the URL go out as node's Basic auth.
    #[must_use]
    pub fn sent(
        ctx: &Ctx<'_>,
        opts: &FlatOpts<'_>,
        method: &'static str,
        uri: &str,
        auth: &crate::auth::Auth,
        publish_config: Option<&std::path::PathBuf>,
    ) -> Request {
        let mut view = credential::view(ctx, opts, auth, publish_config);
        let url = wire_url(uri);
        let mut error = auth
            .file_error
            .as_ref()
            .map(|e| ErrorInfo::new(&e.code, e.message.clone()));
        let header = match &auth.header {
            Some(h) => Some(h.clone()),
            None => crate::auth::url_credentials_header(uri).inspect(|_| {
                view.from_url = true;
                if view.kind == crate::auth::Kind::None || view.kind == crate::auth::Kind::Cert {
                    view.kind = crate::auth::Kind::Basic;
                }
            }),
        };
        view.header = header.as_deref().map(credential::masked_header);
        if error.is_none() {
            if let Some(h) = header
                .as_deref()
                .filter(|h| !crate::auth::legal_header_value(h))
            {
                error = Some(ErrorInfo {
                    code: None,
                    message: format!(
                        "{} is not a legal HTTP header value",
                        credential::masked_header(h)
                    ),
                });
            }
        }
        if error.is_none()
            && url::Url::parse(uri).is_ok_and(|u| !matches!(u.scheme(), "http" | "https"))
        {
            error = Some(ErrorInfo {
                code: None,
                message: "Only HTTP(S) protocols are supported".into(),
            });
        }
        Request {
            url: Some(url),
            method,
            auth: Some(view),
            error,
        }
    }

    /// Whether the request carries a credential (token, basic or cert).
    #[must_use]
    pub fn has_credential(&self) -> bool {
        self.auth
            .as_ref()
            .is_some_and(|a| a.kind != crate::auth::Kind::None)
    }
}

/// Shared context of one `why` run.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub validation: &'a Validation,
    pub env: &'a Env,
    /// The project's `package.json` (in the working directory), if any.
    pub project: Option<serde_json::Value>,
}

impl Ctx<'_> {
    /// npm's flat options.
    #[must_use]
    pub fn flat(&self) -> FlatOpts<'_> {
        FlatOpts::new(self.config)
    }
}

/// The URL as it goes on the wire: WHATWG `new URL(u).href`, or `u` when
/// it does not parse.
#[must_use]
pub fn wire_url(u: &str) -> String {
    url::Url::parse(u).map_or_else(|_| u.to_string(), |p| p.to_string())
}

/// pacote's `removeTrailingSlashes`.
#[must_use]
pub fn remove_trailing_slashes(s: &str) -> &str {
    s.trim_end_matches('/')
}

/// The spec pacote resolves through the registry (the sub-spec of an alias).
#[must_use]
pub fn registry_spec(spec: &PackageArg) -> &PackageArg {
    spec.sub_spec.as_deref().unwrap_or(spec)
}

/// npm-registry-fetch's `regFetch(uri)`: a `uri` WHATWG cannot parse is
/// taken relative to the registry (no `spec` here, so `opts.registry` or
/// the built-in default): `${registry minus one trailing slash}/${uri
/// minus one leading slash}`, both trimmed.
#[must_use]
pub fn fetch_uri(uri: &str, registry: Option<&str>) -> String {
    if url::Url::parse(uri).is_ok() {
        return uri.to_string();
    }
    let reg = registry.unwrap_or("https://registry.npmjs.org/").trim();
    let reg = reg.strip_suffix('/').unwrap_or(reg);
    let rel = uri.trim();
    format!("{reg}/{}", rel.strip_prefix('/').unwrap_or(rel))
}
