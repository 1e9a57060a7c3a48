//! The human `why` report: one block per spec (registry, packument,
//! tarball, publish), the near misses as miette snippets of the lines
//! involved (secrets masked), and the diagnosis of a log.

use super::credential::{AuthView, KeySource};
use super::near_miss::NearMiss;
use super::{PackageWhy, Request, UrlWhy, WhyReport};
use crate::auth::Kind;
use crate::config::Origin;
use crate::report::display_path;
use miette::{GraphicalReportHandler, LabeledSpan, NamedSource, SourceSpan};
use std::io::Write;
use std::path::Path;

struct Ctx<'a> {
    cwd: &'a Path,
    handler: GraphicalReportHandler,
}

fn span_of(text: &str, origin: &Origin) -> Option<SourceSpan> {
    let span = origin.line_span.clone().or_else(|| {
        let line = usize::try_from(origin.line?).ok()?;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                return Some(start..start + l.trim_end_matches(['\n', '\r']).len());
            }
            start += l.len();
        }
        None
    })?;
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    (text.is_char_boundary(start) && text.is_char_boundary(end))
        .then(|| SourceSpan::new(start.into(), end - start))
}

impl Ctx<'_> {
    fn loc(&self, file: Option<&Path>, line: Option<u32>, layer: Option<&str>) -> String {
        match (file, line) {
            (Some(f), Some(l)) => format!("{}:{l}", display_path(f, self.cwd)),
            (Some(f), None) => display_path(f, self.cwd),
            _ => layer.map_or_else(String::new, |l| format!("{l} layer")),
        }
    }

    fn snippet(
        &self,
        origin: &Origin,
        message: &str,
        label: &str,
        help: Option<String>,
    ) -> Option<String> {
        let file = origin.file.as_ref()?;
        let raw = String::from_utf8_lossy(&crate::fsread::read_input(file).ok()?).into_owned();
        let masked = crate::secret::mask_source(file, &raw);
        let span = span_of(&masked, origin)?;
        let s = crate::report::human::Report {
            message: message.to_string(),
            code: None,
            severity: miette::Severity::Warning,
            help,
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(label.to_string()),
                span,
            )],
            source: NamedSource::new(
                display_path(file, self.cwd),
                crate::report::human::Snippet::new(masked),
            ),
            related: Vec::new(),
            url: None,
        };
        let mut out = String::new();
        self.handler.render_report(&mut out, &s).ok()?;
        Some(out)
    }

    fn source_line(&self, s: &KeySource) -> String {
        let loc = self.loc(s.file.as_deref(), s.line, s.layer.as_deref());
        let value = s.value.as_deref().unwrap_or("(unset)");
        let env = s.env.as_ref().map_or_else(String::new, |e| {
            if e.set {
                format!(", ${{{}}} is set", e.name)
            } else if e.optional {
                format!(", ${{{}?}} is unset → \"\"", e.name)
            } else {
                format!(", ${{{}}} is NOT set → sent literally", e.name)
            }
        });
        format!("{} = {value}  ({loc}{env})", s.key)
    }

    fn auth_lines(&self, a: &AuthView) -> Vec<String> {
        let mut out = Vec::new();
        let mark = if a.env_unset() || a.cert_missing || a.literal_var.is_some() {
            "✘"
        } else if a.kind == Kind::None {
            "·"
        } else {
            "✔"
        };
        let what = match a.kind {
            Kind::Token => "Bearer token",
            Kind::Basic => "Basic auth",
            Kind::Cert => "client certificate",
            Kind::None => "no credential",
        };
        let mut head = format!("{mark} {what}");
        if a.cert && a.kind != Kind::Cert {
            head.push_str(" + client certificate");
        }
        if let Some(r) = &a.via_registry {
            head.push_str(&format!(
                " (same-host fallback: walked the registry URL {r})"
            ));
        }
        if a.from_url {
            head.push_str(
                " (user:password inside the URL: node sends them when npm sets no header)",
            );
        }
        out.push(head);
        if let Some(s) = &a.source {
            out.push(format!("  {}", self.source_line(s)));
        }
        if let Some(v) = &a.literal_var {
            out.push(format!(
                "  the value holds {v}, sent as written: npm expands only ${{NAME}}"
            ));
        }
        if a.cert_missing {
            out.push(
                "  certfile/keyfile are set here but a file is missing: npm sends nothing".into(),
            );
        }
        if let Some(k) = &a.scope_auth_key {
            out.push(format!(
                "  the scope registry's credential ({k}) is for another host: npm does not send it"
            ));
        }
        out
    }

    fn request(
        &self,
        out: &mut dyn Write,
        label: &str,
        r: &Request,
        extra: &str,
    ) -> std::io::Result<()> {
        let url = r.url.as_deref().unwrap_or("(no request)");
        writeln!(out, "  {label:<10} {} {url}{extra}", r.method)?;
        if let Some(e) = &r.error {
            writeln!(
                out,
                "  {:<10} ✘ {}: {}",
                "",
                e.code.as_deref().unwrap_or("error"),
                e.message
            )?;
        }
        if let Some(a) = &r.auth {
            for l in self.auth_lines(a) {
                writeln!(out, "  {:<10} {l}", "")?;
            }
        }
        Ok(())
    }

    fn near_misses(&self, out: &mut dyn Write, misses: &[NearMiss]) -> std::io::Result<()> {
        if misses.is_empty() {
            return Ok(());
        }
        writeln!(out, "  near misses:")?;
        for n in misses {
            let title = format!("{} ({}): {}", n.reason.code(), n.request, n.message);
            let rendered = n
                .origin
                .as_ref()
                .and_then(|o| self.snippet(o, &title, "this key", Some(format!("fix: {}", n.fix))));
            match rendered {
                Some(s) => write!(out, "{s}")?,
                None => {
                    let loc = self.loc(n.file.as_deref(), n.line, n.layer.as_deref());
                    writeln!(out, "    ✘ {} ({loc}) {title}", n.key)?;
                    writeln!(out, "      fix: {}", n.fix)?;
                }
            }
        }
        Ok(())
    }

    fn package(&self, out: &mut dyn Write, p: &PackageWhy, asked: bool) -> std::io::Result<()> {
        writeln!(out, "{} ({})", p.spec, p.source.name())?;
        if let Some(e) = &p.error {
            writeln!(
                out,
                "  ✘ {}: {}",
                e.code.as_deref().unwrap_or("error"),
                e.message
            )?;
            return Ok(());
        }
        if let Some(r) = &p.registry {
            let from = match &r.key {
                Some(k) => format!(
                    "from {k}{} ({})",
                    if r.via_scope_config {
                        ", via the `scope` config"
                    } else {
                        ""
                    },
                    self.loc(r.file.as_deref(), r.line, r.layer.as_deref())
                ),
                None => "npm's built-in default".into(),
            };
            writeln!(out, "  {:<10} {}  {from}", "registry", r.url)?;
        }
        if let Some(r) = &p.packument {
            self.request(out, "packument", r, "")?;
        }
        if let Some(t) = &p.tarball {
            let extra = if t.from_lockfile {
                if t.request.url.as_deref() == Some(t.resolved.as_str()) {
                    "  (lockfile)".to_string()
                } else {
                    format!("  (lockfile: {}, rewritten)", t.resolved)
                }
            } else if t.from_spec {
                "  (the spec is the tarball URL; fetched twice: for its package.json, then to extract)"
                    .to_string()
            } else if t.version_known {
                "  (registry's conventional URL)".to_string()
            } else {
                "  (version unknown without a lockfile: the registry's conventional URL; the packument decides)"
                    .to_string()
            };
            let mut shown = t.request.clone();
            shown.url = t.url_pattern(&p.version);
            self.request(out, "tarball", &shown, &extra)?;
        }
        // the publish verdict is shown where it counts (the verdict of
        // `WhyReport::problems`); a private project package is only noted
        let publish = p.publish.as_ref().filter(|_| p.publish_counts(asked));
        if publish.is_none()
            && p.publish
                .as_ref()
                .is_some_and(|pb| pb.private && pb.project)
        {
            writeln!(
                out,
                "  {:<10} · npm refuses: private (EPRIVATE); `why --publish` explains a publish anyway",
                "publish"
            )?;
        }
        if let Some(pb) = publish {
            let reg = pb.registry.as_deref().unwrap_or("?");
            let pc = if pb.publish_config {
                " (after publishConfig)"
            } else {
                ""
            };
            writeln!(out, "  {:<10} registry {reg}{pc}", "publish")?;
            if let Some(r) = &pb.ignored_publish_config_registry {
                writeln!(
                    out,
                    "  {:<10} publishConfig.registry {r} is ignored: the scope is mapped (use publishConfig[\"@scope:registry\"])",
                    ""
                )?;
            }
            if let Some(k) = &pb.checked_key {
                writeln!(
                    out,
                    "  {:<10} pre-check looks up exactly {k}:_authToken / :username+:_password / :_auth",
                    ""
                )?;
            }
            match &pb.error {
                Some(e) => writeln!(
                    out,
                    "  {:<10} ✘ {}: {}",
                    "",
                    e.code.as_deref().unwrap_or("error"),
                    crate::secret::redact_text(&e.message)
                )?,
                None => writeln!(out, "  {:<10} ✔ pre-check passes", "")?,
            }
            if let Some(w) = &pb.warning {
                writeln!(out, "  {:<10} ! {w}", "")?;
            }
            if let Some(vc) = &pb.version_check {
                self.request(out, "", vc, "  (version check; npm ignores its errors)")?;
            }
            if let Some(put) = &pb.put {
                self.request(out, "", put, "")?;
            }
        }
        let misses: Vec<NearMiss> = p
            .near_misses
            .iter()
            .filter(|n| publish.is_some() || n.request != "publish")
            .cloned()
            .collect();
        self.near_misses(out, &misses)
    }

    fn whoami(&self, out: &mut dyn Write, w: &super::whoami::Whoami) -> std::io::Result<()> {
        writeln!(
            out,
            "npm whoami (asks {}, never a scope's registry)",
            w.registry
        )?;
        if w.from_config {
            writeln!(
                out,
                "  {:<10} answers the user name configured at {}… (no request)",
                "",
                w.checked_key.as_deref().unwrap_or("?")
            )?;
        }
        if let Some(r) = &w.request {
            self.request(out, "", r, "")?;
        }
        if let Some(e) = &w.error {
            writeln!(
                out,
                "  {:<10} · would fail: {}: {} (no _authToken, username+_password, _auth or certfile+keyfile at exactly {})",
                "",
                e.code.as_deref().unwrap_or("error"),
                e.message,
                w.checked_key.as_deref().unwrap_or("?")
            )?;
        }
        writeln!(out)
    }

    fn audit(&self, out: &mut dyn Write, a: &super::audit::Audit) -> std::io::Result<()> {
        writeln!(
            out,
            "npm audit (also run by npm install / npm ci unless --no-audit)"
        )?;
        self.request(out, "", &a.request, "")?;
        writeln!(
            out,
            "  {:<10} sends the names and versions of {} package{}{}",
            "",
            a.names.len(),
            if a.names.len() == 1 { "" } else { "s" },
            if a.from_lockfile {
                " (the lockfile's)"
            } else {
                " (the direct dependencies; their own dependencies too)"
            }
        )?;
        if !a.other_registry.is_empty() {
            let list: Vec<String> = a
                .other_registry
                .iter()
                .take(5)
                .map(|(n, r)| format!("{n} (from {r})"))
                .collect();
            writeln!(
                out,
                "  {:<10} ! including {} whose registry is another one: {}{}",
                "",
                a.other_registry.len(),
                list.join(", "),
                if a.other_registry.len() > 5 {
                    ", …"
                } else {
                    ""
                }
            )?;
        }
        writeln!(out)
    }

    fn url(&self, out: &mut dyn Write, u: &UrlWhy) -> std::io::Result<()> {
        writeln!(out, "{} (--url)", u.input)?;
        self.request(out, "request", &u.request, "")?;
        self.near_misses(out, &u.near_misses)
    }
}

