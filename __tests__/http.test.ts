// Proxies: requests go through https_proxy (a CONNECT tunnel, the API key inside it). undici is
// stubbed out of the bundles (stubs/undici): this proves the proxy path does not need it. (no_proxy
// is @actions/http-client's own rule; testing it would need a DNS lookup, which tests do not make.)
import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { TransientError } from '../src/errors.js'
import { send } from '../src/http.js'

const connects: { target: string; headers: IncomingHttpHeaders }[] = []
const proxy = createServer()
proxy.on('connect', (req, socket) => {
  connects.push({ target: req.url ?? '', headers: req.headers })
  socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
})

beforeAll(async () => {
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  process.env.https_proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  delete process.env.https_proxy
  await new Promise((resolve) => proxy.close(resolve))
})

const request = {
  method: 'GET' as const,
  url: 'https://api.p1.test/v1/external/retrain_jobs/j',
  headers: { 'x-api-key': 'secret-key-0123456789' },
  idleTimeoutMs: 5000,
  redirects: 'none' as const
}

test('https_proxy: the request goes through a CONNECT tunnel; the key is not shown to the proxy', async () => {
  await expect(send(request)).rejects.toBeInstanceOf(TransientError)
  expect(connects.map((c) => c.target)).toEqual(['api.p1.test:443'])
  assert.ok(!JSON.stringify(connects[0].headers).includes('secret-key'), 'the key travels inside the tunnel only')
})
