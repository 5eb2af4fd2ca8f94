// The tool's commands: one per action, with the inputs and outputs its action.yml declares (a test
// holds the files to these lists). The flags, the help and the results are made from them.
import { Inputs, Outputs } from '../retrain/contract.js'

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
    inputs: [
      Inputs.ApiKey,
      Inputs.File,
      Inputs.Filename,
      Inputs.Validate,
      Inputs.ApiUrl,
      Inputs.RequestTimeout,
      Inputs.Timeout
    ],
    outputs: [Outputs.RetrainJobId]
  },
  switch: {
    inputs: [Inputs.ApiKey, Inputs.RetrainJobId, Inputs.ApiUrl, Inputs.RequestTimeout, Inputs.Timeout],
    outputs: [Outputs.RetrainJobId]
  }
} as const
