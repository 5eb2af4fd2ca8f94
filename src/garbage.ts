// Node's http hands a body over as fresh 64 KiB buffers, garbage as soon as they are written. V8
// frees them only when its external-memory limit is reached, tens of MiB later: a download peaked
// at about 145 MiB of RSS however little was in flight. A young-generation collection every few MiB
// frees them while they are young: about 90 MiB at any size, for no more GC time than V8 spent on
// its own collections (docs/benchmarks.md).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Collect = (options: { type: 'minor' | 'major' }) => void

export const COLLECT_EVERY_BYTES = 8 * 1024 * 1024

let collect: Collect | null | undefined

/** V8's gc(), as Jest gets it: --expose-gc applies to contexts made after it is set. */
function exposedGc(): Collect | null {
  if (collect !== undefined) return collect
  collect = null
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined')
    if (typeof gc === 'function') collect = gc as Collect
  } catch {
    // A Node without it: V8's own schedule, more memory.
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
  return collect
}

/** A counter of bytes passed through: every COLLECT_EVERY_BYTES, a young-generation collection. */
export function youngCollector(everyBytes = COLLECT_EVERY_BYTES): (bytes: number) => void {
  const gc = exposedGc()
  if (!gc) return () => undefined
  let since = 0
  return (bytes) => {
    since += bytes
    if (since < everyBytes) return
    since = 0
    gc({ type: 'minor' })
  }
}
