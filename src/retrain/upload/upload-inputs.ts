import { accessSync, constants as fsConstants, statSync, type Stats } from 'node:fs'
import { basename, resolve } from 'node:path'
import { Inputs } from '../contract.js'
import { InputError } from '../../errors.js'
import {
  actionPlaces,
  bool,
  optional,
  readCommon,
  required,
  type CommonInputs,
  type GetInput,
  type Places
} from '../inputs.js'
import { BIDI_CONTROLS, charClass, CONTROLS, SEPARATORS } from '../../text.js'

const NOT_BARE = charClass([CONTROLS, SEPARATORS, BIDI_CONTROLS, '/\\\\'])

export interface UploadInputs extends CommonInputs {
  file: string
  size: number
  filename: string
  /** Check the file before uploading it (see check.ts). */
  validate: boolean
}

export function readUploadInputs(get: GetInput, places: Places = actionPlaces()): UploadInputs {
  const common = readCommon(get)
  const file = resolve(places.workDir, required(get, Inputs.File))
  let stats: Stats
  try {
    stats = statSync(file)
    if (stats.isFile()) accessSync(file, fsConstants.R_OK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(Inputs.File, `${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code})`)
  }
  if (!stats.isFile()) throw new InputError(Inputs.File, `${file} is not a file`)
  if (stats.size === 0) throw new InputError(Inputs.File, `${file} is empty`)
  const filename = optional(get, Inputs.Filename, basename(file))
  if (NOT_BARE.test(filename)) {
    throw new InputError(
      Inputs.Filename,
      'must be a bare file name (no directory, no control or bidirectional-override characters)'
    )
  }
  return {
    ...common,
    file,
    size: stats.size,
    filename,
    validate: bool(get, Inputs.Validate)
  }
}
