// Which proxy a request goes through: `https_proxy` / `http_proxy` as @actions/http-client reads
// them, `NO_PROXY` as it matches them plus a leading `*.`, and the agent it builds (a CONNECT
// tunnel). The proxy's user name and password are credentials: errors name the proxy's host only.
import type { Agent, ClientRequest, request as httpRequest } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { checkBypass } from '@actions/http-client/lib/proxy'
import { ActionError } from '../errors.js'

/**
 * `NO_PROXY` entries of the form `*.corp.example`, which http-client's matcher ignores: they match
 * the hosts under `corp.example` (as `.corp.example` does), not `corp.example` itself.
 */
function wildcardBypass(url: URL): boolean {
  const list = process.env.no_proxy || process.env.NO_PROXY || ''
  const host = url.hostname.toLowerCase()
  return list
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .some((entry) => entry.startsWith('*.') && host.endsWith(entry.slice(1)))
}

/**
 * The proxy `url` goes through, or undefined for a direct connection (no proxy variable, a loopback
 * host, or a `NO_PROXY` match). Throws ActionError when the variable is not a URL or its user name
 * or password is not valid percent-encoding (http-client would silently go direct).
 */
export function proxyFor(url: URL): { url: URL; variable: string } | undefined {
  if (checkBypass(url) || wildcardBypass(url)) return undefined
  // The variables in http-client's order.
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find((name) => process.env[name])
  if (!variable) return undefined
  const value = process.env[variable] ?? ''
  // http-client reads a value without http:// or https:// otherwise than a URL parser would (or
  // not at all, going direct): only the forms both read alike are taken.
  if (!/^https?:\/\//i.test(value)) {
    throw new ActionError(
      `${variable} must be an http:// or https:// URL of the proxy (such as http://proxy.example:3128); SOCKS proxies are not supported`
    )
  }
  const proxy = URL.parse(value)
  if (!proxy) throw new ActionError(`${variable} is not a URL`)
  try {
    decodeURIComponent(proxy.username)
    decodeURIComponent(proxy.password)
  } catch {
    throw new ActionError(
      `the user name or password in ${variable} (proxy ${proxy.host}) is not valid percent-encoding`
    )
  }
  return { url: proxy, variable }
}

/**
 * The agent for a request through `proxy`: http-client's CONNECT tunnel, which sends the user name
 * and password percent-decoded as Basic `Proxy-Authorization`. A fresh one per request (no keep-alive).
 * `close` ends a CONNECT still waiting for the proxy's answer, which the tunnel makes with its own
 * `request`, out of send()'s reach: a proxy that never answers would hold the process open after a
 * time-out. (send() closes only a request it destroys, whose tunnel, if open, goes with it anyway.)
 */
export function proxyAgent(url: URL): { agent: Agent; close: () => void } {
  // Only its agent is used: the requests (and their user agent) are send()'s own.
  const client = new HttpClient(undefined, [], { keepAlive: false })
  const agent: Agent & { request?: typeof httpRequest } = client.getAgent(url.href)
  const connects: ClientRequest[] = []
  const request = agent.request
  if (request) {
    agent.request = ((...args: Parameters<typeof httpRequest>) => {
      const connect = request(...args)
      connects.push(connect)
      return connect
    }) as typeof httpRequest
  }
  return { agent, close: () => connects.forEach((connect) => connect.destroy()) }
}
