// The result file's name comes from a remote server: it is made safe before it touches the disk.

const FALLBACK_RESULT_NAME = 'retrain-result'

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The file name a `Content-Disposition` header gives, `filename*` (RFC 6266) first. */
export function dispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended) return decode(extended[2].trim().replace(/^"|"$/g, ''))
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header)
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1')
  const token = /filename\s*=\s*([^;\s]+)/i.exec(header)
  return token ? token[1] : undefined
}

/** A bare file name: no directory part, no control characters, nothing a filesystem refuses. */
export function sanitizeFileName(raw: string | undefined, fallback = FALLBACK_RESULT_NAME): string {
  if (!raw) return fallback
  const base = raw.split(/[/\\]/).pop() ?? ''
  let name = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
  // Keep within the usual 255-byte limit of a name, with room for a temporary suffix.
  while (Buffer.byteLength(name) > 200) name = name.slice(0, -1)
  return name === '' ? fallback : name
}

export function resultFileName(contentDisposition: string | undefined, url: URL): string {
  const fromHeader = dispositionName(contentDisposition)
  if (fromHeader && sanitizeFileName(fromHeader, '') !== '') return sanitizeFileName(fromHeader)
  const segment = url.pathname.split('/').filter(Boolean).pop()
  return sanitizeFileName(segment ? decode(segment) : undefined)
}
