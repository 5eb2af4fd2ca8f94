// The upload's PUT against a real storage host on 127.0.0.1: its refusals are explained with the
// host's own error code and a short, redacted message.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { HttpError } from '../../../src/errors.js'
import { addSignedUrl } from '../../../src/secrets.js'
import { putFile } from '../../../src/retrain/upload/put.js'
import { Deadline } from '../../../src/clock.js'
import { FakeClock } from '../../helpers/clock.js'
import { skipIf } from '../../helpers/skip.js'
import { readSlowly, serve, type TestServer } from '../../helpers/server.js'
import { muteStdout } from '../../helpers/stdout.js'

muteStdout()

const SIGNATURE = 'f00dbabe0123456789abcdef0123456789abcdef'
const file = join(tmpdir(), `put-${process.pid}.csv`)
const big = join(tmpdir(), `put-${process.pid}-big.csv`)

const REFUSALS: Record<string, { type: string; body: string; said: RegExp }> = {
  s3: {
    type: 'application/xml',
    body:
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we ' +
      `calculated does not match the signature you provided (${SIGNATURE}).</Message>` +
      `<StringToSign>AWS4-HMAC-SHA256 ${SIGNATURE}</StringToSign></Error>`,
    said: /\(storage host: SignatureDoesNotMatch "The request signature we calculated does not match the signature you provided \(\*\*\*\)\."\)$/
  },
  s3expired: {
    type: 'application/xml',
    body: '<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>',
    said: /\(storage host: ExpiredToken "The provided token has expired\."\)$/
  },
  azure: {
    type: 'application/xml',
    body:
      '\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to ' +
      'authenticate the request.\nRequestId:9f1c\nTime:2026-11-29T10:00:00Z</Message><AuthenticationErrorDetail>Signed ' +
      'expiry time has passed</AuthenticationErrorDetail></Error>',
    said: /\(storage host: AuthenticationFailed "Server failed to authenticate the request\.\\nRequestId:9f1c\\nTime:2026-11-29T10:00:00Z"\)$/
  },
  gcs: {
    type: 'application/json',
    body: JSON.stringify({
      error: {
        code: 403,
        message: 'sa@p.iam.gserviceaccount.com does not have storage.objects.create access.',
        errors: [{ message: '…', domain: 'global', reason: 'forbidden' }]
      }
    }),
    said: /\(storage host: forbidden "sa@p\.iam\.gserviceaccount\.com does not have storage\.objects\.create access\."\)$/
  }
}

// Several MiB more than the system's socket buffers take at once (about 4 MiB on loopback).
const BIG_BYTES = 8 * 1024 * 1024

let storage: TestServer
beforeAll(async () => {
  writeFileSync(file, 'a,b\n1,2\n')
  writeFileSync(big, Buffer.alloc(BIG_BYTES, 'x'))
  storage = await serve((req, res) => {
    req.resume()
    const refusal = REFUSALS[new URL(req.url ?? '/', 'http://x').pathname.slice(1)]
    res.writeHead(403, { 'content-type': refusal.type })
    res.end(refusal.body)
  })
})
afterAll(() => storage.close())

for (const [host, refusal] of Object.entries(REFUSALS)) {
  test(`a refusal in ${host}'s words shows its code and message, redacted`, async () => {
    const url = `${storage.url}/${host}?X-Signature=${SIGNATURE}`
    addSignedUrl(url)
    const clock = new FakeClock()
    await assert.rejects(
      putFile({ url, file, size: 8, requestTimeoutMs: 5000, deadline: Deadline.after(60_000, clock) }),
      (err: unknown) => {
        assert.ok(err instanceof HttpError)
        assert.match(err.message, /^upload: HTTP 403 from 127\.0\.0\.1:\d+: the signed upload URL was refused/)
        assert.match(err.message, refusal.said)
        assert.ok(!err.message.includes(SIGNATURE.slice(0, 12)), 'no part of the signature')
        return true
      }
    )
    expect(clock.sleeps).toEqual([])
  })
}

