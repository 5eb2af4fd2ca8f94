import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InputError } from '../../src/errors.js'
import { isAllowedUrl, isLoopbackHost, parseBoolean, parseDuration } from '../../src/parse.js'
import { formatDuration } from '../../src/format.js'

test('durations: bare seconds and unit groups', () => {
  const cases: [string, number][] = [
    ['90', 90_000],
    ['1.5', 1500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    [' 2h ', 7_200_000],
    ['1h0m5s250ms', 3_605_250]
  ]
  for (const [raw, ms] of cases) assert.equal(parseDuration('timeout', raw), ms, raw)
})

test('durations: anything else is an input error naming the input', () => {
  for (const raw of ['', 'abc', '10x', '1 h', '-5', 'm', '5m junk', '1h-30m', '1d']) {
    assert.throws(() => parseDuration('poll-interval', raw), (err: unknown) => {
      assert.ok(err instanceof InputError, raw)
      assert.equal(err.input, 'poll-interval')
      assert.match(err.message, /input "poll-interval"/)
      return true
    })
  }
})

test('booleans: YAML core schema words only', () => {
  for (const raw of ['true', 'True', 'TRUE']) assert.equal(parseBoolean('wait', raw), true)
  for (const raw of ['false', 'False', 'FALSE']) assert.equal(parseBoolean('wait', raw), false)
  for (const raw of ['yes', '1', 'on', 'tru', '']) assert.throws(() => parseBoolean('wait', raw), /input "wait"/)
})

test('loopback hosts and allowed URLs', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHost(host), host)
  for (const host of ['example.com', '10.0.0.1', '127.0.0.1.nip.io', '0.0.0.0']) assert.ok(!isLoopbackHost(host), host)
  assert.ok(isAllowedUrl(new URL('https://developer-api.predictionone.sony.biz')))
  assert.ok(isAllowedUrl(new URL('http://127.0.0.2:8080/x')))
  assert.ok(!isAllowedUrl(new URL('http://developer-api.predictionone.sony.biz')))
  assert.ok(!isAllowedUrl(new URL('file:///etc/passwd')))
  assert.ok(!isAllowedUrl(new URL('ftp://127.0.0.1/x')))
})

test('durations print the way users write them', () => {
  assert.equal(formatDuration(0), '0ms')
  assert.equal(formatDuration(1000), '1s')
  assert.equal(formatDuration(95_000), '1m35s')
  assert.equal(formatDuration(1_800_000), '30m')
  assert.equal(formatDuration(5_400_000), '1h30m')
})
