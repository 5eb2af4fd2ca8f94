// What each entry of a result zip is and where it goes, decided for the whole zip before anything
// is written: a zip that breaks a rule is refused whole, naming the entry.
import type { Entry, ZipFile } from 'yauzl'
import { ActionError } from '../errors.js'
import { oneLine } from '../text.js'
import { decodeName, entryPath } from './entry-name.js'

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
const MADE_BY_UNIX = 3
const DOS_DIRECTORY = 0x10
// The longest path macOS takes is 1,024 bytes; the rest is left for the folder the result is in.
const MAX_PATH_BYTES = 800
// A local file header is at least this long (APPNOTE.TXT 4.3.7).
const LOCAL_HEADER_BYTES = 30
const METHOD_NAMES: Record<number, string> = {
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  98: 'PPMd'
}

/** One entry, decided: a file or a folder at `segments` under the result folder, or a link (dropped). */
interface Decided {
  kind: 'file' | 'folder' | 'link'
  /** The name as the zip gives it, decoded: what messages show. */
  name: string
  segments: string[]
}

function refuse(name: string, why: string): ActionError {
  return new ActionError(`extract: the zip is refused: entry "${oneLine(name, 300)}" ${why}; nothing was unpacked`)
}

export function damaged(why: string, name?: string): ActionError {
  const where = name === undefined ? '' : ` (entry "${oneLine(name, 300)}")`
  return new ActionError(
    `extract: the result file could not be unpacked: a damaged or unsupported zip${where}: ${oneLine(why, 300)}`
  )
}

/**
 * What an entry is, from its name and the attributes its host system wrote (APPNOTE.TXT 4.4.2,
 * 4.4.15). Only a link can point elsewhere; an entry marked as a FIFO, device or socket (what
 * `zip -` records for data read from a pipe) is a file of its bytes, never a special file.
 */
function kindOf(entry: Entry, folderName: boolean): Decided['kind'] {
  const unixMode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0
  const type = unixMode & S_IFMT
  if (type === S_IFLNK) return 'link'
  if (folderName || type === S_IFDIR || (entry.externalFileAttributes & DOS_DIRECTORY) !== 0) return 'folder'
  return 'file'
}

/** Where one entry goes; throws the refusal when its name breaks a rule. The same on every pass. */
export function decide(entry: Entry): Decided | undefined {
  const name = decodeName(entry)
  const path = entryPath(name)
  if ('refused' in path) throw refuse(name, path.refused)
  const kind = kindOf(entry, path.folder)
  if (path.segments.length === 0) {
    if (kind === 'folder') return undefined
    throw refuse(name, 'has no file name')
  }
  const bytes = Buffer.byteLength(path.segments.join('/'))
  if (bytes > MAX_PATH_BYTES) throw refuse(name, `leads to a path of ${bytes} bytes, more than ${MAX_PATH_BYTES}`)
  if (kind === 'file') {
    if (entry.isEncrypted()) throw damaged('the entry is encrypted', name)
    const method = entry.compressionMethod
    if (method !== 0 && method !== 8) {
      const known = METHOD_NAMES[method] ? ` (${METHOD_NAMES[method]})` : ''
      throw damaged(`unsupported compression method: ${method}${known}; stored and deflate are read`, name)
    }
  }
  return { kind, name, segments: path.segments }
}

/**
 * The key two paths share when Windows or macOS would take them for the same: Unicode NFC, and case
 * folded one character at a time (`ς` and `σ`, `ſ` and `s` meet; `ß` stays itself, as there).
 */
function collisionKey(path: string): string {
  return Array.from(path.normalize('NFC'), (c) => {
    const upper = c.toUpperCase()
    return Array.from(upper).length === 1 ? upper : c
  })
    .join('')
    .toLowerCase()
}

/**
 * Pass one, over the whole central directory before anything is written: every name (see `decide`),
 * names that would be one file on Windows or macOS, and entries whose data overlap (a zip bomb: one
 * compressed block unpacked many times). Keeps a key and a range per entry, not the entries. Returns
 * the links (not written) and the bytes the files declare (no entry writes more: see entryBytes).
 */
export async function checkZip(zip: ZipFile, signal: AbortSignal): Promise<{ links: string[]; bytes: number }> {
  const links: string[] = []
  let bytes = 0
  const taken = new Map<string, { folder: boolean; name: string }>()
  const ranges: { start: number; end: number; name: string }[] = []
  for await (const entry of zip.eachEntry()) {
    signal.throwIfAborted()
    const decided = decide(entry)
    ranges.push({
      start: entry.relativeOffsetOfLocalHeader,
      end: entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + entry.compressedSize,
      name: decided?.name ?? ''
    })
    if (!decided) continue
    if (decided.kind === 'link') {
      links.push(decided.segments.join('/'))
      continue
    }
    if (decided.kind === 'file') bytes += entry.uncompressedSize
    const { segments } = decided
    for (let depth = 1; depth <= segments.length; depth++) {
      const folder = decided.kind === 'folder' || depth < segments.length
      const path = segments.slice(0, depth).join('/')
      const key = collisionKey(path)
      const held = taken.get(key)
      if (held && !(held.folder && folder)) {
        throw refuse(
          decided.name,
          `would be the same file as entry "${oneLine(held.name, 300)}" (${oneLine(path, 300)})`
        )
      }
      if (!held) taken.set(key, { folder, name: decided.name })
    }
  }
  ranges.sort((a, b) => a.start - b.start)
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].start < ranges[i - 1].end) {
      throw refuse(ranges[i].name, `overlaps entry "${oneLine(ranges[i - 1].name, 300)}" in the zip (a zip bomb)`)
    }
  }
  return { links, bytes }
}
