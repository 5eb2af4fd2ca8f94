// What a hostile or broken API, storage host or result zip can send, against the committed bundles.
// Each case plants a marker in what the other side sends and checks the runner would obey nothing
// of it, and that no secret, whole or in part, reaches a log line, an output or the summary.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { buildZip, makeZip } from '../../sim/zip.js'
import { failure, runAction, visibleText, type ActionRun } from '../../sim/runner.js'
import { assertOnlyOwnCommands } from '../helpers/commands.js'
import { jsonAnswer, simulatorFixture, withSimulator } from '../helpers/fixture.js'
import { assertNoPart, assertNoSecrets } from '../helpers/secrets.js'
import { signalAfterOutput, signalTest } from '../helpers/signals.js'

const KEY = 'p1-hostile-key-6c0d93fa51e2'
const fixture = simulatorFixture(KEY)
const inputs = fixture.waitInputs
const MARK = 'FORGED'

// Every way API text could become a command: line breaks of each kind, a lone CR, leading spaces,
// the old `##[` syntax mid-line, and stop-commands that would silence the action's own masks.
const COMMANDS = [
  `::error title=${MARK}::fake annotation`,
  `::set-output name=result_dir::/etc/${MARK}`,
  `::add-mask::${MARK}`,
  `::stop-commands::${MARK}`,
  `   ::warning file=${MARK}::indented`,
  `text ##[set-output name=model_id;]${MARK}`
]
const HOSTILE = `ok\n${COMMANDS[0]}\r\n${COMMANDS[1]}\r${COMMANDS[2]}\u2028${COMMANDS[3]}\n${COMMANDS[4]}\n${COMMANDS[5]}`

function allPaths(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath, entry.name))
}

const leftovers = (run: ActionRun): string[] => allPaths(run.dir).filter((p) => /\.prediction-one-.*\.partial/.test(p))

