// What a newcomer meets first: every scenario of the simulator, run through the bundles, and
// npm run local (sim/local.ts) as a person runs it from a folder of their own.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { failure, ROOT, runAction, type ActionRun } from '../../sim/runner.js'
import { playScenario, SCENARIOS } from '../../sim/scenarios.js'
import { startSimulator, type Simulator } from '../../sim/simulator.js'
import { assertNoSecrets } from '../helpers/secrets.js'

const KEY = 'p1-local-key-3c9d41f7a2'
const sims: Simulator[] = []
afterAll(() => Promise.all(sims.map((sim) => sim.close())))

async function simulator(name: string): Promise<Simulator> {
  const sim = playScenario(await startSimulator(), SCENARIOS[name], KEY)
  sims.push(sim)
  return sim
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'p1-local-ws-'))
  writeFileSync(join(dir, 'train.csv'), 'x,target\n1,0\n2,1\n')
  return dir
}

/** Upload, then (if it gave a job) one wait, as a user of the scenario would run them. */
async function chain(name: string, wait: Record<string, string> = {}): Promise<[ActionRun, ActionRun?]> {
  const sim = await simulator(name)
  const api = { 'api-key': KEY, 'api-url': sim.apiUrl }
  const upload = await runAction('upload', { ...api, file: 'train.csv' }, { workspace: workspace() })
  const jobId = upload.outputs.retrain_job_id
  if (!jobId) return [upload]
  const waited = await runAction('wait', { ...api, 'retrain-job-id': jobId, 'poll-interval': '1s', ...wait })
  return [upload, waited]
}

// One row a scenario: a new scenario without a row fails the last test.
const OUTCOMES: Record<string, (upload: ActionRun, wait?: ActionRun) => void> = {
  finished: (_, wait) => assert.equal(wait?.outputs.status, 'job_finished', wait && failure(wait)),
  failed: (_, wait) => {
    assert.equal(wait?.code, 1)
    assert.equal(wait?.outputs.status, 'job_failed')
  },
  'wrong-key': (upload, wait) => {
    assert.equal(upload.code, 1)
    assert.equal(wait, undefined)
    assert.match(failure(upload), /"invalid_api_key\.": the API key does not exist/)
  },
  'unknown-job': (upload, wait) => {
    assert.equal(upload.code, 0, failure(upload))
    assert.equal(wait?.code, 1)
    assert.match(failure(wait), /"Not found retrain job\.": the retrain job id is wrong/)
  },
  deleted: (upload, wait) => {
    assert.equal(upload.code, 0, failure(upload))
    assert.equal(wait?.code, 1)
    assert.match(failure(wait), /"This job may be deleted\.": the retrain job may have been deleted/)
  },
  // Checked once, without waiting: a minute is too long for a test; the timeline says the rest.
  slow: (upload, wait) => {
    assert.equal(upload.code, 0, failure(upload))
    assert.equal(wait?.code, 0, wait && failure(wait))
    assert.equal(wait?.outputs.status, 'queued')
    expect(SCENARIOS.slow.script.timeline?.at(-1)).toEqual({ atMs: 60_000, status: 'job_finished' })
  },
  hiccup: (upload, wait) => {
    assert.equal(upload.code, 0, failure(upload))
    assert.equal(wait?.outputs.status, 'job_finished', wait && failure(wait))
    assert.match(upload.stdout, /HTTP 503/)
    assert.match(wait?.stdout ?? '', /HTTP 502/)
  }
}

describe('the simulator scenarios, through the bundles', () => {
  for (const name of Object.keys(OUTCOMES)) {
    test.concurrent(name, async () => {
      const [upload, wait] = await chain(name, name === 'slow' ? { wait: 'false' } : {})
      OUTCOMES[name](upload, wait)
      for (const run of [upload, wait]) if (run) assertNoSecrets(run, KEY)
    })
  }

  test('every scenario has its outcome checked', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(OUTCOMES).sort())
  })
})

