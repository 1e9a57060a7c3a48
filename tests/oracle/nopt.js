#!/usr/bin/env node
// Differential oracle for tests/defs_differential.rs.
//
// Loads npm's own @npmcli/config (definitions, shorthands, type-defs,
// parse-field via Config#parseField), nopt and node's url.parse from
// `$(npm root -g)/npm/node_modules` (or $NPM_ROOT), reads JSON lines on
// stdin and writes one JSON line per input:
//   {"kind":"cli","args":[...]}           -> raw, data, remain, warnings, queued | error
//   {"kind":"clean","key":k,"value":V}    -> data, warnings | error
//   {"kind":"field","key":k,"value":s}    -> value
//   {"kind":"url","input":s}              -> host, href | error
// The first output line is {"localAddresses":[...]}.
// Values are tagged: ["u"], ["null"], ["b",x], ["n","<String(n)>"], ["s",x],
// ["d","<ms>"], ["a",[...]], ["o",[[k,v],...]].
'use strict'
const { execSync } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const url = require('node:url')

const root = process.env.NPM_ROOT || execSync('npm root -g', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
const mods = path.join(root, 'npm', 'node_modules')
const Config = require(path.join(mods, '@npmcli/config'))
const { definitions, shorthands, flatten, nerfDarts } = require(path.join(mods, '@npmcli/config/lib/definitions/index.js'))
const typeDefs = require(path.join(mods, '@npmcli/config/lib/type-defs.js'))
const nopt = require(path.join(mods, 'nopt'))

const HOME = process.env.HOME
process.noDeprecation = true

let logs = []
process.on('log', (level, ...args) => {
  logs.push(`npm ${level} ${args.map(a => typeof a === 'string' ? a : String(a)).join(' ')}`)
})

const enc = v => {
  if (v === undefined) return ['u']
  if (v === null) return ['null']
  if (typeof v === 'boolean') return ['b', v]
  if (typeof v === 'number') return ['n', String(v)]
  if (typeof v === 'string') return ['s', v]
  if (v instanceof Date) return ['d', String(v.getTime())]
  if (Array.isArray(v)) return ['a', v.map(enc)]
  return ['o', Object.entries(v).map(([k, x]) => [k, enc(x)])]
}
const dec = v => {
  switch (v[0]) {
    case 'u': return undefined
    case 'null': return null
    case 'b': return v[1]
    case 'n': return Number(v[1])
    case 's': return v[1]
    case 'd': return new Date(Number(v[1]))
    case 'a': return v[1].map(dec)
    default: return Object.fromEntries(v[1].map(([k, x]) => [k, dec(x)]))
  }
}

const ENV = { X: 'false', HOME_DIR: '/env/home', EMPTY: '' }
const newConfig = args => {
  const c = new Config({
    definitions, shorthands, flatten, nerfDarts,
    npmPath: path.join(root, 'npm'),
    argv: ['node', 'npm', ...args],
    env: ENV,
    cwd: process.cwd(),
    warn: false,
  })
  c.home = HOME
  return c
}

const handle = req => {
  logs = []
  try {
    if (req.kind === 'cli') {
      const c = newConfig(req.args)
      let error = null
      c.loadDefaults()
      logs = []
      try { c.loadCLI() } catch (e) { error = e.message }
      const cli = c.data.get('cli')
      return {
        error,
        raw: enc(cli.raw || {}),
        data: enc({ ...cli.data }),
        remain: c.parsedArgv ? c.parsedArgv.remain : null,
        warnings: logs,
        queued: c.getWarnings ? null : undefined,
        queuedList: queued(c),
      }
    }
    if (req.kind === 'clean') {
      const c = newConfig([])
      const data = {}
      data[req.key] = dec(req.value)
      nopt.invalidHandler = (k, val, type) => c.invalidHandler(k, val, type, '/p/.npmrc', 'user')
      try {
        nopt.clean(data, c.types, typeDefs)
      } finally {
        nopt.invalidHandler = null
      }
      return { data: enc(data), warnings: logs }
    }
    if (req.kind === 'field') {
      const c = newConfig([])
      return { value: enc(c.parseField(req.value, req.key)) }
    }
    if (req.kind === 'url') {
      const u = url.parse(req.input)
      return { host: u.host, href: u.href }
    }
    return { error: 'bad request' }
  } catch (e) {
    return { error: `${e.name}: ${e.code || e.message}`, warnings: logs }
  }
}

// The queued warnings (type + message as npm would print them).
const queued = c => {
  const out = []
  const saved = logs
  logs = []
  c.logWarnings()
  const printed = logs
  logs = saved
  return printed
}

const addrs = [].concat(new Config({ definitions, shorthands, flatten, npmPath: path.join(root, 'npm'), argv: [], env: {}, cwd: '/' }).types['local-address']).filter(t => typeof t === 'string')
process.stdout.write(JSON.stringify({ localAddresses: addrs }) + '\n')
const rl = readline.createInterface({ input: process.stdin })
rl.on('line', line => {
  if (!line.trim()) return
  process.stdout.write(JSON.stringify(handle(JSON.parse(line))) + '\n')
})
