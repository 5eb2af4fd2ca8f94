// A full disk, for real: a 1 MiB tmpfs mounted for the test (root on Linux). The download and the
// unpack fail with what happened and leave nothing behind; a zip that declares more than the free
// space is refused before anything is written.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { buildZip, type ZipEntry } from '../../sim/zip.js'
import { ActionError, LocalError } from '../../src/errors.js'
import { downloadResult } from '../../src/retrain/wait/download.js'
import { extractBeside } from '../../src/unzip/extract.js'
import { Deadline } from '../../src/clock.js'
import { FakeClock } from '../helpers/clock.js'
import { serve, type TestServer } from '../helpers/server.js'
import { skipIf } from '../helpers/skip.js'
import { muteStdout } from '../helpers/stdout.js'

muteStdout()

const root = mkdtempSync(join(tmpdir(), 'p1-disk-full-'))
const TMPFS_BYTES = 1024 * 1024

/** Mounts a fresh tmpfs of `TMPFS_BYTES` at a new folder; the reason it cannot, where it cannot. */
function mountTmpfs(): string {
  const dir = mkdtempSync(join(root, 'tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'ignore' })
  return dir
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' })
  rmSync(dir, { recursive: true, force: true })
}

function whyNoTmpfs(): string | undefined {
  if (process.platform !== 'linux') return `a tmpfs is mounted on Linux only, and this is ${process.platform}`
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root'
  try {
    unmount(mountTmpfs())
    return undefined
  } catch (err) {
    return `mount -t tmpfs failed here (${(err as Error).message.split('\n')[0]})`
  }
}

const noTmpfs = whyNoTmpfs()
const tmpfsTest = skipIf(noTmpfs !== undefined, noTmpfs ?? '', test)

const mounted: string[] = []
afterAll(() => {
  for (const dir of mounted) unmount(dir)
  rmSync(root, { recursive: true, force: true })
})
function tmpfs(): string {
  const dir = mountTmpfs()
  mounted.push(dir)
  return dir
}

// Outside the tmpfs: a rename from there into it does not work, so work is staged in the tmpfs.
const stagingDir = join(root, 'staging')

const RESULT = Buffer.alloc(2 * TMPFS_BYTES, 7)
let storage: TestServer
beforeAll(async () => {
  storage = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': String(RESULT.length) })
    res.end(RESULT)
  })
})
afterAll(() => storage.close())

tmpfsTest('a download larger than the disk fails as a full disk, and leaves no partial file', async () => {
  const dir = tmpfs()
  const clock = new FakeClock()
  const download = downloadResult({
    url: `${storage.url}/results/job/result.zip`,
    dir,
    stagingDir,
    requestTimeoutMs: 5000,
    deadline: Deadline.after(60_000, clock)
  })
  await expect(download).rejects.toThrow(LocalError)
  await expect(download).rejects.toThrow(/^cannot write the result file in .+: the disk is full \(ENOSPC\)$/)
  expect(readdirSync(dir)).toEqual([])
  expect(clock.sleeps).toEqual([])
})

/** Writes the zip into a fresh tmpfs and unpacks it there. */
function unpackOnTmpfs(entries: ZipEntry[]) {
  const parent = tmpfs()
  writeFileSync(join(parent, 'result.zip'), buildZip(entries))
  return { parent, run: extractBeside(join(parent, 'result.zip'), { stagingDir, deadline: Deadline.after(60_000) }) }
}

tmpfsTest('an unpack that fills the disk fails as a full disk, and leaves no folder', async () => {
  // 300 files of 2,000 bytes declare 600,000 bytes, which fit; each takes a 4 KiB page, which do not.
  const { parent, run } = unpackOnTmpfs(
    Array.from({ length: 300 }, (_, i) => ({ name: `d/f${i}.csv`, data: 'x'.repeat(2000), deflate: true }))
  )
  await expect(run).rejects.toThrow(LocalError)
  await expect(run).rejects.toThrow(/^cannot write the unpacked result in .+: the disk is full \(ENOSPC\)$/)
  expect(readdirSync(parent)).toEqual(['result.zip'])
})

tmpfsTest('a zip that declares more than the free space is refused before anything is written', async () => {
  // 2 MiB of zeros deflate to a few KiB: the zip fits, its contents do not.
  const { parent, run } = unpackOnTmpfs([
    { name: 'a.csv', data: 'a,b\n1,2\n' },
    { name: 'zeros.bin', data: Buffer.alloc(2 * TMPFS_BYTES), deflate: true }
  ])
  const { bavail, bsize } = statfsSync(parent)
  assert.ok(bavail * bsize < TMPFS_BYTES)
  await expect(run).rejects.toThrow(ActionError)
  await expect(run).rejects.toThrow(
    `extract: the zip declares 2.0 MiB, and only ${((bavail * bsize) / 1024).toFixed(1)} KiB is free in ${parent}; nothing was unpacked`
  )
  expect(readdirSync(parent)).toEqual(['result.zip'])
})

test('a zip that declares more than any disk holds is refused, wherever the test runs', async () => {
  const parent = mkdtempSync(join(root, 'huge-'))
  mkdirSync(stagingDir, { recursive: true })
  const data = Buffer.from('a,b\n1,2\n')
  // The data are 8 bytes; the entry says 1 PiB, in zip64 fields. Nothing is inflated to find out.
  writeFileSync(join(parent, 'result.zip'), buildZip([{ name: 'big.csv', data, deflate: true, declaredSize: 2 ** 50 }]))
  const run = extractBeside(join(parent, 'result.zip'), { stagingDir, deadline: Deadline.after(60_000) })
  await expect(run).rejects.toThrow(
    /^extract: the zip declares 1024\.0 TiB, and only .+ is free in .+; nothing was unpacked$/
  )
  expect(readdirSync(parent)).toEqual(['result.zip'])
  expect(readdirSync(stagingDir)).toEqual([])
})
