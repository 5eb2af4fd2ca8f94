import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { useHost } from '../../../src/host.js'
import { progressLog } from '../../../src/retrain/wait/wait-step.js'

test('a reminder is due at most once per interval since the last line printed', () => {
  const lines: string[] = []
  useHost({
    log: (level, line) => {
      if (level === 'info') lines.push(line)
    },
    secret: () => undefined
  })
  const onCheck = progressLog('j')
  assert.ok(onCheck)
  /** Whether a check at `elapsedMs` that saw no new status printed a reminder. */
  const due = (elapsedMs: number): boolean => {
    const before = lines.length
    onCheck({ status: 'running' }, 2, elapsedMs, false)
    return lines.length > before
  }
  assert.equal(due(60_000), false)
  assert.equal(due(300_000), true)
  assert.equal(due(420_000), false)
  onCheck({ status: 'training', message: 'step 2' }, 3, 500_000, true) // a status change prints a line
  assert.equal(due(700_000), false)
  assert.equal(due(800_000), true)
  expect(lines).toEqual([
    '[5m] retrain job j is still "running" (2 checks)',
    '[8m20s] retrain job j is "training": step 2',
    '[13m20s] retrain job j is still "running" (2 checks)'
  ])
})
