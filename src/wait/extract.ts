// Unpacking the result zip, in this process: yauzl reads the format (and writes nothing), this module
// decides every rule, the same on every system, before anything is written; the entries go into a
// fresh folder that replaces the old one only once the unpack succeeded.
import { mkdir, open, rm, utimes, writeFile } from 'node:fs/promises'
import { dirname, join, parse, sep } from 'node:path'
import { pipeline as chain, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32 } from 'node:zlib'
import type { Entry, ZipFile } from 'yauzl'
import { ActionError, CancelledError, DeadlineError, LocalError } from '../errors.js'
import { oneLine } from '../log.js'
import { decodeName, entryPath } from './entry-name.js'
import { openZip } from './zip-reader.js'
import { DiskFile, moveIntoPlace, stagingFor, tempName } from './staging.js'

const ZIP_MAGIC = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')]

export async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    return bytesRead === 4 && ZIP_MAGIC.some((magic) => magic.equals(head))
  } finally {
    await handle.close()
  }
}

export interface Extracted {
  dir: string
  /** Files written. */
  files: number
  /** Bytes written, all files together. */
  bytes: number
  /** Entries not written because they were links or special files, as paths relative to `dir`. */
  dropped: string[]
}

export interface ExtractOptions {
  /** Where the new folder is unpacked when a rename from there works (off the result's folder). */
  stagingDir: string
  signal?: AbortSignal
  /** Epoch ms (Date.now()): the unpack stops when it runs past it. */
  deadline: number
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
    const written = await unpack(file, staging, options)
    await rm(dir, { recursive: true, force: true }).catch((err) => {
      throw new LocalError('cannot remove the previous result folder', dir, err)
    })
    await moveIntoPlace(staging, dir, 'the unpacked result')
    return { dir, ...written }
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

interface Planned {
  entry: Entry
  /** Relative to the result folder, with `/`: for messages. */
  shown: string
  segments: string[]
}

interface Plan {
  files: Planned[]
  folders: string[][]
  dropped: string[]
}

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const MADE_BY_UNIX = 3
const DOS_DIRECTORY = 0x10

type Kind = 'file' | 'folder' | 'link' | 'special'

/** What an entry is, from its name and the attributes its host system wrote (APPNOTE.TXT 4.4.2, 4.4.15). */
function kindOf(entry: Entry, folderName: boolean): Kind {
  const unixMode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0
  const type = unixMode & S_IFMT
  if (type === S_IFLNK) return 'link'
  if (folderName || type === S_IFDIR || (entry.externalFileAttributes & DOS_DIRECTORY) !== 0) return 'folder'
  if (type === 0 || type === S_IFREG) return 'file'
  return 'special'
}

function refuse(shown: string, why: string): ActionError {
  return new ActionError(`extract: the zip is refused: entry "${oneLine(shown, 300)}" ${why}; nothing was unpacked`)
}

function damaged(why: string, shown?: string): ActionError {
  const where = shown === undefined ? '' : ` (entry "${oneLine(shown, 300)}")`
  return new ActionError(
    `extract: the result file could not be unpacked: a damaged or unsupported zip${where}: ${oneLine(why, 300)}`
  )
}

/**
 * Reads the whole central directory and decides every entry before anything is written: where it
 * goes, or why the zip is refused. Names that would be the same file on a case-insensitive or
 * normalising filesystem (Windows, macOS) collide everywhere, so the folder is the same on all.
 */
async function planEntries(zip: ZipFile, signal: AbortSignal): Promise<Plan> {
  const plan: Plan = { files: [], folders: [], dropped: [] }
  // Collision key (NFC, lower case) -> what holds it, and the name it was first given.
  const taken = new Map<string, { folder: boolean; shown: string }>()
  const claim = (segments: string[], folder: boolean, shown: string): void => {
    for (let depth = 1; depth <= segments.length; depth++) {
      const isFolder = folder || depth < segments.length
      const path = segments.slice(0, depth).join('/')
      const key = path.normalize('NFC').toLowerCase()
      const held = taken.get(key)
      if (held && !(held.folder && isFolder)) {
        throw refuse(shown, `would be the same file as entry "${oneLine(held.shown, 300)}" (${oneLine(path, 300)})`)
      }
      if (!held) taken.set(key, { folder: isFolder, shown })
    }
  }
  for await (const entry of zip.eachEntry()) {
    signal.throwIfAborted()
    const name = decodeName({
      bytes: entry.fileNameRaw,
      flags: entry.generalPurposeBitFlag,
      extraFields: entry.extraFields
    })
    const path = entryPath(name)
    if ('refused' in path) throw refuse(name, path.refused)
    const shown = path.segments.join('/')
    const kind = kindOf(entry, path.folder)
    if (kind === 'link' || kind === 'special') {
      plan.dropped.push(shown || name)
      continue
    }
    if (path.segments.length === 0) {
      if (kind === 'folder') continue
      throw refuse(name, 'has no file name')
    }
    if (kind === 'folder') {
      claim(path.segments, true, name)
      plan.folders.push(path.segments)
    } else {
      if (entry.isEncrypted()) throw damaged('the entry is encrypted', shown)
      claim(path.segments, false, name)
      plan.files.push({ entry, shown, segments: path.segments })
    }
  }
  return plan
}

/** Fails the stream when the bytes do not match the entry's CRC-32, which yauzl does not check. */
function crcCheck(expected: number): Transform {
  let crc = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = crc32(chunk, crc)
      done(null, chunk)
    },
    flush(done: TransformCallback) {
      done(crc === expected >>> 0 ? null : new Error('CRC-32 mismatch: the entry is corrupt'))
    }
  })
}

