import yauzl, { type ZipFile } from 'yauzl'

/** A zip opened by yauzl: entries one at a time (`eachEntry`), names as raw bytes; open until `close()`. */
export function openZip(file: string): Promise<ZipFile> {
  return yauzl.openPromise(file, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true
  })
}
