#!/usr/bin/env node
// Prints, one per line and sorted, every config key pnpm reads from `.npmrc`
// with a declared type: the union of `@pnpm/npm-conf`'s npm types and
// `@pnpm/config`'s own types, taken from the installed `pnpm` package's
// bundle (dist/pnpm.cjs). Usage: node tools/pnpm-config-keys.js <pnpm dir>
'use strict'
const fs = require('fs')
const path = require('path')
const dir = process.argv[2]
if (!dir) {
  console.error('usage: pnpm-config-keys.js <path to node_modules/pnpm>')
  process.exit(2)
}
const src = fs.readFileSync(path.join(dir, 'dist', 'pnpm.cjs'), 'utf8')
// Each bundled module is `var require_X = __commonJS({ "<file>"(exports2, module2) { ... } });`
function moduleBody (file) {
  const start = src.indexOf(`"${file}"(exports2`)
  if (start < 0) throw new Error(`module ${file} not found in pnpm.cjs`)
  const open = src.indexOf('{', src.indexOf(')', start))
  const end = src.indexOf('\n});\n', open)
  return src.slice(open + 1, end).replace(/\n\s*\}\s*$/, '')
}
function evalModule (body, requires) {
  const exports2 = {}
  const module2 = { exports: exports2 }
  // eslint-disable-next-line no-new-func
  const fn = new Function('exports2', 'module2', 'require', ...Object.keys(requires), body)
  fn(exports2, module2, require, ...Object.values(requires))
  return module2.exports
}
const npmConfFile = src.match(/"(\.\.\/node_modules\/\.pnpm\/@pnpm\+npm-conf@[^"]+\/lib\/types\.js)"\(exports2/)
if (!npmConfFile) throw new Error('@pnpm/npm-conf types not found in pnpm.cjs')
const npmTypes = evalModule(moduleBody(npmConfFile[1]), {})
const pnpmTypes = evalModule(moduleBody('../config/config/lib/types.js'), {
  require_types: () => npmTypes
})
const keys = Object.keys(pnpmTypes.types).sort()
process.stdout.write(keys.join('\n') + '\n')
