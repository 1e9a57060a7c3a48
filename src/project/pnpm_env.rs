//! pnpm's own `${}` expansion in `.npmrc` (`@pnpm/config.env-replace`
//! `envReplace`): besides `${NAME}` it takes a fallback, `${NAME-fallback}`
//! (NAME unset) and `${NAME:-fallback}` (NAME unset or empty), with
//! `ENV_VALUE = /([^:-]+)(:?)-(.+)/`; an unset variable without a fallback
//! makes pnpm fail ("Failed to replace env in config"). Compared with pnpm's
//! code in `tests/pnpm_differential.rs`.

/// Whether pnpm expands the reference `${…}` with an empty environment
/// (i.e. it has a fallback pnpm understands).
#[must_use]
pub fn expands(reference: &str) -> bool {
    let Some(inner) = reference
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
    else {
        return false;
    };
    if inner.contains(['$', '{', '}']) {
        return false;
    }
    // `([^:-]+)(:?)-(.+)`, unanchored: the first run of non-`:`/`-`
    // characters followed by an optional `:`, a `-` and at least one more
    // character
    let b = inner.as_bytes();
    for start in 0..b.len() {
        let mut i = start;
        while i < b.len() && b[i] != b':' && b[i] != b'-' {
            i += 1;
        }
        if i == start {
            continue;
        }
        // greedy name, then backtrack over the name's length
        for end in (start + 1..=i).rev() {
            let mut k = end;
            if k < b.len() && b[k] == b':' {
                k += 1;
            }
            if k < b.len() && b[k] == b'-' && k + 1 < b.len() {
                return true;
            }
            if end < i {
                // shorter names cannot be followed by `:`/`-`
                break;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn fallbacks() {
        assert!(super::expands("${A:-x}"));
        assert!(super::expands("${A-x}"));
        assert!(super::expands("${A:B-x}"));
        assert!(!super::expands("${A:-}"));
        assert!(!super::expands("${A:=x}"));
        assert!(!super::expands("${A}"));
        assert!(!super::expands("$A"));
    }
}
