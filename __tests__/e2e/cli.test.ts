// The command-line tool's bundle run as a CI job runs it, against the simulator: the chain through
// dotenv variables, every flag and its variable (the flag wins), and each exit code.
// One test at a time: each starts Node processes, and the deadline tests of the actions, in the
// other Jest worker, miss their margins on a busy two-core machine when these run four at once.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { jsonOf, parseDotenv, runTool, toolBundle } from '../../sim/tool-runner.js'
import { makeZip } from '../../sim/zip.js'
import { jsonAnswer, simulatorFixture, withSimulator } from '../helpers/fixture.js'
import { skipIf } from '../helpers/skip.js'
import { assertToolNoSecrets, toolEnv, toolFailure } from '../helpers/tool.js'

const KEY = 'p1-cli-key-8f2c61d0e4b7'
const fixture = simulatorFixture(KEY)
const env = (extra: Record<string, string> = {}): Record<string, string> => toolEnv(KEY, fixture.sim.apiUrl, extra)
const failure = toolFailure

function workDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'p1-cli-work-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('the chain, passed on through dotenv variables', () => {
  test('upload -> wait -> switch: each job reads the P1_* the last one wrote, with no glue', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.uploadScript = { statuses: ['running', 'job_finished'], modelId: 42, result: makeZip({ 'm.json': '{}' }) }
      const cwd = workDir({ 'train.csv': 'a,b\n1,2\n' })
      const base = { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl, P1_POLL_INTERVAL: '1s' }
      const upload = await runTool(['upload', '--file', 'train.csv', '--dotenv', 'upload.env'], {
        env: base,
        cwd,
        dotenvPath: 'upload.env'
      })
      assert.equal(upload.code, 0, failure(upload))
      assert.equal(upload.stdout, '', 'nothing on stdout without --json')
      const passed = parseDotenv(upload.dotenv ?? '')
      assert.match(passed.P1_RETRAIN_JOB_ID, /^rj-/)
      assert.ok(sim.jobs.get(passed.P1_RETRAIN_JOB_ID)?.uploaded?.equals(Buffer.from('a,b\n1,2\n')))
      assertToolNoSecrets(upload, KEY, sim, '/uploads/')

      const wait = await runTool(['wait', '--extract', '--dotenv', 'wait.env'], {
        env: { ...base, ...passed },
        cwd,
        dotenvPath: 'wait.env'
      })
      assert.equal(wait.code, 0, failure(wait))
      const waited = parseDotenv(wait.dotenv ?? '')
      assert.equal(waited.P1_STATUS, 'job_finished')
      assert.equal(waited.P1_MODEL_ID, '42')
      assert.equal(waited.P1_RETRAIN_JOB_ID, passed.P1_RETRAIN_JOB_ID)
      // By default the result goes under the working directory, where CI systems collect artifacts.
      assert.equal(waited.P1_RESULT_FILE, join(cwd, 'prediction-one', passed.P1_RETRAIN_JOB_ID, 'result.zip'))
      assert.equal(readFileSync(join(waited.P1_RESULT_DIR, 'm.json'), 'utf8'), '{}')
      assert.match(wait.stderr, /retrain job rj-\S+ is "job_finished", model 42/)
      assertToolNoSecrets(wait, KEY, sim, '/results/')

      const switched = await runTool(['switch', '--json'], { env: { ...base, ...waited }, cwd })
      assert.equal(switched.code, 0, failure(switched))
      assert.deepEqual(jsonOf(switched), {
        outcome: 'succeeded',
        exit_code: 0,
        error: null,
        retrain_job_id: passed.P1_RETRAIN_JOB_ID
      })
      assert.equal(sim.jobs.get(passed.P1_RETRAIN_JOB_ID)?.switched, true)
      assertToolNoSecrets(switched, KEY, sim)
    })
  })
})

