// The API client through the project's HTTP layer (send(), on Node's http), with nock in front of it.
import assert from 'node:assert/strict'
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import nock from 'nock'
import { ApiError, CancelledError, DeadlineError, HttpError } from '../../src/errors.js'
import { Deadline } from '../../src/clock.js'
import { FakeClock } from '../helpers/clock.js'
import { muteStdout } from '../helpers/stdout.js'

muteStdout()

// Loaded after nock: a module that took Node's http before nock patched it would bypass nock.
const { ApiClient } = await import('../../src/retrain/api.js')
type ApiClient = InstanceType<typeof ApiClient>

const API = 'https://api.p1.test'
const KEY = 'unit-key'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.abortPendingRequests()
  nock.cleanAll()
})
// nock patches Node's http for the whole worker process, which outlives this file: a later file in
// the same worker (the proxy test) would otherwise go through nock's interceptor.
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})

function client(signal?: AbortSignal): ApiClient {
  return new ApiClient({ apiUrl: new URL(API), apiKey: KEY, requestTimeoutMs: 5000, signal })
}

/** No deadline, on a fake clock: retries do not wait for real. */
const forever = (): Deadline => Deadline.after(Infinity, new FakeClock())

const STATUS = '/v1/external/retrain_jobs/job-1'

test('status: sends the key, reads status, model id, message and download_url', async () => {
  const scope = nock(API, { reqheaders: { 'x-api-key': KEY } })
    .get(STATUS)
    .reply(200, {
      status: 'job_finished',
      model_id: 12,
      message: 'ok',
      download_url: 'https://s.test/r.zip?sig=1',
      metadata: {}
    })
  const job = await client().getStatus('job-1', forever())
  expect(job).toEqual({
    status: 'job_finished',
    modelId: '12',
    message: 'ok',
    downloadUrl: 'https://s.test/r.zip?sig=1'
  })
  scope.done()
})

test('status: the job id is percent-encoded into the path', async () => {
  const scope = nock(API).get('/v1/external/retrain_jobs/a%2Fb%3Fc%20d').reply(200, { status: 'running' })
  assert.equal((await client().getStatus('a/b?c d', forever())).status, 'running')
  scope.done()
})

test('a documented error fails at once, whatever HTTP status carries it', async () => {
  for (const status of [200, 400, 403, 404, 500]) {
    const scope = nock(API)
      .get(STATUS)
      .reply(status, { code: '4001000204', error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'Not found retrain job.' })
    await assert.rejects(client().getStatus('job-1', forever()), (err: unknown) => {
      assert.ok(err instanceof ApiError, `HTTP ${status}`)
      assert.match(err.message, /retrain job id is wrong/)
      return true
    })
    scope.done() // exactly one request: no retry
  }
})

test('a failed job whose message reads like a documented error is still a status', async () => {
  nock(API).get(STATUS).reply(200, { status: 'job_failed', message: 'This job may be deleted.' })
  expect(await client().getStatus('job-1', forever())).toEqual({
    status: 'job_failed',
    modelId: undefined,
    message: 'This job may be deleted.',
    downloadUrl: undefined
  })
  nock(API).get(STATUS).reply(200, { status: 'error', code: 4001000204, message: 'This job may be deleted.' })
  await assert.rejects(client().getStatus('job-1', forever()), ApiError)
})

test('update_model: a 200 carrying a documented message without a code is still an error', async () => {
  nock(API).put('/v1/external/retrain_jobs/rj-9/update_model').reply(200, { message: 'Retrain job is not finished.' })
  await assert.rejects(client().updateModel('rj-9', forever()), /has not finished/)
})

test('5xx, 429 and a non-JSON 200 are retried with backoff; Retry-After is honoured', async () => {
  const clock = new FakeClock()
  const scope = nock(API)
    .get(STATUS)
    .reply(503, '<html>unavailable</html>')
    .get(STATUS)
    .reply(429, { message: 'slow down' }, { 'retry-after': '7' })
    .get(STATUS)
    .reply(200, '<html>gateway</html>', { 'content-type': 'text/html' })
    .get(STATUS)
    .reply(200, { status: 'running' })
  assert.equal((await client().getStatus('job-1', Deadline.after(600_000, clock))).status, 'running')
  scope.done()
  assert.equal(clock.sleeps.length, 3)
  assert.equal(clock.sleeps[1], 7000, 'Retry-After: 7 waits 7 s')
  assert.ok(
    clock.sleeps[0] <= 500 && clock.sleeps[2] <= 2000,
    `capped exponential steps, saw ${clock.sleeps.join(', ')}`
  )
})

