//! The secret battery: generated secrets × the places they hide in × every
//! command and output format. Property: no output (stdout or stderr) holds
//! any 8-character substring of a secret, of its base64, or of what it
//! decodes to.
//!
//! Each place reproduces one way a secret used to leak (issue 9's nine
//! causes): glued credentials, two settings on a line, raw command-line
//! arguments (also the separate-value form), keys without `=`, lone and
//! wrapped tokens, token formats in other keys, spaced `_authToken`, URL
//! passwords with `#`/`/`/`?` or without a scheme, broken package.json,
//! UTF-16 files, `_auth`/`_password` base64, environment variables.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

const WINDOW: usize = 8;

/// A small deterministic generator (the battery must reproduce).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[(self.next() as usize) % alphabet.len()]))
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Realistic fake secrets of each kind.
fn secrets(rng: &mut Rng) -> Vec<String> {
    vec![
        format!("npm_{}", rng.pick(ALNUM, 36)),
        format!("ghp_{}", rng.pick(ALNUM, 36)),
        format!("glpat-{}", rng.pick(ALNUM, 20)),
        // an opaque registry token (Artifactory/Nexus style)
        rng.pick(B64, 40),
        // a password with the characters that break URL parsing
        format!(
            "{}#{}/{}?{}",
            rng.pick(ALNUM, 6),
            rng.pick(ALNUM, 5),
            rng.pick(ALNUM, 4),
            rng.pick(ALNUM, 5)
        ),
    ]
}

fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A place a secret hides in: files, environment and npm flags.
struct Place {
    name: &'static str,
    npmrc: Option<Vec<u8>>,
    user_npmrc: Option<String>,
    package_json: Option<String>,
    env: Vec<(String, String)>,
    flags: Vec<String>,
}

impl Place {
    fn new(name: &'static str) -> Place {
        Place {
            name,
            npmrc: None,
            user_npmrc: None,
            package_json: None,
            env: Vec::new(),
            flags: Vec::new(),
        }
    }
    fn npmrc(mut self, text: &str) -> Place {
        self.npmrc = Some(text.as_bytes().to_vec());
        self
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn places(s: &str) -> Vec<Place> {
    let auth = b64(format!("deploy:{s}").as_bytes());
    let (half1, half2) = auth.split_at(auth.len() / 2);
    let pkg_ok = r#"{"name":"@acme/app","version":"1.0.0"}"#;
    vec![
        Place::new("glued").npmrc(&format!(
            "registry=https://r.example.com/:_authToken={s}\n"
        )),
        Place {
            env: vec![("NPM_TOKEN".into(), s.into())],
            ..Place::new("glued-env").npmrc(
                "registry=https://r.example.com/:_authToken=${NPM_TOKEN}\n//r.example.com/:_authToken=${NPM_TOKEN}\n",
            )
        },
        Place::new("two-on-a-line").npmrc(&format!(
            "//r.example.com/:_authToken={s} registry=https://r.example.com/\n"
        )),
        Place::new("no-equals").npmrc(&format!("//r.example.com/:_authToken {s}\n")),
        Place::new("spaced").npmrc(&format!(
            "registry=https://r.example.com/ _authToken={s}\n//r.example.com/:_authToken = {s}\n"
        )),
        Place::new("lone-token").npmrc(&format!("registry=https://r.example.com/\n{s}\n")),
        Place::new("wrapped-base64").npmrc(&format!(
            "//r.example.com/:_auth={half1}\n{half2}\n"
        )),
        Place::new("other-keys").npmrc(&format!("export NPM_TOKEN={s}\notp={s}\n")),
        Place::new("url-password").npmrc(&format!(
            "proxy=https://deploy:{s}@proxy.example.com:8080/\nregistry=http://deploy:{s}@r.example.com/ # mirror\n"
        )),
        Place::new("schemeless-userinfo").npmrc(&format!(
            "https-proxy=deploy:{s}@proxy.example.com/\nregistry=//deploy:{s}@r.example.com/\n"
        )),
        Place::new("auth-base64").npmrc(&format!(
            "//r.example.com/:_auth={auth}\n//q.example.com/:username=deploy\n//q.example.com/:_password={}\nregistry=https://r.example.com/\n",
            b64(s.as_bytes())
        )),
        Place::new("utf16").npmrc_bytes(utf16le(&format!(
            "//r.example.com/:_authToken={s}\r\nregistry=https://r.example.com/\r\n"
        ))),
        Place {
            package_json: Some(format!(
                "{{\"name\":\"x\",\"publishConfig\":{{\"_AUTHTOKEN\":\"{s}\",\"registry\":\"https://r.example.com/\"}}, \"token\": '{s}', \"x\": \"{s}"
            )),
            ..Place::new("broken-package-json")
        },
        Place {
            package_json: Some(format!(
                "{{\"name\":\"x\",\"version\":\"1.0.0\",\"publishConfig\":{{\"//r.example.com/:_authToken\":\"{s}\"}}}}"
            )),
            ..Place::new("publish-config")
        },
        Place {
            flags: vec![format!("--//r.example.com/:_authToken={s}")],
            ..Place::new("cli-flag")
        },
        Place {
            flags: vec!["--//r.example.com/:_authToken".into(), s.into()],
            ..Place::new("cli-separate-value")
        },
        Place {
            user_npmrc: Some(format!(
                "//registry.npmjs.org/:_authToken={s}\n@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken={s}\n"
            )),
            ..Place::new("user-npmrc")
        },
        Place {
            env: vec![("npm_config_//r.example.com/:_authToken".into(), s.into())],
            ..Place::new("env-config").npmrc("registry=https://r.example.com/\n")
        },
    ]
    .into_iter()
    .map(|mut p| {
        if p.package_json.is_none() {
            p.package_json = Some(pkg_ok.to_string());
        }
        p
    })
    .collect()
}

impl Place {
    fn npmrc_bytes(mut self, bytes: Vec<u8>) -> Place {
        self.npmrc = Some(bytes);
        self
    }
}

/// Every command and format.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "github"],
        vec!["check", "--format", "concise"],
        vec!["check", "--all-layers"],
        vec!["check", "--format", "sarif"],
        vec!["check", "--format", "gitlab"],
        vec!["check", "--format", "junit"],
        vec!["check", "--format", "sarif", "--output-file", "report.out"],
        vec!["config"],
        vec!["config", "--json"],
        vec!["why", "@acme/app", "lodash"],
        vec!["why", "--format", "json", "@acme/app", "lodash"],
    ]
}