describe('flags and their variables', () => {
  test('a flag wins over its variable; a variable alone is read', async () => {
    fixture.sim.addJob('j-flag', { statuses: ['job_finished'], modelId: 1 })
    fixture.sim.addJob('j-var', { statuses: ['job_finished'], modelId: 2 })
    // P1_TIMEOUT is no duration: the run succeeds only because --timeout wins over it.
    const run = await runTool(['wait', '--retrain-job-id', 'j-flag', '--timeout', '20s', '--no-download', '--json'], {
      env: env({ P1_RETRAIN_JOB_ID: 'j-var', P1_TIMEOUT: 'soon' })
    })
    assert.equal(run.code, 0, failure(run))
    assert.equal(jsonOf(run).model_id, '1')
    assert.equal(fixture.sim.statusChecks('j-var').length, 0, 'the variable lost to the flag')
    const byVariable = await runTool(['wait', '--json'], {
      env: env({ P1_RETRAIN_JOB_ID: 'j-var', P1_DOWNLOAD: 'false' })
    })
    assert.equal(byVariable.code, 0, failure(byVariable))
    assert.equal(jsonOf(byVariable).model_id, '2')
    assert.equal(jsonOf(byVariable).result_file, null, 'P1_DOWNLOAD=false: nothing downloaded')
    assertToolNoSecrets(run, KEY)
    assertToolNoSecrets(byVariable, KEY)
  })

  test('--api-url wins over P1_API_URL', async () => {
    fixture.sim.addJob('j-url', { statuses: ['job_finished'] })
    const run = await runTool(['wait', '--retrain-job-id', 'j-url', '--api-url', fixture.sim.apiUrl, '--no-download'], {
      env: env({ P1_API_URL: 'http://127.0.0.1:9' })
    })
    assert.equal(run.code, 0, failure(run))
    assert.equal(fixture.sim.statusChecks('j-url').length, 1)
    assertToolNoSecrets(run, KEY)
  })

  test('wait: --download-dir under the working directory, --extract, --request-timeout', async () => {
    fixture.sim.addJob('j-dir', { statuses: ['job_finished'], result: makeZip({ 'a.txt': 'a' }) })
    const run = await runTool(
      ['wait', '--retrain-job-id', 'j-dir', '--download-dir', 'out', '--extract', '--request-timeout', '5s', '--json'],
      { env: env() }
    )
    assert.equal(run.code, 0, failure(run))
    const json = jsonOf(run)
    assert.equal(json.result_file, join(run.cwd, 'out', 'result.zip'))
    assert.equal(readFileSync(join(String(json.result_dir), 'a.txt'), 'utf8'), 'a')
    assert.match(String(json.result_sha256), /^[0-9a-f]{64}$/)
    assertToolNoSecrets(run, KEY, fixture.sim, '/results/j-dir/')
  })

  test('wait: P1_EXTRACT=true and P1_DOWNLOAD_DIR from variables', async () => {
    fixture.sim.addJob('j-vars', { statuses: ['job_finished'], result: makeZip({ 'b.txt': 'b' }) })
    const run = await runTool(['wait', '--json'], {
      env: env({ P1_RETRAIN_JOB_ID: 'j-vars', P1_EXTRACT: 'true', P1_DOWNLOAD_DIR: 'results' })
    })
    assert.equal(run.code, 0, failure(run))
    assert.equal(readFileSync(join(run.cwd, 'results', 'result', 'b.txt'), 'utf8'), 'b')
    assertToolNoSecrets(run, KEY, fixture.sim, '/results/j-vars/')
  })

  test('--no-wait on an unfinished job: exit 0 and its status; P1_WAIT=false the same', async () => {
    fixture.sim.addJob('j-running', { statuses: ['running'] })
    for (const [args, extra] of [
      [['--no-wait'], {}],
      [[], { P1_WAIT: 'false' }]
    ] as const) {
      const run = await runTool(['wait', '--retrain-job-id', 'j-running', '--json', ...args], { env: env(extra) })
      assert.equal(run.code, 0, failure(run))
      assert.equal(jsonOf(run).status, 'running')
      assert.equal(jsonOf(run).outcome, 'succeeded')
      assertToolNoSecrets(run, KEY)
    }
    assert.equal(fixture.sim.statusChecks('j-running').length, 2, 'one check each, no waiting')
  })

  test('upload: --filename names the file to the API; --timeout, --request-timeout; --no-validate', async () => {
    await withSimulator(KEY, async (sim) => {
      // Not a zip: refused by the check, unless --no-validate turns it off.
      const cwd = workDir({ 'data.zip': 'PK-not-really' })
      const args = ['upload', '--file', 'data.zip', '--filename', 'train.zip', '--timeout', '1m']
      const refused = await runTool([...args, '--request-timeout', '10s', '--json'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        cwd
      })
      assert.equal(refused.code, 2, failure(refused))
      assert.match(refused.stderr, /is named as a zip and is not one/)
      assert.equal(sim.requests.length, 0, 'no request before the check')
      const run = await runTool([...args, '--request-timeout', '10s', '--no-validate', '--json'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        cwd
      })
      assert.equal(run.code, 0, failure(run))
      const id = String(jsonOf(run).retrain_job_id)
      assert.equal(sim.jobs.get(id)?.uploadName, 'train.zip')
      assertToolNoSecrets(run, KEY, sim, '/uploads/')
    })
  })

  test('--version and --help need no key and make no request', async () => {
    const version = await runTool(['--version'])
    assert.equal(version.code, 0)
    const manifest = JSON.parse(readFileSync('cli/package.json', 'utf8')) as { version: string }
    assert.equal(version.stdout, `${manifest.version}\n`)
    const help = await runTool(['--help'])
    assert.match(help.stdout, /Commands \(in the order of the chain\):\n {2}upload .*\n {2}wait .*\n {2}switch /)
    for (const command of ['upload', 'wait', 'switch']) {
      const run = await runTool([command, '--help'])
      assert.equal(run.code, 0)
      assert.match(run.stdout, new RegExp(`Usage: prediction-one-retrain ${command}`))
      assert.doesNotMatch(run.stdout, /api-key/, 'no flag for the key')
    }
    const wait = await runTool(['wait', '--help'])
    for (const flag of ['--retrain-job-id', '--timeout', '--poll-interval', '--no-wait', '--no-download', '--extract'])
      assert.ok(wait.stdout.includes(flag), flag)
  })
})

