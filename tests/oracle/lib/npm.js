'use strict'
// Loads npm's own modules from an npm install folder (`--npm-root`), so the
// oracle runs exactly the code the installed npm runs.
const { join } = require('node:path')
const { createRequire } = require('node:module')

const loadNpm = (npmRoot) => {
  // resolve modules the way npm's lib/npm.js does: from npm's own folder
  const req = createRequire(join(npmRoot, 'lib', 'npm.js'))
  return {
    Config: req('@npmcli/config'),
    definitions: req('@npmcli/config/lib/definitions'),
    which: req('which'),
    // npm's display formatter (lib/utils/format.js): util.formatWithOptions,
    // control-character escaping, @npmcli/redact, one prefix per line
    format: req(join(npmRoot, 'lib', 'utils', 'format.js')),
    version: req(join(npmRoot, 'package.json')).version,
  }
}

module.exports = { loadNpm }
