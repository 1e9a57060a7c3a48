'use strict'
// In-process HTTP recorder: replaces `make-fetch-happen` (the only thing
// npm-registry-fetch uses to talk to the network) by a function that records
// each request and answers it with a synthetic response, and wraps
// npm-registry-fetch/lib/auth.js `getAuth` to learn which config keys
// supplied the credentials of each request. Must be installed before
// npm-registry-fetch (and thus pacote, libnpmpublish) is first required.
const Module = require('node:module')
const path = require('node:path')

const install = ({ npmRoot, responder }) => {
  const nm = path.join(npmRoot, 'node_modules')
  const nrfMain = require.resolve('npm-registry-fetch', { paths: [nm] })
  const nrfDir = path.dirname(nrfMain)
  const mfhPath = require.resolve('make-fetch-happen', { paths: [nrfDir] })
  const mfDir = path.dirname(require.resolve('minipass-fetch', { paths: [path.dirname(mfhPath)] }))
  const { Response, Headers } = require(mfDir)
  const { Minipass } = require(require.resolve('minipass', { paths: [mfDir] }))

  const requests = []
  const authCalls = []

  const fakeFetch = async (uri, opts = {}) => {
    const headers = new Headers(opts.headers || {})
    const method = (opts.method || 'GET').toUpperCase()
    const url = String(uri)
    // getAuth is called synchronously by regFetch for the same uri just
    // before this (flows are run one at a time, so the last one matches)
    let auth = null
    for (let i = authCalls.length - 1; i >= 0; i--) {
      if (authCalls[i].uri === url || url.startsWith(authCalls[i].uri + '?')) {
        auth = authCalls[i].auth
        break
      }
    }
    const rec = {
      url,
      method,
      authorization: headers.get('authorization'),
      reqType: headers.get('pacote-req-type'),
      cert: !!opts.cert,
      key: !!opts.key,
      auth,
    }
    requests.push(rec)
    const answer = responder(rec, headers) || { status: 200, body: '' }
    const body = typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
      ? answer.body : JSON.stringify(answer.body)
    const stream = new Minipass()
    stream.end(Buffer.from(body))
    return new Response(stream, {
      url,
      status: answer.status || 200,
      headers: { 'content-type': answer.type || 'application/octet-stream' },
    })
  }
  fakeFetch.defaults = () => fakeFetch

  const fake = new Module(mfhPath, null)
  fake.filename = mfhPath
  fake.loaded = true
  fake.exports = fakeFetch
  require.cache[mfhPath] = fake

  // wrap getAuth (lib/auth.js) before lib/index.js requires it
  const authPath = path.join(nrfDir, 'auth.js')
  const realGetAuth = require(authPath)
  const wrapped = (uri, opts) => {
    const auth = realGetAuth(uri, opts)
    authCalls.push({ uri: String(uri), auth, opts })
    return auth
  }
  require.cache[authPath].exports = wrapped

  return {
    requests,
    authCalls,
    realGetAuth,
    mark: () => requests.length,
    since: (n) => requests.slice(n),
  }
}

module.exports = { install }
