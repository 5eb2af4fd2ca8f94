// npm run bench [-- --record] [-- --cold-start]: the bundles measured against the limits of this machine, in one run
// (ratios: machines are noisy), as a table of figure, target and verdict. --record writes the table,
// with the machine, its load and the date, to docs/benchmarks.md. Not part of npm test.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib'
import { ROOT, runAction } from '../sim/runner.js'
import { startSimulator, type Simulator } from '../sim/simulator.js'
import { buildZip, type ZipEntry } from '../sim/zip.js'

const KEY = 'bench-key-0123456789abcdef'
const MiB = 1024 * 1024
const scratch = mkdtempSync(join(tmpdir(), 'p1-bench-'))
const rows: { what: string; figure: string; target: string; met: boolean | undefined }[] = []

function row(what: string, figure: string, target: string, met?: boolean): void {
  rows.push({ what, figure, target, met })
  console.log(
    `${what.padEnd(58)} ${figure.padEnd(46)} ${target.padEnd(30)} ${met === undefined ? '' : met ? 'met' : 'MISSED'}`
  )
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value: number): string => `${value.toFixed(0)} ms`
const times = (ratio: number): string => `${ratio.toFixed(2)}x`
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')

/** Polls a process's peak RSS (VmHWM, Linux) every 5 ms; the returned function stops and gives it, in MiB. */
function watchPeak(pid: () => number | undefined): () => number {
  let peak = 0
  const timer = setInterval(() => {
    const id = pid()
    if (id === undefined) return
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024)
    } catch {
      // ended
    }
  }, 5)
  return () => {
    clearInterval(timer)
    return peak
  }
}

/**
 * CPU time (user + system) of this process's children that have ended and been waited for, in ms
 * (Linux, 100 clock ticks a second). Less swayed by a busy machine than wall time: it says what a
 * contender costs, wall time what it takes.
 */
function childrenCpuMs(): number {
  // After "pid (name) ": state is field 3; cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
  return (Number(fields[13]) + Number(fields[14])) * 10
}

interface Timed {
  /** Spawn to exit, wall time. */
  ms: number
  peakMiB: number
  code: number | null
}

/** Runs a process to its end, with only PATH and `env` in its environment. */
function timed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  const started = performance.now()
  const child = spawn(args[0], args.slice(1), { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' })
  const peak = watchPeak(() => child.pid)
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ ms: performance.now() - started, peakMiB: peak(), code }))
  )
}

async function mustSucceed(args: string[]): Promise<Timed> {
  const run = await timed(args)
  if (run.code !== 0) throw new Error(`${args[0]} exited with ${run.code}`)
  return run
}

