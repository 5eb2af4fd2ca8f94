// send() against real servers on 127.0.0.1: the one idle time-out, decoding, the body stream's
// errors, and proxies (a CONNECT tunnel with Basic authentication, 407, NO_PROXY).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import dns from 'node:dns'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { ActionError, CancelledError, DeadlineError, HttpError, TransientError } from '../../src/errors.js'
import { send, type HttpRequest } from '../../src/net/http.js'
import { Deadline } from '../../src/clock.js'
import { FakeClock } from '../helpers/clock.js'
import { readSlowly, serve, type TestServer } from '../helpers/server.js'
import { skipIf } from '../helpers/skip.js'

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest & { stream?: false } => ({
  method: 'GET',
  url,
  idleTimeoutMs: 5000,
  redirects: 'none',
  ...extra,
  stream: false
})
const stream = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest & { stream: true } => ({
  ...get(url, extra),
  stream: true
})

const servers: TestServer[] = []
async function server(...args: Parameters<typeof serve>): Promise<TestServer> {
  const s = await serve(...args)
  servers.push(s)
  return s
}
afterEach(async () => {
  jest.useRealTimers()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks).toString()
}

test('a silent answer is abandoned at a request-timeout of 4 minutes, not before; no 3-minute socket time-out', async () => {
  const silent = await server(() => undefined)
  // @actions/http-client put a 3-minute time-out on every socket (req.setTimeout): any time-out
  // set on a socket is recorded here, so that one would show.
  const socketTimeouts: number[] = []
  // Kept to be called with the socket as `this`, and put back when the test ends.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setTimeout = net.Socket.prototype.setTimeout
  net.Socket.prototype.setTimeout = function (this: net.Socket, ms: number, callback?: () => void) {
    socketTimeouts.push(ms)
    return setTimeout.call(this, ms, callback)
  }
  try {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
    const seen: { outcome?: unknown } = {}
    const outcome = (): unknown => seen.outcome
    const pending = send(get(silent.url, { idleTimeoutMs: 4 * 60_000 })).then(
      () => (seen.outcome = 'answered'),
      (err: unknown) => (seen.outcome = err)
    )
    while (silent.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    await jest.advanceTimersByTimeAsync(4 * 60_000 - 1)
    assert.equal(outcome(), undefined, 'still waiting at 3:59.999')
    await jest.advanceTimersByTimeAsync(1)
    await pending
    const err = outcome()
    assert.ok(err instanceof TransientError)
    assert.match(err.message, /^no answer from 127\.0\.0\.1:\d+ within 240000 ms \(request-timeout\)$/)
    expect(socketTimeouts.filter((ms) => ms > 0)).toEqual([])
  } finally {
    net.Socket.prototype.setTimeout = setTimeout
  }
})

test('gzip, deflate and br answers are decoded; identity and none are read as they are', async () => {
  const json = JSON.stringify({ status: 'job_finished', padding: 'x'.repeat(5000) })
  const encoders: Record<string, (b: Buffer) => Buffer> = {
    gzip: zlib.gzipSync,
    deflate: zlib.deflateSync,
    br: zlib.brotliCompressSync,
    'GZIP ': zlib.gzipSync,
    identity: (b) => b,
    'gzip, br': (b) => zlib.brotliCompressSync(zlib.gzipSync(b))
  }
  const s = await server((req, res) => {
    const coding = decodeURIComponent(req.url?.slice(1) ?? '')
    res.writeHead(200, { 'content-encoding': coding, 'content-type': 'application/json' })
    res.end(encoders[coding](Buffer.from(json)))
  })
  for (const coding of Object.keys(encoders)) {
    const response = await send(get(`${s.url}/${encodeURIComponent(coding)}`))
    assert.equal(response.text, json, coding)
  }
  assert.equal(s.requests[0].headers['accept-encoding'], 'gzip, deflate, br')
})

test('an encoding that cannot be decoded, or a body that does not decode, is a clear error, never retried', async () => {
  const s = await server((req, res) => {
    res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' })
    res.end('{"status":"job_finished"}')
  })
  for (const [path, message] of [
    ['/zstd', /HTTP 200 from 127\.0\.0\.1:\d+ is encoded as "zstd", which cannot be decoded/],
    ['/broken', /the answer from 127\.0\.0\.1:\d+ could not be decoded: incorrect header check/]
  ] as const) {
    await assert.rejects(send(get(s.url + path)), (err: unknown) => {
      assert.ok(err instanceof ActionError && !(err instanceof TransientError), `${path}: not retried`)
      assert.match(err.message, message)
      return true
    })
  }
})

test('an error answer is returned with the start of its body, decoded, never thrown', async () => {
  const s = await server((_req, res) => {
    res.writeHead(503, { 'content-encoding': 'gzip' })
    res.end(zlib.gzipSync(`<Error><Code>SlowDown</Code></Error>${' '.repeat(200_000)}`))
  })
  const response = await send(stream(s.url))
  assert.equal(response.ok, false)
  assert.ok(!response.ok && response.text.startsWith('<Error><Code>SlowDown</Code></Error>'))
  assert.ok(!response.ok && response.text.length === 64 * 1024, 'only the start is read')
})

test('the body stream keeps the idle timer alive while pieces arrive, and fails when they stop', async () => {
  const s = await server((req, res) => {
    res.writeHead(200)
    let sent = 0
    const tick = (): void => {
      if (res.destroyed) return
      if (sent === 6) return req.url === '/stall' ? undefined : void res.end()
      res.write(`${sent++}`)
      setTimeout(tick, 150)
    }
    tick()
  })
  // 6 pieces 150 ms apart take longer than the 400 ms time-out: progress is what counts.
  const whole = await send(stream(`${s.url}/ok`, { idleTimeoutMs: 400 }))
  assert.ok(whole.ok)
  assert.equal(await text(whole.body), '012345')
  const stalled = await send(stream(`${s.url}/stall`, { idleTimeoutMs: 400 }))
  assert.ok(stalled.ok)
  await assert.rejects(text(stalled.body), /^TransientError: no answer from .* within 400 ms \(request-timeout\)$/)
})

test('the body stream fails with send() errors: a reset, a cut body, a cancel, the budget', async () => {
  const s = await server((req, res) => {
    if (req.url === '/reset') {
      res.writeHead(200)
      res.write('part', () => res.socket?.destroy())
    } else if (req.url === '/short') {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('x'.repeat(10), () => res.socket?.destroy())
    } else {
      res.writeHead(200)
      res.write('part') // then nothing, for a while
    }
  })
  await assert.rejects(
    send(stream(`${s.url}/reset`)).then((r) => (r.ok ? text(r.body) : r.text)),
    (err: unknown) => err instanceof TransientError && /^network error with 127\.0\.0\.1:\d+: /.test(err.message)
  )
  await assert.rejects(
    send(stream(`${s.url}/short`)).then((r) => (r.ok ? text(r.body) : r.text)),
    TransientError
  )
  const controller = new AbortController()
  const cancelled = await send(stream(`${s.url}/slow`, { signal: controller.signal }))
  setTimeout(() => controller.abort(), 100)
  await assert.rejects(cancelled.ok ? text(cancelled.body) : Promise.resolve(), CancelledError)
  const late = await send(stream(`${s.url}/slow`, { deadline: Deadline.after(1000) }))
  await assert.rejects(late.ok ? text(late.body) : Promise.resolve(), (err: unknown) => {
    assert.ok(err instanceof DeadlineError)
    assert.match(err.message, /the time left ran out during a request to 127\.0\.0\.1:\d+/)
    return true
  })
})

// A proxy on 127.0.0.1 that demands Basic authentication on CONNECT, then tunnels to the test
// server whatever host was asked for (so no name is ever looked up).
interface Connect {
  target: string
  headers: IncomingHttpHeaders
}
const connects: Connect[] = []
const USER = 'user@corp'
const PASSWORD = 'p@ss:word%'
const proxy = createServer()
let tunnelTo = 0
proxy.on('connect', (req, socket) => {
  connects.push({ target: req.url ?? '', headers: req.headers })
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
  if (req.headers['proxy-authorization'] !== expected) {
    return void socket.end(
      'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n'
    )
  }
  const upstream = net.connect(tunnelTo, '127.0.0.1', () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    upstream.pipe(socket).pipe(upstream)
  })
  upstream.on('error', () => socket.destroy())
  socket.on('error', () => upstream.destroy())
})
const proxyUrl = (auth: string): string => `http://${auth}@127.0.0.1:${(proxy.address() as AddressInfo).port}`
const encoded = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`

beforeAll(async () => {
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
})
afterEach(() => {
  connects.length = 0
  delete process.env.http_proxy
  delete process.env.NO_PROXY
})
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve))
})

async function target(): Promise<TestServer> {
  const s = await server((_req, res) => res.end('{"status":"running"}'))
  tunnelTo = s.port
  return s
}

test('a proxy demanding Basic authentication: percent-encoded credentials are sent decoded; the key stays in the tunnel', async () => {
  const s = await target()
  process.env.http_proxy = proxyUrl(encoded)
  const response = await send(
    get(`http://api.p1.example:${s.port}/v1/x`, { headers: { 'x-api-key': 'secret-key-0123456789' } })
  )
  assert.equal(response.text, '{"status":"running"}')
  expect(connects.map((c) => c.target)).toEqual([`api.p1.example:${s.port}`])
  assert.ok(!JSON.stringify(connects[0].headers).includes('secret-key'), 'the key travels inside the tunnel only')
  assert.equal(s.requests[0].headers['x-api-key'], 'secret-key-0123456789')
})

