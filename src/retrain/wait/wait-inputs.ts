import { join, resolve } from 'node:path'
import { Defaults, Inputs } from '../contract.js'
import {
  actionPlaces,
  bool,
  duration,
  MAX_TIMEOUT_MS,
  readCommon,
  readJobId,
  type CommonInputs,
  type GetInput,
  type Places
} from '../inputs.js'
import { sanitizeFileName } from '../../disk/filename.js'

export interface WaitInputs extends CommonInputs {
  jobId: string
  pollIntervalMs: number
  wait: boolean
  download: boolean
  downloadDir: string
  /** Where the download and the unpack stage their work (Places.stagingDir; else the download folder). */
  stagingDir: string
  extract: boolean
}

export function readWaitInputs(get: GetInput, places: Places = actionPlaces()): WaitInputs {
  const common = readCommon(get)
  const jobId = readJobId(get)
  const dirInput = get(Inputs.DownloadDir).trim()
  const downloadDir =
    dirInput === '' ? join(places.resultRoot, sanitizeFileName(jobId, 'job')) : resolve(places.workDir, dirInput)
  return {
    ...common,
    jobId,
    pollIntervalMs: duration(get, Inputs.PollInterval, Defaults.PollInterval, MAX_TIMEOUT_MS),
    wait: bool(get, Inputs.Wait),
    download: bool(get, Inputs.Download),
    downloadDir,
    stagingDir: places.stagingDir ?? downloadDir,
    extract: bool(get, Inputs.Extract)
  }
}
