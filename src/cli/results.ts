// What the tool tells the next CI job, on every outcome: one JSON object (--json), a dotenv file
// (--dotenv, GitLab's rules), and Azure Pipelines output variables (TF_BUILD=True). The values are
// the step's passable outputs (report.ts), which never hold a secret.
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, basename } from 'node:path'
import type { Outcome } from '../retrain/step.js'
import { clip } from '../text.js'
import { variableOf } from './flags.js'

export interface Result {
  outcome: Outcome
  exitCode: number
  /** Why it did not succeed, already redacted and on one line. */
  error?: string
  /** Every output name of the command; null when not known. */
  outputs: Record<string, string | null>
}

/**
 * The JSON object: `outcome`, `exit_code`, `error` (null on success), then the outputs. `#` is
 * written `\u0023` and the Unicode line separators as escapes: the same JSON to a parser, but no
 * `##vso[` or `##[` in the line for a CI system to obey, and one line for every reader.
 */
export function jsonOf({ outcome, exitCode, error, outputs }: Result): string {
  const text = JSON.stringify({ outcome, exit_code: exitCode, error: error ?? null, ...outputs })
  return `${text.replace(/[#\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`
}

// GitLab refuses a dotenv report of 5 KB or more (and with it the job's artifacts).
const MAX_DOTENV_BYTES = 5000
// Line breaks and the other controls: GitLab's dotenv has no multi-line values and no escapes.
const BREAKS = /\r\n|[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g

/**
 * `P1_<OUTPUT>=value`, one a line, unknown outputs left out: values flattened to one line (line
 * breaks and controls become spaces) and, should the file pass GitLab's 5 KB, the longest cut.
 */
export function dotenvOf(outputs: Record<string, string | null>): string {
  const values = new Map<string, string>()
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== null) values.set(variableOf(name), value.replace(BREAKS, ' '))
  }
  const text = (): string => [...values].map(([name, value]) => `${name}=${value}\n`).join('')
  for (
    let over = Buffer.byteLength(text()) - MAX_DOTENV_BYTES;
    over > 0;
    over = Buffer.byteLength(text()) - MAX_DOTENV_BYTES
  ) {
    const [name, value] = [...values].sort((a, b) => Buffer.byteLength(b[1]) - Buffer.byteLength(a[1]))[0]
    // The characters that fit in the bytes left, with room for clip's "… (N more characters)".
    const fits = Buffer.from(value)
      .subarray(0, Math.max(0, Buffer.byteLength(value) - over - 40))
      .toString()
      .replace(/\uFFFD$/, '')
    values.set(name, clip(value, fits.length))
  }
  return text()
}

// Azure's escapes for a logging command's data (azure-pipelines-task-lib): % first.
const escapeAzureData = (value: string): string =>
  value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** `##vso[task.setvariable variable=P1_STATUS;isOutput=true]job_finished`, one a known output. */
export function azureVariablesOf(outputs: Record<string, string | null>): string {
  return Object.entries(outputs)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(
      ([name, value]) => `##vso[task.setvariable variable=${variableOf(name)};isOutput=true]${escapeAzureData(value)}\n`
    )
    .join('')
}

/** Written whole or not at all: a later job never reads half a file. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temporary, text)
    renameSync(temporary, path)
  } catch (err) {
    rmSync(temporary, { force: true })
    throw err
  }
}
