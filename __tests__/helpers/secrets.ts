import assert from 'node:assert/strict'
import type { Simulator } from '../../sim/simulator.js'
import { visibleText, type ActionRun } from '../../sim/runner.js'
import { assertOnlyOwnCommands } from './commands.js'

/** No run of `size` characters of `secret` in `text`: a cut secret is still a leak. */
export function assertNoPart(text: string, secret: string, what: string, size = 12): void {
  for (let i = 0; i + size <= secret.length; i++) {
    const part = secret.slice(i, i + size)
    assert.ok(!text.includes(part), `${what}: "${part}", part of a secret, is shown`)
  }
}

/** The signed URLs the simulator's storage host was called with, under a path prefix. */
export function signedUrls(sim: Simulator, pathPrefix = '/'): string[] {
  return sim.seen('storage', pathPrefix).map((request) => `${sim.storageUrl}${request.path}`)
}

/**
 * The key is masked before anything else is printed; every signed URL used was registered as a
 * secret; and neither the key nor any part of a signed URL shows unmasked anywhere.
 */
export function assertNoSecrets(run: ActionRun, key: string, sim?: Simulator, pathPrefix?: string): void {
  const first = run.stdout.split('\n')[0]
  assert.equal(first, `::add-mask::${key}`, 'the API key is masked before anything else is printed')
  const text = visibleText(run)
  assertNoPart(text, key, 'the API key appears in a log line, output or summary')
  assertOnlyOwnCommands(run.stdout)
  for (const url of sim ? signedUrls(sim, pathPrefix) : []) {
    assert.ok(run.stdout.includes(`::add-mask::${url}\n`), 'a signed URL is registered as a secret')
    const signature = new URL(url).searchParams.get('X-Signature') ?? url
    assert.ok(!text.includes(signature), `a signed URL's signature appears in a log line, output or summary`)
    assert.ok(!text.includes(new URL(url).pathname), `a signed URL's path appears in a log line, output or summary`)
  }
}
