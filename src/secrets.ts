// Every secret this run knows, for our own redaction of untrusted text: a CI system's mask only
// matches a secret printed whole, and text cut mid-secret would slip past it.
import { host } from './host.js'

const secrets = new Set<string>()
/** Secrets this long or longer are also redacted in part: any run of this many of their characters. */
const PART = 12
const parts = new Set<string>()

const REDACTED = '***'

/**
 * Registers a secret with our own redaction and with the host. `inPart`: also any run of PART of its
 * characters (for random values: a key, a signature; not a whole URL, whose host and path would match
 * harmless text).
 */
export function addSecret(value: string | undefined, inPart = true): void {
  if (!value || secrets.has(value)) return
  host().secret(value)
  secrets.add(value)
  if (!inPart || value.length < PART) return
  for (let i = 0; i + PART <= value.length; i++) parts.add(value.slice(i, i + PART))
}

/**
 * A signed URL is a credential: registered whole, with its query, and with each long query value
 * (a signature on its own) as sent and as decoded.
 */
export function addSignedUrl(raw: string | undefined): void {
  if (!raw || raw.length < 8) return
  addSecret(raw, false)
  const url = URL.parse(raw)
  if (!url) return
  if (url.href !== raw) addSecret(url.href, false)
  if (url.search.length > 8) addSecret(url.search.slice(1), false)
  for (const piece of url.search.slice(1).split('&')) {
    const value = piece.slice(piece.indexOf('=') + 1)
    if (value.length < 8) continue
    addSecret(value)
    try {
      addSecret(decodeURIComponent(value.replace(/\+/g, ' ')))
    } catch {
      // not percent-encoded text: registered as sent
    }
  }
}

/** The text with every registered secret, whole or any part of PART characters, replaced by ***. */
export function redact(text: string): string {
  if (secrets.size === 0 || text === '') return text
  const hit = new Uint8Array(text.length)
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) hit.fill(1, at, at + secret.length)
  }
  if (parts.size > 0) {
    for (let i = 0; i + PART <= text.length; i++) if (parts.has(text.slice(i, i + PART))) hit.fill(1, i, i + PART)
  }
  if (!hit.includes(1)) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (!hit[i]) out += text[i]
    else if (i === 0 || !hit[i - 1]) out += REDACTED
  }
  return out
}

export function holdsSecret(text: string): boolean {
  return redact(text) !== text
}

/** For tests: forget every secret. */
export function clearSecrets(): void {
  secrets.clear()
  parts.clear()
}
