// npm test, the same on Linux, macOS and Windows (no `VAR=value cmd` in package.json, which cmd.exe
// cannot run): the type check, then Jest on this Node in ESM mode. Extra arguments go to Jest
// (`npm test -- __tests__/retry.test.ts`). Jest's own result is kept in .tmp/jest-results.json.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.node.split('.')[0]
const major = process.versions.node.split('.')[0]
if (major !== wanted) {
  console.error(
    `npm test needs Node ${wanted} (the runtime action.yml declares), and this is Node ${process.versions.node}: ` +
      `run npm ci, which installs Node ${wanted} as a dev dependency, then npm test (npm puts it first on PATH).`
  )
  process.exit(1)
}

// Every temporary folder of the run (the bundles' runner folders, workspaces, downloads) goes under
// one folder, removed at the end however the run ends: a failure, Jest stopping early (--bail), or a
// signal (Ctrl+C, a CI cancel), which is passed on to the step running and ends it first.
const scratch = mkdtempSync(join(tmpdir(), 'p1-test-'))

let child
let signalled
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signalled ??= signal
    child?.kill(signal)
  })
}

/** Runs a step to its end; its exit status (128 + the signal's number when a signal ended it). */
function run(args, env = process.env) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env })
    child.on('error', () => resolve(1))
    child.on('close', (code, signal) => {
      child = undefined
      resolve(code ?? 128 + (constants.signals[signal] ?? 0))
    })
  })
}

let status
try {
  status = await run([join(root, 'node_modules/typescript/bin/tsc'), '--noEmit'])
  if (status === 0 && !signalled) {
    mkdirSync(join(root, '.tmp'), { recursive: true })
    const flags = `--experimental-vm-modules --import=${pathToFileURL(join(root, 'scripts/quiet-vm-warning.mjs')).href}`
    status = await run(
      [
        ...flags.split(' '),
        join(root, 'node_modules/jest/bin/jest.js'),
        '--json',
        `--outputFile=${join(root, '.tmp/jest-results.json')}`,
        ...process.argv.slice(2)
      ],
      // Jest's workers are processes of their own: they get the flags through NODE_OPTIONS.
      {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${flags}`.trim(),
        // os.tmpdir() reads TMPDIR on Linux and macOS, TEMP and TMP on Windows.
        TMPDIR: scratch,
        TEMP: scratch,
        TMP: scratch
      }
    )
  }
} finally {
  // Processes a test started may outlive Jest for a moment, still writing: a few tries.
  rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
}
if (signalled) status ||= 128 + constants.signals[signalled]
process.exit(status)
