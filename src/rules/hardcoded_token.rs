//! `hardcoded-token`: a literal credential in a project file, worded by what
//! git knows about the file (`crate::project::git`): committed (error), not
//! tracked or git-ignored (one level lower: not in the repository, but in
//! plain text on disk), or unknown (no repository).

use crate::check::context::{Context, NpmrcDoc};
use crate::check::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::declare_rule;
use crate::manifest::spanned::{Manifest, pointer_token};
use crate::npmrc::lexer::{Entry, LineKind, Quote};
use crate::project::git::GitStatus;
use crate::rules::support::is_registry_key;
use crate::rules::support_auth::{
    attempts_variable, credential_kind, is_machine_layer, is_placeholder, is_secret_suffix_loose,
    only_env_refs, split_nerfed, without_env_refs,
};
use std::ops::Range;
use std::path::Path;

declare_rule! {
    name: "hardcoded-token",
    category: Security,
    severity: Error,
    fix: Sometimes,
    summary: "literal credential in a project file (ranked by git status: committed, ignored, untracked): use `${NPM_TOKEN}` and export it",
}

/// A literal credential found somewhere.
struct Finding {
    span: Range<usize>,
    /// How to name the place (`//h/:_authToken`, a comment, `registry`).
    place: String,
    kind: &'static str,
    placeholder: bool,
    /// A safe replacement of `span` by `${NPM_TOKEN}`.
    fixable: bool,
    /// The variable to suggest, for values of credential keys.
    var: Option<&'static str>,
}

/// The variable name to suggest for a credential key.
fn var_for(key: &str) -> &'static str {
    match key
        .rsplit(':')
        .next()
        .unwrap_or(key)
        .to_ascii_lowercase()
        .as_str()
    {
        "_auth" => "NPM_AUTH",
        "_password" => "NPM_PASSWORD",
        _ => "NPM_TOKEN",
    }
}

/// What the literal value of the secret key `key` looks like. A token
/// (`_authToken`) is sent as is, so base64-looking text there is just a
/// token, not a base64-encoded credential.
fn kind_for_key(key: &str, value: &str) -> &'static str {
    match credential_kind(value) {
        "base64 credential" if key.ends_with("_authToken") => "token",
        k => k,
    }
}

/// Whether the value of a secret key is a literal worth reporting.
fn literal_secret(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !only_env_refs(v)
        && !attempts_variable(v)
        && without_env_refs(v)
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .count()
            >= 3
}

/// The credential key's last part when it names a secret.
fn secret_suffix(key: &str) -> Option<&str> {
    let suffix = key.rsplit(':').next().unwrap_or(key);
    is_secret_suffix_loose(suffix).then_some(suffix)
}

/// `:_authToken=<literal>` glued into another value (or a comment):
/// returns the span of the literal, relative to `text`.
fn glued(text: &str, placeholders: bool) -> Vec<(Range<usize>, bool)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for marker in [":_authtoken=", ":_auth=", ":_password="] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(marker) {
            let start = from + p + marker.len();
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .map_or(text.len(), |e| start + e);
            let lit = &text[start..end];
            let placeholder = is_placeholder(lit);
            if literal_secret(lit) && (placeholders || !placeholder) {
                out.push((start..end, placeholder));
            }
            from = start;
        }
    }
    out
}

/// URL userinfo spans (`user:pass@`) of registry-like URLs in `text`,
/// which `credentials-in-url` reports.
fn userinfo_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("://") {
        let start = from + p + 3;
        let tail = &text[start..];
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        if let Some(at) = tail[..end].rfind('@') {
            out.push(start..start + at);
        }
        from = start;
    }
    out
}