/// The strings whose 8-character windows must not appear.
fn forms(s: &str) -> Vec<String> {
    let mut out = vec![s.to_string(), b64(s.as_bytes())];
    out.push(b64(format!("deploy:{s}").as_bytes()));
    out
}

fn leaks(output: &str, secret: &str) -> Option<String> {
    for form in forms(secret) {
        let chars: Vec<char> = form.chars().collect();
        for w in chars.windows(WINDOW) {
            let w: String = w.iter().collect();
            if output.contains(&w) {
                return Some(w);
            }
        }
    }
    None
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn no_secret_in_any_output() {
    let bin = env!("CARGO_BIN_EXE_npmrc-doctor");
    let mut rng = Rng(0x5eed_0009);
    let mut failures = Vec::new();
    let mut runs = 0;
    for secret in secrets(&mut rng) {
        for place in places(&secret) {
            let root = tempfile::tempdir().expect("tempdir");
            let project = root.path().join("project");
            let home = root.path().join("home");
            std::fs::create_dir_all(&project).expect("mkdir");
            std::fs::create_dir_all(&home).expect("mkdir");
            if let Some(b) = &place.npmrc {
                write(&project.join(".npmrc"), b);
            }
            if let Some(t) = &place.user_npmrc {
                write(&home.join(".npmrc"), t.as_bytes());
            }
            if let Some(t) = &place.package_json {
                write(&project.join("package.json"), t.as_bytes());
            }
            for cmd in commands() {
                let mut c = Command::new(bin);
                c.env_clear()
                    .env("PATH", std::env::var("PATH").unwrap_or_default())
                    .env("HOME", &home)
                    .env("PREFIX", root.path().join("prefix"))
                    .current_dir(&project)
                    .args(&cmd);
                for (k, v) in &place.env {
                    c.env(k, v);
                }
                if !place.flags.is_empty() {
                    c.arg("--").args(&place.flags);
                }
                let out = c.output().expect("run npmrc-doctor");
                runs += 1;
                let report = std::fs::read(project.join("report.out")).unwrap_or_default();
                let _ = std::fs::remove_file(project.join("report.out"));
                let text = format!(
                    "{}{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr),
                    String::from_utf8_lossy(&report)
                );
                // masking never breaks a machine-readable document
                let machine = cmd
                    .iter()
                    .any(|a| matches!(*a, "json" | "--json" | "sarif" | "gitlab"));
                if machine && !cmd.contains(&"--output-file") && !out.stdout.is_empty() {
                    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
                        failures.push(format!(
                            "{} × `{}`: output is not JSON any more ({e})\n{text}",
                            place.name,
                            cmd.join(" ")
                        ));
                    }
                }
                if let Some(w) = leaks(&text, &secret) {
                    failures.push(format!(
                        "{} × `{}` with secret {secret:?}: leaks {w:?}\n{text}",
                        place.name,
                        cmd.join(" ")
                    ));
                }
            }
        }
    }
    assert!(runs > 500, "the battery ran only {runs} commands");
    assert!(
        failures.is_empty(),
        "{} leaks in {runs} outputs:\n{}",
        failures.len(),
        failures.join("\n---\n")
    );
}
