// What the upload is about to send, checked before any request: an upload starts a retrain job that
// cannot be undone, and data the API refuses wastes the job. The check only reads, and reads at most
// the first CHECK_BYTES of each CSV. A zip without its two CSVs is refused; what the manual leaves
// open (a CSV's encoding, its rows) only warns.
import { open } from 'node:fs/promises'
import { TextDecoder } from 'node:util'
import { CsvError, parse } from 'csv-parse/sync'
import type { Entry, ZipFile } from 'yauzl'
import { Inputs } from '../contract.js'
import { InputError, errorMessage } from '../../errors.js'
import { formatBytes, oneLine } from '../../text.js'
import { decodeName, entryPath } from '../../unzip/entry-name.js'
import { openZip } from '../../unzip/zip-reader.js'

/** The most of each CSV read (inflated, inside a zip): the header and tens of thousands of rows. */
export const CHECK_BYTES = 4 * 1024 * 1024

/** Lines named in one warning about field counts; the rest are counted. */
const LINES_NAMED = 5
/**
 * Rows of another field count counted before the reading stops: csv-parse makes an error object
 * for each one (about 0.1 ms), and a header with one field too many would make every row one.
 */
const ODD_COUNTED = 100

/** Thrown from csv-parse's record callback to stop the reading. */
class Enough extends Error {}

const FOLDERS = ['train_src', 'eval_src'] as const

export interface CheckedCsv {
  /** The CSV's name: the file's, or the entry's inside the zip. */
  name: string
  /** Bytes read (inflated, for an entry). */
  read: number
  /** Its whole size (uncompressed, for an entry). */
  size: number
}

export interface Checked {
  csvs: CheckedCsv[]
  /** One line each, naming the CSV and the line; never a row's content. */
  warnings: string[]
}

const LF = 0x0a
const CR = 0x0d

/** The name of a zip entry or a file as it may appear in a message: one line, bounded. */
const shown = (name: string): string => `"${oneLine(name, 200)}"`

function tryDecode(encoding: string, bytes: Buffer): string | undefined {
  try {
    // A fresh decoder: UTF-8's drops a BOM.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** The first physical line (1-based) that does not decode as `encoding`. */
function firstBadLine(encoding: string, bytes: Buffer): number {
  let line = 1
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(LF, start)
    if (end < 0) end = bytes.length
    if (tryDecode(encoding, bytes.subarray(start, end)) === undefined) return line
    start = end + 1
  }
  return line
}

/**
 * Checks the start of one CSV: `head` is its first bytes, `complete` says whether that is the whole
 * CSV. Returns warnings: an encoding that is neither UTF-8 (with or without a BOM) nor Shift_JIS
 * (CP932); no header line; rows whose field count differs from the header's (a quoted field with
 * line breaks is one field); a quote never closed. A row cut by the end of `head` is not judged.
 */
export function checkCsv(name: string, head: Buffer, complete: boolean): string[] {
  const warnings: string[] = []
  const what = shown(name)
  const within = complete ? '' : ` in its first ${formatBytes(head.length)}`
  let bytes = head
  if (!complete) {
    // LF is never part of a multibyte character in UTF-8 or Shift_JIS: the cut is on a character.
    const lastLf = head.lastIndexOf(LF)
    if (lastLf < 0) return [`${what}: no line break${within}: not checked`]
    bytes = head.subarray(0, lastLf + 1)
  }
  let text = tryDecode('utf-8', bytes) ?? tryDecode('shift_jis', bytes)
  if (text === undefined) {
    const [utf8, sjis] = [firstBadLine('utf-8', bytes), firstBadLine('shift_jis', bytes)]
    warnings.push(
      utf8 === sjis
        ? `${what}: line ${utf8} is neither UTF-8 nor Shift_JIS (CP932); the API may not read it`
        : `${what}: line ${utf8} is not UTF-8 and line ${sjis} is not Shift_JIS (CP932); the API may not read it`
    )
    // The rows can still be counted: the delimiters are ASCII in every encoding considered.
    text = new TextDecoder('utf-8').decode(bytes)
  }
  const data = Buffer.from(text)

  // Line numbers from byte offsets: a record starts where the last one ended, past empty lines.
  let scanned = 0
  let line = 1
  const lineAt = (offset: number): number => {
    // LF, CR LF, or a CR alone (old Mac Excel) ends a line.
    for (; scanned < offset; scanned++)
      if (data[scanned] === LF || (data[scanned] === CR && data[scanned + 1] !== LF)) line++
    return line
  }
  let ended = 0
  const nextStart = (): number => {
    let start = ended
    while (data[start] === CR || data[start] === LF) start++
    return start
  }
  let header: number | undefined
  let rows = 0
  let odd = 0
  let unreadable = false
  const named: string[] = []
  try {
    parse(data, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (record: string[], info) => {
        const at = lineAt(nextStart())
        ended = info.bytes
        if (header === undefined) header = record.length
        else {
          rows++
          if (record.length !== header) {
            odd++
            if (named.length < LINES_NAMED) named.push(`line ${at} (${record.length})`)
            if (odd >= ODD_COUNTED) throw new Enough()
          }
        }
        return null
      }
    })
  } catch (err) {
    // Cut short, a quoted field may go on past the cut: not a fault of the CSV.
    const cut = !complete && err instanceof CsvError && err.code === 'CSV_QUOTE_NOT_CLOSED'
    if (!cut && !(err instanceof Enough)) {
      unreadable = true
      const code = err instanceof CsvError ? err.code : oneLine(errorMessage(err), 200)
      warnings.push(`${what}: line ${lineAt(nextStart())} cannot be read as CSV (${code})`)
    }
  }
  if (header === undefined) {
    warnings.push(`${what}: no header line${within}`)
  } else if (odd > 0) {
    const more = odd > named.length ? `, and ${odd - named.length} more` : ''
    const counted = odd >= ODD_COUNTED ? `${odd} of the first ${rows} rows` : `${odd} of ${rows} rows${within}`
    warnings.push(
      `${what}: ${counted} have another field count than the header's ${header}: ${named.join(', ')}${more}`
    )
  } else if (rows === 0 && complete && !unreadable) {
    warnings.push(`${what}: a header line and no rows`)
  }
  return warnings
}

