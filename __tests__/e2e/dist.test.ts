// dist/ is what runners execute: it must be exactly what src/ builds. npm test has built the
// current src/ once (scripts/jest-bundles.mjs, P1_BUNDLES); the committed dist/ is compared with it.
import { resolve, join } from 'node:path'
import { expect, test } from '@jest/globals'
import { staleFiles } from '../../sim/dist.js'
import { ROOT } from '../../sim/runner.js'

// Checked on every system: Windows Node bundles dist/ byte for byte as Linux does (npm run
// test:windows runs this under Wine). Before undici became an alias in scripts/bundle.mjs, ncc gave
// one module another id there (7678 for 8313), and the check would have had to stay on Linux.
test('the committed dist/ is what npm run bundle builds from src/', () => {
  const built = process.env.P1_BUNDLES
  const committed = join(ROOT, 'dist')
  if (!built || resolve(ROOT, built) === committed) {
    throw new Error('P1_BUNDLES must name a fresh build (npm test makes one): this test compares dist/ with it')
  }
  // The files that differ: run npm run bundle and commit dist/.
  expect(staleFiles(built, committed)).toEqual([])
})
