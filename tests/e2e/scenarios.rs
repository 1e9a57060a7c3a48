//! The scenarios of `tests/npm_e2e.rs`. Placeholders: `{A}` `{B}` `{C}`
//! `{TLS}` are the registry's origins (`http://127.0.0.1:<port>`, …), `{a}`
//! `{b}` `{c}` `{tls}` their nerf-darts (`//127.0.0.1:<port>`), `{a_host}`
//! … without the slashes, `{CERT}`/`{KEY}` the client certificate and key,
//! `{CERTDIR}` their directory, `{ROOT}` the scenario's root; a file
//! written `@cert:NAME` is a copy of `tests/e2e/certs/NAME`. Files are
//! relative to the root; the project is `project/` (package.json
//! `{"name":"app","version":"1.0.0"}` unless given), HOME is `home/`.
//! Names starting `pub-` are unknown to the registry (404).

/// The npm command a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// `npm view ARGS`: the packument GET.
    View,
    /// `npm install ARGS` without a lockfile: packument and tarball GETs.
    Install,
    /// `npm ci`: the lockfile's tarball GETs.
    Ci,
    /// `npm publish ARGS` in the project: version check GET and PUT.
    Publish,
    /// `npm whoami ARGS`.
    Whoami,
    /// `npm install` of the project's dependencies, with its audit POST.
    InstallAudit,
    /// `npm ci` with its audit POST.
    CiAudit,
}

impl Cmd {
    pub fn argv(self) -> &'static [&'static str] {
        match self {
            Cmd::View => &["view"],
            Cmd::Install => &["install"],
            Cmd::Ci => &["ci"],
            Cmd::Publish => &["publish"],
            Cmd::Whoami => &["whoami"],
            Cmd::InstallAudit => &["install"],
            Cmd::CiAudit => &["ci"],
        }
    }
}

pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    pub files: &'static [(&'static str, &'static str)],
    pub env: &'static [(&'static str, &'static str)],
    pub cmd: Cmd,
    /// Arguments after the command (specs for view/install; given to
    /// `why` as SPECs too).
    pub args: &'static [&'static str],
}

const fn view(
    name: &'static str,
    about: &'static str,
    npmrc: &'static [(&'static str, &'static str)],
    env: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
) -> Scenario {
    Scenario {
        name,
        about,
        files: npmrc,
        env,
        cmd: Cmd::View,
        args,
    }
}

