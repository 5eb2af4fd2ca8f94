// A minimal zip writer for the simulator's result files: stored or deflated entries, and symbolic
// links (as Info-ZIP writes them: Unix "version made by", the link's target as its content).
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipOptions {
  /** Entries that are symbolic links: name -> target. */
  links?: Record<string, string>
  /** Deflate the entries (a large file of zeros becomes a small zip). */
  deflate?: boolean
}

const S_IFLNK = 0o120000
const S_IFREG = 0o100000
const MADE_BY_UNIX = (3 << 8) | 30

export function makeZip(files: Record<string, string | Buffer>, options: ZipOptions = {}): Buffer {
  const entries = [
    ...Object.entries(files).map(([name, content]) => ({ name, data: Buffer.from(content), mode: S_IFREG | 0o644 })),
    ...Object.entries(options.links ?? {}).map(([name, target]) => ({
      name,
      data: Buffer.from(target),
      mode: S_IFLNK | 0o777
    }))
  ]
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  const deflated = new Map<Buffer, Buffer>()
  let offset = 0
  for (const { name, data, mode } of entries) {
    const method = options.deflate && mode & S_IFREG ? 8 : 0
    const stored = method === 8 ? (deflated.get(data) ?? deflateRawSync(data)) : data
    deflated.set(data, stored)
    const nameBytes = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(MADE_BY_UNIX, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE((mode << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, stored)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + stored.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
