// CONTRIBUTING.md's layout block says what src/ holds: it names every folder and file at the root of
// src/, and every file it names exists, so it cannot go stale unnoticed. CONTRIBUTING.ja.md has the
// same code blocks, and the links of the READMEs and CONTRIBUTING files to other files lead somewhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { ROOT } from '../../sim/runner.js'
import { parts } from '../helpers/readme.js'

const DOCS = ['README.md', 'README.ja.md', 'CONTRIBUTING.md', 'CONTRIBUTING.ja.md']
const text = (name: string): string => readFileSync(join(ROOT, name), 'utf8').replace(/\r\n/g, '\n')

/** An entry of the layout block: its path under src/ ("net/" or "net/http.ts") and its line. */
interface Entry {
  path: string
  line: number
}

/**
 * The entries under `src/` in the layout block: a name (a folder ends with "/") at the start of a
 * line, two spaces deeper per level; descriptions follow it or continue on deeper-indented lines.
 * Several names may share a line before the description ("demo/ bench/").
 */
function layout(name: string): Entry[] {
  const fence = parts(text(name)).fences.find((f) => f.lang === 'text' && f.body.startsWith('src/\n'))
  if (!fence) throw new Error(`${name} has no \`\`\`text block that starts with src/`)
  const entries: Entry[] = []
  const folders: string[] = []
  const lines = fence.body.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const match = /^( +)(\S.*)$/.exec(lines[i])
    if (!match) break // back at the left margin: the end of src/
    const depth = match[1].length / 2
    if (!Number.isInteger(depth) || depth > folders.length + 1) continue // a description's next line
    const names: string[] = []
    for (const word of match[2].split(/\s+/)) {
      if (!/^[\w.-]+(\/|\.ts)$/.test(word)) break
      names.push(word)
    }
    if (names.length === 0) continue
    folders.length = depth - 1
    for (const entry of names) entries.push({ path: folders.join('') + entry, line: fence.line + 1 + i })
    if (names.length === 1 && names[0].endsWith('/')) folders.push(names[0])
  }
  return entries
}

test('CONTRIBUTING.md names every folder and file at the root of src/ in its layout block', () => {
  const named = new Set(layout('CONTRIBUTING.md').map((e) => e.path))
  const missing = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
    .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
    .filter((path) => !named.has(path))
    .map((path) => `src/${path} is not in CONTRIBUTING.md's layout block`)
  expect(missing).toEqual([])
})

// A folder may be named before it lands (a front door on its way); a file named must exist.
test('every file CONTRIBUTING.md names in its layout block exists', () => {
  const stale = layout('CONTRIBUTING.md')
    .filter((e) => !e.path.endsWith('/') && !existsSync(join(ROOT, 'src', e.path)))
    .map((e) => `CONTRIBUTING.md line ${e.line}: src/${e.path} does not exist`)
  expect(stale).toEqual([])
})

test('CONTRIBUTING.ja.md has the code blocks of CONTRIBUTING.md, byte for byte (commands, layout)', () => {
  const [en, ja] = ['CONTRIBUTING.md', 'CONTRIBUTING.ja.md'].map((name) => parts(text(name)).fences)
  expect(ja.map((f) => f.body)).toEqual(en.map((f) => f.body))
})

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')

test('the links of the READMEs and CONTRIBUTING files to other files lead to a file, and to a heading there', () => {
  const problems: string[] = []
  for (const name of DOCS) {
    for (const [, file, hash] of text(name).matchAll(/\]\(([^)#:\s]+)(?:#([^)\s]+))?\)/g)) {
      if (!existsSync(join(ROOT, file))) {
        problems.push(`${name}: the link to ${file} leads to no file`)
        continue
      }
      if (hash === undefined || !file.endsWith('.md')) continue
      const anchors = new Set(parts(text(file)).headings.map((h) => anchor(h.title)))
      if (!anchors.has(decodeURIComponent(hash)))
        problems.push(`${name}: the link to ${file}#${hash} leads to no heading`)
    }
  }
  expect(problems).toEqual([])
})
