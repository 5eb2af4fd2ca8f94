import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A server on 127.0.0.1 answering with `handler`; `close()` also ends connections left open. */
export interface TestServer {
  url: string
  port: number
  requests: IncomingMessage[]
  close(): Promise<void>
}

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: IncomingMessage[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    requests.push(req)
    handler(req, res)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

/**
 * Reads a request's body at about `bytesPerSecond`, a piece every 50 ms, as a storage host behind a
 * slow link does; with `stopAfter`, stops reading for good once that many bytes (or a piece more) are in (`stalled`
 * says when). `done` resolves with the bytes read when the body has ended.
 */
export function readSlowly(
  req: IncomingMessage,
  bytesPerSecond: number,
  stopAfter = Infinity
): { done: Promise<number>; stalled: Promise<number> } {
  let read = 0
  let allowance = 0
  let stalled!: (at: number) => void
  const stalledAt = new Promise<number>((resolve) => (stalled = resolve))
  const done = new Promise<number>((resolve) => {
    req.pause()
    const tick = setInterval(() => {
      allowance = bytesPerSecond / 20
      if (read < stopAfter) req.resume()
    }, 50)
    req.on('data', (chunk: Buffer) => {
      read += chunk.length
      allowance -= chunk.length
      if (read >= stopAfter) {
        req.pause()
        clearInterval(tick)
        stalled(Date.now())
      } else if (allowance <= 0) req.pause()
    })
    req.on('end', () => {
      clearInterval(tick)
      resolve(read)
    })
    req.on('close', () => clearInterval(tick))
  })
  return { done, stalled: stalledAt }
}
