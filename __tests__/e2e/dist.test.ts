// dist/ is what runners execute: it must be exactly what src/ builds.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { expect, test } from '@jest/globals'
import { ROOT } from '../../sim/runner.js'
import { skipIf } from '../helpers/skip.js'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

// ncc numbers some modules otherwise on Windows: the same src/ bundled by Windows Node calls
// `__nccwpck_require__(7678)` where the committed dist/, bundled on Linux, has 8313 (seen under
// Wine). dist/ is checked where it is built, on Linux (macOS gives the same ids), as the official
// template (actions/typescript-action) checks it on ubuntu-latest only; Windows runs the committed
// bundles, which the end-to-end tests there exercise.
const builtHere = skipIf(process.platform === 'win32', 'ncc numbers modules otherwise on Windows', test)

builtHere(
  'the committed dist/ is what npm run bundle builds from src/',
  () => {
    const out = join(mkdtempSync(join(tmpdir(), 'p1-dist-')), 'dist')
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out], { cwd: ROOT, stdio: 'pipe' })
    const built = files(out)
      .map((f) => relative(out, f))
      .sort()
    const committed = files(join(ROOT, 'dist'))
      .map((f) => relative(join(ROOT, 'dist'), f))
      .sort()
    expect(committed).toEqual(built)
    for (const name of built) {
      // A checkout that turned LF into CR LF (core.autocrlf without .gitattributes) is still current.
      const text = (path: string): string => readFileSync(path, 'utf8').replace(/\r\n/g, '\n')
      const same = text(join(out, name)) === text(join(ROOT, 'dist', name))
      assert.ok(same, `dist/${name} is stale: run npm run bundle and commit dist/`)
    }
  },
  180_000
)
