// The upload's second half: the file's bytes, streamed to the signed upload URL without the key.
import type { Clock } from '../clock.js'
import type { TransientError } from '../errors.js'
import { send, statusError } from '../http.js'
import { retry } from '../retry.js'
import { storageSays } from '../storage.js'
import { checkUrl, describeOrigin } from '../url.js'

export interface PutFileOptions {
  url: string
  file: string
  size: number
  requestTimeoutMs: number
  clock: Clock
  /** Epoch ms (clock.now()): no retry starts after it, and no request runs past it. */
  deadline: number
  signal?: AbortSignal
  onRetry?: (err: TransientError, attempt: number, delayMs: number) => void
}

export async function putFile(options: PutFileOptions): Promise<void> {
  const url = checkUrl(options.url, 'the upload_url the API gave', 'used')
  await retry(
    async () => {
      // Each try sends the file again from its first byte. No Content-Type: a signed URL may have
      // been signed without one (the manual sends none).
      const response = await send({
        method: 'PUT',
        url: url.href,
        file: { path: options.file, size: options.size },
        signal: options.signal,
        idleTimeoutMs: options.requestTimeoutMs,
        budgetMs: options.deadline - options.clock.now(),
        // Only a 303 is followed (with a GET, no key and no file): the file is never sent on.
        redirects: 'any'
      })
      if (response.ok) return
      const refused = response.status === 403 ? ': the signed upload URL was refused (expired or altered)' : ''
      const where = `upload: HTTP ${response.status} from ${describeOrigin(url)}${refused}`
      throw statusError(response, where + storageSays(response.text), options.clock.now())
    },
    { clock: options.clock, deadline: options.deadline, signal: options.signal, onRetry: options.onRetry }
  )
}
