// The two READMEs as the tests read them: where each documents an action, its fenced blocks and its
// headings, with the line each starts on, so that a failure can say where to look.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, type ActionName } from '../../sim/runner.js'

export const READMES = ['README.md', 'README.ja.md'] as const
export type ReadmeName = (typeof READMES)[number]

/** The headings under which each README documents an action, and the word its tables use for "required". */
export interface ReadmeLayout {
  sections: Record<ActionName, string>
  inputs: string
  outputs: string
  required: string
}

export const LAYOUT: Record<ReadmeName, ReadmeLayout> = {
  'README.md': {
    sections: { wait: '## The wait action', upload: '## The upload action', switch: '## The switch action' },
    inputs: '### Inputs',
    outputs: '### Outputs',
    required: 'required'
  },
  'README.ja.md': {
    sections: { wait: '## wait アクション', upload: '## upload アクション', switch: '## switch アクション' },
    inputs: '### 入力',
    outputs: '### 出力',
    required: '必須'
  }
}

/** A README's text; CR LF in a Windows checkout must not change what it says. */
export function readme(name: ReadmeName): string {
  return readFileSync(join(ROOT, name), 'utf8').replace(/\r\n/g, '\n')
}

export interface Fence {
  lang: string
  body: string
  /** 1-based line of the opening fence in the README. */
  line: number
}

export interface Heading {
  /** 2 for "##", 3 for "###". */
  level: number
  title: string
  /** 1-based line in the README. */
  line: number
}

/** The fenced code blocks and the headings outside them, in order. */
export function parts(text: string): { fences: Fence[]; headings: Heading[] } {
  const fences: Fence[] = []
  const headings: Heading[] = []
  let open: { lang: string; line: number; body: string[] } | undefined
  text.split('\n').forEach((line, index) => {
    if (open) {
      if (line.startsWith('```')) {
        fences.push({ lang: open.lang, line: open.line, body: open.body.map((l) => `${l}\n`).join('') })
        open = undefined
      } else open.body.push(line)
      return
    }
    const fence = /^```(\S*)/.exec(line)
    if (fence) open = { lang: fence[1], line: index + 1, body: [] }
    const heading = /^(#{1,6}) (.*)$/.exec(line)
    if (heading) headings.push({ level: heading[1].length, title: heading[2].trim(), line: index + 1 })
  })
  return { fences, headings }
}

/** The text of the "##" section whose heading starts with `heading`, up to the next "##". */
export function section(text: string, heading: string, name: string): string {
  const start = text.indexOf(`\n${heading}`)
  if (start < 0) throw new Error(`${name} has no section "${heading}"`)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start + 1, end < 0 ? undefined : end)
}

/** The heading of the section with the recipes for CI systems other than GitHub Actions. */
export const OTHER_CI: Record<ReadmeName, string> = {
  'README.md': '## Other CI systems',
  'README.ja.md': '## GitHub 以外の CI'
}

/** The first and last line (1-based) of that section. */
export function otherCiLines(text: string, name: ReadmeName): [number, number] {
  const start = text.split('\n').findIndex((line) => line.startsWith(OTHER_CI[name]))
  if (start < 0) throw new Error(`${name} has no section "${OTHER_CI[name]}"`)
  const next = parts(text).headings.find((h) => h.level <= 2 && h.line > start + 1)
  return [start + 1, next ? next.line - 1 : text.split('\n').length]
}

export type CiSystem = 'gitlab' | 'jenkins' | 'azure' | 'cron'
const SYSTEM_IN_TITLE: Record<CiSystem, RegExp> = { gitlab: /GitLab/, jenkins: /Jenkins/, azure: /Azure/, cron: /cron/ }

/** The code blocks of each "###" subsection of that section, by the system its heading names. */
export function recipes(text: string, name: ReadmeName): Record<CiSystem, Fence[]> {
  const [first, last] = otherCiLines(text, name)
  const { fences, headings } = parts(text)
  const subsections = headings.filter((h) => h.level === 3 && h.line > first && h.line <= last)
  const result = { gitlab: [], jenkins: [], azure: [], cron: [] } as Record<CiSystem, Fence[]>
  for (const [system, title] of Object.entries(SYSTEM_IN_TITLE) as [CiSystem, RegExp][]) {
    const heading = subsections.find((h) => title.test(h.title))
    if (!heading) throw new Error(`${name}: "${OTHER_CI[name]}" has no "###" subsection naming ${title.source}`)
    const end = subsections.find((h) => h.line > heading.line)?.line ?? last
    result[system] = fences.filter((f) => f.line > heading.line && f.line < end)
  }
  return result
}
