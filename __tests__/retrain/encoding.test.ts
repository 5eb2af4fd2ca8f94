// The API's answers compressed by a gateway (gzip, deflate, br, whatever the client asked), from a
// real server on 127.0.0.1: the status, upload-URL and switch calls read them all.
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { ApiClient } from '../../src/retrain/api.js'
import { Deadline } from '../../src/clock.js'
import { FakeClock } from '../helpers/clock.js'
import { serve, type TestServer } from '../helpers/server.js'
import { muteStdout } from '../helpers/stdout.js'

muteStdout()

const ENCODERS: Record<string, (data: Buffer) => Buffer> = {
  gzip: zlib.gzipSync,
  deflate: zlib.deflateSync,
  br: zlib.brotliCompressSync
}

let api: TestServer
beforeAll(async () => {
  api = await serve((req, res) => {
    const coding = /coding=(\w+)/.exec(decodeURIComponent(req.url ?? ''))?.[1] ?? ''
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const body =
      path === '/v1/external/retrain_jobs/upload_url'
        ? { retrain_job_id: 'rj-1', upload_url: 'https://s.test/up?sig=2' }
        : path.endsWith('/update_model')
          ? { metadata: { retrain_job_id: 'rj-1' } }
          : { status: 'job_finished', model_id: 7 }
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding })
    res.end(ENCODERS[coding](Buffer.from(JSON.stringify(body))))
  })
})
afterAll(() => api.close())

for (const coding of Object.keys(ENCODERS)) {
  test(`${coding}: status, upload_url and update_model answers are read`, async () => {
    const clock = new FakeClock()
    const client = new ApiClient({ apiUrl: new URL(`${api.url}/`), apiKey: 'k', requestTimeoutMs: 5000 })
    // Before, a compressed answer was taken for a gateway's page and retried until the deadline.
    const deadline = Deadline.after(60_000, clock)
    // The coding rides in the query of the job id, which the server reads back.
    const jobId = `j?coding=${coding}`
    expect(await client.getStatus(jobId, deadline)).toMatchObject({ status: 'job_finished', modelId: '7' })
    expect(await client.getUploadUrl(`d.csv?coding=${coding}`, deadline)).toEqual({
      retrainJobId: 'rj-1',
      uploadUrl: 'https://s.test/up?sig=2'
    })
    await client.updateModel(jobId, deadline)
    assert.equal(clock.sleeps.length, 0, 'no retry')
  })
}
