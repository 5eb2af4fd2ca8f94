// yauzl reads a zip through a RandomAccessReader. Its file reader makes one read per header: two per
// entry in the central directory, two more per entry opened, each a trip through libuv's thread
// pool. A result zip of tens of thousands of small files then spends its time on trips, not bytes.
// This reader serves them from a window of the file read 1 MiB at a time, and large entries in
// reads of 1 MiB.

import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import yauzl, { type ZipFile } from 'yauzl'

const WINDOW_BYTES = 1024 * 1024

class WindowReader extends yauzl.RandomAccessReader {
  private window = Buffer.alloc(0)
  private start = 0

  constructor(private readonly handle: FileHandle) {
    super()
  }

  private has(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.window.length
  }

  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void
  ): void {
    const serve = (): void => {
      const from = position - this.start
      const bytesRead = this.window.copy(buffer, offset, from, Math.min(from + length, this.window.length))
      callback(null, bytesRead)
    }
    if (this.has(position, length)) return process.nextTick(serve)
    const size = Math.max(length, WINDOW_BYTES)
    const next = Buffer.allocUnsafe(size)
    this.handle.read(next, 0, size, position).then(({ bytesRead }) => {
      this.window = next.subarray(0, bytesRead)
      this.start = position
      serve()
    }, callback)
  }

  _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.range(start, end), { objectMode: false })
  }

  // Not a stream of the file: whatever its options, a file stream's destroy() closes the descriptor,
  // which yauzl destroys after each entry and which the next entry still needs.
  private async *range(start: number, end: number): AsyncGenerator<Buffer> {
    if (this.has(start, end - start)) {
      yield Buffer.from(this.window.subarray(start - this.start, end - this.start))
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
