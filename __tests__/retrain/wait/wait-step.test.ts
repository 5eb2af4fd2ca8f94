import assert from 'node:assert/strict'
import { test } from '@jest/globals'
import { reminder } from '../../../src/retrain/wait/progress.js'

test('a reminder is due at most once per interval since the last line printed', () => {
  const quiet = reminder(300_000)
  assert.equal(quiet.due(60_000), false)
  assert.equal(quiet.due(300_000), true)
  quiet.printed(300_000)
  assert.equal(quiet.due(420_000), false)
  quiet.printed(500_000) // a status change printed a line
  assert.equal(quiet.due(700_000), false)
  assert.equal(quiet.due(800_000), true)
})