/** npm run local from `cwd` (INIT_CWD, as npm sets it), its temporary folders under `temp`. */
async function local(
  args: string[],
  cwd: string,
  temp: string
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim/local.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: cwd, TMPDIR: temp, TEMP: temp, TMP: temp, RUNNER_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, out: out.replaceAll('\r\n', '\n'), err }
}

/** The runs' temporary folders (the runner emulation names them p1-<action>-...). */
const runFolders = (temp: string): string[] => readdirSync(temp).filter((name) => name.startsWith('p1-'))

describe('npm run local', () => {
  test('from a folder of your own: unexpected inputs warned of, the next step printed, debug lines shown, temp folders removed', async () => {
    const sim = await simulator('finished')
    const user = workspace()
    const temp = mkdtempSync(join(tmpdir(), 'p1-local-tmp-'))
    mkdirSync(join(user, 'config'))
    const inputs = join(user, 'config', 'my.env')
    // The README's .env: poll-interval is the wait's input, not the upload's.
    writeFileSync(
      inputs,
      `INPUT_API-KEY=${KEY}\nINPUT_API-URL=${sim.apiUrl}\nINPUT_FILE=train.csv\nINPUT_POLL-INTERVAL=1s\n`
    )

    const upload = await local(['upload', '--inputs', 'config/my.env'], user, temp)
    assert.equal(upload.code, 0, upload.out + upload.err)
    assert.ok(
      upload.out.includes(
        "Warning: Unexpected input(s) 'poll-interval', valid inputs are ['api-key', 'file', 'filename', 'validate', 'api-url', 'request-timeout', 'timeout']"
      ),
      upload.out
    )
    const next = /^INPUT_RETRAIN-JOB-ID=(rj-\S+)$/m.exec(upload.out)
    assert.ok(next, `the line for the next step is printed:\n${upload.out}`)
    // Nothing of the run is left: no result files to keep (tsx keeps a cache of its own there).
    expect(runFolders(temp)).toEqual([])

    appendFileSync(inputs, `${next[0]}\nRUNNER_DEBUG=1\n`)
    const wait = await local(['wait', '--inputs', 'config/my.env'], user, temp)
    assert.equal(wait.code, 0, wait.out + wait.err)
    assert.match(wait.out, /^ {2}\| Debug: check 1 after /m)
    // One file for both steps: the upload's file is no input of the wait.
    assert.match(wait.out, /^Warning: Unexpected input\(s\) 'file', valid inputs are \['api-key', 'retrain-job-id'/m)
    const kept = /^The result is kept in (.+) \(delete it when done\)\.$/m.exec(wait.out)
    assert.ok(kept && existsSync(kept[1]), wait.out)
    assert.equal(runFolders(temp).length, 1, 'only the run holding the result is kept')
    for (const run of [upload, wait]) assert.ok(!(run.out + run.err).includes(KEY), 'the key is not shown')
  })

  test('without RUNNER_DEBUG, no debug lines', async () => {
    const sim = await simulator('finished')
    const user = workspace()
    const temp = mkdtempSync(join(tmpdir(), 'p1-local-tmp-'))
    writeFileSync(join(user, '.env'), `INPUT_API-KEY=${KEY}\nINPUT_API-URL=${sim.apiUrl}\nINPUT_RETRAIN-JOB-ID=nope\n`)
    const run = await local(['wait'], user, temp)
    assert.equal(run.code, 1)
    assert.match(run.out, /Not found retrain job/)
    assert.doesNotMatch(run.out, /Debug:/)
  })

  test('a missing inputs file: the project says which file it looked for, resolved from where you ran it', async () => {
    const user = mkdtempSync(join(tmpdir(), 'p1-local-none-'))
    const run = await local(['wait', '--inputs', 'missing.env'], user, user)
    assert.equal(run.code, 2)
    assert.ok(run.err.includes(`npm run local: no inputs file ${join(user, 'missing.env')}`), run.err)
  })
})
