import { readCommon, readJobId, type CommonInputs, type GetInput } from '../inputs.js'

export interface SwitchInputs extends CommonInputs {
  jobId: string
}

export function readSwitchInputs(get: GetInput): SwitchInputs {
  return { ...readCommon(get), jobId: readJobId(get) }
}
