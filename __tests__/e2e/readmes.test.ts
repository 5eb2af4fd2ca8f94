// README.md and README.ja.md change together. A change made in one only fails here, with a message
// that says where: which code block and its first differing line, which input or output a section
// does not name, which sections differ in number or in the code they mention.
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

/** Where two blocks of the same language and index part, as one line of text; undefined if they do not. */
function blockDifference(lang: string, index: number, count: number, en: Fence, ja: Fence): string | undefined {
  if (en.body === ja.body) return undefined
  const a = en.body.split('\n')
  const b = ja.body.split('\n')
  let at = 0
  while (a[at] === b[at]) at++
  return (
    `${lang} block ${index + 1} of ${count} (${EN} line ${en.line}, ${JA} line ${ja.line}) differs at its line ${at + 1}: ` +
    `${EN} line ${en.line + 1 + at} ${show(a[at])}, ${JA} line ${ja.line + 1 + at} ${show(b[at])}`
  )
}

test(`${JA} has the code blocks of ${EN}, byte for byte (yaml, commands, layout)`, () => {
  const problems: string[] = []
  const languages = [...new Set([...PARTS[EN].fences, ...PARTS[JA].fences].map((f) => f.lang))]
  for (const lang of languages) {
    const en = PARTS[EN].fences.filter((f) => f.lang === lang)
    const ja = PARTS[JA].fences.filter((f) => f.lang === lang)
    if (en.length !== ja.length) {
      const lines = (fences: Fence[]): string => fences.map((f) => f.line).join(', ') || 'none'
      problems.push(
        `${EN} has ${en.length} ${lang} blocks (lines ${lines(en)}), ${JA} has ${ja.length} (lines ${lines(ja)})`
      )
    }
    for (let i = 0; i < Math.min(en.length, ja.length); i++) {
      const difference = blockDifference(lang, i, en.length, en[i], ja[i])
      if (difference) problems.push(difference)
    }
  }
  expect(problems).toEqual([])
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

/** The "##" sections of a README: heading, the "###" headings under it, and the text up to the next "##". */
function sections(name: ReadmeName): { heading: Heading; subsections: Heading[]; text: string }[] {
  const lines = TEXT[name].split('\n')
  const headings = PARTS[name].headings.filter((h) => h.level >= 2)
  const tops = headings.filter((h) => h.level === 2)
  return tops.map((heading, i) => {
    const end = tops[i + 1]?.line ?? lines.length + 1
    return {
      heading,
      subsections: headings.filter((h) => h.level === 3 && h.line > heading.line && h.line < end),
      text: lines.slice(heading.line - 1, end - 1).join('\n')
    }
  })
}

const describeHeading = (h: Heading | undefined): string => (h ? `"${h.title}" (line ${h.line})` : '(none)')

test(`${JA} has as many "##" sections as ${EN}, each with as many "###" subsections`, () => {
  const en = sections(EN)
  const ja = sections(JA)
  if (en.length !== ja.length) {
    const rows = Array.from(
      { length: Math.max(en.length, ja.length) },
      (_, i) => `  ${i + 1}. ${describeHeading(en[i]?.heading)} | ${describeHeading(ja[i]?.heading)}`
    )
    throw new Error(
      `${EN} has ${en.length} "##" sections, ${JA} has ${ja.length}; side by side (${EN} | ${JA}):\n${rows.join('\n')}`
    )
  }
  const problems = en.flatMap((s, i) =>
    s.subsections.length === ja[i].subsections.length
      ? []
      : [
          `section ${i + 1}: ${EN} ${describeHeading(s.heading)} has ${s.subsections.length} "###" ` +
            `[${s.subsections.map((h) => h.title).join(', ')}], ${JA} ${describeHeading(ja[i].heading)} has ` +
            `${ja[i].subsections.length} [${ja[i].subsections.map((h) => h.title).join(', ')}]`
        ]
  )
  expect(problems).toEqual([])
})

// Names, values, messages and commands are written in code spans in both languages: a sentence added
// to one README only usually brings a code span the other lacks.
const codeSpans = (text: string): Set<string> =>
  new Set([...text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, ' ')))

test(`each "##" section of ${JA} mentions every code span of its counterpart in ${EN}`, () => {
  const en = sections(EN)
  const ja = sections(JA)
  const problems: string[] = []
  for (let i = 0; i < Math.min(en.length, ja.length); i++) {
    const theirs = codeSpans(ja[i].text)
    const missing = [...codeSpans(en[i].text)].filter((span) => !theirs.has(span))
    if (missing.length > 0) {
      problems.push(
        `section ${i + 1}: ${JA} ${describeHeading(ja[i].heading)} lacks ${missing.map((s) => `\`${s}\``).join(', ')}, ` +
          `which ${EN} ${describeHeading(en[i].heading)} has`
      )
    }
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