describe('API text is data, never a command or a secret', () => {
  test.concurrent(
    'a job status and message full of workflow commands: printed as text, passed on exactly',
    async () => {
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j', { statuses: ['running'] })
        sim.fault('status', jsonAnswer(200, { status: `running\n::notice::${MARK}`, metadata: {} }))
        sim.fault('status', jsonAnswer(200, { status: 'failed', model_id: 7, message: HOSTILE, metadata: {} }))
        const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
        assert.equal(run.code, 1)
        assertOnlyOwnCommands(run.stdout, MARK)
        // The outputs file is where API text may go as it is: exactly what the API said.
        assert.equal(run.outputs.message, HOSTILE, run.stdout)
        assert.equal(run.outputs.status, 'failed')
        // The log shows it, escaped onto one line.
        assert.match(run.stdout, /ok\\n::error title=FORGED::fake annotation\\r\\n::set-output/)
        assert.match(failure(run), /ended with status "failed": ok\\n::error title=FORGED/)
        // The summary is a file, not the log: the text is shown as it is, its line breaks as <br>.
        assert.match(run.summary, /ok<br>::error title=FORGED::fake annotation<br>::set-output/)
        assertNoSecrets(run, KEY, sim)
      })
    }
  )

  test.concurrent('a file name that reads as a command is printed as text', async () => {
    fixture.sim.addJob('j-name', {
      statuses: ['job_finished'],
      result: Buffer.from('data'),
      contentDisposition: `attachment; filename="##[set-output name=result_dir;]${MARK}.zip"`
    })
    const run = await runAction('wait', inputs('j-name'))
    assert.equal(run.code, 0, failure(run))
    assertOnlyOwnCommands(run.stdout, MARK)
    assert.equal(run.outputs.result_dir, undefined)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-name/')
  })

  const badIds: [string, string, RegExp][] = [
    [
      'a line break and a command',
      `rj-1\n::set-output name=retrain_job_id::${MARK}`,
      /retrain_job_id the API gave holds control characters or line breaks/
    ],
    ['an absurd length', `rj-${'9'.repeat(5000)}`, /retrain_job_id the API gave is 5003 characters long, more than 256/]
  ]
  for (const [what, id, expected] of badIds) {
    test.concurrent(`the upload's retrain_job_id with ${what} is an error that names the problem`, async () => {
      await withSimulator(KEY, async (sim) => {
        sim.fault(
          'upload_url',
          jsonAnswer(200, {
            retrain_job_id: id,
            upload_url: `${sim.storageUrl}/uploads/x/d.csv?X-Signature=0123456789abcdef`
          })
        )
        const run = await runAction(
          'upload',
          { 'api-key': KEY, 'api-url': sim.apiUrl, file: 'd.csv' },
          { workspace: dataDir() }
        )
        assert.equal(run.code, 1)
        assert.match(failure(run), expected)
        assert.equal(run.outputs.retrain_job_id, undefined)
        assert.equal(sim.seen('storage').length, 0, 'nothing uploaded for a job id that cannot be used')
        assertOnlyOwnCommands(run.stdout, MARK)
        assertNoSecrets(run, KEY)
      })
    })
  }

  test.concurrent('an error message that echoes the key past 200 characters: no part of the key is shown', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['running'] })
      const echo = `${'x'.repeat(190)}${KEY} is not allowed here ${'y'.repeat(100)}`
      sim.fault('status', jsonAnswer(401, { message: echo }))
      const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
      assert.equal(run.code, 1)
      assert.match(failure(run), /HTTP 401 .*"x{190}\*\*\*/)
      assertNoSecrets(run, KEY, sim)
    })
  })

  test.concurrent(
    'a job message that echoes the key, a signed URL or only its signature: never in an output, the log or the summary',
    async () => {
      await withSimulator(KEY, async (sim) => {
        const signature = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
        const url = `https://storage.example/results/r.zip?X-Signature=${signature}&Expires=60`
        sim.addJob('j', { statuses: ['running'] })
        sim.fault(
          'status',
          jsonAnswer(200, {
            status: 'failed',
            model_id: 3,
            download_url: url,
            message: `key ${KEY}; url ${url}; sig=${signature}`,
            metadata: {}
          })
        )
        const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
        assert.equal(run.code, 1)
        assert.equal(run.outputs.message, undefined, 'a message holding a secret is not passed on')
        assert.match(run.stdout, /::warning::output message is not written: it holds a secret/)
        // Warned of once, though the outputs are read for the report and the verdict.
        assert.equal(run.stdout.split('output message is not written').length - 1, 1)
        assert.equal(run.outputs.status, 'failed')
        assert.equal(run.outputs.model_id, '3')
        const text = visibleText(run)
        assertNoPart(text, signature, 'the signature')
        assert.ok(!text.includes('storage.example/results'), 'the signed URL')
        assert.ok(run.stdout.includes(`::add-mask::${url}\n`), 'the signed URL is registered with the runner')
        assertNoSecrets(run, KEY, sim)
      })
    }
  )

  test.concurrent(
    'outputs say exactly what the API said: a huge integer, a decimal as written, Unicode and line breaks',
    async () => {
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j', { statuses: ['job_finished'] })
        const message = 'line 1\r\nline 2\tété 😀\n'
        // Written out: JSON.stringify cannot send a number past 2^53 as it is.
        sim.fault(
          'status',
          jsonAnswer(
            200,
            `{"status":"job_finished","model_id":12345678901234567890,"message":${JSON.stringify(message)},"metadata":{}}`
          )
        )
        const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
        assert.equal(run.code, 0, failure(run))
        assert.equal(run.outputs.model_id, '12345678901234567890')
        assert.equal(run.outputs.message, message)
        assertNoSecrets(run, KEY, sim)
      })
    }
  )

  test.concurrent(
    'values that cannot be passed on exactly are not written: a boolean id, a broken surrogate',
    async () => {
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j', { statuses: ['job_finished'] })
        sim.fault(
          'status',
          jsonAnswer(200, '{"status":"job_finished","model_id":true,"message":"half \\ud83d pair","metadata":{}}')
        )
        const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
        assert.equal(run.code, 0, failure(run))
        assert.equal(run.outputs.model_id, undefined)
        assert.equal(run.outputs.message, undefined)
        assert.match(run.stdout, /::warning::output message is not written: it is not well-formed Unicode text/)
        assertNoSecrets(run, KEY, sim)
      })
    }
  )

  test.concurrent('a message of a megabyte: no output, a bounded log line and a summary GitHub accepts', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['running'] })
      const huge = `<b>${'m'.repeat(1_000_100)}</b>`
      sim.fault('status', jsonAnswer(200, { status: 'failed', message: huge, metadata: {} }))
      const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl })
      assert.equal(run.code, 1)
      assert.equal(run.outputs.message, undefined)
      assert.match(run.stdout, /::warning::output message is not written: it is 976\.7 KiB, more than GitHub passes on/)
      assert.ok(Buffer.byteLength(run.summary) < 64 * 1024, `summary of ${Buffer.byteLength(run.summary)} bytes`)
      assert.match(run.summary, /&#60;b&#62;m{100}.*more characters/)
      assert.ok(
        run.stdout.split('\n').every((line) => line.length < 5000),
        'no log line over a few KB'
      )
      assertNoSecrets(run, KEY, sim)
    })
  })
})

