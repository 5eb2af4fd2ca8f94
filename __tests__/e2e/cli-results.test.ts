// What the tool leaves for the CI system, against hostile API text and signals: Azure output
// variables, text that no runner obeys, no secret, and results written when it is stopped.
// One test at a time: each starts Node processes, and the deadline tests of the actions, in the
// other Jest worker, miss their margins on a busy two-core machine when these run four at once.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { jsonOf, parseDotenv, runTool, type ToolRun } from '../../sim/tool-runner.js'
import { runnerCommands } from '../helpers/commands.js'
import { jsonAnswer, simulatorFixture, withSimulator } from '../helpers/fixture.js'
import { signalTest } from '../helpers/signals.js'
import { assertToolNoSecrets, azureCommands, azureVariables, toolEnv, toolFailure } from '../helpers/tool.js'

const KEY = 'p1-cli-results-key-3b9e77a1'
const fixture = simulatorFixture(KEY)
const env = (extra: Record<string, string> = {}): Record<string, string> => toolEnv(KEY, fixture.sim.apiUrl, extra)
const failure = toolFailure
const MARK = 'FORGED'
// Every way API text could become a command of GitHub's runner or the Azure agent.
const HOSTILE = [
  `ok`,
  `::error title=${MARK}::x`,
  `##vso[task.setvariable variable=P1_STATUS;isOutput=true]${MARK}`,
  `text ##VSO[task.complete result=Failed]${MARK}`,
  `##[error]${MARK}`,
  `mid ##[set-output name=x;]${MARK}`,
  `100% done; a]b`
].join('\n')

describe('Azure Pipelines (TF_BUILD=True): the outputs as output variables', () => {
  test('on stdout without --json, escaped as Azure reads them; the log obeys nothing', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['job_finished'] })
      sim.fault('status', jsonAnswer(200, { status: 'job_finished', model_id: 12, message: HOSTILE, metadata: {} }))
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--no-download'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl, TF_BUILD: 'True' }
      })
      assert.equal(run.code, 0, failure(run))
      assert.deepEqual(azureVariables(run.stdout), {
        P1_STATUS: 'job_finished',
        P1_MODEL_ID: '12',
        P1_MESSAGE: HOSTILE,
        P1_RETRAIN_JOB_ID: 'j'
      })
      // Nothing but the four variables: the API's text set no variable and completed no task.
      assert.equal(azureCommands(run.stdout).length, 4)
      assert.deepEqual(azureCommands(run.stderr), [], 'the log, where the message is shown, obeys nothing')
      assert.match(run.stderr, /model 12: ok\\n:\u200b:error title=FORGED:\u200b:x/)
      assert.ok(run.stderr.includes(`#\u200b#vso[task.setvariable`), 'shown, and still readable')
      assertToolNoSecrets(run, KEY)
    })
  })

  test('with --json: stdout holds the JSON alone; the variables go to stderr, which the agent also reads', async () => {
    fixture.sim.addJob('j-az', { statuses: ['failed'], modelId: 3, message: 'a%b' })
    const run = await runTool(['wait', '--retrain-job-id', 'j-az', '--json'], { env: env({ TF_BUILD: 'True' }) })
    assert.equal(run.code, 1, failure(run))
    assert.equal(jsonOf(run).status, 'failed')
    assert.deepEqual(azureCommands(run.stdout), [])
    assert.deepEqual(azureVariables(run.stderr), {
      P1_STATUS: 'failed',
      P1_MODEL_ID: '3',
      P1_MESSAGE: 'a%b',
      P1_RETRAIN_JOB_ID: 'j-az'
    })
    assert.ok(run.stderr.includes('P1_MESSAGE;isOutput=true]a%AZP25b'), '% escaped as Azure asks')
    assertToolNoSecrets(run, KEY)
  })

  test('without TF_BUILD: no variables', async () => {
    fixture.sim.addJob('j-plain', { statuses: ['job_finished'] })
    const run = await runTool(['wait', '--retrain-job-id', 'j-plain', '--no-download'], { env: env() })
    assert.equal(run.code, 0, failure(run))
    assert.equal(run.stdout, '')
    assert.deepEqual(azureCommands(run.stderr), [])
  })
})

