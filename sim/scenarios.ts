// Scripted retrain jobs that the simulator CLI, the demo and the repository's self-test share.
import type { JobScript } from './simulator.js'
import { makeZip } from './zip.js'

export const SCENARIOS: Record<string, { about: string; script: JobScript }> = {
  finished: {
    about: 'the uploaded data is retrained: queued, running, job_finished with model 7 and a result zip',
    script: {
      statuses: ['queued', 'running', 'running', 'job_finished'],
      modelId: 7,
      message: 'retrain finished',
      result: makeZip({
        'metrics.json': JSON.stringify({ auc: 0.912, accuracy: 0.874 }, null, 2),
        'evaluation.csv': 'id,actual,predicted\n1,1,1\n2,0,0\n3,1,0\n'
      })
    }
  },
  failed: {
    about: 'the retrain fails: running, then job_failed with a message',
    script: { statuses: ['running', 'job_failed'], message: 'the training data has no target column' }
  }
}
