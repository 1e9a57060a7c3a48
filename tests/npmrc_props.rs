//! Property tests for the `.npmrc` lexer, decoder and `${VAR}` expansion:
//! no panics on arbitrary text, lossless printing, spans on char
//! boundaries inside the text.

use npmrc_doctor::npmrc::{LineKind, Part, decode, env_replace, lex, print};
use proptest::prelude::*;
use std::ops::Range;

/// Strings rich in the characters the dialect cares about.
fn npmrc_text() -> impl Strategy<Value = String> {
    let alphabet = prop::sample::select(vec![
        "\r", "\n", "\r\n", "=", ";", "#", "[", "]", "[]", "\"", "'", "\\", ".", " ", "\t", "a",
        "b", "1", "\u{feff}", "\u{2028}", "\u{2029}", "\u{a0}", "\u{85}", "\0", "ü", "😀", "${X}",
        "{", "}", "null", "true",
    ]);
    prop_oneof![
        prop::collection::vec(alphabet, 0..40).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

fn check_span(text: &str, span: &Range<usize>) -> Result<(), TestCaseError> {
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{span:?}"
    );
    Ok(())
}

fn check_part(text: &str, part: &Part) -> Result<(), TestCaseError> {
    check_span(text, &part.span)?;
    if let Some(c) = &part.comment {
        check_span(text, c)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn lex_is_lossless(text in npmrc_text()) {
        let lines = lex(&text);
        prop_assert_eq!(print(&lines, &text), text.clone());
        let mut pos = 0;
        for line in &lines {
            prop_assert_eq!(line.span.start, pos);
            prop_assert_eq!(line.span.end, line.terminator.start);
            pos = line.terminator.end;
        }
        prop_assert_eq!(pos, text.len());
    }

    #[test]
    fn spans_are_on_char_boundaries(text in npmrc_text()) {
        for line in lex(&text) {
            check_span(&text, &line.span)?;
            check_span(&text, &line.terminator)?;
            match &line.kind {
                LineKind::Section(s) => check_part(&text, &s.name)?,
                LineKind::Entry(e) => {
                    check_part(&text, &e.key)?;
                    if let Some(v) = &e.raw_value {
                        check_part(&text, v)?;
                    }
                    if let Some(eq) = &e.eq {
                        check_span(&text, eq)?;
                        prop_assert_eq!(&text[eq.clone()], "=");
                    }
                }
                LineKind::Blank | LineKind::Comment | LineKind::Dropped => {}
            }
        }
    }

    #[test]
    fn decode_never_panics_and_origins_match_keys(text in npmrc_text()) {
        let d = decode(&text);
        if d.error.is_none() {
            let keys: Vec<&str> = d.value.keys();
            let origin_keys: Vec<&str> = d.origins.iter().map(|o| o.key.as_str()).collect();
            prop_assert_eq!(keys, origin_keys);
        }
    }

    #[test]
    fn env_replace_never_panics(text in npmrc_text()) {
        let e = env_replace(&text, &|n: &str| (n == "X").then(|| "v".to_string()));
        for r in &e.refs {
            check_span(&text, &r.span)?;
        }
    }
}

#[test]
fn large_input_is_linear() {
    // 100 MB (25 MB in debug builds, to keep `cargo test` quick): many
    // duplicates, comments, sections, CRLF, and a 1 MB line.
    let size = if cfg!(debug_assertions) {
        25_000_000
    } else {
        100_000_000
    };
    let chunk = "registry=https://registry.npmjs.org/\r\n; comment\r\n//h/:_authToken=${TOKEN}\r\n[sec]\r\nk=v # c\r\n";
    let mut text = chunk.repeat(size / chunk.len());
    text.push_str(&"x".repeat(1_000_000));
    let start = std::time::Instant::now();
    let d = decode(&text);
    assert!(d.error.is_none());
    assert_eq!(d.value.len(), 3);
    // Generous bound (debug build): quadratic behaviour would take hours.
    assert!(
        start.elapsed().as_secs() < 120,
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn absurd_nesting_is_refused_not_crashed() {
    let text = format!("[{}]\nx=1\n", vec!["a"; 200_000].join("."));
    let d = decode(&text);
    let msg = d.error.map(|e| e.message).unwrap_or_default();
    assert!(msg.ends_with("(npmrc-doctor limit)"), "{msg}");
    let json = format!("a='{}{}'\n", "[".repeat(100_000), "]".repeat(100_000));
    let d = decode(&json);
    assert!(d.error.is_none());
}
