//! `npmrc-doctor config [list] [--json]` and `config get KEY`: npm's
//! effective configuration with the origin of every value.

use super::NpmArgs;
use crate::config::validate::{AuthAction, Validation, ValidationError, validate};
use crate::config::{Config, FailedLoad, FileStatus, Layer, Origin, Setting, load_logged};
use crate::env::Env;
use crate::secret;
use crate::value::Value;
use serde_json::{Map, Value as J, json};
use std::io::Write;

/// Arguments of `config`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// `list` (default) or `get`.
    #[arg(value_name = "ACTION", default_value = "list")]
    action: String,
    /// The key, for `get`.
    #[arg(value_name = "KEY")]
    key: Option<String>,
    /// Print JSON (schema 1) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    npm: NpmArgs,
}

/// Runs `config`; returns the exit code.
pub fn run(args: &ConfigArgs, env: &Env, out: &mut dyn Write) -> u8 {
    let config = match load_logged(env, &args.npm.load_options()) {
        Ok(c) => c,
        Err(failed) => return report_load_error(&failed, args.json, out),
    };
    let validation = validate(&config);
    let result = match (args.action.as_str(), &args.key) {
        ("list" | "ls", None) => {
            if args.json {
                write_json(out, &list_json(&config, &validation))
            } else {
                write_list(out, &config, &validation)
            }
        }
        ("get", Some(key)) => write_get(out, &config, key, args.json),
        ("get", None) => {
            super::output::error("`config get` needs a KEY");
            return super::EXIT_USAGE;
        }
        (other, _) => {
            super::output::error(&format!(
                "unknown config action `{other}` (expected `list` or `get KEY`)"
            ));
            return super::EXIT_USAGE;
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            super::output::error(&format!("cannot write output: {e}"));
            super::EXIT_USAGE
        }
    }
}

fn report_load_error(failed: &FailedLoad, json_out: bool, out: &mut dyn Write) -> u8 {
    let e = &failed.error;
    let warnings: Vec<&str> = failed.warnings.iter().map(|w| w.text.as_str()).collect();
    if json_out {
        let doc = json!({
            "schema": 1,
            "load_error": {"code": e.code(), "message": e.to_string()},
            "warnings": warnings,
        });
        let _ = write_json(out, &doc);
    } else {
        for w in &warnings {
            let _ = writeln!(out, "{w}");
        }
        super::output::error(&format!(
            "npm cannot load its configuration: {}{}",
            e.code().map(|c| format!("{c}: ")).unwrap_or_default(),
            e
        ));
    }
    1
}

fn write_json(out: &mut dyn Write, doc: &J) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// A value as displayed: secrets masked, URL passwords redacted.
#[must_use]
pub fn display_json(key: &str, value: &Value) -> J {
    let secret = secret::is_secret_key(key);
    mask_json(&config_json(value), secret)
}

/// `Value::to_json`, except that non-finite numbers are their `String(n)`
/// (`depth=Infinity` → `"Infinity"`), as the schema says, at any depth.
fn config_json(value: &Value) -> J {
    match value {
        Value::Number(n) if !n.is_finite() => J::String(value.js_string()),
        Value::Array(items) => J::Array(items.iter().map(config_json).collect()),
        Value::Object(obj) => J::Object(
            obj.iter()
                .filter(|(_, v)| !matches!(v, Value::Undefined))
                .map(|(k, v)| (k.to_string(), config_json(v)))
                .collect(),
        ),
        other => other.to_json(),
    }
}