test('a 407 from the proxy fails at once, naming the proxy host and never the credentials', async () => {
  const s = await target()
  process.env.http_proxy = proxyUrl(`${encodeURIComponent(USER)}:wrong%20secret`)
  const { ApiClient } = await import('../../src/retrain/api.js')
  const clock = new FakeClock()
  const api = new ApiClient({
    apiUrl: new URL(`http://api.p1.example:${s.port}`),
    apiKey: 'k',
    requestTimeoutMs: 5000
  })
  await assert.rejects(api.getStatus('j', Deadline.after(10 * 60_000, clock)), (err: unknown) => {
    assert.ok(err instanceof HttpError)
    assert.equal(err.status, 407)
    assert.match(err.message, /the proxy 127\.0\.0\.1:\d+ answered HTTP 407/)
    assert.match(err.message, /check the credentials in http_proxy/)
    assert.ok(!/wrong|secret|user@|user%40|corp/.test(err.message), `no credentials: ${err.message}`)
    return true
  })
  assert.equal(connects.length, 1, 'not retried')
  assert.equal(s.requests.length, 0)
})

test('NO_PROXY: a leading *. and the forms http-client knows bypass the proxy; others go through it', async () => {
  const s = await target()
  process.env.http_proxy = proxyUrl(encoded)
  // Names are answered with 127.0.0.1 here: no lookup leaves the machine.
  const lookup = dns.lookup
  dns.lookup = ((_host: string, options: unknown, callback: (...args: unknown[]) => void) =>
    (options as dns.LookupOptions).all
      ? callback(null, [{ address: '127.0.0.1', family: 4 }])
      : callback(null, '127.0.0.1', 4)) as typeof dns.lookup
  try {
    const cases: [noProxy: string, host: string, direct: boolean][] = [
      ['*.example', 'api.p1.example', true],
      ['*.example', 'example', false],
      ['.p1.example', 'api.p1.example', true],
      ['p1.example', 'api.p1.example', true],
      [`api.p1.example:${s.port}`, 'api.p1.example', true],
      ['*', 'api.p1.example', true],
      ['*.other.example', 'api.p1.example', false],
      ['', 'api.p1.example', false]
    ]
    for (const [noProxy, host, direct] of cases) {
      process.env.NO_PROXY = noProxy
      connects.length = 0
      await send(get(`http://${host}:${s.port}/`))
      assert.equal(connects.length, direct ? 0 : 1, `NO_PROXY=${noProxy}, ${host}`)
    }
  } finally {
    dns.lookup = lookup
  }
})

