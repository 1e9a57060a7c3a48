#!/usr/bin/env node
// Keeps the npm packages' versions in step with Cargo.toml: the main
// package's `version` and `optionalDependencies`, every platform package's
// `version`, the repository's root package.json (what pre-commit's node hook
// installs) and the `npmrc-doctor@VERSION` in .pre-commit-hooks.yaml.
//
//   node npm/scripts/sync-versions.js           rewrite the package.json files
//   node npm/scripts/sync-versions.js --check   exit 1 (and say what) when out of step
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const npmDir = path.join(root, "npm");

function cargoVersion() {
  const toml = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((s) => s.startsWith("package]"));
  const m = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error("no [package] version in Cargo.toml");
  return m[1];
}

function packages() {
  const files = fs
    .readdirSync(npmDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(npmDir, d.name, "package.json")))
    .map((d) => path.join(npmDir, d.name, "package.json"));
  const rootPackage = path.join(root, "package.json");
  if (fs.existsSync(rootPackage)) files.push(rootPackage);
  return files;
}

/**
 * The pinned versions of the integrations: `"npmrc-doctor@X"` in
 * .pre-commit-hooks.yaml, `"X" # npmrc-doctor-version` in action.yml and the
 * GitLab CI template.
 */
function syncIntegrations(version, check, problems) {
  const pins = [
    [".pre-commit-hooks.yaml", /"npmrc-doctor@([^"]+)"/g, (v) => `"npmrc-doctor@${v}"`],
    ["action.yml", /"([^"]+)" # npmrc-doctor-version/g, (v) => `"${v}" # npmrc-doctor-version`],
    ["templates/npmrc-doctor.gitlab-ci.yml", /"([^"]+)" # npmrc-doctor-version/g, (v) => `"${v}" # npmrc-doctor-version`],
  ];
  for (const [rel, re, write] of pins) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    let found = false;
    const updated = text.replace(re, (whole, v) => {
      found = true;
      if (v !== version) problems.push(`${rel}: pins ${v}, Cargo.toml has ${version}`);
      return write(version);
    });
    if (!found) problems.push(`${rel}: no version pin found`);
    if (!check && updated !== text) fs.writeFileSync(file, updated);
  }
}

function main() {
  const check = process.argv.includes("--check");
  const version = cargoVersion();
  const problems = [];
  for (const file of packages()) {
    const text = fs.readFileSync(file, "utf8");
    const pkg = JSON.parse(text);
    const rel = path.relative(root, file);
    if (pkg.version !== version) {
      problems.push(`${rel}: version ${pkg.version}, Cargo.toml has ${version}`);
      pkg.version = version;
    }
    for (const [dep, spec] of Object.entries(pkg.optionalDependencies || {})) {
      if (dep.startsWith("@npmrc-doctor/cli-") && spec !== version) {
        problems.push(`${rel}: optionalDependencies["${dep}"] is ${spec}, Cargo.toml has ${version}`);
        pkg.optionalDependencies[dep] = version;
      }
    }
    const updated = JSON.stringify(pkg, null, 2) + "\n";
    if (!check && updated !== text) fs.writeFileSync(file, updated);
  }
  syncIntegrations(version, check, problems);
  if (check && problems.length) {
    process.stderr.write(`npm packages out of step with Cargo.toml (run node npm/scripts/sync-versions.js):\n  ${problems.join("\n  ")}\n`);
    process.exit(1);
  }
  if (!check) {
    process.stdout.write(problems.length ? `updated:\n  ${problems.join("\n  ")}\n` : `all at ${version}\n`);
  }
}

main();
