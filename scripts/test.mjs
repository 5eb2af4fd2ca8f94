// npm test, the same on Linux, macOS and Windows (no `VAR=value cmd` in package.json, which cmd.exe
// cannot run): the type check, then Jest on this Node in ESM mode. Extra arguments go to Jest
// (`npm test -- __tests__/retry.test.ts`). Jest's own result is kept in .tmp/jest-results.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
// one folder, removed at the end whatever the result.
const scratch = mkdtempSync(join(tmpdir(), 'p1-test-'))

function run(args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) {
    rmSync(scratch, { recursive: true, force: true })
    process.exit(result.status ?? 1)
  }
}

run([join(root, 'node_modules/typescript/bin/tsc'), '--noEmit'])
mkdirSync(join(root, '.tmp'), { recursive: true })
const flags = `--experimental-vm-modules --import=${pathToFileURL(join(root, 'scripts/quiet-vm-warning.mjs')).href}`
run(
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
rmSync(scratch, { recursive: true, force: true })
