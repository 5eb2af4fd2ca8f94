// The result zip, unpacked in this process: yauzl reads the format, every rule (the same on every system) is checked
// before anything is written, and a fresh folder replaces the old one only once the unpack succeeded.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm, statfs, utimes } from 'node:fs/promises'
import { dirname, join, parse, sep } from 'node:path'
import { pipeline as pipeStreams } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, createInflateRaw } from 'node:zlib'
import type { Entry, ZipFile } from 'yauzl'
import type { Deadline } from '../clock.js'
import { ActionError, CancelledError, DeadlineError, errorMessage, LocalError } from '../errors.js'
import { formatBytes, oneLine } from '../text.js'
import { moveIntoPlace, stagingFor, tempName } from '../disk/staging.js'
import { checkZip, damaged, decide } from './zip-plan.js'
import { openZip } from './zip-reader.js'

// A write stream's buffer: what an entry inflates to goes to the disk in writes of up to 1 MiB, not 16 KiB.
const WRITE_BYTES = 1024 * 1024
const ZIP_MAGIC = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')]

export async function isZip(file: string): Promise<boolean> {
  const head = Buffer.concat(await createReadStream(file, { end: 3 }).toArray())
  return ZIP_MAGIC.some((magic) => magic.equals(head))
}

export interface Extracted {
  dir: string
  files: number
  bytes: number
  /** Entries not written because they were symbolic links, as paths relative to `dir`. */
  dropped: string[]
}

export interface ExtractOptions {
  /** Where the new folder is unpacked when a rename from there works (off the result's folder). */
  stagingDir: string
  signal?: AbortSignal
  /** The unpack stops when it runs past it; so does the move into place. */
  deadline: Deadline
}

/** Unpacks a zip beside itself: `result.zip` into `result/`; a file without an extension into `<name>-extracted/`. */
export async function extractBeside(file: string, options: ExtractOptions): Promise<Extracted> {
  const { name, ext } = parse(file)
  const parent = dirname(file)
  const dir = join(parent, ext ? name : `${name}-extracted`)
  const staging = join(await stagingFor(parent, options.stagingDir), tempName())
  await mkdir(staging).catch((err) => {
    throw new LocalError('cannot create a folder to unpack into:', staging, err)
  })
  try {
    const extracted = await unpack(file, staging, dir, options)
    await rm(dir, { recursive: true, force: true }).catch((err) => {
      throw new LocalError('cannot remove the previous result folder', dir, err)
    })
    await moveIntoPlace(staging, dir, 'the unpacked result', options.deadline)
    return extracted
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

/**
 * An entry's bytes, inflated and checked on the way: never more than it declares, then its size
 * and CRC-32 (which yauzl does not check). Every fault of the zip leaves as an ActionError.
 */
async function* entryBytes(zip: ZipFile, entry: Entry, name: string): AsyncGenerator<Buffer> {
  const declared = entry.uncompressedSize
  try {
    const raw = await zip.openReadStreamPromise(entry, { decodeFileData: false })
    const bytes = entry.compressionMethod === 8 ? pipeStreams(raw, createInflateRaw(), () => undefined) : raw
    let size = 0
    let crc = 0
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > declared) throw new Error(`the entry inflates to more than the ${declared} bytes it declares`)
      crc = crc32(chunk, crc)
      yield chunk
    }
    if (size !== declared) throw new Error(`the entry holds ${size} bytes, not the ${declared} it declares`)
    if (crc !== entry.crc32 >>> 0) throw new Error('CRC-32 mismatch: the entry is corrupt')
  } catch (err) {
    throw damaged(errorMessage(err), name)
  }
}

/**
 * Pass two, once `checkZip` passed: each entry decided again (the same way) and written under `root`;
 * returns how many files. `dir` is the result folder, named in errors.
 */
async function writeEntries(zip: ZipFile, root: string, dir: string, signal: AbortSignal): Promise<number> {
  let files = 0
  for await (const entry of zip.eachEntry()) {
    signal.throwIfAborted()
    const decided = decide(entry)
    if (!decided || decided.kind === 'link') continue
    const path = join(root, ...decided.segments)
    // The segments are safe by construction; this states the promise where it is kept.
    if (!path.startsWith(root + sep)) throw new ActionError(`extract: ${oneLine(path)} is outside the result folder`)
    try {
      await mkdir(decided.kind === 'folder' ? path : dirname(path), { recursive: true })
      if (decided.kind === 'folder') continue
      await pipeline(
        entryBytes(zip, entry, decided.name),
        createWriteStream(path, { flags: 'wx', highWaterMark: WRITE_BYTES }),
        { signal }
      )
    } catch (err) {
      // What is not an ActionError is the disk's fault: the zip's are (see entryBytes).
      throw err instanceof ActionError ? err : new LocalError('cannot write the unpacked result in', dir, err)
    }
    const modified = entry.getLastModDate()
    if (!Number.isNaN(modified.getTime())) await utimes(path, modified, modified).catch(() => undefined)
    files++
  }
  return files
}

/**
 * Refuses, before anything is written, a zip whose files declare more bytes than the filesystem of
 * `root` has free for this user. Where the free space cannot be read, the writes find out.
 */
async function checkRoom(root: string, dir: string, declared: number): Promise<void> {
  const space = await statfs(root).catch(() => undefined)
  const free = space ? space.bavail * space.bsize : Infinity
  if (declared > free) {
    throw new ActionError(
      `extract: the zip declares ${formatBytes(declared)}, and only ${formatBytes(free)} is free in ` +
        `${dirname(dir)}; nothing was unpacked`
    )
  }
}

async function unpack(file: string, root: string, dir: string, options: ExtractOptions): Promise<Extracted> {
  const outOfTime = options.deadline.signal()
  const signal = options.signal ? AbortSignal.any([options.signal, outOfTime]) : outOfTime
  let zip: ZipFile | undefined
  try {
    zip = await openZip(file)
    const { links, bytes } = await checkZip(zip, signal)
    zip.close()
    await checkRoom(root, dir, bytes)
    // The entries are read a second time rather than kept: memory stays small however many there are.
    zip = await openZip(file)
    const files = await writeEntries(zip, root, dir, signal)
    // Each file wrote the bytes it declares (entryBytes checks): they are the bytes checkZip counted.
    return { dir, files, bytes, dropped: links }
  } catch (err) {
    if (options.signal?.aborted) throw new CancelledError()
    if (outOfTime.aborted) throw new DeadlineError('timed out while unpacking the result file (timeout)')
    if (err instanceof ActionError) throw err
    throw damaged(errorMessage(err))
  } finally {
    zip?.close()
  }
}
