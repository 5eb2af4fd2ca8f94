// The check before an upload: zips built byte by byte, CSVs in the encodings Japanese tools write.
import assert from 'node:assert/strict'
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync, crc32 } from 'node:zlib'
import { afterAll, describe, expect, test } from '@jest/globals'
import { buildZip, makeZip } from '../../../sim/zip.js'
import { InputError } from '../../../src/errors.js'
import { CHECK_BYTES, checkCsv, checkUpload } from '../../../src/retrain/upload/check.js'

const root = mkdtempSync(join(tmpdir(), 'p1-check-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let count = 0

async function check(name: string, content: Buffer | string) {
  const file = join(root, `${++count}-${name}`)
  writeFileSync(file, content)
  return checkUpload(file, name, statSync(file).size)
}

const csvWarnings = (text: string | Buffer): string[] => checkCsv('t.csv', Buffer.from(text), true)

describe('a CSV: warnings that name the line, never a refusal', () => {
  test.each([
    ['UTF-8', Buffer.from('名前,値\n東京,1\n')],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('名前,値\n東京,1\n')])],
    // 名前,値 / 東京,1 in Shift_JIS (CP932), as Excel on Japanese Windows saves it
    ['Shift_JIS (CP932)', Buffer.from('96bc914f2c926c0d0a938c8b9e2c310d0a', 'hex')],
    ['CRLF line ends', 'a,b\r\n1,2\r\n'],
    ['no line break at the end', 'a,b\n1,2'],
    ['blank lines between rows', 'a,b\n\n1,2\n\n'],
    ['a quoted field holding line breaks and commas', 'a,b,c\n1,"two\nlines, and a comma",3\n4,5,6\n'],
    ['a quote inside an unquoted field', 'a,b\n5" disk,2\n']
  ])('%s: no warning', (_what, content) => {
    expect(csvWarnings(content)).toEqual([])
  })

  test('bytes that are neither UTF-8 nor Shift_JIS: the first line of each that fails', () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0x33, 0x2c, 0xff, 0xfe, 0x0a])])
    expect(csvWarnings(bytes)).toEqual([
      '"t.csv": line 3 is neither UTF-8 nor Shift_JIS (CP932); the API may not read it'
    ])
    // line 2 is Shift_JIS only (東), line 3 UTF-8 only (あ): each alone decodes, together neither does
    const mixed = Buffer.concat([Buffer.from('a,b\n'), Buffer.from('938c2c310a', 'hex'), Buffer.from('あ,2\n')])
    expect(csvWarnings(mixed)).toEqual([
      '"t.csv": line 2 is not UTF-8 and line 3 is not Shift_JIS (CP932); the API may not read it'
    ])
  })

  test('rows of another field count: the line where each starts, counted past the fifth', () => {
    const text = 'a,b,c\n1,"x\ny",3\n4,5\n\n6,7,8,9\n' + '1\n'.repeat(6)
    expect(csvWarnings(text)).toEqual([
      '"t.csv": 8 of 9 rows have another field count than the header\'s 3: line 4 (2), line 6 (4), line 7 (1), ' +
        'line 8 (1), line 9 (1), and 3 more'
    ])
    expect(csvWarnings(text.replaceAll('\n', '\r\n'))[0]).toMatch(/line 4 \(2\), line 6 \(4\), line 7 \(1\)/)
  })

  test('a header with one field too many makes every row odd: the counting stops at 100 (csv-parse makes an error object for each)', () => {
    const text = `a,b,c,\n${'1,2,3\n'.repeat(200_000)}`
    expect(csvWarnings(text)).toEqual([
      '"t.csv": 100 of the first 100 rows have another field count than the header\'s 4: line 2 (3), line 3 (3), ' +
        'line 4 (3), line 5 (3), line 6 (3), and 95 more'
    ])
  })

  test('no header line, a header and no rows, a quote never closed', () => {
    expect(csvWarnings('\n\n')).toEqual(['"t.csv": no header line'])
    expect(csvWarnings('\r\n\r\n')).toEqual(['"t.csv": no header line'])
    expect(csvWarnings('a,b\n')).toEqual(['"t.csv": a header line and no rows'])
    expect(csvWarnings('a,b\n1,2\n3,"open\n4,5\n')).toEqual([
      '"t.csv": line 3 cannot be read as CSV (CSV_QUOTE_NOT_CLOSED)'
    ])
  })

  test('a row cut by the end of what is read is not judged, nor a quote that goes on past it', () => {
    expect(checkCsv('t.csv', Buffer.from('a,b,c\n1,2,3\n4,5'), false)).toEqual([])
    expect(checkCsv('t.csv', Buffer.from('a,b,c\n1,2,3\n4,"long\nfield'), false)).toEqual([])
    // the cut falls inside a Shift_JIS character: 東 is 0x93 0x8C
    expect(checkCsv('t.csv', Buffer.from('612c620a938c2c310a938c', 'hex'), false)).toEqual([])
    expect(checkCsv('t.csv', Buffer.from('a,b,c\n1,2\n4,5'), false)).toEqual([
      '"t.csv": 1 of 1 rows in its first 13 B have another field count than the header\'s 3: line 2 (2)'
    ])
  })

  test('the content of a row never appears in a warning', () => {
    const secret = 'customer-4111111111111111'
    const warnings = csvWarnings(`a,b\n${secret}\n${secret},x,y\n`)
    assert.equal(warnings.length, 1)
    assert.ok(!warnings[0].includes(secret.slice(0, 12)))
  })

  test('a file announced as .csv is read as one', async () => {
    const checked = await check('train.csv', 'a,b\n1,2,3\n')
    expect(checked.warnings).toEqual([
      '"train.csv": 1 of 1 rows have another field count than the header\'s 2: line 2 (3)'
    ])
    expect(checked.csvs).toEqual([{ name: 'train.csv', read: 10, size: 10 }])
  })

  test('a file that is neither .csv nor .zip is not checked, and says so', async () => {
    const checked = await check('train.tsv', 'a\tb\n1\t2\t3\n')
    expect(checked.warnings).toEqual([
      '"train.tsv" is neither .csv nor .zip: not checked (the API tells data by its extension)'
    ])
  })
})

