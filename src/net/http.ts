// The one HTTP layer. Errors never carry a URL's path or query: a signed URL is a credential.
import { createReadStream } from 'node:fs'
import http, { type ClientRequest, type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import { PassThrough, pipeline, type Readable, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import { systemClock, type Deadline } from '../clock.js'
import { ActionError, CancelledError, DeadlineError, HttpError, LocalError, TransientError } from '../errors.js'
import { oneLine } from '../text.js'
import { proxyAgent, proxyFor } from './proxy.js'
import { parseRetryAfter } from './retry.js'
import { describeOrigin, isAllowedUrl } from './url.js'

export interface HttpRequest<Stream extends boolean = boolean> {
  method: 'GET' | 'PUT'
  url: string
  headers?: Record<string, string>
  /** Read afresh by each call, so a retry sends it whole again. */
  file?: { path: string; size: number }
  signal?: AbortSignal
  /** `request-timeout` (ms): the longest time without progress, from connecting to the answer's last byte. */
  idleTimeoutMs: number
  /** The step's deadline: the whole request, redirects and body included, ends by it. */
  deadline?: Deadline
  redirects: 'same-origin' | 'any' | 'none'
  /** true: a 2xx answer's body is handed over as a stream (`body`) instead of being read as text. */
  stream?: Stream
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** The URL that answered, after redirects. */
  url: URL
}

/** An answer read as text (of a non-2xx, the first ERROR_TEXT_BYTES). */
export type TextResponse = Answer & { ok: boolean; text: string }

export type StreamResponse = (Answer & { ok: true; body: Readable }) | (TextResponse & { ok: false })

export type HttpResponse<Stream extends boolean = boolean> = Stream extends true ? StreamResponse : TextResponse

const MAX_REDIRECTS = 5
// A request made right at the deadline (the poll's last check) still gets a moment to answer.
const LAST_MOMENT_MS = 1000
// API answers are small; a gateway that streams without end (or a compression bomb) must not fill the memory.
const MAX_TEXT_BYTES = 1024 * 1024
// Of an error answer, only the start is read: enough for any error document.
const ERROR_TEXT_BYTES = 64 * 1024
// Read 1 MiB at a time: at the default 64 KiB, reads and socket writes were the upload's cost (docs/benchmarks.md).
const READ_BYTES = 1024 * 1024
// Node's default is 16 KiB, which gateways' cookies and policies can pass; curl reads up to 100 KiB.
const MAX_HEADER_BYTES = 64 * 1024
// How often an upload's delivery is looked at (at most a quarter of the idle time-out).
const DELIVERY_TICK_MS = 250
const REDIRECT_STATUSES = [301, 302, 303, 307, 308]

/**
 * Sends one request, following redirects by `redirects` (a `file` is never sent on), and returns the
 * answer, 2xx or not (`ok`), read as text; with `stream`, a 2xx's `body`, which keeps the idle timer
 * alive and releases everything when it ends: read or destroy it. Throws (and `body` fails with) only
 * TransientError (what another try may cure), DeadlineError, CancelledError, HttpError (a refused
 * redirect, a proxy's refusal), LocalError (the `file`) and ActionError (an encoding, headers over
 * 64 KiB, an untrusted certificate, the proxy variables). gzip, deflate and br are decoded; the
 * `Content-Length` announced is checked against the bytes received, before decoding.
 */
export async function send<Stream extends boolean = false>(request: HttpRequest<Stream>): Promise<HttpResponse<Stream>>
export async function send(first: HttpRequest): Promise<HttpResponse> {
  let request = first
  let url = new URL(request.url)
  for (let hop = 0; ; hop++) {
    if (hop > 0 && request.deadline && request.deadline.left() <= 0) {
      throw new DeadlineError(`the time left ran out while following redirects from ${describeOrigin(request.url)}`)
    }
    const response = await sendOnce(request, url)
    const location = response.headers.location
    if (!REDIRECT_STATUSES.includes(response.status) || !location) return response
    const next = URL.parse(location, url.href)
    if (!next) throw new HttpError(response.status, `${describeOrigin(url)} redirected to an invalid URL`)
    const where = `${describeOrigin(url)} redirected to ${describeOrigin(next)}`
    // RFC 9110: a 303's result is fetched with a GET (never the body again); other redirects repeat method and body.
    if (response.status === 303 && request.method !== 'GET') {
      request = { ...request, method: 'GET', file: undefined }
    }
    if (request.redirects === 'none' || request.file) {
      throw new HttpError(response.status, `${where}; this request is not sent on`)
    }
    if (request.redirects === 'same-origin' && next.origin !== url.origin) {
      throw new HttpError(
        response.status,
        `${where}, another origin: the API key is sent to the api-url origin only; set api-url to the address that answers`
      )
    }
    if (!isAllowedUrl(next)) {
      throw new HttpError(response.status, `${where} over ${next.protocol}; only https is followed`)
    }
    if (hop + 1 >= MAX_REDIRECTS) throw new HttpError(response.status, `${where}: too many redirects`)
    url = next
  }
}

/** One request, no redirect followed; the timers, the signal and the connection end with it. */
function sendOnce(request: HttpRequest, url: URL): Promise<HttpResponse> {
  const origin = describeOrigin(url)
  const proxy = proxyFor(url)
  const translate = (err: unknown): Error => {
    if (err instanceof ActionError) return err
    if (request.signal?.aborted) return new CancelledError()
    return proxy ? proxyError(err, proxy, origin) : networkError(err, origin)
  }

  return new Promise<HttpResponse>((resolve, reject) => {
    const tunnel = proxy ? proxyAgent(url) : undefined
    let req: ClientRequest
    try {
      req = (url.protocol === 'https:' ? https : http).request(url, {
        method: request.method,
        headers: {
          'user-agent': 'prediction-one-retrain-action',
          'accept-encoding': 'gzip, deflate, br',
          ...request.headers,
          ...(request.file ? { 'content-length': String(request.file.size) } : {})
        },
        // Its own connection, not Node's global agent (keep-alive, time-out, proxy settings), or http-client's tunnel.
        agent: tunnel?.agent ?? false,
        maxHeaderSize: MAX_HEADER_BYTES
      })
    } catch (err) {
      return reject(translate(err))
    }
    let body: PassThrough | undefined
    // Settles at once: a request waiting for a socket (a proxy's tunnel not yet open) reports no
    // error when destroyed, and would leave send() pending.
    const abort = (err: Error): void => {
      if (body) return void body.destroy(err)
      stop()
      req.destroy(err)
      tunnel?.close()
      reject(translate(err))
    }
    const idle = setTimeout(
      () => abort(new TransientError(`no answer from ${origin} within ${request.idleTimeoutMs} ms (request-timeout)`)),
      request.idleTimeoutMs
    )
    const timeLeft = Math.max(request.deadline?.left() ?? Infinity, LAST_MOMENT_MS)
    const outOfTime = Number.isFinite(timeLeft)
      ? setTimeout(() => abort(new DeadlineError(`the time left ran out during a request to ${origin}`)), timeLeft)
      : undefined
    const onAbort = (): void => abort(new CancelledError())
    const stop = (): void => {
      clearTimeout(idle)
      clearTimeout(outOfTime)
      request.signal?.removeEventListener('abort', onAbort)
    }
    const progressed = (): void => void idle.refresh()
    if (request.signal?.aborted) return onAbort()
    request.signal?.addEventListener('abort', onAbort, { once: true })

    req.on('error', (err) => {
      stop()
      reject(translate(err))
    })
    req.on('response', (message) => {
      const status = message.statusCode ?? 0
      const ok = status >= 200 && status < 300
      const answer = { status, headers: message.headers, url }
      const announced = message.headers['content-length']
      let decoders: Transform[] = []
      try {
        // No body (a 204, a 304, Content-Length: 0) has nothing to decode, whatever it is marked as.
        if (status !== 204 && status !== 304 && announced !== '0') {
          decoders = decodersFor(message.headers['content-encoding'], `HTTP ${status} from ${origin}`)
        }
      } catch (err) {
        // An error answer is explained by its status; its body is read as it came.
        if (ok) return abort(translate(err))
      }
      let received = 0
      message.on('data', (chunk: Buffer) => {
        received += chunk.length
        progressed()
      })
      body = new PassThrough({
        flush: (callback) => {
          stop()
          if (announced !== undefined && received !== Number(announced)) {
            return callback(new TransientError(`answer truncated: ${received} of ${announced} bytes from ${origin}`))
          }
          callback()
        },
        destroy: (err, callback) => {
          stop()
          callback(err ? translate(err) : null)
        }
      })
      body.on('error', () => undefined) // surfaced to whoever reads it
      pipeline([message, ...decoders, body], () => undefined)
      if (ok && request.stream) return resolve({ ...answer, ok: true, body })
      readText(body, ok ? MAX_TEXT_BYTES : ERROR_TEXT_BYTES, ok, origin).then(
        (text) => resolve({ ...answer, ok, text }),
        (err: Error) => {
          // An error answer is judged by its status (a gateway's 503 is retried), whatever its body
          // was; no bytes at all (an empty body marked gzip) are no text, not a broken stream.
          if (!ok || received === 0) return resolve({ ...answer, ok, text: '' })
          reject(err)
        }
      )
    })
    if (!request.file) return void req.end()
    const { path } = request.file
    const file = createReadStream(path, { highWaterMark: READ_BYTES })
    // Before pipeline's own listener: the request fails with a local error, not a network one.
    file.on('error', (err) => req.destroy(new LocalError('cannot read', path, err)))
    pipeline(file, req, () => undefined)
    watchDelivery(req, request.idleTimeoutMs, progressed)
  })
}

/**
 * An upload's progress, for the idle timer, until the answer: bytes the system took from the socket,
 * not bytes read from the file. Its buffers take several MiB at once, then more in bursts as the host
 * reads, waking the writer once about half of what they hold has drained. Once it has pushed back, its
 * pace is the host's reading rate (until one is seen, the slowest that counts as moving: a piece per
 * idle time-out): the idle clock starts when the next burst is overdue at that rate, or after the last
 * byte, once what it held could have been delivered twice over. A host that stops reading meets the
 * idle time-out; the deadline bounds all of it.
 */
function watchDelivery(req: ClientRequest, idleTimeoutMs: number, progressed: () => void): void {
  // Bytes the system took, in whole pieces; `queued`, libuv's count of the bytes of the piece being
  // written that it has not taken yet (internal, so only read when present), shows progress within one.
  let accepted = 0
  let queued = Infinity
  let pushback: { at: number; accepted: number } | undefined
  let lastAt = 0
  let burst = 0
  let drainedBy: number | undefined
  const slowest = READ_BYTES / idleTimeoutMs
  const tick = setInterval(
    () => {
      const socket = req.socket
      if (!socket) return
      const now = systemClock.now()
      const sent = (socket.bytesWritten ?? 0) - socket.writableLength
      const left = (socket as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? Infinity
      if (sent > accepted || left < queued) progressed()
      queued = left
      if (sent > accepted) {
        if (pushback) burst = Math.max(burst, sent - accepted)
        accepted = sent
        lastAt = now
      }
      if (!pushback && socket.writableLength > 0) pushback = { at: now, accepted }
      const measured =
        pushback && lastAt > pushback.at ? (accepted - pushback.accepted) / (lastAt - pushback.at) : undefined
      const rate = measured ?? slowest
      if (!req.writableFinished) {
        const due = measured ? lastAt + burst / rate : pushback ? pushback.at + pushback.accepted / 2 / rate : 0
        if (now < due) progressed()
        return
      }
      drainedBy ??= now + (2 * (pushback?.accepted ?? accepted)) / rate
      if (now < drainedBy) progressed()
      else clearInterval(tick)
    },
    Math.max(10, Math.min(DELIVERY_TICK_MS, idleTimeoutMs / 4))
  )
  const unwatch = (): void => clearInterval(tick)
  req.on('response', unwatch).on('close', unwatch)
}

/** The decoders for `Content-Encoding`, outermost last; ActionError for one that cannot be decoded. */
function decodersFor(header: string | undefined, what: string): Transform[] {
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
  return codings.reverse().map((coding) => {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip()
    if (coding === 'deflate') return zlib.createInflate()
    if (coding === 'br') return zlib.createBrotliDecompress()
    throw new ActionError(
      `${what} is encoded as "${oneLine(coding, 40)}", which cannot be decoded (gzip, deflate, br can)`
    )
  })
}

/** The body as text. Past `limit` bytes: an error for a 2xx, the start kept for an error answer. */
async function readText(body: Readable, limit: number, ok: boolean, origin: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      if (ok) throw new TransientError(`an answer of over ${limit} bytes from ${origin}; not read`)
      chunks.push(chunk.subarray(0, limit - size))
      break // destroys the body, which closes the connection
    }
    size += chunk.length
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

// TLS refusals: configuration, like a 407, never worth another handshake.
const UNTRUSTED_CERTIFICATE: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a CA this runner does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is issued by a CA this runner does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is issued by a CA this runner does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'it is issued by a CA this runner does not trust',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is for another host name'
}

function networkError(err: unknown, origin: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code
  // zlib's "unexpected end of file": the stream was cut, not wrong.
  if (code === 'Z_BUF_ERROR') {
    return new TransientError(`the answer from ${origin} was cut short (its compressed stream is incomplete)`)
  }
  // zlib's codes (Z_DATA_ERROR) and brotli's (ERR__ERROR_FORMAT_PADDING_1).
  if (/^(Z_|ERR__ERROR_)/.test(code ?? '')) {
    return new ActionError(`the answer from ${origin} could not be decoded: ${(err as Error).message}`)
  }
  const untrusted = UNTRUSTED_CERTIFICATE[code ?? '']
  if (untrusted) {
    return new ActionError(
      `the certificate of ${origin} is not trusted: ${untrusted} (${code}). Another try cannot fix it: if a company ` +
        'proxy or CA issues the certificates here, give the runner that CA in NODE_EXTRA_CA_CERTS (a PEM file); ' +
        'otherwise check the address'
    )
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new ActionError(
      `the answer from ${origin} has headers over ${MAX_HEADER_BYTES / 1024} KiB (HPE_HEADER_OVERFLOW), which are not read; ` +
        'a gateway or proxy in between may be adding them'
    )
  }
  return new TransientError(`network error with ${origin}: ${code ?? 'connection failed'}`)
}

/** http-client's tunnel says what the proxy answered to CONNECT only in its message. */
function proxyError(err: unknown, proxy: { url: URL; variable: string }, origin: string): Error {
  const message = err instanceof Error ? err.message : ''
  if (!message.startsWith('tunneling socket could not be established')) return networkError(err, origin)
  const status = Number(/statusCode=(\d+)/.exec(message)?.[1] ?? 0)
  const where = `the proxy ${proxy.url.host} answered HTTP ${status} to the tunnel to ${origin}`
  if (status === 407) {
    return new HttpError(
      407,
      `${where} (Proxy Authentication Required): check the credentials in ${proxy.variable} (percent-encoded)`
    )
  }
  if (status >= 400 && status < 500) return new HttpError(status, `${where}: the proxy refuses it`)
  if (status > 0) return new TransientError(where)
  return new TransientError(`network error with the proxy ${proxy.url.host} on the way to ${origin}`)
}

/** The error for a non-2xx answer: 408, 429 and 5xx are worth another try (after Retry-After). */
export function statusError({ status, headers }: Answer, message: string, now: number): TransientError | HttpError {
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientError(message, parseRetryAfter(headers['retry-after'], now))
  }
  return new HttpError(status, message)
}
