import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Deadline } from '../../clock.js'
import { ActionError, LocalError } from '../../errors.js'
import { exchange } from '../../net/exchange.js'
import { statusError, type StreamResponse } from '../../net/http.js'
import type { RetryListener } from '../../net/retry.js'
import { storageSays } from '../../net/storage.js'
import { checkUrl, describeOrigin } from '../../net/url.js'
import { resultFileName } from '../../disk/filename.js'
import { moveIntoPlace, stagingFor, tempName } from '../../disk/staging.js'

export interface DownloadOptions {
  url: string
  dir: string
  requestTimeoutMs: number
  deadline: Deadline
  signal?: AbortSignal
  /** Where the temporary file is written when it can be renamed from there (off `dir`). */
  stagingDir: string
  /** Asks the status endpoint for a fresh signed URL, when the old one is refused. */
  refreshUrl?: () => Promise<string | undefined>
  onRetry?: RetryListener
}

export interface DownloadedFile {
  path: string
  name: string
  bytes: number
  sha256: string
}

// What a storage host answers to a signed URL that expired.
const EXPIRED = [403, 404, 410]
// The file's buffer: pieces of the body queued up to this much go to the disk in one write.
const WRITE_BYTES = 1024 * 1024

const checkDownloadUrl = (raw: string): URL => checkUrl(raw, 'the download_url the API gave', 'downloaded')

export async function downloadResult(options: DownloadOptions): Promise<DownloadedFile> {
  await mkdir(options.dir, { recursive: true }).catch((err) => {
    throw new LocalError('cannot create the download folder', options.dir, err)
  })
  const staging = await stagingFor(options.dir, options.stagingDir)
  let url = checkDownloadUrl(options.url)
  const { refreshUrl } = options
  return exchange({
    request: () => ({
      method: 'GET',
      url: url.href,
      idleTimeoutMs: options.requestTimeoutMs,
      redirects: 'any',
      stream: true
    }),
    read: (response: StreamResponse) => saveResult(response, options, staging),
    deadline: options.deadline,
    signal: options.signal,
    onRetry: options.onRetry,
    renew: refreshUrl && {
      statuses: EXPIRED,
      fresh: async () => {
        const fresh = await refreshUrl()
        if (fresh) url = checkDownloadUrl(fresh)
        return fresh !== undefined
      }
    }
  })
}

/** One answer: a refusal explained, or the body saved under its name. */
async function saveResult(
  response: StreamResponse,
  options: DownloadOptions,
  staging: string
): Promise<DownloadedFile> {
  if (!response.ok) {
    const where = `download: HTTP ${response.status} from ${describeOrigin(response.url)}`
    throw statusError(response, where + storageSays(response.text), options.deadline.clock.now())
  }
  const name = resultFileName(response.headers['content-disposition'], response.url)
  const temp = join(staging, tempName())
  const hash = createHash('sha256')
  const hashed = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => {
      hash.update(chunk)
      callback(null, chunk)
    }
  })
  try {
    // The body is the decoded content: what is hashed is what is written. The pipeline resolves once
    // the file is closed (Windows refuses to rename an open file). The body fails with ActionErrors
    // only: any other error is the file's (a full disk, no permission).
    const file = createWriteStream(temp, { flags: 'wx', highWaterMark: WRITE_BYTES })
    await pipeline(response.body, hashed, file).catch((err: unknown) => {
      throw err instanceof ActionError ? err : new LocalError('cannot write the result file in', staging, err)
    })
    const path = join(options.dir, name)
    await moveIntoPlace(temp, path, 'the result file', options.deadline)
    return { path, name, bytes: file.bytesWritten, sha256: hash.digest('hex') }
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw err
  }
}
