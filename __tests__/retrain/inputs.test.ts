import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { actionPlaces, parseBoolean, parseDuration } from '../../src/retrain/inputs.js'
import { switchStep } from '../../src/retrain/switch/switch-step.js'
import { readUploadInputs } from '../../src/retrain/upload/upload-inputs.js'
import { readWaitInputs } from '../../src/retrain/wait/wait-inputs.js'

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = { 'api-key': 'k', 'retrain-job-id': 'job 1' }

test('wait inputs: defaults', () => {
  const inputs = readWaitInputs(getter(base), actionPlaces({ RUNNER_TEMP: '/rt' }))
  assert.equal(inputs.apiUrl.href, 'https://developer-api.predictionone.sony.biz/')
  assert.equal(inputs.timeoutMs, 1_800_000)
  assert.equal(inputs.pollIntervalMs, 30_000)
  assert.equal(inputs.requestTimeoutMs, 30_000)
  assert.equal(inputs.wait, true)
  assert.equal(inputs.download, true)
  assert.equal(inputs.extract, false)
  assert.equal(inputs.downloadDir, join('/rt', 'prediction-one', 'job 1'))
})

test('wait inputs: a relative download-dir is under the workspace; a hostile job id cannot climb out', () => {
  assert.equal(
    readWaitInputs(getter({ ...base, 'download-dir': 'out' }), actionPlaces({ GITHUB_WORKSPACE: '/ws' })).downloadDir,
    resolve('/ws', 'out')
  )
  const climbing = readWaitInputs(
    getter({ ...base, 'retrain-job-id': '../../etc' }),
    actionPlaces({ RUNNER_TEMP: '/rt' })
  )
  assert.equal(climbing.downloadDir, join('/rt', 'prediction-one', 'etc'))
})

test('each input error names its input, before any request', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'retrain-job-id': 'j' }, /input "api-key": is required/],
    [{ 'retrain-job-id': 'j' }, /input "api-key": .*secret.*pull request from a fork.*environment.*misspelt/],
    [{ 'api-key': 'k' }, /input "retrain-job-id": is required/],
    [{ ...base, 'api-key': 'abc\ndef' }, /input "api-key": holds a line break/],
    [{ ...base, 'api-key': 'abc\r\nX-Evil: 1' }, /input "api-key": holds a line break/],
    [{ ...base, 'retrain-job-id': '..' }, /input "retrain-job-id": "\.\." is not a job id: .*path/],
    [{ ...base, 'retrain-job-id': '.' }, /input "retrain-job-id": "\." is not a job id: .*path/],
    [{ ...base, 'api-url': 'http://developer-api.predictionone.sony.biz' }, /input "api-url": must be https/],
    [{ ...base, 'api-url': 'file:///etc/passwd' }, /input "api-url": must be https/],
    [{ ...base, 'api-url': 'not a url' }, /input "api-url": "not a url" is not a URL/],
    [
      { ...base, 'api-url': 'developer-api.predictionone.sony.biz' },
      /input "api-url": "developer-api\.predictionone\.sony\.biz" has no scheme: write https:\/\/developer-api\.predictionone\.sony\.biz/
    ],
    [
      { ...base, 'api-url': 'localhost:8080' },
      /input "api-url": "localhost:8080" has no scheme: write https:\/\/localhost:8080/
    ],
    [{ ...base, 'api-url': 'https://u:p@host.test' }, /input "api-url": must not hold credentials/],
    [{ ...base, timeout: '10 minutes' }, /input "timeout": "10 minutes" is not a duration/],
    [{ ...base, timeout: '100h' }, /input "timeout": must be at most 72h$/],
    [{ ...base, 'poll-interval': '500ms' }, /input "poll-interval": must be at least 1s$/],
    [{ ...base, 'request-timeout': '11m' }, /input "request-timeout": must be at most 10m$/],
    [{ ...base, 'request-timeout': '0.5s' }, /input "request-timeout": must be at least 1s$/],
    [{ ...base, 'request-timeout': '0' }, /input "request-timeout": must be at least/],
    [{ ...base, wait: 'yes' }, /input "wait": "yes" is not a boolean/],
    [{ ...base, download: 'maybe' }, /input "download"/],
    [{ ...base, extract: '1' }, /input "extract"/]
  ]
  for (const [values, expected] of cases)
    assert.throws(() => readWaitInputs(getter(values), actionPlaces({})), expected)
})

test('upload inputs: the file must exist, be readable and not empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p1-inputs-'))
  writeFileSync(join(dir, 'train.csv'), 'a,b\n1,2\n')
  writeFileSync(join(dir, 'empty.csv'), '')
  const env = actionPlaces({ GITHUB_WORKSPACE: dir })
  const ok = readUploadInputs(getter({ 'api-key': 'k', file: 'train.csv' }), env)
  assert.equal(ok.file, join(dir, 'train.csv'))
  assert.equal(ok.filename, 'train.csv')
  assert.equal(ok.size, 8)
  assert.equal(
    readUploadInputs(getter({ 'api-key': 'k', file: 'train.csv', filename: 'data.zip' }), env).filename,
    'data.zip'
  )
  assert.throws(
    () => readUploadInputs(getter({ 'api-key': 'k', file: 'missing.csv' }), env),
    /input "file": .*no such file/
  )
  assert.throws(() => readUploadInputs(getter({ 'api-key': 'k', file: 'empty.csv' }), env), /input "file": .* is empty/)
  assert.throws(() => readUploadInputs(getter({ 'api-key': 'k', file: '.' }), env), /input "file": .* is not a file/)
  assert.throws(() => readUploadInputs(getter({ 'api-key': 'k' }), env), /input "file": is required/)
  assert.throws(
    () => readUploadInputs(getter({ 'api-key': 'k', file: 'train.csv', filename: '../x.csv' }), env),
    /input "filename"/
  )
  assert.equal(ok.validate, true, 'the check is on by default')
  assert.equal(readUploadInputs(getter({ 'api-key': 'k', file: 'train.csv', validate: 'false' }), env).validate, false)
  assert.throws(
    () => readUploadInputs(getter({ 'api-key': 'k', file: 'train.csv', validate: 'no' }), env),
    /input "validate"/
  )
})

test('switch inputs', () => {
  assert.equal(switchStep.readInputs(getter(base)).jobId, 'job 1')
  // The switch's timeout: 5 minutes unless given, read as every duration is.
  assert.equal(switchStep.readInputs(getter(base)).timeoutMs, 300_000)
  assert.equal(switchStep.readInputs(getter({ ...base, timeout: '90s' })).timeoutMs, 90_000)
  assert.throws(() => switchStep.readInputs(getter({ ...base, timeout: 'soon' })), /input "timeout"/)
  assert.throws(() => switchStep.readInputs(getter({ 'api-key': 'k' })), /input "retrain-job-id"/)
})

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
    assert.throws(
      () => parseDuration('poll-interval', raw),
      (err: unknown) => {
        assert.ok(err instanceof InputError, raw)
        assert.equal(err.input, 'poll-interval')
        assert.match(err.message, /input "poll-interval"/)
        return true
      }
    )
  }
})

test('booleans: YAML core schema words only', () => {
  for (const raw of ['true', 'True', 'TRUE']) assert.equal(parseBoolean('wait', raw), true)
  for (const raw of ['false', 'False', 'FALSE']) assert.equal(parseBoolean('wait', raw), false)
  for (const raw of ['yes', '1', 'on', 'tru', '']) assert.throws(() => parseBoolean('wait', raw), /input "wait"/)
})
