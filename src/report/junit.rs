//! JUnit XML (Jenkins, Azure Pipelines, GitLab's test report, CircleCI):
//! one `<testsuite>` per file with findings, one `<testcase>` with a
//! `<failure>` per finding (its `type` is the severity); a run without
//! findings is one passing test case, and problems that are not findings
//! (an unreadable path) are `<error>`s. Paths are relative to the
//! repository root.

use super::ci::{self, Finding};
use crate::check::CheckRun;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Writes the JUnit report of `run`.
///
/// # Errors
/// Write errors.
pub fn write(run: &CheckRun, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let root = ci::repo_root(cwd);
    let findings = ci::findings(run, &root);
    let mut by_file: BTreeMap<String, Vec<&Finding<'_>>> = BTreeMap::new();
    for f in &findings {
        by_file.entry(f.path.text()).or_default().push(f);
    }
    let failures = findings.len();
    let errors = run.errors.len();
    let tests = failures + errors + usize::from(failures + errors == 0);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="npmrc-doctor" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for (path, list) in &by_file {
        let path = attr(path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{n}" failures="{n}" errors="0">"#,
            n = list.len()
        )?;
        for f in list {
            let d = f.diagnostic;
            let (line, col) = f.start;
            let mut body = format!(
                "{path}:{line}:{col}: {} [{}] {}",
                d.severity.name(),
                d.rule,
                d.message
            );
            if let Some(help) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            if let Some(note) = &d.note {
                body.push_str("\nnote: ");
                body.push_str(note);
            }
            body.push_str("\ndocs: ");
            body.push_str(&ci::rule_doc_url(d.rule));
            writeln!(
                out,
                r#"    <testcase name="{rule} ({line}:{col})" classname="{path}" file="{path}" line="{line}">"#,
                rule = d.rule,
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                attr(&d.message),
                d.severity.name(),
                text(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if errors > 0 {
        writeln!(
            out,
            r#"  <testsuite name="npmrc-doctor" tests="{errors}" failures="0" errors="{errors}">"#
        )?;
        for (i, e) in run.errors.iter().enumerate() {
            writeln!(
                out,
                r#"    <testcase name="error {}" classname="npmrc-doctor">"#,
                i + 1
            )?;
            writeln!(
                out,
                r#"      <error message="{}">{}</error>"#,
                attr(e),
                text(e)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if failures + errors == 0 {
        writeln!(
            out,
            r#"  <testsuite name="npmrc-doctor" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="no findings in {} files" classname="npmrc-doctor"/>"#,
            run.files_checked
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Text content: markup escaped, characters XML 1.0 forbids written as
/// `\u{…}`.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// An attribute value (double-quoted): also quotes and line breaks.
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\u{1b}[0m"), "a&lt;b&gt;&amp;c\\u{1b}[0m");
        assert_eq!(attr("say \"hi\"\nthere"), "say &quot;hi&quot;&#10;there");
    }
}