let dataDirectory: string | undefined
function dataDir(): string {
  if (!dataDirectory) {
    dataDirectory = mkdtempSync(join(tmpdir(), 'p1-hostile-ws-'))
    writeFileSync(join(dataDirectory, 'd.csv'), 'a,b\n1,2\n')
  }
  return dataDirectory
}

describe('retries that cannot hammer the API', () => {
  for (const [what, retryAfter] of [
    ['Retry-After: 0', '0'],
    ['a Retry-After date in the past', 'Wed, 21 Oct 2015 07:28:00 GMT']
  ]) {
    test.concurrent(`503 with ${what}: requests stay spaced by the backoff`, async () => {
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j', { statuses: ['running'] })
        sim.fault(
          'status',
          ...Array.from({ length: 5000 }, () => ({
            kind: 'http' as const,
            status: 503,
            headers: { 'retry-after': retryAfter }
          }))
        )
        const run = await runAction('wait', { ...inputs('j'), 'api-url': sim.apiUrl, timeout: '3s' })
        assert.equal(run.code, 1)
        const checks = sim.statusChecks('j')
        // Floors of 250 ms, 500 ms, 1 s, 2 s between tries: at most 5 requests in 3 s.
        assert.ok(checks.length >= 3 && checks.length <= 5, `${checks.length} requests in 3 s`)
        for (let i = 1; i < checks.length; i++) {
          assert.ok(
            checks[i].atMs - checks[i - 1].atMs >= 240 * 2 ** (i - 1),
            `gap ${i}: ${checks[i].atMs - checks[i - 1].atMs} ms`
          )
        }
        assertNoSecrets(run, KEY, sim)
      })
    })
  }
})

describe('the deadline bounds everything', () => {
  test.concurrent(
    'a status answer that trickles a byte every 500 ms: the step ends at its timeout, not request-timeout',
    async () => {
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j', { statuses: ['running'] })
        sim.fault('status', { kind: 'trickle', pauseMs: 500 })
        const run = await runAction('wait', {
          ...inputs('j'),
          'api-url': sim.apiUrl,
          timeout: '3s',
          'request-timeout': '20s'
        })
        assert.equal(run.code, 1)
        assert.match(failure(run), /timed out after [34]s \(timeout\)/)
        assert.ok(run.durationMs < 6000, `ended ${run.durationMs} ms after the start; the timeout is 3 s`)
        assertNoSecrets(run, KEY, sim)
      })
    }
  )

  test.concurrent('a download that trickles: stopped when its budget (the timeout) runs out', async () => {
    await withSimulator(KEY, async (sim) => {
      sim.addJob('j', { statuses: ['job_finished'], result: Buffer.alloc(4 * 1024 * 1024) })
      sim.fault('download', { kind: 'slow', chunkBytes: 16 * 1024, pauseMs: 200 })
      const run = await runAction('wait', {
        ...inputs('j'),
        'api-url': sim.apiUrl,
        timeout: '2s',
        'request-timeout': '20s'
      })
      assert.equal(run.code, 1)
      assert.match(failure(run), /time left ran out/)
      assert.ok(run.durationMs < 5500, `ended after ${run.durationMs} ms; the download's budget is 2 s`)
      expect(leftovers(run)).toEqual([])
      assertNoSecrets(run, KEY, sim)
    })
  })

  test.concurrent('a job that finishes late: the download has what is left of the one timeout', async () => {
    await withSimulator(KEY, async (sim) => {
      // Finished at about 4 s of a 6 s timeout; the file would take 50 s.
      sim.addJob('j', {
        timeline: [
          { atMs: 0, status: 'running' },
          { atMs: 4000, status: 'job_finished' }
        ],
        result: Buffer.alloc(4 * 1024 * 1024)
      })
      sim.fault('download', { kind: 'slow', chunkBytes: 16 * 1024, pauseMs: 200 })
      const run = await runAction('wait', {
        ...inputs('j'),
        'api-url': sim.apiUrl,
        timeout: '6s',
        'poll-interval': '1s',
        'request-timeout': '20s'
      })
      assert.equal(run.code, 1)
      // Said as what it is: the job finished and its result did not fit in the timeout.
      assert.match(
        failure(run),
        /retrain job j finished, but its result did not fit in the 6s timeout \(.*time left ran out/
      )
      // A second budget counted from the finish would end at 10 s.
      assert.ok(run.durationMs < 8500, `ended after ${run.durationMs} ms; the timeout is 6 s`)
      // What the wait learnt is still passed on.
      assert.equal(run.outputs.status, 'job_finished')
      assert.equal(run.outputs.result_file, undefined)
      expect(leftovers(run)).toEqual([])
      assertNoSecrets(run, KEY, sim)
    })
  })
})

