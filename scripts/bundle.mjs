// Builds one ncc bundle per action: dist/ (wait, the root action), dist/upload/, dist/switch/.
// `node scripts/bundle.mjs OUT` builds into OUT instead (the dist check compares the two).
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const out = resolve(process.argv[2] ?? 'dist')
const entries = [
  ['src/wait/index.ts', out],
  ['src/upload/index.ts', join(out, 'upload')],
  ['src/switch/index.ts', join(out, 'switch')]
]
rmSync(out, { recursive: true, force: true })
const ncc = resolve('node_modules/@vercel/ncc/dist/ncc/cli.js')
for (const [entry, dir] of entries) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', dir, '--license', 'licenses.txt', '--quiet'], {
    stdio: 'inherit'
  })
}