/// Writes the human report.
///
/// # Errors
/// Write errors.
pub fn write_human(
    why: &WhyReport,
    cwd: &Path,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let ctx = Ctx {
        cwd,
        handler: crate::report::human::handler(color),
    };
    if let Some(v) = &why.validation {
        writeln!(
            out,
            "✘ npm aborts every command except `npm config` before any request:\n  {}: {}\n",
            v.code.as_deref().unwrap_or("error"),
            v.message
        )?;
    }
    for n in &why.notes {
        writeln!(out, "note: {n}")?;
    }
    if why.packages.is_empty() && why.urls.is_empty() {
        writeln!(
            out,
            "Nothing to explain: give a SPEC or --url, or run in a project with a package.json."
        )?;
    }
    for p in &why.packages {
        ctx.package(out, p, why.publish_asked)?;
        writeln!(out)?;
    }
    for u in &why.urls {
        ctx.url(out, u)?;
        writeln!(out)?;
    }
    ctx.whoami(out, &why.whoami)?;
    if let Some(a) = &why.audit {
        ctx.audit(out, a)?;
    }
    if let Some(d) = &why.log {
        if d.failures.is_empty() {
            writeln!(out, "The log shows no failing request.")?;
        }
        for f in &d.failures {
            let x = &f.failure;
            writeln!(
                out,
                "log: {} {} {} {}",
                x.code.as_deref().unwrap_or("-"),
                x.method.as_deref().unwrap_or(""),
                x.status.map(|s| s.to_string()).unwrap_or_default(),
                x.url
                    .as_deref()
                    .map(crate::secret::redact_text)
                    .unwrap_or_default()
            )?;
            for (i, c) in f.causes.iter().enumerate() {
                let loc = ctx.loc(c.file.as_deref(), c.line, None);
                let loc = if loc.is_empty() {
                    String::new()
                } else {
                    format!("  [{loc}]")
                };
                writeln!(out, "  {}. {}{loc}\n     {}", i + 1, c.title, c.detail)?;
            }
            writeln!(out)?;
        }
    }
    let problems = why.problems();
    if problems.is_empty() {
        writeln!(out, "✔ every request carries the credential it needs")
    } else {
        writeln!(
            out,
            "✘ {} problem{}:",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )?;
        for p in problems {
            writeln!(out, "  - {}", crate::secret::redact_text(&p))?;
        }
        Ok(())
    }
}
