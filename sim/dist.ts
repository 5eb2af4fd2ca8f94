// dist/ is what runners execute. One comparison of a fresh build with it, for the test that keeps it
// current and for npm run release.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).replaceAll('\\', '/'))
    .sort()

// A checkout that turned LF into CR LF (core.autocrlf without .gitattributes) is still current.
const text = (path: string): string => readFileSync(path, 'utf8').replace(/\r\n/g, '\n')

/** The files (relative paths, with `/`) that differ between the folders `built` and `committed`, or that one lacks. */
export function staleFiles(built: string, committed: string): string[] {
  const a = files(built)
  const b = files(committed)
  return [...new Set([...a, ...b])]
    .sort()
    .filter((name) => !a.includes(name) || !b.includes(name) || text(join(built, name)) !== text(join(committed, name)))
}
