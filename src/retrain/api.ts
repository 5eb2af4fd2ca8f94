// The Prediction One retrain API: three calls, each under the one retry policy.
import type { Deadline } from '../clock.js'
import { ActionError, HttpError, TransientError } from '../errors.js'
import { exchange } from '../net/exchange.js'
import { statusError, type TextResponse } from '../net/http.js'
import { jobIdProblem } from './jobid.js'
import { asText, isObject, parseJson, type JsonObject } from '../net/json.js'
import { oneLine } from '../text.js'
import type { RetryListener } from '../net/retry.js'
import { addSignedUrl } from '../secrets.js'
import { describeOrigin } from '../net/url.js'
import { decodeErrorFields, documentedError } from './documented.js'

const API_KEY_HEADER = 'x-api-key'

const ApiPaths = {
  status: (jobId: string) => `/v1/external/retrain_jobs/${encodeURIComponent(jobId)}`,
  updateModel: (jobId: string) => `/v1/external/retrain_jobs/${encodeURIComponent(jobId)}/update_model`,
  uploadUrl: (filename: string) => `/v1/external/retrain_jobs/upload_url?filename=${encodeURIComponent(filename)}`
}

export interface JobStatus {
  status: string
  modelId?: string
  message?: string
  downloadUrl?: string
}

// Only job_finished is documented; a status naming a failure is taken as one (README: assumptions).
const FAILURE_STATUS = /fail|error|cancel|abort/i

/** A status that names a failure: the job ended without a model to serve. */
export function isFailureStatus(status: string): boolean {
  return FAILURE_STATUS.test(status)
}

export interface UploadTarget {
  retrainJobId: string
  uploadUrl: string
}

export interface ApiClientOptions {
  apiUrl: URL
  apiKey: string
  requestTimeoutMs: number
  signal?: AbortSignal
  onRetry?: RetryListener
}

/** A short, printable account of a body that is not the API's JSON. */
function describeBody(response: TextResponse, json: unknown): string {
  const fields = decodeErrorFields(json)
  const said = fields?.message ?? fields?.error
  // Redacted before it is cut: a cut through a secret would leave a part the runner cannot mask.
  if (said) return `"${oneLine(said, 200)}"`
  const type = response.headers['content-type']?.split(';')[0]
  if (response.text.length === 0) return 'an empty body'
  return `a ${type ?? 'untyped'} body that is not the API's JSON`
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  // Each call throws ApiError for a documented error, DeadlineError when the step's deadline passes.

  async getStatus(jobId: string, deadline: Deadline): Promise<JobStatus> {
    const body = await this.call(
      'GET',
      ApiPaths.status(jobId),
      deadline,
      (json) => typeof json.status === 'string',
      "the retrain job's status"
    )
    // Registered before anything can print it: the signed URL is a credential.
    if (typeof body.download_url === 'string') addSignedUrl(body.download_url)
    return {
      status: body.status as string,
      modelId: asText(body.model_id),
      message: asText(body.message),
      downloadUrl: typeof body.download_url === 'string' && body.download_url !== '' ? body.download_url : undefined
    }
  }

  async getUploadUrl(filename: string, deadline: Deadline): Promise<UploadTarget> {
    const body = await this.call(
      'GET',
      ApiPaths.uploadUrl(filename),
      deadline,
      (json) => asText(json.retrain_job_id) !== undefined && typeof json.upload_url === 'string',
      'the retrain_job_id and upload_url'
    )
    const uploadUrl = body.upload_url as string
    addSignedUrl(uploadUrl)
    const retrainJobId = asText(body.retrain_job_id) as string
    const problem = jobIdProblem(retrainJobId)
    if (problem) throw new ActionError(`the retrain_job_id the API gave ${problem}; it is not used`)
    return { retrainJobId, uploadUrl }
  }

  async updateModel(jobId: string, deadline: Deadline): Promise<void> {
    // Documented as {"metadata": {...}}; any 2xx that is no error (a 204, an empty body) has switched.
    await this.call('PUT', ApiPaths.updateModel(jobId), deadline, () => true)
  }

  private async call(
    method: 'GET' | 'PUT',
    path: string,
    deadline: Deadline,
    isAnswer: (json: JsonObject) => boolean,
    /** What the answer must hold ("the retrain job's status"); undefined when nothing is needed from it. */
    needed?: string
  ): Promise<JsonObject> {
    const { apiUrl, apiKey, requestTimeoutMs, signal, onRetry } = this.options
    const url = apiUrl.href.replace(/\/+$/, '') + path
    return exchange({
      request: () => ({
        method,
        url,
        headers: { [API_KEY_HEADER]: apiKey, accept: 'application/json' },
        idleTimeoutMs: requestTimeoutMs,
        redirects: 'same-origin'
      }),
      read: (response: TextResponse) => interpret(response, isAnswer, needed, deadline.clock.now()),
      deadline,
      signal,
      onRetry
    })
  }
}

function interpret(
  response: TextResponse,
  isAnswer: (json: JsonObject) => boolean,
  needed: string | undefined,
  now: number
): JsonObject {
  const ok = response.ok
  if (ok && needed && response.text.trim() === '') {
    const missing = `HTTP ${response.status} from ${describeOrigin(response.url)} with no body, where ${needed} was expected`
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
  if (ok && isObject(json) && isAnswer(json)) return json
  // A call whose answer is not needed (the switch) has done its work with any 2xx that is no error.
  if (ok && !needed) return {}
  const where = `HTTP ${response.status} from ${describeOrigin(response.url)}`
  if (ok && isObject(json)) throw new TransientError(`${where}: the answer lacks ${needed}`)
  const said = describeBody(response, json)
  if (ok) throw new TransientError(`${where} with ${said}`)
  throw statusError(response, `${where}: ${said}`, now)
}
