// The result file: streamed to a temporary file, hashed on the way, checked, then renamed into place.
import { createHash } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Clock } from '../clock.js'
import { ActionError, CancelledError, HttpError, LocalError, TransientError } from '../errors.js'
import { youngCollector } from '../garbage.js'
import { send, statusError } from '../http.js'
import { retry } from '../retry.js'
import { checkUrl, describeOrigin } from '../url.js'
import { BatchedFile } from './batched-file.js'
import { resultFileName } from './filename.js'
import { moveIntoPlace, removeOrphans, stagingFor, tempName } from './staging.js'

export interface DownloadOptions {
  url: string
  dir: string
  requestTimeoutMs: number
  clock: Clock
  deadline: number
  signal?: AbortSignal
  /** Where the temporary file is written when it can be renamed from there (off `dir`). */
  stagingDir: string
  /** Asks the status endpoint for a fresh signed URL, when the old one is refused. */
  refreshUrl?: () => Promise<string | undefined>
  onRetry?: (err: TransientError, attempt: number, delayMs: number) => void
}

export interface DownloadedFile {
  path: string
  name: string
  bytes: number
  sha256: string
}

const EXPIRED = [403, 404, 410]
const MAX_REFRESHES = 2

const checkDownloadUrl = (raw: string): URL => checkUrl(raw, 'the download_url the API gave', 'downloaded')

export async function downloadResult(options: DownloadOptions): Promise<DownloadedFile> {
  await mkdir(options.dir, { recursive: true }).catch((err) => {
    throw new LocalError('cannot create the download folder', options.dir, err)
  })
  await removeOrphans(options.dir)
  const staging = await stagingFor(options.dir, options.stagingDir)
  let url = checkDownloadUrl(options.url)
  let refreshes = 0
  return retry(
    async () => {
      try {
        return await downloadOnce(url, options, staging)
      } catch (err) {
        if (!(err instanceof HttpError) || !EXPIRED.includes(err.status) || !options.refreshUrl) throw err
        if (refreshes >= MAX_REFRESHES) throw err
        refreshes++
        const fresh = await options.refreshUrl()
        if (!fresh) throw err
        url = checkDownloadUrl(fresh)
        throw new TransientError(`${err.message}; the signed URL has probably expired, asked for a fresh one`)
      }
    },
    { clock: options.clock, deadline: options.deadline, signal: options.signal, onRetry: options.onRetry }
  )
}

async function downloadOnce(url: URL, options: DownloadOptions, staging: string): Promise<DownloadedFile> {
  const response = await send({
    method: 'GET',
    url: url.href,
    signal: options.signal,
    idleTimeoutMs: options.requestTimeoutMs,
    budgetMs: options.deadline - options.clock.now(),
    redirects: 'any',
    stream: true
  })
  const where = `HTTP ${response.status} from ${describeOrigin(response.url)}`
  if (response.status < 200 || response.status >= 300) {
    response.done()
    response.message.resume()
    throw statusError(response, `download: ${where}`, options.clock.now())
  }
  const name = resultFileName(response.headers['content-disposition'], response.url)
  const temp = join(staging, tempName())
  const hash = createHash('sha256')
  // A fault of the disk is told apart from a fault of the network: only the latter is retried. A
  // network error also reaches the file (the pipeline destroys it with that error): not the disk's.
  const networkErrors = new WeakSet<Error>()
  response.message.on('error', (err) => networkErrors.add(err))
  let diskError: Error | undefined
  const handle = await open(temp, 'wx').catch((err: Error) => {
    response.done()
    response.message.destroy()
    throw new LocalError('cannot write the result file in', staging, err)
  })
  const file = new BatchedFile(handle).on('error', (err) => {
    if (!networkErrors.has(err)) diskError ??= err
  })
  // Attached just before the pipeline: a listener for 'data' starts the flow of the body.
  let bytes = 0
  const collect = youngCollector()
  response.message.on('data', (chunk: Buffer) => {
    response.touch()
    bytes += chunk.length
    hash.update(chunk)
    collect(chunk.length)
  })
  try {
    await pipeline(response.message, file, { signal: options.signal })
    response.done()
    const expected = Number(response.headers['content-length'])
    if (response.headers['content-length'] !== undefined && bytes !== expected) {
      throw new TransientError(`download truncated: ${bytes} of ${expected} bytes from ${describeOrigin(response.url)}`)
    }
    const path = join(options.dir, name)
    await moveIntoPlace(temp, path, 'the result file')
    return { path, name, bytes, sha256: hash.digest('hex') }
  } catch (err) {
    response.done()
    response.message.destroy()
    await rm(temp, { force: true }).catch(() => undefined)
    if (options.signal?.aborted) throw new CancelledError()
    if (diskError) throw new LocalError('cannot write the result file in', staging, diskError)
    if (err instanceof ActionError) throw err
    // An aborted or reset body: a message that names the host, never the signed URL.
    throw response.explain(err)
  }
}
