// npm run release [-- X.Y.Z]: cut a release. Checks that the tree is clean and dist/ is what src/
// builds, asks for the new version (greater than the latest tag), dates its CHANGELOG.md section,
// sets package.json's and cli/package.json's version, rebuilds dist/ (the tool's bundle holds its
// version), commits, tags vX.Y.Z and moves the major tag (v1) to it. Pushing is
// left to you: the commands are printed at the end.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { staleFiles } from '../sim/dist.ts'

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim()
const fail = (message) => {
  console.error(`release: ${message}`)
  process.exit(1)
}

if (git('status', '--porcelain') !== '') fail('the working tree has uncommitted changes: commit or stash them first')

const built = join(mkdtempSync(join(tmpdir(), 'p1-release-')), 'dist')
execFileSync(process.execPath, ['scripts/bundle.mjs', built], { stdio: 'inherit' })
if (staleFiles(built, 'dist').length > 0) fail('dist/ is not what src/ builds: npm run bundle, commit, then release')

const semver = /^(\d+)\.(\d+)\.(\d+)$/
const latest = git('tag', '--list', 'v*.*.*', '--sort=-v:refname').split('\n')[0] || 'v0.0.0'
let version = process.argv[2]
if (!version) {
  const prompt = createInterface({ input: process.stdin, output: process.stdout })
  version = (await prompt.question(`Latest release: ${latest}. New version (X.Y.Z): `)).trim().replace(/^v/, '')
  prompt.close()
}
const next = semver.exec(version)
const last = semver.exec(latest.slice(1))
if (!next) fail(`"${version}" is not X.Y.Z`)
const newer = [1, 2, 3].map((i) => Number(next[i]) - Number(last[i])).find((d) => d !== 0) > 0
if (!newer) fail(`${version} is not newer than ${latest}`)

const changelog = readFileSync('CHANGELOG.md', 'utf8')
const unreleased = /^## .*\(unreleased\)$/m
if (!unreleased.test(changelog)) fail('CHANGELOG.md has no "## ... (unreleased)" section to release')
const date = new Date().toISOString().slice(0, 10)
writeFileSync('CHANGELOG.md', changelog.replace(unreleased, `## ${version} (${date})`))
// The command-line tool (cli/, published to npm) has the actions' version; its bundle holds it (--version).
for (const manifest of ['package.json', 'cli/package.json']) {
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  pkg.version = version
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`)
}
execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' })

const tag = `v${version}`
const major = `v${next[1]}`
git('add', '--', 'dist')
git('commit', '--quiet', '-m', `Release ${tag}`, '--', 'CHANGELOG.md', 'package.json', 'cli/package.json', 'dist')
git('tag', '--annotate', tag, '--message', `Release ${tag}`)
git('tag', '--force', major, tag)
console.log(`Tagged ${tag} and moved ${major} to it. Publish with:
  git push origin HEAD ${tag}
  git push --force origin ${major}
then draft a GitHub release from ${tag} (its notes: the ${version} section of CHANGELOG.md),
and publish the command-line tool of the same version to npm:
  cd cli && npm publish`)
