// Names of inputs and outputs live here only; action.yml files must agree (a test checks).

export const Inputs = {
  ApiKey: 'api-key',
  RetrainJobId: 'retrain-job-id',
  ApiUrl: 'api-url',
  Timeout: 'timeout',
  PollInterval: 'poll-interval',
  RequestTimeout: 'request-timeout',
  Wait: 'wait',
  Download: 'download',
  DownloadDir: 'download-dir',
  Extract: 'extract',
  File: 'file',
  Filename: 'filename'
} as const

export const Outputs = {
  Status: 'status',
  ModelId: 'model_id',
  Message: 'message',
  RetrainJobId: 'retrain_job_id',
  ResultFile: 'result_file',
  ResultSha256: 'result_sha256',
  ResultDir: 'result_dir'
} as const

export const Defaults = {
  ApiUrl: 'https://developer-api.predictionone.sony.biz',
  Timeout: '30m',
  PollInterval: '30s',
  RequestTimeout: '30s'
} as const

export const FINISHED_STATUS = 'job_finished'
export const FAILURE_STATUS = /fail|error|cancel|abort/i

export const MIN_POLL_INTERVAL_MS = 1000
export const REMINDER_INTERVAL_MS = 5 * 60_000
// Self-hosted runners allow jobs of days; three is as long as a retrain gate should wait.
export const MAX_TIMEOUT_MS = 72 * 3_600_000

export const API_KEY_HEADER = 'x-api-key'
export const USER_AGENT = 'prediction-one-retrain-action'
export const FALLBACK_RESULT_NAME = 'retrain-result'

export const ApiPaths = {
  status: (jobId: string) => `/v1/external/retrain_jobs/${encodeURIComponent(jobId)}`,
  updateModel: (jobId: string) => `/v1/external/retrain_jobs/${encodeURIComponent(jobId)}/update_model`,
  uploadUrl: (filename: string) =>
    `/v1/external/retrain_jobs/upload_url?filename=${encodeURIComponent(filename)}`
}

/** What each action.yml declares; a test holds the files to these lists. */
export const ActionInterface = {
  wait: {
    inputs: [
      Inputs.ApiKey,
      Inputs.RetrainJobId,
      Inputs.ApiUrl,
      Inputs.Timeout,
      Inputs.PollInterval,
      Inputs.RequestTimeout,
      Inputs.Wait,
      Inputs.Download,
      Inputs.DownloadDir,
      Inputs.Extract
    ],
    outputs: [
      Outputs.Status,
      Outputs.ModelId,
      Outputs.Message,
      Outputs.RetrainJobId,
      Outputs.ResultFile,
      Outputs.ResultSha256,
      Outputs.ResultDir
    ]
  },
  upload: {
    inputs: [Inputs.ApiKey, Inputs.File, Inputs.Filename, Inputs.ApiUrl, Inputs.RequestTimeout, Inputs.Timeout],
    outputs: [Outputs.RetrainJobId]
  },
  switch: {
    inputs: [Inputs.ApiKey, Inputs.RetrainJobId, Inputs.ApiUrl, Inputs.RequestTimeout],
    outputs: [Outputs.RetrainJobId]
  }
} as const
