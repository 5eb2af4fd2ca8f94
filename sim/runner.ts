// The runner emulation: runs a committed bundle as the GitHub runner does, with INPUT_* variables
// (defaults from action.yml), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a RUNNER_TEMP, signals,
// and nothing else from this process. Used by the tests, the demo and the benchmark; like the
// simulator, it never imports src/.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export type ActionName = 'wait' | 'upload' | 'switch'

export const ACTION_YML: Record<ActionName, string> = {
  wait: join(ROOT, 'action.yml'),
  upload: join(ROOT, 'upload/action.yml'),
  switch: join(ROOT, 'switch/action.yml')
}

export interface ActionMetadata {
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
  branding?: { icon?: string; color?: string }
}

export function metadata(action: ActionName): ActionMetadata {
  return parse(readFileSync(ACTION_YML[action], 'utf8')) as ActionMetadata
}

/**
 * The bundle a runner starts for `action`: as action.yml names it (the committed dist/), or, when
 * P1_BUNDLES names a folder (npm test builds the current src/ into one), its counterpart there.
 */
export function bundleFor(action: ActionName, meta: ActionMetadata = metadata(action)): string {
  const committed = resolve(dirname(ACTION_YML[action]), meta.runs.main)
  const fresh = process.env.P1_BUNDLES
  return fresh ? join(resolve(ROOT, fresh), relative(join(ROOT, 'dist'), committed)) : committed
}

/**
 * The runner's warning for inputs that action.yml does not declare (a `with:` key it ignores), or
 * undefined when every input is declared.
 */
export function unexpectedInputs(action: ActionName, inputs: Record<string, string>): string | undefined {
  const valid = Object.keys(metadata(action).inputs)
  const unexpected = Object.keys(inputs).filter((name) => !valid.includes(name))
  if (unexpected.length === 0) return undefined
  const list = (names: string[]): string => names.map((name) => `'${name}'`).join(', ')
  return `Unexpected input(s) ${list(unexpected)}, valid inputs are [${list(valid)}]`
}

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  /** The log as the runner reads it (see `asRunnerReads`). */
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  durationMs: number
  dir: string
  runnerTemp: string
  workspace: string
}

export interface RunOptions {
  /** Called once the process runs, for tests that send it a signal. */
  onSpawn?: (child: ChildProcess) => void
  /** Kill the process if it runs longer (a hung action fails the test, not the suite). */
  killAfterMs?: number
  workspace?: string
  /** Called with all stdout so far on every chunk, for tests that act on what was printed. */
  onStdout?: (text: string, child: ChildProcess) => void
  /** Variables of the runner's environment to set or change (PATH without a tool, a proxy). */
  env?: Record<string, string>
}

/**
 * The runner's heredoc format: `name<<DELIM`, value lines, `DELIM`. @actions/core ends lines with
 * the system's EOL; on Windows the runner reads CR LF as one line end (and keeps a value's own).
 */
export function parseOutputFile(text: string, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  const bare = (line: string): string => (platform === 'win32' ? line.replace(/\r$/, '') : line)
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<=]+)<<(.+)$/.exec(bare(lines[i]))
    if (!head) continue
    const value: string[] = []
    for (i++; i < lines.length && bare(lines[i]) !== head[2]; i++) value.push(lines[i])
    outputs[head[1]] = bare(value.join('\n'))
  }
  return outputs
}

/**
 * An action's log with one LF per line end: @actions/core ends lines with the system's EOL, CR LF
 * on Windows, and the runner reads CR LF as one line end, so tests of lines hold on every system.
 */
export function asRunnerReads(log: string): string {
  return log.replaceAll('\r\n', '\n')
}

// What any process of the system needs, and a runner passes on: Windows' networking and PowerShell
// fail without SystemRoot and PATHEXT.
const SYSTEM_VARIABLES = ['PATH', 'HOME', 'SystemRoot', 'windir', 'ComSpec', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE']

function systemEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    SYSTEM_VARIABLES.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])
  )
}

export async function runAction(
  action: ActionName,
  inputs: Record<string, string>,
  options: RunOptions = {}
): Promise<ActionRun> {
  const meta = metadata(action)
  const dir = mkdtempSync(join(tmpdir(), `p1-${action}-`))
  const runnerTemp = join(dir, 'runner-temp')
  const workspace = options.workspace ?? join(dir, 'workspace')
  const outputFile = join(dir, 'github-output')
  const summaryFile = join(dir, 'step-summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    ...systemEnv(),
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTIONS: 'true'
  }
  for (const [name, spec] of Object.entries(meta.inputs)) {
    if (spec.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(spec.default)
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  Object.assign(env, options.env)
  for (const path of [runnerTemp, workspace]) mkdirSync(path, { recursive: true })

  const main = bundleFor(action, meta)
  const started = Date.now()
  const child = spawn(process.execPath, [main], { env, cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    options.onStdout?.(stdout, child)
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  options.onSpawn?.(child)
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (c, s) => done([c, s]))
  )
  clearTimeout(killer)
  return {
    code,
    signal,
    stdout: asRunnerReads(stdout),
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: Date.now() - started,
    dir,
    runnerTemp,
    workspace
  }
}

/** Everything the run showed a person or a later step, but the runner's own mask commands. */
export function visibleText(run: ActionRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [stdout, run.stderr, JSON.stringify(run.outputs), run.summary].join('\n')
}

/** The `::error::` line the runner shows as the step's failure. */
export function failure(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .join('\n')
}
