// yauzl reads a zip through a RandomAccessReader. Its file reader makes one read per header: two per
// entry in the central directory, two more per entry opened, each a trip through libuv's thread
// pool. A result zip of tens of thousands of small files then spends its time on trips, not bytes.
// This reader serves them from windows of the file read 1 MiB at a time, and large entries in
// reads of 1 MiB. Two windows at least: while writing, yauzl reads the central directory (at the
// end of the file) and the entries' local headers (from the start) in turn, and one window would
// be read again for every entry.

import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import yauzl, { type ZipFile } from 'yauzl'

const WINDOW_BYTES = 1024 * 1024
const WINDOWS = 4

interface Window {
  start: number
  bytes: Buffer
}

class WindowReader extends yauzl.RandomAccessReader {
  // Most recently used first.
  private windows: Window[] = []

  constructor(private readonly handle: FileHandle) {
    super()
  }

  /** The window holding the range, moved to the front; undefined when none does. */
  private find(position: number, length: number): Window | undefined {
    const at = this.windows.findIndex((w) => position >= w.start && position + length <= w.start + w.bytes.length)
    if (at < 0) return undefined
    const [window] = this.windows.splice(at, 1)
    this.windows.unshift(window)
    return window
  }

  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void
  ): void {
    const serve = (window: Window): void => {
      const from = position - window.start
      callback(null, window.bytes.copy(buffer, offset, from, Math.min(from + length, window.bytes.length)))
    }
    const found = this.find(position, length)
    if (found) return process.nextTick(serve, found)
    const size = Math.max(length, WINDOW_BYTES)
    this.handle.read(Buffer.allocUnsafe(size), 0, size, position).then(({ bytesRead, buffer: read }) => {
      const window = { start: position, bytes: read.subarray(0, bytesRead) }
      this.windows = [window, ...this.windows.slice(0, WINDOWS - 1)]
      serve(window)
    }, callback)
  }

  _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.range(start, end), { objectMode: false })
  }

  // Not a stream of the file: whatever its options, a file stream's destroy() closes the descriptor,
  // which yauzl destroys after each entry and which the next entry still needs.
  private async *range(start: number, end: number): AsyncGenerator<Buffer> {
    const window = this.find(start, end - start)
    if (window) {
      yield Buffer.from(window.bytes.subarray(start - window.start, end - window.start))
      return
    }
    for (let position = start; position < end;) {
      const size = Math.min(WINDOW_BYTES, end - position)
      const { bytesRead, buffer } = await this.handle.read(Buffer.allocUnsafe(size), 0, size, position)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
      position += bytesRead
    }
  }

  close(callback: (err: Error | null) => void): void {
    this.handle.close().then(() => callback(null), callback)
  }
}

/**
 * Opens a zip for reading with yauzl: entries one at a time (`eachEntry`), names as raw bytes, entry
 * sizes checked while inflating. The file stays open until `close()`.
 */
export async function openZip(file: string): Promise<ZipFile> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    return await yauzl.fromRandomAccessReaderPromise(new WindowReader(handle), size, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true
    })
  } catch (err) {
    await handle.close()
    throw err
  }
}