describe('the result folder holds this result, and only it', () => {
  test.concurrent('links in the zip are dropped with a warning that names them', async () => {
    fixture.sim.addJob('j-links', {
      statuses: ['job_finished'],
      result: makeZip(
        { 'metrics.json': '{}', 'sub/a.txt': 'a' },
        { links: { passwd: '/etc/passwd', up: '../../..', 'sub/inside': 'a.txt' } }
      )
    })
    const run = await runAction('wait', inputs('j-links', { extract: 'true' }))
    assert.equal(run.code, 0, failure(run))
    const dir = run.outputs.result_dir
    assert.ok(
      allPaths(dir).every((p) => !lstatSync(p).isSymbolicLink()),
      'no entry of the result folder is a link'
    )
    expect(
      allPaths(dir)
        .map((p) => p.slice(dir.length + 1).replaceAll('\\', '/'))
        .sort()
    ).toEqual(['metrics.json', 'sub', 'sub/a.txt'])
    assert.match(run.stdout, /::warning::extract: 3 entries were symbolic links.*dropped: .*passwd/)
    assert.match(run.stdout, /dropped: .*up/)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-links/')
  })

  test.concurrent('a zip from Japanese Windows (`\\` folders, Shift_JIS names) unpacks to its real names', async () => {
    fixture.sim.addJob('j-sjis', {
      statuses: ['job_finished'],
      result: buildZip([
        { name: Buffer.from('955d89bf8c8b89ca2e637376', 'hex'), data: 'score' }, // 評価結果.csv
        { name: Buffer.from('975c91aa5c955c8ea62e637376', 'hex'), data: 'rows' }, // 予測\表示.csv
        { name: 'a\u202Eexe.zip', utf8: true, data: 'x' }
      ])
    })
    const run = await runAction('wait', inputs('j-sjis', { extract: 'true' }))
    assert.equal(run.code, 0, failure(run))
    const dir = run.outputs.result_dir
    expect(
      allPaths(dir)
        .map((p) => p.slice(dir.length + 1).replaceAll('\\', '/'))
        .sort()
    ).toEqual(['aexe.zip', '予測', '予測/表示.csv', '評価結果.csv'])
    assert.equal(readFileSync(join(dir, '予測', '表示.csv'), 'utf8'), 'rows')
    assert.match(run.stdout, /Extracted 3 files \(\d+ B\) into /)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-sjis/')
  })

  test.concurrent('a result folder left by an earlier run is replaced, not mixed with the new entries', async () => {
    fixture.sim.addJob('j-fresh', { statuses: ['job_finished'], result: makeZip({ 'new.csv': 'n' }) })
    const workspace = join(dataDir(), 'fresh')
    mkdirSync(join(workspace, 'out', 'result'), { recursive: true })
    writeFileSync(join(workspace, 'out', 'result', 'stale.csv'), 'last week')
    const run = await runAction('wait', inputs('j-fresh', { extract: 'true', 'download-dir': 'out' }), { workspace })
    assert.equal(run.code, 0, failure(run))
    expect(readdirSync(run.outputs.result_dir ?? run.stdout)).toEqual(['new.csv'])
    expect(readdirSync(join(workspace, 'out')).sort()).toEqual(['result', 'result.zip'])
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-fresh/')
  })

  for (const [what, zip, expected] of [
    ['a corrupt zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 7)]), /could not be unpacked/],
    [
      'entries named ../ or /',
      makeZip({ 'ok.txt': 'ok', '../escape.txt': 'x', '/abs.txt': 'y' }),
      /the zip is refused: entry "\.\.\/escape\.txt" leads out of the result folder/
    ]
  ] as const) {
    test.concurrent(`${what} fails the step and leaves no half-unpacked folder`, async () => {
      const id = `j-bad-${what.replace(/\W+/g, '-')}`
      fixture.sim.addJob(id, { statuses: ['job_finished'], result: zip })
      const run = await runAction('wait', inputs(id, { extract: 'true' }))
      assert.equal(run.code, 1)
      assert.match(failure(run), expected)
      const dir = join(run.runnerTemp, 'prediction-one', id)
      expect(readdirSync(dir)).toEqual(['result.zip'])
      expect(leftovers(run)).toEqual([])
      assert.ok(
        !existsSync(join(run.dir, 'escape.txt')) && !existsSync(join(run.runnerTemp, 'prediction-one', 'escape.txt'))
      )
      assertNoSecrets(run, KEY, fixture.sim, `/results/${id}/`)
    })
  }
})

describe('cancelled means cancelled', () => {
  signalTest(
    'SIGINT while the unpack runs: it stops within about a second, nothing half done is left, the step is cancelled',
    async () => {
      const big = Buffer.alloc(40 * 1024 * 1024)
      const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`part-${i}.bin`, big]))
      fixture.sim.addJob('j-unzip', {
        statuses: ['job_finished'],
        modelId: 5,
        result: makeZip(files, { deflate: true })
      })
      // Unpacking 480 MiB takes seconds: the signal comes 300 ms into it.
      const signal = signalAfterOutput('sha256 ', 'SIGINT', 300)
      const run = await runAction('wait', inputs('j-unzip', { extract: 'true' }), signal)
      const exitMs = Date.now() - signal.sentAt()
      assert.ok(exitMs < 1500, `stopped within about a second, took ${exitMs} ms`)
      assert.notEqual(run.code, 0)
      assert.match(failure(run), /cancelled by SIGINT/)
      assert.match(run.summary, /cancelled/)
      assert.equal(run.outputs.result_dir, undefined)
      assert.equal(run.outputs.model_id, '5')
      const dir = join(run.runnerTemp, 'prediction-one', 'j-unzip')
      expect(readdirSync(dir)).toEqual(['result.zip'])
      expect(leftovers(run)).toEqual([])
      // Nothing keeps writing after the step ended.
      const size = (): number => allPaths(run.dir).reduce((sum, p) => sum + statSync(p).size, 0)
      const before = size()
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(size(), before)
      assertNoSecrets(run, KEY, fixture.sim, '/results/j-unzip/')
    }
  )
})

