// Runs the command-line tool's bundle as a CI job or cron does: `node dist/cli/index.js <args>` in a
// working directory of its own, with P1_* variables and nothing else from this process, its own temp
// folder (where partial files would be left), signals, and stdout and stderr kept apart. Used by the
// tests and the benchmark; like the runner emulation (runner.ts), it never imports src/.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ROOT } from './runner.js'

/** The tool's bundle: the committed dist/cli/, or its counterpart in P1_BUNDLES (npm test's fresh build). */
export function toolBundle(): string {
  const fresh = process.env.P1_BUNDLES
  return join(fresh ? resolve(ROOT, fresh) : join(ROOT, 'dist'), 'cli', 'index.js')
}

export interface ToolRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** The dotenv file's text, when --dotenv named `dotenvPath` and it was written. */
  dotenv?: string
  durationMs: number
  /** The working directory. */
  cwd: string
  /** The run's own temp folder (TMPDIR, TEMP, TMP). */
  temp: string
}

export interface ToolOptions {
  /** Variables to set: P1_API_KEY, P1_TIMEOUT, TF_BUILD… */
  env?: Record<string, string>
  cwd?: string
  /** The program that runs the bundle: this Node by default; a bin script, or another Node. */
  command?: string[]
  /** Read back after the run as `dotenv` (relative to cwd). */
  dotenvPath?: string
  onSpawn?: (child: ChildProcess) => void
  /** Called with all stderr so far on every chunk (the log), for tests that act on what was printed. */
  onStderr?: (text: string, child: ChildProcess) => void
  killAfterMs?: number
}

const SYSTEM_VARIABLES = ['PATH', 'HOME', 'SystemRoot', 'windir', 'ComSpec', 'PATHEXT', 'USERPROFILE']

export async function runTool(args: string[], options: ToolOptions = {}): Promise<ToolRun> {
  const dir = mkdtempSync(join(tmpdir(), 'p1-tool-'))
  const cwd = options.cwd ?? join(dir, 'work')
  const temp = join(dir, 'temp')
  for (const path of [cwd, temp]) mkdirSync(path, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      SYSTEM_VARIABLES.filter((name) => process.env[name]).map((name) => [name, process.env[name]])
    ),
    TMPDIR: temp,
    TEMP: temp,
    TMP: temp,
    ...options.env
  }
  const [program, ...before] = options.command ?? [process.execPath, toolBundle()]
  const started = Date.now()
  const child = spawn(program, [...before, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    options.onStderr?.(stderr, child)
  })
  options.onSpawn?.(child)
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (c, s) => done([c, s]))
  )
  clearTimeout(killer)
  const dotenvFile = options.dotenvPath ? resolve(cwd, options.dotenvPath) : undefined
  return {
    code,
    signal,
    stdout,
    stderr,
    dotenv: dotenvFile && existsSync(dotenvFile) ? readFileSync(dotenvFile, 'utf8') : undefined,
    durationMs: Date.now() - started,
    cwd,
    temp
  }
}

/** The one JSON object --json prints, or an error that says what stdout held instead. */
export function jsonOf(run: ToolRun): Record<string, unknown> {
  const lines = run.stdout.split('\n').filter((line) => line !== '')
  if (lines.length !== 1) throw new Error(`stdout holds ${lines.length} lines, not one JSON object:\n${run.stdout}`)
  return JSON.parse(lines[0]) as Record<string, unknown>
}

/** A dotenv file's variables, as GitLab reads them: NAME=value, one a line. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of text.split('\n')) {
    if (line === '') continue
    const at = line.indexOf('=')
    if (at < 1) throw new Error(`not a dotenv line: ${line}`)
    values[line.slice(0, at)] = line.slice(at + 1)
  }
  return values
}
