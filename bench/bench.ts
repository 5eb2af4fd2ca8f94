// npm run bench [-- --record]: the bundles measured against the limits of this machine, in one run
// (ratios: machines are noisy), as a table of figure, target and verdict. --record writes the table,
// with the machine and the date, to docs/benchmarks.md. Not part of npm test.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { ROOT, runAction, type ActionRun } from '../sim/runner.js'
import { startSimulator, type Simulator } from '../sim/simulator.js'

const KEY = 'bench-key-0123456789abcdef'
const MiB = 1024 * 1024
const scratch = mkdtempSync(join(tmpdir(), 'p1-bench-'))
const rows: { what: string; figure: string; target: string; met: boolean | undefined }[] = []

function row(what: string, figure: string, target: string, met?: boolean): void {
  rows.push({ what, figure, target, met })
  console.log(
    `${what.padEnd(44)} ${figure.padEnd(34)} ${target.padEnd(26)} ${met === undefined ? '' : met ? 'met' : 'MISSED'}`
  )
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value: number): string => `${value.toFixed(0)} ms`

/** Runs a process to its end; its peak RSS from /proc (Linux), in MiB. */
function timed(
  args: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<{ ms: number; peakMiB: number; code: number | null }> {
  const started = process.hrtime.bigint()
  const child = spawn(args[0], args.slice(1), { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' })
  let peak = 0
  const timer = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024)
    } catch {
      // ended
    }
  }, 5)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(timer)
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, peakMiB: peak, code })
    })
  )
}

