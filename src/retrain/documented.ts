// The API's documented errors (from the manual), with a plain cause for each, and how an error body
// is read: its shape is undocumented, so the reading is tolerant.
import { ApiError } from '../errors.js'
import { asText, isObject } from '../net/json.js'

/** The API's refusal of a switch to a job that has not finished (or failed: see the switch step). */
export const NOT_FINISHED = 'retrain job is not finished.'

const DOCUMENTED_CODES = ['4001000204', '5001000201']

const KEY_CHECK = 'check the secret passed as api-key: it must be the retrain API key of this model (one key per model)'

/** Keyed by the API's message, lower-cased, as the manual prints it. */
const DOCUMENTED: Record<string, string> = {
  'invalid_api_key.': `the API key does not exist; ${KEY_CHECK}`,
  'inactive_credential.': `the API key is inactive; issue a new retrain API key for this model in Prediction One and update the secret`,
  'not_found_credential.': `the API key was not found; ${KEY_CHECK}, and that it was not revoked`,
  'not found retrain job.':
    "the retrain job id is wrong; check retrain-job-id (the upload step's retrain_job_id output) and that the job belongs to the model of this API key",
  'this job may be deleted.': 'the retrain job may have been deleted; upload the data again to start a new retrain job',
  'this user may be deleted.':
    'the Prediction One user that owns this API key may have been deleted; check the account in Prediction One',
  'this model may be deleted.':
    'the model of this API key may have been deleted; check the model in Prediction One (a new model needs a new retrain API key)',
  'not found configuration_file.':
    'Prediction One found no retrain configuration for this model; check in Prediction One that the model can be retrained, and ask Sony support if it persists',
  'not found classifier.':
    'the prediction API of this model may have been deleted; create the prediction API again in Prediction One, then switch',
  [NOT_FINISHED]:
    'the retrain job has not finished; wait for it first with the wait action (status job_finished), then switch'
}

function documentedCause(message: string): string | undefined {
  const key = message.trim().toLowerCase()
  // Own keys only: an API message "constructor" must not find Object's.
  return Object.hasOwn(DOCUMENTED, key) ? DOCUMENTED[key] : undefined
}

export interface ErrorFields {
  code?: string
  error?: string
  message?: string
}

function fieldsOf(value: unknown): ErrorFields | undefined {
  if (!isObject(value)) return undefined
  const fields: ErrorFields = { code: asText(value.code), error: asText(value.error), message: asText(value.message) }
  return fields.code || fields.error || fields.message ? fields : undefined
}

/**
 * Error bodies are undocumented: `code` (a number or a string), `error` and `message` are read at the
 * top level or one level down (an object, or an array's first element).
 */
export function decodeErrorFields(body: unknown): ErrorFields | undefined {
  const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v)
  const top = first(body)
  const direct = fieldsOf(top)
  const nested = Object.values(isObject(top) ? top : {})
    .map((value) => fieldsOf(first(value)))
    .find(Boolean)
  // A gateway may wrap the API's own error beside a message of its own; the documented one wins.
  return direct && (isDocumented(direct) || !nested) ? direct : nested
}

function isDocumented(fields: ErrorFields): boolean {
  return documentedCause(fields.message ?? '') !== undefined || DOCUMENTED_CODES.includes(fields.code?.trim() ?? '')
}

/** The documented error a body carries, whatever HTTP status carried it; undefined if none. */
export function documentedError(body: unknown): ApiError | undefined {
  const fields = decodeErrorFields(body)
  if (!fields || !isDocumented(fields)) return undefined
  const code = fields.code?.trim()
  const apiMessage = fields.message ?? fields.error ?? ''
  const cause =
    documentedCause(apiMessage) ??
    'an error the manual does not list; check the API key, the retrain job id and the model in Prediction One'
  return new ApiError(code, apiMessage, cause)
}
