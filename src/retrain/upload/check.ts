// What the upload is about to send, checked before any request: an upload starts a retrain job that
// cannot be undone, and data the API refuses wastes the job. A zip without its two CSVs is refused;
// what the manual leaves open (a CSV's encoding, its rows) only warns. The check only reads.
import { createReadStream } from 'node:fs'
import { CsvError, parse } from 'csv-parse/sync'
import type { Entry } from 'yauzl'
import { Inputs } from '../contract.js'
import { InputError, errorMessage } from '../../errors.js'
import { formatBytes, oneLine } from '../../text.js'
import { decodeName, entryPath } from '../../unzip/entry-name.js'
import { openZip } from '../../unzip/zip-reader.js'

/** The most of each CSV read (inflated, inside a zip): the header and tens of thousands of rows. */
export const CHECK_BYTES = 4 * 1024 * 1024

/** Lines named in one warning about field counts; the rest are counted. */
const LINES_NAMED = 5
// Odd rows counted before the reading stops: csv-parse makes an error object for each (about 0.1 ms),
// and a header with one field too many would make every row one.
const ODD_COUNTED = 100

const FOLDERS = ['train_src', 'eval_src']

export interface Checked {
  /** Each CSV read: its name (the file's, or the entry's in the zip), the bytes read and its whole size. */
  csvs: { name: string; read: number; size: number }[]
  /** One line each, naming the CSV and the line; never a row's content. */
  warnings: string[]
}

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

/** The first line (1-based) that does not decode as `encoding`. */
function firstBadLine(encoding: string, bytes: Buffer): number {
  // latin1 turns each byte into one character, and back.
  const lines = bytes.toString('latin1').split('\n')
  return lines.findIndex((line) => tryDecode(encoding, Buffer.from(line, 'latin1')) === undefined) + 1
}

/**
 * The warnings about the start of one CSV, `head` (all of it when `complete`): an encoding neither
 * UTF-8 nor Shift_JIS, no header line, rows of another field count, a quote never closed.
 */
export function checkCsv(name: string, head: Buffer, complete: boolean): string[] {
  const warnings: string[] = []
  const what = shown(name)
  const within = complete ? '' : ` in its first ${formatBytes(head.length)}`
  // Cut short, up to the last LF or CR: neither is ever part of a multibyte character in UTF-8 or Shift_JIS.
  const bytes = complete ? head : head.subarray(0, Math.max(head.lastIndexOf('\n'), head.lastIndexOf('\r')) + 1)
  if (!complete && bytes.length === 0) return [`${what}: no line break${within}: not checked`]
  const text = tryDecode('utf-8', bytes) ?? tryDecode('shift_jis', bytes)
  if (text === undefined) {
    const [utf8, sjis] = [firstBadLine('utf-8', bytes), firstBadLine('shift_jis', bytes)]
    warnings.push(
      utf8 === sjis
        ? `${what}: line ${utf8} is neither UTF-8 nor Shift_JIS (CP932); the API may not read it`
        : `${what}: line ${utf8} is not UTF-8 and line ${sjis} is not Shift_JIS (CP932); the API may not read it`
    )
  }
  // Undecodable, the rows can still be counted: the delimiters are ASCII in every encoding considered.
  const data = Buffer.from(text ?? new TextDecoder().decode(bytes))

  // The line the next record starts on, counted in a latin1 copy (a character a byte, as csv-parse's
  // offsets count): past where the last record ended and past empty lines. LF, CR LF or a CR alone
  // (old Mac Excel) ends a line; csv-parse's own line count takes a quoted CR LF for two.
  const latin1 = data.toString('latin1')
  let ended = 0
  let scanned = 0
  let line = 1
  const nextLine = (): number => {
    const start = ended + latin1.slice(ended).search(/[^\r\n]|$/)
    line += latin1.slice(scanned, start).split(/\r\n?|\n/).length - 1
    scanned = start
    return line
  }
  let header: number | undefined
  let rows = 0
  let odd = 0
  const named: string[] = []
  try {
    parse(data, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (record: string[], info) => {
        header ??= record.length
        rows = info.records - 1
        if (record.length !== header) {
          odd++
          if (named.length < LINES_NAMED) named.push(`line ${nextLine()} (${record.length})`)
          // Stops csv-parse, which hands the error to the catch below.
          if (odd >= ODD_COUNTED) throw new Error('enough rows counted')
        }
        ended = info.bytes
        return null
      }
    })
    if (header !== undefined && rows === 0 && complete) warnings.push(`${what}: a header line and no rows`)
  } catch (err) {
    // Cut short, a quoted field may go on past the cut: not a fault of the CSV.
    const cut = !complete && err instanceof CsvError && err.code === 'CSV_QUOTE_NOT_CLOSED'
    if (!cut && odd < ODD_COUNTED) {
      const code = err instanceof CsvError ? err.code : oneLine(errorMessage(err), 200)
      warnings.push(`${what}: line ${nextLine()} cannot be read as CSV (${code})`)
    }
  }
  if (header === undefined) warnings.push(`${what}: no header line${within}`)
  else if (odd > 0) {
    const more = odd > named.length ? `, and ${odd - named.length} more` : ''
    const counted = odd >= ODD_COUNTED ? `${odd} of the first ${rows} rows` : `${odd} of ${rows} rows${within}`
    warnings.push(
      `${what}: ${counted} have another field count than the header's ${header}: ${named.join(', ')}${more}`
    )
  }
  return warnings
}

