import { afterAll, beforeAll } from '@jest/globals'
import { asRunnerReads } from '../../sim/runner.js'

/** What `body` printed to stdout, kept from the test log, as the runner reads it. */
export function printed(body: () => void): string {
  const write = process.stdout.write.bind(process.stdout)
  let out = ''
  process.stdout.write = (chunk: string | Uint8Array) => ((out += String(chunk)), true)
  try {
    body()
  } finally {
    process.stdout.write = write
  }
  return asRunnerReads(out)
}

/**
 * The code under test prints workflow commands (`::add-mask::`, `::error::`): in a suite run by a
 * GitHub runner they would become real masks and annotations of the CI run. They are kept out.
 */
export function muteStdout(): void {
  const write = process.stdout.write.bind(process.stdout)
  beforeAll(() => {
    process.stdout.write = () => true
  })
  afterAll(() => {
    process.stdout.write = write
  })
}
