//! `npmrc-doctor why [SPEC...] [--url URL...] [--log FILE] [-- NPM_FLAGS]`:
//! which registry, URLs and credentials npm uses, and why a request fails.

use super::NpmArgs;
use crate::config::validate::validate;
use crate::config::{LoadError, load};
use crate::env::Env;
use crate::why::{WhyInput, explain, log, report};
use std::io::{Read, Write};
use std::path::PathBuf;

/// Output format of `why`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WhyFormat {
    /// A readable report with file snippets.
    Human,
    /// The JSON document (schema 1).
    Json,
}

/// Arguments of `why`.
#[derive(Debug, Clone, clap::Args)]
pub struct WhyArgs {
    /// Package specs (`@acme/ui`, `lodash@^4`, `alias@npm:@acme/ui@1`);
    /// none: the project's own package and every dependency in package.json.
    #[arg(value_name = "SPEC")]
    specs: Vec<String>,
    /// Also explain a GET of this URL (e.g. a tarball URL from an error).
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// Explain the failing requests of an npm debug log or saved terminal
    /// output (`-` for stdin).
    #[arg(long = "log", value_name = "FILE")]
    log: Option<PathBuf>,
    /// Ask about `npm publish` too: every package's publish verdict
    /// counts (by default only the project's own, non-private package's).
    #[arg(long)]
    publish: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: WhyFormat,
    #[command(flatten)]
    npm: NpmArgs,
}

/// Runs `why`; returns the exit code (0: every request carries what it
/// needs, 1: something is wrong, 2: usage error).
pub fn run(args: &WhyArgs, env: &Env, out: &mut dyn Write) -> u8 {
    let config = match load(env, &args.npm.load_options()) {
        Ok(c) => c,
        Err(e) => return report_load_error(&e, args.format, out),
    };
    let validation = validate(&config);
    let mut input = WhyInput {
        specs: args.specs.clone(),
        urls: args.urls.clone(),
        publish: args.publish,
        log_urls: Vec::new(),
    };
    let parsed_log = match &args.log {
        Some(path) => match read_log(path) {
            Ok(text) => {
                let l = log::parse(&text);
                // explain the URLs of failing requests (not the registry
                // of an ENEEDAUTH, which npm never requested)
                for f in l.failures.iter().filter(|f| f.method.is_some()) {
                    if let Some(u) = &f.url {
                        if !input.log_urls.contains(u) {
                            input.log_urls.push(u.clone());
                        }
                    }
                }
                if input.specs.is_empty() {
                    // explain only what the log is about
                    input.specs = l.specs_for_project();
                }
                Some(l)
            }
            Err(e) => {
                super::output::error(&format!("cannot read {}: {e}", path.display()));
                return super::EXIT_USAGE;
            }
        },
        None => None,
    };
    let mut why = explain(&config, &validation, env, &input);
    if why.packages.is_empty() && why.urls.is_empty() && parsed_log.is_none() {
        super::output::error(
            "nothing to explain: give a SPEC, --url URL or --log FILE, or run in a directory with a package.json that has a name",
        );
        return super::EXIT_USAGE;
    }
    if let Some(l) = &parsed_log {
        // a log of an install or a view is not about publishing
        if !l.publish_failed() && !args.publish {
            for p in &mut why.packages {
                p.publish = None;
            }
        }
    }
    why.log = parsed_log.as_ref().map(|l| log::diagnose(l, &why, &config));
    let result = match args.format {
        WhyFormat::Json => {
            let doc = report::to_json(&why);
            serde_json::to_string_pretty(&doc)
                .map_err(std::io::Error::other)
                .and_then(|t| writeln!(out, "{t}"))
        }
        WhyFormat::Human => {
            let color = super::output::use_color(env);
            let mut buf = Vec::new();
            report::write_human(&why, &config.cwd, color, &mut buf).and_then(|()| {
                let text = String::from_utf8_lossy(&buf);
                let text = crate::why::scrub::scrub(&text);
                // snippets are already control-free; without colour no
                // escape sequence of ours is in the text either
                let text = if color {
                    text
                } else {
                    crate::util::printable(&text).into_owned()
                };
                out.write_all(text.as_bytes())
            })
        }
    };
    if let Err(e) = result {
        super::output::error(&format!("cannot write output: {e}"));
        return super::EXIT_USAGE;
    }
    // the verdict: the same list as the last line and the JSON `ok`
    u8::from(!why.is_ok())
}

fn read_log(path: &std::path::Path) -> std::io::Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(path)?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn report_load_error(e: &LoadError, format: WhyFormat, out: &mut dyn Write) -> u8 {
    if format == WhyFormat::Json {
        let doc = serde_json::json!({"schema": 1, "load_error": {"code": e.code(), "message": e.to_string()}});
        let _ = serde_json::to_string_pretty(&doc)
            .map_err(std::io::Error::other)
            .and_then(|t| writeln!(out, "{t}"));
    } else {
        super::output::error(&format!(
            "npm cannot load its configuration: {}{}",
            e.code().map(|c| format!("{c}: ")).unwrap_or_default(),
            e
        ));
    }
    1
}