describe('API text is data: shown neutralised, passed on exactly, never a secret', () => {
  test('a hostile message and status: JSON exact, dotenv one line, no command for GitHub or Azure', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['running'] })
      sim.fault('status', jsonAnswer(200, { status: `running\n::notice::${MARK}`, metadata: {} }))
      sim.fault('status', jsonAnswer(200, { status: 'failed', model_id: 7, message: HOSTILE, metadata: {} }))
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--json', '--dotenv', 'r.env'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl, P1_POLL_INTERVAL: '1s' },
        dotenvPath: 'r.env'
      })
      assert.equal(run.code, 1, failure(run))
      assert.equal(jsonOf(run).message, HOSTILE, 'exactly what the API said')
      assert.ok(!run.stdout.includes('##'), 'the JSON line holds no ## for an agent to read')
      const dotenv = run.dotenv ?? ''
      assert.equal(dotenv.split('\n').filter(Boolean).length, 4, 'one line a variable')
      assert.equal(parseDotenv(dotenv).P1_MESSAGE, HOSTILE.replace(/\n/g, ' '))
      assert.deepEqual(runnerCommands(run.stderr), [])
      assert.deepEqual(azureCommands(run.stderr), [])
      assert.ok(!/##vso\[|##\[|::/i.test(run.stderr), 'no command prefix left whole')
      assertToolNoSecrets(run, KEY)
    })
  })

  test('a message echoing the key and a signed URL: in no log line, JSON or dotenv value', async () => {
    await withSimulator(KEY, async (sim) => {
      const signature = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
      const url = `https://storage.example/results/r.zip?X-Signature=${signature}&Expires=60`
      sim.addJob('j', { statuses: ['running'] })
      sim.fault(
        'status',
        jsonAnswer(200, { status: 'failed', download_url: url, message: `key ${KEY}; url ${url}`, metadata: {} })
      )
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--json', '--dotenv', 's.env'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl, TF_BUILD: 'True' },
        dotenvPath: 's.env'
      })
      assert.equal(run.code, 1, failure(run))
      assert.equal(jsonOf(run).message, null, 'a message holding a secret is not passed on')
      assert.match(run.stderr, /warning: output message is not written: it holds a secret/)
      assert.equal(run.stderr.split('output message is not written').length - 1, 1, 'warned of once')
      const text = [run.stdout, run.stderr, run.dotenv].join('\n')
      assert.ok(!text.includes(signature) && !text.includes('storage.example/results'))
      assertToolNoSecrets(run, KEY, sim)
    })
  })

  test('a message of 100 KB: the dotenv file stays under GitLab 5 KB limit; JSON keeps it whole', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['job_finished'] })
      const huge = 'm'.repeat(100_000)
      sim.fault('status', jsonAnswer(200, { status: 'job_finished', model_id: 1, message: huge, metadata: {} }))
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--no-download', '--json', '--dotenv', 'big.env'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        dotenvPath: 'big.env'
      })
      assert.equal(run.code, 0, failure(run))
      assert.equal(jsonOf(run).message, huge)
      assert.ok(Buffer.byteLength(run.dotenv ?? '') < 5000, `${Buffer.byteLength(run.dotenv ?? '')} bytes`)
      assert.match(parseDotenv(run.dotenv ?? '').P1_MESSAGE, /^m+… \(\d+ more characters\)$/)
      assert.equal(parseDotenv(run.dotenv ?? '').P1_STATUS, 'job_finished')
      assertToolNoSecrets(run, KEY)
    })
  })
})

const partials = (run: ToolRun): string[] =>
  [run.cwd, run.temp].flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((entry) => /\.partial$|\.tmp$/.test(entry.name))
          .map((entry) => join(entry.parentPath, entry.name))
      : []
  )

/** Sends `signal` `delayMs` after stderr first shows `text`; `sentAt()` says when. */
function signalAfterLog(text: string, signal: NodeJS.Signals, delayMs: number) {
  let sentAt = 0
  return {
    onStderr: (stderr: string, child: import('node:child_process').ChildProcess): void => {
      if (sentAt !== 0 || !stderr.includes(text)) return
      sentAt = Date.now() + delayMs
      setTimeout(() => child.kill(signal), delayMs)
    },
    sentAt: () => sentAt
  }
}

describe('signals: results written, partial files removed, the exit code says which', () => {
  signalTest(
    'SIGINT while waiting: 130 within about a second, JSON and dotenv say cancelled and what is known',
    async () => {
      fixture.sim.addJob('j-int', { statuses: ['running'], modelId: 4 })
      const signal = signalAfterLog('is "running"', 'SIGINT', 300)
      const run = await runTool(['wait', '--retrain-job-id', 'j-int', '--json', '--dotenv', 'c.env'], {
        env: env({ P1_POLL_INTERVAL: '30s' }),
        dotenvPath: 'c.env',
        ...signal
      })
      const exitMs = Date.now() - signal.sentAt()
      assert.equal(run.code, 130, failure(run))
      assert.ok(exitMs < 1500, `ended ${exitMs} ms after the signal`)
      const json = jsonOf(run)
      assert.equal(json.outcome, 'cancelled')
      assert.equal(json.exit_code, 130)
      assert.equal(json.error, 'cancelled by SIGINT')
      assert.equal(json.status, 'running')
      assert.equal(parseDotenv(run.dotenv ?? '').P1_STATUS, 'running')
      assert.match(run.stderr, /warning: SIGINT received: stopping/)
      assertToolNoSecrets(run, KEY)
    }
  )

  signalTest('SIGTERM mid-download: 143, no partial file left, dotenv written', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['job_finished'], modelId: 6, result: Buffer.alloc(4 * 1024 * 1024, 1) })
      sim.fault('download', { kind: 'slow', chunkBytes: 32 * 1024, pauseMs: 50 })
      let sentAt = 0
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--json', '--dotenv', 't.env'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        dotenvPath: 't.env',
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (sim.seen('storage', '/results/j/').length === 0) return
            clearInterval(poll)
            setTimeout(() => {
              sentAt = Date.now()
              child.kill('SIGTERM')
            }, 400)
          }, 20)
        }
      })
      assert.equal(run.code, 143, failure(run))
      assert.ok(Date.now() - sentAt < 1500 + 100, 'within about a second')
      assert.equal(jsonOf(run).outcome, 'cancelled')
      assert.equal(jsonOf(run).result_file, null)
      assert.equal(parseDotenv(run.dotenv ?? '').P1_MODEL_ID, '6')
      expect(partials(run)).toEqual([])
      assertToolNoSecrets(run, KEY, sim, '/results/j/')
    })
  })
})
