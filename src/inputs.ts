// Every input is read and checked here, before any request is made.
import { statSync, accessSync, constants as fsConstants } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { Defaults, Inputs, MAX_TIMEOUT_MS, MIN_POLL_INTERVAL_MS } from './constants.js'
import { InputError } from './errors.js'
import { sanitizeFileName } from './filename.js'
import { jobIdProblem } from './jobid.js'
import { isAllowedUrl, parseBoolean, parseDuration } from './parse.js'

export type GetInput = (name: string) => string

const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000

export interface CommonInputs {
  apiKey: string
  apiUrl: URL
  requestTimeoutMs: number
}

export interface WaitInputs extends CommonInputs {
  jobId: string
  timeoutMs: number
  pollIntervalMs: number
  wait: boolean
  download: boolean
  downloadDir: string
  extract: boolean
}

export interface UploadInputs extends CommonInputs {
  file: string
  size: number
  filename: string
  timeoutMs: number
}

export interface SwitchInputs extends CommonInputs {
  jobId: string
}

function required(get: GetInput, name: string): string {
  const value = get(name).trim()
  if (value === '') throw new InputError(name, 'is required and was empty')
  return value
}

function optional(get: GetInput, name: string, fallback: string): string {
  const value = get(name).trim()
  return value === '' ? fallback : value
}

function duration(get: GetInput, name: string, fallback: string, min: number, max: number): number {
  const ms = parseDuration(name, optional(get, name, fallback))
  if (ms < min) throw new InputError(name, `must be at least ${min} ms`)
  if (ms > max) throw new InputError(name, `must be at most ${max / 3_600_000} h`)
  return ms
}

function bool(get: GetInput, name: string, fallback: boolean): boolean {
  return parseBoolean(name, optional(get, name, String(fallback)))
}

/** The runner's temp folder, emptied after each job; the OS's when run outside a runner. */
export function runnerTemp(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP || tmpdir()
}

export function readApiKey(get: GetInput): string {
  const key = required(get, Inputs.ApiKey)
  // A line break in a header value would let a secret smuggle in a header of its own.
  if (/[\r\n]/.test(key)) throw new InputError(Inputs.ApiKey, 'holds a line break; check how the secret was saved')
  if (/[^\t\x20-\x7e]/.test(key)) throw new InputError(Inputs.ApiKey, 'holds characters an HTTP header cannot carry')
  return key
}

export function readApiUrl(get: GetInput): URL {
  const raw = optional(get, Inputs.ApiUrl, Defaults.ApiUrl)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(Inputs.ApiUrl, `"${raw}" is not a URL`)
  }
  if (!isAllowedUrl(url)) {
    throw new InputError(Inputs.ApiUrl, 'must be https (plain http is accepted only on a loopback host)')
  }
  if (url.username || url.password) throw new InputError(Inputs.ApiUrl, 'must not hold credentials')
  if (url.search || url.hash) throw new InputError(Inputs.ApiUrl, 'must not hold a query or a fragment')
  return url
}

export function readJobId(get: GetInput): string {
  const id = required(get, Inputs.RetrainJobId)
  const problem = jobIdProblem(id)
  if (problem) throw new InputError(Inputs.RetrainJobId, problem)
  return id
}

function readCommon(get: GetInput): CommonInputs {
  return {
    apiKey: readApiKey(get),
    apiUrl: readApiUrl(get),
    requestTimeoutMs: duration(get, Inputs.RequestTimeout, Defaults.RequestTimeout, 1000, MAX_REQUEST_TIMEOUT_MS)
  }
}

export function readWaitInputs(get: GetInput, env: NodeJS.ProcessEnv = process.env): WaitInputs {
  const common = readCommon(get)
  const jobId = readJobId(get)
  const dirInput = get(Inputs.DownloadDir).trim()
  const downloadDir =
    dirInput === ''
      ? join(runnerTemp(env), 'prediction-one', sanitizeFileName(jobId, 'job'))
      : resolve(env.GITHUB_WORKSPACE || process.cwd(), dirInput)
  return {
    ...common,
    jobId,
    timeoutMs: duration(get, Inputs.Timeout, Defaults.Timeout, 1000, MAX_TIMEOUT_MS),
    pollIntervalMs: duration(get, Inputs.PollInterval, Defaults.PollInterval, MIN_POLL_INTERVAL_MS, MAX_TIMEOUT_MS),
    wait: bool(get, Inputs.Wait, true),
    download: bool(get, Inputs.Download, true),
    downloadDir,
    extract: bool(get, Inputs.Extract, false)
  }
}

export function readUploadInputs(get: GetInput, env: NodeJS.ProcessEnv = process.env): UploadInputs {
  const common = readCommon(get)
  const file = resolve(env.GITHUB_WORKSPACE || process.cwd(), required(get, Inputs.File))
  let size: number
  try {
    const info = statSync(file)
    if (!info.isFile()) throw new InputError(Inputs.File, `${file} is not a file`)
    accessSync(file, fsConstants.R_OK)
    size = info.size
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(Inputs.File, `${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code})`)
  }
  if (size === 0) throw new InputError(Inputs.File, `${file} is empty`)
  const filename = optional(get, Inputs.Filename, basename(file))
  if (/[\u0000-\u001f\u007f/\\]/.test(filename)) {
    throw new InputError(Inputs.Filename, 'must be a bare file name (no directory, no control characters)')
  }
  return {
    ...common,
    file,
    size,
    filename,
    timeoutMs: duration(get, Inputs.Timeout, Defaults.Timeout, 1000, MAX_TIMEOUT_MS)
  }
}

export function readSwitchInputs(get: GetInput): SwitchInputs {
  return { ...readCommon(get), jobId: readJobId(get) }
}