describe('only the first 4 MiB are read', () => {
  const row = '1,2,3\n'
  const rowsOf = (bytes: number): string => row.repeat(Math.floor(bytes / row.length))

  test('a 1 GiB CSV: a bad row in its first 4 MiB warns, one past them is never seen', async () => {
    const file = join(root, 'big.csv')
    const fd = openSync(file, 'w')
    try {
      // Sparse: the rows, then zeros to 1 GiB that the check must never reach.
      writeSync(fd, `a,b,c\n${rowsOf(3 * 1024 * 1024)}1,2\n${rowsOf(2 * 1024 * 1024)}4,5\n`)
    } finally {
      closeSync(fd)
    }
    const { truncateSync } = await import('node:fs')
    truncateSync(file, 1024 ** 3)
    const started = performance.now()
    const checked = await checkUpload(file, 'big.csv', 1024 ** 3)
    const tookMs = performance.now() - started
    expect(checked.csvs).toEqual([{ name: 'big.csv', read: CHECK_BYTES, size: 1024 ** 3 }])
    expect(checked.warnings).toHaveLength(1)
    expect(checked.warnings[0]).toMatch(
      /^"big\.csv": 1 of \d+ rows in its first 4\.0 MiB have another field count than the header's 3: line 524290 \(2\)$/
    )
    console.log(`checked the first 4 MiB of a 1 GiB CSV in ${Math.round(tookMs)} ms`)
  })

  test('a CSV inside a zip is inflated no further than its first 4 MiB', async () => {
    const text = `a,b,c\n${rowsOf(3 * 1024 * 1024)}${rowsOf(60 * 1024 * 1024)}1,2\n`
    const data = Buffer.from(text)
    const bytes = deflateRawSync(data)
    const zip = buildZip([
      { name: 'train_src/train.csv', deflated: { bytes, size: data.length, crc: crc32(data) } },
      { name: 'eval_src/eval.csv', data: 'a,b,c\n1,2,3\n' }
    ])
    const checked = await check('data.zip', zip)
    expect(checked.warnings).toEqual([])
    expect(checked.csvs).toEqual([
      { name: 'train_src/train.csv', read: CHECK_BYTES, size: data.length },
      { name: 'eval_src/eval.csv', read: 12, size: 12 }
    ])
  })
})