describe('local faults are not network faults', () => {
  test.concurrent('the result name taken by a folder: fails at once, naming the path and the cause', async () => {
    fixture.sim.addJob('j-taken', { statuses: ['job_finished'], result: Buffer.from('data') })
    const workspace = join(dataDir(), 'taken')
    mkdirSync(join(workspace, 'out', 'result.zip', 'inside'), { recursive: true })
    const run = await runAction('wait', inputs('j-taken', { 'download-dir': 'out', timeout: '20s' }), { workspace })
    assert.equal(run.code, 1)
    assert.match(
      failure(run),
      /cannot move the result file to .*out[\\/]result\.zip: a folder of that name is in the way \(EISDIR\)/
    )
    assert.equal(fixture.sim.seen('storage', '/results/j-taken/').length, 1, 'downloaded once, not again and again')
    assert.ok(run.durationMs < 5000, `failed at once, took ${run.durationMs} ms`)
    assertNoSecrets(run, KEY, fixture.sim, '/results/j-taken/')
  })
})

// The runner's temp folder and download-dir on two filesystems: no rename between them, so the
// temporary file must live in download-dir. /dev/shm is a tmpfs on Linux; elsewhere there is no
// second filesystem to be had without privileges. Resolved, because a path without a drive is on
// each Windows process's own current drive (under Wine, Z:\dev\shm is Linux's tmpfs).
const otherFs = ((): string | undefined => {
  try {
    return statSync('/dev/shm').dev !== statSync(tmpdir()).dev ? resolve('/dev/shm') : undefined
  } catch {
    return undefined
  }
})()
// Skipped, with this reason, where there is none.
const crossFsTest = otherFs ? test.concurrent : test.skip