async function coldStart(): Promise<void> {
  // A server that notes when the first request arrives and answers a documented error (the step ends).
  let arrived = 0n
  const server = createServer((_req, res) => {
    arrived = process.hrtime.bigint()
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
  const startToRequest = async (script: string): Promise<number> => {
    const started = process.hrtime.bigint()
    await timed([process.execPath, script], inputs)
    return Number(arrived - started) / 1e6
  }
  const entries: [string, string][] = [
    ['wait', 'dist/index.js'],
    ['upload', 'dist/upload/index.js'],
    ['switch', 'dist/switch/index.js']
  ]
  const samples: Record<string, number[]> = { bare: [], wait: [], upload: [], switch: [] }
  for (let i = 0; i < 11; i++) {
    samples.bare.push(await startToRequest(bare))
    for (const [name, file] of entries) samples[name].push(await startToRequest(join(ROOT, file)))
  }
  server.close()
  const base = median(samples.bare)
  row('cold start: bare node, spawn to first request', ms(base), 'the limit')
  for (const [name, file] of entries) {
    const ratio = median(samples[name]) / base
    row(`cold start: ${name}`, `${ms(median(samples[name]))} (${ratio.toFixed(2)}x)`, '<= 1.1x bare node', ratio <= 1.1)
    const bytes = statSync(join(ROOT, file)).size
    row(`bundle: ${file}`, `${(bytes / 1e6).toFixed(2)} MB`, 'size, evaluated at start')
  }
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

const BEST_NODE_WRITER = `import http from 'node:http'
import { open } from 'node:fs/promises'
const file = await open(process.argv[3], 'w')
let batch = [], size = 0, queued = 0, writing = Promise.resolve()
http.get(process.argv[2], (r) => {
  r.on('data', (chunk) => {
    batch.push(chunk)
    size += chunk.length
    if (size < 1048576) return
    const buffers = batch
    batch = []
    size = 0
    // One batch written while the next gathers; the socket waits only when two are queued.
    if (++queued > 1) r.pause()
    writing = writing.then(() => file.writev(buffers)).then(() => --queued < 2 && r.resume())
  })
  r.on('end', async () => {
    await writing
    await file.writev(batch)
    await file.close()
  })
})
`

async function downloads(sim: Simulator): Promise<void> {
  const peaks: number[] = []
  const privatePeaks: number[] = []
  for (const size of [64 * MiB, 256 * MiB, 1024 * MiB]) {
    const data = payload(size)
    const jobId = `dl-${size}`
    sim.addJob(jobId, { statuses: ['job_finished'], result: data })
    const runs = 3
    const action: number[] = []
    const curl: number[] = []
    const node: number[] = []
    const discard: number[] = []
    const batched: number[] = []
    const runPeaks: number[] = []
    const runPrivate: number[] = []
    for (let i = 0; i < runs; i++) {
      // Alternating runs: the action, curl -o and a bare Node http.get piped to a file.
      const dir = mkdtempSync(join(scratch, 'wait-'))
      const started = Date.now()
      let pid: number | undefined
      const rss = { peak: 0, private: 0 }
      const timer = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8')
          const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
          if (hwm) rss.peak = Math.max(rss.peak, Number(hwm[1]) / 1024)
          // RSS also counts the pages of the node binary mapped in as code paths run (shared, not
          // the action's own): the anonymous part is the memory the action holds.
          const anon = /RssAnon:\s+(\d+) kB/.exec(status)
          if (anon) rss.private = Math.max(rss.private, Number(anon[1]) / 1024)
        } catch {
          // not started or ended
        }
      }, 5)
      const run: ActionRun = await runAction(
        'wait',
        { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': jobId },
        { onSpawn: (child) => (pid = child.pid), killAfterMs: 600_000, workspace: dir }
      )
      clearInterval(timer)
      if (run.code !== 0) throw new Error(`the wait action failed: ${run.stdout}`)
      action.push(Date.now() - started)
      runPeaks.push(rss.peak)
      runPrivate.push(rss.private)
      rmSync(run.dir, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
      const out = join(scratch, 'curl.bin')
      curl.push((await timed(['curl', '-s', '-o', out, await signedDownloadUrl(sim, jobId)])).ms)
      rmSync(out, { force: true })
      const floor = join(scratch, 'floor.mjs')
      writeFileSync(
        floor,
        `import http from 'node:http'; import fs from 'node:fs'\nhttp.get(process.argv[2], (r) => r.pipe(fs.createWriteStream(process.argv[3])))\n`
      )
      node.push((await timed([process.execPath, floor, await signedDownloadUrl(sim, jobId), out])).ms)
      rmSync(out, { force: true })
      // Node's http alone, the body read and dropped: no disk, no hash. What any action built on
      // Node's http (as @actions/http-client is) cannot go below.
      const receive = join(scratch, 'receive.mjs')
      writeFileSync(receive, `import http from 'node:http'\nhttp.get(process.argv[2], (r) => r.resume())\n`)
      discard.push((await timed([process.execPath, receive, await signedDownloadUrl(sim, jobId)])).ms)
      // Node's http to a file at its best: 1 MiB batches, one writev each, no hash. What an action
      // that keeps the file can reach on Node's http.
      const best = join(scratch, 'best.mjs')
      writeFileSync(best, BEST_NODE_WRITER)
      batched.push((await timed([process.execPath, best, await signedDownloadUrl(sim, jobId), out])).ms)
      rmSync(out, { force: true })
    }
    sim.jobs.delete(jobId)
    const peak = Math.max(...runPeaks)
    peaks.push(median(runPeaks))
    privatePeaks.push(median(runPrivate))
    const label = `${size / MiB} MiB`
    if (size === 64 * MiB) {
      row(`download ${label}: peak RSS of the action`, `${peak.toFixed(0)} MiB`, '<= 110 MiB', peak <= 110)
      continue
    }
    const ratio = median(action) / median(curl)
    row(`download ${label}: curl -o`, ms(median(curl)), 'the limit')
    row(
      `download ${label}: node http.get piped to a file`,
      `${ms(median(node))} (${(median(node) / median(curl)).toFixed(2)}x)`,
      'plain Node: the floor asked for'
    )
    row(
      `download ${label}: node http.get, body dropped`,
      `${ms(median(discard))} (${(median(discard) / median(curl)).toFixed(2)}x)`,
      "Node's http alone, no disk"
    )
    row(
      `download ${label}: node http.get, 1 MiB writev, no hash`,
      `${ms(median(batched))} (${(median(batched) / median(curl)).toFixed(2)}x)`,
      "Node's http writing a file, at best"
    )
    row(
      `download ${label}: the wait action`,
      `${ms(median(action))} (${ratio.toFixed(2)}x)`,
      '<= 1.35x curl',
      ratio <= 1.35
    )
    row(`download ${label}: peak RSS of the action`, `${peak.toFixed(0)} MiB`, '<= 110 MiB', peak <= 110)
  }
  const spread = Math.max(...peaks) / Math.min(...peaks) - 1
  row(
    'download: median peak RSS, 64 MiB vs 256 MiB vs 1 GiB',
    `${peaks.map((p) => p.toFixed(0)).join(' / ')} MiB, ${(spread * 100).toFixed(0)}% apart`,
    'within 10%',
    spread <= 0.1
  )
  const privateSpread = Math.max(...privatePeaks) / Math.min(...privatePeaks) - 1
  row(
    'download: median peak RssAnon, same runs',
    `${privatePeaks.map((p) => p.toFixed(0)).join(' / ')} MiB, ${(privateSpread * 100).toFixed(0)}% apart`,
    "the action's own memory, no target"
  )
}

async function upload(sim: Simulator): Promise<void> {
  const size = 256 * MiB
  const file = join(scratch, 'train.csv')
  writeFileSync(file, payload(size))
  sim.uploadScript = { statuses: ['job_finished'] }
  const action: number[] = []
  const curl: number[] = []
  for (let i = 0; i < 3; i++) {
    const started = Date.now()
    const run = await runAction(
      'upload',
      { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'train.csv', 'request-timeout': '5m' },
      { workspace: scratch, killAfterMs: 600_000 }
    )
    if (run.code !== 0) throw new Error(`the upload action failed: ${run.stdout}`)
    action.push(Date.now() - started)
    sim.jobs.delete(run.outputs.retrain_job_id)
    rmSync(run.dir, { recursive: true, force: true })
    const answer = await fetch(`${sim.apiUrl}/v1/external/retrain_jobs/upload_url?filename=train.csv`, {
      headers: { 'x-api-key': KEY }
    })
    const { upload_url: url } = (await answer.json()) as { upload_url: string }
    curl.push((await timed(['curl', '-s', '-T', file, url])).ms)
  }
  const ratio = median(action) / median(curl)
  row('upload 256 MiB: curl -T', ms(median(curl)), 'the limit')
  row(
    'upload 256 MiB: the upload action',
    `${ms(median(action))} (${ratio.toFixed(2)}x)`,
    '<= 1.35x curl',
    ratio <= 1.35
  )
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

const sim = (await startSimulator()).addKey(KEY)
const header = `${'what'.padEnd(44)} ${'figure'.padEnd(34)} ${'target'.padEnd(26)} verdict`
console.log(header)
try {
  await coldStart()
  await polling(sim)
  await downloads(sim)
  await upload(sim)
} finally {
  await sim.close()
  rmSync(scratch, { recursive: true, force: true })
}

if (process.argv.includes('--record')) {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}, Node ${process.versions.node}`
  const table = rows.map(
    (r) => `| ${r.what} | ${r.figure} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`
  )
  const page = `# Benchmarks

Recorded by \`npm run bench -- --record\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.
Every figure of one table comes from the same run: compare ratios, not absolute times.

| what | figure | target | verdict |
| --- | --- | --- | --- |
${table.join('\n')}
`
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), page)
  console.log('\nrecorded in docs/benchmarks.md')
}
