// JSON from the API, read so that a value can be passed on exactly as the API wrote it.

/** A JSON number, kept as its source text: 12345678901234567890 or 1e3 survive as written. */
class JsonNumber {
  constructor(readonly source: string) {}
}

// A string literal (kept whole, so nothing inside one is touched; one never closed runs to the end,
// so the scan stays linear) or one of the values Python's json.dumps writes by default and JSON lacks.
const STRING_OR_PYTHON_VALUE = /"(?:[^"\\]|\\[\s\S]?)*(?:"|$)|-?Infinity|NaN/g

/**
 * Parses JSON text; numbers become JsonNumber, Python's `NaN` and `±Infinity` null; undefined when it is not JSON.
 * A leading byte order mark (gateways and .NET services add one) is ignored, as RFC 8259 allows.
 */
export function parseJson(text: string | undefined): unknown {
  if (!text) return undefined
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  try {
    // Node 24 hands a reviver the source text of each primitive (TC39 "JSON.parse source text access").
    const reviver = (_key: string, value: unknown, context?: { source?: string }): unknown =>
      typeof value === 'number' ? new JsonNumber(context?.source ?? String(value)) : value
    try {
      return JSON.parse(text, reviver)
    } catch {
      const strict = text.replace(STRING_OR_PYTHON_VALUE, (token) => (token.startsWith('"') ? token : 'null'))
      return JSON.parse(strict, reviver)
    }
  } catch {
    return undefined
  }
}

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber)
}

/** A string as it is, a number as the API wrote it; anything else (null, true, an object) is no text. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value instanceof JsonNumber) return value.source
  // A number that did not come through parseJson (a caller's own object) has no source text.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}
