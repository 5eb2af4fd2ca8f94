// README.md and README.ja.md change together. A change made in one only fails here, with a message
// that says where: which code block and its first differing line (comments aside: README.ja.md writes
// the comments of its code blocks in Japanese), which input or output a section
// does not name, which section has no counterpart, which code a section lacks.
import { expect, test } from '@jest/globals'
import { metadata, type ActionName } from '../../sim/runner.js'
import {
  LAYOUT,
  READMES,
  parts,
  readme,
  section,
  type Fence,
  type Heading,
  type ReadmeName
} from '../helpers/readme.js'

const [EN, JA] = READMES
const TEXT: Record<ReadmeName, string> = { [EN]: readme(EN), [JA]: readme(JA) }
const PARTS = { [EN]: parts(TEXT[EN]), [JA]: parts(TEXT[JA]) }

const show = (line: string | undefined): string => (line === undefined ? '(no such line)' : JSON.stringify(line))

interface Alignment {
  /** Indexes into the two lists, in order. */
  pairs: [number, number][]
  onlyEn: number[]
  onlyJa: number[]
}

/**
 * Pairs two lists in order, the pairs as alike as can be (the most likeness, 0 to 1, over all pairs),
 * so that an item added to one list only is left unpaired instead of shifting every pair after it.
 * Any pair scores a little: items that are not alike still pair in order (an item changed in place).
 */
function align<T>(en: T[], ja: T[], likeness: (a: T, b: T) => number): Alignment {
  // best[i][j]: the most likeness the first i and j items can reach.
  const best = Array.from({ length: en.length + 1 }, () => new Array<number>(ja.length + 1).fill(0))
  const pair = (i: number, j: number): number => best[i - 1][j - 1] + likeness(en[i - 1], ja[j - 1]) + 1e-3
  for (let i = 1; i <= en.length; i++) {
    for (let j = 1; j <= ja.length; j++) best[i][j] = Math.max(best[i - 1][j], best[i][j - 1], pair(i, j))
  }
  const result: Alignment = { pairs: [], onlyEn: [], onlyJa: [] }
  let [i, j] = [en.length, ja.length]
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && best[i][j] === pair(i, j)) result.pairs.unshift([--i, --j])
    else if (i > 0 && (j === 0 || best[i][j] === best[i - 1][j])) result.onlyEn.unshift(--i)
    else result.onlyJa.unshift(--j)
  }
  return result
}

/** Where the item at `index` of one side would go in the other: after the item paired before it. */
function placeIn(alignment: Alignment, index: number, side: 0 | 1, describeOther: (i: number) => string): string {
  const before = [...alignment.pairs].reverse().find((p) => p[side] < index)
  return before ? `after ${describeOther(before[1 - side])}` : 'first'
}

/** The languages whose comments may be translated: `#` in YAML, shell and crontab, `//` in Groovy. */
const COMMENT: Record<string, string> = { yaml: '#', sh: '#', crontab: '#', groovy: '//' }

/**
 * One line without its comment: a comment starts at a `#` (`//` in Groovy) at the start of the line or
 * after a space or tab, outside quotes; a quote opens only at the start or after a space, `(`, `=`, `[`
 * or `,` (so that the apostrophe of "step's" opens none), and quotes end with the line. The line keeps
 * no trailing spaces. `"#anchor"`, `'#'`, `${1#-}` and `https://x/#a` are not comments.
 */
