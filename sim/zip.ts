// A zip writer, byte by byte (APPNOTE.TXT), for the simulator's result files and for tests that need
// the zips real tools write: names as raw bytes with or without the UTF-8 flag, Windows `\` names,
// Unix links and special files, zip64, and damaged ones (sizes or CRC that lie).
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  /** The name as written: text is written as UTF-8, a Buffer as its bytes. */
  name: string | Buffer
  data?: string | Buffer
  /** Sets the UTF-8 flag (general purpose bit 11). */
  utf8?: boolean
  /** A Unix mode (type and permissions): the entry is then "made by" Unix, else by MS-DOS. */
  mode?: number
  /** MS-DOS attributes (0x10: a folder), for entries made by MS-DOS. */
  dosAttributes?: number
  deflate?: boolean
  /** The uncompressed size written, when it must differ from the data's. */
  declaredSize?: number
  /** The CRC-32 written, when it must differ from the data's. */
  crc?: number
  /** Extra fields, as bytes (id, size, data), written in both headers. */
  extra?: Buffer
  /** Data deflated beforehand (a stream too large to hold uncompressed), instead of `data`. */
  deflated?: { bytes: Buffer; size: number; crc: number }
}

export interface BuildOptions {
  /** Write every size and offset in zip64 fields (they are also used past 65,535 entries). */
  zip64?: boolean
}

export const S_IFLNK = 0o120000
export const S_IFREG = 0o100000
export const S_IFIFO = 0o010000
const MADE_BY_UNIX = (3 << 8) | 30
const MADE_BY_DOS = 20
const MAX16 = 0xffff
const MAX32 = 0xffffffff

function zip64Extra(values: number[]): Buffer {
  const field = Buffer.alloc(4 + 8 * values.length)
  field.writeUInt16LE(0x0001, 0)
  field.writeUInt16LE(8 * values.length, 2)
  values.forEach((v, i) => field.writeBigUInt64LE(BigInt(v), 4 + 8 * i))
  return field
}

export function buildZip(entries: ZipEntry[], options: BuildOptions = {}): Buffer {
  const parts: Buffer[] = []
  const centrals: Buffer[] = []
  const deflated = new Map<string | Buffer, Buffer>()
  let offset = 0
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '')
    const method = entry.deflate || entry.deflated ? 8 : 0
    const cacheKey = entry.data ?? ''
    const stored = entry.deflated?.bytes ?? (method === 8 ? (deflated.get(cacheKey) ?? deflateRawSync(data)) : data)
    if (method === 8) deflated.set(cacheKey, stored)
    const name = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name)
    const flags = entry.utf8 ? 0x800 : 0
    const crc = entry.crc ?? entry.deflated?.crc ?? crc32(data)
    const size = entry.declaredSize ?? entry.deflated?.size ?? data.length
    const extra = entry.extra ?? Buffer.alloc(0)
    // Zip64 fields where asked, and where a 32-bit field cannot hold the value.
    const zip64 = options.zip64 || size >= MAX32 || stored.length >= MAX32 || offset >= MAX32
    const localExtra = Buffer.concat([zip64 ? zip64Extra([size, stored.length]) : Buffer.alloc(0), extra])
    const centralExtra = Buffer.concat([zip64 ? zip64Extra([size, stored.length, offset]) : Buffer.alloc(0), extra])

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(zip64 ? 45 : 20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc >>> 0, 14)
    local.writeUInt32LE(zip64 ? MAX32 : stored.length, 18)
    local.writeUInt32LE(zip64 ? MAX32 : size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(localExtra.length, 28)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(entry.mode === undefined ? MADE_BY_DOS : MADE_BY_UNIX, 4)
    central.writeUInt16LE(zip64 ? 45 : 20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc >>> 0, 16)
    central.writeUInt32LE(zip64 ? MAX32 : stored.length, 20)
    central.writeUInt32LE(zip64 ? MAX32 : size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(centralExtra.length, 30)
    const attributes = entry.mode === undefined ? (entry.dosAttributes ?? 0) : (entry.mode << 16) >>> 0
    central.writeUInt32LE(attributes, 38)
    central.writeUInt32LE(zip64 ? MAX32 : offset, 42)

    parts.push(local, name, localExtra, stored)
    centrals.push(central, name, centralExtra)
    offset += local.length + name.length + localExtra.length + stored.length
  }
  const directory = Buffer.concat(centrals)
  const tail: Buffer[] = []
  const needs64 = options.zip64 || entries.length > MAX16 || offset >= MAX32 || directory.length >= MAX32
  if (needs64) {
    const record = Buffer.alloc(56)
    record.writeUInt32LE(0x06064b50, 0)
    record.writeBigUInt64LE(44n, 4)
    record.writeUInt16LE(45, 12)
    record.writeUInt16LE(45, 14)
    record.writeBigUInt64LE(BigInt(entries.length), 24)
    record.writeBigUInt64LE(BigInt(entries.length), 32)
    record.writeBigUInt64LE(BigInt(directory.length), 40)
    record.writeBigUInt64LE(BigInt(offset), 48)
    const locator = Buffer.alloc(20)
    locator.writeUInt32LE(0x07064b50, 0)
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8)
    locator.writeUInt32LE(1, 16)
    tail.push(record, locator)
  }
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(needs64 ? MAX16 : entries.length, 8)
  end.writeUInt16LE(needs64 ? MAX16 : entries.length, 10)
  end.writeUInt32LE(needs64 ? MAX32 : directory.length, 12)
  end.writeUInt32LE(needs64 ? MAX32 : offset, 16)
  return Buffer.concat([...parts, directory, ...tail, end])
}

export interface ZipOptions {
  /** Entries that are symbolic links: name -> target. */
  links?: Record<string, string>
  /** Deflate the entries (a large file of zeros becomes a small zip). */
  deflate?: boolean
}

/** Files (and links, as Info-ZIP writes them: made by Unix, the target as content) as one zip. */
export function makeZip(files: Record<string, string | Buffer>, options: ZipOptions = {}): Buffer {
  return buildZip([
    ...Object.entries(files).map(([name, data]) => ({ name, data, mode: S_IFREG | 0o644, deflate: options.deflate })),
    ...Object.entries(options.links ?? {}).map(([name, target]) => ({ name, data: target, mode: S_IFLNK | 0o777 }))
  ])
}
