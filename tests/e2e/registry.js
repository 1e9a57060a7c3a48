#!/usr/bin/env node
'use strict'
// A recording npm registry for the end-to-end test (tests/npm_e2e.rs).
//
//   node tests/e2e/registry.js <state dir> <certs dir>
//
// Listens on loopback addresses only, each standing for one host:
//   a   http://127.0.0.1:<p1>     b  http://127.0.0.2:<p2>
//   c   http://127.0.0.1:<p3>     (same host as a, other port)
//   tls https://127.0.0.3:<p4>    (asks for a client certificate: mTLS)
// and prints {"a": "http://127.0.0.1:<p1>", …} on its first line.
//
// Every request is appended to <state dir>/requests.jsonl: method, the full
// URL (origin + path), the credential's kind and sha256 (of the token, the
// `_auth` string, or the re-encoded password of a username/password pair)
// and the client certificate's CN. Answers: a packument for any name (one
// version, 1.0.0, its tarball at the conventional URL below the path the
// packument was asked at), the tarball, 404 for names starting `pub-`
// (publish's version check), 200 for a PUT, whoami and audit/fund.
//
// The server stops by itself when stdin closes (the test process ends) or
// after 5 minutes at the latest.

const http = require('node:http')
const https = require('node:https')
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const zlib = require('node:zlib')

const [stateDir, certDir] = process.argv.slice(2)
const log = path.join(stateDir, 'requests.jsonl')

const sha8 = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 8)

// a ustar archive with package/package.json, gzipped
const tarball = (name) => {
  const body = Buffer.from(JSON.stringify({ name, version: '1.0.0' }) + '\n')
  const header = Buffer.alloc(512)
  header.write('package/package.json', 0)
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(body.length.toString(8).padStart(11, '0') + '\0', 124)
  header.write('00000000000\0', 136)
  header.write('        ', 148)
  header.write('0', 156)
  header.write('ustar\0', 257)
  header.write('00', 263)
  let sum = 0
  for (const b of header) {
    sum += b
  }
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512)
  return zlib.gzipSync(Buffer.concat([header, body, pad, Buffer.alloc(1024)]))
}

const credential = (h) => {
  if (!h) {
    return { kind: 'none', sha: null }
  }
  const [scheme, ...rest] = h.split(' ')
  const value = rest.join(' ')
  if (scheme === 'Bearer') {
    return { kind: 'token', sha: sha8(value) }
  }
  if (scheme === 'Basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    return {
      kind: 'basic',
      sha: sha8(value),
      user: i >= 0 ? decoded.slice(0, i) : decoded,
      password_sha: i >= 0 ? sha8(Buffer.from(decoded.slice(i + 1), 'utf8').toString('base64')) : null,
    }
  }
  return { kind: 'other', sha: sha8(h) }
}

const handler = (origin) => (req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const cert = req.socket.getPeerCertificate ? req.socket.getPeerCertificate() : null
    const entry = {
      method: req.method,
      url: origin + req.url,
      auth: credential(req.headers.authorization),
      cert: cert && cert.subject ? cert.subject.CN : null,
    }
    // the audit's body: which package names left the machine
    if (req.method === 'POST') {
      try {
        let body = Buffer.concat(chunks)
        if (req.headers['content-encoding'] === 'gzip') {
          body = zlib.gunzipSync(body)
        }
        entry.names = Object.keys(JSON.parse(body.toString('utf8'))).sort()
      } catch {
        entry.names = null
      }
    }
    fs.appendFileSync(log, JSON.stringify(entry) + '\n')
    const send = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))
    }
    const u = new URL(req.url, origin)
    const p = decodeURIComponent(u.pathname)
    if (req.method === 'PUT') {
      return send(200, {})
    }
    if (p.endsWith('/-/whoami')) {
      return send(200, { username: 'tester' })
    }
    if (p.includes('/-/npm/v1/security/') || p.includes('/-/npm/v1/')) {
      return send(200, {})
    }
    const tgz = p.match(/^(.*?)\/((?:@[^/]+\/)?[^/@]+)\/-\/([^/]+)-1\.0\.0\.tgz$/)
    if (tgz) {
      return send(200, tarball(tgz[2]), 'application/octet-stream')
    }
    const pk = p.match(/^(.*?)\/((?:@[^/]+\/)?[^/]+)$/)
    if (!pk || /^(@[^/]+\/)?pub-/.test(pk[2])) {
      return send(404, { error: 'Not found' })
    }
    const [, prefix, name] = pk
    const base = name.replace(/^@[^/]+\//, '')
    const data = tarball(name)
    const integrity = 'sha512-' + crypto.createHash('sha512').update(data).digest('base64')
    const shasum = crypto.createHash('sha1').update(data).digest('hex')
    return send(200, {
      _id: name,
      name,
      'dist-tags': { latest: '1.0.0' },
      versions: {
        '1.0.0': {
          name,
          version: '1.0.0',
          _id: `${name}@1.0.0`,
          dist: { tarball: `${origin}${prefix}/${name}/-/${base}-1.0.0.tgz`, integrity, shasum },
        },
      },
    })
  })
}

const servers = []
const listen = (server, host) => new Promise((resolve) => {
  server.listen(0, host, () => resolve(server.address().port))
  servers.push(server)
})

const main = async () => {
  const out = {}
  for (const [name, host, tls] of [['a', '127.0.0.1'], ['b', '127.0.0.2'], ['c', '127.0.0.1'], ['tls', '127.0.0.3', true]]) {
    let server
    let origin
    const h = (req, res) => handler(origin)(req, res)
    if (tls) {
      server = https.createServer({
        key: fs.readFileSync(path.join(certDir, 'server.key')),
        cert: fs.readFileSync(path.join(certDir, 'server.pem')),
        requestCert: true,
        rejectUnauthorized: false,
      }, h)
    } else {
      server = http.createServer(h)
    }
    const port = await listen(server, host)
    origin = `${tls ? 'https' : 'http'}://${host}:${port}`
    out[name] = origin
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

const stop = () => {
  for (const s of servers) {
    s.close()
    s.closeAllConnections()
  }
  process.exit(0)
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
setTimeout(stop, 300000).unref()
main()
