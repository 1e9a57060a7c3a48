// What npm 11 itself does with one rule fixture's project (tests/rules_npm.rs).
//
//   node rules-npm.js --npm-root <npm root -g>/npm <rule> <project dir>
//
// Prints {"problem": bool, "evidence": "..."}: whether npm (its own modules,
// or the real CLI run against an unreachable loopback registry) shows the
// problem the rule claims. Nothing leaves the machine: every registry is
// http://127.0.0.1:9/ (the discard port; connections are refused) and
// fetch retries are off.
'use strict'

const path = require('node:path')
const fs = require('node:fs')
const { spawn, spawnSync } = require('node:child_process')
const os = require('node:os')

const args = process.argv.slice(2)
const npmRoot = args[args.indexOf('--npm-root') + 1]
const [rule, project] = args.filter((a, i) => a !== '--npm-root' && args[i - 1] !== '--npm-root')
const req = (m) => require(path.join(npmRoot, 'node_modules', m))
const OFFLINE = ['--registry=http://127.0.0.1:9/', '--fetch-retries=0', '--no-audit', '--no-fund', '--loglevel=warn']

function npm (argv) {
  const r = spawnSync(process.execPath, [path.join(npmRoot, 'bin', 'npm-cli.js'), ...argv], {
    cwd: project,
    env: process.env,
    encoding: 'utf8',
    timeout: 60000,
  })
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' }
}

function manifest () {
  return JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'))
}

// `npm <argv>` without blocking this process (a server of ours must answer)
function npmAsync (argv) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [path.join(npmRoot, 'bin', 'npm-cli.js'), ...argv], {
      cwd: project,
      env: process.env,
    })
    let stdout = ''
    let stderr = ''
    c.stdout.on('data', (d) => { stdout += d })
    c.stderr.on('data', (d) => { stderr += d })
    const timer = setTimeout(() => c.kill(), 60000)
    c.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }) })
  })
}

// A fresh self-signed certificate for 127.0.0.1 (openssl), or null.
function selfSigned () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-npm-tls-'))
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' })
  if (r.status !== 0) {
    return null
  }
  const out = { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') }
  fs.rmSync(dir, { recursive: true, force: true })
  return out
}

