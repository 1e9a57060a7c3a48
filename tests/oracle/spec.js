'use strict'
// Oracle for tests/spec_differential.rs: runs npm's own modules on each
// JSON request line from stdin and writes one JSON answer line per request.
// Modules come from `$(npm root -g)/npm/node_modules` (path in argv[2]).
const path = require('path')
const readline = require('readline')

const root = process.argv[2]
const req = (m) => require(path.join(root, m))
const semver = req('semver')
const npa = req('npm-package-arg')
const validate = req('validate-npm-package-name')

const nul = (v) => (v === undefined ? null : v)

function projectHosted (h) {
  if (!h) return null
  return {
    type: h.type,
    user: nul(h.user),
    auth: nul(h.auth),
    project: nul(h.project),
    committish: nul(h.committish),
    default: nul(h.default),
  }
}

function project (r) {
  return {
    type: r.type,
    registry: !!r.registry,
    where: nul(r.where),
    raw: nul(r.raw),
    name: nul(r.name),
    escapedName: nul(r.escapedName),
    scope: nul(r.scope),
    rawSpec: nul(r.rawSpec),
    saveSpec: nul(r.saveSpec),
    fetchSpec: nul(r.fetchSpec),
    gitRange: nul(r.gitRange),
    gitCommittish: nul(r.gitCommittish),
    gitSubdir: nul(r.gitSubdir),
    hosted: projectHosted(r.hosted),
    subSpec: r.subSpec ? project(r.subSpec) : null,
  }
}

function guard (f) {
  try {
    return { ok: f() }
  } catch (e) {
    return { error: { code: nul(e.code), message: String(e.message) } }
  }
}

function answer (q) {
  switch (q.op) {
    case 'valid': return semver.valid(q.input, q.loose)
    case 'clean': return semver.clean(q.input, q.loose)
    case 'validRange': return semver.validRange(q.input, q.loose)
    case 'satisfies': return semver.satisfies(q.version, q.range, q.loose)
    case 'name': {
      const v = validate(q.input)
      return {
        validForNewPackages: v.validForNewPackages,
        validForOldPackages: v.validForOldPackages,
        errors: v.errors || [],
        warnings: v.warnings || [],
      }
    }
    case 'npa': return guard(() => project(npa(q.arg, q.where)))
    case 'resolve': return guard(() => project(npa.resolve(q.name, q.spec, q.where)))
    default: throw new Error('unknown op ' + q.op)
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (!line) return
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + '\n')
})