async function coldStart(): Promise<void> {
  // A server that notes when the first request arrives and answers a documented error (the step ends).
  let arrived = 0
  const server = createServer((_req, res) => {
    arrived = performance.now()
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end('{"code":4001000204,"message":"invalid_api_key."}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const bare = join(scratch, 'bare.mjs')
  writeFileSync(bare, `import http from 'node:http'\nhttp.get('${url}/x', (r) => r.resume())\n`)
  writeFileSync(join(scratch, 'train.csv'), 'a\n1\n')
  const inputs = {
    'INPUT_API-KEY': KEY,
    'INPUT_API-URL': url,
    'INPUT_RETRAIN-JOB-ID': 'j',
    INPUT_FILE: 'train.csv',
    GITHUB_WORKSPACE: scratch
  }
  // The command-line tool reads P1_* variables and its command from the command line.
  const toolVariables = { P1_API_KEY: KEY, P1_API_URL: url, P1_RETRAIN_JOB_ID: 'j' }
  const startToRequest = async (
    script: string,
    args: string[] = [],
    env: NodeJS.ProcessEnv = inputs
  ): Promise<number> => {
    const started = performance.now()
    await timed([process.execPath, script, ...args], env)
    return arrived - started
  }
  const entries: [string, string, string[]?][] = [
    ['wait', 'dist/index.js'],
    ['upload', 'dist/upload/index.js'],
    ['switch', 'dist/switch/index.js'],
    ['tool: prediction-one-retrain wait', 'dist/cli/index.js', ['wait']]
  ]
  const samples = new Map<string, number[]>([['bare', []], ...entries.map(([name]): [string, number[]] => [name, []])])
  const sample = (name: string): number[] => samples.get(name) ?? []
  for (let i = 0; i < 11; i++) {
    sample('bare').push(await startToRequest(bare))
    for (const [name, file, args] of entries)
      sample(name).push(await startToRequest(join(ROOT, file), args, args ? toolVariables : inputs))
  }
  server.close()
  const base = median(sample('bare'))
  row('cold start: bare node, spawn to first request', ms(base), 'the limit')
  for (const [name, file] of entries) {
    const ratio = median(sample(name)) / base
    row(`cold start: ${name}`, `${ms(median(sample(name)))} (${times(ratio)})`, '<= 2x bare node', ratio <= 2)
    const bytes = statSync(join(ROOT, file)).size
    row(`bundle: ${file}`, `${(bytes / 1e6).toFixed(2)} MB`, 'size, evaluated at start')
  }
}

async function polling(sim: Simulator): Promise<void> {
  // The job flips to finished 2.5 s after its first check; checks every second.
  sim.addJob('flip', {
    timeline: [
      { atMs: 0, status: 'running' },
      { atMs: 2500, status: 'job_finished' }
    ]
  })
  const started = Date.now()
  const run = await runAction('wait', {
    'api-key': KEY,
    'api-url': sim.apiUrl,
    'retrain-job-id': 'flip',
    'poll-interval': '1s'
  })
  const ended = started + run.durationMs
  const first = sim.statusChecks('flip')[0]
  const checks = sim.statusChecks('flip').map((c) => c.atMs - first.atMs)
  const flippedAt = (sim.jobs.get('flip')?.firstCheckAt ?? 0) + 2500
  const latency = ended - flippedAt
  row('detection: job finished -> step exited', ms(latency), '<= interval + 50 ms (1050)', latency <= 1050)
  const drift = Math.max(...checks.map((at, n) => Math.abs(at - n * 1000)))
  row(
    'detection: checks vs start + n x interval',
    `${checks.map((c) => c.toFixed(0)).join(', ')} ms`,
    `drift <= 50 ms`,
    drift <= 50
  )

  sim.addJob('long', {
    timeline: [
      { atMs: 0, status: 'running' },
      { atMs: 20_000, status: 'job_finished' }
    ]
  })
  await runAction('wait', { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': 'long', 'poll-interval': '1s' })
  const count = sim.statusChecks('long').length
  row('economy: status requests, job of 20 intervals', String(count), '21 (+1 at most)', count >= 21 && count <= 22)

  sim.addJob('faulty', { statuses: ['job_finished'] })
  sim.fault('status', ...Array.from({ length: 5 }, () => ({ kind: 'http' as const, status: 503 })))
  await runAction('wait', { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': 'faulty', download: 'false' })
  const gaps = sim
    .statusChecks('faulty')
    .map((c, i, all) => (i === 0 ? 0 : c.atMs - all[i - 1].atMs))
    .slice(1)
  const floors = [250, 500, 1000, 2000, 4000]
  row(
    'economy: gaps after 5 transient faults',
    `${gaps.join(', ')} ms`,
    '>= 250, 500, 1000, 2000, 4000',
    gaps.every((g, i) => g >= floors[i] - 10)
  )
}

function payload(bytes: number): Buffer {
  const block = randomBytes(MiB)
  const out = Buffer.allocUnsafe(bytes)
  for (let offset = 0; offset < bytes; offset += MiB) block.copy(out, offset)
  return out
}

async function signedDownloadUrl(sim: Simulator, jobId: string): Promise<string> {
  const answer = await fetch(`${sim.apiUrl}/v1/external/retrain_jobs/${jobId}`, { headers: { 'x-api-key': KEY } })
  return ((await answer.json()) as { download_url: string }).download_url
}

// How @actions/tool-cache downloads: the response piped into a file stream with its defaults.
const PLAIN_NODE = `import http from 'node:http'
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
http.get(process.argv[2], (r) => void pipeline(r, fs.createWriteStream(process.argv[3])))
`

// The best plain-Node pipeline that keeps the file and its sha256: what the action does, without the action.
const HASHING_NODE = `import http from 'node:http'
import fs from 'node:fs'
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
const hash = createHash('sha256')
const hashed = new Transform({
  transform(chunk, _encoding, done) {
    hash.update(chunk)
    done(null, chunk)
  }
})
http.get(process.argv[2], async (r) => {
  await pipeline(r, hashed, fs.createWriteStream(process.argv[3], { highWaterMark: 1048576 }))
  console.log(hash.digest('hex'))
})
`

async function downloads(sim: Simulator): Promise<void> {
  const plainScript = join(scratch, 'plain.mjs')
  const hashingScript = join(scratch, 'hashing.mjs')
  writeFileSync(plainScript, PLAIN_NODE)
  writeFileSync(hashingScript, HASHING_NODE)
  const out = join(scratch, 'download.bin')
  const runs = 7
  for (const size of [64 * MiB, 256 * MiB, 1024 * MiB]) {
    const jobId = `dl-${size}`
    sim.addJob(jobId, { statuses: ['job_finished'], result: payload(size) })
    type Contender = 'action' | 'curl' | 'plain' | 'hashing'
    const found: Record<Contender, number[]> = { action: [], curl: [], plain: [], hashing: [] }
    const cpu: Record<Contender, number[]> = { action: [], curl: [], plain: [], hashing: [] }
    const peaks = { action: [] as number[], hashing: [] as number[] }
    const contenders: [Contender, () => Promise<void>][] = [
      [
        'action',
        async () => {
          let pid: number | undefined
          const peak = watchPeak(() => pid)
          const dir = mkdtempSync(join(scratch, 'wait-'))
          const run = await runAction(
            'wait',
            { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': jobId },
            { onSpawn: (child) => (pid = child.pid), killAfterMs: 600_000, workspace: dir }
          )
          peaks.action.push(peak())
          if (run.code !== 0) throw new Error(`the wait action failed: ${run.stdout}`)
          found.action.push(run.durationMs)
          rmSync(run.dir, { recursive: true, force: true })
          rmSync(dir, { recursive: true, force: true })
        }
      ],
      [
        'curl',
        async () => {
          found.curl.push((await mustSucceed(['curl', '-sf', '-o', out, await signedDownloadUrl(sim, jobId)])).ms)
          rmSync(out, { force: true })
        }
      ],
      [
        'plain',
        async () => {
          const url = await signedDownloadUrl(sim, jobId)
          found.plain.push((await mustSucceed([process.execPath, plainScript, url, out])).ms)
          rmSync(out, { force: true })
        }
      ],
      [
        'hashing',
        async () => {
          const run = await mustSucceed([process.execPath, hashingScript, await signedDownloadUrl(sim, jobId), out])
          found.hashing.push(run.ms)
          peaks.hashing.push(run.peakMiB)
          rmSync(out, { force: true })
        }
      ]
    ]
    // Each contender goes first in turn: a file written just before slows the next by its write-back.
    for (let i = 0; i < runs; i++) {
      for (let n = 0; n < contenders.length; n++) {
        const [name, contend] = contenders[(i + n) % contenders.length]
        const before = childrenCpuMs()
        await contend()
        cpu[name].push(childrenCpuMs() - before)
      }
    }
    sim.jobs.delete(jobId)
    const label = `download ${size / MiB} MiB`
    const wall = (name: Contender): number => median(found[name])
    const used = (name: Contender): number => median(cpu[name])
    const spent = (name: Contender): string => `${ms(wall(name))}, CPU ${ms(used(name))}`
    row(`${label}: curl -o`, spent('curl'), 'reference')
    row(`${label}: node http.get -> createWriteStream`, spent('plain'), 'plain Node')
    row(`${label}: node http.get -> sha256 -> 1 MiB writer`, spent('hashing'), 'best plain Node that hashes')
    row(`${label}: the wait action`, `${spent('action')} (${times(wall('action') / wall('curl'))} curl)`, '')
    for (const [name, limit] of [
      ['hashing', 1.1],
      ['plain', 1]
    ] as const) {
      const ratio = wall('action') / wall(name)
      row(
        `${label}: the wait action / ${name} Node`,
        `${times(ratio)}, CPU ${times(used('action') / used(name))}`,
        `<= ${limit.toFixed(1)}x`,
        ratio <= limit
      )
    }
    const highest = Math.max(...peaks.action)
    row(
      `${label}: peak RSS of the action`,
      `median ${median(peaks.action).toFixed(0)}, max ${highest.toFixed(0)} MiB (hashing Node ${median(peaks.hashing).toFixed(0)})`,
      `<= 160 MiB, ${runs} runs each`,
      highest <= 160
    )
  }
}

async function upload(sim: Simulator): Promise<void> {
  const size = 256 * MiB
  const file = join(scratch, 'train.csv')
  writeFileSync(file, payload(size))
  sim.uploadScript = { statuses: ['job_finished'] }
  const action: number[] = []
  const curl: number[] = []
  const cpu = { action: [] as number[], curl: [] as number[] }
  for (let i = 0; i < 5; i++) {
    let before = childrenCpuMs()
    const run = await runAction(
      'upload',
      { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'train.csv', 'request-timeout': '5m' },
      { workspace: scratch, killAfterMs: 600_000 }
    )
    if (run.code !== 0) throw new Error(`the upload action failed: ${run.stdout}`)
    action.push(run.durationMs)
    cpu.action.push(childrenCpuMs() - before)
    sim.jobs.delete(run.outputs.retrain_job_id)
    rmSync(run.dir, { recursive: true, force: true })
    const answer = await fetch(`${sim.apiUrl}/v1/external/retrain_jobs/upload_url?filename=train.csv`, {
      headers: { 'x-api-key': KEY }
    })
    const { upload_url: url } = (await answer.json()) as { upload_url: string }
    before = childrenCpuMs()
    curl.push((await mustSucceed(['curl', '-sf', '-T', file, url])).ms)
    cpu.curl.push(childrenCpuMs() - before)
  }
  rmSync(file)
  const ratio = median(action) / median(curl)
  row('upload 256 MiB: curl -T', `${ms(median(curl))}, CPU ${ms(median(cpu.curl))}`, 'reference')
  row(
    'upload 256 MiB: the upload action',
    `${ms(median(action))} (${times(ratio)}), CPU ${ms(median(cpu.action))}`,
    '<= 1.25x curl -T',
    ratio <= 1.25
  )
}

/** Text like a CSV of numbers (deflates about 2:1), `bytes` long. */
function digits(bytes: number): Buffer {
  const out = randomBytes(bytes)
  for (let i = 0; i < bytes; i++) out[i] = i % 80 === 79 ? 0x0a : i % 8 === 7 ? 0x2c : 0x30 + (out[i] % 10)
  return out
}

/** 10,000 files of 1 to 3 KiB in 100 folders, deflated. */
function smallFilesZip(): Buffer {
  const entries: ZipEntry[] = []
  for (let i = 0; i < 10_000; i++) {
    entries.push({ name: `result/part-${i % 100}/rows-${i}.csv`, data: digits(1024 + (i % 2048)), deflate: true })
  }
  return buildZip(entries)
}

/**
 * One entry of 1 GiB: 1 MiB of digits deflated once with a full flush (no reference reaches back
 * past it), repeated; inflating it costs what 1 GiB of such text costs.
 */
function bigEntryZip(): Buffer {
  const block = digits(MiB)
  const deflated = deflateRawSync(block, { finishFlush: zlibConstants.Z_FULL_FLUSH })
  const copies = 1024
  let crc = 0
  for (let i = 0; i < copies; i++) crc = crc32(block, crc)
  const bytes = Buffer.concat([...Array.from({ length: copies }, () => deflated), deflateRawSync(Buffer.alloc(0))])
  return buildZip([{ name: 'model.bin', deflated: { bytes, size: copies * MiB, crc } }])
}

/** The wait action's unpack (from its log line before to its log line after) against `unzip -q` of the same file. */
async function unpackRow(sim: Simulator, what: string, zip: Buffer, runs: number, limit: number): Promise<void> {
  const jobId = `unpack-${what}`
  sim.addJob(jobId, { statuses: ['job_finished'], result: zip })
  const action: number[] = []
  const unzip: number[] = []
  const peaks: number[] = []
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(scratch, 'wait-'))
    let began: number | undefined
    let ended: number | undefined
    let pid: number | undefined
    const peak = watchPeak(() => pid)
    const run = await runAction(
      'wait',
      { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': jobId, extract: 'true' },
      {
        workspace: dir,
        killAfterMs: 600_000,
        onSpawn: (child) => (pid = child.pid),
        // The line after the download, and the one after the unpack (stdout to a pipe is synchronous on Linux).
        onStdout: (text) => {
          began ??= /^sha256 [0-9a-f]{64}$/m.test(text) ? performance.now() : undefined
          ended ??= /^Extracted /m.test(text) ? performance.now() : undefined
        }
      }
    )
    peaks.push(peak())
    if (run.code !== 0 || began === undefined || ended === undefined) {
      throw new Error(`the wait action did not unpack: ${run.stdout}`)
    }
    action.push(ended - began)
    const into = join(scratch, 'unzipped')
    unzip.push((await mustSucceed(['unzip', '-q', run.outputs.result_file, '-d', into])).ms)
    const files = readdirSync(into, { recursive: true }).length
    const same = readdirSync(run.outputs.result_dir, { recursive: true }).length
    if (same !== files) throw new Error(`the action unpacked ${same} entries, unzip ${files}`)
    rmSync(into, { recursive: true, force: true })
    rmSync(run.dir, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  }
  sim.jobs.delete(jobId)
  const ratio = median(action) / median(unzip)
  row(`unpack ${what}: unzip -q`, ms(median(unzip)), 'reference')
  row(
    `unpack ${what}: the wait action, in process`,
    `${ms(median(action))} (${times(ratio)}), peak RSS ${Math.max(...peaks).toFixed(0)} MiB`,
    `<= ${limit}x unzip -q, ${runs} runs`,
    ratio <= limit
  )
}

async function unpacks(sim: Simulator): Promise<void> {
  // A stress case: a result zip holds a handful of files. 2x would need a reader of our own around
  // yauzl (removed on 2026-12-03, docs/benchmarks.md); 4x guards against a regression.
  await unpackRow(sim, '10,000 small files', smallFilesZip(), 5, 4)
  await unpackRow(sim, '1 GiB deflated entry', bigEntryZip(), 3, 1.5)
}

const loadBefore = load()
const sim = (await startSimulator()).addKey(KEY)
const header = `${'what'.padEnd(58)} ${'figure'.padEnd(46)} ${'target'.padEnd(30)} verdict`
console.log(`load average before: ${loadBefore}\n${header}`)
try {
  await coldStart()
  // `npm run bench -- --cold-start`: the start-up rows alone (a minute instead of many).
  if (process.argv.includes('--cold-start')) process.exitCode = 0
  else await rest()
} finally {
  await sim.close()
  rmSync(scratch, { recursive: true, force: true })
}

async function rest(): Promise<void> {
  await polling(sim)
  await downloads(sim)
  await upload(sim)
  await unpacks(sim)
}
const loadAfter = load()
console.log(`load average after: ${loadAfter}`)

if (process.argv.includes('--record')) {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}, Node ${process.versions.node}`
  const table = rows.map(
    (r) => `| ${r.what} | ${r.figure} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`
  )
  const page = `# Benchmarks

Recorded by \`npm run bench -- --record\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.
Load average (1, 5, 15 min) before the run: ${loadBefore}; after: ${loadAfter}.
Every figure of one table comes from the same run: compare ratios, not absolute times. Times are
medians, from spawn to exit (the action's include its start and its status request); an unpack
is timed from the action's log line before it to the one after.

| what | figure | target | verdict |
| --- | --- | --- | --- |
${table.join('\n')}
`
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), page)
  console.log('\nrecorded in docs/benchmarks.md')
}