test('a 303 to the PUT is followed with a GET without the file; 307 and 308 are not sent on', async () => {
  const seen: { method: string; path: string; bytes: number; length?: string }[] = []
  const host = await serve((req, res) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => (bytes += chunk.length))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      seen.push({ method: req.method ?? '', path, bytes, length: req.headers['content-length'] })
      if (path === '/done') return void res.end('stored')
      const status = Number(path.slice(1))
      res.writeHead(status, { location: '/done' }).end()
    })
  })
  try {
    const clock = new FakeClock()
    const put = (path: string): Promise<void> =>
      putFile({
        url: `${host.url}${path}?sig=1`,
        file,
        size: 8,
        requestTimeoutMs: 5000,
        deadline: Deadline.after(60_000, clock)
      })
    await put('/303')
    expect(seen).toEqual([
      { method: 'PUT', path: '/303', bytes: 8, length: '8' },
      { method: 'GET', path: '/done', bytes: 0, length: undefined }
    ])
    for (const status of [307, 308]) {
      seen.length = 0
      await assert.rejects(put(`/${status}`), (err: unknown) => {
        assert.ok(err instanceof HttpError && err.status === status)
        assert.match(err.message, /redirected to 127\.0\.0\.1:\d+; this request is not sent on$/)
        return true
      })
      expect(seen.map((s) => `${s.method} ${s.path} ${s.bytes}`)).toEqual([`PUT /${status} 8`])
    }
  } finally {
    await host.close()
  }
})

test('a slow upload that keeps moving is never cut: one PUT, though it takes several request-timeouts', async () => {
  // About 2 MiB/s: 8 MiB take some 4 s, with a request-timeout of 1 s. The socket buffers take
  // half the file at once, so the last byte is handed over seconds before the host has it.
  const durations: number[] = []
  const slow = await serve((req, res) => {
    const started = Date.now()
    void readSlowly(req, 2 * 1024 * 1024).done.then((bytes) => {
      durations.push(Date.now() - started)
      res.writeHead(bytes === BIG_BYTES ? 200 : 400)
      res.end()
    })
  })
  try {
    const clock = new FakeClock()
    await putFile({
      url: `${slow.url}/slow`,
      file: big,
      size: BIG_BYTES,
      requestTimeoutMs: 1000,
      deadline: Deadline.after(60_000, clock)
    })
    expect(slow.requests).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
    expect(durations[0]).toBeGreaterThan(2500)
    process.stderr.write(`slow upload: ${BIG_BYTES} bytes in ${durations[0]} ms at request-timeout 1000 ms\n`)
  } finally {
    await slow.close()
  }
})

// A storage host with a small receive buffer (32 KiB: a proxy or a slow uplink leaves little room)
// reading 800 KiB a second. The system wakes the sender only once a good part of its send buffer
// has drained, so for well over the request-timeout no progress shows. Python's socket sets
// SO_RCVBUF, which Node's server cannot.
const SMALL_BUFFER_HOST = `
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
s.bind(('127.0.0.1', 0)); s.listen(1); print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
buf = b''
while b'\\r\\n\\r\\n' not in buf: buf += c.recv(4096)
head, rest = buf.split(b'\\r\\n\\r\\n', 1)
size = int([l for l in head.split(b'\\r\\n') if l.lower().startswith(b'content-length:')][0].split(b':')[1])
got = len(rest)
while got < size:
    d = c.recv(min(16384, size - got)); got += len(d); time.sleep(len(d) / 819200)
c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n'); c.close()
print(got, flush=True)
`
const python = spawnSync('python3', ['--version']).status === 0

skipIf(
  !python,
  'python3 is not installed',
  test
)('an upload behind a small receive buffer, slower than its send buffer shows, is not cut either', async () => {
  const host = spawn('python3', ['-c', SMALL_BUFFER_HOST], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: host.stdout })[Symbol.asyncIterator]()
  const file = join(tmpdir(), `put-${process.pid}-small-buffer.csv`)
  writeFileSync(file, Buffer.alloc(BIG_BYTES, 'x'))
  try {
    const port = String((await lines.next()).value)
    const clock = new FakeClock()
    const retried: string[] = []
    await putFile({
      url: `http://127.0.0.1:${port}/slower`,
      file,
      size: BIG_BYTES,
      requestTimeoutMs: 1000,
      deadline: Deadline.after(60_000, clock),
      onRetry: (why) => void retried.push(why)
    })
    expect(retried).toEqual([])
    assert.equal(String((await lines.next()).value), String(BIG_BYTES), 'the host read the whole file, once')
  } finally {
    host.kill()
    rmSync(file, { force: true })
  }
})

test('a host that never reads is still found out, within a few request-timeouts', async () => {
  const silent = await serve((req) => void req.pause())
  try {
    const started = Date.now()
    await assert.rejects(
      putFile({
        url: `${silent.url}/silent`,
        file: big,
        size: BIG_BYTES,
        requestTimeoutMs: 1000,
        deadline: Deadline.after(60_000, new FakeClock()),
        onRetry: () => {
          throw new Error('no retry: the test looks at the first try')
        }
      }),
      /no retry: the test looks at the first try/
    )
    expect(Date.now() - started).toBeLessThan(6000)
  } finally {
    await silent.close()
  }
})