function withoutComment(line: string, marker: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    const before = i === 0 ? ' ' : line[i - 1]
    if (quote) {
      if (c === quote && !(quote === '"' && before === '\\')) quote = undefined
    } else if ((c === "'" || c === '"') && /[\s(=[,]/.test(before)) {
      quote = c
    } else if (line.startsWith(marker, i) && /\s/.test(before)) {
      return line.slice(0, i).trimEnd()
    }
  }
  return line.trimEnd()
}

/**
 * A code block as the two READMEs must share it: its comments (which README.ja.md writes in Japanese)
 * taken out, and the lines that held only a comment dropped; blank lines and everything else stay.
 */
function withoutComments(body: string, lang: string): string {
  const marker = COMMENT[lang]
  if (!marker) return body
  return body
    .split('\n')
    .flatMap((line) => {
      const code = withoutComment(line, marker)
      return code === '' && line.trim() !== '' ? [] : [code]
    })
    .join('\n')
}

test(`${JA} has the code blocks of ${EN}, but for their comments (yaml, commands, layout)`, () => {
  const problems: string[] = []
  const languages = [...new Set([...PARTS[EN].fences, ...PARTS[JA].fences].map((f) => f.lang))]
  for (const lang of languages) {
    const en = PARTS[EN].fences.filter((f) => f.lang === lang)
    const ja = PARTS[JA].fences.filter((f) => f.lang === lang)
    const name = (fences: Fence[], i: number): string =>
      `${lang} block ${i + 1} of ${fences.length} (line ${fences[i].line}, ${show(fences[i].body.split('\n')[0])})`
    if (en.length !== ja.length) {
      problems.push(`${EN} has ${en.length} ${lang} blocks, ${JA} has ${ja.length}`)
    }
    const code = (f: Fence): string => withoutComments(f.body, lang)
    const alignment = align(en, ja, (a, b) => (code(a) === code(b) ? 1 : 0))
    for (const [i, j] of alignment.pairs) {
      if (code(en[i]) === code(ja[j])) continue
      const [a, b] = [code(en[i]).split('\n'), code(ja[j]).split('\n')]
      let at = 0
      while (a[at] === b[at]) at++
      problems.push(
        `${lang} block ${i + 1} of ${en.length} (${EN} line ${en[i].line}, ${JA} line ${ja[j].line}) differs at ` +
          `its line ${at + 1} without comments: ${show(a[at])} in ${EN}, ${show(b[at])} in ${JA}`
      )
    }
    for (const i of alignment.onlyEn) {
      problems.push(
        `${EN} ${name(en, i)} is not in ${JA}: it would come ${placeIn(alignment, i, 0, (k) => `${JA} ${name(ja, k)}`)}`
      )
    }
    for (const j of alignment.onlyJa) {
      problems.push(
        `${JA} ${name(ja, j)} is not in ${EN}: it would come ${placeIn(alignment, j, 1, (k) => `${EN} ${name(en, k)}`)}`
      )
    }
  }
  expect(problems).toEqual([])
})

test('a comment is what follows a # (// in Groovy) after a space, outside quotes, and nothing else', () => {
  const cases: [string, string, string][] = [
    ['    timeout-minutes: 100 # see "How long a job may take"', '#', '    timeout-minutes: 100'],
    ['      # Your own quality bar, read from the unpacked result.', '#', ''],
    ['#!/usr/bin/env bash', '#', ''],
    [
      "        description: The retrain job (the upload step's retrain_job_id) # a comment",
      '#',
      "        description: The retrain job (the upload step's retrain_job_id)"
    ],
    ['  run: echo "a # b" # c', '#', '  run: echo "a # b"'],
    ["  - cron: '0 3 * * 1' # weekly", '#', "  - cron: '0 3 * * 1'"],
    ['while [ "$1" != "${1#-}" ]; do shift; done', '#', 'while [ "$1" != "${1#-}" ]; do shift; done'],
    ['dotenv=; while [ $# -gt 0 ]; do', '#', 'dotenv=; while [ $# -gt 0 ]; do'],
    ['  url: https://example.com/readme#anchor', '#', '  url: https://example.com/readme#anchor'],
    ["x: 'a' #' b", '#', "x: 'a'"],
    ['sh(script: "sed -n \'s/^P1=//p\' upload.env")', '//', 'sh(script: "sed -n \'s/^P1=//p\' upload.env")'],
    ['    disableConcurrentBuilds() // one at a time', '//', '    disableConcurrentBuilds()']
  ]
  expect(cases.map(([line, marker]) => withoutComment(line, marker))).toEqual(cases.map(([, , code]) => code))
  expect(withoutComments('a: 1 # one\n# only a comment\n\nb: 2\n', 'yaml')).toBe('a: 1\n\nb: 2\n')
  expect(withoutComments('{ "a": "#" }\n', 'json')).toBe('{ "a": "#" }\n')
})

test('each README names every input and output of the three action.yml files in that action’s section', () => {
  const problems: string[] = []
  for (const name of READMES) {
    for (const [action, heading] of Object.entries(LAYOUT[name].sections) as [ActionName, string][]) {
      const text = section(TEXT[name], heading, name)
      const meta = metadata(action)
      const file = action === 'wait' ? 'action.yml' : `${action}/action.yml`
      for (const kind of ['inputs', 'outputs'] as const) {
        for (const key of Object.keys(meta[kind])) {
          if (!text.includes(`\`${key}\``)) {
            problems.push(
              `${name}: section "${text.split('\n')[0]}" does not name ${kind.slice(0, -1)} \`${key}\` of ${file}`
            )
          }
        }
      }
    }
  }
  expect(problems).toEqual([])
})

interface Section {
  heading: Heading
  subsections: Heading[]
  /** The code spans and code blocks of the section: what it mentions, the same in both languages. */
  code: Set<string>
}

// Names, values, messages and commands are written as code in both languages: a sentence added to
// one README only usually brings code the other lacks.
function codeOf(text: string): Set<string> {
  const blocks = [...text.matchAll(/^```[\s\S]*?^```$/gm)].map((m) => m[0])
  const prose = text.replace(/^```[\s\S]*?^```$/gm, '')
  const spans = [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, ' '))
  return new Set([...spans, ...blocks])
}

