// The in-process unpack, on zips built byte by byte as real tools write them.
import assert from 'node:assert/strict'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { crc32, createDeflateRaw } from 'node:zlib'
import { afterAll, describe, expect, test } from '@jest/globals'
import { buildZip, S_IFIFO, S_IFLNK, S_IFREG, type BuildOptions, type ZipEntry } from '../../sim/zip.js'
import { Deadline } from '../../src/clock.js'
import { CancelledError, DeadlineError } from '../../src/errors.js'
import { extractBeside, type ExtractOptions } from '../../src/unzip/extract.js'
import { skipIf, underWine } from '../helpers/skip.js'

const root = mkdtempSync(join(tmpdir(), 'p1-extract-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let count = 0

/** Writes the zip as `<fresh folder>/result.zip` and unpacks it; the folder is returned too. */
async function unpack(zip: Buffer, options: Partial<ExtractOptions> = {}) {
  const parent = join(root, String(++count))
  mkdirSync(parent)
  const file = join(parent, 'result.zip')
  writeFileSync(file, zip)
  const staging = join(root, 'staging')
  const run = extractBeside(file, { stagingDir: staging, deadline: Deadline.after(60_000), ...options })
  return { parent, run, staging }
}

async function unpacked(entries: ZipEntry[], options?: BuildOptions) {
  const { run } = await unpack(buildZip(entries, options))
  return run
}

/** Every path under `dir`, relative, with `/`, folders ending in `/`, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map(
      (d) =>
        join(d.parentPath, d.name)
          .slice(dir.length + 1)
          .replaceAll('\\', '/') + (d.isDirectory() ? '/' : '')
    )
    .sort()
}

const hex = (text: string): Buffer => Buffer.from(text, 'hex')

describe('names, as each zip tool writes them', () => {
  test('a zip made on Windows (Compress-Archive, .NET ZipFile): `\\` separates folders', async () => {
    const { dir } = await unpacked([
      { name: 'train\\a.csv', data: 'a', dosAttributes: 0x20 },
      { name: 'train\\sub\\', dosAttributes: 0x10 },
      { name: 'train\\sub\\b.csv', data: 'b', deflate: true }
    ])
    expect(tree(dir)).toEqual(['train/', 'train/a.csv', 'train/sub/', 'train/sub/b.csv'])
    assert.equal(readFileSync(join(dir, 'train', 'sub', 'b.csv'), 'utf8'), 'b')
  })

  test('an empty zip (22 bytes, no entries) gives an empty folder', async () => {
    const zip = buildZip([])
    assert.equal(zip.length, 22)
    const result = await (await unpack(zip)).run
    expect(readdirSync(result.dir)).toEqual([])
    assert.equal(result.files, 0)
  })

  test('UTF-8 names without the UTF-8 flag (macOS Archive Utility, many libraries)', async () => {
    const { dir } = await unpacked([{ name: Buffer.from('データ/結果 é.csv'), data: 'x' }])
    expect(tree(dir)).toEqual(['データ/', 'データ/結果 é.csv'])
  })

  test('UTF-8 names with the flag', async () => {
    const { dir } = await unpacked([{ name: 'résumé.csv', utf8: true, data: 'x' }])
    expect(tree(dir)).toEqual(['résumé.csv'])
  })

  test('Shift_JIS (CP932) names from a Japanese Windows tool, a 0x5C trail byte kept inside its character', async () => {
    const { dir } = await unpacked([
      { name: hex('955d89bf8c8b89ca2e637376'), data: '評価' }, // 評価結果.csv
      { name: hex('975c91aa5c'), dosAttributes: 0x10 }, // 予測\ : 予 is 0x97 0x5C
      { name: hex('975c91aa5c955c8ea62e637376'), data: '表' } // 予測\表示.csv : 表 is 0x95 0x5C
    ])
    expect(tree(dir)).toEqual(['予測/', '予測/表示.csv', '評価結果.csv'])
    assert.equal(readFileSync(join(dir, '予測', '表示.csv'), 'utf8'), '表')
  })

  test('CP437 names, the zip standard default, when neither UTF-8 nor Shift_JIS', async () => {
    const { dir } = await unpacked([{ name: hex('63616682206d656e812e747874'), data: 'x' }])
    expect(tree(dir)).toEqual(['café menü.txt'])
  })

  test('the Info-ZIP Unicode Path field wins over a legacy name while its CRC matches', async () => {
    const legacy = Buffer.from('r?sultat.csv')
    const unicode = Buffer.from('résultat.csv')
    const field = (crc: number): Buffer => {
      const data = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), unicode])
      data.writeUInt32LE(crc, 1)
      const head = Buffer.alloc(4)
      head.writeUInt16LE(0x7075, 0)
      head.writeUInt16LE(data.length, 2)
      return Buffer.concat([head, data])
    }
    const { dir } = await unpacked([
      { name: legacy, extra: field(crc32(legacy)), data: 'x' },
      { name: 'stale.csv', extra: field(12345), data: 'y' }
    ])
    expect(tree(dir)).toEqual(['résultat.csv', 'stale.csv'])
  })

  test('every segment is valid on Windows, macOS and Linux alike', async () => {
    const { dir } = await unpacked([
      { name: 'a\u202Eexe.zip', data: '1' },
      { name: 'CON/nul.txt', data: '2' },
      { name: 'dots.../x. ', data: '3' },
      { name: 'a<b>:c|d?.csv', data: '4' },
      { name: 'tab\tand\u0007bell.csv', data: '5' },
      { name: './here/./it.csv', data: '6' },
      { name: 'up/../down.csv', data: '7' }
    ])
    expect(tree(dir)).toEqual([
      '_CON/',
      '_CON/_nul.txt',
      'a_b__c_d_.csv',
      'aexe.zip',
      'dots/',
      'dots/x',
      'down.csv',
      'here/',
      'here/it.csv',
      'tabandbell.csv'
    ])
  })
})

describe('refused before anything is written, naming the entry', () => {
  const cases: [string, ZipEntry[], RegExp][] = [
    [
      'a ../ that climbs out',
      [{ name: 'ok.txt' }, { name: '../escape.txt' }],
      /"\.\.\/escape\.txt" leads out of the result folder/
    ],
    ['a ..\\ that climbs out', [{ name: 'a\\..\\..\\escape.txt' }], /"a\\\.\.\\\.\.\\escape\.txt" leads out/],
    ['an absolute name', [{ name: '/etc/cron.d/x' }], /"\/etc\/cron\.d\/x" is an absolute path/],
    ['a Windows absolute name', [{ name: '\\\\server\\share\\x' }], /is an absolute path/],
    ['a drive letter', [{ name: 'C:\\Windows\\x.dll' }], /"C:\\Windows\\x\.dll" starts with a drive letter/],
    [
      'names that differ only by case',
      [{ name: 'Data.csv' }, { name: 'data.csv' }],
      /"data\.csv" would be the same file as entry "Data\.csv"/
    ],
    [
      'names equal once made safe',
      [{ name: 'ab:c' }, { name: 'ab_c' }],
      /"ab_c" would be the same file as entry "ab:c"/
    ],
    ['NFC and NFD spellings', [{ name: 'e\u0301.csv' }, { name: '\u00e9.csv' }], /would be the same file/],
    [
      'a file where a folder is needed',
      [{ name: 'a' }, { name: 'a/b.csv' }],
      /"a\/b\.csv" would be the same file as entry "a"/
    ],
    [
      'a folder where a file is',
      [{ name: 'a/b.csv' }, { name: 'a' }],
      /"a" would be the same file as entry "a\/b\.csv"/
    ],
    ['the same name twice', [{ name: 'x.csv' }, { name: 'x.csv' }], /would be the same file/],
    [
      'final and medial sigma, which Windows and macOS fold alike',
      [{ name: 'ς.txt' }, { name: 'σ.txt' }],
      /"σ\.txt" would be the same file as entry "ς\.txt"/
    ],
    ['long s and s', [{ name: 'ſ.txt' }, { name: 'S.txt' }], /would be the same file/],
    [
      'a path longer than macOS takes',
      [{ name: `${'d'.repeat(150)}/`.repeat(6) + 'x.csv' }],
      /leads to a path of 911 bytes, more than 800/
    ]
  ]
  for (const [what, entries, message] of cases) {
    test(what, async () => {
      const { parent, run, staging } = await unpack(buildZip([...entries.map((e) => ({ data: 'x', ...e }))]))
      await expect(run).rejects.toThrow(message)
      await expect(run).rejects.toThrow(/the zip is refused/)
      expect(readdirSync(parent)).toEqual(['result.zip'])
      expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([])
      assert.ok(!existsSync(join(root, 'escape.txt')))
    })
  }
})

test('ß and ss are two names, as on Windows and macOS', async () => {
  const { dir } = await unpacked([
    { name: 'ß.txt', data: '1' },
    { name: 'ss.txt', data: '2' }
  ])
  expect(tree(dir)).toEqual(['ss.txt', 'ß.txt'])
})

test('entries whose data overlap (one compressed block unpacked many times: a zip bomb) are refused', async () => {
  const zip = buildZip([
    { name: 'a.bin', data: Buffer.alloc(100_000), deflate: true },
    { name: 'b.bin', data: 'b' }
  ])
  // Point the second central directory entry at the first entry's local header.
  const second = zip.lastIndexOf(Buffer.from('PK\u0001\u0002'))
  zip.writeUInt32LE(0, second + 42)
  const { parent, run } = await unpack(zip)
  await expect(run).rejects.toThrow(
    /the zip is refused: entry "(a|b)\.bin" overlaps entry "(a|b)\.bin" in the zip \(a zip bomb\)/
  )
  expect(readdirSync(parent)).toEqual(['result.zip'])
})

describe('links are never created', () => {
  test('symbolic links are dropped and named; a FIFO entry (zip - reading a pipe) is a file of its bytes', async () => {
    const result = await unpacked([
      { name: 'metrics.json', data: '{}', mode: S_IFREG | 0o644 },
      { name: 'passwd', data: '/etc/passwd', mode: S_IFLNK | 0o777 },
      { name: 'sub/up', data: '../../..', mode: S_IFLNK | 0o777 },
      { name: '-', data: 'from stdin', mode: S_IFIFO | 0o600 }
    ])
    expect(tree(result.dir)).toEqual(['-', 'metrics.json'])
    assert.ok(lstatSync(join(result.dir, '-')).isFile())
    assert.equal(readFileSync(join(result.dir, '-'), 'utf8'), 'from stdin')
    expect(result.dropped).toEqual(['passwd', 'sub/up'])
  })
})

describe('a damaged zip fails with what is wrong, and leaves no half folder', () => {
  const data = Buffer.alloc(100_000, 'a')
  const cases: [string, Buffer, RegExp][] = [
    [
      'an entry that inflates past its declared size',
      buildZip([{ name: 'bomb.bin', data, deflate: true, declaredSize: 10 }]),
      /"bomb\.bin".*inflates to more than the 10 bytes it declares/
    ],
    [
      'an entry whose bytes do not match its CRC-32',
      buildZip([{ name: 'x.csv', data: 'abc', crc: 1 }]),
      /"x\.csv".*CRC-32 mismatch/
    ],
    ['a cut-off zip', buildZip([{ name: 'x.csv', data }]).subarray(0, 5000), /could not be unpacked/],
    [
      'an unsupported compression method',
      (() => {
        const zip = buildZip([{ name: 'x.csv', data: 'abc' }])
        zip.writeUInt16LE(14, 8) // local header: LZMA
        zip.writeUInt16LE(14, zip.indexOf(Buffer.from('PK\u0001\u0002')) + 10)
        return zip
      })(),
      /"x\.csv".*unsupported compression method: 14/
    ]
  ]
  for (const [what, zip, message] of cases) {
    test(what, async () => {
      const { parent, run } = await unpack(zip)
      await expect(run).rejects.toThrow(message)
      await expect(run).rejects.toThrow(/could not be unpacked/)
      expect(readdirSync(parent)).toEqual(['result.zip'])
    })
  }

  test('a failed unpack leaves the folder of an earlier run as it was', async () => {
    const { parent, run } = await unpack(buildZip([{ name: '../x' }]))
    await expect(run).rejects.toThrow(/refused/)
    mkdirSync(join(parent, 'result'))
    writeFileSync(join(parent, 'result', 'last-week.csv'), 'old')
    const again = extractBeside(join(parent, 'result.zip'), {
      stagingDir: join(root, 'staging'),
      deadline: Deadline.after(60_000)
    })
    await expect(again).rejects.toThrow(/refused/)
    expect(readdirSync(join(parent, 'result'))).toEqual(['last-week.csv'])
  })
})

// Under Wine every file is made through its one wineserver: 70,000 took three minutes (Linux: seconds).
const manyFilesTest = skipIf(underWine, 'under Wine, 70,000 files take minutes', test)

describe('size', () => {
  // Tens of thousands of files take a while on a busy machine's disk: the time is the bench's to judge.
  manyFilesTest(
    '70,000 entries (zip64 end of central directory)',
    async () => {
      const entries: ZipEntry[] = Array.from({ length: 70_000 }, (_, i) => ({
        name: `d${i % 100}/f${i}.txt`,
        data: `${i}`
      }))
      const result = await (await unpack(buildZip(entries), { deadline: Deadline.after(280_000) })).run
      assert.equal(result.files, 70_000)
      assert.equal(readdirSync(join(result.dir, 'd7')).length, 700)
      assert.equal(readFileSync(join(result.dir, 'd7', 'f69907.txt'), 'utf8'), '69907')
      rmSync(result.dir, { recursive: true })
    },
    300_000
  )

  test('entries whose sizes and offsets are in zip64 fields', async () => {
    const result = await unpacked(
      [
        { name: 'a.csv', data: 'first' },
        { name: 'b.bin', data: Buffer.alloc(300_000, 1), deflate: true }
      ],
      { zip64: true }
    )
    expect(tree(result.dir)).toEqual(['a.csv', 'b.bin'])
    assert.equal(result.bytes, 300_005)
  })
})

describe('cancel and deadline stop the unpack within an entry', () => {
  // 2 GiB of zeros deflate to about 2 MiB, deflated as a stream; unpacking them takes seconds.
  async function big(): Promise<Buffer> {
    const deflate = createDeflateRaw()
    const chunks: Buffer[] = []
    deflate.on('data', (chunk: Buffer) => chunks.push(chunk))
    const zeros = Buffer.alloc(1024 * 1024)
    let crc = 0
    for (let i = 0; i < 2048; i++) {
      crc = crc32(zeros, crc)
      if (!deflate.write(zeros)) await once(deflate, 'drain')
    }
    deflate.end()
    await once(deflate, 'end')
    const bytes = Buffer.concat(chunks)
    return buildZip([{ name: 'big.bin', deflated: { bytes, size: 2048 * zeros.length, crc } }, { name: 'after.csv' }])
  }
  let zip: Buffer | undefined

  for (const how of ['cancel', 'deadline'] as const) {
    test(how, async () => {
      zip ??= await big()
      const controller = new AbortController()
      const started = Date.now()
      const { parent, run, staging } = await unpack(
        zip,
        how === 'cancel' ? { signal: controller.signal } : { deadline: Deadline.after(300) }
      )
      if (how === 'cancel') setTimeout(() => controller.abort(), 300)
      await expect(run).rejects.toBeInstanceOf(how === 'cancel' ? CancelledError : DeadlineError)
      const tookMs = Date.now() - started - 300
      assert.ok(tookMs < 1000, `stopped ${tookMs} ms after the ${how}`)
      expect(readdirSync(parent)).toEqual(['result.zip'])
      expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([])
    })
  }
})