describe('results where the CI system wants them', () => {
  test('--dotenv in a folder not made yet is made; one that cannot be written fails the run, never a silent 0', async () => {
    fixture.sim.addJob('j-ok', { statuses: ['running'] })
    const cwd = workDir()
    const made = await runTool(['wait', '--retrain-job-id', 'j-ok', '--no-wait', '--dotenv', 'out/p1/w.env'], {
      env: env(),
      cwd,
      dotenvPath: 'out/p1/w.env'
    })
    assert.equal(made.code, 0, failure(made))
    assert.equal(parseDotenv(made.dotenv ?? '').P1_RETRAIN_JOB_ID, 'j-ok')
    // A folder stands where the file should go.
    const refused = await runTool(['wait', '--retrain-job-id', 'j-ok', '--no-wait', '--json', '--dotenv', 'out'], {
      env: env(),
      cwd
    })
    assert.equal(refused.code, 1, failure(refused))
    assert.equal(jsonOf(refused).exit_code, 1)
    assert.match(refused.stderr, /the dotenv file out could not be written/)
  })

  test('a download is staged beside its folder, not in a temp folder other users share', async () => {
    fixture.sim.addJob('j-staged', { statuses: ['job_finished'], result: makeZip({ 'm.json': '{}' }) })
    const run = await runTool(['wait', '--retrain-job-id', 'j-staged', '--extract', '--download-dir', 'res'], {
      env: env()
    })
    assert.equal(run.code, 0, failure(run))
    expect(readdirSync(run.temp)).toEqual([])
    expect(readdirSync(join(run.cwd, 'res')).sort()).toEqual(['result', 'result.zip'])
  })
})

