// A zip entry's name, as raw bytes from the zip, made into a path inside the result folder that is
// valid on Linux, macOS and Windows alike, or refused. Zip tools disagree on encodings and
// separators; these rules are the same on every system, so one zip gives the same folder everywhere.
import { crc32 } from 'node:zlib'
import type { Entry } from 'yauzl'
import { safeSegment, tryDecode } from '../disk/filename.js'

const UTF8_FLAG = 0x800
// Info-ZIP Unicode Path extra field: a UTF-8 name beside a legacy one, valid while its CRC matches.
const UNICODE_PATH = 0x7075

// The WHATWG "Shift_JIS" decoder is Windows' code page 932, what Japanese Windows zip tools write.
const shiftJis = new TextDecoder('shift_jis', { fatal: true })
// Code page 437, the zip standard's default: the upper half (the lower half is ASCII here).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'

function cp437(bytes: Buffer): string {
  return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80])).join('')
}

/**
 * The entry's name as text: the Info-ZIP Unicode Path field when it is there and current; UTF-8
 * when the entry's UTF-8 flag is set; otherwise UTF-8 when the bytes are valid UTF-8; otherwise
 * Shift_JIS (CP932) when they decode cleanly as such; otherwise CP437 (APPNOTE.TXT 4.4.4, 4.6.9).
 */
export function decodeName(entry: Entry): string {
  const bytes = entry.fileNameRaw
  for (const { id, data } of entry.extraFields) {
    if (id === UNICODE_PATH && data.length >= 5 && data[0] === 1 && data.readUInt32LE(1) === crc32(bytes)) {
      const name = tryDecode(data.subarray(5))
      if (name !== undefined) return name
    }
  }
  if (entry.generalPurposeBitFlag & UTF8_FLAG) return bytes.toString('utf8')
  return tryDecode(bytes) ?? tryDecode(bytes, shiftJis) ?? cp437(bytes)
}

export type EntryPath = { segments: string[]; folder: boolean } | { refused: string }

/**
 * Where a decoded name leads inside the result folder: its segments (each one under the rules of
 * `safeSegment`) and whether the name ends with a separator (a folder). `/` and `\` both separate.
 * An absolute name, a drive letter, or a `..` that climbs out of the folder is refused, with why.
 */
export function entryPath(name: string): EntryPath {
  if (/^[/\\]/.test(name)) return { refused: 'is an absolute path' }
  if (/^[a-z]:/i.test(name)) return { refused: 'starts with a drive letter' }
  const parts = name.split(/[/\\]/)
  const folder = parts.length > 1 && parts[parts.length - 1] === ''
  const segments: string[] = []
  for (const part of parts) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (segments.pop() === undefined) return { refused: 'leads out of the result folder (..)' }
      continue
    }
    segments.push(safeSegment(part) || '_')
  }
  return { segments, folder }
}
