// Builds one ncc bundle per action: dist/ (wait, the root action), dist/upload/, dist/switch/; and
// the command-line tool's, dist/cli/, run as a program (a shebang line first).
// `node scripts/bundle.mjs OUT` builds into OUT instead (the dist check compares the two).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

// @actions/http-client (through @actions/core and our proxy agent) imports undici only for
// getAgentDispatcher (fetch through a proxy), which these actions never call. npm installs the real
// undici; the bundles replace it with this module, which throws if it is ever used: 0.2 MB
// instead of 1.2 MB per bundle, and nothing of undici evaluated at every start.
const UNDICI_ALIAS =
  'data:text/javascript,export class ProxyAgent { constructor() { throw new Error("undici is not bundled with these actions") } }'

const out = resolve(process.argv[2] ?? 'dist')
const entries = [
  ['src/github/entry/wait.ts', out],
  ['src/github/entry/upload.ts', join(out, 'upload')],
  ['src/github/entry/switch.ts', join(out, 'switch')],
  ['src/cli/index.ts', join(out, 'cli')]
]
rmSync(out, { recursive: true, force: true })
const ncc = createRequire(import.meta.url)(resolve('node_modules/@vercel/ncc'))
for (const [entry, dir] of entries) {
  const { code, assets } = await ncc(resolve(entry), {
    externals: { undici: UNDICI_ALIAS },
    license: 'licenses.txt',
    quiet: true
  })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.js'), entry.startsWith('src/cli/') ? `#!/usr/bin/env node\n${code}` : code)
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), asset.source)
  }
}
