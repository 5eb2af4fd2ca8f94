// The one HTTP layer: @actions/http-client (proxy support) with an abort signal, a time-out and
// a redirect rule of our own. Errors never carry a URL's path or query: a signed URL is a credential.
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import type { Readable } from 'node:stream'
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { CancelledError, DeadlineError, HttpError, TransientError } from './errors.js'
import { parseRetryAfter } from './retry.js'
import { describeOrigin, isAllowedUrl } from './url.js'

const USER_AGENT = 'prediction-one-retrain-action'

export type RedirectRule = 'same-origin' | 'any' | 'none'

export interface HttpRequest {
  method: 'GET' | 'PUT'
  url: string
  headers?: Record<string, string | number>
  /** Sent as the body; a stream is read once, so a retry must pass a fresh one. */
  body?: Readable
  signal?: AbortSignal
  /** Longest time without progress: sending the body, waiting for the answer, and with `stream`, between chunks. */
  idleTimeoutMs: number
  /** Longest the whole request may take, body included: the time left before the step's deadline. */
  budgetMs?: number
  redirects: RedirectRule
  stream?: boolean
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The URL that answered, after redirects. */
  url: URL
  /** Text of the body; absent with `stream`. */
  text?: string
  message: IncomingMessage
  /** With `stream`: call on every chunk so that the idle time-out starts again. */
  touch(): void
  /** With `stream`: stop the idle timer once the body is read or abandoned. */
  done(): void
  /** With `stream`: the error to throw for a failure while reading the body. */
  explain(err: unknown): Error
}

const MAX_REDIRECTS = 5
const LAST_MOMENT_MS = 1000
// API answers are small; a gateway that streams without end must not fill the memory.
const MAX_TEXT_BYTES = 1024 * 1024
const REDIRECT_STATUSES = [301, 302, 303, 307, 308]

function clientFor(signal: AbortSignal): HttpClient {
  const withSignal: RequestHandler = {
    prepareRequest: (options: RequestOptions) => {
      options.signal = signal
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('unused'))
  }
  return new HttpClient(USER_AGENT, [withSignal], { allowRedirects: false, allowRetries: false, keepAlive: false })
}

export async function send(request: HttpRequest): Promise<HttpResponse> {
  let url = new URL(request.url)
  for (let hop = 0; ; hop++) {
    const response = await sendOnce(request, url)
    const location = response.headers.location
    if (!REDIRECT_STATUSES.includes(response.status) || !location) return response
    response.done()
    response.message.resume()
    const next = new URL(location, url)
    const where = `${describeOrigin(url)} redirected to ${describeOrigin(next)}`
    if (request.redirects === 'none' || request.body) {
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

async function sendOnce(request: HttpRequest, url: URL): Promise<HttpResponse> {
  const idle = new AbortController()
  const late = new AbortController()
  const signals = [idle.signal, late.signal, ...(request.signal ? [request.signal] : [])]
  const signal = AbortSignal.any(signals)
  let idleTimer: NodeJS.Timeout | undefined
  // A request made right at the deadline (the poll's last check) still gets a moment to answer.
  const budget = Math.max(request.budgetMs ?? Infinity, LAST_MOMENT_MS)
  const lateTimer = Number.isFinite(budget) ? setTimeout(() => late.abort(), budget) : undefined
  const arm = (): void => {
    if (idleTimer) idleTimer.refresh()
    else idleTimer = setTimeout(() => idle.abort(), request.idleTimeoutMs)
  }
  const done = (): void => {
    clearTimeout(idleTimer)
    clearTimeout(lateTimer)
  }
  const translate = (err: unknown): Error => {
    done()
    if (err instanceof CancelledError || err instanceof TransientError || err instanceof HttpError) return err
    if (request.signal?.aborted) return new CancelledError()
    if (late.signal.aborted) {
      return new DeadlineError(`the time left ran out during a request to ${describeOrigin(url)}`)
    }
    if (idle.signal.aborted) {
      return new TransientError(
        `no answer from ${describeOrigin(url)} within ${request.idleTimeoutMs} ms (request-timeout)`
      )
    }
    const code = (err as NodeJS.ErrnoException)?.code
    return new TransientError(`network error with ${describeOrigin(url)}: ${code ?? 'connection failed'}`)
  }
  arm()
  // A large upload may take longer than request-timeout: what counts is that bytes keep moving.
  request.body?.on('data', arm)
  try {
    const headers = { ...request.headers }
    const answer = await clientFor(signal).request(request.method, url.href, request.body ?? null, headers)
    const message = answer.message
    message.on('error', () => undefined) // surfaced by whoever reads the body
    const response: HttpResponse = {
      status: message.statusCode ?? 0,
      headers: message.headers,
      url,
      message,
      touch: arm,
      done,
      explain: translate
    }
    if (request.stream) return response
    response.text = await readText(message, describeOrigin(url))
    done()
    return response
  } catch (err) {
    throw translate(err)
  }
}

/**
 * The body as text. Unlike HttpClientResponse.readBody, which never settles when the connection
 * breaks mid-body, this rejects, so the fault is retried instead of hanging the step.
 */
async function readText(message: IncomingMessage, origin: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_TEXT_BYTES) {
      message.destroy()
      throw new TransientError(`an answer of over ${MAX_TEXT_BYTES} bytes from ${origin}; not read`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The error for a non-2xx answer: 408, 429 and 5xx are worth another try (after Retry-After). */
export function statusError(response: HttpResponse, message: string, now: number): TransientError | HttpError {
  const status = response.status
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientError(message, parseRetryAfter(String(response.headers['retry-after'] ?? ''), now))
  }
  return new HttpError(status, message)
}
