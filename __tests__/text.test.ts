import assert from 'node:assert/strict'
import { test } from '@jest/globals'
import { formatDuration } from '../src/text.js'

test('durations print the way users write them', () => {
  assert.equal(formatDuration(0), '0ms')
  assert.equal(formatDuration(1000), '1s')
  assert.equal(formatDuration(95_000), '1m35s')
  assert.equal(formatDuration(1_800_000), '30m')
  assert.equal(formatDuration(5_400_000), '1h30m')
})
