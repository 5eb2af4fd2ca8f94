// The one URL policy: https anywhere, plain http only on a loopback host (the simulator, a local proxy).
import { ActionError } from '../errors.js'

/** `localhost`, `127.x.x.x` and `::1`: the only hosts plain http is accepted for. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

export function isAllowedUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/** Which rule of the policy a URL breaks. */
export type UrlProblem = 'not a URL' | 'scheme' | 'credentials' | 'query'

/**
 * The policy, decided once: `raw` parsed, or the rule it breaks. A `bare` URL (an address that
 * requests are built on, such as api-url) also holds no credentials, query or fragment.
 */
export function parseUrl(raw: string, bare = false): URL | UrlProblem {
  const url = URL.parse(raw)
  if (!url) return 'not a URL'
  if (!isAllowedUrl(url)) return 'scheme'
  if (bare && (url.username || url.password)) return 'credentials'
  if (bare && (url.search || url.hash)) return 'query'
  return url
}

/** A URL the API gave (`what`: "the download_url the API gave"), parsed and held to the policy. */
export function checkUrl(raw: string, what: string, use: string): URL {
  const url = parseUrl(raw)
  if (url === 'not a URL') throw new ActionError(`${what} is not a URL`)
  if (!(url instanceof URL)) throw new ActionError(`${what} uses ${new URL(raw).protocol}; only https is ${use}`)
  return url
}

/** How a URL is named in a log or an error: its origin, never its path or query (a signed URL's are a credential). */
export function describeOrigin(url: URL | string): string {
  return URL.parse(String(url))?.host ?? 'an invalid URL'
}