test('a proxy password that is not valid percent-encoding is an error naming the proxy host only', async () => {
  process.env.http_proxy = proxyUrl('user:100%')
  await assert.rejects(send(get('http://api.p1.example/')), (err: unknown) => {
    assert.ok(err instanceof ActionError)
    assert.match(
      err.message,
      /^the user name or password in http_proxy \(proxy 127\.0\.0\.1:\d+\) is not valid percent-encoding$/
    )
    return true
  })
})

test('a file body is sent whole; a file that cannot be read is a local error', async () => {
  const { LocalError } = await import('../../src/errors.js')
  const s = await server((req, res) => {
    let bytes = 0
    req.on('data', (c: Buffer) => (bytes += c.length))
    req.on('end', () => res.end(String(bytes)))
  })
  const put = (path: string, size: number): Promise<unknown> =>
    send({ method: 'PUT', url: s.url, file: { path, size }, idleTimeoutMs: 5000, redirects: 'none' })
  await assert.rejects(put('/nonexistent/file.csv', 10), (err: unknown) => {
    assert.ok(err instanceof LocalError)
    assert.match(err.message, /^cannot read \/nonexistent\/file\.csv: .*\(ENOENT\)$/)
    return true
  })
  const { fileURLToPath } = await import('node:url')
  const self = fileURLToPath(import.meta.url)
  const { statSync } = await import('node:fs')
  const size = statSync(self).size
  expect(await put(self, size)).toMatchObject({ ok: true, text: String(size) })
})

