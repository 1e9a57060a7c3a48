// A loopback npm registry for the integration tests: serves the packuments
// and tarballs of the given `npm pack` tarballs (and 404 for everything
// else, like a registry that does not have the other platforms' packages),
// so `npm install npmrc-doctor@X` runs as it does for a user, offline.
//
//   node tests/npm/registry.js A.tgz B.tgz…   prints its URL, serves until
//   stdin closes (or 10 minutes pass)
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const zlib = require("node:zlib");

/** package.json inside a .tgz (a tar of `package/…` entries). */
function manifestOf(tgz) {
  const tar = zlib.gunzipSync(fs.readFileSync(tgz));
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = tar.toString("utf8", off, off + 100).replace(/\0.*$/s, "");
    const size = parseInt(tar.toString("utf8", off + 124, off + 136).replace(/\0.*$/s, "").trim() || "0", 8);
    if (!name) break;
    if (name === "package/package.json") {
      return JSON.parse(tar.toString("utf8", off + 512, off + 512 + size));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${tgz}: no package/package.json`);
}

const packages = new Map(); // name -> { manifest, file, data }
for (const file of process.argv.slice(2)) {
  const manifest = manifestOf(file);
  packages.set(manifest.name, { manifest, file, data: fs.readFileSync(file) });
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split("?")[0]).replace(/^\/+/, "");
  const tarball = url.match(/^(.+)\/-\/[^/]+\.tgz$/);
  const name = tarball ? tarball[1] : url;
  const pkg = packages.get(name);
  if (!pkg) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "Not found" }));
    return;
  }
  if (tarball) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(pkg.data);
    return;
  }
  const base = `http://127.0.0.1:${server.address().port}`;
  const { version } = pkg.manifest;
  const doc = {
    name,
    "dist-tags": { latest: version },
    versions: {
      [version]: {
        ...pkg.manifest,
        _id: `${name}@${version}`,
        dist: {
          tarball: `${base}/${name}/-/${path.basename(pkg.file)}`,
          shasum: crypto.createHash("sha1").update(pkg.data).digest("hex"),
          integrity: `sha512-${crypto.createHash("sha512").update(pkg.data).digest("base64")}`,
        },
      },
    },
  };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(doc));
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}/\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
