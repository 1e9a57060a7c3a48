//! Unit tests of the `why` engine on small config trees (registry pick,
//! publishConfig, near misses); the differential tests in
//! `tests/why_differential.rs` compare the whole engine with npm.

use super::near_miss::Reason;
use super::*;
use crate::config::LoadOptions;
use std::fs;

struct Fixture {
    _dir: tempfile::TempDir,
    config: Config,
    validation: Validation,
    env: Env,
}

/// A project with `.npmrc` = `npmrc` and an optional `package.json`.
fn fixture(npmrc: &str, package_json: Option<&str>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let project = root.join("project");
    fs::create_dir_all(&project).unwrap();
    fs::create_dir_all(root.join("home")).unwrap();
    fs::write(project.join(".npmrc"), npmrc).unwrap();
    if let Some(p) = package_json {
        fs::write(project.join("package.json"), p).unwrap();
    }
    let env = Env::new(
        vec![
            ("HOME".into(), root.join("home").display().to_string()),
            ("PREFIX".into(), root.join("prefix").display().to_string()),
        ],
        project,
    );
    let config = crate::config::load(
        &env,
        &LoadOptions {
            npm_dir: Some(root.join("npm")),
            argv: Vec::new(),
            cache: None,
        },
    )
    .unwrap();
    let validation = crate::config::validate::validate(&config);
    Fixture {
        _dir: dir,
        config,
        validation,
        env,
    }
}

fn why(f: &Fixture, specs: &[&str], urls: &[&str]) -> WhyReport {
    explain(
        &f.config,
        &f.validation,
        &f.env,
        &WhyInput {
            specs: specs.iter().map(|s| (*s).to_string()).collect(),
            urls: urls.iter().map(|s| (*s).to_string()).collect(),
            publish: false,
            log_urls: Vec::new(),
        },
    )
}

fn reasons(p: &PackageWhy) -> Vec<Reason> {
    p.near_misses.iter().map(|n| n.reason).collect()
}

#[test]
fn registry_pick_scope_mapping_scope_config_and_default() {
    let f = fixture(
        "@acme:registry=https://acme.example/npm/\nscope=other\n@other:registry=https://other.example/\n",
        None,
    );
    let r = why(&f, &["@acme/ui", "lodash"], &[]);
    let acme = r.packages[0].registry.as_ref().unwrap();
    assert_eq!(acme.url, "https://acme.example/npm/");
    assert_eq!(acme.key.as_deref(), Some("@acme:registry"));
    assert_eq!(acme.layer.as_deref(), Some("project"));
    assert_eq!(acme.line, Some(1));
    assert!(!acme.via_scope_config);
    let lodash = r.packages[1].registry.as_ref().unwrap();
    assert_eq!(lodash.url, "https://other.example/");
    assert!(lodash.via_scope_config);
    assert_eq!(
        r.packages[0].packument.as_ref().unwrap().url.as_deref(),
        Some("https://acme.example/npm/@acme%2fui")
    );
}

#[test]
fn publish_config_registry_ignored_for_mapped_scope() {
    let f = fixture(
        "@acme:registry=https://acme.example/npm/\n//acme.example/npm/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n",
        Some(
            r#"{"name":"@acme/app","version":"1.0.0","publishConfig":{"registry":"https://elsewhere.example/"}}"#,
        ),
    );
    let r = why(&f, &[], &[]);
    let p = r.packages[0].publish.as_ref().unwrap();
    assert_eq!(p.registry.as_deref(), Some("https://acme.example/npm/"));
    assert_eq!(
        p.ignored_publish_config_registry.as_deref(),
        Some("https://elsewhere.example/")
    );
    assert!(p.error.is_none());
    assert!(r.is_ok());
}

#[test]
fn publish_config_scope_registry_and_token_only_in_publish_config() {
    let f = fixture(
        "@acme:registry=https://acme.example/npm/\n",
        Some(
            r#"{"name":"@acme/app","version":"1.0.0","publishConfig":{"@acme:registry":"https://pub.example/npm/","//pub.example/npm/:_authToken":"npm_FAKEfixtureTOKENnpm00000000000000000"}}"#,
        ),
    );
    let r = why(&f, &[], &[]);
    let p = r.packages[0].publish.as_ref().unwrap();
    assert_eq!(p.registry.as_deref(), Some("https://pub.example/npm/"));
    // the pre-check reads the config, not publishConfig
    assert_eq!(
        p.error.as_ref().and_then(|e| e.code.as_deref()),
        Some("ENEEDAUTH")
    );
    let put = p.put.as_ref().unwrap();
    let auth = put.auth.as_ref().unwrap();
    assert_eq!(auth.kind, crate::auth::Kind::Token);
    assert_eq!(
        auth.source.as_ref().and_then(|s| s.layer.as_deref()),
        Some("publishConfig")
    );
    assert!(!r.is_ok());
}