/// Literal credentials in a free text (a value of a non-secret key, a
/// comment, a JSON string): known token formats, glued `:_authToken=…`,
/// URL passwords (unless `skip_userinfo`).
fn scan_text(
    text: &str,
    skip_userinfo: bool,
    in_comment: bool,
) -> Vec<(Range<usize>, &'static str)> {
    let mut out: Vec<(Range<usize>, &'static str)> = Vec::new();
    let userinfo = userinfo_spans(text);
    let in_userinfo = |r: &Range<usize>| {
        userinfo
            .iter()
            .any(|u| u.start <= r.start && r.end <= u.end)
    };
    for t in crate::secret::find_tokens(text) {
        if skip_userinfo && in_userinfo(&t.span) {
            continue;
        }
        out.push((t.span, t.kind));
    }
    // a glued credential is sent (or breaks the URL) even when it is a
    // placeholder; in comments only real-looking values count
    for (g, placeholder) in glued(text, !in_comment) {
        if !out.iter().any(|(r, _)| r.start < g.end && g.start < r.end) {
            let kind = if placeholder {
                "placeholder credential"
            } else {
                // the marker before the literal names the field
                kind_for_key(&text[..g.start - 1], &text[g.clone()])
            };
            out.push((g, kind));
        }
    }
    if !skip_userinfo {
        for p in crate::secret::url_password_spans(text) {
            if !out.iter().any(|(r, _)| r.start < p.end && p.start < r.end) {
                let lit = &text[p.clone()];
                if literal_secret(lit) && !is_placeholder(lit) {
                    out.push((p, "URL password"));
                }
            }
        }
    }
    out
}

fn entry_findings(doc: &NpmrcDoc, entry: &Entry, out: &mut Vec<Finding>) {
    let key = entry.prop.as_str();
    let Some(raw) = &entry.raw_value else { return };
    let Some(value) = entry.value.as_str() else {
        return;
    };
    let raw_text = doc.slice(&raw.span);
    let plain = raw.quote == Quote::None && raw.comment.is_none() && raw_text == value;
    if secret_suffix(key).is_some() {
        if literal_secret(value) {
            let placeholder = is_placeholder(value);
            out.push(Finding {
                span: raw.span.clone(),
                place: format!("`{key}`"),
                kind: if placeholder {
                    "placeholder"
                } else {
                    kind_for_key(key, value)
                },
                placeholder,
                var: Some(var_for(key)),
                fixable: plain
                    && split_nerfed(key)
                        .is_some_and(|(_, f)| f == crate::rules::support_auth::Field::AuthToken),
            });
        }
        return;
    }
    // other values: token formats and glued credentials; URL passwords of
    // registry URLs are credentials-in-url's
    for (r, kind) in scan_text(value, is_registry_key(key), false) {
        let span = if plain {
            raw.span.start + r.start..raw.span.start + r.end
        } else {
            raw.span.clone()
        };
        out.push(Finding {
            span,
            place: format!("the value of `{key}`"),
            kind,
            placeholder: kind == "placeholder credential",
            fixable: false,
            var: None,
        });
    }
}

fn npmrc_findings(doc: &NpmrcDoc) -> Vec<Finding> {
    let mut out = Vec::new();
    for line in &doc.lines {
        match &line.kind {
            LineKind::Entry(e) => entry_findings(doc, e, &mut out),
            LineKind::Comment | LineKind::Dropped => {
                let text = doc.slice(&line.span);
                for (r, kind) in scan_text(text, false, true) {
                    out.push(Finding {
                        span: line.span.start + r.start..line.span.start + r.end,
                        place: "a comment".into(),
                        kind,
                        placeholder: false,
                        fixable: false,
                        var: None,
                    });
                }
            }
            _ => {}
        }
    }
    // credentials inside an inline `# comment` after a value
    for (_, e) in doc.entries() {
        if let Some(c) = e.raw_value.as_ref().and_then(|v| v.comment.clone()) {
            let text = doc.slice(&c);
            for (r, kind) in scan_text(text, false, true) {
                out.push(Finding {
                    span: c.start + r.start..c.start + r.end,
                    place: "a comment".into(),
                    kind,
                    placeholder: false,
                    fixable: false,
                    var: None,
                });
            }
        }
    }
    out
}

fn diagnostic(file: &Path, f: &Finding, git: GitStatus) -> Diagnostic {
    let mut d = if f.placeholder {
        Diagnostic::new(
            RULE.name,
            file.to_path_buf(),
            f.span.clone(),
            format!(
                "{} is a literal placeholder, not a variable: npm sends it as the credential (E401) and the next person may paste a real token here",
                f.place
            ),
        )
        .label("placeholder credential")
    } else {
        let (where_, consequence) = match git {
            GitStatus::Tracked => (
                "a file committed to git",
                "anyone who can read the repository can use it",
            ),
            GitStatus::Ignored => (
                "a git-ignored file (not committed)",
                "it stays on this machine in plain text, where any tool that reads the project can see it",
            ),
            GitStatus::Untracked => (
                "a file git does not track yet",
                "committing the file would publish the credential",
            ),
            GitStatus::Unknown => (
                "a project file (not in a git repository, or git is not available)",
                "anyone who gets a copy of the project can use it",
            ),
        };
        let d = Diagnostic::new(
            RULE.name,
            file.to_path_buf(),
            f.span.clone(),
            format!(
                "{} holds a literal {} in {where_}: {consequence}",
                f.place, f.kind
            ),
        )
        .label("literal credential");
        match git {
            GitStatus::Tracked => d.note(
                "a token that was committed is in the git history: revoke it and create a new one",
            ),
            GitStatus::Ignored | GitStatus::Untracked => d.lower(),
            GitStatus::Unknown => d,
        }
    };
    d = d.help(match f.var {
        Some(var) => format!(
            "replace it with `${{{var}}}` and export {var} in the environment (a CI secret), or keep the credential in `~/.npmrc` (`npm login` writes it there)"
        ),
        None => "remove it from the file: pass it through an environment variable (`${NPM_TOKEN}`, exported as a CI secret) or keep it in `~/.npmrc`".to_string(),
    });
    if f.fixable {
        d = d.fix(Fix {
            title: "replace the value with `${NPM_TOKEN}`".into(),
            edits: vec![Edit {
                location: Location {
                    file: file.to_path_buf(),
                    span: f.span.clone(),
                },
                replacement: "${NPM_TOKEN}".into(),
            }],
            applicability: Applicability::Unsafe,
        });
    }
    d
}

/// Whether the file can be read by group or others.
fn mode_readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o044 != 0).then_some(mode & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn manifest_findings(m: &Manifest) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(v) = &m.value else { return out };
    let mut stack: Vec<(String, Option<String>, &serde_json::Value)> =
        vec![(String::new(), None, v)];
    while let Some((pointer, key, value)) = stack.pop() {
        match value {
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    stack.push((
                        format!("{pointer}/{}", pointer_token(k)),
                        Some(k.clone()),
                        v,
                    ));
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), None, v));
                }
            }
            serde_json::Value::String(s) => {
                let key = key.unwrap_or_default();
                if secret_suffix(&key).is_some() {
                    if literal_secret(s) {
                        let span = m.value_span(&pointer);
                        let placeholder = is_placeholder(s);
                        out.push(Finding {
                            span,
                            place: format!("`{key}` in package.json"),
                            kind: if placeholder {
                                "placeholder"
                            } else {
                                credential_kind(s)
                            },
                            placeholder,
                            fixable: false,
                            var: Some(var_for(&key)),
                        });
                    }
                    continue;
                }
                let registry = pointer.starts_with("/publishConfig/") && is_registry_key(&key);
                let found = scan_text(s, registry, false);
                if found.is_empty() {
                    continue;
                }
                let span = m.value_span(&pointer);
                let raw = m.text.get(span.clone()).unwrap_or("");
                let plain = raw.len() == s.len() + 2 && &raw[1..raw.len() - 1] == s;
                for (r, kind) in found {
                    out.push(Finding {
                        span: if plain {
                            span.start + 1 + r.start..span.start + 1 + r.end
                        } else {
                            span.clone()
                        },
                        place: format!("`{}` in package.json", pointer.trim_start_matches('/')),
                        kind,
                        placeholder: false,
                        fixable: false,
                        var: None,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        let findings = npmrc_findings(doc);
        if is_machine_layer(doc) {
            // npm's own place for tokens: only a problem when others can read it
            let Some(first) = findings.first() else {
                continue;
            };
            if let Some(mode) = mode_readable_by_others(&doc.path) {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        doc.path.clone(),
                        first.span.clone(),
                        format!(
                            "this file holds a credential ({}) but is readable by other users (mode {mode:o})",
                            first.place
                        ),
                    )
                    .label("credential in a group/world-readable file")
                    .help(format!("restrict it to its owner: `chmod 600 {}` (npm writes the user config with mode 0600)", doc.path.display())),
                );
            }
            continue;
        }
        let git = cx.git.status(&doc.path);
        for f in &findings {
            out.push(diagnostic(&doc.path, f, git));
        }
    }
    for m in cx.manifests() {
        let git = cx.git.status(&m.path);
        for f in manifest_findings(m) {
            out.push(diagnostic(&m.path, &f, git));
        }
    }
}