/** Reads the first CHECK_BYTES of a CSV (a file, or an entry inflated) and checks them; no more is read. */
async function checkHead(checked: Checked, name: string, size: number, stream: AsyncIterable<Buffer>) {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of stream) {
    chunks.push(chunk)
    total += chunk.length
    if (total >= CHECK_BYTES) break
  }
  const head = Buffer.concat(chunks).subarray(0, CHECK_BYTES)
  checked.csvs.push({ name, read: head.length, size })
  // All of it when no shorter than its size: yauzl fails an entry read to its end that is not its stated size.
  checked.warnings.push(...checkCsv(name, head, head.length >= size))
}

function refuse(detail: string): InputError {
  return new InputError(Inputs.File, `${detail}; nothing was uploaded (input validate: false skips this check)`)
}

/** A zip without one CSV right under each of FOLDERS is refused; those two are read for warnings. */
async function checkZipFile(file: string, zipName: string): Promise<Checked> {
  const zip = await openZip(file).catch((err: unknown) => {
    throw refuse(`${shown(zipName)} is named as a zip and is not one (${oneLine(errorMessage(err), 200)})`)
  })
  try {
    const found: { folder: string; name: string; entry: Entry }[] = []
    const nested: string[] = []
    for await (const entry of zip.eachEntry()) {
      const name = decodeName(entry)
      const path = entryPath(name)
      if ('refused' in path || path.folder) continue
      const { segments } = path
      const [base = '', folder = ''] = segments.toReversed()
      // macOS Archive Utility's resource forks: __MACOSX/… and ._name.
      if (segments[0] === '__MACOSX' || base.startsWith('._') || !/\.csv$/i.test(base)) continue
      if (!FOLDERS.includes(folder)) continue
      if (segments.length === 2) found.push({ folder, name, entry })
      else if (nested.length < 2) nested.push(name)
    }
    const byFolder = FOLDERS.map((folder) => found.filter((csv) => csv.folder === folder))
    const problems = byFolder.flatMap((csvs, i) => {
      if (csvs.length === 1) return []
      if (csvs.length === 0) return [`no CSV under ${FOLDERS[i]}/`]
      const names = csvs.slice(0, 3).map((c) => shown(c.name))
      return [`${csvs.length} CSVs under ${FOLDERS[i]}/ (${names.join(', ')}${csvs.length > 3 ? ', …' : ''})`]
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
    for (const [{ name, entry }] of byFolder) {
      const method = entry.compressionMethod
      if (entry.isEncrypted() || (method !== 0 && method !== 8)) {
        checked.warnings.push(`${shown(name)}: encrypted or compressed with method ${method}: not checked`)
        continue
      }
      try {
        await checkHead(checked, name, entry.uncompressedSize, await zip.openReadStreamPromise(entry))
      } catch (err) {
        throw refuse(`the zip ${shown(zipName)} is damaged: entry ${shown(name)}: ${oneLine(errorMessage(err), 200)}`)
      }
    }
    return checked
  } catch (err) {
    // yauzl reads the directory lazily: a fault found there is the zip's too.
    if (err instanceof InputError) throw err
    throw refuse(`the zip ${shown(zipName)} is damaged: ${oneLine(errorMessage(err), 200)}`)
  } finally {
    zip.close()
  }
}

/** Checks the file as what its announced `filename` says it is (the API goes by the extension): a zip or a CSV. */
export async function checkUpload(file: string, filename: string, size: number): Promise<Checked> {
  if (/\.zip$/i.test(filename)) return checkZipFile(file, filename)
  const checked: Checked = { csvs: [], warnings: [] }
  if (/\.csv$/i.test(filename)) await checkHead(checked, filename, size, createReadStream(file))
  else
    checked.warnings.push(
      `${shown(filename)} is neither .csv nor .zip: not checked (the API tells data by its extension)`
    )
  return checked
}
