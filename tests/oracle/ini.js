// Differential oracle for tests/ini_differential.rs.
// Reads JSON lines on stdin:
//   {"op":"decode","input":"..."}              -> ini.decode(input)
//   {"op":"env","input":"...","env":{...}}     -> envReplace(input, env)
// Writes one JSON line per request: {"ok": <enc>} or {"err": "<message>"}.
// <enc> keeps what JSON.stringify loses: property order, undefined/holes,
// numbers vs strings, -0. Lone surrogates become U+FFFD (toWellFormed), the
// representation the Rust side documents.
// NPM_ROOT must be `npm root -g`.
'use strict'
const path = require('path')
const root = process.env.NPM_ROOT
const ini = require(path.join(root, 'npm/node_modules/ini'))
const envReplace = require(path.join(root, 'npm/node_modules/@npmcli/config/lib/env-replace.js'))

const wf = s => s.toWellFormed()
const enc = v => {
  if (v === undefined) return { u: 1 }
  if (v === null || typeof v === 'boolean') return v
  if (typeof v === 'number') return { n: Object.is(v, -0) ? '-0' : String(v) }
  if (typeof v === 'string') return { s: wf(v) }
  if (Array.isArray(v)) {
    const a = []
    for (let i = 0; i < v.length; i++) a.push(i in v ? enc(v[i]) : { u: 1 })
    return { a }
  }
  if (typeof v === 'object') return { o: Object.keys(v).map(k => [wf(k), enc(v[k])]) }
  return { other: typeof v }
}

let buf = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', d => { buf += d })
process.stdin.on('end', () => {
  const out = []
  for (const line of buf.split('\n')) {
    if (!line) continue
    const req = JSON.parse(line)
    const before = Object.getOwnPropertyNames(Array.prototype)
    let res
    try {
      const r = req.op === 'env' ? envReplace(req.input, req.env) : ini.decode(req.input)
      res = { ok: r }
    } catch (e) {
      res = { err: String(e.message) }
    }
    // ini can push onto Array.prototype (see Decoded::prototype_pollution):
    // undo it so every input is decoded as in a fresh process.
    const added = Object.getOwnPropertyNames(Array.prototype).filter(k => !before.includes(k))
    for (const k of added) delete Array.prototype[k]
    if ('ok' in res) res.ok = enc(res.ok)
    if (added.length) res.pollution = true
    out.push(JSON.stringify(res))
  }
  process.stdout.write(out.join('\n') + '\n')
})
