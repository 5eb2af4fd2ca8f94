import { test } from '@jest/globals'

/** `kind` (test, test.concurrent), or when `skip` holds a skipped test whose title says why. */
export function skipIf<T extends typeof test | typeof test.concurrent>(skip: boolean, reason: string, kind: T): T {
  if (!skip) return kind
  return ((name: string, fn: never, timeout?: number) =>
    test.skip(`${name} [skipped: ${reason}]`, fn, timeout)) as unknown as T
}
