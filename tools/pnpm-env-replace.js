#!/usr/bin/env node
// Reads JSON lines (strings) on stdin; for each, prints whether pnpm's own
// `envReplace` (`@pnpm/config.env-replace`, the newest copy bundled in the
// installed `pnpm` package's dist/pnpm.cjs) expands it with an empty
// environment: {"expr": …, "expands": bool, "value": …}.
// Usage: node tools/pnpm-env-replace.js <path to node_modules/pnpm> < inputs
'use strict'
const fs = require('fs')
const path = require('path')
const dir = process.argv[2]
const src = fs.readFileSync(path.join(dir, 'dist', 'pnpm.cjs'), 'utf8')
const re = /"(\.\.\/node_modules\/\.pnpm\/@pnpm\+config\.env-replace@([0-9.]+)\/node_modules\/@pnpm\/config\.env-replace\/dist\/env-replace\.js)"\(exports2/g
let best = null
for (const m of src.matchAll(re)) {
  const v = m[2].split('.').map(Number)
  if (!best || v[0] > best.v[0] || (v[0] === best.v[0] && (v[1] > best.v[1] || (v[1] === best.v[1] && v[2] > best.v[2])))) {
    best = { file: m[1], v, at: m.index }
  }
}
if (!best) throw new Error('@pnpm/config.env-replace not found in pnpm.cjs')
const open = src.indexOf('{', src.indexOf(')', best.at))
const end = src.indexOf('\n});\n', open)
const body = src.slice(open + 1, end).replace(/\n\s*\}\s*$/, '')
const exports2 = {}
// eslint-disable-next-line no-new-func
new Function('exports2', body)(exports2)
const lines = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)
for (const line of lines) {
  const expr = JSON.parse(line)
  let expands = true
  let value = null
  try {
    value = exports2.envReplace(expr, {})
  } catch {
    expands = false
  }
  process.stdout.write(JSON.stringify({ expr, expands, value }) + '\n')
}