pub const SCENARIOS: &[Scenario] = &[
    view(
        "view-token-default-registry",
        "a token for the registry's host root",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_authToken=npm_FAKEe2eTOKENaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-registry-path",
        "registry with a path, token keyed at that path",
        &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/npm/:_authToken=tok-path\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-walks-up-to-host",
        "registry with a path, token at the host root: the walk finds it",
        &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/:_authToken=tok-root\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-other-path-not-sent",
        "token keyed at a sibling path: not on the request's walk",
        &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/other/:_authToken=tok-other\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-other-port",
        "token for the same address on another port: another host",
        &[("project/.npmrc", "registry={A}/\n{c}/:_authToken=tok-c\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-without-port",
        "token keyed without the port: never matches",
        &[(
            "project/.npmrc",
            "registry={A}/\n//127.0.0.1/:_authToken=tok-noport\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-scope-own-token",
        "scope mapped to host b with its token",
        &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{b}/:_authToken=tok-b\n{a}/:_authToken=tok-a\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-scope-no-token",
        "scope mapped to host b, only a's token: nothing sent to b",
        &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{a}/:_authToken=tok-a\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-unscoped-with-scope-token",
        "unscoped package from the default registry while a scope has a token",
        &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{b}/:_authToken=tok-b\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-basic-auth",
        "_auth: Basic",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_auth=YWxpY2U6czNjcmV0\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-username-password",
        "username + base64 _password: Basic",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:username=bob\n{a}/:_password=cHctYm9i\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-username-only",
        "username without _password: nothing",
        &[("project/.npmrc", "registry={A}/\n{a}/:username=bob\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-beats-basic",
        "_authToken and _auth at the same key: the token",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_auth=YWxpY2U6czNjcmV0\n{a}/:_authToken=tok-both\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-deeper-key-wins",
        "tokens at the path and at the root: the longest key",
        &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/:_authToken=tok-root\n{a}/npm/:_authToken=tok-deep\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-env-token-set",
        "${TOK} from the environment",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", "tok-from-env")],
        &["lodash"],
    ),
    view(
        "view-env-token-unset",
        "${TOK} unset: npm sends the literal text",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-env-token-optional-unset",
        "${TOK?} unset: empty, nothing sent",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK?}\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-literal-dollar-var",
        "$TOK (no braces) is sent literally",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=$TOK\n")],
        &[("TOK", "tok-from-env")],
        &["lodash"],
    ),
    view(
        "view-literal-percent-var",
        "%TOK% is sent literally",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=%TOK%\n")],
        &[("TOK", "tok-from-env")],
        &["lodash"],
    ),
    view(
        "view-user-npmrc-token",
        "token in the user .npmrc, registry in the project",
        &[
            ("project/.npmrc", "registry={A}/\n"),
            ("home/.npmrc", "{a}/:_authToken=tok-user\n"),
        ],
        &[],
        &["lodash"],
    ),
    view(
        "view-project-overrides-user-token",
        "the project's token wins over the user's for the same key",
        &[
            (
                "project/.npmrc",
                "registry={A}/\n{a}/:_authToken=tok-project\n",
            ),
            ("home/.npmrc", "{a}/:_authToken=tok-user\n"),
        ],
        &[],
        &["lodash"],
    ),
    view(
        "view-env-config-registry",
        "npm_config_registry in the environment",
        &[("project/.npmrc", "{b}/:_authToken=tok-b\n")],
        &[("npm_config_registry", "{B}/")],
        &["lodash"],
    ),
    view(
        "view-env-config-token",
        "the token itself from an npm_config_ variable",
        &[("project/.npmrc", "registry={A}/\n")],
        &[("npm_config_{a}/:_authToken", "tok-envcfg")],
        &["lodash"],
    ),
    view(
        "view-mtls",
        "client certificate for the TLS host",
        &[(
            "project/.npmrc",
            "@x:registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={KEY}\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-mtls-and-token",
        "client certificate and token at the same key",
        &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={KEY}\n{tls}/:_authToken=tok-tls\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-mtls-keyfile-missing",
        "keyfile does not exist: npm sends no certificate",
        &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={ROOT}/missing.key\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-mtls-keyfile-is-directory",
        "keyfile is a directory: npm fails with EISDIR",
        &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={CERTDIR}\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-mtls-certfile-only",
        "certfile without keyfile: no certificate",
        &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:certfile={CERT}\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-trailing-newline",
        "a CI secret with a trailing newline: not a legal header value",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", "tok-newline\n")],
        &["lodash"],
    ),
    view(
        "view-token-typographic-quotes",
        "a token pasted with typographic quotes",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_authToken=\u{201c}tok-quoted\u{201d}\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-latin1",
        "a token with a Latin-1 character is a legal header value",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_authToken=tok-\u{e9}\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-registry-without-scheme",
        "registry=127.0.0.1:port/ (no scheme)",
        &[("project/.npmrc", "registry={a_host}/\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-url-credentials",
        "user:pass inside the registry URL: node sends them as Basic",
        &[("project/.npmrc", "registry=http://carol:pa55@{a_host}/\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-url-credentials-and-token",
        "user:pass in the URL and a token key: the token header wins",
        &[(
            "project/.npmrc",
            "registry=http://carol:pa55@{a_host}/\n{a}/:_authToken=tok-a\n",
        )],
        &[],
        &["lodash"],
    ),
    Scenario {
        name: "install-alias-spec",
        about: "an alias to a scoped package",
        files: &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{b}/:_authToken=tok-b\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["y@npm:@x/y@1"],
    },
    view(
        "view-registry-localhost-without-scheme",
        "registry=localhost:port (no scheme): a URL whose protocol is `localhost:`",
        &[("project/.npmrc", "registry=localhost:4873\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-scope-config",
        "the `scope` config redirects an unscoped package",
        &[(
            "project/.npmrc",
            "registry={A}/\nscope=x\n@x:registry={B}/\n{b}/:_authToken=tok-b\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-registry-no-trailing-slash",
        "registry without a trailing slash: the packument URL is the same",
        &[(
            "project/.npmrc",
            "registry={A}/npm\n{a}/npm/:_authToken=tok-path\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-two-specs-two-hosts",
        "one spec per host",
        &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{a}/:_authToken=tok-a\n{b}/:_authToken=tok-b\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-cli-registry-flag",
        "--registry on the command line",
        &[("project/.npmrc", "registry={A}/\n{b}/:_authToken=tok-b\n")],
        &[("npm_config_registry", "{B}/")],
        &["lodash"],
    ),
    view(
        "view-empty-token",
        "an empty _authToken: nothing sent",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=\n")],
        &[],
        &["lodash"],
    ),
    Scenario {
        name: "install-token",
        about: "install: packument and tarball carry the token",
        files: &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/npm/:_authToken=tok-install\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["lodash"],
    },
    Scenario {
        name: "install-scope-tls",
        about: "install a scoped package over mTLS",
        files: &[(
            "project/.npmrc",
            "@x:registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={KEY}\n{tls}/:_authToken=tok-tls\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["@x/y"],
    },
    Scenario {
        name: "install-basic",
        about: "install with username/_password",
        files: &[(
            "project/.npmrc",
            "registry={B}/\n{b}/:username=bob\n{b}/:_password=cHctYm9i\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["lodash"],
    },
    Scenario {
        name: "ci-lockfile-other-host",
        about: "lockfile tarball on host b while the token is for a",
        files: &[
            ("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-a\n"),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}},\"node_modules/x\":{\"version\":\"1.0.0\",\"resolved\":\"{B}/x/-/x-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "ci-lockfile-same-host-other-path",
        about: "lockfile tarball on the registry's host, outside its path: same-host fallback",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/npm/\n{a}/npm/:_authToken=tok-a\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}},\"node_modules/x\":{\"version\":\"1.0.0\",\"resolved\":\"{A}/files/x/-/x-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "ci-lockfile-npmjs-rewritten",
        about: "a lockfile written against the public registry: npm rewrites it onto the configured one",
        files: &[
            ("project/.npmrc", "registry={B}/\n{b}/:_authToken=tok-b\n"),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}},\"node_modules/x\":{\"version\":\"1.0.0\",\"resolved\":\"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "ci-lockfile-scoped-tls",
        about: "lockfile tarball on the mTLS host",
        files: &[
            (
                "project/.npmrc",
                "@x:registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={KEY}\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"@x/y\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"@x/y\":\"^1.0.0\"}},\"node_modules/@x/y\":{\"version\":\"1.0.0\",\"resolved\":\"{TLS}/@x/y/-/y-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "publish-token",
        about: "publish with a token: version check GET, then the PUT",
        files: &[
            ("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-pub\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-no-credential",
        about: "publish without a credential: ENEEDAUTH before any request",
        files: &[
            ("project/.npmrc", "registry={A}/\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-private",
        about: "a private package: the version check is sent, then EPRIVATE",
        files: &[
            ("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-pub\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\",\"private\":true}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-registry-without-slash",
        about: "registry without a trailing slash: the pre-check looks one level up",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/npm\n{a}/npm/:_authToken=tok-pub\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-publishconfig-registry",
        about: "publishConfig.registry moves the publish to host b",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n{a}/:_authToken=tok-a\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\",\"publishConfig\":{\"registry\":\"{B}/\"}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-scoped",
        about: "a scoped package publishes to its scope's registry",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n@x:registry={B}/x/\n{b}/x/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"@x/pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-dry-run-no-credential",
        about: "--dry-run: ENEEDAUTH is a warning, the version check is sent, no PUT",
        files: &[
            ("project/.npmrc", "registry={A}/\ndry-run=true\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-force",
        about: "--force: no version check",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n{a}/:_authToken=tok-pub\nforce=true\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-basic-auth",
        about: "publish with _auth",
        files: &[
            (
                "project/.npmrc",
                "registry={B}/\n{b}/:_auth=YWxpY2U6czNjcmV0\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-prerelease-without-tag",
        about: "a prerelease without --tag: npm refuses before any request",
        files: &[
            ("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-pub\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0-beta.1\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "whoami-token",
        about: "whoami with a token: GET /-/whoami",
        files: &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/npm/:_authToken=tok-who\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "whoami-username-password",
        about: "whoami with username/_password: answered from the config, no request",
        files: &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:username=bob\n{a}/:_password=cHctYm9i\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "whoami-scope-only",
        about: "only the scope's registry has a token: whoami asks the default registry, ENEEDAUTH",
        files: &[(
            "project/.npmrc",
            "registry={A}/\n@x:registry={B}/\n{b}/:_authToken=tok-b\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "whoami-token-walk-not-used",
        about: "token at the host root, registry with a path: the exact lookup misses it (ENEEDAUTH)",
        files: &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/:_authToken=tok-root\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "whoami-mtls",
        about: "whoami with only a client certificate: the request is sent with it",
        files: &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:certfile={CERT}\n{tls}/:keyfile={KEY}\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "whoami-registry-flag-env",
        about: "npm_config_registry decides whoami's registry",
        files: &[("project/.npmrc", "registry={A}/\n{b}/:_authToken=tok-b\n")],
        env: &[("npm_config_registry", "{B}/")],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "publish-publishconfig-scope",
        about: "publishConfig.scope maps an unscoped package through the scope's registry",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n@x:registry={B}/\n{a}/:_authToken=tok-a\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\",\"publishConfig\":{\"scope\":\"x\"}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-publishconfig-dry-run-ignored",
        about: "publishConfig[\"dry-run\"] does not stop npm: it reads dry-run from its config",
        files: &[
            ("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-pub\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\",\"publishConfig\":{\"dry-run\":true}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-publishconfig-scope-registry-version-check-elsewhere",
        about: "publishConfig moves the PUT to host b; the version check uses npm's own options: host a",
        files: &[
            (
                "project/.npmrc",
                "@x:registry={A}/\n{a}/:_authToken=tok-a\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"@x/pub-app\",\"version\":\"1.0.0\",\"publishConfig\":{\"@x:registry\":\"{B}/\"}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "publish-publishconfig-token",
        about: "the token only in publishConfig: the pre-check does not see it (ENEEDAUTH)",
        files: &[
            ("project/.npmrc", "registry={A}/\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\",\"publishConfig\":{\"{a}/:_authToken\":\"tok-pc\"}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "install-spec-is-tarball-url",
        about: "the spec is a tarball URL on the registry's host: token by the walk",
        files: &[(
            "project/.npmrc",
            "registry={A}/\n{a}/files/:_authToken=tok-files\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["{A}/files/x/-/x-1.0.0.tgz"],
    },
    Scenario {
        name: "install-spec-is-tarball-url-same-host-fallback",
        about: "tarball URL outside every key's path: the registry's credential (same host)",
        files: &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/npm/:_authToken=tok-npm\n",
        )],
        env: &[],
        cmd: Cmd::Install,
        args: &["{A}/files/x/-/x-1.0.0.tgz"],
    },
    Scenario {
        name: "install-spec-is-tarball-url-other-host",
        about: "tarball URL on host b, token for the registry on a: nothing sent",
        files: &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-a\n")],
        env: &[],
        cmd: Cmd::Install,
        args: &["{B}/files/x/-/x-1.0.0.tgz"],
    },
    Scenario {
        name: "install-range-version-from-registry",
        about: "a range: the tarball version comes from the packument",
        files: &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=tok-a\n")],
        env: &[],
        cmd: Cmd::Install,
        args: &["lodash@^1"],
    },
    Scenario {
        name: "audit-install-private-scope-names",
        about: "npm install's audit POSTs every name to the default registry, the private scope's too",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n{a}/:_authToken=tok-a\n@x:registry={B}/\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"lodash\":\"^1.0.0\",\"@x/y\":\"^1.0.0\"}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::InstallAudit,
        args: &[],
    },
    Scenario {
        name: "audit-ci-lockfile-names",
        about: "npm ci's audit sends the lockfile's names, to the registry with a path",
        files: &[
            (
                "project/.npmrc",
                "registry={B}/npm/\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}},\"node_modules/x\":{\"version\":\"1.0.0\",\"resolved\":\"{B}/npm/x/-/x-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::CiAudit,
        args: &[],
    },
    view(
        "view-registry-from-env-var",
        "registry=${REG} expanded from the environment",
        &[("project/.npmrc", "registry=${REG}\n{b}/:_authToken=tok-b\n")],
        &[("REG", "{B}/")],
        &["lodash"],
    ),
    view(
        "view-env-var-in-key",
        "the credential key itself holds ${HOSTPORT}",
        &[(
            "project/.npmrc",
            "registry={A}/\n//${HOSTPORT}/:_authToken=tok-envkey\n",
        )],
        &[("HOSTPORT", "{a_host}")],
        &["lodash"],
    ),
    view(
        "view-quoted-token",
        "a double-quoted value: ini strips the quotes",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_authToken=\"tok-quoted-ascii\"\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-with-inline-comment",
        "text after the token on its line is part of the value",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_authToken=tok-x # my token\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-password-not-base64",
        "_password written in plain text: npm base64-decodes it anyway",
        &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:username=bob\n{a}/:_password=pa55word!\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-global-npmrc-token",
        "the token in the global npmrc ($PREFIX/etc/npmrc)",
        &[
            ("project/.npmrc", "registry={A}/\n"),
            ("prefix/etc/npmrc", "{a}/:_authToken=tok-global\n"),
        ],
        &[],
        &["lodash"],
    ),
    view(
        "view-uppercase-env-config-token",
        "NPM_CONFIG_ in upper case",
        &[("project/.npmrc", "registry={A}/\n")],
        &[("NPM_CONFIG_{a}/:_authToken", "tok-upper")],
        &["lodash"],
    ),
    view(
        "view-tls-without-client-cert",
        "the TLS host without certfile/keyfile: no certificate",
        &[(
            "project/.npmrc",
            "registry={TLS}/\n{tls}/:_authToken=tok-tls\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-auth-env-unset",
        "_auth=${AUTH} unset: the literal text goes out as Basic",
        &[("project/.npmrc", "registry={A}/\n{a}/:_auth=${AUTH}\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-scoped-registry-path-and-root-tokens",
        "scope registry with a path; tokens at the path and at the root",
        &[(
            "project/.npmrc",
            "@x:registry={B}/x/npm/\n{b}/:_authToken=tok-root\n{b}/x/npm/:_authToken=tok-path\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-certfile-relative",
        "certfile/keyfile relative to the project directory",
        &[
            (
                "project/.npmrc",
                "registry={TLS}/\n{tls}/:certfile=certs/client.pem\n{tls}/:keyfile=certs/client.key\n",
            ),
            ("project/certs/client.pem", "@cert:client.pem"),
            ("project/certs/client.key", "@cert:client.key"),
        ],
        &[],
        &["lodash"],
    ),
    Scenario {
        name: "install-url-credentials",
        about: "user:pass in the registry URL: the packument goes out with node's Basic, the tarball URL the registry serves has none",
        files: &[("project/.npmrc", "registry=http://carol:pa55@{a_host}/\n")],
        env: &[],
        cmd: Cmd::Install,
        args: &["lodash"],
    },
    Scenario {
        name: "publish-url-credentials",
        about: "user:pass in the registry URL does not satisfy npm publish's pre-check",
        files: &[
            ("project/.npmrc", "registry=http://carol:pa55@{a_host}/\n"),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    Scenario {
        name: "ci-lockfile-npmjs-rewritten-onto-path",
        about: "a public-registry lockfile rewritten onto a registry with a path",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/mirror/npm/\n{a}/mirror/:_authToken=tok-mirror\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"x\":\"^1.0.0\"}},\"node_modules/x\":{\"version\":\"1.0.0\",\"resolved\":\"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "ci-lockfile-scoped-on-other-host",
        about: "a scoped lockfile tarball on host c while the scope's registry and token are on b",
        files: &[
            (
                "project/.npmrc",
                "@x:registry={B}/\n{b}/:_authToken=tok-b\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"@x/y\":\"^1.0.0\"}}\n",
            ),
            (
                "project/package-lock.json",
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{\"@x/y\":\"^1.0.0\"}},\"node_modules/@x/y\":{\"version\":\"1.0.0\",\"resolved\":\"{C}/@x/y/-/y-1.0.0.tgz\"}}}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Ci,
        args: &[],
    },
    Scenario {
        name: "whoami-auth-from-config",
        about: "_auth holds the user name: whoami answers without a request",
        files: &[(
            "project/.npmrc",
            "registry={A}/\n{a}/:_auth=YWxpY2U6czNjcmV0\n",
        )],
        env: &[],
        cmd: Cmd::Whoami,
        args: &[],
    },
    Scenario {
        name: "publish-unscoped-restricted",
        about: "access=restricted on an unscoped package: version check, then EUNSCOPED",
        files: &[
            (
                "project/.npmrc",
                "registry={A}/\n{a}/:_authToken=tok-pub\naccess=restricted\n",
            ),
            (
                "project/package.json",
                "{\"name\":\"pub-app\",\"version\":\"1.0.0\"}\n",
            ),
        ],
        env: &[],
        cmd: Cmd::Publish,
        args: &[],
    },
    view(
        "view-token-trailing-space",
        "a secret with a trailing space: legal, but is it sent as is?",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", "tok-space ")],
        &["lodash"],
    ),
    view(
        "view-token-tab-inside",
        "a tab inside the token is a legal header character",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", "tok\tinner")],
        &["lodash"],
    ),
    view(
        "view-token-carriage-return",
        "a Windows line ending left in a secret: CR is not legal",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", "tok-crlf\r")],
        &["lodash"],
    ),
    view(
        "view-top-level-auth-token",
        "a top-level _authToken: npm refuses the config before any request",
        &[("project/.npmrc", "registry={A}/\n_authToken=tok-top\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-token-leading-space",
        "a secret with a leading space: sent after two spaces",
        &[("project/.npmrc", "registry={A}/\n{a}/:_authToken=${TOK}\n")],
        &[("TOK", " tok-lead")],
        &["lodash"],
    ),
    view(
        "view-registry-no-slash-no-path",
        "registry with neither path nor trailing slash",
        &[("project/.npmrc", "registry={A}\n{a}/:_authToken=tok-a\n")],
        &[],
        &["lodash"],
    ),
    view(
        "view-scoped-registry-no-trailing-slash-token-with-slash",
        "scope registry with a path and no trailing slash; token keyed with the slash",
        &[(
            "project/.npmrc",
            "@x:registry={B}/x/npm\n{b}/x/npm/:_authToken=tok-b\n",
        )],
        &[],
        &["@x/y"],
    ),
    view(
        "view-username-and-password-at-different-levels",
        "username at the host root, _password at the registry path: never a pair",
        &[(
            "project/.npmrc",
            "registry={A}/npm/\n{a}/:username=bob\n{a}/npm/:_password=cHctYm9i\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-certfile-and-keyfile-at-different-levels",
        "certfile at the path, keyfile at the host root: no certificate",
        &[(
            "project/.npmrc",
            "registry={TLS}/npm/\n{tls}/npm/:certfile={CERT}\n{tls}/:keyfile={KEY}\n",
        )],
        &[],
        &["lodash"],
    ),
    view(
        "view-spaces-around-equals",
        "spaces around `=` and a trailing space after the token (ini trims them)",
        &[(
            "project/.npmrc",
            "registry = {A}/ \n{a}/:_authToken = tok-spaced \n",
        )],
        &[],
        &["lodash"],
    ),
];
