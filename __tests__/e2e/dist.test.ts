// dist/ is what runners execute: it must be exactly what src/ builds.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { expect, test } from '@jest/globals'
import { ROOT } from '../../sim/runner.js'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

// Checked on every system: Windows Node bundles dist/ byte for byte as Linux does (npm run
// test:windows runs this under Wine). Before undici became an alias in scripts/bundle.mjs, ncc gave
// one module another id there (7678 for 8313), and the check would have had to stay on Linux.
test('the committed dist/ is what npm run bundle builds from src/', () => {
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
}, 180_000)
