#!/usr/bin/env node
// Copies a built binary into its platform package, ready for `npm pack` or
// `npm publish`:
//
//   node npm/scripts/stage-binary.js linux-x64-gnu target/x86_64-unknown-linux-gnu/dist/npmrc-doctor [PKGDIR]
//
// PKGDIR defaults to npm/cli-<platform> (the copied binary is git-ignored).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const [key, binary, dir] = process.argv.slice(2);
if (!key || !binary) {
  process.stderr.write("usage: stage-binary.js PLATFORM BINARY [PKGDIR]\n");
  process.exit(2);
}
const pkgDir = dir || path.resolve(__dirname, "..", `cli-${key}`);
const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
if (manifest.name !== `@npmrc-doctor/cli-${key}`) {
  process.stderr.write(`${pkgDir} holds ${manifest.name}, not @npmrc-doctor/cli-${key}\n`);
  process.exit(2);
}
const [exe] = manifest.files;
const dest = path.join(pkgDir, exe);
fs.copyFileSync(binary, dest);
fs.chmodSync(dest, 0o755);
process.stdout.write(`${dest}\n`);
