// A faithful simulator of the Prediction One retrain API, for the tests and the demo.
// Two real HTTP servers on 127.0.0.1, on two ports, so two origins: the API and a storage host that
// serves signed upload and download URLs, as cloud storage would. Only 127.0.0.1: macOS has no
// other loopback address. Jobs follow scripted timelines;
// faults are queued per route and consumed one per request.
import { randomBytes } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { Socket } from 'node:net'

export const DOCUMENTED_CODE = 4001000204
export const CONFIG_CODE = 5001000201

export type Route = 'status' | 'upload_url' | 'update_model' | 'download' | 'put'

export type Fault =
  /** Answer with this HTTP status and body (an HTML page by default). */
  | { kind: 'http'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** Destroy the connection without an answer (ECONNRESET for the client). */
  | { kind: 'reset' }
  /** Accept, then never answer. */
  | { kind: 'hang' }
  /** Downloads: announce the whole length, send only part of it, then cut the connection. */
  | { kind: 'truncate' }
  /** Downloads: answer 403 as cloud storage does for an expired signature. */
  | { kind: 'expired' }
  /** Answer a redirect to this location. */
  | { kind: 'redirect'; location: string; status?: number }
  /** Downloads: send the body in small chunks with a pause between them. */
  | { kind: 'slow'; chunkBytes: number; pauseMs: number }
  /** Any route: a 200 JSON answer that sends one byte every pauseMs and never ends. */
  | { kind: 'trickle'; pauseMs: number }

export interface JobScript {
  /** The status of each check in turn; the last one repeats. */
  statuses?: string[]
  /** Or: statuses by time since the job's first check. */
  timeline?: { atMs: number; status: string }[]
  modelId?: number | string
  message?: string
  /** The result file; a job without one, or with noDownloadUrl, gives no download_url. */
  result?: Buffer
  resultName?: string
  contentDisposition?: string
  noDownloadUrl?: boolean
  /** A download_url of the test's choosing, instead of a signed one on the storage host. */
  downloadUrl?: string
  /** The job answers `This job may be deleted.` */
  deleted?: boolean
  /** The job answers `Not found retrain job.`, as for a job id of another model. */
  unknown?: boolean
}

export type KeyState =
  'active' | 'inactive' | 'not_found' | 'user_deleted' | 'model_deleted' | 'no_config' | 'no_classifier'

export interface ErrorShape {
  /** HTTP status carrying a documented error; the manual does not say which. */
  httpStatus: number
  codeAsString: boolean
  /** Where `code`/`error`/`message` sit: top level, in an object, in an array under a key, or a top-level array. */
  nesting: 'top' | 'object' | 'array' | 'top-array'
}

export interface SeenRequest {
  server: 'api' | 'storage'
  method: string
  path: string
  headers: IncomingHttpHeaders
  atMs: number
  bodyBytes: number
}

interface Job {
  id: string
  script: JobScript
  key: string
  uploaded?: Buffer
  uploadName?: string
  awaitingUpload: boolean
  checks: number
  firstCheckAt?: number
  switched: boolean
}

export interface SimulatorOptions {
  apiHost?: string
  storageHost?: string
}

const MESSAGES: Record<Exclude<KeyState, 'active'>, string> = {
  inactive: 'Inactive_credential.',
  not_found: 'Not_found_credential.',
  user_deleted: 'This user may be deleted.',
  model_deleted: 'This model may be deleted.',
  no_config: 'Not found configuration_file.',
  no_classifier: 'Not found classifier.'
}

export class Simulator {
  readonly requests: SeenRequest[] = []
  readonly keys = new Map<string, KeyState>()
  readonly jobs = new Map<string, Job>()
  errorShape: ErrorShape = { httpStatus: 400, codeAsString: false, nesting: 'top' }
  /** What a job started by an upload goes through. */
  uploadScript: JobScript = {
    statuses: ['running', 'job_finished'],
    modelId: 1,
    result: Buffer.from('PK\u0005\u0006' + '\0'.repeat(18))
  }
  private readonly faults = new Map<Route, Fault[]>()
  private readonly tokens = new Map<string, string>() // download token -> job id
  private readonly sockets = new Set<Socket>()
  private readonly started = Date.now()
  private api?: Server
  private storage?: Server
  private nextJob = 1
  apiUrl = ''
  storageUrl = ''

  constructor(private readonly options: SimulatorOptions = {}) {}

  async start(): Promise<this> {
    this.api = await this.listen(this.options.apiHost ?? '127.0.0.1', (req, res, body) => this.onApi(req, res, body))
    this.storage = await this.listen(this.options.storageHost ?? '127.0.0.1', (req, res, body) =>
      this.onStorage(req, res, body)
    )
    this.apiUrl = `http://${this.options.apiHost ?? '127.0.0.1'}:${port(this.api)}`
    this.storageUrl = `http://${this.options.storageHost ?? '127.0.0.1'}:${port(this.storage)}`
    return this
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await Promise.all([this.api, this.storage].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))))
  }

  addKey(key: string, state: KeyState = 'active'): this {
    this.keys.set(key, state)
    return this
  }

  addJob(id: string, script: JobScript, key?: string): this {
    const owner = key ?? [...this.keys.keys()][0] ?? ''
    this.jobs.set(id, { id, script, key: owner, awaitingUpload: false, checks: 0, switched: false })
    return this
  }

  fault(route: Route, ...faults: Fault[]): this {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults])
    return this
  }

  seen(server: 'api' | 'storage', pathPrefix = ''): SeenRequest[] {
    return this.requests.filter((r) => r.server === server && r.path.startsWith(pathPrefix))
  }

  /** The status checks made for one job. */
  statusChecks(jobId: string): SeenRequest[] {
    const path = `/v1/external/retrain_jobs/${encodeURIComponent(jobId)}`
    return this.requests.filter((r) => r.server === 'api' && r.method === 'GET' && r.path === path)
  }

  private async listen(
    host: string,
    handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void
  ): Promise<Server> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => handler(req, res, Buffer.concat(chunks)))
      req.on('error', () => undefined)
    })
    server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    return server
  }

  private record(server: 'api' | 'storage', req: IncomingMessage, body: Buffer): void {
    this.requests.push({
      server,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      atMs: Date.now() - this.started,
      bodyBytes: body.length
    })
  }

  /** Plays a queued fault; true when it answered (or dropped) the request. */
  private playFault(route: Route, res: ServerResponse, job?: Job): boolean {
    const fault = this.faults.get(route)?.shift()
    if (!fault) return false
    switch (fault.kind) {
      case 'http':
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html', ...fault.headers })
        res.end(fault.body ?? `<html><body><h1>${fault.status}</h1>gateway says no</body></html>`)
        return true
      case 'reset':
        res.socket?.destroy()
        return true
      case 'hang':
        return true
      case 'expired':
        res.writeHead(403, { 'content-type': 'application/xml' })
        res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')
        return true
      case 'redirect':
        res.writeHead(fault.status ?? 302, { location: fault.location })
        res.end()
        return true
      case 'truncate': {
        // A result file, or for an API route a status answer cut in the middle.
        const data =
          job?.script.result ?? Buffer.from(JSON.stringify({ status: 'job_finished', padding: 'x'.repeat(256) }))
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(data.length) })
        res.write(data.subarray(0, Math.floor(data.length / 2)), () => res.socket?.destroy())
        return true
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' })
        const body = `{"status":"running","padding":"${'x'.repeat(1_000_000)}"}`
        let offset = 0
        const next = (): void => {
          if (res.destroyed || offset >= body.length) return
          res.write(body[offset++])
          setTimeout(next, fault.pauseMs)
        }
        next()
        return true
      }
      case 'slow': {
        const data = job?.script.result ?? Buffer.alloc(0)
        this.sendFileHead(res, job)
        let offset = 0
        const next = (): void => {
          if (res.destroyed) return
          if (offset >= data.length) return void res.end()
          res.write(data.subarray(offset, offset + fault.chunkBytes))
          offset += fault.chunkBytes
          setTimeout(next, fault.pauseMs)
        }
        next()
        return true
      }
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  private apiError(res: ServerResponse, message: string, code = DOCUMENTED_CODE): void {
    const shape = this.errorShape
    const fields = {
      code: shape.codeAsString ? String(code) : code,
      error: code === DOCUMENTED_CODE ? 'PREDA_EXTERNAL_BAD_REQUEST' : 'PREDA_EXTERNAL_INTERNAL_SERVER_ERROR',
      message
    }
    const body =
      shape.nesting === 'top'
        ? fields
        : shape.nesting === 'object'
          ? { detail: fields }
          : shape.nesting === 'array'
            ? { errors: [fields] }
            : [fields]
    this.json(res, code === CONFIG_CODE ? 500 : shape.httpStatus, body)
  }

  /** The documented key checks; true when the request was refused. */
  private refuseKey(req: IncomingMessage, res: ServerResponse, allowed: KeyState[]): boolean {
    const key = req.headers['x-api-key']
    const state = typeof key === 'string' ? this.keys.get(key) : undefined
    if (state === undefined) {
      this.apiError(res, 'invalid_api_key.')
      return true
    }
    if (state === 'active' || !allowed.includes(state)) return false
    this.apiError(res, MESSAGES[state], state === 'no_config' ? CONFIG_CODE : DOCUMENTED_CODE)
    return true
  }

  private onApi(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    this.record('api', req, body)
    const url = new URL(req.url ?? '/', 'http://api')
    const keyStates: KeyState[] = ['inactive', 'not_found']
    if (req.method === 'GET' && url.pathname === '/v1/external/retrain_jobs/upload_url') {
      if (this.playFault('upload_url', res)) return
      if (this.refuseKey(req, res, [...keyStates, 'user_deleted', 'model_deleted', 'no_config'])) return
      const filename = url.searchParams.get('filename') ?? ''
      const id = `rj-${String(this.nextJob++).padStart(4, '0')}-${randomBytes(3).toString('hex')}`
      this.jobs.set(id, {
        id,
        script: { ...this.uploadScript },
        key: String(req.headers['x-api-key']),
        awaitingUpload: true,
        checks: 0,
        switched: false
      })
      const token = randomBytes(16).toString('hex')
      this.tokens.set(`upload:${token}`, id)
      const upload = `${this.storageUrl}/uploads/${id}/${encodeURIComponent(filename)}?X-Signature=${token}`
      return this.json(res, 200, { retrain_job_id: id, upload_url: upload })
    }
    const match = /^\/v1\/external\/retrain_jobs\/([^/]+)(\/update_model)?$/.exec(url.pathname)
    if (!match) return this.json(res, 404, { message: 'Not Found' })
    const id = decodeURIComponent(match[1])
    const isSwitch = match[2] !== undefined
    if (isSwitch && req.method !== 'PUT') return this.json(res, 405, { message: 'Method Not Allowed' })
    if (!isSwitch && req.method !== 'GET') return this.json(res, 405, { message: 'Method Not Allowed' })
    if (this.playFault(isSwitch ? 'update_model' : 'status', res)) return
    if (this.refuseKey(req, res, isSwitch ? [...keyStates, 'no_classifier'] : keyStates)) return
    const job = this.jobs.get(id)
    if (!job || job.key !== req.headers['x-api-key'] || job.script.unknown) {
      return this.apiError(res, 'Not found retrain job.')
    }
    if (job.script.deleted) return this.apiError(res, 'This job may be deleted.')
    if (isSwitch) {
      if (this.currentStatus(job, false) !== 'job_finished') return this.apiError(res, 'Retrain job is not finished.')
      job.switched = true
      return this.json(res, 200, { metadata: { retrain_job_id: id } })
    }
    this.json(res, 200, this.statusBody(job))
  }

  private currentStatus(job: Job, advance: boolean): string {
    if (job.awaitingUpload) return 'waiting_for_upload'
    const script = job.script
    if (script.timeline) {
      if (advance && job.firstCheckAt === undefined) job.firstCheckAt = Date.now()
      const elapsed = Date.now() - (job.firstCheckAt ?? Date.now())
      let status = script.timeline[0]?.status ?? 'running'
      for (const step of script.timeline) if (elapsed >= step.atMs) status = step.status
      return status
    }
    const statuses = script.statuses ?? ['running', 'job_finished']
    const index = Math.min(advance ? job.checks++ : Math.max(job.checks - 1, 0), statuses.length - 1)
    return statuses[index]
  }

  private statusBody(job: Job): Record<string, unknown> {
    const status = this.currentStatus(job, true)
    const body: Record<string, unknown> = { status, metadata: { retrain_job_id: job.id } }
    const script = job.script
    const finished = status === 'job_finished'
    const ended = finished || /fail|error|cancel|abort/i.test(status)
    if (script.modelId !== undefined && ended) body.model_id = script.modelId
    if (script.message !== undefined && ended) body.message = script.message
    if (finished && script.downloadUrl) {
      body.download_url = script.downloadUrl
    } else if (finished && script.result && !script.noDownloadUrl) {
      const token = randomBytes(16).toString('hex')
      this.tokens.set(`download:${token}`, job.id)
      const name = encodeURIComponent(script.resultName ?? 'result.zip')
      body.download_url = `${this.storageUrl}/results/${job.id}/${name}?X-Signature=${token}&Expires=3600`
    }
    return body
  }

  private sendFileHead(res: ServerResponse, job?: Job): void {
    const data = job?.script.result ?? Buffer.alloc(0)
    const headers: Record<string, string> = { 'content-type': 'application/zip', 'content-length': String(data.length) }
    if (job?.script.contentDisposition) headers['content-disposition'] = job.script.contentDisposition
    res.writeHead(200, headers)
  }

  private onStorage(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    this.record('storage', req, body)
    const url = new URL(req.url ?? '/', 'http://storage')
    const token = url.searchParams.get('X-Signature') ?? ''
    if (req.method === 'PUT' && url.pathname.startsWith('/uploads/')) {
      const id = this.tokens.get(`upload:${token}`)
      const job = id ? this.jobs.get(id) : undefined
      if (this.playFault('put', res, job)) return
      if (!job) return this.signatureRefused(res)
      const expected = Number(req.headers['content-length'])
      if (!Number.isFinite(expected) || expected !== body.length) {
        res.writeHead(400, { 'content-type': 'application/xml' })
        return void res.end('<Error><Code>IncompleteBody</Code></Error>')
      }
      job.uploaded = body
      job.uploadName = decodeURIComponent(url.pathname.split('/').pop() ?? '')
      job.awaitingUpload = false
      res.writeHead(200)
      return void res.end()
    }
    if (req.method === 'GET' && url.pathname.startsWith('/results/')) {
      const id = this.tokens.get(`download:${token}`)
      const job = id ? this.jobs.get(id) : undefined
      if (this.playFault('download', res, job)) return
      if (!job) return this.signatureRefused(res)
      this.sendFileHead(res, job)
      return void res.end(job.script.result)
    }
    res.writeHead(404)
    res.end()
  }

  private signatureRefused(res: ServerResponse): void {
    res.writeHead(403, { 'content-type': 'application/xml' })
    res.end('<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code></Error>')
  }
}

function port(server: Server): number {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no port')
  return address.port
}

export async function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  return new Simulator(options).start()
}
