// What every test of the command-line tool checks: no secret in anything it showed or wrote, and no
// line that GitHub's runner or the Azure Pipelines agent would obey but the tool's own variables.
import assert from 'node:assert/strict'
import type { Simulator } from '../../sim/simulator.js'
import type { ToolRun } from '../../sim/tool-runner.js'
import { runnerCommands } from './commands.js'
import { assertNoPart, signedUrls } from './secrets.js'

export interface AzureCommand {
  /** `task.setvariable`, or the formatting command's name (`error`, `section`) for `##[name]`. */
  name: string
  properties: Record<string, string>
  data: string
}

const unescape = (data: string): string =>
  data.replace(
    /%AZP25|%0D|%0A|%5D|%3B/g,
    (c) => ({ '%AZP25': '%', '%0D': '\r', '%0A': '\n', '%5D': ']', '%3B': ';' })[c] ?? c
  )

/** Reads a stream as the Azure Pipelines agent does: `##vso[area.action k=v;…]data` anywhere in a line, `##[name]` at its start. */
export function azureCommands(text: string): AzureCommand[] {
  const commands: AzureCommand[] = []
  for (const line of text.split(/\r\n|\r|\n/)) {
    const at = line.toLowerCase().indexOf('##vso[')
    if (at >= 0) {
      const end = line.indexOf(']', at)
      if (end < 0) continue
      const [name, ...rest] = line.slice(at + 6, end).split(' ')
      const properties = Object.fromEntries(
        rest
          .join(' ')
          .split(';')
          .filter((p) => p.includes('='))
          .map((p) => [p.slice(0, p.indexOf('=')).trim(), unescape(p.slice(p.indexOf('=') + 1))])
      )
      commands.push({ name, properties, data: unescape(line.slice(end + 1)) })
      continue
    }
    const format = /^\s*##\[([^\]]*)\](.*)$/.exec(line)
    if (format) commands.push({ name: format[1], properties: {}, data: format[2] })
  }
  return commands
}

/** The Azure output variables a run set: P1_STATUS -> value. */
export function azureVariables(text: string): Record<string, string> {
  return Object.fromEntries(
    azureCommands(text)
      .filter((c) => c.name === 'task.setvariable')
      .map((c) => [c.properties.variable, c.data])
  )
}

/**
 * The key and the signed URLs (each signature, each path) appear nowhere in stdout, stderr or the
 * dotenv file; no GitHub command at all; Azure commands only the tool's own setvariable lines.
 */
export function assertToolNoSecrets(run: ToolRun, key: string, sim?: Simulator, pathPrefix?: string): void {
  const text = [run.stdout, run.stderr, run.dotenv ?? ''].join('\n')
  assertNoPart(text, key, 'the API key appears in stdout, stderr or the dotenv file')
  for (const url of sim ? signedUrls(sim, pathPrefix) : []) {
    const signature = new URL(url).searchParams.get('X-Signature') ?? url
    assert.ok(!text.includes(signature), "a signed URL's signature is shown")
    assert.ok(!text.includes(new URL(url).pathname), "a signed URL's path is shown")
  }
  for (const stream of [run.stdout, run.stderr]) {
    // The tool's own Azure lines carry values exactly (Azure reads one command a line, from its
    // start): GitHub's runner, which never sets TF_BUILD, is not their reader.
    const notOurs = stream
      .split('\n')
      .filter((line) => !line.startsWith('##vso[task.setvariable variable=P1_'))
      .join('\n')
    assert.deepEqual(runnerCommands(notOurs), [], 'a line GitHub would obey as a command')
    for (const command of azureCommands(stream)) {
      assert.equal(command.name, 'task.setvariable', `a line Azure would obey: ${command.name}`)
      assert.match(command.properties.variable, /^P1_[A-Z0-9_]+$/)
      assert.equal(command.properties.isOutput, 'true')
    }
  }
}

/** The variables of a tool run against `apiUrl` with `key`, polling every second, plus `extra`. */
export function toolEnv(key: string, apiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { P1_API_KEY: key, P1_API_URL: apiUrl, P1_POLL_INTERVAL: '1s', ...extra }
}

/** What a failed assertion shows of a tool run: its exit code and everything it printed. */
export const toolFailure = (run: ToolRun): string => `exit ${run.code}\n${run.stderr}\n${run.stdout}`