describe('exit codes', () => {
  test('1: the job failed; JSON and dotenv still say what is known', async () => {
    fixture.sim.addJob('j-failed', { statuses: ['running', 'failed'], modelId: 9, message: 'bad data\nline 2' })
    const run = await runTool(['wait', '--retrain-job-id', 'j-failed', '--json', '--dotenv', 'o.env'], {
      env: env(),
      dotenvPath: 'o.env'
    })
    assert.equal(run.code, 1, failure(run))
    const json = jsonOf(run)
    assert.equal(json.outcome, 'failed')
    assert.equal(json.exit_code, 1)
    assert.match(String(json.error), /ended with status "failed"/)
    assert.equal(json.message, 'bad data\nline 2', 'JSON holds the message exactly')
    const dotenv = parseDotenv(run.dotenv ?? '')
    assert.equal(dotenv.P1_STATUS, 'failed')
    assert.equal(dotenv.P1_MESSAGE, 'bad data line 2', 'one line in the dotenv file')
    assert.match(run.stderr, /^error: prediction-one wait failed: .*ended with status "failed"/m)
    assertToolNoSecrets(run, KEY)
  })

  test('1: the API refuses the key (a documented error); 1: the storage host refuses the upload', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addKey('p1-cli-inactive-key-0000', 'inactive')
      const refused = await runTool(['switch', '--retrain-job-id', 'j', '--json'], {
        env: { P1_API_KEY: 'p1-cli-inactive-key-0000', P1_API_URL: sim.apiUrl }
      })
      assert.equal(refused.code, 1, failure(refused))
      assert.match(String(jsonOf(refused).error), /Inactive_credential/)
      assertToolNoSecrets(refused, 'p1-cli-inactive-key-0000')

      sim.fault('put', { kind: 'http', status: 403, body: 'AccessDenied' })
      const cwd = workDir({ 'd.csv': 'a\n1\n' })
      const storage = await runTool(['upload', '--file', 'd.csv', '--json'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        cwd
      })
      assert.equal(storage.code, 1, failure(storage))
      assert.equal(jsonOf(storage).retrain_job_id, null, 'no job id for data that never arrived')
      assert.match(String(jsonOf(storage).error), /403/)
      assertToolNoSecrets(storage, KEY, sim, '/uploads/')
    })
  })

  const usage: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown flag', ['wait', '--retrain-job-id', 'j', '--bogus'], {}, /unknown flag --bogus/],
    ['an unknown command', ['deploy'], {}, /unknown command "deploy"/],
    ['a command named like an object property', ['toString'], {}, /unknown command "toString"/],
    ['no command', [], {}, /no command given/],
    ['a key given as a flag', ['wait', '--retrain-job-id', 'j', '--api-key', KEY], {}, /unknown flag --api-key/],
    ['no P1_API_KEY', ['wait', '--retrain-job-id', 'j'], { P1_API_KEY: '' }, /P1_API_KEY is not set/],
    [
      'a bad duration',
      ['wait', '--retrain-job-id', 'j', '--timeout', 'soon'],
      {},
      /--timeout \(P1_TIMEOUT\): "soon" is not a duration/
    ],
    [
      'a bad variable',
      ['wait', '--retrain-job-id', 'j'],
      { P1_POLL_INTERVAL: '1 minute' },
      /--poll-interval \(P1_POLL_INTERVAL\)/
    ],
    ['a missing job id', ['switch'], {}, /--retrain-job-id \(P1_RETRAIN_JOB_ID\): is required/],
    ['a flag without its value', ['wait', '--retrain-job-id'], {}, /--retrain-job-id/],
    ['a stray argument', ['wait', 'j'], {}, /unexpected argument "j"/]
  ]
  for (const [what, args, extra, message] of usage) {
    test(`2: ${what}; no request made; JSON and dotenv written`, async () => {
      await withSimulator(KEY, async (sim) => {
        const run = await runTool([...args, '--json', '--dotenv', 'u.env'], {
          env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl, ...extra },
          dotenvPath: 'u.env'
        })
        assert.equal(run.code, 2, failure(run))
        assert.equal(sim.requests.length, 0, 'no request reached the API')
        const json = jsonOf(run)
        assert.equal(json.outcome, 'failed')
        assert.equal(json.exit_code, 2)
        assert.match(String(json.error), message)
        assert.match(run.stderr, message)
        assert.match(run.stderr, /--help for usage/)
        assert.equal(run.dotenv, '', 'the dotenv file is written, with nothing known')
        assertToolNoSecrets(run, KEY)
      })
    })
  }

  test('3: the timeout passed', async () => {
    fixture.sim.addJob('j-slow', { statuses: ['running'] })
    const run = await runTool(['wait', '--retrain-job-id', 'j-slow', '--timeout', '2s', '--json'], { env: env() })
    assert.equal(run.code, 3, failure(run))
    assert.equal(jsonOf(run).status, 'running')
    assert.match(String(jsonOf(run).error), /timed out after 2s/)
    assertToolNoSecrets(run, KEY)
  })

  test('JSON keeps model_id exact: a 20-digit integer', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['job_finished'] })
      sim.fault('status', jsonAnswer(200, '{"status":"job_finished","model_id":12345678901234567890,"metadata":{}}'))
      const run = await runTool(['wait', '--retrain-job-id', 'j', '--no-download', '--json', '--dotenv', 'x.env'], {
        env: { P1_API_KEY: KEY, P1_API_URL: sim.apiUrl },
        dotenvPath: 'x.env'
      })
      assert.equal(run.code, 0, failure(run))
      assert.ok(run.stdout.includes('"model_id":"12345678901234567890"'))
      assert.equal(parseDotenv(run.dotenv ?? '').P1_MODEL_ID, '12345678901234567890')
      assert.ok(!existsSync(join(run.cwd, 'prediction-one')), '--no-download: no folder made')
      assertToolNoSecrets(run, KEY)
    })
  })
})

// Node 22, the oldest the tool supports (cli/package.json engines): where P1_NODE22 names its node
// (npm install node@22 into a folder of your own; npm test never downloads), the bundle runs on it.
const node22 = process.env.P1_NODE22
skipIf(
  !node22,
  'set P1_NODE22 to a Node 22 executable',
  test
)('Node 22 runs the bundle: --version and a wait', async () => {
  fixture.sim.addJob('j-22', { statuses: ['running', 'job_finished'], modelId: 22, result: Buffer.from('x') })
  const command = [node22 ?? '', toolBundle()]
  const version = await runTool(['--version'], { command })
  assert.equal(version.code, 0, version.stderr)
  const run = await runTool(['wait', '--retrain-job-id', 'j-22', '--json'], { command, env: env() })
  assert.equal(run.code, 0, failure(run))
  assert.equal(jsonOf(run).model_id, '22')
  assertToolNoSecrets(run, KEY, fixture.sim, '/results/j-22/')
})