const checks = {
  // libnpmpublish's own EPRIVATE test (npm publish --dry-run never reaches it)
  async 'private-not-boolean' () {
    const pub = req('libnpmpublish').publish
    const m = manifest()
    try {
      await pub(m, Buffer.alloc(0), { registry: 'http://127.0.0.1:9/', retry: { retries: 0 } })
      return { problem: false, evidence: 'published' }
    } catch (e) {
      return {
        // npm refuses a package whose file does not say `"private": true`
        problem: e.code === 'EPRIVATE' && m.private !== true && m.private !== 'true',
        evidence: `${e.code}: ${String(e.message).split('\n')[0]}`,
      }
    }
  },

  // the real `npm publish --dry-run`; publishConfig.tag through npm-package-arg
  async 'tag-is-semver-range' () {
    const r = npm(['publish', '--dry-run', ...OFFLINE])
    const failed = /Tag name must not be a valid SemVer range/.test(r.stderr)
    const m = manifest()
    const tag = m.publishConfig && m.publishConfig.tag
    if (failed) {
      return { problem: true, evidence: r.stderr.split('\n').find(l => l.includes('Tag name')) }
    }
    if (typeof tag === 'string' && !m.private) {
      const spec = req('npm-package-arg')(`${m.name}@${tag}`)
      return { problem: spec.type !== 'tag', evidence: `npm publish --dry-run exit ${r.status}; npa("${m.name}@${tag}").type = ${spec.type}` }
    }
    return { problem: false, evidence: `npm publish --dry-run exit ${r.status}` }
  },

  // the real CLI's warnings while loading the config
  async 'deprecated-key' () {
    const r = npm(['config', 'get', 'registry'])
    const lines = r.stderr.split('\n').filter(l =>
      /^npm warn config (also|dev|only|production|optional|cache-min|cache-max|cert|key|global-style|legacy-bundling|shrinkwrap|init\.\S+) /.test(l) ||
      l.startsWith('npm error config prefix cannot be changed from project config'))
    return { problem: lines.length > 0, evidence: lines.join('\n') || r.stderr.trim() }
  },

  // the real `npm publish --dry-run --json`: the version npm publishes
  async 'version-rewritten' () {
    const m = manifest()
    if (m.private) {
      return { problem: false, evidence: 'private: npm publish refuses it' }
    }
    const r = npm(['publish', '--dry-run', '--json', ...OFFLINE])
    if (r.status !== 0) {
      return { problem: false, evidence: `npm publish failed: ${r.stderr.split('\n').find(l => l.includes('error')) || r.status}` }
    }
    const out = JSON.parse(r.stdout)
    const published = (out.version ? out : Object.values(out)[0]).version
    return { problem: published !== m.version, evidence: `package.json ${JSON.stringify(m.version)}, npm publish ${JSON.stringify(published)}` }
  },

  // the real `npm ping` against a loopback https server whose certificate
  // nobody trusts (unless the fixture's `ca.pem` placeholder is swapped for it)
  async 'tls-verification' () {
    const tls = selfSigned()
    if (!tls) {
      return { skip: 'openssl cannot make a certificate' }
    }
    const placeholder = path.join(project, 'ca.pem')
    if (fs.existsSync(placeholder)) {
      fs.writeFileSync(placeholder, tls.cert)
    }
    const server = require('node:https').createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const registry = `https://127.0.0.1:${server.address().port}/`
    const r = await npmAsync(['ping', `--registry=${registry}`, '--fetch-retries=0', '--loglevel=warn'])
    server.close()
    const accepted = r.status === 0
    const certError = /SELF_SIGNED|self.signed|unable to verify|UNABLE_TO/i.test(r.stderr)
    const cafile = (await npmAsync(['config', 'get', 'cafile'])).stdout.trim()
    let trusted = false
    try {
      trusted = cafile !== 'null' && fs.readFileSync(cafile, 'utf8').includes(tls.cert.trim())
    } catch {}
    const npmrc = fs.existsSync(path.join(project, '.npmrc')) ? fs.readFileSync(path.join(project, '.npmrc'), 'utf8') : ''
    const wroteTrust = /^\s*(cafile|ca(\[\])?|NODE_TLS_REJECT_UNAUTHORIZED)\s*=/mi.test(npmrc)
    const what = accepted ? 'npm ping accepted the self-signed certificate' : `npm ping failed${certError ? ' on the certificate' : ''}: ${r.stderr.split('\n').find(l => l.includes('error')) || r.status}`
    return {
      // verification off, or a trust setting that did not make npm trust anything
      problem: (accepted && !trusted) || (!accepted && certError && wroteTrust),
      evidence: `${what}; cafile=${cafile}${trusted ? ' (holds the server certificate)' : ''}`,
    }
  },

  // the claims in the fixture's snapshot ("`K` … did you mean `T`?"), each
  // checked with npm: @npmcli/package-json's prepare() (what `npm publish`
  // reads) leaves `T` unset although `K` is there; a real
  // `npm publish --dry-run` warns about each misspelled publishConfig key
  async 'misspelled-field' () {
    const snapshot = process.env.RULES_NPM_SNAPSHOT ? fs.readFileSync(process.env.RULES_NPM_SNAPSHOT, 'utf8') : ''
    const claims = [...snapshot.matchAll(/`(publishConfig\.)?([^`]+)` is not (?:a field npm reads|an npm setting): did you mean `([^`]+)`\?/g)]
      .map(([, pc, key, target]) => ({ inPublishConfig: Boolean(pc), key, target }))
    const PackageJson = req('@npmcli/package-json')
    const { content } = await PackageJson.prepare(project)
    const r = npm(['publish', '--dry-run', ...OFFLINE])
    const unknown = [...r.stderr.matchAll(/Unknown publishConfig config "([^"]+)"/g)].map(m => m[1])
    const evidence = []
    let confirmed = 0
    for (const c of claims) {
      const where = c.inPublishConfig ? (content.publishConfig || {}) : content
      // npm did not turn the misspelling into the field it reads
      const ignored = where[c.target] === undefined && where[c.key] !== undefined
      const ok = ignored && (!c.inPublishConfig || unknown.includes(c.key))
      if (ok) confirmed++
      evidence.push(`${c.key}→${c.target}: ${ok ? 'npm ignores it' : 'NOT confirmed'}`)
    }
    if (unknown.length) {
      evidence.push(`npm publish --dry-run: Unknown publishConfig config ${unknown.join(', ')}`)
    }
    return {
      problem: claims.length > 0 ? confirmed === claims.length : unknown.length > 0,
      evidence: evidence.join('; ') || `npm publish --dry-run exit ${r.status}, no unknown publishConfig key`,
    }
  },

  // a real `npm install` on an up-to-date tree (nothing to fetch, so only
  // the automatic audit talks to a registry) through a loopback proxy that
  // records where npm connects and answers 403: nothing leaves the machine
  async 'audit-sends-private-names' () {
    const targets = []
    const proxy = require('node:net').createServer((c) => {
      c.once('data', (d) => {
        targets.push(d.toString().split('\r\n')[0])
        c.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      })
    })
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const p = `http://127.0.0.1:${proxy.address().port}`
    const r = await npmAsync(['install', `--proxy=${p}`, `--https-proxy=${p}`, '--noproxy=', '--fetch-retries=0',
      '--no-fund', '--no-update-notifier', '--loglevel=http'])
    proxy.close()
    const bulk = r.stderr.split('\n').filter(l => l.includes('/-/npm/v1/security/advisories/bulk'))
    const hosts = bulk.map(l => new URL(l.split(' ').find(w => /^https?:\/\//.test(w))).host)
    // the scoped packages installed, and the registry npm maps their scope to
    const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'))
    const scoped = Object.keys(lock.packages).filter(k => k.startsWith('node_modules/@')).map(k => k.slice('node_modules/'.length))
    const leaked = []
    for (const name of scoped) {
      const scope = name.split('/')[0]
      const reg = (await npmAsync(['config', 'get', `${scope}:registry`])).stdout.trim()
      if (reg && reg !== 'undefined' && hosts.some(h => h !== new URL(reg).host)) {
        leaked.push(`${name} (from ${reg})`)
      }
    }
    return {
      problem: leaked.length > 0,
      evidence: `audit POSTs: ${bulk.length ? hosts.join(', ') : 'none'}; proxy saw: ${targets.join(' | ') || 'nothing'}; private names sent elsewhere: ${leaked.join(', ') || 'none'}`,
    }
  },

  // the GitLab CI variables: a loopback "GitLab" plays CI_API_V4_URL /
  // CI_SERVER_HOST, and a real `npm view` shows whether npm sends the job
  // token. Endpoint paths are GitLab's own routes, not npm behaviour.
  async 'gitlab-endpoint' () {
    const file = path.join(project, '.npmrc')
    const npmrc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    if (!npmrc.includes('${CI_')) {
      return { skip: 'a claim about GitLab\'s API routes, not about npm' }
    }
    let auth = null
    const server = require('node:http').createServer((req, res) => {
      auth = req.headers.authorization || 'none'
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{}')
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const host = `127.0.0.1:${server.address().port}`
    process.env.CI_API_V4_URL = `http://${host}/api/v4`
    process.env.CI_SERVER_URL = `http://${host}`
    process.env.CI_SERVER_HOST = host
    process.env.CI_PROJECT_ID = '42'
    process.env.CI_JOB_TOKEN = 'job-token-for-the-test'
    const scope = (npmrc.match(/^(@[^:]+):registry/m) || [])[1] || '@acme'
    const r = await npmAsync(['view', `${scope}/probe`, '--fetch-retries=0', '--loglevel=warn'])
    server.close()
    return {
      problem: auth === 'none',
      evidence: `npm view ${scope}/probe reached the registry: ${auth !== null}; Authorization sent: ${auth && auth !== 'none' ? 'yes' : 'no'} (exit ${r.status})`,
    }
  },

  // the real `npm config get` run inside the folder of every nested .npmrc:
  // problem when npm shows none of the file's values there
  async 'npmrc-not-read' () {
    const nested = []
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory() && e.name !== 'node_modules') {
          walk(p)
        } else if (e.name === '.npmrc' && dir !== project) {
          nested.push(p)
        }
      }
    }
    walk(project)
    const evidence = []
    let unread = 0
    for (const file of nested) {
      const pairs = fs.readFileSync(file, 'utf8').split(/\r?\n/)
        .map(l => l.match(/^\s*([^=;#\s][^=]*?)\s*=\s*(.*?)\s*$/)).filter(Boolean)
      let seen = false
      for (const [, key, value] of pairs) {
        const got = spawnSync(process.execPath, [path.join(npmRoot, 'bin', 'npm-cli.js'), 'config', 'get', key], {
          cwd: path.dirname(file), env: process.env, encoding: 'utf8',
        }).stdout.trim()
        if (got === value) {
          seen = true
        }
        evidence.push(`${path.relative(project, file)}: ${key}=${value}, npm config get there: ${got}`)
      }
      if (!seen && pairs.length) {
        unread++
      }
    }
    return { problem: unread > 0, evidence: evidence.join('; ') || 'no nested .npmrc' }
  },

  // a credential-only .npmrc: a real `npm view` of each scoped package of
  // the lockfile through a loopback proxy that records where npm connects
  async 'orphan-credential' () {
    const lockFile = path.join(project, 'package-lock.json')
    if (!fs.existsSync(lockFile) || !/credential-only/.test(process.env.RULES_NPM_CASE || '')) {
      return { skip: 'only the credential-only cases are checked here (the others: why_differential)' }
    }
    const npmrc = fs.readFileSync(path.join(project, '.npmrc'), 'utf8')
    const credHosts = [...npmrc.matchAll(/^\s*\/\/([^/:\s]+(?::\d+)?)\//mg)].map(m => m[1].toLowerCase())
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'))
    const scoped = Object.keys(lock.packages || {}).filter(k => /node_modules\/@/.test(k))
      .map(k => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length))
    const targets = []
    const proxy = require('node:net').createServer((c) => {
      c.once('data', (d) => {
        targets.push(d.toString().split(' ')[1])
        c.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      })
    })
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const p = `http://127.0.0.1:${proxy.address().port}`
    for (const name of scoped) {
      await npmAsync(['view', name, `--proxy=${p}`, `--https-proxy=${p}`, '--noproxy=', '--fetch-retries=0', '--loglevel=silent'])
    }
    proxy.close()
    const hosts = targets.map(t => t.replace(/:443$/, '').toLowerCase())
    const unused = credHosts.filter(h => !hosts.includes(h))
    return {
      problem: scoped.length > 0 && unused.length > 0 && hosts.length > 0,
      evidence: `npm view ${scoped.join(', ')} connected to ${hosts.join(', ') || 'nothing'}; credentials for ${credHosts.join(', ')}${unused.length ? ' never used' : ''}`,
    }
  },

  // libnpmpublish on the manifest: EPRIVATE comes before any publish option
  async 'private-publish-config' () {
    const m = manifest()
    try {
      await req('libnpmpublish').publish(m, Buffer.alloc(0), { registry: 'http://127.0.0.1:9/', retry: { retries: 0 } })
      return { problem: false, evidence: 'published' }
    } catch (e) {
      return {
        problem: e.code === 'EPRIVATE' && Boolean(m.publishConfig && Object.keys(m.publishConfig).length),
        evidence: `${e.code}: ${String(e.message).split('\n')[0]}`,
      }
    }
  },

  // arborist's own edges for the project: which type wins
  async 'dependency-in-dev-and-prod' () {
    const Arborist = req('@npmcli/arborist')
    const tree = await new Arborist({ path: project }).loadActual()
    const m = manifest()
    const both = Object.keys(m.dependencies || {}).filter(n => (m.devDependencies || {})[n] !== undefined)
    const dev = both.filter(n => tree.edgesOut.get(n) && tree.edgesOut.get(n).type === 'dev')
    return {
      problem: dev.length > 0,
      evidence: both.map(n => `${n}: edge type ${tree.edgesOut.get(n).type}, spec ${tree.edgesOut.get(n).spec}`).join('; ') || 'no package in both lists',
    }
  },

  // a real `npm install` (only local deps in these fixtures: nothing is
  // fetched): ENOENT, or a node_modules link to a folder that is not there
  async 'file-dependency-missing' () {
    const r = npm(['install', '--ignore-scripts', '--no-package-lock', ...OFFLINE])
    const line = r.stderr.split('\n').find(l => /ENOENT|Could not install from/.test(l))
    if (line) {
      return { problem: true, evidence: line }
    }
    const dangling = []
    const nm = path.join(project, 'node_modules')
    for (const name of fs.existsSync(nm) ? fs.readdirSync(nm) : []) {
      const p = path.join(nm, name)
      if (fs.lstatSync(p).isSymbolicLink() && !fs.existsSync(p)) {
        dangling.push(`node_modules/${name} -> ${fs.readlinkSync(p)}`)
      }
    }
    return {
      problem: dangling.length > 0,
      evidence: dangling.length ? `npm install exit ${r.status}, dangling link ${dangling.join(', ')}` : `npm install exit ${r.status}`,
    }
  },
}

const check = checks[rule]
if (!check) {
  console.error(`unknown rule ${rule}`)
  process.exit(2)
}
check().then(
  (v) => process.stdout.write(JSON.stringify(v) + '\n'),
  (e) => { console.error(e); process.exit(1) })
