import { debug, warning } from '../log.js'
import type { RetryListener } from '../net/retry.js'
import { holdsSecret } from '../secrets.js'
import { formatBytes, formatDuration } from '../text.js'

// GitHub's limit for an output that a job passes on; a larger value could not reach a later job whole.
const MAX_OUTPUT_BYTES = 1_000_000

/** Why a value cannot be passed on exactly as it is, or undefined when it can. */
export function outputProblem(value: string): string | undefined {
  if (holdsSecret(value)) return 'it holds a secret (the API key or a signed URL)'
  if (!value.isWellFormed()) return 'it is not well-formed Unicode text'
  const bytes = Buffer.byteLength(value)
  if (bytes > MAX_OUTPUT_BYTES) return `it is ${formatBytes(bytes)}, more than GitHub passes on`
  return undefined
}

/** The outputs that can be passed on exactly as the API said them; any other is left out with a warning. */
export function passableOutputs(values: Record<string, string | undefined>): Record<string, string> {
  const passable: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue
    const problem = outputProblem(value)
    if (problem) warning(`output ${name} is not written: ${problem}`)
    else passable[name] = value
  }
  return passable
}

/** Warns once per distinct fault; repeats go to the debug log, so a long outage cannot flood the page. */
export function retryReporter(): RetryListener {
  const seen = new Set<string>()
  return (why, attempt, delayMs) => {
    const line = `${why}; trying again in ${formatDuration(delayMs)} (try ${attempt + 1})`
    if (seen.has(why)) return debug(line)
    seen.add(why)
    warning(line)
  }
}

export function describeFile(name: string, bytes: number): string {
  return `${name} (${formatBytes(bytes)})`
}
