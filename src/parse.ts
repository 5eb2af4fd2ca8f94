import { InputError } from './errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A bare number is seconds; otherwise `<number><unit>` groups: `90`, `90s`, `15m`, `1h30m`, `500ms`. */
export function parseDuration(name: string, raw: string): number {
  const text = raw.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const group = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy
  let total = 0
  let consumed = 0
  for (const match of text.matchAll(group)) {
    total += Number(match[1]) * UNIT_MS[match[2]]
    consumed += match[0].length
  }
  if (text === '' || consumed !== text.length) {
    throw new InputError(
      name,
      `"${raw}" is not a duration: use seconds (90) or number-unit groups with ms, s, m or h (90s, 15m, 1h30m)`
    )
  }
  return Math.round(total)
}

// The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

export function parseBoolean(name: string, raw: string): boolean {
  const text = raw.trim()
  if (TRUE.includes(text)) return true
  if (FALSE.includes(text)) return false
  throw new InputError(name, `"${raw}" is not a boolean: use true or false`)
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** `localhost`, `127.x.x.x` and `::1`: the only hosts plain http is accepted for. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** https anywhere, http only on a loopback host; anything else is refused. */
export function isAllowedUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true
  return url.protocol === 'http:' && isLoopbackHost(url.hostname)
}
