#!/usr/bin/env node
// Speed benchmark of issue 10, re-runnable by anyone (not a test):
//
//   node bench/run.js [--rounds N] [--no-peers] [--quick]
//
// 1. builds the release binary;
// 2. builds the perf corpus (a real 4,005-package.json node_modules tree
//    `nm` and its copy `flat` without node_modules path components) under
//    target/bench/corpus from shared/corpus/perf when it is missing
//    (PERF_CORPUS=<folder with nm-package.json> to point elsewhere);
// 3. installs the peers (npm-package-json-lint, eslint +
//    eslint-plugin-package-json) into target/perf/peers when missing;
// 4. generates the big single files (10 MB package.json, 1 MB and 10 MB
//    .npmrc) under target/perf/gen;
// 5. runs every command in interleaved rounds (round 1: a b c …, round 2:
//    a b c …) and prints median wall time, peak RSS (with GNU time) and
//    every ratio of the issue's table, ratios of medians.
//
// The machine is often shared: the load average is printed with the
// results; compare ratios from one run, not absolute times across runs.
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')
const { spawnSync, execSync } = require('child_process')

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const ROUNDS = opt('--rounds', 5)
const PEERS = !args.includes('--no-peers')
const QUICK = args.includes('--quick')

const repo = path.resolve(__dirname, '..')
// not under a folder named like a fixture folder (`bench`, `test`, …): check
// would then report only the secret rules there
const work = path.join(repo, 'target', 'perf')
const corpus = path.join(work, 'corpus')
const peers = path.join(work, 'peers')
const gen = path.join(work, 'gen')
const bin = path.join(repo, 'target', 'release', 'npmrc-doctor')
const home = path.join(work, 'home')
const log = (s) => process.stderr.write(s + '\n')
const sh = (cmd, cwd) => execSync(cmd, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: '/bin/bash' })

log('== building the release binary')
sh('cargo build --release --quiet', repo)
fs.mkdirSync(home, { recursive: true })

// ---- the perf corpus
const findRecipe = () => {
  const candidates = [
    process.env.PERF_CORPUS,
    path.join(repo, '..', 'shared', 'corpus', 'perf'),
    path.join(repo, '..', '..', 'shared', 'corpus', 'perf'),
  ].filter(Boolean)
  return candidates.find((c) => fs.existsSync(path.join(c, 'nm-package.json')))
}
const nm = path.join(corpus, 'nm')
const flat = path.join(corpus, 'flat')
if (!fs.existsSync(path.join(nm, 'node_modules'))) {
  const recipe = findRecipe()
  if (!recipe) {
    log('no perf corpus recipe (shared/corpus/perf); set PERF_CORPUS')
    process.exit(2)
  }
  log(`== building the perf corpus from ${recipe} (npm install, a few minutes)`)
  fs.mkdirSync(nm, { recursive: true })
  fs.copyFileSync(path.join(recipe, 'nm-package.json'), path.join(nm, 'package.json'))
  fs.copyFileSync(path.join(recipe, 'nm-package-lock.json'), path.join(nm, 'package-lock.json'))
  // `npm ci` refuses this lockfile with npm 11; `install` keeps every locked version
  sh('npm install --ignore-scripts --no-audit --no-fund --legacy-peer-deps --loglevel=error', nm)
  fs.rmSync(flat, { recursive: true, force: true })
}
if (!fs.existsSync(flat)) {
  log('== making the flat copy')
  const files = []
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name === 'package.json') files.push(p)
    }
  }
  walk(nm)
  files.sort()
  files.forEach((f, i) => {
    const dir = path.join(flat, String(i).padStart(4, '0'))
    fs.mkdirSync(dir, { recursive: true })
    fs.copyFileSync(f, path.join(dir, 'package.json'))
  })
}

