import { afterAll, beforeAll } from '@jest/globals'
import { startSimulator, type Simulator } from '../../sim/simulator.js'

/** One simulator for a test file, with `key` registered, and the wait action's usual inputs. */
export function simulatorFixture(key: string) {
  const fixture = {
    sim: undefined as unknown as Simulator,
    waitInputs: (jobId: string, extra: Record<string, string> = {}): Record<string, string> => ({
      'api-key': key,
      'retrain-job-id': jobId,
      'api-url': fixture.sim.apiUrl,
      'poll-interval': '1s',
      ...extra
    })
  }
  beforeAll(async () => {
    fixture.sim = (await startSimulator()).addKey(key)
  })
  afterAll(() => fixture.sim.close())
  return fixture
}

/** A simulator of a test's own (for faults that must not touch other tests), closed afterwards. */
export async function withSimulator(key: string, body: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = (await startSimulator()).addKey(key)
  try {
    await body(sim)
  } finally {
    await sim.close()
  }
}

/** A fault answering JSON: an object is serialised; a string is sent as written (exact wire text). */
export function jsonAnswer(status: number, body: object | string, headers?: Record<string, string>) {
  return {
    kind: 'http' as const,
    status,
    contentType: 'application/json',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(headers ? { headers } : {})
  }
}
