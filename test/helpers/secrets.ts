import assert from 'node:assert/strict'
import type { Simulator } from '../../sim/simulator.js'
import { visibleText, type ActionRun } from './action.js'

/** The signed URLs the simulator handed out: credentials that must never be shown. */
export function signedUrls(sim: Simulator): string[] {
  const urls: string[] = []
  for (const request of sim.seen('storage')) urls.push(`${sim.storageUrl}${request.path}`)
  return urls
}

/** The key is masked before anything else is printed, and no secret shows anywhere unmasked. */
export function assertNoSecrets(run: ActionRun, key: string, sim?: Simulator): void {
  const first = run.stdout.split('\n')[0]
  assert.equal(first, `::add-mask::${key}`, 'the API key is masked before anything else is printed')
  const text = visibleText(run)
  assert.ok(!text.includes(key), 'the API key appears in a log line, output or summary')
  for (const url of sim ? signedUrls(sim) : []) {
    const signature = new URL(url).searchParams.get('X-Signature') ?? url
    assert.ok(!text.includes(signature), `a signed URL's signature appears in a log line, output or summary`)
    assert.ok(!text.includes(new URL(url).pathname), `a signed URL's path appears in a log line, output or summary`)
  }
}