#[test]
fn publish_registry_without_trailing_slash_is_eneedauth_with_a_near_miss() {
    let f = fixture(
        "registry=https://r.example/npm\n//r.example/npm/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n",
        Some(r#"{"name":"app","version":"1.0.0"}"#),
    );
    let r = why(&f, &[], &[]);
    let p = &r.packages[0];
    let publish = p.publish.as_ref().unwrap();
    assert_eq!(publish.checked_key.as_deref(), Some("//r.example/"));
    assert_eq!(
        publish.error.as_ref().map(|e| e.message.as_str()),
        Some("This command requires you to be logged in to https://r.example/npm")
    );
    assert!(p.packument.as_ref().unwrap().has_credential());
    let miss = p
        .near_misses
        .iter()
        .find(|n| n.reason == Reason::ExactKey)
        .unwrap();
    assert_eq!(miss.line, Some(2));
    assert!(miss.fix.contains("https://r.example/npm/"), "{}", miss.fix);
}

#[test]
fn near_miss_default_port_and_scheme() {
    let f = fixture(
        "registry=https://r.example/\n//r.example:443/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\nhttps://r.example/:_auth=dTpw\n",
        None,
    );
    let r = why(&f, &["lodash"], &[]);
    let p = &r.packages[0];
    assert!(!p.packument.as_ref().unwrap().has_credential());
    let rs = reasons(p);
    assert!(rs.contains(&Reason::DefaultPort), "{rs:?}");
    assert!(rs.contains(&Reason::Scheme), "{rs:?}");
    let fix = &p
        .near_misses
        .iter()
        .find(|n| n.reason == Reason::DefaultPort)
        .unwrap()
        .fix;
    assert!(fix.contains("`//r.example/:_authToken`"), "{fix}");
    assert!(!r.is_ok());
}

#[test]
fn near_miss_scope_case_and_other_path() {
    let f = fixture(
        "@Acme:registry=https://r.example/a/\n//r.example/b/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\nregistry=https://r.example/a/\n",
        None,
    );
    let r = why(&f, &["@acme/ui"], &[]);
    let rs = reasons(&r.packages[0]);
    assert!(rs.contains(&Reason::Case), "{rs:?}");
    assert!(rs.contains(&Reason::OtherPath), "{rs:?}");
}

#[test]
fn url_same_host_fallback_and_env_reference() {
    let f = fixture(
        "registry=https://r.example/npm/\n//r.example/npm/:_authToken=${NPM_TOKEN}\n",
        None,
    );
    let r = why(&f, &[], &["https://r.example/files/p.tgz"]);
    let auth = r.urls[0].request.auth.as_ref().unwrap();
    assert_eq!(auth.kind, crate::auth::Kind::Token);
    assert_eq!(auth.via_registry.as_deref(), Some("https://r.example/npm/"));
    let env = auth.source.as_ref().and_then(|s| s.env.as_ref()).unwrap();
    assert_eq!(env.name, "NPM_TOKEN");
    assert!(!env.set);
    assert!(auth.env_unset());
    assert!(!r.is_ok());
}

#[test]
fn project_specs_in_npm_order_without_duplicates() {
    let pkg: serde_json::Value = serde_json::from_str(
        r#"{"name":"app","version":"2.0.0","dependencies":{"a":"^1"},"devDependencies":{"a":"^2","b":"3"},"peerDependencies":{"app":"*"}}"#,
    )
    .unwrap();
    let specs: Vec<String> = project_specs(Some(&pkg))
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(specs, vec!["app@2.0.0", "a@^1", "b@3"]);
}

#[test]
fn relative_url_is_taken_from_the_registry() {
    // fuzz: `--url npm.example.com/x.tgz` is no URL for WHATWG, so
    // npm-registry-fetch appends it to the registry
    assert_eq!(
        fetch_uri("npm.example.com/x.tgz", None),
        "https://registry.npmjs.org/npm.example.com/x.tgz"
    );
    assert_eq!(
        fetch_uri(" /-/whoami ", Some("https://r.example/npm/ ")),
        "https://r.example/npm/-/whoami"
    );
    assert_eq!(fetch_uri("https://h/x", Some("https://r/")), "https://h/x");
    let f = fixture(
        "registry=https://r.example/npm\n//r.example/npm/:_authToken=t\n",
        None,
    );
    let r = why(&f, &["lodash"], &["-/whoami"]);
    assert_eq!(
        r.urls[0].request.url.as_deref(),
        Some("https://r.example/npm/-/whoami")
    );
    assert!(r.urls[0].request.has_credential());
}

fn why_publish(f: &Fixture, specs: &[&str], publish: bool) -> WhyReport {
    explain(
        &f.config,
        &f.validation,
        &f.env,
        &WhyInput {
            specs: specs.iter().map(|s| (*s).to_string()).collect(),
            urls: Vec::new(),
            publish,
            log_urls: Vec::new(),
        },
    )
}

#[test]
fn private_project_publish_counts_only_when_asked() {
    let token = "//r.example/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n";
    let f = fixture(
        &format!("registry=https://r.example/\n{token}"),
        Some(r#"{"name":"app","version":"1.0.0","private":true}"#),
    );
    let r = why_publish(&f, &[], false);
    let p = &r.packages[0];
    let pb = p.publish.as_ref().unwrap();
    assert!(pb.private);
    // npm: pre-check passes, the version check GET is sent, then EPRIVATE
    assert_eq!(
        pb.error.as_ref().and_then(|e| e.code.as_deref()),
        Some("EPRIVATE")
    );
    assert_eq!(
        pb.version_check.as_ref().and_then(|v| v.url.as_deref()),
        Some("https://r.example/app")
    );
    assert!(!p.publish_counts(false));
    assert!(r.is_ok(), "{:?}", r.problems());
    let asked = why_publish(&f, &[], true);
    assert_eq!(asked.problems(), vec!["npm publish app@1.0.0: EPRIVATE"]);
}

#[test]
fn eneedauth_comes_before_eprivate_and_dry_run_skips_both() {
    let f = fixture(
        "registry=https://r.example/\n",
        Some(r#"{"name":"app","version":"1.0.0","private":"yes"}"#),
    );
    let r = why_publish(&f, &[], true);
    let pb = r.packages[0].publish.as_ref().unwrap();
    assert_eq!(
        pb.error.as_ref().and_then(|e| e.code.as_deref()),
        Some("ENEEDAUTH")
    );
    // no version check after the pre-check failed
    assert!(pb.version_check.is_none());
}

#[test]
fn a_spec_publish_counts_only_with_publish() {
    let f = fixture("registry=https://r.example/\n", None);
    let r = why_publish(&f, &["lodash"], false);
    assert!(r.is_ok(), "{:?}", r.problems());
    let r = why_publish(&f, &["lodash"], true);
    assert_eq!(r.problems(), vec!["npm publish lodash: ENEEDAUTH"]);
}

#[test]
fn token_for_another_host_than_the_mapped_registry_is_a_near_miss() {
    // a GitHub token keyed to the public registry while the scope maps to
    // GitHub Packages: npm sends nothing to GitHub (E401)
    let f = fixture(
        "@acme:registry=https://npm.pkg.github.com/\n//registry.npmjs.org/:_authToken=ghp_FAKEfixtureTOKEN000000000000000000000\n",
        None,
    );
    let r = why(&f, &["@acme/ui"], &[]);
    assert_eq!(reasons(&r.packages[0]), vec![Reason::OtherHost]);
    assert!(!r.is_ok());
    // a token for a host no registry of the config uses
    let f = fixture(
        "@acme:registry=https://gitlab.example.com/api/v4/packages/npm/\n//gitlab.com/api/v4/packages/npm/:_authToken=tok-elsewhere\n",
        None,
    );
    let r = why(&f, &["@acme/ui"], &[]);
    assert_eq!(reasons(&r.packages[0]), vec![Reason::OtherHost]);
    // a token for the public registry that public requests use: fine
    let f = fixture(
        "//registry.npmjs.org/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n",
        None,
    );
    let r = why(&f, &["lodash"], &[]);
    assert!(r.is_ok(), "{:?}", r.problems());
}
