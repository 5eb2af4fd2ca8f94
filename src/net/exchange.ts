// The one request path (the API client's, the result download's, the upload's): a request sent, its answer
// read, and the pair tried again under the one retry policy while another try can help.
import type { Deadline } from '../clock.js'
import { HttpError } from '../errors.js'
import { send, type HttpRequest, type HttpResponse } from './http.js'
import { retry, type RetryListener } from './retry.js'

const MAX_RENEWALS = 2

export interface Exchange<T, Stream extends boolean> {
  /** The request of each try, made afresh: a renewed URL reaches the next try. */
  request: () => Omit<HttpRequest<Stream>, 'signal' | 'deadline'>
  /** What an answer means: the value, or an error; only a TransientError gets another try (but see `renew`). */
  read: (response: HttpResponse<Stream>) => Promise<T> | T
  deadline: Deadline
  signal?: AbortSignal
  onRetry?: RetryListener
  /** A refusal a fresh signed URL may cure (it expired): `fresh()` gets one for the next try (false: none came). */
  renew?: { statuses: number[]; fresh: () => Promise<boolean> }
}

export async function exchange<T, Stream extends boolean = false>(spec: Exchange<T, Stream>): Promise<T> {
  const { deadline, signal, onRetry, renew } = spec
  let renewals = 0
  const worthAnotherTry = async (err: unknown): Promise<string | undefined> => {
    if (!renew || !(err instanceof HttpError) || !renew.statuses.includes(err.status)) return undefined
    if (renewals >= MAX_RENEWALS) return undefined
    renewals++
    if (!(await renew.fresh())) return undefined
    return `${err.message}; the signed URL has probably expired, asked for a fresh one`
  }
  const tryOnce = async (): Promise<T> => spec.read(await send({ ...spec.request(), signal, deadline }))
  return retry(tryOnce, { deadline, signal, onRetry, worthAnotherTry })
}
