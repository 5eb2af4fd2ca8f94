// The result file's name comes from a remote server: it is made safe before it touches the disk.
import { parse } from 'content-disposition'
import { BIDI_CONTROLS, charClass, CONTROLS } from '../text.js'

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** The bytes as text in the decoder's encoding; undefined when they are not valid in it. */
export function tryDecode(bytes: Buffer, decoder = UTF8): string | undefined {
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * The file name a `Content-Disposition` header gives (`filename*` of RFC 6266 first, in UTF-8 or
 * ISO-8859-1), read by the `content-disposition` package; undefined when absent or malformed. A
 * plain `filename` sent as raw bytes (Node hands each byte over as one Latin-1 character) is read as
 * UTF-8 when they are valid UTF-8, as curl -J and browsers do, else as Latin-1.
 */
export function dispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined
  // Characters past Latin-1: not as Node hands a header over, so taken as it is.
  const text = /[^\u0000-\u00ff]/.test(header) ? header : (tryDecode(Buffer.from(header, 'latin1')) ?? header)
  try {
    // A `filename*` in a charset the parser does not know gives no name: the URL's is used.
    return parse(text).parameters.filename
  } catch {
    return undefined
  }
}

// Names Windows keeps for devices, with or without an extension (spaces before it too), in any case:
// `nul.zip` and `nul .zip` open NUL.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\..*)?$/i
const UNSAFE_CHARS = charClass([CONTROLS, BIDI_CONTROLS], 'g')
// Keep within the usual 255-byte limit of a name, with room for a temporary suffix.
const MAX_NAME_BYTES = 200

/**
 * One segment of a path (a file or folder name, no separator in it), made valid on Linux, macOS
 * and Windows alike: no control or bidirectional-override characters, none of the characters
 * Windows refuses, no device name, no trailing dot or space, and cut (between characters, never
 * inside one) to a length every filesystem takes. '' when nothing is left.
 */
export function safeSegment(raw: string): string {
  const chars = Array.from(raw.replace(UNSAFE_CHARS, '').replace(/[<>:"|?*/\\]/g, '_'))
  while (chars.length > 0 && Buffer.byteLength(chars.join('')) > MAX_NAME_BYTES) chars.pop()
  let name = chars.join('').replace(/^\s+|[\s.]+$/g, '')
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`
  return name
}

/**
 * A bare file name from a remote server: its last path segment under the rules of `safeSegment`,
 * and no leading dot either (never a hidden file, never one of the step's temporary names).
 */
export function sanitizeFileName(raw: string | undefined, fallback = 'retrain-result'): string {
  const base = raw?.split(/[/\\]/).pop() ?? ''
  const name = safeSegment(base.replace(UNSAFE_CHARS, '').replace(/^[\s.]+/, ''))
  return name === '' ? fallback : name
}

export function resultFileName(contentDisposition: string | undefined, url: URL): string {
  const fromHeader = sanitizeFileName(dispositionName(contentDisposition), '')
  if (fromHeader) return fromHeader
  const segment = url.pathname.split('/').filter(Boolean).pop()
  try {
    return sanitizeFileName(segment && decodeURIComponent(segment))
  } catch {
    return sanitizeFileName(segment) // not valid percent-encoding: as it is
  }
}
