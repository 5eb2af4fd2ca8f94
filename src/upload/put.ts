// The upload's second half: the file's bytes, streamed to the signed upload URL without the key.
import { createReadStream } from 'node:fs'
import type { Clock } from '../clock.js'
import type { TransientError } from '../errors.js'
import { youngCollector } from '../garbage.js'
import { send, statusError } from '../http.js'
import { retry } from '../retry.js'
import { checkUrl, describeOrigin } from '../url.js'

export interface PutFileOptions {
  url: string
  file: string
  size: number
  requestTimeoutMs: number
  clock: Clock
  deadline: number
  signal?: AbortSignal
  onRetry?: (err: TransientError, attempt: number, delayMs: number) => void
}

const READ_BYTES = 1024 * 1024

export async function putFile(options: PutFileOptions): Promise<void> {
  const url = checkUrl(options.url, 'the upload_url the API gave', 'used')
  await retry(
    async () => {
      // Each try sends the file again from its first byte. Read 1 MiB at a time: with the default
      // 64 KiB, each piece costs a file read and a socket write, and 256 MiB went out at half speed.
      const body = createReadStream(options.file, { highWaterMark: READ_BYTES })
      const collect = youngCollector()
      body.on('data', (chunk) => collect(chunk.length))
      try {
        // No Content-Type: a signed URL may have been signed without one (the manual sends none).
        const response = await send({
          method: 'PUT',
          url: url.href,
          headers: { 'content-length': options.size },
          body,
          signal: options.signal,
          idleTimeoutMs: options.requestTimeoutMs,
          budgetMs: options.deadline - options.clock.now(),
          redirects: 'none'
        })
        const where = `upload: HTTP ${response.status} from ${describeOrigin(url)}`
        if (response.status >= 200 && response.status < 300) return
        const refused = response.status === 403 ? ': the signed upload URL was refused (expired or altered)' : ''
        throw statusError(response, where + refused, options.clock.now())
      } finally {
        body.destroy()
      }
    },
    { clock: options.clock, deadline: options.deadline, signal: options.signal, onRetry: options.onRetry }
  )
}
