import type { Deadline } from '../../clock.js'
import { exchange } from '../../net/exchange.js'
import { statusError, type TextResponse } from '../../net/http.js'
import type { RetryListener } from '../../net/retry.js'
import { storageSays } from '../../net/storage.js'
import { checkUrl, describeOrigin } from '../../net/url.js'

export interface PutFileOptions {
  url: string
  file: string
  size: number
  requestTimeoutMs: number
  deadline: Deadline
  signal?: AbortSignal
  onRetry?: RetryListener
}

export async function putFile(options: PutFileOptions): Promise<void> {
  const url = checkUrl(options.url, 'the upload_url the API gave', 'used')
  await exchange({
    // Each try sends the file again from its first byte. No API key, and no Content-Type: a signed
    // URL may have been signed without one (the manual sends none).
    request: () => ({
      method: 'PUT',
      url: url.href,
      file: { path: options.file, size: options.size },
      idleTimeoutMs: options.requestTimeoutMs,
      // Only a 303 is followed (with a GET, no key and no file): the file is never sent on.
      redirects: 'any'
    }),
    read: (response: TextResponse) => {
      if (response.ok) return
      const refused = response.status === 403 ? ': the signed upload URL was refused (expired or altered)' : ''
      const where = `upload: HTTP ${response.status} from ${describeOrigin(url)}${refused}`
      throw statusError(response, where + storageSays(response.text), options.deadline.clock.now())
    },
    deadline: options.deadline,
    signal: options.signal,
    onRetry: options.onRetry
  })
}
