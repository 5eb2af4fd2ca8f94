// The API client against real servers on 127.0.0.1, answering as gateways and Python services do:
// a byte order mark, Python's NaN and Infinity, a 204 or an empty 2xx.
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, expect, test } from '@jest/globals'
import { ApiClient } from '../../src/api/client.js'
import { FakeClock } from '../helpers/clock.js'
import { serve, type TestServer } from '../helpers/server.js'

const servers: TestServer[] = []
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())))

async function api(
  handler: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ client: ApiClient; server: TestServer; clock: FakeClock }> {
  const server = await serve(handler)
  servers.push(server)
  const clock = new FakeClock()
  const client = new ApiClient({ apiUrl: new URL(server.url), apiKey: 'k', requestTimeoutMs: 5000, clock })
  return { client, server, clock }
}

const json = (res: ServerResponse, body: string | Buffer, status = 200): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(body)

test('a status answer that starts with a UTF-8 byte order mark is read, at the first request', async () => {
  const { client, server, clock } = await api((_req, res) =>
    json(res, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"status":"job_finished","model_id":7}')]))
  )
  const job = await client.getStatus('j', clock.time + 60_000)
  expect(job).toMatchObject({ status: 'job_finished', modelId: '7' })
  assert.equal(server.requests.length, 1)
})

test("JSON as Python's json.dumps writes it: NaN and Infinity in a field not used are read as null; used fields keep their rules", async () => {
  const body =
    '{"status": "job_finished", "model_id": 12345678901234567890, "message": "NaN, Infinity and -Infinity stay text",' +
    ' "metrics": {"auc": NaN, "rmse": Infinity, "gain": -Infinity, "list": [NaN,-Infinity]}}'
  const { client, server, clock } = await api((_req, res) => json(res, body))
  const job = await client.getStatus('j', clock.time + 60_000)
  expect(job).toEqual({
    status: 'job_finished',
    modelId: '12345678901234567890',
    message: 'NaN, Infinity and -Infinity stay text',
    downloadUrl: undefined
  })
  assert.equal(server.requests.length, 1)
})
