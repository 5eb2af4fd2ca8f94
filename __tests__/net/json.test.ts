import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { asText, parseJson } from '../../src/net/json.js'

test('numbers keep the text the API wrote; other non-strings are no text', () => {
  const body = parseJson(
    '{"a":12345678901234567890,"b":1e3,"c":1.50,"d":-0,"e":true,"f":null,"g":{"x":1},"h":"s"}'
  ) as Record<string, unknown>
  expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => asText(body[k]))).toEqual([
    '12345678901234567890',
    '1e3',
    '1.50',
    '-0',
    undefined,
    undefined,
    undefined,
    's'
  ])
  assert.equal(parseJson('not json'), undefined)
})

test("Python's NaN, Infinity and -Infinity outside strings are read as null; inside strings they stay as written", () => {
  expect(parseJson('[NaN, Infinity, -Infinity, "NaN", "a \\"Infinity\\" b", "\\\\", -Infinity]')).toEqual([
    null,
    null,
    null,
    'NaN',
    'a "Infinity" b',
    '\\',
    null
  ])
  const status = parseJson('{"status": NaN}') as Record<string, unknown>
  assert.equal(asText(status.status), undefined, 'a status that is NaN is no text')
  assert.equal(parseJson('[NaNa]'), undefined)
  assert.equal(parseJson('[Infinityx]'), undefined)
})
