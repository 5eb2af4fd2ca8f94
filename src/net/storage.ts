// What a storage host says when it refuses a signed URL: S3 and Google Cloud Storage's XML API
// (`<Error><Code>…</Code><Message>…</Message>`), Azure Blob Storage (the same elements), or Google
// Cloud Storage's JSON API (`{"error": {"message", "errors": [{"reason"}]}}`). Untrusted: the code is
// kept only when it looks like one, the message is redacted and cut.
import { isObject, parseJson } from './json.js'
import { oneLine } from '../text.js'

const CODE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/
const MAX_MESSAGE = 200

function xmlElement(text: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]{1,2000})</${name}>`).exec(text)?.[1].trim()
}

function fromJson(text: string): { code?: string; message?: string } | undefined {
  const json = parseJson(text)
  const error = isObject(json) ? json.error : undefined
  if (!isObject(error)) return undefined
  const first: unknown = Array.isArray(error.errors) ? error.errors[0] : undefined
  const reason = isObject(first) && typeof first.reason === 'string' ? first.reason : undefined
  return { code: reason, message: typeof error.message === 'string' ? error.message : undefined }
}

/**
 * ` (storage host: SignatureDoesNotMatch "The request signature …")`, or '' when the body is no
 * storage host's error document. Redacted before it is cut, one line, bounded.
 */
export function storageSays(text: string): string {
  const found = /<Error[\s>]/.test(text)
    ? { code: xmlElement(text, 'Code'), message: xmlElement(text, 'Message') }
    : fromJson(text)
  if (!found) return ''
  const code = found.code && CODE.test(found.code) ? found.code : undefined
  const message = found.message ? `"${oneLine(found.message, MAX_MESSAGE)}"` : undefined
  const said = [code, message].filter(Boolean).join(' ')
  return said ? ` (storage host: ${said})` : ''
}
