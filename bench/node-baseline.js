#!/usr/bin/env node
// The node baseline of bench/run.js: walk a tree, JSON.parse every
// package.json, validate its name (validate-npm-package-name) and version
// (semver.valid), count the problems. npm's own copies of both modules
// are used (`npm root -g`/npm/node_modules), so nothing is installed.
'use strict'
const fs = require('fs')
const path = require('path')
const { execSync } = require('child_process')

const npmModules = path.join(execSync('npm root -g').toString().trim(), 'npm', 'node_modules')
const validate = require(path.join(npmModules, 'validate-npm-package-name'))
const semver = require(path.join(npmModules, 'semver'))

let files = 0
let problems = 0
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p)
    else if (e.name === 'package.json') check(p)
  }
}
const check = (file) => {
  files++
  let pkg
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))
  } catch {
    problems++
    return
  }
  if (pkg.name !== undefined && !validate(String(pkg.name)).validForNewPackages) problems++
  if (pkg.version !== undefined && !semver.valid(String(pkg.version))) problems++
}
walk(process.argv[2] || '.')
console.log(`${files} files, ${problems} problems`)
