// The action.yml contract, and nothing else: the action.yml files must agree (a test checks).

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
  Filename: 'filename',
  Validate: 'validate'
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
  RequestTimeout: '30s',
  SwitchTimeout: '5m'
} as const

// The command-line tool offers `--no-<name>` for a default of true and `--<name>` for false.
export const BooleanDefaults: Readonly<Record<string, boolean>> = {
  [Inputs.Wait]: true,
  [Inputs.Download]: true,
  [Inputs.Extract]: false,
  [Inputs.Validate]: true
}