async function checkCsvFile(file: string, name: string, size: number): Promise<Checked> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(Math.min(size, CHECK_BYTES))
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return {
      csvs: [{ name, read: bytesRead, size }],
      warnings: checkCsv(name, head.subarray(0, bytesRead), bytesRead >= size)
    }
  } finally {
    await handle.close()
  }
}

/** The entry's first CHECK_BYTES, inflated; the rest is never inflated. */
async function entryHead(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of await zip.openReadStreamPromise(entry)) {
    chunks.push(chunk as Buffer)
    total += (chunk as Buffer).length
    if (total >= CHECK_BYTES) break
  }
  return Buffer.concat(chunks).subarray(0, CHECK_BYTES)
}

interface Found {
  name: string
  entry: Entry
}

function refuse(detail: string): InputError {
  return new InputError(Inputs.File, `${detail}; nothing was uploaded (input validate: false skips this check)`)
}

async function checkZipFile(file: string, zipName: string): Promise<Checked> {
  let zip: ZipFile
  try {
    zip = await openZip(file)
  } catch (err) {
    throw refuse(`${shown(zipName)} is named as a zip and is not one (${oneLine(errorMessage(err), 200)})`)
  }
  try {
    const found: Record<(typeof FOLDERS)[number], Found[]> = { train_src: [], eval_src: [] }
    const nested: string[] = []
    for await (const entry of zip.eachEntry()) {
      const name = decodeName({
        bytes: entry.fileNameRaw,
        flags: entry.generalPurposeBitFlag,
        extraFields: entry.extraFields
      })
      const path = entryPath(name)
      if ('refused' in path || path.folder || path.segments.length === 0) continue
      const { segments } = path
      const base = segments[segments.length - 1]
      // macOS Archive Utility's resource forks: __MACOSX/… and ._name.
      if (segments[0] === '__MACOSX' || base.startsWith('._') || !/\.csv$/i.test(base)) continue
      const folder = FOLDERS.find((f) => f === segments[segments.length - 2])
      if (folder && segments.length === 2) found[folder].push({ name, entry })
      else if (folder && nested.length < 2) nested.push(name)
    }
    const problems = FOLDERS.flatMap((folder) => {
      const csvs = found[folder]
      if (csvs.length === 1) return []
      if (csvs.length === 0) return [`no CSV under ${folder}/`]
      const names = csvs.slice(0, 3).map((c) => shown(c.name))
      return [`${csvs.length} CSVs under ${folder}/ (${names.join(', ')}${csvs.length > 3 ? ', …' : ''})`]
    })
    if (problems.length > 0) {
      const hint = nested.length
        ? `; ${nested.map(shown).join(' and ')}: the two folders must be at the top of the zip`
        : ''
      throw refuse(
        `the zip ${shown(zipName)} must hold one CSV under train_src/ and one under eval_src/, as the manual ` +
          `describes; it holds ${problems.join(' and ')}${hint}`
      )
    }
    const checked: Checked = { csvs: [], warnings: [] }
    for (const { name, entry } of [found.train_src[0], found.eval_src[0]]) {
      const size = entry.uncompressedSize
      if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
        checked.warnings.push(
          `${shown(name)}: encrypted or compressed with method ${entry.compressionMethod}: not checked`
        )
        continue
      }
      let head: Buffer
      try {
        head = await entryHead(zip, entry)
      } catch (err) {
        throw refuse(`the zip ${shown(zipName)} is damaged: entry ${shown(name)}: ${oneLine(errorMessage(err), 200)}`)
      }
      checked.csvs.push({ name, read: head.length, size })
      checked.warnings.push(...checkCsv(name, head, size <= CHECK_BYTES))
    }
    return checked
  } finally {
    zip.close()
  }
}

/**
 * Checks the file about to be uploaded as the announced `filename` says it is (its extension is what
 * tells the API): a zip must hold one CSV directly under `train_src/` and one under `eval_src/`
 * (others and macOS extras are ignored), else InputError; a CSV, each CSV of the zip, is read for
 * warnings (see `checkCsv`). Any other extension is not checked, with a warning.
 */
export async function checkUpload(file: string, filename: string, size: number): Promise<Checked> {
  if (/\.zip$/i.test(filename)) return checkZipFile(file, filename)
  if (/\.csv$/i.test(filename)) return checkCsvFile(file, filename, size)
  return {
    csvs: [],
    warnings: [`${shown(filename)} is neither .csv nor .zip: not checked (the API tells data by its extension)`]
  }
}
