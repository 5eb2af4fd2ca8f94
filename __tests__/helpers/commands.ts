// Reads an action's stdout as the runner does (actions/runner ActionCommandManager): lines split on
// CR, LF or CR LF; `::name props::data` at the start of a line after spaces; `##[name props]data`
// anywhere in a line; nothing but the resume token between `::stop-commands::TOKEN` and `::TOKEN::`.
import assert from 'node:assert/strict'

export interface RunnerCommand {
  name: string
  /** Command name and properties: `error title=x`. */
  info: string
  data: string
}

export function runnerCommands(stdout: string): RunnerCommand[] {
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = parseV2(line) ?? parseV1(line)
    if (!command) continue
    if (stopToken !== undefined) {
      if (command.name.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined
      continue
    }
    if (command.name === 'stop-commands') stopToken = command.data
    commands.push(command)
  }
  return commands
}

function parseV2(line: string): RunnerCommand | undefined {
  const text = line.trimStart()
  if (!text.startsWith('::')) return undefined
  const end = text.indexOf('::', 2)
  if (end < 0) return undefined
  const info = text.slice(2, end)
  return { name: info.split(' ')[0], info, data: text.slice(end + 2) }
}

function parseV1(line: string): RunnerCommand | undefined {
  const start = line.indexOf('##[')
  if (start < 0) return undefined
  const end = line.indexOf(']', start)
  if (end < 0) return undefined
  const info = line.slice(start + 3, end)
  return { name: info.split(' ')[0], info, data: line.slice(end + 1) }
}

const OURS = new Set(['add-mask', 'debug', 'warning', 'error', 'stop-commands'])

/**
 * Every command the runner would obey is one the action meant: masks, debug lines, warnings, the
 * one failure, and stop-commands with a random token. `marker` is text planted in what the API sent.
 */
export function assertOnlyOwnCommands(stdout: string, marker?: string): void {
  const commands = runnerCommands(stdout)
  for (const command of commands) {
    assert.ok(OURS.has(command.name), `the runner would obey a "${command.name}" command: ${command.info}`)
    if (marker) assert.ok(!command.info.includes(marker), `a command came from API text: ::${command.info}::`)
    if (command.name === 'stop-commands')
      assert.match(command.data, /^[0-9a-f-]{36}$/, 'a stop-commands token of our own')
    if (command.name === 'add-mask' && marker) assert.ok(!command.data.includes(marker), 'a mask came from API text')
  }
  const errors = commands.filter((c) => c.name === 'error')
  assert.ok(errors.length <= 1, 'one error annotation at most: the failure')
  if (errors[0]) assert.match(errors[0].data, /^prediction-one \w+ failed: /)
}