fn mask_json(v: &J, secret_key: bool) -> J {
    match v {
        J::String(s) => J::String(if secret_key {
            secret::mask(s)
        } else {
            secret::redact_url_passwords(s)
        }),
        J::Array(a) => J::Array(a.iter().map(|x| mask_json(x, secret_key)).collect()),
        J::Object(o) => J::Object(
            o.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        mask_json(x, secret_key || secret::is_secret_key(k)),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn origin_json(o: &Origin) -> J {
    json!({
        "layer": o.layer.name(),
        "file": o.file.as_ref().map(|f| f.display().to_string()),
        "line": o.line,
        "env": o.env_var,
    })
}

fn setting_json(config: &Config, s: &Setting) -> J {
    let mut shadowed: Vec<J> = s.overridden.iter().rev().map(origin_json).collect();
    let own = config.find(&s.key);
    for layer in config.layers.iter().rev() {
        if layer.layer == Layer::Default || Some(layer.layer) >= own {
            continue;
        }
        if let Some(lower) = layer.get(&s.key) {
            shadowed.push(origin_json(&lower.origin));
            shadowed.extend(lower.overridden.iter().rev().map(origin_json));
        }
    }
    let mut m = Map::new();
    m.insert("value".into(), display_json(&s.key, &s.value));
    m.insert("type".into(), J::String(s.value.type_name().into()));
    m.insert("layer".into(), J::String(s.origin.layer.name().into()));
    m.insert(
        "file".into(),
        s.origin
            .file
            .as_ref()
            .map(|f| J::String(f.display().to_string()))
            .unwrap_or(J::Null),
    );
    m.insert("line".into(), s.origin.line.map_or(J::Null, J::from));
    if let Some(var) = &s.origin.env_var {
        m.insert("env".into(), J::String(var.clone()));
    }
    if let Some(arg) = &s.origin.arg {
        m.insert("arg".into(), J::String(secret::redact_url_passwords(arg)));
    }
    if s.raw_key != s.key {
        m.insert("raw_key".into(), J::String(s.raw_key.clone()));
    }
    if !s.env_refs.is_empty() {
        m.insert(
            "env_refs".into(),
            J::Array(
                s.env_refs
                    .iter()
                    .map(|r| json!({"name": r.name, "set": r.set, "optional": r.optional}))
                    .collect(),
            ),
        );
    }
    m.insert("shadowed".into(), J::Array(shadowed));
    J::Object(m)
}

fn file_json(l: &crate::config::LayerData) -> J {
    let path = match (&l.raw_source, &l.path) {
        (Some(raw), _) => mask_json(&raw.to_json(), false),
        (None, Some(p)) => J::String(p.display().to_string()),
        (None, None) => J::String(l.source.clone()),
    };
    json!({
        "layer": l.layer.name(),
        "path": path,
        "status": l.status.name(),
        "reason": l.status.reason(),
        "notes": l.text.as_ref().map(|t| t.notes.clone()).unwrap_or_default(),
    })
}

fn validation_error_json(v: &Validation) -> J {
    match &v.error {
        None => J::Null,
        Some(e @ ValidationError::InvalidAuth { problems, .. }) => json!({
            "code": e.code(),
            "message": e.message(),
            "problems": problems.iter().map(|p| match &p.action {
                AuthAction::Delete => json!({"action": "delete", "key": p.key, "where": p.layer.name()}),
                AuthAction::Rename { to } => json!({"action": "rename", "from": p.key, "to": to, "where": p.layer.name()}),
            }).collect::<Vec<_>>(),
        }),
        Some(e @ ValidationError::Thrown { .. }) => json!({
            "code": e.code(),
            "message": e.message(),
        }),
        Some(e @ ValidationError::InvalidUrl { registry, .. }) => json!({
            "code": e.code(),
            "message": e.message(),
            "registry": secret::redact_url_passwords(registry),
        }),
    }
}

/// All warnings in the order npm logs them.
fn all_warnings(config: &Config, v: &Validation) -> Vec<String> {
    config
        .load_warnings
        .iter()
        .chain(v.warnings.iter())
        .chain(config.queued_warnings.iter())
        .map(|w| secret::redact_text(&w.text))
        .collect()
}

/// The `config --json` document (docs/scenarios.md).
#[must_use]
pub fn list_json(config: &Config, v: &Validation) -> J {
    let mut map = Map::new();
    for key in config.explicit_keys() {
        if let Some(s) = config.setting(key) {
            map.insert(key.to_string(), setting_json(config, s));
        }
    }
    json!({
        "schema": 1,
        "files": config.files().map(file_json).collect::<Vec<_>>(),
        "config": J::Object(map),
        "validation": {"error": validation_error_json(v)},
        "warnings": all_warnings(config, v),
        "local_prefix": config.local_prefix.display().to_string(),
        "global_prefix": config.global_prefix.display().to_string(),
        "package_manager": package_manager_json(&config.local_prefix),
    })
}

/// The package manager detected for the project (`crate::project`).
fn package_manager_json(dir: &std::path::Path) -> J {
    let d = crate::project::detect(dir);
    json!({
        "name": d.manager.name(),
        "evidence": d.evidence,
        "reads_npmrc": d.manager.reads_npmrc(),
    })
}

fn value_text(key: &str, value: &Value) -> String {
    let j = display_json(key, value);
    match &j {
        J::String(s) if secret::is_secret_key(key) => s.clone(),
        _ => j.to_string(),
    }
}

fn write_list(out: &mut dyn Write, config: &Config, v: &Validation) -> std::io::Result<()> {
    let mut buf = Vec::new();
    write_list_raw(&mut buf, config, v)?;
    out.write_all(crate::util::printable(&String::from_utf8_lossy(&buf)).as_bytes())
}

fn write_list_raw(out: &mut dyn Write, config: &Config, v: &Validation) -> std::io::Result<()> {
    for layer in Layer::ALL.iter().rev().filter(|l| **l != Layer::Default) {
        let data = config.layer(*layer);
        if data.settings.is_empty() {
            continue;
        }
        let title = match (&data.path, *layer) {
            (Some(p), _) => format!("; \"{layer}\" config from {}", p.display()),
            (None, Layer::Env) => "; \"env\" config from environment".to_string(),
            (None, Layer::Cli) => "; \"cli\" config from command line options".to_string(),
            (None, _) => format!("; \"{layer}\" config"),
        };
        writeln!(out, "{title}\n")?;
        let mut settings: Vec<&Setting> = data.settings.iter().collect();
        settings.sort_by(|a, b| a.key.cmp(&b.key));
        for s in settings {
            let winner = config.find(&s.key);
            let at = match (&s.origin.line, &s.origin.env_var) {
                (Some(l), _) => format!("line {l}"),
                (None, Some(var)) => var.clone(),
                _ => String::new(),
            };
            let text = format!("{} = {}", s.key, value_text(&s.key, &s.value));
            if winner == Some(*layer) {
                if at.is_empty() {
                    writeln!(out, "{text}")?;
                } else {
                    writeln!(out, "{text} ; {at}")?;
                }
            } else {
                let by = winner.map_or_else(String::new, |w| w.name().to_string());
                writeln!(
                    out,
                    "; {text} ; overridden by {by}{}",
                    if at.is_empty() {
                        String::new()
                    } else {
                        format!(" ({at})")
                    }
                )?;
            }
            for dead in &s.overridden {
                writeln!(out, ";   (duplicate at {} is dead)", dead.describe())?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "; files")?;
    for l in config.files() {
        let path = l
            .path
            .as_ref()
            .map_or_else(|| l.source.clone(), |p| p.display().to_string());
        let reason = match &l.status {
            FileStatus::Unreadable(r) | FileStatus::Skipped(r) => format!(" {r}"),
            _ => String::new(),
        };
        writeln!(
            out,
            ";   {:<8} {:<10} {path}{reason}",
            l.layer.name(),
            l.status.name()
        )?;
        if let Some(t) = &l.text {
            for note in &t.notes {
                writeln!(out, ";            note: the file {note}")?;
            }
        }
    }
    writeln!(
        out,
        "; project root (localPrefix): {}",
        config.local_prefix.display()
    )?;
    if let Some(ws) = &config.workspace {
        writeln!(out, "; workspace: {}", ws.display())?;
    }
    let pm = crate::project::detect(&config.local_prefix);
    writeln!(
        out,
        "; package manager: {} ({}){}",
        pm.manager.name(),
        pm.evidence,
        if pm.manager.reads_npmrc() {
            ""
        } else {
            "; it does not read .npmrc, only npm commands do"
        }
    )?;
    writeln!(out, "; global prefix: {}", config.global_prefix.display())?;
    match &v.error {
        None => {}
        Some(e) => {
            writeln!(out, "\n; every npm command except `npm config` fails:")?;
            if let Some(code) = e.code() {
                writeln!(out, "; npm error code {code}")?;
            }
            for line in e.message().lines() {
                writeln!(out, "; npm error {line}")?;
            }
        }
    }
    let warnings = all_warnings(config, v);
    if !warnings.is_empty() {
        writeln!(out, "\n; warnings npm prints:")?;
        for w in warnings {
            writeln!(out, "; {w}")?;
        }
    }
    Ok(())
}

fn write_get(
    out: &mut dyn Write,
    config: &Config,
    key: &str,
    json_out: bool,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    write_get_raw(&mut buf, config, key, json_out)?;
    out.write_all(crate::util::printable(&String::from_utf8_lossy(&buf)).as_bytes())
}

fn write_get_raw(
    out: &mut dyn Write,
    config: &Config,
    key: &str,
    json_out: bool,
) -> std::io::Result<()> {
    let setting = config.setting(key);
    if json_out {
        let doc = match setting {
            Some(s) => setting_json(config, s),
            None => {
                json!({"value": display_json(key, config.get(key)), "type": config.get(key).type_name(), "layer": "default"})
            }
        };
        return write_json(out, &doc);
    }
    let value = config.get(key);
    match value {
        Value::Str(_) if secret::is_secret_key(key) => writeln!(out, "{}", value_text(key, value))?,
        Value::Str(s) => writeln!(out, "{}", secret::redact_url_passwords(s))?,
        Value::Undefined => writeln!(out, "undefined")?,
        other => writeln!(out, "{}", value_text(key, other))?,
    }
    if let Some(s) = setting {
        writeln!(out, "; from {} ({})", s.origin.describe(), s.origin.layer)?;
        for lower in config.all_settings(key).into_iter().skip(1) {
            writeln!(
                out,
                "; shadows {} ({})",
                lower.origin.describe(),
                lower.origin.layer
            )?;
        }
    } else {
        writeln!(out, "; npm's default")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_display_as_their_string() {
        // `depth=Infinity`: the schema renders `String(n)`, not JSON's null
        assert_eq!(
            display_json("depth", &Value::Number(f64::INFINITY)),
            json!("Infinity")
        );
        assert_eq!(
            display_json("x", &Value::Array(vec![Value::Number(f64::NAN)])),
            json!(["NaN"])
        );
    }
}
