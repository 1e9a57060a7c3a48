//! `file-encoding`: a `.npmrc` that is not plain UTF-8 text — a byte-order
//! mark, UTF-16, invalid UTF-8 or NUL bytes. npm reads the file with
//! `readFile(file, 'utf8')` and never strips or converts anything.

use crate::check::context::{Context, NpmrcDoc};
use crate::check::diagnostic::{Applicability, Diagnostic, Fix};
use crate::declare_rule;
use crate::npmrc::lexer::LineKind;
use crate::rules::support_npmrc;

declare_rule! {
    name: "file-encoding",
    category: Correctness,
    severity: Warn,
    fix: Sometimes,
    summary: "`.npmrc` with a byte-order mark, UTF-16, invalid UTF-8 or NUL bytes: npm reads it as UTF-8 as is",
}

const BOM: char = '\u{FEFF}';

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in cx.npmrc_files() {
        let notes = &doc.text.notes;
        let text = doc.source();
        if notes.iter().any(|n| n.contains("UTF-16")) {
            out.push(utf16(doc));
            continue;
        }
        let boms: Vec<usize> = text.match_indices(BOM).map(|(i, _)| i).collect();
        for &at in &boms {
            out.push(bom(doc, at));
        }
        if notes.iter().any(|n| n.contains("not valid UTF-8")) {
            let bad: Vec<usize> = text.match_indices('\u{FFFD}').map(|(i, _)| i).collect();
            if let Some(&first) = bad.first() {
                out.push(
                    Diagnostic::new(
                        RULE.name,
                        doc.path.clone(),
                        first..first + '\u{FFFD}'.len_utf8(),
                        format!(
                            "the file is not valid UTF-8 ({} invalid byte sequence{}): npm replaces each with U+FFFD, so keys and values containing them never match",
                            bad.len(),
                            if bad.len() == 1 { "" } else { "s" }
                        ),
                    )
                    .label("invalid UTF-8")
                    .help("re-save the file as UTF-8 (it was probably written in Latin-1 or Windows-1252)"),
                );
            }
        }
        let nuls: Vec<usize> = text.match_indices('\0').map(|(i, _)| i).collect();
        if let Some(&first) = nuls.first() {
            out.push(
                Diagnostic::new(
                    RULE.name,
                    doc.path.clone(),
                    first..first + 1,
                    format!(
                        "the file contains {} NUL byte{}: npm keeps them inside keys and values, which then match nothing",
                        nuls.len(),
                        if nuls.len() == 1 { "" } else { "s" }
                    ),
                )
                .label("NUL byte")
                .help("re-create the file as plain UTF-8 text"),
            );
        }
    }
}

fn utf16(doc: &NpmrcDoc) -> Diagnostic {
    let text = doc.source();
    let end = text.char_indices().nth(2).map_or(text.len(), |(i, _)| i);
    Diagnostic::new(
        RULE.name,
        doc.path.clone(),
        0..end,
        "the file is UTF-16 encoded: npm reads it as UTF-8, sees NUL bytes between every character and no setting in it works",
    )
    .label("UTF-16 byte-order mark")
    .note("PowerShell 5 `echo … > .npmrc` and `Out-File` write UTF-16 by default")
    .help("re-save the file as UTF-8 without BOM (PowerShell: `Set-Content -Encoding ascii`, or `Out-File -Encoding utf8NoBOM` on PowerShell 7)")
}

fn bom(doc: &NpmrcDoc, at: usize) -> Diagnostic {
    // the line the BOM starts, if any
    let line = doc
        .lines
        .iter()
        .find(|l| l.span.start == at || (l.span.start < at && at < l.span.end));
    let starts_line = line.is_some_and(|l| l.span.start == at);
    let header_key = line
        .filter(|_| starts_line)
        .and_then(|l| match &l.kind {
            LineKind::Entry(e) if e.eq.is_none() => e.key.value.as_str(),
            _ => None,
        })
        .filter(|k| k.starts_with('['));
    let header = header_key.is_some();
    let (message, label) = if header {
        (
            format!(
                "a byte-order mark before a `[section]` header: npm does not see a header but a key `{}` set to `true`",
                header_key.unwrap_or("[…]")
            ),
            "byte-order mark",
        )
    } else if at == 0 {
        (
            "the file starts with a UTF-8 byte-order mark: npm does not strip it; it is harmless only because ini trims it off the first key".to_string(),
            "byte-order mark",
        )
    } else {
        (
            "a byte-order mark in the middle of the file (from concatenating files?): npm keeps it unless it is at the start or end of a key or value".to_string(),
            "byte-order mark",
        )
    };
    let mut d = Diagnostic::new(
        RULE.name,
        doc.path.clone(),
        at..at + BOM.len_utf8(),
        message,
    )
    .label(label)
    .help("save the file as UTF-8 without BOM");
    if at == 0 {
        d = d.note("other tools reading `.npmrc` (CI tasks, Renovate, other package managers) may not trim it and miss the first key");
    }
    d.fix(Fix {
        title: "remove the byte-order mark".into(),
        edits: vec![support_npmrc::replace(doc, at..at + BOM.len_utf8(), "")],
        applicability: if header {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
    })
}
