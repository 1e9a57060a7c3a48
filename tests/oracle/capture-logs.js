#!/usr/bin/env node
'use strict'
// Captures real npm debug logs and terminal output for `npmrc-doctor why --log`
// (fixtures/logs/<case>/). A tiny registry bound to 127.0.0.1 answers
// 401/403/404 as each case needs; the real `npm` runs against it with a
// throwaway HOME and `--loglevel silly`. Loopback only; the server stops by
// itself (after the last case, or after 3 minutes at the latest).
//
//   node tests/oracle/capture-logs.js            # rewrite fixtures/logs/
//   node tests/oracle/capture-logs.js CASE...    # only these cases
//
// The cases use fixed paths (/tmp/npmrc-doctor-capture/<case>) and a fixed
// port so the saved logs and configs stay comparable between runs.

const http = require('node:http')
const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')

const PORT = Number(process.env.CAPTURE_PORT || 47321)
const HOST = '127.0.0.1'
const REG = `http://${HOST}:${PORT}`
const OUT = path.resolve(__dirname, '..', '..', 'fixtures', 'logs')
const WORK = '/tmp/npmrc-doctor-capture'

// what the registry answers: [method, path regex, status, body, headers]
const ROUTES = [
  ['GET', /^\/private\/@acme%2fui$/, 401, { error: 'authentication required' }, { 'www-authenticate': 'Bearer realm="loopback"' }],
  ['GET', /^\/@acme%2fui$/, 401, { error: 'invalid token' }, { 'www-authenticate': 'Bearer realm="loopback"' }],
  ['GET', /^\/@acme%2fmissing$/, 404, { error: 'Not found' }, {}],
  ['GET', /^\/(npm\/)?@acme%2fapp$/, 404, { error: 'Not found' }, {}],
  ['PUT', /^\/(npm\/)?@acme%2fapp$/, 403, { error: 'You do not have permission to publish "@acme/app"' }, {}],
  // GitLab-style: the version check misses, the PUT is refused
  ['GET', /^\/api\/v4\/projects\/7\/packages\/npm\/@acme%2fexisting$/, 404, { error: 'Not found' }, {}],
  ['PUT', /^\/api\/v4\/projects\/7\/packages\/npm\/@acme%2fexisting$/, 403, { error: 'Package already exists.' }, {}],
  // GitLab-style instance endpoint: tarballs live on the project endpoint
  ['GET', /^\/api\/v4\/packages\/npm\/@acme%2fwidget$/, 200, () => packument('@acme/widget', `${REG}/api/v4/projects/7/packages/npm/@acme/widget/-/@acme/widget-1.0.0.tgz`), {}],
  ['GET', /^\/api\/v4\/projects\/7\/packages\/npm\/@acme\/widget\/-\//, 403, { error: 'Forbidden' }, {}],
  // a registry that asks for Basic auth
  ['GET', /^\/basic\/@acme%2flegacy$/, 401, { error: 'Unauthorized' }, { 'www-authenticate': 'Basic realm="loopback"' }],
]

function packument (name, tarball) {
  return {
    _id: name,
    name,
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name, version: '1.0.0', dist: { tarball, shasum: '0000000000000000000000000000000000000000' } } },
  }
}

const server = http.createServer((req, res) => {
  const route = ROUTES.find(([m, re]) => m === req.method && re.test(req.url))
  req.resume()
  req.on('end', () => {
    const [, , status, body, headers] = route || [null, null, 404, { error: 'Not found' }, {}]
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(typeof body === 'function' ? body() : body))
  })
})
// never outlive the capture
const deadline = setTimeout(() => {
  server.close()
  server.closeAllConnections()
}, 180000)
deadline.unref()

const pkg = (name, extra = {}) => JSON.stringify({ name, version: '1.0.0', ...extra }, null, 2) + '\n'