// Connection resets are tested end to end with a real socket (nock's replyWithError never reaches
// http-client's error handler here); the time-out path is tested here.
test('a request slower than request-timeout is aborted and retried', async () => {
  const scope = nock(API)
    .get(STATUS)
    .delay(3000)
    .reply(200, { status: 'job_finished' })
    .get(STATUS)
    .reply(200, { status: 'running' })
  const reasons: string[] = []
  const api = new ApiClient({
    apiUrl: new URL(API),
    apiKey: KEY,
    requestTimeoutMs: 200,
    onRetry: (why) => reasons.push(why)
  })
  const started = Date.now()
  assert.equal((await api.getStatus('job-1', forever())).status, 'running')
  assert.ok(Date.now() - started < 2000)
  expect(reasons).toEqual(['no answer from api.p1.test within 200 ms (request-timeout)'])
  scope.done()
})

test('another 4xx fails at once with its status and message', async () => {
  const scope = nock(API).get(STATUS).reply(403, { message: 'Forbidden' })
  await assert.rejects(client().getStatus('job-1', forever()), (err: unknown) => {
    assert.ok(err instanceof HttpError)
    assert.equal(err.status, 403)
    assert.match(err.message, /HTTP 403 .*"Forbidden"/)
    return true
  })
  scope.done()
})

test('retries stop at the deadline and say why', async () => {
  const clock = new FakeClock()
  nock(API).get(STATUS).times(20).reply(502, 'bad gateway')
  await assert.rejects(client().getStatus('job-1', Deadline.after(3000, clock)), (err: unknown) => {
    assert.ok(err instanceof DeadlineError)
    assert.match(err.message, /HTTP 502/)
    return true
  })
  assert.ok(clock.time <= 1_000_000 + 3000, 'no sleep went past the deadline')
})

test('a redirect to another origin is refused and the key never reaches it', async () => {
  const api = nock(API).get(STATUS).reply(302, '', { location: 'https://elsewhere.test/steal' })
  const other = nock('https://elsewhere.test').get('/steal').reply(200, { status: 'running' })
  await assert.rejects(client().getStatus('job-1', forever()), /another origin/)
  api.done()
  assert.equal(other.isDone(), false, 'the other origin was never called')
})

test('a same-origin redirect is followed with the key', async () => {
  const scope = nock(API, { reqheaders: { 'x-api-key': KEY } })
    .get(STATUS)
    .reply(307, '', { location: '/v2/moved' })
    .get('/v2/moved')
    .reply(200, { status: 'running' })
  assert.equal((await client().getStatus('job-1', forever())).status, 'running')
  scope.done()
})

test('upload_url and update_model', async () => {
  const scope = nock(API, { reqheaders: { 'x-api-key': KEY } })
    .get('/v1/external/retrain_jobs/upload_url')
    .query({ filename: 'train data.csv' })
    .reply(200, { retrain_job_id: 'rj-9', upload_url: 'https://s.test/up?sig=2' })
    .put('/v1/external/retrain_jobs/rj-9/update_model')
    .reply(200, { metadata: { retrain_job_id: 'rj-9' } })
  const api = client()
  expect(await api.getUploadUrl('train data.csv', forever())).toEqual({
    retrainJobId: 'rj-9',
    uploadUrl: 'https://s.test/up?sig=2'
  })
  await api.updateModel('rj-9', forever())
  scope.done()
})

test('update_model: a job not finished is a documented error with advice', async () => {
  nock(API)
    .put('/v1/external/retrain_jobs/rj-9/update_model')
    .reply(400, { code: 4001000204, message: 'Retrain job is not finished.' })
  await assert.rejects(client().updateModel('rj-9', forever()), /wait for it first with the wait action/)
})

test('an abort signal cancels a request in flight', async () => {
  const controller = new AbortController()
  nock(API).get(STATUS).delay(10_000).reply(200, { status: 'running' })
  const pending = client(controller.signal).getStatus('job-1', forever())
  setTimeout(() => controller.abort(), 50)
  const started = Date.now()
  await assert.rejects(pending, (err: unknown) => err instanceof CancelledError)
  assert.ok(Date.now() - started < 2000)
})
