// npm pack / npm publish in cli/: its prepack script puts the committed bundle, dist/cli/, into the
// package, whose manifest (cli/package.json) has no dependencies: the bundle holds everything; its
// postpack script (`--remove`) takes the copies out again. P1_BUNDLES names another build to pack
// instead (the tests pack the one built from the current src/).
import { copyFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundles = process.env.P1_BUNDLES ? resolve(root, process.env.P1_BUNDLES) : join(root, 'dist')
for (const name of ['index.js', 'licenses.txt']) {
  if (process.argv.includes('--remove')) rmSync(join(root, 'cli', name), { force: true })
  else copyFileSync(join(bundles, 'cli', name), join(root, 'cli', name))
}
