// The result file's writer: every byte in order, in few large writes, closed before 'finish'.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, expect, test } from '@jest/globals'
import { BATCH_BYTES, BatchedFile } from '../../src/wait/batched-file.js'

const dir = mkdtempSync(join(tmpdir(), 'batched-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** A real file handle whose writes are counted, and optionally cut short or failed. */
async function handleFor(path: string, change: { shortBy?: number; fail?: Error } = {}) {
  const handle = await open(path, 'wx')
  const seen = { writes: [] as number[], closedBeforeFinish: false, closed: false }
  const fake = {
    async writev(buffers: Buffer[]) {
      if (change.fail) throw change.fail
      const total = buffers.reduce((n, b) => n + b.length, 0)
      seen.writes.push(total)
      if (change.shortBy && seen.writes.length === 1) {
        // The first write stops short of its end, as write(2) may.
        const whole = Buffer.concat(buffers)
        return handle.writev([whole.subarray(0, total - change.shortBy)])
      }
      return handle.writev(buffers)
    },
    async close() {
      seen.closed = true
      return handle.close()
    }
  }
  return { handle: fake as unknown as FileHandle, seen }
}

/** 64 KiB pieces as Node's http gives them, with odd sizes among them. */
function pieces(data: Buffer): Buffer[] {
  const out: Buffer[] = []
  const sizes = [65536, 1, 65536, 17, 4096, 65536, 100_003]
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]
    out.push(data.subarray(offset, offset + size))
    offset += size
  }
  return out
}

test('every byte is written in order, in batches of at least 1 MiB (a few writes, not one per piece)', async () => {
  const data = randomBytes(5 * BATCH_BYTES + 12_345)
  const path = join(dir, 'a')
  const { handle, seen } = await handleFor(path)
  const file = new BatchedFile(handle).on('finish', () => (seen.closedBeforeFinish = seen.closed))
  const input = pieces(data)
  await pipeline(Readable.from(input), file)
  expect(sha(readFileSync(path))).toBe(sha(data))
  expect(input.length).toBeGreaterThan(100)
  expect(seen.writes.length).toBeLessThanOrEqual(6)
  expect(seen.writes.slice(0, -1).every((size) => size >= BATCH_BYTES)).toBe(true)
  // Windows refuses to rename an open file: it is closed before the pipeline ends.
  expect(seen.closedBeforeFinish).toBe(true)
})

test('a small file is written whole at the end', async () => {
  const data = randomBytes(1000)
  const path = join(dir, 'b')
  const { handle, seen } = await handleFor(path)
  await pipeline(Readable.from([data.subarray(0, 10), data.subarray(10)]), new BatchedFile(handle))
  expect(readFileSync(path)).toEqual(data)
  expect(seen.writes).toEqual([1000])
})

test('a short write continues where it stopped', async () => {
  const data = randomBytes(2 * BATCH_BYTES)
  const path = join(dir, 'c')
  const { handle, seen } = await handleFor(path, { shortBy: 70_000 })
  await pipeline(Readable.from(pieces(data)), new BatchedFile(handle))
  expect(sha(readFileSync(path))).toBe(sha(data))
  expect(seen.writes.length).toBeGreaterThan(1)
})

test('a failed write fails the pipeline with the disk error, and the file is closed', async () => {
  const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
  const { handle, seen } = await handleFor(join(dir, 'd'), { fail: full })
  await expect(pipeline(Readable.from(pieces(randomBytes(2 * BATCH_BYTES))), new BatchedFile(handle))).rejects.toBe(
    full
  )
  expect(seen.closed).toBe(true)
})

test('a body that breaks destroys the writer, which closes the file', async () => {
  const { handle, seen } = await handleFor(join(dir, 'e'))
  const broken = new Readable({
    read() {
      this.destroy(new Error('socket hang up'))
    }
  })
  await expect(pipeline(broken, new BatchedFile(handle))).rejects.toThrow('socket hang up')
  expect(seen.closed).toBe(true)
})
