import { test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

// Wine's own DLLs carry this text where Microsoft's have the DOS stub's message.
function wineNtdll(): boolean {
  try {
    const ntdll = readFileSync(join(process.env.SystemRoot ?? 'C:\\windows', 'system32', 'ntdll.dll'))
    return ntdll.subarray(0, 4096).includes('Wine builtin DLL')
  } catch {
    return false
  }
}

/**
 * Windows Node under Wine (npm run test:windows): the variable that script sets and Wine's own
 * ntdll.dll, both, so a real Windows runner never counts as Wine.
 */
export const underWine = process.platform === 'win32' && process.env.P1_UNDER_WINE === '1' && wineNtdll()

/** `kind` (test, test.concurrent), or when `skip` holds a skipped test whose title says why. */
export function skipIf<T extends typeof test | typeof test.concurrent>(skip: boolean, reason: string, kind: T): T {
  if (!skip) return kind
  return ((name: string, fn: never, timeout?: number) =>
    test.skip(`${name} [skipped: ${reason}]`, fn, timeout)) as unknown as T
}