test('a proxy that accepts the connection and never answers CONNECT: the idle time-out and a cancel still end send()', async () => {
  const held: net.Socket[] = []
  const silent = net.createServer((socket) => void held.push(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  process.env.http_proxy = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  try {
    await assert.rejects(send(get('http://api.p1.example/v1/x', { idleTimeoutMs: 300 })), /within 300 ms/)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    await assert.rejects(send(get('http://api.p1.example/v1/x', { signal: controller.signal })), CancelledError)
  } finally {
    held.forEach((socket) => socket.destroy())
    await new Promise((resolve) => silent.close(resolve))
  }
})

test('a proxy variable without http:// or https:// (or a SOCKS one) is a clear error, not a silent direct connection', async () => {
  for (const value of ['proxy.corp.example:3128', 'socks5://127.0.0.1:1080']) {
    process.env.http_proxy = value
    await assert.rejects(send(get('http://api.p1.example/v1/x')), /http_proxy must be an http:\/\/ or https:\/\/ URL/)
  }
})

test('empty bodies marked as compressed read as no text; an error answer whose body does not decode is judged by its status', async () => {
  const s = await server((req, res) => {
    if (req.url === '/204') return void res.writeHead(204, { 'content-encoding': 'gzip' }).end()
    if (req.url === '/empty') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end()
    res.writeHead(503, { 'content-encoding': 'gzip' }).end('<html>gateway busy</html>')
  })
  const noContent = await send(get(s.url + '/204'))
  assert.ok(noContent.ok && noContent.text === '')
  const empty = await send(get(s.url + '/empty'))
  assert.ok(empty.ok && empty.text === '')
  const busy = await send(get(s.url + '/503'))
  assert.equal(busy.status, 503)
  assert.ok(!busy.ok && busy.text === '')
})

test('a compressed answer cut short is a network fault, tried again', async () => {
  const whole = zlib.gzipSync('{"status":"running"}'.repeat(100))
  const s = await server((_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip', connection: 'close' })
    res.end(whole.subarray(0, whole.length - 20))
  })
  await assert.rejects(
    send(get(s.url)),
    (err: unknown) => err instanceof TransientError && /cut short/.test(err.message)
  )
})

test('redirects share one budget; a Location that is not a URL is an HTTP error naming the host', async () => {
  let hops = 0
  const s = await server((req, res) => {
    if (req.url === '/bad') return void res.writeHead(302, { location: 'http://[bad' }).end()
    hops++
    setTimeout(() => res.writeHead(302, { location: `/hop${hops}` }).end(), 600)
  })
  const started = Date.now()
  await assert.rejects(
    send(get(s.url + '/hop', { redirects: 'any', deadline: Deadline.after(1500) })),
    (err: unknown) => err instanceof DeadlineError
  )
  assert.ok(Date.now() - started < 2500, `the budget held across hops: ${Date.now() - started} ms`)
  await assert.rejects(
    send(get(s.url + '/bad', { redirects: 'any' })),
    (err: unknown) => err instanceof HttpError && /redirected to an invalid URL$/.test(err.message)
  )
})

test('answer headers of 20 KiB (WAF cookies) are read; past 64 KiB the answer fails at once, naming the cause', async () => {
  const s = await server((req, res) => {
    const cookies = Array.from({ length: req.url === '/huge' ? 70 : 20 }, (_, i) => `waf${i}=${'c'.repeat(1000)}`)
    res.writeHead(200, { 'set-cookie': cookies, 'content-type': 'application/json' }).end('{"status":"running"}')
  })
  const response = await send(get(`${s.url}/cookies`))
  assert.equal(response.text, '{"status":"running"}')
  await assert.rejects(send(get(`${s.url}/huge`)), (err: unknown) => {
    assert.ok(err instanceof ActionError && !(err instanceof TransientError), 'not retried')
    assert.match(err.message, /^the answer from 127\.0\.0\.1:\d+ has headers over 64 KiB \(HPE_HEADER_OVERFLOW\)/)
    return true
  })
})

// A certificate made at test time (no key is committed); where openssl is missing (Windows Node under
// Wine, a bare runner) the test is skipped and says why.
const openssl = spawnSync('openssl', ['version']).status === 0
skipIf(
  !openssl,
  'openssl is not installed',
  test
)(
  'a certificate the runner does not trust fails at once, after one handshake, naming the host and NODE_EXTRA_CA_CERTS',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'))
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem')
    ])
    assert.equal(made.status, 0, String(made.stderr))
    const tlsServer = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('{"status":"job_finished"}')
    )
    let handshakes = 0
    tlsServer.on('connection', () => handshakes++)
    tlsServer.on('tlsClientError', () => undefined)
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve))
    try {
      const { ApiClient } = await import('../../src/retrain/api.js')
      const clock = new FakeClock()
      const port = (tlsServer.address() as AddressInfo).port
      const api = new ApiClient({
        apiUrl: new URL(`https://127.0.0.1:${port}`),
        apiKey: 'k',
        requestTimeoutMs: 5000
      })
      await assert.rejects(api.getStatus('j', Deadline.after(10 * 60_000, clock)), (err: unknown) => {
        assert.ok(err instanceof ActionError && !(err instanceof TransientError), `not retried: ${String(err)}`)
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`))
        assert.match(err.message, /DEPTH_ZERO_SELF_SIGNED_CERT/)
        assert.match(err.message, /NODE_EXTRA_CA_CERTS/)
        return true
      })
      assert.equal(handshakes, 1, 'one handshake, no retry')
      expect(clock.sleeps).toEqual([])
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  }
)

test('a proxy that never answers CONNECT: once send() fails, the socket to it is closed (the process can exit)', async () => {
  const closed: boolean[] = []
  const held: net.Socket[] = []
  const silent = net.createServer((socket) => {
    const i = closed.push(false) - 1
    held.push(socket)
    socket.on('close', () => (closed[i] = true))
    socket.on('error', () => undefined)
    socket.resume() // read, so that the client's end is seen
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  process.env.http_proxy = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  try {
    await assert.rejects(send(get('http://api.p1.example/v1/x', { idleTimeoutMs: 300 })), /within 300 ms/)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    await assert.rejects(send(get('http://api.p1.example/v1/x', { signal: controller.signal })), CancelledError)
    const until = Date.now() + 2000
    while (closed.some((c) => !c) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closed).toEqual([true, true])
  } finally {
    held.forEach((socket) => socket.destroy())
    await new Promise((resolve) => silent.close(resolve))
  }
})

test('an upload the host stops reading fails at the idle time-out of the stall, not at the budget', async () => {
  const size = 8 * 1024 * 1024
  const path = join(tmpdir(), `stall-${process.pid}.bin`)
  writeFileSync(path, Buffer.alloc(size, 'x'))
  let stalled: Promise<number> | undefined
  // Reads 2 MiB at about 2 MiB/s, then never reads again and never answers.
  const s = await server((req) => void (stalled = readSlowly(req, 2 * 1024 * 1024, 2 * 1024 * 1024).stalled))
  try {
    const started = Date.now()
    await assert.rejects(
      send({
        method: 'PUT',
        url: s.url,
        file: { path, size },
        idleTimeoutMs: 1000,
        deadline: Deadline.after(30_000),
        redirects: 'none'
      }),
      /^TransientError: no answer from 127\.0\.0\.1:\d+ within 1000 ms \(request-timeout\)$/
    )
    const failed = Date.now()
    assert.ok(stalled, 'the host read the request')
    const stall = await stalled
    process.stderr.write(`stalled upload: stall at ${stall - started} ms, failed at ${failed - started} ms\n`)
    expect(failed - stall).toBeLessThan(1000 + 2000)
  } finally {
    rmSync(path, { force: true })
  }
})