const CASES = [
  {
    name: 'install-e401-port-missing',
    about: 'token keyed without the registry port: npm sends nothing, the registry answers 401',
    files: {
      'project/.npmrc': `@acme:registry=${REG}/private/\n//${HOST}/private/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n`,
      'project/package.json': pkg('@acme/app'),
    },
    argv: ['install', '@acme/ui', '--no-audit', '--no-fund'],
  },
  {
    name: 'install-e401-env-unset',
    about: '${NPM_TOKEN} unset: npm sends the literal placeholder, the registry answers 401',
    files: {
      'project/.npmrc': `@acme:registry=${REG}/\n//${HOST}:${PORT}/:_authToken=\${NPM_TOKEN}\n`,
      'project/package.json': pkg('@acme/app'),
    },
    argv: ['install', '@acme/ui', '--no-audit', '--no-fund'],
  },
  {
    name: 'view-e404-unmapped-scope',
    about: 'the scope is mapped in a workspace .npmrc npm ignores: npm view asks the default registry, 404',
    files: {
      'project/.npmrc': `registry=${REG}/\n`,
      'project/package.json': pkg('root', { workspaces: ['packages/*'] }),
      'project/packages/a/package.json': pkg('a'),
      'project/packages/a/.npmrc': `@acme:registry=${REG}/acme/\n`,
    },
    cwd: 'project/packages/a',
    argv: ['view', '@acme/missing'],
  },
  {
    name: 'publish-eneedauth-noslash',
    about: 'registry without trailing slash: npm publish looks up //host/ and stops with ENEEDAUTH',
    files: {
      'project/.npmrc': `registry=${REG}/npm\n//${HOST}:${PORT}/npm/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n`,
      'project/package.json': pkg('@acme/app'),
    },
    argv: ['publish'],
  },
  {
    name: 'publish-e403',
    about: 'the token is sent but lacks publish permission: 403 on the PUT',
    files: {
      'project/.npmrc': `registry=${REG}/npm/\n//${HOST}:${PORT}/npm/:_authToken=npm_FAKEfixtureTOKENnpm00000000000000000\n`,
      'project/package.json': pkg('@acme/app', { publishConfig: { access: 'public' } }),
    },
    argv: ['publish'],
  },
  {
    name: 'publish-e403-already-exists',
    about: 'GitLab-style: the version check GET misses (404), the PUT is refused with "Package already exists."',
    files: {
      'project/.npmrc': `@acme:registry=${REG}/api/v4/projects/7/packages/npm/\n//${HOST}:${PORT}/api/v4/projects/7/packages/npm/:_authToken=glpat-FAKEfixtureTOKEN000000\n`,
      'project/package.json': pkg('@acme/existing'),
    },
    argv: ['publish'],
  },
  {
    name: 'install-e403-tarball-registry-no-slash',
    about: 'instance endpoint mapped without its trailing slash: the packument carries the token, the tarball on the project endpoint gets nothing (the same-host fallback walks the slash-less registry URL) and answers 403',
    files: {
      'project/.npmrc': `@acme:registry=${REG}/api/v4/packages/npm\n//${HOST}:${PORT}/api/v4/packages/npm/:_authToken=glpat-FAKEfixtureTOKEN000000\n`,
      'project/package.json': pkg('app'),
    },
    argv: ['install', '@acme/widget', '--no-audit', '--no-fund'],
  },
  {
    name: 'install-e401-basic-challenge',
    about: 'a registry that answers 401 with a Basic challenge: npm prints "Incorrect or missing password." (the E401 explainer\'s text)',
    files: {
      'project/.npmrc': `@acme:registry=${REG}/basic/\n//${HOST}:${PORT}/basic/:username=bob\n`,
      'project/package.json': pkg('app', { dependencies: { '@acme/legacy': '^1.0.0' } }),
    },
    argv: ['install', '--no-audit', '--no-fund'],
  },
]

// npm must run asynchronously: the registry lives in this process
const run = (argv, opts) => new Promise((resolve) => {
  const child = spawn('npm', argv, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', d => { out += d })
  child.stderr.on('data', d => { out += d })
  const kill = setTimeout(() => child.kill('SIGKILL'), 90000)
  child.on('close', (status) => {
    clearTimeout(kill)
    resolve({ status, out })
  })
})

const runCase = async (c) => {
  const root = path.join(WORK, c.name)
  fs.rmSync(root, { recursive: true, force: true })
  for (const [rel, text] of Object.entries(c.files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  fs.mkdirSync(path.join(root, 'home'), { recursive: true })
  fs.mkdirSync(path.join(root, 'prefix'), { recursive: true })
  const env = { PATH: process.env.PATH, HOME: path.join(root, 'home'), PREFIX: path.join(root, 'prefix') }
  const argv = [...c.argv, '--loglevel', 'silly', '--no-update-notifier', '--fetch-retries', '0']
  const r = await run(argv, { cwd: path.join(root, c.cwd || 'project'), env })
  const out = path.join(OUT, c.name)
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, 'terminal.txt'), r.out)
  const logs = path.join(root, 'home', '.npm', '_logs')
  const debug = fs.existsSync(logs) ? fs.readdirSync(logs).filter(f => f.endsWith('-debug-0.log')).sort() : []
  if (debug.length) {
    fs.copyFileSync(path.join(logs, debug[debug.length - 1]), path.join(out, 'debug-0.log'))
  }
  for (const [rel, text] of Object.entries(c.files)) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true })
    fs.writeFileSync(path.join(out, rel), text)
  }
  fs.writeFileSync(path.join(out, 'case.json'), JSON.stringify({
    about: c.about, argv: c.argv, cwd: c.cwd || 'project', root, exit: r.status,
  }, null, 2) + '\n')
  process.stdout.write(`${c.name}: npm exit ${r.status}, ${debug.length ? 'debug log saved' : 'NO debug log'}\n`)
}

server.listen(PORT, HOST, async () => {
  try {
    // `node capture-logs.js [CASE...]`: only those cases
    const only = process.argv.slice(2)
    for (const c of CASES.filter(x => !only.length || only.includes(x.name))) {
      await runCase(c)
    }
  } finally {
    server.close()
    server.closeAllConnections()
  }
})
