// The one place an error becomes a failed step: a signal decides the outcome, whatever the body did.
import assert from 'node:assert/strict'
import { afterEach, expect, test } from '@jest/globals'
import { runCancellable } from '../../src/github/action.js'
import { cancelSignals } from '../../src/signals.js'
import type { Outcome } from '../../src/retrain/step.js'
import { muteStdout } from '../helpers/stdout.js'

muteStdout()

afterEach(() => {
  process.exitCode = undefined
})

async function outcomeOf(
  body: (signal: AbortSignal) => Promise<void>,
  duringFinish?: () => void,
  platform: NodeJS.Platform = process.platform
): Promise<Outcome[]> {
  const seen: Outcome[] = []
  await runCancellable(
    'prediction-one test',
    async ({ signal, onFinish }) => {
      onFinish(async (outcome) => {
        seen.push(outcome)
        duringFinish?.()
      })
      await body(signal)
    },
    platform
  )
  return seen
}

test('work that completes after a signal still counts as cancelled', async () => {
  const seen = await outcomeOf(async () => {
    process.emit('SIGINT')
    // A body that ignores the abort and finishes its work anyway.
    await new Promise((resolve) => setTimeout(resolve, 10))
  })
  expect(seen).toEqual(['cancelled'])
  assert.equal(process.exitCode, 1)
})

test('a signal while the outputs are written: the step still fails as cancelled, the process is not killed', async () => {
  const seen = await outcomeOf(
    async () => undefined,
    // The system's other signal: SIGTERM, or SIGBREAK on Windows (which has no SIGTERM to send).
    () => process.emit(cancelSignals()[1])
  )
  expect(seen).toEqual(['succeeded'])
  assert.equal(process.exitCode, 1)
})

test('no signal: success leaves the exit code alone', async () => {
  const seen = await outcomeOf(async () => undefined)
  expect(seen).toEqual(['succeeded'])
  assert.equal(process.exitCode, undefined)
})

test('on Windows, Ctrl+Break (SIGBREAK) cancels, as the runner sends it after Ctrl+C', async () => {
  const seen = await outcomeOf(
    async (signal) => {
      process.emit('SIGBREAK')
      assert.ok(signal.aborted, 'the work in flight is aborted')
    },
    undefined,
    'win32'
  )
  expect(seen).toEqual(['cancelled'])
  assert.equal(process.exitCode, 1)
})

test('each system gets the signals its runner sends', () => {
  expect(cancelSignals('linux')).toEqual(['SIGINT', 'SIGTERM'])
  expect(cancelSignals('darwin')).toEqual(['SIGINT', 'SIGTERM'])
  expect(cancelSignals('win32')).toEqual(['SIGINT', 'SIGBREAK'])
})
