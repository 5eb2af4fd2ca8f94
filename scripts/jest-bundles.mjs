// Jest's global set-up: the three bundles built from the current src/, once per run, into a
// temporary folder; the end-to-end tests run those (sim/runner.ts reads P1_BUNDLES), so a change to
// src/ is tested end to end before anyone runs npm run bundle. The dist test compares them with the
// committed dist/. Set P1_BUNDLES yourself to run other bundles (dist for the committed ones).
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export default function buildBundles() {
  if (process.env.P1_BUNDLES) return
  // Under npm test, tmpdir() is the run's own folder, removed when the run ends.
  const out = join(mkdtempSync(join(tmpdir(), 'p1-bundles-')), 'dist')
  execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), out], { cwd: root, stdio: 'inherit' })
  process.env.P1_BUNDLES = out
}
