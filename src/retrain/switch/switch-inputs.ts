import { Defaults, Inputs } from '../contract.js'
import { duration, MAX_TIMEOUT_MS, readCommon, readJobId, type CommonInputs, type GetInput } from '../inputs.js'

export interface SwitchInputs extends CommonInputs {
  jobId: string
  timeoutMs: number
}

export function readSwitchInputs(get: GetInput): SwitchInputs {
  return {
    ...readCommon(get),
    jobId: readJobId(get),
    timeoutMs: duration(get, Inputs.Timeout, Defaults.SwitchTimeout, 1000, MAX_TIMEOUT_MS)
  }
}
