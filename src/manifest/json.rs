//! JSON as node's `JSON.parse` reads it: no recursion limit (serde_json's
//! 128-level default would skip a package.json npm reads), bounded only by
//! [`MAX_DEPTH`], past which the document is refused with a clear message
//! instead of exhausting the stack.
//!
//! The deep documents are parsed on the large stack the binary runs on
//! (`main.rs`), so the recursion of serde_json and of the syntax tree stays
//! within it.

use serde::Deserialize;

/// Nesting refused past this depth. npm (V8's iterative `JSON.parse`)
/// reads deeper documents; no real manifest comes near.
pub const MAX_DEPTH: usize = 20_000;

/// The deepest nesting of arrays and objects in `text` (strings skipped),
/// counted without parsing.
#[must_use]
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses JSON text (no BOM handling) without serde_json's recursion limit.
///
/// # Errors
/// serde_json's error for invalid JSON; a custom one past [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(serde::de::Error::custom(format!(
            "nested {depth} levels deep, over the {MAX_DEPTH} levels this tool reads"
        )));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    if depth > 100 {
        de.disable_recursion_limit();
    }
    let value = serde_json::Value::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_documents_parse() {
        let deep = |n: usize| format!("{{\"a\":{}1{}}}", "[".repeat(n), "]".repeat(n));
        assert_eq!(nesting_depth(&deep(300)), 301);
        assert_eq!(nesting_depth("[\"[[[\\\"[[\"]"), 1);
        // serde_json alone refuses this; npm reads it
        assert!(serde_json::from_str::<serde_json::Value>(&deep(300)).is_err());
        // run where the binary runs: on a large stack
        let r = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                let ok = parse(&deep(5000)).is_ok();
                let refused = parse(&deep(MAX_DEPTH + 1)).err().map(|e| e.to_string());
                let invalid = parse(&format!("{}1", "[".repeat(3000))).is_err();
                (ok, refused, invalid)
            })
            .ok()
            .and_then(|h| h.join().ok());
        let (ok, refused, invalid) = r.unwrap_or_default();
        assert!(ok);
        assert!(refused.is_some_and(|m| m.contains("levels deep")));
        assert!(invalid);
    }
}
