#!/usr/bin/env node
// Launcher of the npmrc-doctor binary (the layout of biome and oxlint): the
// binary comes from the optional dependency `@npmrc-doctor/cli-<platform>`
// that npm installed for this machine (its `os`/`cpu`/`libc` fields make npm
// skip the others). Arguments, stdin/stdout/stderr, the exit code and
// signals pass through unchanged.
//
// NPMRC_DOCTOR_BINARY=/path/to/npmrc-doctor runs that binary instead (a
// build of your own, or a platform without a package).
"use strict";

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const PACKAGES = {
  "linux-x64-gnu": "@npmrc-doctor/cli-linux-x64-gnu",
  "linux-x64-musl": "@npmrc-doctor/cli-linux-x64-musl",
  "linux-arm64-gnu": "@npmrc-doctor/cli-linux-arm64-gnu",
  "darwin-x64": "@npmrc-doctor/cli-darwin-x64",
  "darwin-arm64": "@npmrc-doctor/cli-darwin-arm64",
  "win32-x64": "@npmrc-doctor/cli-win32-x64",
};

const EXIT_INTERNAL = 2;

function fail(lines) {
  process.stderr.write(`npmrc-doctor: error: ${lines.join("\n  ")}\n`);
  process.exit(EXIT_INTERNAL);
}

/** Whether this Linux uses musl rather than glibc (as napi-rs, biome and oxlint tell). */
function isMusl() {
  try {
    // Alpine's ldd is a musl script; glibc's names glibc
    const ldd = fs.readFileSync("/usr/bin/ldd", "utf8");
    if (ldd.includes("musl")) return true;
    if (ldd.includes("GNU C Library") || ldd.includes("glibc")) return false;
  } catch {
    // no /usr/bin/ldd: ask node
  }
  try {
    const report = process.report && process.report.getReport();
    const header = report && (typeof report === "string" ? JSON.parse(report) : report).header;
    if (header && header.glibcVersionRuntime) return false;
    if (report && Array.isArray(report.sharedObjects)) {
      if (report.sharedObjects.some((f) => f.includes("libc.musl-") || f.includes("ld-musl-"))) {
        return true;
      }
    }
  } catch {
    // fall through
  }
  try {
    const out = execFileSync("ldd", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.includes("musl");
  } catch (e) {
    return String((e && e.stderr) || "").includes("musl");
  }
}

/** `linux-x64-gnu`, `darwin-arm64`, … for this machine. */
function platformKey() {
  const { platform, arch } = process;
  if (platform === "linux") return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  return `${platform}-${arch}`;
}

function binaryPath() {
  const override = process.env.NPMRC_DOCTOR_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      fail([`NPMRC_DOCTOR_BINARY is set to ${override}, which does not exist`]);
    }
    return override;
  }
  const key = platformKey();
  const pkg = PACKAGES[key];
  if (!pkg) {
    fail([
      `no prebuilt npmrc-doctor binary for this platform (${key}).`,
      `Prebuilt binaries exist for: ${Object.keys(PACKAGES).join(", ")}.`,
      "Build it from source with `cargo install npmrc-doctor` (needs a Rust toolchain), then run",
      "`npmrc-doctor` from PATH, or set NPMRC_DOCTOR_BINARY to the binary's path.",
    ]);
  }
  const exe = process.platform === "win32" ? "npmrc-doctor.exe" : "npmrc-doctor";
  let manifest;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    fail([
      `the package ${pkg}, which holds the binary for ${key}, is not installed.`,
      "npm skips it when optional dependencies are omitted (`--omit=optional`, `--no-optional`),",
      "or when node_modules or package-lock.json was made on another platform (npm/cli#4828).",
      "Reinstall: `npm install --include=optional npmrc-doctor` (if that does not help, delete",
      "node_modules and package-lock.json and run `npm install` again).",
    ]);
  }
  const bin = path.join(path.dirname(manifest), exe);
  if (!fs.existsSync(bin)) {
    fail([`${pkg} is installed but has no ${exe} (${bin}): reinstall it.`]);
  }
  try {
    const { version } = JSON.parse(fs.readFileSync(manifest, "utf8"));
    const own = require("../package.json").version;
    if (version !== own) {
      process.stderr.write(
        `npmrc-doctor: warning: ${pkg} is version ${version}, the npmrc-doctor package is ${own}: reinstall to match\n`,
      );
    }
  } catch {
    // a version check is not worth failing for
  }
  return bin;
}

function run() {
  const bin = binaryPath();
  const child = spawn(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
  // forward the signals a terminal, a CI runner or a process manager sends
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
  const handlers = {};
  for (const sig of forwarded) {
    handlers[sig] = () => {
      try {
        child.kill(sig);
      } catch {
        // the child has already gone
      }
    };
    try {
      process.on(sig, handlers[sig]);
    } catch {
      // a signal this platform does not have
    }
  }
  child.on("error", (e) => {
    fail([`cannot run ${bin}: ${e.message}`]);
  });
  child.on("exit", (code, signal) => {
    for (const sig of forwarded) process.removeListener(sig, handlers[sig]);
    if (signal) {
      // die of the same signal, so the caller sees what the binary saw
      process.kill(process.pid, signal);
      const number = require("node:os").constants.signals[signal] || 0;
      setTimeout(() => process.exit(128 + number), 500);
      return;
    }
    process.exit(code === null ? EXIT_INTERNAL : code);
  });
}

run();
