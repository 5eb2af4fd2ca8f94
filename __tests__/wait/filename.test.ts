import assert from 'node:assert/strict'
import { test } from '@jest/globals'
import { dispositionName, resultFileName, sanitizeFileName } from '../../src/wait/filename.js'

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

test('the header first, then the URL path, then a fixed name', () => {
  const url = new URL('https://s.test/results/job/metrics%20v1.zip?sig=abc')
  assert.equal(resultFileName('attachment; filename="../../evil.zip"', url), 'evil.zip')
  assert.equal(resultFileName(undefined, url), 'metrics v1.zip')
  assert.equal(resultFileName('attachment; filename=".."', url), 'metrics v1.zip')
  assert.equal(resultFileName(undefined, new URL('https://s.test/')), 'retrain-result')
})
