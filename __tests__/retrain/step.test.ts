// How a step runs, for every front door: a signal decides the outcome, whatever the work did; the
// GitHub adapter's door fails the step (exit code 1) on any outcome but success.
import assert from 'node:assert/strict'
import { afterEach, expect, test } from '@jest/globals'
import { actionDoor } from '../../src/github/action.js'
import { cancelSignals, runStep, type Outcome } from '../../src/retrain/step.js'
import { muteStdout } from '../helpers/stdout.js'

muteStdout()

afterEach(() => {
  process.exitCode = undefined
})

/** Runs `work` as a step through the GitHub door; the outcome each report saw. */
async function outcomeOf(
  work: (signal: AbortSignal) => Promise<void>,
  duringReport?: () => void,
  platform: NodeJS.Platform = process.platform
): Promise<Outcome[]> {
  const seen: Outcome[] = []
  const door = actionDoor('prediction-one test', platform)
  await runStep(
    {
      name: 'prediction-one test',
      readInputs: () => ({}),
      initialState: () => ({}),
      perform: (_inputs, _state, signal) => work(signal),
      outputs: () => ({}),
      summary: () => ({ title: 'test', rows: [] })
    },
    {
      ...door,
      report: async (end) => {
        seen.push(end.outcome)
        duringReport?.()
        await door.report(end)
      }
    }
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
