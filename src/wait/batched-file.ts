// The result file's writer. Node's http hands a body over in pieces of at most 64 KiB; written one
// by one (as fs.WriteStream does while the disk keeps up), each costs a round trip to libuv's
// thread pool, and the download ran about 1.5x slower than with batches (docs/benchmarks.md).
// Pieces are kept as they are (no copy) until a batch holds BATCH_BYTES, then written with one
// writev while the next batch gathers.
import type { FileHandle } from 'node:fs/promises'
import { Writable } from 'node:stream'

export const BATCH_BYTES = 1024 * 1024

export class BatchedFile extends Writable {
  private pending: Buffer[] = []
  private size = 0
  private handleClosed = false

  constructor(private readonly handle: FileHandle) {
    // Room for the next batch while one is being written: the socket is not paused meanwhile.
    super({ highWaterMark: BATCH_BYTES })
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.pending.push(chunk)
    this.size += chunk.length
    if (this.size < BATCH_BYTES) return callback()
    this.flush().then(() => callback(), callback)
  }

  override _final(callback: (err?: Error | null) => void): void {
    // Closed before 'finish': the file is renamed next, which Windows refuses while it is open.
    this.flush()
      .then(() => this.close())
      .then(() => callback(), callback)
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.close().then(
      () => callback(err),
      (closeErr: Error) => callback(err ?? closeErr)
    )
  }

  private async flush(): Promise<void> {
    let buffers = this.pending
    let left = this.size
    this.pending = []
    this.size = 0
    while (left > 0) {
      // A short write (rare on a file, but allowed) continues where it stopped.
      const { bytesWritten } = await this.handle.writev(buffers)
      left -= bytesWritten
      if (left > 0) buffers = [Buffer.concat(buffers).subarray(bytesWritten)]
    }
  }

  private async close(): Promise<void> {
    if (this.handleClosed) return
    this.handleClosed = true
    await this.handle.close()
  }
}
