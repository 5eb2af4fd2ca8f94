import { open } from 'node:fs/promises'
import { dirname, join, parse } from 'node:path'
import { extractZip } from '@actions/tool-cache'

const ZIP_MAGIC = [Buffer.from('PK\u0003\u0004'), Buffer.from('PK\u0005\u0006')]

export async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    return bytesRead === 4 && ZIP_MAGIC.some((magic) => magic.equals(head))
  } finally {
    await handle.close()
  }
}

/** Unpacks a zip beside itself: `result.zip` into `result/`; a file without an extension into `<name>-extracted/`. */
export async function extractBeside(file: string): Promise<string> {
  const { name, ext } = parse(file)
  const dest = join(dirname(file), ext ? name : `${name}-extracted`)
  return extractZip(file, dest)
}