// ---- the peers
const peerBin = (name) => path.join(peers, 'node_modules', '.bin', name)
if (PEERS && !fs.existsSync(peerBin('eslint'))) {
  log('== installing the peers')
  fs.mkdirSync(peers, { recursive: true })
  fs.writeFileSync(path.join(peers, 'package.json'), '{"private":true}\n')
  sh('npm install --no-audit --no-fund --legacy-peer-deps --loglevel=error npm-package-json-lint@9 npm-package-json-lint-config-default@8 eslint@9 eslint-plugin-package-json@0.91 jsonc-eslint-parser', peers)
}
const npjlConfig = path.join(peers, 'npmpackagejsonlintrc.json')
const eslintConfig = path.join(peers, 'eslint.config.cjs')
const npjlIgnore = path.join(peers, 'npmpackagejsonlintignore')
if (PEERS) {
  // the default rules, inline (an `extends` is resolved from each linted file)
  const rules = require(path.join(peers, 'node_modules', 'npm-package-json-lint-config-default')).rules
  fs.writeFileSync(npjlConfig, JSON.stringify({ rules }))
  // it stops at the first invalid JSON file: skip the 3 the corpus has
  const bad = fs.readdirSync(flat, { withFileTypes: true }).filter((e) => e.isDirectory())
    .map((e) => path.join('flat', e.name, 'package.json'))
    .filter((f) => {
      try {
        JSON.parse(fs.readFileSync(path.join(corpus, f), 'utf8').replace(/^\uFEFF/, ''))
        return false
      } catch {
        return true
      }
    })
  fs.writeFileSync(npjlIgnore, bad.join('\n') + '\n')
  fs.writeFileSync(eslintConfig, `const pkg = require(${JSON.stringify(path.join(peers, 'node_modules', 'eslint-plugin-package-json'))})
module.exports = [pkg.configs.recommended]
`)
}

// ---- generated single files
const npmrc1 = path.join(gen, 'npmrc-1mb')
const npmrc10 = path.join(gen, 'npmrc-10mb')
const pj10 = path.join(gen, 'pj-10mb')
const makeNpmrc = (dir, bytes) => {
  fs.mkdirSync(dir, { recursive: true })
  const lines = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const k = i >> 2 // a scope registry, its credential, an orphan credential, an unknown key
    const l = [
      `@s${k}:registry=https://r${k}.example.com/npm/`,
      `//r${k}.example.com/npm/:_authToken=\${TOKEN_${k}}`,
      `//orphan${k}.example.org/:_authToken=\${ORPHAN_${k}}`,
      `key-${k}=value ${k}`,
    ][i % 4]
    lines.push(l)
    size += l.length + 1
  }
  fs.writeFileSync(path.join(dir, '.npmrc'), lines.join('\n') + '\n')
}
const makePackageJson = (dir, bytes) => {
  fs.mkdirSync(dir, { recursive: true })
  const deps = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const spec = i % 10 === 0 ? `bad@@spec-${i}` : `^${i % 7}.${i % 13}.${i}`
    const l = `    "dep-${i}": "${spec}"`
    deps.push(l)
    size += l.length + 2
  }
  fs.writeFileSync(path.join(dir, 'package.json'),
    `{\n  "name": "big",\n  "version": "1.0.0",\n  "dependencies": {\n${deps.join(',\n')}\n  }\n}\n`)
}
if (!fs.existsSync(path.join(npmrc1, '.npmrc'))) makeNpmrc(npmrc1, 1 << 20)
if (!fs.existsSync(path.join(npmrc10, '.npmrc'))) makeNpmrc(npmrc10, 10 << 20)
if (!fs.existsSync(path.join(pj10, 'package.json'))) makePackageJson(pj10, 10 << 20)

// ---- the commands
const example = path.join(repo, 'fixtures', 'example')
const env = { ...process.env, HOME: home, NO_COLOR: '1' }
const gnuTime = ['/usr/bin/time', '/bin/time'].find((t) => fs.existsSync(t))
const N_SMALL = 20 // one-project commands run this many times per sample
const cases = [
  { id: 'floor_nm', cwd: corpus, cmd: ['sh', '-c', 'find nm -name package.json -print0 | xargs -0 cat > /dev/null'] },
  { id: 'check_nm', cwd: corpus, cmd: [bin, 'check', '--include-node-modules', 'nm', '--format', 'concise'] },
  { id: 'floor_flat', cwd: corpus, cmd: ['sh', '-c', 'find flat -name package.json -print0 | xargs -0 cat > /dev/null'] },
  { id: 'check_flat', cwd: corpus, cmd: [bin, 'check', 'flat', '--format', 'concise'] },
  { id: 'node_flat', cwd: corpus, cmd: ['node', path.join(__dirname, 'node-baseline.js'), 'flat'] },
  { id: 'check_one', cwd: example, per: N_SMALL, cmd: ['sh', '-c', `for i in $(seq ${N_SMALL}); do ${bin} check . --format concise; done`] },
  { id: 'why_one', cwd: example, per: N_SMALL, cmd: ['sh', '-c', `for i in $(seq ${N_SMALL}); do ${bin} why --format json; done`] },
  { id: 'pj_10mb', cwd: pj10, once: true, cmd: [bin, 'check', '.', '--format', 'concise'] },
  { id: 'npmrc_1mb', cwd: npmrc1, once: true, cmd: [bin, 'check', '.', '--format', 'concise'] },
  { id: 'npmrc_10mb', cwd: npmrc10, once: true, cmd: [bin, 'check', '.', '--format', 'concise'] },
]
if (PEERS) {
  cases.push(
    { id: 'npjl_flat', cwd: corpus, cmd: [peerBin('npmPkgJsonLint'), '--configFile', npjlConfig, '--ignorePath', npjlIgnore, '--quiet', 'flat'] },
    { id: 'eslint_flat', cwd: corpus, slow: true, cmd: [peerBin('eslint'), '--no-config-lookup', '-c', eslintConfig, '--no-warn-ignored', 'flat/**/package.json'] },
  )
}

