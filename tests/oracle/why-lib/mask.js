'use strict'
// Secret masking, byte-for-byte the same as src/secret.rs (`mask`, `display_value`).
const crypto = require('node:crypto')

const KNOWN_PREFIXES = [
  'github_pat_', 'npm_', 'npms_', 'glpat-', 'gldt-', 'glcbt-', 'glptt-', 'glrt-',
  'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'AKCp',
]

const isBareEnvReference = (s) => {
  if (!s.startsWith('${') || !s.endsWith('}') || s.length < 3) {
    return false
  }
  let name = s.slice(2, -1)
  if (name.endsWith('?')) {
    name = name.slice(0, -1)
  }
  return name.length > 0 && !/[${}?]/.test(name)
}

const fingerprint = (value) =>
  crypto.createHash('sha256').update(Buffer.from(value, 'utf8')).digest('hex').slice(0, 8)

const mask = (value) => {
  value = String(value)
  if (value === '') {
    return '""'
  }
  if (isBareEnvReference(value)) {
    return value
  }
  const prefix = KNOWN_PREFIXES.find(p => value.startsWith(p) &&
    Buffer.byteLength(value, 'utf8') > Buffer.byteLength(p, 'utf8')) || ''
  const chars = [...value].length
  return `${prefix}*** (${chars} chars, sha256:${fingerprint(value)})`
}

const SECRET_BASES = new Set(['_authtoken', '-authtoken', '_auth', '_password', 'authtoken',
  '_token', 'token', 'password', 'auth'])

const isSecretKey = (key) => {
  const parts = key.split(':')
  return SECRET_BASES.has(parts[parts.length - 1].toLowerCase())
}

// redact_url_passwords of src/secret.rs
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
    const m = tail.search(/[/?#]|\p{White_Space}/u)
    const end = m < 0 ? tail.length : m
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
  isSecretKey(key) ? mask(value) : redactUrlPasswords(String(value))

module.exports = { mask, fingerprint, isSecretKey, isBareEnvReference, redactUrlPasswords, displayValue }
