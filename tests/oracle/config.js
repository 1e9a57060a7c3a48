#!/usr/bin/env node
'use strict'
// The config oracle: runs npm's own @npmcli/config on the current
// environment and working directory, and prints the `config --json`
// document (schema 1) described in docs/scenarios.md.
//
//   node tests/oracle/config.js --npm-root <npm package dir> --npm-dir <builtin npm folder> -- <npm flags…>
//
// It constructs Config exactly as npm's lib/npm.js does, loads, snapshots
// every key set by a non-default layer (pre-validation values), validates,
// and appends the queued warnings (Config#logWarnings).

const { resolve } = require('node:path')
const { loadNpm } = require('./lib/npm.js')
const { captureLogs } = require('./lib/logs.js')
const { displayValue, isSecretKey } = require('./lib/secret.js')

const FILE_LAYERS = ['builtin', 'global', 'user', 'project']
// highest first, as config.find() looks
const LAYERS_HIGH_FIRST = ['cli', 'env', 'project', 'user', 'global', 'builtin']

const usage = () => {
  process.stderr.write('usage: config.js --npm-root <dir> --npm-dir <dir> -- <npm flags…>\n')
  process.exit(2)
}

const parseArgs = (argv) => {
  const opts = { npmRoot: null, npmDir: null, flags: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      opts.flags = argv.slice(i + 1)
      break
    } else if (a === '--npm-root' && i + 1 < argv.length) {
      opts.npmRoot = resolve(argv[++i])
    } else if (a === '--npm-dir' && i + 1 < argv.length) {
      opts.npmDir = resolve(argv[++i])
    } else {
      usage()
    }
  }
  if (!opts.npmRoot || !opts.npmDir) {
    usage()
  }
  return opts
}

const hasOwn = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key)

const jsType = (v) => {
  if (v === null) {
    return 'null'
  }
  if (Array.isArray(v)) {
    return 'array'
  }
  if (v instanceof Date) {
    return 'date'
  }
  return typeof v // string, number, boolean, undefined, object
}

// JSON rendering of a config value, masked like src/secret.rs:
// strings of secret keys are masked, other strings lose URL passwords.
// Arrays: each string element is rendered with the key's rule. Objects (from
// ini sections): string leaves are masked when the top-level key or the
// leaf's own property name is a secret key. Dates: toISOString() (null when
// invalid). undefined → null. Non-finite numbers → their String().
const renderValue = (key, v) => {
  if (typeof v === 'string') {
    return displayValue(key, v)
  }
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : String(v)
  }
  if (v === undefined || v === null || typeof v === 'boolean') {
    return v === undefined ? null : v
  }
  if (v instanceof Date) {
    return Number.isNaN(v.getTime()) ? null : v.toISOString()
  }
  if (Array.isArray(v)) {
    return v.map((e) => renderValue(key, e))
  }
  if (typeof v === 'object') {
    const out = {}
    for (const [k, e] of Object.entries(v)) {
      out[k] = renderValue(isSecretKey(key) ? key : k, e)
    }
    return out
  }
  return String(v)
}

const fileEntry = (config, where) => {
  const conf = config.data.get(where)
  const source = conf.source
  if (where === 'project' && source && source.startsWith('(')) {
    // skipped: npm never computed a path for global mode; we report the
    // file npm would have read (<localPrefix>/.npmrc)
    return {
      layer: where,
      path: resolve(config.localPrefix, '.npmrc'),
      status: 'skipped',
      reason: source,
    }
  }
  const er = conf.loadError
  if (!er) {
    return { layer: where, path: source, status: 'loaded', reason: null }
  }
  if (er.code === 'ENOENT') {
    return { layer: where, path: source, status: 'missing', reason: null }
  }
  return { layer: where, path: source, status: 'unreadable', reason: er.code || String(er.message) }
}

const entryFor = (config, where) => ({
  layer: where,
  file: FILE_LAYERS.includes(where) ? config.data.get(where).source : null,
  // the oracle runs npm's own code, which does not track line numbers
  line: null,
})

const snapshotConfig = (config) => {
  const keys = new Set()
  for (const where of LAYERS_HIGH_FIRST) {
    for (const key of Object.keys(config.data.get(where).data)) {
      keys.add(key)
    }
  }
  const out = {}
  for (const key of [...keys].sort()) {
    const value = config.get(key)
    const layer = config.find(key)
    const shadowed = LAYERS_HIGH_FIRST
      .filter((w) => w !== layer && hasOwn(config.data.get(w).data, key))
      .map((w) => entryFor(config, w))
    out[key] = {
      value: renderValue(key, value),
      type: jsType(value),
      ...entryFor(config, layer),
      shadowed,
    }
  }
  return out
}

const validationError = (er) => {
  if (er.code === 'ERR_INVALID_AUTH') {
    return {
      code: er.code,
      message: er.message,
      problems: er.problems.map((p) => ({ ...p })),
    }
  }
  return { code: er.code || null, message: er.message }
}

const main = async () => {
  const opts = parseArgs(process.argv.slice(2))
  const npm = loadNpm(opts.npmRoot)
  const { definitions, flatten, nerfDarts, shorthands } = npm.definitions

  const logs = captureLogs(npm.format)

  // npm's lib/npm.js: execPath becomes which(argv[0]) when that differs
  let execPath = process.execPath
  const node = await npm.which(process.argv[0]).catch(() => {})
  if (node && node.toUpperCase() !== process.execPath.toUpperCase()) {
    execPath = node
  }

  const config = new npm.Config({
    npmPath: opts.npmDir,
    definitions,
    flatten,
    nerfDarts,
    shorthands,
    argv: ['node', 'npm', ...opts.flags],
    env: process.env,
    cwd: process.cwd(),
    execPath,
    excludeNpmCwd: false,
    warn: false,
  })

  try {
    await config.load()
  } catch (er) {
    logs.stop()
    return {
      schema: 1,
      load_error: { code: er.code || null, message: er.message },
      warnings: logs.lines,
    }
  }

  const files = FILE_LAYERS.map((w) => fileEntry(config, w))
  const snapshot = snapshotConfig(config)

  let error = null
  try {
    config.validate()
  } catch (er) {
    error = validationError(er)
  }
  config.logWarnings()
  logs.stop()

  return {
    schema: 1,
    files,
    config: snapshot,
    validation: { error },
    warnings: logs.lines,
  }
}

main().then(
  (doc) => process.stdout.write(JSON.stringify(doc, null, 2) + '\n'),
  (er) => {
    process.stderr.write(`oracle crashed: ${er && er.stack}\n`)
    process.exit(1)
  }
)
