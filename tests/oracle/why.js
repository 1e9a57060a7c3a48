#!/usr/bin/env node
'use strict'
// Oracle for `npmrc-doctor why`: loads config exactly as npm 11 does and
// drives npm's real request code (pacote, npm-registry-fetch, arborist,
// libnpmpublish) with the network replaced by an in-process recorder.
// Contract and every decision: docs/why-oracle.md.
//
// node tests/oracle/why.js --npm-root <npm package dir> --npm-dir <builtin folder>
//      [--spec S]... [--url U]... [--no-spec] -- <npm flags>

const path = require('node:path')
const fs = require('node:fs')
const { install } = require('./why-lib/recorder.js')
const { displayValue } = require('./lib/secret.js')

const usage = () => {
  process.stderr.write('usage: why.js --npm-root DIR --npm-dir DIR [--spec S]... [--url U]... [--no-spec] -- NPM_FLAGS\n')
  process.exit(2)
}

const parseArgs = (argv) => {
  const out = { specs: [], urls: [], noSpec: false, npmFlags: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) {
        usage()
      }
      return argv[++i]
    }
    if (a === '--') {
      out.npmFlags = argv.slice(i + 1)
      break
    } else if (a === '--npm-root') {
      out.npmRoot = val()
    } else if (a === '--npm-dir') {
      out.npmDir = val()
    } else if (a === '--spec') {
      out.specs.push(val())
    } else if (a === '--url') {
      out.urls.push(val())
    } else if (a === '--no-spec') {
      out.noSpec = true
    } else {
      usage()
    }
  }
  if (!out.npmRoot || !out.npmDir) {
    usage()
  }
  return out
}

const errObj = (e) => e ? { code: e.code || null, message: String(e.message) } : null

