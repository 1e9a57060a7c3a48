//! The `why` document (`--format json`, schema 1; docs/why-oracle.md) and
//! the human report (one block per spec, miette snippets of the lines that
//! matter, secrets masked).

use super::credential::{AuthView, KeySource};
use super::near_miss::NearMiss;
use super::publish::PublishView;
use super::registry::RegistryChoice;
use super::tarball::TarballRequest;
use super::{ErrorInfo, PackageWhy, Request, UrlWhy, WhyReport};
use serde_json::{Value as J, json};

pub use super::human::write_human;

fn path_json(p: Option<&std::path::PathBuf>) -> J {
    p.map_or(J::Null, |p| J::String(p.display().to_string()))
}

/// `{code, message}` or null.
#[must_use]
pub fn error_json(e: Option<&ErrorInfo>) -> J {
    e.map_or(J::Null, |e| json!({"code": e.code, "message": e.message}))
}

fn source_fields(s: Option<&KeySource>, m: &mut serde_json::Map<String, J>) {
    m.insert("layer".into(), json!(s.and_then(|s| s.layer.clone())));
    m.insert("file".into(), path_json(s.and_then(|s| s.file.as_ref())));
    m.insert("line".into(), json!(s.and_then(|s| s.line)));
    m.insert("value".into(), json!(s.and_then(|s| s.value.clone())));
    m.insert(
        "env".into(),
        s.and_then(|s| s.env.as_ref())
            .map_or(J::Null, |e| json!({"name": e.name, "set": e.set})),
    );
}

/// The AUTH object.
#[must_use]
pub fn auth_json(a: Option<&AuthView>) -> J {
    let Some(a) = a else {
        return J::Null;
    };
    let mut m = serde_json::Map::new();
    m.insert("kind".into(), json!(a.kind.name()));
    m.insert("keys".into(), json!(a.keys));
    source_fields(a.source.as_ref(), &mut m);
    m.insert("cert".into(), json!(a.cert));
    m.insert("scope_auth_key".into(), json!(a.scope_auth_key));
    m.insert("via_registry".into(), json!(a.via_registry));
    m.insert("header".into(), json!(a.header));
    m.insert("from_url".into(), json!(a.from_url));
    m.insert("literal_var".into(), json!(a.literal_var));
    J::Object(m)
}

fn request_json(r: Option<&Request>) -> J {
    let Some(r) = r else {
        return json!({"url": null, "method": null, "auth": null, "error": null});
    };
    json!({"url": r.url, "method": r.method, "auth": auth_json(r.auth.as_ref()), "error": error_json(r.error.as_ref())})
}

fn tarball_json(t: Option<&TarballRequest>, version: &str) -> J {
    let mut v = request_json(t.map(|t| &t.request));
    if let Some(o) = v.as_object_mut() {
        let from = match t {
            Some(t) if t.from_lockfile => "lockfile",
            Some(t) if t.from_spec => "spec",
            _ => "packument",
        };
        o.insert("from".into(), json!(from));
        o.insert("resolved".into(), json!(t.map(|t| &t.resolved)));
        o.insert(
            "version_known".into(),
            json!(t.is_some_and(|t| t.version_known)),
        );
        // pacote reads a URL spec's package.json from the tarball while
        // building the tree, then fetches it again to extract it (unless
        // npm's cache answers)
        o.insert(
            "fetched_twice".into(),
            json!(t.is_some_and(|t| t.from_spec)),
        );
        o.insert(
            "url_pattern".into(),
            json!(t.and_then(|t| t.url_pattern(version))),
        );
    }
    v
}

fn registry_json(r: Option<&RegistryChoice>) -> J {
    r.map_or(J::Null, |r| {
        json!({"url": r.url, "key": r.key, "layer": r.layer, "file": path_json(r.file.as_ref()), "line": r.line})
    })
}

fn publish_json(p: Option<&PublishView>) -> J {
    let Some(p) = p else {
        return J::Null;
    };
    let put = p.put.as_ref();
    json!({
        "registry": p.registry,
        "error": error_json(p.error.as_ref()),
        "auth": auth_json(put.and_then(|r| r.auth.as_ref())),
        "url": put.and_then(|r| r.url.clone()),
        "checked_key": p.checked_key,
        "publish_config": p.publish_config,
        "ignored_publish_config_registry": p.ignored_publish_config_registry,
        "warning": p.warning,
        "private": p.private,
        "dry_run": p.dry_run,
        "put_sent": p.error.is_none() && !p.dry_run && put.is_some_and(|r| r.error.is_none()),
        "version_check": p.version_check.as_ref().map_or(J::Null, |r| request_json(Some(r))),
    })
}

/// One near miss.
#[must_use]
pub fn near_miss_json(n: &NearMiss) -> J {
    json!({
        "request": n.request,
        "key": n.key,
        "layer": n.layer,
        "file": path_json(n.file.as_ref()),
        "line": n.line,
        "reason": n.reason.code(),
        "message": n.message,
        "fix": n.fix,
    })
}

fn package_json(p: &PackageWhy) -> J {
    json!({
        "spec": p.spec,
        "source": p.source.name(),
        "error": error_json(p.error.as_ref()),
        "registry": registry_json(p.registry.as_ref()),
        "packument": request_json(p.packument.as_ref()),
        "tarball": tarball_json(p.tarball.as_ref(), &p.version),
        "pack": request_json(p.pack.as_ref()),
        "publish": publish_json(p.publish.as_ref()),
        "near_misses": p.near_misses.iter().map(near_miss_json).collect::<Vec<_>>(),
    })
}

fn url_json(u: &UrlWhy) -> J {
    json!({
        "url": u.request.url,
        "auth": auth_json(u.request.auth.as_ref()),
        "error": error_json(u.request.error.as_ref()),
        "near_misses": u.near_misses.iter().map(near_miss_json).collect::<Vec<_>>(),
    })
}

/// The whole document (schema 1), every string scrubbed of secrets.
#[must_use]
pub fn to_json(r: &WhyReport) -> J {
    let mut doc = document(r);
    super::scrub::scrub_json(&mut doc);
    doc
}

fn document(r: &WhyReport) -> J {
    let mut doc = json!({
        "schema": 1,
        "validation": {"error": error_json(r.validation.as_ref())},
        "packages": r.packages.iter().map(package_json).collect::<Vec<_>>(),
        "urls": r.urls.iter().map(url_json).collect::<Vec<_>>(),
        "notes": r.notes,
        "whoami": {
            "registry": r.whoami.registry,
            "checked_key": r.whoami.checked_key,
            "from_config": r.whoami.from_config,
            "request": r.whoami.request.as_ref().map_or(J::Null, |q| request_json(Some(q))),
            "error": error_json(r.whoami.error.as_ref()),
        },
        "audit": r.audit.as_ref().map_or(J::Null, |a| json!({
            "request": request_json(Some(&a.request)),
            "names": a.names,
            "from_lockfile": a.from_lockfile,
            "other_registry": a.other_registry.iter().map(|(n, reg)| json!({"name": n, "registry": reg})).collect::<Vec<_>>(),
        })),
        "ok": r.is_ok(),
        "problems": r.problems(),
    });
    if let (Some(d), Some(o)) = (&r.log, doc.as_object_mut()) {
        o.insert("log".into(), super::log::diagnosis_json(d));
    }
    doc
}