describe('partial files when download-dir is on another filesystem', () => {
  // /dev/shm is outside the test run's temporary folder: what the tests make there goes with them.
  const made: string[] = []
  const sharedDir = (prefix: string): string => {
    const dir = mkdtempSync(join(otherFs ?? tmpdir(), prefix))
    made.push(dir)
    return dir
  }
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  crossFsTest(
    "two wait steps sharing download-dir never touch each other's temporary files (needs a second filesystem: Linux /dev/shm)",
    async () => {
      const shared = sharedDir('p1-shared-')
      const slow = randomBytes(2 * 1024 * 1024)
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j-slow', { statuses: ['job_finished'], result: slow, resultName: 'slow.zip' })
        sim.addJob('j-fast', { statuses: ['job_finished'], result: Buffer.from('fast'), resultName: 'fast.zip' })
        sim.fault('download', { kind: 'slow', chunkBytes: 64 * 1024, pauseMs: 80 })
        const common = { 'api-url': sim.apiUrl, 'download-dir': shared }
        let second: Promise<ActionRun> | undefined
        const first = runAction(
          'wait',
          { ...inputs('j-slow'), ...common },
          {
            onSpawn: () => {
              const poll = setInterval(() => {
                if (sim.seen('storage', '/results/j-slow/').length === 0) return
                clearInterval(poll)
                second = runAction('wait', { ...inputs('j-fast'), ...common })
              }, 20)
            }
          }
        )
        const a = await first
        const b = await second
        assert.equal(a.code, 0, failure(a))
        assert.equal(b?.code, 0, b && failure(b))
        assert.equal(sim.seen('storage', '/results/j-slow/').length, 1, 'the slow download was never disturbed')
        expect(readFileSync(join(shared, 'slow.zip'))).toEqual(slow)
        expect(readdirSync(shared).sort()).toEqual(['fast.zip', 'slow.zip'])
        assertNoSecrets(a, KEY, sim, '/results/j-slow/')
      })
    }
  )

  crossFsTest(
    'SIGKILL mid-download: the one case a hidden partial file is left; a later step does not touch it (needs a second filesystem)',
    async () => {
      const shared = sharedDir('p1-killed-')
      await withSimulator(KEY, async (sim) => {
        sim.addJob('j-kill', { statuses: ['job_finished'], result: randomBytes(2 * 1024 * 1024) })
        sim.addJob('j-next', { statuses: ['job_finished'], result: Buffer.from('next'), resultName: 'next.zip' })
        sim.fault('download', { kind: 'slow', chunkBytes: 64 * 1024, pauseMs: 100 })
        const killed = await runAction(
          'wait',
          { ...inputs('j-kill'), 'api-url': sim.apiUrl, 'download-dir': shared },
          {
            onSpawn: (child: ChildProcess) => {
              const poll = setInterval(() => {
                if (sim.seen('storage', '/results/j-kill/').length === 0) return
                clearInterval(poll)
                setTimeout(() => child.kill('SIGKILL'), 400)
              }, 20)
            }
          }
        )
        assert.equal(killed.signal, 'SIGKILL')
        const left = readdirSync(shared)
        assert.equal(left.length, 1)
        assert.match(left[0], /^\.prediction-one-[0-9a-f]{16}\.partial$/)
        const next = await runAction('wait', { ...inputs('j-next'), 'api-url': sim.apiUrl, 'download-dir': shared })
        assert.equal(next.code, 0, failure(next))
        // It could be a running step's, on another machine or in another container sharing the folder.
        expect(readdirSync(shared).sort()).toEqual([left[0], 'next.zip'].sort())
      })
    }
  )
})
