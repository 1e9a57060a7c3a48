'use strict'
// Port of src/secret.rs. Must produce byte-identical output:
//   mask(value)  -> `<known prefix>*** (<N> chars)`
//   bare `${VAR}` / `${VAR?}` shown as is, "" shown as `""`,
//   other values: passwords in `scheme://user:pass@host` become `***`.

const KNOWN_PREFIXES = [
  'github_pat_', 'npm_', 'npms_', 'glpat-', 'gldt-', 'glcbt-', 'glptt-',
  'glrt-', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'AKCp',
]

const SECRET_BASES = new Set([
  '_authtoken', '-authtoken', '_auth', '_password', 'authtoken', '_token',
  'token', 'password', 'auth',
])

// Rust: key.rsplit(':').next() is the part after the last ':'.
// Rust to_ascii_lowercase only folds A-Z.
const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

const isSecretKey = (key) => {
  const parts = key.split(':')
  return SECRET_BASES.has(asciiLower(parts[parts.length - 1]))
}

const isBareEnvReference = (s) => {
  if (!s.startsWith('${') || !s.endsWith('}') || s.length < 3) {
    return false
  }
  const inner = s.slice(2, -1)
  const name = inner.endsWith('?') ? inner.slice(0, -1) : inner
  return name.length > 0 && !/[${}?]/.test(name)
}

const mask = (value) => {
  if (value === '') {
    return '""'
  }
  if (isBareEnvReference(value)) {
    return value
  }
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p) && value.length > p.length) || ''
  const chars = [...value].length // Unicode code points, like str::chars().count()
  return `${prefix}*** (${chars} chars)`
}

// char::is_whitespace (Unicode White_Space), which differs from JS \s
// (no U+FEFF, but U+0085).
const RUST_WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/

const redactUrlPasswords = (text) => {
  let out = ''
  let rest = text
  for (;;) {
    const pos = rest.indexOf('://')
    if (pos < 0) {
      break
    }
    out += rest.slice(0, pos + 3)
    const tail = rest.slice(pos + 3)
    let end = tail.length
    for (let i = 0; i < tail.length; i++) {
      const c = tail[i]
      if (c === '/' || c === '?' || c === '#' || RUST_WHITESPACE.test(c)) {
        end = i
        break
      }
    }
    const authority = tail.slice(0, end)
    const at = authority.lastIndexOf('@')
    if (at >= 0) {
      const userinfo = authority.slice(0, at)
      const colon = userinfo.indexOf(':')
      if (colon >= 0) {
        out += userinfo.slice(0, colon) + ':***' + authority.slice(at)
      } else {
        out += authority
      }
    } else {
      out += authority
    }
    rest = tail.slice(end)
  }
  return out + rest
}

const displayValue = (key, value) =>
  isSecretKey(key) ? mask(value) : redactUrlPasswords(value)

module.exports = { isSecretKey, isBareEnvReference, mask, redactUrlPasswords, displayValue }
