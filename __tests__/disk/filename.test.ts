import assert from 'node:assert/strict'
import { test } from '@jest/globals'
import { dispositionName, resultFileName, sanitizeFileName } from '../../src/disk/filename.js'

test('Content-Disposition: filename*, quoted and bare', () => {
  assert.equal(dispositionName(`attachment; filename*=UTF-8''r%C3%A9sultat%20final.zip`), 'résultat final.zip')
  assert.equal(dispositionName('attachment; filename="result \\"v2\\".zip"'), 'result "v2".zip')
  assert.equal(dispositionName('attachment; filename=result.zip; size=3'), 'result.zip')
  assert.equal(dispositionName('inline'), undefined)
})

test('hostile names never leave the directory', () => {
  const hostile = [
    '../../x',
    '/etc/passwd',
    '..\\..\\windows\\x.dll',
    'a\u0000b.zip',
    '..',
    '.',
    '...',
    '/',
    'C:\\x\\y.zip',
    ' .. '
  ]
  for (const raw of hostile) {
    const name = sanitizeFileName(raw)
    assert.ok(
      !name.includes('/') && !name.includes('\\') && !name.includes('\u0000'),
      `${JSON.stringify(raw)} -> ${name}`
    )
    assert.ok(name !== '.' && name !== '..' && name !== '', `${JSON.stringify(raw)} -> ${name}`)
  }
  assert.equal(sanitizeFileName('../../x'), 'x')
  assert.equal(sanitizeFileName('/etc/passwd'), 'passwd')
  assert.equal(sanitizeFileName('a\u0000b.zip'), 'ab.zip')
  assert.equal(sanitizeFileName('..'), 'retrain-result')
  assert.ok(Buffer.byteLength(sanitizeFileName('x'.repeat(1000))) <= 200)
})

test('names valid on Windows too: device names, refused characters, trailing dots and spaces', () => {
  const cases: [string, string][] = [
    ['CON', '_CON'],
    ['nul.zip', '_nul.zip'],
    ['Com1.txt', '_Com1.txt'],
    ['lpt9', '_lpt9'],
    ['nul .txt', '_nul .txt'],
    ['aux.tar.gz', '_aux.tar.gz'],
    ['console.zip', 'console.zip'],
    ['a<b>c:d"e|f?g*h.zip', 'a_b_c_d_e_f_g_h.zip'],
    ['result.zip. . ', 'result.zip'],
    ['result.zip...', 'result.zip']
  ]
  for (const [raw, expected] of cases) assert.equal(sanitizeFileName(raw), expected, raw)
})

test('a cut to the maximum length never splits a character', () => {
  // 4-byte emoji (a surrogate pair in JavaScript) and 2-byte letters across the 200-byte limit.
  for (const raw of ['😀'.repeat(80), `x${'é'.repeat(150)}`, `ab${'😀'.repeat(60)}.zip`]) {
    const name = sanitizeFileName(raw)
    assert.ok(Buffer.byteLength(name) <= 200, raw)
    assert.ok(name.isWellFormed(), `${raw} was cut inside a character`)
    assert.ok(raw.startsWith(name), 'a prefix of the name, cut between characters')
  }
})

test('the header first, then the URL path, then a fixed name', () => {
  const url = new URL('https://s.test/results/job/metrics%20v1.zip?sig=abc')
  assert.equal(resultFileName('attachment; filename="../../evil.zip"', url), 'evil.zip')
  assert.equal(resultFileName(undefined, url), 'metrics v1.zip')
  assert.equal(resultFileName('attachment; filename=".."', url), 'metrics v1.zip')
  assert.equal(resultFileName(undefined, new URL('https://s.test/')), 'retrain-result')
})

test('bidirectional overrides and isolates are removed: a name shows what it is', () => {
  assert.equal(sanitizeFileName('a\u202Eexe.zip'), 'aexe.zip')
  assert.equal(sanitizeFileName('\u2066report\u2069.csv'), 'report.csv')
  assert.equal(sanitizeFileName('\u202Enul'), '_nul')
})

test('Content-Disposition, crafted: a parameter ending in filename is not the name; ISO-8859-1 is decoded', () => {
  assert.equal(dispositionName('attachment; xfilename="a.zip"; filename="b.zip"'), 'b.zip')
  assert.equal(dispositionName('xfilename="a.zip"; filename="b.zip"'), 'b.zip')
  assert.equal(dispositionName(`attachment; filename*=ISO-8859-1''r%E9sultat.zip`), 'résultat.zip')
  assert.equal(dispositionName(`attachment; filename="plain.zip"; filename*=UTF-8''%E2%82%AC.zip`), '€.zip')
  const url = new URL('https://s.test/results/metrics.zip?sig=abc')
  for (const malformed of ['attachment; filename="unterminated.zip', `attachment; filename*=KOI8-R''%C1.zip`]) {
    assert.equal(resultFileName(malformed, url), 'metrics.zip', malformed)
  }
})

test('a leading dot is removed: never a hidden file, never a name shaped like the step’s own partial files', () => {
  const cases: [string, string][] = [
    ['.bashrc', 'bashrc'],
    ['.git', 'git'],
    ['...x', 'x'],
    [' .profile', 'profile'],
    ['.prediction-one-0123456789abcdef.partial', 'prediction-one-0123456789abcdef.partial'],
    ['results/.hidden.zip', 'hidden.zip']
  ]
  for (const [raw, expected] of cases) assert.equal(sanitizeFileName(raw), expected, raw)
  const url = new URL('https://s.test/results/.result.zip?sig=abc')
  assert.equal(resultFileName('attachment; filename=".bashrc"', url), 'bashrc')
  assert.equal(resultFileName(undefined, url), 'result.zip')
})
