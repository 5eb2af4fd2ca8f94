import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'

/** Another origin on loopback, that records who called it and answers with a fixed body. */
export interface Recorder {
  url: string
  calls: { path: string; headers: IncomingHttpHeaders }[]
  close(): Promise<void>
}

export async function startRecorder(
  host = '127.0.0.1',
  body: Buffer = Buffer.from('{"status":"job_finished"}')
): Promise<Recorder> {
  const calls: Recorder['calls'] = []
  const server: Server = createServer((req, res) => {
    calls.push({ path: req.url ?? '', headers: req.headers })
    res.writeHead(200, { 'content-length': String(body.length) })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://${host}:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
