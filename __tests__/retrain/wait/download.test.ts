// The result file from a real storage host on 127.0.0.1: decoded as it is served, hashed as
// written, named by Content-Disposition, refusals explained in the storage host's words.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { HttpError } from '../../../src/errors.js'
import { addSignedUrl } from '../../../src/secrets.js'
import { downloadResult, type DownloadOptions } from '../../../src/retrain/wait/download.js'
import { Deadline } from '../../../src/clock.js'
import { FakeClock } from '../../helpers/clock.js'
import { serve, type TestServer } from '../../helpers/server.js'
import { muteStdout } from '../../helpers/stdout.js'

muteStdout()

const RESULT = randomBytes(3 * 1024 * 1024 + 17)
const ENCODED: Record<string, Buffer> = {
  gzip: zlib.gzipSync(RESULT),
  br: zlib.brotliCompressSync(RESULT, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
  '': RESULT
}
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

let storage: TestServer
beforeAll(async () => {
  storage = await serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const coding = url.searchParams.get('coding') ?? ''
    if (url.pathname.startsWith('/refused/')) {
      res.writeHead(403, { 'content-type': 'application/xml' })
      const token = url.searchParams.get('X-Signature')
      return void res.end(`<Error><Code>AccessDenied</Code><Message>Request has expired (${token})</Message></Error>`)
    }
    const body = ENCODED[coding]
    const headers: Record<string, string> = { 'content-length': String(body.length), 'content-encoding': coding }
    const disposition = url.searchParams.get('cd')
    if (disposition) headers['content-disposition'] = disposition
    // The header's bytes as given (`raw`, a hex string): Node writes a header string as Latin-1
    // (setHeader takes any such string; writeHead refuses some).
    const raw = url.searchParams.get('raw')
    if (raw) res.setHeader('content-disposition', Buffer.from(raw, 'hex').toString('latin1'))
    res.writeHead(200, headers)
    res.end(body)
  })
})
afterAll(() => storage.close())

function options(url: string): DownloadOptions {
  const clock = new FakeClock()
  const dir = mkdtempSync(join(tmpdir(), 'download-'))
  return {
    url,
    dir,
    stagingDir: join(dir, '.staging'),
    requestTimeoutMs: 5000,
    deadline: Deadline.after(60_000, clock)
  }
}

for (const coding of ['gzip', 'br']) {
  test(`a result file served with Content-Encoding: ${coding} is written decoded, with the sha256 of what is written`, async () => {
    const o = options(`${storage.url}/results/job/result.zip?coding=${coding}`)
    const file = await downloadResult(o)
    assert.equal(file.name, 'result.zip')
    assert.equal(file.bytes, RESULT.length)
    assert.ok(readFileSync(file.path).equals(RESULT), 'the decoded bytes')
    assert.equal(file.sha256, sha256(RESULT))
    expect(readdirSync(o.dir)).toEqual(['.staging', 'result.zip'])
  })
}

test('Content-Disposition: the filename parameter, not one that ends like it; ISO-8859-1 filename*; malformed falls back to the URL', async () => {
  const cases: [header: string, name: string][] = [
    ['attachment; xfilename="a.zip"; filename="b.zip"', 'b.zip'],
    [`attachment; filename*=ISO-8859-1''r%E9sultat.zip`, 'résultat.zip'],
    [`attachment; filename="fallback.zip"; filename*=UTF-8''%E2%82%AC.zip`, '€.zip'],
    ['attachment; filename="unterminated.zip', 'metrics.zip']
  ]
  for (const [header, name] of cases) {
    const url = `${storage.url}/results/job/metrics.zip?coding=&cd=${encodeURIComponent(header)}`
    assert.equal((await downloadResult(options(url))).name, name, header)
  }
})

test('Content-Disposition sent as raw bytes: UTF-8 when they are valid UTF-8 (a Japanese name), Latin-1 otherwise; filename* still wins', async () => {
  const cases: [header: Buffer, name: string][] = [
    [Buffer.from('attachment; filename="評価結果.zip"'), '評価結果.zip'],
    [Buffer.from('attachment; filename=評価結果.zip'), '評価結果.zip'],
    [Buffer.from('attachment; filename="r\xe9sultat.zip"', 'latin1'), 'résultat.zip'],
    [Buffer.from(`attachment; filename="評価.zip"; filename*=UTF-8''%E7%B5%90%E6%9E%9C.zip`), '結果.zip']
  ]
  for (const [header, name] of cases) {
    const url = `${storage.url}/results/job/metrics.zip?coding=&raw=${header.toString('hex')}`
    assert.equal((await downloadResult(options(url))).name, name, header.toString())
  }
})

test('a refused download shows the storage host code and a redacted message', async () => {
  const signature = 'c0ffee0123456789abcdef0123456789'
  const url = `${storage.url}/refused/result.zip?X-Signature=${signature}`
  addSignedUrl(url)
  await assert.rejects(downloadResult(options(url)), (err: unknown) => {
    assert.ok(err instanceof HttpError)
    assert.match(
      err.message,
      /^download: HTTP 403 from 127\.0\.0\.1:\d+ \(storage host: AccessDenied "Request has expired \(\*\*\*\)"\)$/
    )
    return true
  })
})
