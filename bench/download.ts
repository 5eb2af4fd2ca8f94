// Prints how the bundles' memory and time grow with the file size: the download (wait action) and
// the upload, each against the simulator on loopback. Peak RSS is the child's VmHWM from /proc.
// Compare the rows of one run with each other (ratios); absolute numbers depend on the machine.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator } from '../sim/simulator.js'
import { runAction, type ActionRun } from '../sim/runner.js'

const KEY = 'bench-key'
const MiB = 1024 * 1024
const sizes = (process.argv[2] ?? '8,64,512').split(',').map((n) => Number(n) * MiB)

function peakRss(pid: number | undefined, peak: { kib: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (hwm) peak.kib = Math.max(peak.kib, Number(hwm[1]))
    } catch {
      // the process has ended
    }
  }, 10)
}

async function measured(run: (onSpawn: (pid?: number) => void) => Promise<ActionRun>) {
  const peak = { kib: 0 }
  let timer: NodeJS.Timeout | undefined
  const result = await run((pid) => (timer = peakRss(pid, peak)))
  clearInterval(timer)
  if (result.code !== 0) throw new Error(result.stdout + result.stderr)
  return { run: result, peakMiB: peak.kib / 1024 }
}

// The same pseudo-random block repeated: cheap to make, still incompressible enough for a test.
function payload(bytes: number): Buffer {
  const block = randomBytes(MiB)
  const out = Buffer.allocUnsafe(bytes)
  for (let offset = 0; offset < bytes; offset += MiB) block.copy(out, offset)
  return out
}

const sim = (await startSimulator()).addKey(KEY)
const rows: string[] = []
try {
  for (const size of sizes) {
    const data = payload(size)
    const hash = createHash('sha256')
    for (let offset = 0; offset < size; offset += 256 * MiB) hash.update(data.subarray(offset, offset + 256 * MiB))
    const sha = hash.digest('hex')
    const jobId = `bench-${size}`
    sim.addJob(jobId, { statuses: ['job_finished'], result: data })
    const down = await measured((onSpawn) =>
      runAction(
        'wait',
        { 'api-key': KEY, 'api-url': sim.apiUrl, 'retrain-job-id': jobId },
        { onSpawn: (c) => onSpawn(c.pid), killAfterMs: 600_000 }
      )
    )
    if (down.run.outputs.result_sha256 !== sha) throw new Error('download: sha256 differs')
    rmSync(down.run.dir, { recursive: true, force: true })

    const dir = mkdtempSync(join(tmpdir(), 'p1-bench-'))
    writeFileSync(join(dir, 'train.csv'), data)
    sim.uploadScript = { statuses: ['job_finished'] }
    const up = await measured((onSpawn) =>
      runAction(
        'upload',
        { 'api-key': KEY, 'api-url': sim.apiUrl, file: join(dir, 'train.csv'), 'request-timeout': '5m' },
        {
          onSpawn: (c) => onSpawn(c.pid),
          workspace: dir,
          killAfterMs: 600_000
        }
      )
    )
    const uploaded = sim.jobs.get(up.run.outputs.retrain_job_id)?.uploaded
    if (!uploaded?.equals(data)) throw new Error('upload: bytes differ')
    sim.jobs.delete(up.run.outputs.retrain_job_id)
    sim.jobs.delete(jobId)
    rmSync(dir, { recursive: true, force: true })

    const mbps = (run: ActionRun): string => (size / MiB / (run.durationMs / 1000)).toFixed(0).padStart(6)
    rows.push(
      `${String(size / MiB).padStart(7)} MiB | download ${String(down.run.durationMs).padStart(6)} ms ${mbps(down.run)} MiB/s peak RSS ${down.peakMiB.toFixed(0).padStart(4)} MiB` +
        ` | upload ${String(up.run.durationMs).padStart(6)} ms ${mbps(up.run)} MiB/s peak RSS ${up.peakMiB.toFixed(0).padStart(4)} MiB`
    )
    console.log(rows[rows.length - 1])
  }
} finally {
  await sim.close()
}
