import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BooleanDefaults, Defaults, Inputs } from './contract.js'
import { InputError } from '../errors.js'
import { formatDuration } from '../text.js'
import { jobIdProblem } from './jobid.js'
import { parseUrl, type UrlProblem } from '../net/url.js'

export type GetInput = (name: string) => string

const MIN_DURATION_MS = 1000
const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000
// Self-hosted runners allow jobs of days; three is as long as a retrain gate should wait.
export const MAX_TIMEOUT_MS = 72 * 3_600_000

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A bare number is seconds; otherwise `<number><unit>` groups: `90`, `90s`, `15m`, `1h30m`, `500ms`. */
export function parseDuration(name: string, raw: string): number {
  const text = raw.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) {
    throw new InputError(
      name,
      `"${raw}" is not a duration: use seconds (90) or number-unit groups with ms, s, m or h (90s, 15m, 1h30m)`
    )
  }
  let total = 0
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(value) * UNIT_MS[unit]
  return Math.round(total)
}

export function parseBoolean(name: string, raw: string): boolean {
  const text = raw.trim()
  // The YAML 1.2 core schema booleans, as the runner toolkit's getBooleanInput accepts them.
  if (/^(true|True|TRUE|false|False|FALSE)$/.test(text)) return text.toLowerCase() === 'true'
  throw new InputError(name, `"${raw}" is not a boolean: use true or false`)
}

export interface CommonInputs {
  apiKey: string
  apiUrl: URL
  requestTimeoutMs: number
  timeoutMs: number
}

export function required(get: GetInput, name: string): string {
  const value = get(name).trim()
  if (value === '') throw new InputError(name, 'is required and was empty')
  return value
}

export function optional(get: GetInput, name: string, fallback: string): string {
  const value = get(name).trim()
  return value === '' ? fallback : value
}

export function duration(get: GetInput, name: string, fallback: string, max: number): number {
  const ms = parseDuration(name, optional(get, name, fallback))
  if (ms < MIN_DURATION_MS) throw new InputError(name, `must be at least ${formatDuration(MIN_DURATION_MS)}`)
  if (ms > max) throw new InputError(name, `must be at most ${formatDuration(max)}`)
  return ms
}

export function bool(get: GetInput, name: string): boolean {
  return parseBoolean(name, optional(get, name, String(BooleanDefaults[name])))
}

// An unset secret reads as an empty input, so the usual causes are named where it shows.
const EMPTY_KEY =
  'is required and was empty: the secret passed as api-key was not set. A workflow run by a pull request ' +
  'from a fork gets no secrets; an environment secret is set only in a job that names its environment; ' +
  'a misspelt secret name gives an empty value, not an error'

/** Where a step's relative paths start, and where a result goes when no folder is named: each front door says. */
export interface Places {
  /** Relative `file` and `download-dir` are read from here. */
  workDir: string
  /** A result is downloaded into `<resultRoot>/<job id>` when `download-dir` is empty. */
  resultRoot: string
  /** Where work in progress is staged when a rename reaches the result from there; none: beside the result. */
  stagingDir?: string
}

/** An action's places: the workspace, and the runner's temp folder (emptied after each job), or else the OS's. */
export function actionPlaces(env: NodeJS.ProcessEnv = process.env): Places {
  const temp = env.RUNNER_TEMP || tmpdir()
  return {
    workDir: env.GITHUB_WORKSPACE || process.cwd(),
    resultRoot: join(temp, 'prediction-one'),
    stagingDir: join(temp, '.prediction-one-partial')
  }
}

function readApiKey(get: GetInput): string {
  const key = get(Inputs.ApiKey).trim()
  if (key === '') throw new InputError(Inputs.ApiKey, EMPTY_KEY)
  // A line break in a header value would let a secret smuggle in a header of its own.
  if (/[\r\n]/.test(key)) throw new InputError(Inputs.ApiKey, 'holds a line break; check how the secret was saved')
  if (/[^\t\x20-\x7e]/.test(key)) throw new InputError(Inputs.ApiKey, 'holds characters an HTTP header cannot carry')
  return key
}

const API_URL_PROBLEMS: Record<Exclude<UrlProblem, 'not a URL'>, string> = {
  scheme: 'must be https (plain http is accepted only on a loopback host)',
  credentials: 'must not hold credentials',
  query: 'must not hold a query or a fragment'
}

function readApiUrl(get: GetInput): URL {
  const raw = optional(get, Inputs.ApiUrl, Defaults.ApiUrl)
  // "host.example" fails to parse and "localhost:8080" parses with "localhost:" as its scheme.
  if (/^[\w.-]+(:\d+)?(\/\S*)?$/.test(raw))
    throw new InputError(Inputs.ApiUrl, `"${raw}" has no scheme: write https://${raw}`)
  const url = parseUrl(raw, true)
  if (url instanceof URL) return url
  throw new InputError(Inputs.ApiUrl, url === 'not a URL' ? `"${raw}" is not a URL` : API_URL_PROBLEMS[url])
}

export function readJobId(get: GetInput): string {
  const id = required(get, Inputs.RetrainJobId)
  const problem = jobIdProblem(id)
  if (problem) throw new InputError(Inputs.RetrainJobId, problem)
  return id
}

export function readCommon(get: GetInput, timeoutDefault: string = Defaults.Timeout): CommonInputs {
  return {
    apiKey: readApiKey(get),
    apiUrl: readApiUrl(get),
    requestTimeoutMs: duration(get, Inputs.RequestTimeout, Defaults.RequestTimeout, MAX_REQUEST_TIMEOUT_MS),
    timeoutMs: duration(get, Inputs.Timeout, timeoutDefault, MAX_TIMEOUT_MS)
  }
}