function inside(root: string, segments: string[]): string {
  const path = join(root, ...segments)
  // The segments are safe by construction; this states the promise where it is kept.
  if (!path.startsWith(root + sep)) throw new ActionError(`extract: ${oneLine(path)} is outside the result folder`)
  return path
}

// Entries up to this size are read whole and written in one call, several at a time: most of a
// result zip's entries are small, and each file costs more in trips through libuv's thread pool
// (open, write, close, set the time) than in bytes.
const SMALL_ENTRY_BYTES = 1024 * 1024
const WRITES_IN_FLIGHT = 8

async function openEntry(zip: ZipFile, item: Planned): Promise<Transform> {
  const source = await zip.openReadStreamPromise(item.entry).catch((err: Error) => {
    throw damaged(err.message, item.shown)
  })
  // One stream of checked bytes: a fault of the zip or of the check fails the stream returned.
  return chain(source, crcCheck(item.entry.crc32), () => undefined)
}

async function setModified(path: string, entry: Entry): Promise<void> {
  const modified = entry.getLastModDate()
  if (!Number.isNaN(modified.getTime())) await utimes(path, modified, modified).catch(() => undefined)
}

/** Writes running at once; the first failure is thrown by the next `within`. */
class Writes {
  private running = new Set<Promise<void>>()
  private failure: { err: unknown } | undefined

  start(write: () => Promise<void>): void {
    const done: Promise<void> = write()
      .catch((err: unknown) => void (this.failure ??= { err }))
      .finally(() => this.running.delete(done))
    this.running.add(done)
  }

  /** Waits until at most `count` writes run; throws the first failure. */
  async within(count: number): Promise<void> {
    while (this.running.size > count) await Promise.race(this.running)
    if (this.failure) throw this.failure.err
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.running)
  }
}

async function unpack(
  file: string,
  root: string,
  options: ExtractOptions
): Promise<{ files: number; bytes: number; dropped: string[] }> {
  const deadline = AbortSignal.timeout(Math.max(0, options.deadline - Date.now()))
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
  let zip: ZipFile | undefined
  let current: string | undefined
  const writes = new Writes()
  try {
    zip = await openZip(file)
    const plan = await planEntries(zip, signal)
    const made = new Set<string>()
    const folder = async (path: string): Promise<void> => {
      if (made.has(path)) return
      await mkdir(path, { recursive: true }).catch((err: unknown) => {
        throw new LocalError('cannot write the unpacked result in', root, err)
      })
      made.add(path)
    }
    for (const segments of plan.folders) await folder(inside(root, segments))
    let bytes = 0
    for (const item of plan.files) {
      signal.throwIfAborted()
      current = item.shown
      const path = inside(root, item.segments)
      await folder(dirname(path))
      if (item.entry.uncompressedSize <= SMALL_ENTRY_BYTES) {
        const data = Buffer.concat(await (await openEntry(zip, item)).toArray())
        writes.start(async () => {
          await writeFile(path, data, { flag: 'wx' }).catch((err: unknown) => {
            throw new LocalError('cannot write the unpacked result in', root, err)
          })
          await setModified(path, item.entry)
        })
        await writes.within(WRITES_IN_FLIGHT - 1)
      } else {
        await writes.within(0)
        await pipeline(await openEntry(zip, item), new DiskFile(path, 'the unpacked result', root), { signal })
        await setModified(path, item.entry)
      }
      bytes += item.entry.uncompressedSize
    }
    await writes.within(0)
    return { files: plan.files.length, bytes, dropped: plan.dropped }
  } catch (err) {
    if (options.signal?.aborted) throw new CancelledError()
    if (deadline.aborted) throw new DeadlineError('timed out while unpacking the result file (timeout)')
    if (err instanceof ActionError) throw err
    throw damaged(err instanceof Error ? err.message : String(err), current)
  } finally {
    // Nothing may still write into the folder once the caller removes it.
    await writes.settled()
    zip?.close()
  }
}
