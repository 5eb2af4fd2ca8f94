import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { decodeErrorFields, documentedError } from '../../src/retrain/documented.js'
import { ApiError } from '../../src/errors.js'

const DOCUMENTED = [
  ['invalid_api_key.', /does not exist/],
  ['Inactive_credential.', /inactive/],
  ['Not_found_credential.', /not found/],
  ['Not found retrain job.', /retrain job id is wrong/],
  ['This job may be deleted.', /may have been deleted/],
  ['This user may be deleted.', /user .* may have been deleted/],
  ['This model may be deleted.', /model .* may have been deleted/],
  ['Not found classifier.', /prediction API .* deleted/],
  ['Retrain job is not finished.', /wait for it first/]
] as const

const shapes: [string, (f: object) => unknown][] = [
  ['top level', (f) => f],
  ['one level down, an object', (f) => ({ detail: f })],
  ['one level down, an array', (f) => ({ errors: [f, { message: 'second' }] })],
  ['a top-level array', (f) => [f]]
]

test('each documented error is recognised, code a number or a string, in every shape', () => {
  for (const [message, cause] of DOCUMENTED) {
    for (const code of [4001000204, '4001000204']) {
      for (const [shape, wrap] of shapes) {
        const err = documentedError(wrap({ code, error: 'PREDA_EXTERNAL_BAD_REQUEST', message }))
        assert.ok(err instanceof ApiError, `${message} / ${typeof code} / ${shape}`)
        assert.equal(err.code, '4001000204')
        assert.equal(err.apiMessage, message)
        assert.match(err.message, cause, `${message}: a plain cause`)
        assert.ok(err.message.includes(message), "the API's own text is kept")
      }
    }
  }
})

test('the configuration error has its own code', () => {
  const err = documentedError({
    code: '5001000201',
    error: 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR',
    message: 'Not found configuration_file.'
  })
  assert.ok(err)
  assert.equal(err.code, '5001000201')
  assert.match(err.message, /no retrain configuration/)
})

test('a documented message is recognised even without a code', () => {
  assert.ok(documentedError({ message: 'Not found retrain job.' }))
  assert.ok(documentedError({ message: '  not found retrain job.  ' }))
})

test("a documented code with an unknown message still counts as the API's error", () => {
  const err = documentedError({ code: 4001000204, message: 'Something new.' })
  assert.ok(err)
  assert.match(err.message, /Something new\./)
})

test('gateway bodies and status bodies are not documented errors', () => {
  assert.equal(documentedError({ message: 'Forbidden' }), undefined)
  assert.equal(documentedError({ status: 'running', metadata: { retrain_job_id: 'x' } }), undefined)
  assert.equal(documentedError('<html>502</html>'), undefined)
  assert.equal(documentedError(null), undefined)
  assert.equal(documentedError([]), undefined)
})

test('a gateway wrapper beside a nested documented error: the documented one wins', () => {
  const err = documentedError({ message: 'Bad Request', body: { code: 4001000204, message: 'invalid_api_key.' } })
  assert.ok(err)
  assert.equal(err.apiMessage, 'invalid_api_key.')
})

test('decodeErrorFields reads the first element of arrays and stringifies codes', () => {
  expect(decodeErrorFields([{ code: 5, message: 'm' }])).toEqual({ code: '5', error: undefined, message: 'm' })
  expect(decodeErrorFields({ errors: [{ error: 'E' }] })).toEqual({ code: undefined, error: 'E', message: undefined })
  assert.equal(decodeErrorFields({ nothing: 1 }), undefined)
})

test("a message that names an object's own property (constructor, toString) is not a documented error", () => {
  for (const message of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.equal(documentedError({ message }), undefined, message)
    const err = documentedError({ code: 4001000204, message })
    assert.ok(err instanceof ApiError, message)
    assert.doesNotMatch(err.message, /native code|function/, message)
  }
})