// one sample: wall seconds, CPU seconds (user+sys) and peak RSS (KiB)
const sample = (c) => {
  const argv = gnuTime ? [gnuTime, '-f', '__T %U %S %M', ...c.cmd] : c.cmd
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), { cwd: c.cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const m = /__T ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr || '')
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, rss: m ? Number(m[3]) : NaN }
}
const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)
  return s.length ? s[(s.length - 1) >> 1] : NaN
}

const results = Object.fromEntries(cases.map((c) => [c.id, []]))
const rounds = QUICK ? 1 : ROUNDS
for (let r = 1; r <= rounds; r++) {
  log(`== round ${r}/${rounds}`)
  for (const c of cases) {
    if ((c.once || (c.slow && QUICK)) && r > 1) continue
    if (c.once && r === 1) sample(c) // warm the page cache
    results[c.id].push(sample(c))
  }
}

const med = (id, k) => median((results[id] || []).map((s) => s[k]))
const fmt = (x, unit = 's') => (Number.isNaN(x) ? '—' : unit === 'ms' ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(3)} s`)
const out = []
out.push(`date: ${new Date().toISOString()}  machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB  load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
out.push('')
out.push('| command | median wall | median CPU | peak RSS |')
out.push('|---|---|---|---|')
for (const c of cases) {
  const per = c.per || 1
  out.push(`| ${c.id}${per > 1 ? ` (per run, ${per} runs/sample)` : ''} | ${fmt(med(c.id, 'wall') / per, per > 1 ? 'ms' : 's')} | ${fmt(med(c.id, 'cpu') / per, per > 1 ? 'ms' : 's')} | ${Number.isNaN(med(c.id, 'rss')) ? '—' : (med(c.id, 'rss') / 1024).toFixed(0) + ' MiB'} |`)
}
const ratio = (a, b, k = 'wall') => med(a, k) / med(b, k)
const row = (what, value, goal, ok) => out.push(`| ${what} | ${Number.isNaN(value) ? '—' : value.toFixed(2) + '×'} | ${goal} | ${Number.isNaN(value) ? '—' : ok(value) ? 'met' : 'not met'} |`)
out.push('')
out.push('| ratio (of medians, wall) | now | goal | |')
out.push('|---|---|---|---|')
row('`check --include-node-modules nm` / floor', ratio('check_nm', 'floor_nm'), '≤ 1.5×', (v) => v <= 1.5)
row('`check flat` / floor', ratio('check_flat', 'floor_flat'), '≤ 2.5×', (v) => v <= 2.5)
row('node script / `check flat`', ratio('node_flat', 'check_flat'), '≥ 1.5×', (v) => v >= 1.5)
if (PEERS) {
  row('npm-package-json-lint / `check flat`', ratio('npjl_flat', 'check_flat'), '≥ 10×', (v) => v >= 10)
  row('eslint-plugin-package-json / `check flat`', ratio('eslint_flat', 'check_flat'), '≥ 50×', (v) => v >= 50)
}
const oneCheck = med('check_one', 'cpu') / N_SMALL
const oneWhy = med('why_one', 'cpu') / N_SMALL
out.push(`| one project: \`check\` / \`why\` CPU | ${fmt(oneCheck, 'ms')} / ${fmt(oneWhy, 'ms')} | ≤ 2 ms / ≤ 3 ms | ${oneCheck <= 0.002 && oneWhy <= 0.003 ? 'met' : 'not met'} |`)
out.push(`| 10 MB package.json | ${fmt(med('pj_10mb', 'cpu'))} CPU | < 1 s | ${med('pj_10mb', 'cpu') < 1 ? 'met' : 'not met'} |`)
out.push(`| 1 MB / 10 MB \`.npmrc\` | ${fmt(med('npmrc_1mb', 'cpu'))} / ${fmt(med('npmrc_10mb', 'cpu'))} CPU | < 0.2 s / < 2 s | ${med('npmrc_1mb', 'cpu') < 0.2 && med('npmrc_10mb', 'cpu') < 2 ? 'met' : 'not met'} |`)
if (!gnuTime) out.push('\n(no GNU time: CPU and peak RSS not measured; `apt-get install time`)')
console.log(out.join('\n'))
