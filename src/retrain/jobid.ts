import { charClass, CONTROLS, SEPARATORS } from '../text.js'

const MAX_JOB_ID_LENGTH = 256
const UNSAFE = charClass([CONTROLS, SEPARATORS])

/** What is wrong with a retrain job id, or undefined when it is fine. */
export function jobIdProblem(id: string): string | undefined {
  if (id === '') return 'is empty'
  if (id === '.' || id === '..')
    return `"${id}" is not a job id: in the API's URL path it would name a folder instead of a job`
  if (id.length > MAX_JOB_ID_LENGTH) return `is ${id.length} characters long, more than ${MAX_JOB_ID_LENGTH}`
  if (UNSAFE.test(id)) return 'holds control characters or line breaks'
  if (!id.isWellFormed()) return 'is not well-formed Unicode text'
  return undefined
}