const main = async () => {
  const args = parseArgs(process.argv.slice(2))
  const npmRoot = path.resolve(args.npmRoot)
  const npmDir = path.resolve(args.npmDir)
  const nm = path.join(npmRoot, 'node_modules')
  const req = (m) => require(require.resolve(m, { paths: [nm] }))

  // ---- the synthetic registry ------------------------------------------
  // `plan` says which version the packument currently being asked for offers
  let plan = { version: '1.0.0', tag: null }
  const removeTrailingSlashes = (s) => s.replace(/\/+$/, '')
  const responder = (rec, headers) => {
    if (rec.reqType === 'packument') {
      const id = headers.get('pacote-pkg-id') || ''
      const name = id.replace(/^registry:/, '')
      const escaped = name.replace('/', '%2f')
      const base = rec.url.endsWith('/' + escaped) ? rec.url.slice(0, -escaped.length - 1) : rec.url
      const basename = name.replace(/^@[^/]+\//, '')
      const v = plan.version
      const tags = { latest: v }
      if (plan.tag) {
        tags[plan.tag] = v
      }
      return {
        type: 'application/json',
        body: {
          name,
          'dist-tags': tags,
          versions: {
            [v]: {
              name,
              version: v,
              dist: { tarball: `${removeTrailingSlashes(base)}/${name}/-/${basename}-${v}.tgz` },
            },
          },
        },
      }
    }
    if (rec.method === 'PUT') {
      return { type: 'application/json', body: {} }
    }
    return { body: 'synthetic' }
  }
  const recorder = install({ npmRoot, responder })

  // ---- config, exactly as npm's lib/npm.js loads it ----------------------
  const Config = req('@npmcli/config')
  const { definitions, flatten, nerfDarts, shorthands } = req('@npmcli/config/lib/definitions')
  const envReplace = req('@npmcli/config/lib/env-replace.js')
  const npmPkg = JSON.parse(fs.readFileSync(path.join(npmRoot, 'package.json'), 'utf8'))
  const config = new Config({
    npmPath: npmDir,
    definitions,
    flatten,
    nerfDarts,
    shorthands,
    argv: [process.execPath, path.join(npmRoot, 'bin', 'npm-cli.js'), ...args.npmFlags],
    excludeNpmCwd: false,
    warn: false,
  })
  await config.load()
  // npm reads flatOptions (display setup) before the scope fix-up and validate()
  void config.flat
  const configScope = config.get('scope')
  if (configScope && !/^@/.test(configScope)) {
    config.set('scope', `@${configScope}`, config.find('scope'))
  }
  // validate() deletes invalid values from the layers but the (cached) flat
  // options keep them: remember which layer held each key before it runs
  const LAYERS = ['cli', 'env', 'project', 'user', 'global', 'builtin', 'default']
  const preValidation = new Map(LAYERS.map(w => [w, new Set(Object.keys(config.data.get(w).data))]))
  const findPre = (key) => LAYERS.find(w => preValidation.get(w).has(key)) || null
  let validation = null
  try {
    config.validate()
  } catch (e) {
    validation = { code: e.code || null, message: String(e.message) }
    if (e.problems) {
      validation.problems = e.problems
    }
  }
  const flat = config.flat
  flat.nodeVersion = process.version
  flat.npmVersion = npmPkg.version

  const npa = req('npm-package-arg')
  const npmFetch = req('npm-registry-fetch')
  const pacote = req('pacote')
  const Arborist = req('@npmcli/arborist')
  const libpub = req('libnpmpublish').publish
  const pkgJson = req('@npmcli/package-json')
  const { redactLog: replaceInfo } = req('@npmcli/redact')
  const semver = req('semver')
  const hgi = req('hosted-git-info')
  const registryResolved = loadRegistryResolved(nm, hgi)

  // ---- describing where a key came from ----------------------------------
  const FILE_LAYERS = new Set(['builtin', 'global', 'user', 'project'])
  const envOf = (where, key) => {
    if (!where || where === 'default') {
      return null
    }
    const raw = config.data.get(where).raw || {}
    let rawValue
    for (const k of Object.keys(raw)) {
      if (envReplace(k, process.env) === key) {
        rawValue = raw[k]
      }
    }
    if (typeof rawValue !== 'string') {
      return null
    }
    for (const m of rawValue.matchAll(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g)) {
      if (m[1].length % 2 === 0) {
        return { name: m[2], set: process.env[m[2]] !== undefined }
      }
    }
    return null
  }
  const describeKey = (key, opts, pubConfigKeys) => {
    let where = findPre(key)
    if (pubConfigKeys && pubConfigKeys.has(key)) {
      where = 'publishConfig'
    }
    const value = opts[key]
    return {
      layer: where,
      file: FILE_LAYERS.has(where) ? config.data.get(where).source : null,
      line: null,
      value: value === undefined || value === null ? null : displayValue(key, value),
      env: where === 'publishConfig' ? null : envOf(where, key),
    }
  }

  // AUTH object of one recorded request
  const authOf = (rec, opts, pubConfigKeys) => {
    if (!rec) {
      return null
    }
    const a = rec.auth || {}
    const h = rec.authorization || ''
    const cert = !!(a.cert && a.key)
    const kind = h.startsWith('Bearer ') ? 'token'
      : h.startsWith('Basic ') ? 'basic'
      : cert ? 'cert' : 'none'
    const keys = []
    let secretKey = null
    if (a.token) {
      secretKey = `${a.regKey}:_authToken`
      keys.push(secretKey)
    } else if (a.auth && !a.isBasicAuth) {
      secretKey = `${a.regKey}:_auth`
      keys.push(secretKey)
    } else if (a.auth && a.isBasicAuth) {
      keys.push(`${a.regKey}:username`)
      secretKey = `${a.regKey}:_password`
      keys.push(secretKey)
    }
    if (cert) {
      keys.push(`${a.regKey}:certfile`, `${a.regKey}:keyfile`)
      secretKey = secretKey || `${a.regKey}:certfile`
    }
    const d = secretKey ? describeKey(secretKey, opts, pubConfigKeys)
      : { layer: null, file: null, line: null, value: null, env: null }
    return {
      kind,
      keys,
      ...d,
      cert,
      scope_auth_key: a.scopeAuthKey || null,
    }
  }
  // the URL as it goes on the wire (minipass-fetch parses it with WHATWG URL)
  const wireUrl = (u) => {
    try {
      return new URL(u).href
    } catch {
      return u
    }
  }
  const reqOut = (rec, opts, pubConfigKeys) => rec
    ? { url: wireUrl(rec.url), method: rec.method, auth: authOf(rec, opts, pubConfigKeys) }
    : null

  // ---- lockfile --------------------------------------------------------
  const localPrefix = config.localPrefix
  let lock = null
  for (const f of ['npm-shrinkwrap.json', 'package-lock.json']) {
    try {
      lock = JSON.parse(fs.readFileSync(path.join(localPrefix, f), 'utf8'))
      break
    } catch {
      // absent or unreadable: try the next one
    }
  }
  const lockEntry = (name) => {
    if (!lock) {
      return null
    }
    const p = lock.packages && lock.packages[`node_modules/${name}`]
    if (p && p.resolved) {
      return { resolved: p.resolved, version: p.version }
    }
    const d = lock.dependencies && lock.dependencies[name]
    if (d && d.resolved) {
      return { resolved: d.resolved, version: d.version }
    }
    return null
  }

  // which version the synthetic packument offers for a spec
  const planFor = (spec, version) => {
    if (version) {
      return { version, tag: null }
    }
    const s = spec.subSpec || spec
    if (s.type === 'version') {
      return { version: s.fetchSpec, tag: null }
    }
    if (s.type === 'tag') {
      return { version: '1.0.0', tag: s.fetchSpec }
    }
    if (s.type === 'range') {
      if (semver.satisfies('1.0.0', s.fetchSpec)) {
        return { version: '1.0.0', tag: null }
      }
      const min = semver.minVersion(s.fetchSpec)
      return { version: min ? min.version : '1.0.0', tag: null }
    }
    return { version: '1.0.0', tag: null }
  }

  // key that supplied the registry pickRegistry chose
  const registryOf = (spec, opts) => {
    const parsed = npa(spec)
    const scoped = parsed.subSpec || parsed
    let key = null
    if (scoped.scope && opts[scoped.scope.replace(/^@?/, '@') + ':registry']) {
      key = scoped.scope.replace(/^@?/, '@') + ':registry'
    } else if (opts.scope && opts[opts.scope.replace(/^@?/, '@') + ':registry']) {
      key = opts.scope.replace(/^@?/, '@') + ':registry'
    } else if (opts.registry) {
      key = 'registry'
    }
    const url = npmFetch.pickRegistry(scoped, opts)
    const where = key ? findPre(key) : null
    return {
      url,
      key,
      layer: where,
      file: FILE_LAYERS.has(where) ? config.data.get(where).source : null,
      line: null,
    }
  }

  // ---- one package -----------------------------------------------------
  const projectDir = process.cwd()
  let projectManifest = null
  try {
    const { content } = await (await pkgJson.fix(projectDir, { changes: [] })).prepare()
    projectManifest = content
  } catch {
    projectManifest = null
  }

  const onePackage = async (specStr, source) => {
    const out = { spec: specStr, source }
    let spec
    try {
      spec = npa(specStr)
    } catch (e) {
      out.error = errObj(e)
      return out
    }
    const name = spec.name
    const realName = (spec.subSpec && spec.subSpec.name) || name
    const entry = lockEntry(name)
    plan = planFor(spec, entry && entry.version)
    out.registry = registryOf(specStr, flat)

    // packument (pacote.manifest, as `npm view` / install without lockfile)
    let mani = null
    let m = recorder.mark()
    let err = null
    try {
      mani = await pacote.manifest(specStr, { ...flat })
    } catch (e) {
      err = e
    }
    const packReq = recorder.since(m).find(r => r.reqType === 'packument')
    out.packument = { ...(reqOut(packReq, flat) || { url: null, auth: null }), error: errObj(err) }

    // tarball as `npm install` / `npm ci` (arborist reify)
    const resolved = entry ? entry.resolved : (mani && mani._resolved) || null
    out.tarball = { url: null, auth: null, error: null, from: entry ? 'lockfile' : 'packument' }
    if (resolved) {
      try {
        const arbOpts = { ...flat, path: localPrefix }
        const arb = new Arborist(arbOpts)
        const rr = registryResolved.call(arb, resolved)
        if (rr) {
          m = recorder.mark()
          try {
            await pacote.tarball(`${name}@${rr}`, {
              ...arb.options,
              resolved,
              integrity: undefined,
              _isRoot: true,
              allowRemote: 'all',
            })
          } catch (e) {
            out.tarball.error = errObj(e)
          }
          const t = recorder.since(m).find(r => r.reqType === 'tarball')
          Object.assign(out.tarball, reqOut(t, arb.options) || {})
        } else {
          out.tarball.error = { code: null, message: 'invalid or damaged lockfile detected' }
        }
      } catch (e) {
        out.tarball.error = errObj(e)
      }
    }

    // tarball as `npm pack <spec>` (libnpmpack: pacote.tarball(manifest._resolved))
    out.pack = { url: null, auth: null, error: null }
    if (mani && mani._resolved) {
      m = recorder.mark()
      try {
        await pacote.tarball(mani._resolved, { ...flat, Arborist, integrity: mani._integrity })
      } catch (e) {
        out.pack.error = errObj(e)
      }
      const t = recorder.since(m).find(r => r.reqType === 'tarball')
      Object.assign(out.pack, reqOut(t, flat) || {})
    }

    // publish (npm lib/commands/publish.js)
    out.publish = await publishOf(spec, realName, mani)
    return out
  }

  const publishOf = async (spec, realName, mani) => {
    const res = { registry: null, error: null, auth: null, url: null, checked_key: null, publish_config: false }
    const opts = { ...flat, progress: false }
    let manifest
    const isProject = projectManifest && projectManifest.name === realName
    if (isProject) {
      manifest = { ...projectManifest }
      res.publish_config = !!manifest.publishConfig
    } else {
      manifest = mani ? { ...mani } : { name: realName, version: plan.version }
      delete manifest.publishConfig
    }
    const pubConfigKeys = new Set()
    if (manifest.publishConfig) {
      const cliFlags = config.data.get('cli').raw
      const filtered = Object.fromEntries(
        Object.entries(manifest.publishConfig).filter(([key]) => !(key in cliFlags)))
      const before = { ...opts }
      flatten(filtered, opts)
      for (const k of Object.keys(opts)) {
        if (opts[k] !== before[k] || !(k in before)) {
          pubConfigKeys.add(k)
        }
      }
    }
    let resolved
    try {
      resolved = npa.resolve(manifest.name, manifest.version)
      res.registry = npmFetch.pickRegistry(resolved, opts)
    } catch (e) {
      res.error = errObj(e)
      return res
    }
    try {
      const nerfDart = req('@npmcli/config/lib/nerf-dart.js')
      res.checked_key = nerfDart(res.registry)
    } catch {
      res.checked_key = null
    }
    let pre = null
    try {
      const creds = config.getCredentialsByURI(res.registry)
      const noCreds = !(creds.token || creds.username || creds.certfile && creds.keyfile)
      if (noCreds) {
        const msg = `This command requires you to be logged in to ${replaceInfo(res.registry)}`
        if (!flat.dryRun) {
          pre = { code: 'ENEEDAUTH', message: msg }
        } else {
          res.warning = `${msg} (dry-run)`
        }
      }
    } catch (e) {
      pre = errObj(e)
    }
    res.error = pre
    // the version check GET (#registryVersions, npm.flatOptions + registry)
    if (!flat.force) {
      const m = recorder.mark()
      try {
        await pacote.packument(resolved, { ...flat, preferOnline: true, registry: res.registry, _isRoot: true })
      } catch {
        // npm ignores every error of the version check
      }
      const r = recorder.since(m).find(x => x.reqType === 'packument')
      res.version_check = reqOut(r, flat)
    }
    // the PUT, made even when the pre-check failed (what it would carry)
    const m = recorder.mark()
    let putErr = null
    try {
      await libpub(manifest, Buffer.from('synthetic tarball'), { ...opts })
    } catch (e) {
      putErr = e
    }
    const put = recorder.since(m).find(x => x.method === 'PUT')
    if (put) {
      res.url = wireUrl(put.url)
      res.auth = authOf(put, opts, pubConfigKeys)
    }
    if (!res.error && putErr) {
      res.error = errObj(putErr)
    }
    return res
  }

  // ---- what to describe --------------------------------------------------
  const packages = []
  if (!args.noSpec) {
    if (args.specs.length) {
      for (const s of args.specs) {
        packages.push(await onePackage(s, 'spec'))
      }
    } else if (projectManifest && projectManifest.name) {
      packages.push(await onePackage(`${projectManifest.name}@${projectManifest.version}`, 'project'))
      const seen = new Set([projectManifest.name])
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
        for (const [dep, range] of Object.entries(projectManifest[field] || {})) {
          if (seen.has(dep)) {
            continue
          }
          seen.add(dep)
          packages.push(await onePackage(`${dep}@${range}`, 'dependency'))
        }
      }
    }
  }

  // --url: a plain GET through npm-registry-fetch with npm's flat options, no spec
  const urls = []
  for (const u of args.urls) {
    const m = recorder.mark()
    let err = null
    try {
      const res = await npmFetch(u, { ...flat })
      await res.buffer()
    } catch (e) {
      err = e
    }
    const r = recorder.since(m)[0]
    urls.push({ url: r ? wireUrl(r.url) : u, auth: r ? authOf(r, flat) : null, error: errObj(err) })
  }

  const doc = {
    schema: 1,
    oracle: { npm: npmPkg.version, node: process.version },
    validation: { error: validation },
    packages,
    urls,
  }
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n')
}

// arborist's private `#registryResolved` (lib/arborist/reify.js), taken
// verbatim from the installed source so the rewrite is npm's own code.
function loadRegistryResolved (nm, hgi) {
  const file = path.join(nm, '@npmcli', 'arborist', 'lib', 'arborist', 'reify.js')
  const src = fs.readFileSync(file, 'utf8')
  const start = src.indexOf('\n  #registryResolved (resolved) {\n')
  if (start < 0) {
    throw new Error(`#registryResolved not found in ${file}`)
  }
  const bodyStart = src.indexOf('{\n', start) + 2
  const end = src.indexOf('\n  }\n', bodyStart)
  const body = src.slice(bodyStart, end)
  // eslint-disable-next-line no-new-func
  return new Function('hgi', 'URL', `return function registryResolved (resolved) {\n${body}\n}`)(hgi, URL)
}

main().catch(e => {
  process.stderr.write(`why oracle failed: ${e && e.stack || e}\n`)
  process.exit(1)
})
