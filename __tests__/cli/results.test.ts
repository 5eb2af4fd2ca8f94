// The command-line tool's pieces that need no process: flags from the contract, the exit code of
// each ending, the text no CI system obeys, and the three result formats.
import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { ApiError, CancelledError, DeadlineError, HttpError, InputError, JobFailedError } from '../../src/errors.js'
import { exitCodeOf } from '../../src/cli/exit-code.js'
import { flagInputs, parseInvocation, UsageError, variableOf } from '../../src/cli/flags.js'
import { azureVariablesOf, dotenvOf, jsonOf } from '../../src/cli/results.js'
import { neutralise } from '../../src/cli/terminal-host.js'
import { ActionInterface } from '../../src/cli/commands.js'
import { runnerCommands } from '../helpers/commands.js'
import { azureCommands } from '../helpers/tool.js'

test('every input of an action but the key is a flag of its command, and a variable', () => {
  for (const command of ['upload', 'wait', 'switch'] as const) {
    expect(flagInputs(command)).toEqual(ActionInterface[command].inputs.filter((name) => name !== 'api-key'))
  }
  assert.equal(variableOf('retrain-job-id'), 'P1_RETRAIN_JOB_ID')
  const { get } = parseInvocation(['wait', '--timeout', '1m', '--no-wait', '--extract'], {
    P1_TIMEOUT: '5m',
    P1_POLL_INTERVAL: '2s',
    P1_API_KEY: 'k'
  })
  expect(['timeout', 'poll-interval', 'wait', 'download', 'extract', 'api-key'].map(get)).toEqual([
    '1m',
    '2s',
    'false',
    '',
    'true',
    'k'
  ])
  assert.throws(() => parseInvocation(['wait', '--api-key', 'k'], {}), UsageError)
  assert.throws(() => parseInvocation(['switch', '--extract'], {}), /unknown flag --extract/)
  assert.throws(() => parseInvocation(['wait', '--wait', '--no-wait'], {}).get('wait'), /both given/)
})

test('exit codes: one per kind of ending', () => {
  const cases: [unknown, string | undefined, number][] = [
    [undefined, undefined, 0],
    [new JobFailedError('failed'), undefined, 1],
    [new ApiError('4001000204', 'Inactive_credential.', 'hint'), undefined, 1],
    [new HttpError(403, 'storage refused'), undefined, 1],
    [new Error('anything else'), undefined, 1],
    [new InputError('timeout', 'bad'), undefined, 2],
    [new UsageError('unknown flag --x'), undefined, 2],
    [new DeadlineError('timed out'), undefined, 3],
    [new CancelledError(), 'SIGINT', 130],
    [undefined, 'SIGINT', 130],
    [new DeadlineError('timed out'), 'SIGTERM', 143],
    [new CancelledError(), 'SIGBREAK', 143]
  ]
  for (const [failure, signal, code] of cases) assert.equal(exitCodeOf(failure, signal), code, String(failure))
})

test('neutralised text: the same to read, no command for GitHub or Azure', () => {
  const hostile = '::error::x ##vso[task.complete result=Failed]y ##VSO[a.b]z ##[error]w'
  const shown = neutralise(hostile)
  assert.equal(shown.replace(/\u200b/g, ''), hostile)
  assert.deepEqual(runnerCommands(shown), [])
  assert.deepEqual(azureCommands(shown), [])
})

test('JSON: exact values, one line, no ## for an agent to read', () => {
  const message = 'a\n##vso[task.setvariable variable=x]y\u2028z'
  const text = jsonOf({
    outcome: 'failed',
    exitCode: 1,
    error: 'e',
    outputs: { model_id: '12345678901234567890', message }
  })
  assert.equal(text.split('\n').length, 2)
  assert.ok(!text.includes('#') && !text.includes('\u2028'))
  const parsed = JSON.parse(text) as Record<string, unknown>
  assert.equal(parsed.message, message)
  assert.equal(parsed.model_id, '12345678901234567890')
})

test('dotenv: P1_ names, one line a value, unknown values left out, under 5 KB', () => {
  const text = dotenvOf({ status: 'failed', message: 'a\r\nb\rc\u2028d\te', model_id: null })
  assert.equal(text, 'P1_STATUS=failed\nP1_MESSAGE=a b c d\te\n')
  const big = dotenvOf({ status: 'x', message: 'é'.repeat(10_000) })
  assert.ok(Buffer.byteLength(big) < 5000)
  assert.match(big, /^P1_STATUS=x\nP1_MESSAGE=é+… \(\d+ more characters\)\n$/)
})

test('Azure variables: escaped as the agent unescapes them (%, CR, LF), read back exactly', () => {
  const text = azureVariablesOf({ message: '100% a\r\nb;c]d', result_dir: null })
  assert.equal(text, '##vso[task.setvariable variable=P1_MESSAGE;isOutput=true]100%AZP25 a%0D%0Ab;c]d\n')
  expect(azureCommands(text)).toEqual([
    { name: 'task.setvariable', properties: { variable: 'P1_MESSAGE', isOutput: 'true' }, data: '100% a\r\nb;c]d' }
  ])
})