/** The "##" sections of a README: heading, the "###" headings under it, and the code it mentions. */
function sections(name: ReadmeName): Section[] {
  const lines = TEXT[name].split('\n')
  const headings = PARTS[name].headings.filter((h) => h.level >= 2)
  const tops = headings.filter((h) => h.level === 2)
  return tops.map((heading, i) => {
    const end = tops[i + 1]?.line ?? lines.length + 1
    return {
      heading,
      subsections: headings.filter((h) => h.level === 3 && h.line > heading.line && h.line < end),
      code: codeOf(lines.slice(heading.line, end - 1).join('\n'))
    }
  })
}

/** Shared code over all code of the two, 0 to 1. */
function likeness(a: Section, b: Section): number {
  const shared = [...a.code].filter((x) => b.code.has(x)).length
  return shared / Math.max(1, a.code.size + b.code.size - shared)
}

const describeHeading = (h: Heading): string => `"${h.title}" (line ${h.line})`
const SECTIONS = { [EN]: sections(EN), [JA]: sections(JA) }
const ALIGNED = align(SECTIONS[EN], SECTIONS[JA], likeness)

test(`${JA} has as many "##" sections as ${EN}, each with as many "###" subsections`, () => {
  const [en, ja] = [SECTIONS[EN], SECTIONS[JA]]
  const problems: string[] = []
  if (en.length !== ja.length) problems.push(`${EN} has ${en.length} "##" sections, ${JA} has ${ja.length}`)
  for (const i of ALIGNED.onlyEn) {
    const place = placeIn(ALIGNED, i, 0, (k) => describeHeading(ja[k].heading))
    problems.push(
      `${EN} section ${i + 1} ${describeHeading(en[i].heading)} has no counterpart in ${JA}: it would come ${place}`
    )
  }
  for (const j of ALIGNED.onlyJa) {
    const place = placeIn(ALIGNED, j, 1, (k) => describeHeading(en[k].heading))
    problems.push(
      `${JA} section ${j + 1} ${describeHeading(ja[j].heading)} has no counterpart in ${EN}: it would come ${place}`
    )
  }
  for (const [i, j] of ALIGNED.pairs) {
    const [a, b] = [en[i], ja[j]]
    if (a.subsections.length === b.subsections.length) continue
    const titles = (s: Section): string => s.subsections.map((h) => h.title).join(', ')
    problems.push(
      `${EN} ${describeHeading(a.heading)} has ${a.subsections.length} "###" [${titles(a)}], ` +
        `${JA} ${describeHeading(b.heading)} has ${b.subsections.length} [${titles(b)}]`
    )
  }
  expect(problems).toEqual([])
})

/** " (line N)": the first line of the section that holds the code span, or nothing if it spans lines. */
function lineOf(name: ReadmeName, s: Section, code: string): string {
  const lines = TEXT[name].split('\n')
  const at = lines.findIndex((line, i) => i >= s.heading.line && line.includes(`\`${code}\``))
  return at < 0 ? '' : ` (line ${at + 1})`
}

// The one section of README.ja.md that says more than README.md: it quotes the (English) messages of
// the actions a user is most likely to meet and explains them in Japanese.
const JA_EXPLAINS_MORE = new Set(['トラブルシューティング'])

test(`each "##" section of ${JA} mentions the same code spans as its counterpart in ${EN}`, () => {
  const problems: string[] = []
  const spans = (s: Section): string[] => [...s.code].filter((code) => !code.startsWith('```'))
  for (const [i, j] of ALIGNED.pairs) {
    // Blocks are compared line by line in a test of their own.
    const [a, b] = [SECTIONS[EN][i], SECTIONS[JA][j]]
    const where = `${JA} ${describeHeading(b.heading)}`
    const there = `${EN} ${describeHeading(a.heading)}`
    const list = (name: ReadmeName, s: Section, codes: string[]): string =>
      codes.map((c) => `\`${c}\`${lineOf(name, s, c)}`).join(', ')
    const missing = spans(a).filter((code) => !b.code.has(code))
    if (missing.length > 0) problems.push(`${where} lacks ${list(EN, a, missing)}, which ${there} has`)
    const extra = JA_EXPLAINS_MORE.has(b.heading.title) ? [] : spans(b).filter((code) => !a.code.has(code))
    if (extra.length > 0) problems.push(`${where} has ${list(JA, b, extra)}, which ${there} does not (any more?)`)
  }
  expect(problems).toEqual([])
})

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')

test('each README links to the other on its first line, and its links within itself lead to a heading', () => {
  const problems: string[] = []
  for (const [name, other] of [
    [EN, JA],
    [JA, EN]
  ] as const) {
    const first = TEXT[name].split('\n')[0]
    if (!first.includes(`](${other})`))
      problems.push(`${name}: the first line does not link to ${other}: ${show(first)}`)
    const anchors = new Set(PARTS[name].headings.map((h) => anchor(h.title)))
    for (const [, target] of TEXT[name].matchAll(/\]\(#([^)]+)\)/g)) {
      if (!anchors.has(target)) problems.push(`${name}: the link to #${target} leads to no heading`)
    }
  }
  expect(problems).toEqual([])
})
