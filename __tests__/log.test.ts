// Untrusted text on its way to the log: redacted before it is cut, one line, never a command.
import assert from 'node:assert/strict'
import { afterEach, expect, test } from '@jest/globals'
import { workflowHost } from '../src/github/workflow-host.js'
import { useHost } from '../src/host.js'
import { info } from '../src/log.js'
import { addSecret, addSignedUrl, clearSecrets, redact } from '../src/secrets.js'
import { clip, oneLine } from '../src/text.js'
import { runnerCommands } from './helpers/commands.js'
import { printed } from './helpers/stdout.js'

// The lines as the GitHub adapter prints them.
useHost(workflowHost)

afterEach(() => clearSecrets())

test('secrets are redacted before the cut: no part of a key survives a cut through it', () => {
  const key = 'k3y-0123456789abcdef0123'
  printed(() => addSecret(key))
  const line = oneLine(`${'x'.repeat(190)}${key}${'y'.repeat(50)}`, 200)
  assert.equal(line, `${'x'.repeat(190)}***${'y'.repeat(7)}… (43 more characters)`)
  // A part of the key (an API echoing a prefix) is redacted too.
  assert.equal(redact(`prefix ${key.slice(0, 14)} only`), 'prefix *** only')
})

test('a signed URL: whole, its query, and its signature alone, as sent or decoded', () => {
  printed(() => addSignedUrl('https://s.example/r.zip?X-Signature=ab%2Fcd0123456789&Expires=60'))
  assert.equal(redact('see https://s.example/r.zip?X-Signature=ab%2Fcd0123456789&Expires=60'), 'see ***')
  assert.equal(redact('sig ab/cd0123456789'), 'sig ***')
  assert.equal(redact('sig ab%2Fcd0123456789'), 'sig ***')
  assert.equal(redact('https://s.example/other.zip is fine'), 'https://s.example/other.zip is fine')
})

test('every kind of line break and control character is shown, not obeyed', () => {
  assert.equal(oneLine('a\nb\r\nc\rd\u2028e\u0085f\u001b[31mg\th'), 'a\\nb\\r\\nc\\rd\\u2028e\\u0085f\\u001b[31mg\th')
})

test('a cut never splits a character', () => {
  assert.equal(clip('ab😀cd', 3), 'ab… (4 more characters)')
})

test('a line that could be a command is printed between stop-commands and a random resume token', () => {
  const out = printed(() => info('job says ::set-output name=x::y ##[set-output name=z;]w'))
  expect(runnerCommands(out).map((c) => c.name)).toEqual(['stop-commands'])
  assert.match(
    out,
    /^::stop-commands::([0-9a-f-]{36})\njob says ::set-output name=x::y ##\[set-output name=z;\]w\n::\1::\n$/
  )
  assert.equal(
    printed(() => info('plain text')),
    'plain text\n'
  )
})

test('a log line shows controls, line separators and bidirectional overrides as escapes; tab stays', () => {
  assert.equal(
    oneLine('a\tb\u001bc\u0085d\u2028e\u202Efexe.zip\u2066'),
    'a\tb\\u001bc\\u0085d\\u2028e\\u202efexe.zip\\u2066'
  )
})