describe('a zip: one CSV under train_src/ and one under eval_src/, or refused', () => {
  const good = { 'train_src/train.csv': 'a,b\n1,2\n', 'eval_src/eval.csv': 'a,b\n3,4\n' }

  test.each([
    ['the manual’s layout', makeZip(good, { deflate: true })],
    [
      'folder entries, macOS extras, other files, and a .CSV in capitals',
      buildZip([
        { name: 'train_src/' },
        { name: 'train_src/TRAIN.CSV', data: 'a,b\n1,2\n' },
        { name: 'train_src/notes.txt', data: 'x' },
        { name: 'eval_src/eval.csv', data: 'a,b\n3,4\n' },
        { name: '__MACOSX/train_src/._TRAIN.CSV', data: 'junk' },
        { name: 'eval_src/._eval.csv', data: 'junk' },
        { name: 'README.md', data: 'x' }
      ])
    ],
    [
      'Windows separators',
      buildZip([
        { name: 'train_src\\t.csv', data: 'a\n1\n' },
        { name: 'eval_src\\e.csv', data: 'a\n1\n' }
      ])
    ],
    [
      'Shift_JIS names and content from a Japanese Windows tool',
      buildZip([
        {
          name: Buffer.from('747261696e5f7372632f8a778f4b2e637376', 'hex'),
          data: Buffer.from('96bc914f0a938c0a', 'hex')
        }, // train_src/学習.csv
        { name: 'eval_src/e.csv', data: 'a\n1\n' }
      ])
    ]
  ])('%s: accepted', async (_what, zip) => {
    expect((await check('data.zip', zip)).warnings).toEqual([])
  })

  test.each([
    ['no eval_src/', makeZip({ 'train_src/train.csv': 'a\n1\n' }), /it holds no CSV under eval_src\/;/],
    [
      'neither folder',
      makeZip({ 'train.csv': 'a\n1\n' }),
      /it holds no CSV under train_src\/ and no CSV under eval_src\//
    ],
    [
      'two CSVs under train_src/',
      makeZip({ ...good, 'train_src/more.csv': 'a\n1\n' }),
      /it holds 2 CSVs under train_src\/ \("train_src\/train\.csv", "train_src\/more\.csv"\);/
    ],
    [
      'the folders one level down (a zipped folder)',
      makeZip({ 'data/train_src/t.csv': 'a\n1\n', 'data/eval_src/e.csv': 'a\n1\n' }),
      /no CSV under train_src\/ and no CSV under eval_src\/; "data\/train_src\/t\.csv" and "data\/eval_src\/e\.csv": the two folders must be at the top of the zip/
    ],
    [
      'a CSV one folder too deep',
      makeZip({ 'train_src/x/t.csv': 'a\n1\n', 'eval_src/e.csv': 'a\n1\n' }),
      /no CSV under train_src\//
    ],
    ['an empty zip', buildZip([]), /no CSV under train_src\/ and no CSV under eval_src\//]
  ])('%s', async (_what, zip, message) => {
    const refused = check('data.zip', zip)
    await expect(refused).rejects.toThrow(InputError)
    await expect(refused).rejects.toThrow(
      /^input "file": the zip "data\.zip" must hold one CSV under train_src\/ and one under eval_src\//
    )
    await expect(refused).rejects.toThrow(message)
    await expect(refused).rejects.toThrow(/nothing was uploaded \(input validate: false skips this check\)$/)
  })

  test('a file named .zip that is not a zip is refused', async () => {
    await expect(check('data.zip', 'a,b\n1,2\n')).rejects.toThrow(
      /^input "file": "data\.zip" is named as a zip and is not one \(.+\); nothing was uploaded/
    )
  })

  test('a CSV of the zip with a bad row warns, naming the entry and the line', async () => {
    const checked = await check('data.zip', makeZip({ ...good, 'eval_src/eval.csv': 'a,b\n1,2\n3\n' }))
    expect(checked.warnings).toEqual([
      '"eval_src/eval.csv": 1 of 2 rows have another field count than the header\'s 2: line 3 (1)'
    ])
  })

  test('a damaged entry is refused', async () => {
    const zip = buildZip([
      { name: 'train_src/t.csv', deflated: { bytes: Buffer.from('not deflate data at all'), size: 100, crc: 0 } },
      { name: 'eval_src/e.csv', data: 'a\n1\n' }
    ])
    await expect(check('data.zip', zip)).rejects.toThrow(
      /^input "file": the zip "data\.zip" is damaged: entry "train_src\/t\.csv": /
    )
  })

  test('a stored entry whose sizes disagree (yauzl stops at the directory) is refused as damaged', async () => {
    const zip = buildZip([
      { name: 'train_src/t.csv', data: 'a,b\n1,2\n', declaredSize: 100 },
      { name: 'eval_src/e.csv', data: 'a\n1\n' }
    ])
    await expect(check('data.zip', zip)).rejects.toThrow(
      /^input "file": the zip "data\.zip" is damaged: .*size mismatch.*; nothing was uploaded \(input validate: false/
    )
  })
})

test('a CSV with CR line ends (old Mac Excel) is named by its lines; an unclosed quote is not also "no rows"', () => {
  expect(csvWarnings('a,b\r1,2\r3,4,5\r')).toEqual([
    '"t.csv": 1 of 2 rows have another field count than the header\'s 2: line 3 (3)'
  ])
  const unclosed = csvWarnings('a,b\n1,"never closed\n')
  expect(unclosed).toHaveLength(1)
  assert.match(unclosed[0], /line 2 cannot be read as CSV \(CSV_QUOTE_NOT_CLOSED\)/)
})

test('a CSV with CR line ends, cut at CHECK_BYTES, is checked up to its last CR (not "no line break")', () => {
  expect(checkCsv('t.csv', Buffer.from('a,b\r1,2\r3,4,5\r6,7'), false)).toEqual([
    '"t.csv": 1 of 2 rows in its first 17 B have another field count than the header\'s 2: line 3 (3)'
  ])
})
