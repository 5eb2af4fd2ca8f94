import type { Deadline } from '../clock.js'
import { ActionError, HttpError, TransientError } from '../errors.js'
import { exchange } from '../net/exchange.js'
import { statusError, type TextResponse } from '../net/http.js'
import type { CommonInputs } from './inputs.js'
import { jobIdProblem } from './jobid.js'
import { asText, isObject, parseJson, type JsonObject } from '../net/json.js'
import { oneLine } from '../text.js'
import type { RetryListener } from '../net/retry.js'
import { addSignedUrl } from '../secrets.js'
import { describeOrigin } from '../net/url.js'
import { decodeErrorFields, documentedError } from './documented.js'

const JOBS = '/v1/external/retrain_jobs'

export interface JobStatus {
  status: string
  modelId?: string
  message?: string
  downloadUrl?: string
}

// Only job_finished is documented; a status naming a failure is taken as one (README: assumptions).
export function isFailureStatus(status: string): boolean {
  return /fail|error|cancel|abort/i.test(status)
}

export interface ApiClientOptions extends Pick<CommonInputs, 'apiUrl' | 'apiKey' | 'requestTimeoutMs'> {
  signal?: AbortSignal
  onRetry?: RetryListener
}

/** What a call needs from the answer: `what` names it in errors, `found` tells whether the answer holds it. */
interface Needed {
  what: string
  found: (answer: JsonObject) => boolean
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  // Each call throws ApiError for a documented error, DeadlineError when the step's deadline passes.

  async getStatus(jobId: string, deadline: Deadline): Promise<JobStatus> {
    const body = await this.call('GET', `${JOBS}/${encodeURIComponent(jobId)}`, deadline, {
      what: "the retrain job's status",
      found: (answer) => typeof answer.status === 'string'
    })
    const url = body.download_url
    const downloadUrl = typeof url === 'string' && url !== '' ? url : undefined
    // Registered before anything can print it: the signed URL is a credential.
    addSignedUrl(downloadUrl)
    return {
      status: body.status as string,
      modelId: asText(body.model_id),
      message: asText(body.message),
      downloadUrl
    }
  }

  async getUploadUrl(filename: string, deadline: Deadline): Promise<{ retrainJobId: string; uploadUrl: string }> {
    const body = await this.call('GET', `${JOBS}/upload_url?filename=${encodeURIComponent(filename)}`, deadline, {
      what: 'the retrain_job_id and upload_url',
      found: (answer) => asText(answer.retrain_job_id) !== undefined && typeof answer.upload_url === 'string'
    })
    const uploadUrl = body.upload_url as string
    addSignedUrl(uploadUrl)
    const retrainJobId = asText(body.retrain_job_id) as string
    const problem = jobIdProblem(retrainJobId)
    if (problem) throw new ActionError(`the retrain_job_id the API gave ${problem}; it is not used`)
    return { retrainJobId, uploadUrl }
  }

  async updateModel(jobId: string, deadline: Deadline): Promise<void> {
    // Documented as {"metadata": {...}}; any 2xx that is no error (a 204, an empty body) has switched.
    await this.call('PUT', `${JOBS}/${encodeURIComponent(jobId)}/update_model`, deadline)
  }

  private async call(method: 'GET' | 'PUT', path: string, deadline: Deadline, needed?: Needed): Promise<JsonObject> {
    const { apiUrl, apiKey, requestTimeoutMs, signal, onRetry } = this.options
    const url = apiUrl.href.replace(/\/+$/, '') + path
    return exchange({
      request: () => ({
        method,
        url,
        headers: { 'x-api-key': apiKey, accept: 'application/json' },
        idleTimeoutMs: requestTimeoutMs,
        redirects: 'same-origin'
      }),
      read: (response: TextResponse) => interpret(response, needed, deadline.clock.now()),
      deadline,
      signal,
      onRetry
    })
  }
}

function interpret(response: TextResponse, needed: Needed | undefined, now: number): JsonObject {
  const where = `HTTP ${response.status} from ${describeOrigin(response.url)}`
  if (response.ok && needed && response.text.trim() === '') {
    const missing = `${where} with no body, where ${needed.what} was expected`
    // A 204 says on purpose that there is nothing: another try gets the same. An empty 200 may be a
    // gateway that dropped a body once: the call reads only, so it is tried again.
    if (response.status === 204) throw new HttpError(204, missing)
    throw new TransientError(missing)
  }
  const json = parseJson(response.text)
  const documented = documentedError(json)
  // A status body may carry a message of its own: it is an error only if it carries a code too.
  const statusBody = isObject(json) && typeof json.status === 'string'
  if (documented && !(statusBody && documented.code === undefined)) throw documented
  if (!response.ok) throw statusError(response, `${where}: ${describeBody(response, json)}`, now)
  // A call whose answer is not needed (the switch) has done its work with any 2xx that is no error.
  if (!needed) return {}
  if (!isObject(json)) throw new TransientError(`${where} with ${describeBody(response, json)}`)
  if (!needed.found(json)) throw new TransientError(`${where}: the answer lacks ${needed.what}`)
  return json
}

/** A short, printable account of a body that is not the API's JSON. */
function describeBody(response: TextResponse, json: unknown): string {
  const fields = decodeErrorFields(json)
  const said = fields?.message ?? fields?.error
  // Redacted before it is cut: a cut through a secret would leave a part the runner cannot mask.
  if (said) return `"${oneLine(said, 200)}"`
  if (response.text.length === 0) return 'an empty body'
  return `a ${response.headers['content-type']?.split(';')[0] ?? 'untyped'} body that is not the API's JSON`
}
