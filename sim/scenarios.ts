// Scripted retrain jobs that the simulator CLI, the demo and the repository's self-test share: one
// for each outcome a user can meet, so that every one can be seen locally.
import type { Fault, JobScript, Route, Simulator } from './simulator.js'
import { makeZip } from './zip.js'

export interface Scenario {
  about: string
  /** What a job started by an upload goes through. */
  script: JobScript
  /** The key the CLI prints is one the simulator does not know. */
  wrongKey?: boolean
  /** Faults served before the scripted answers, one per request of the route. */
  faults?: Partial<Record<Route, Fault[]>>
}

const RESULT = makeZip({
  'metrics.json': JSON.stringify({ auc: 0.912, accuracy: 0.874 }, null, 2),
  'evaluation.csv': 'id,actual,predicted\n1,1,1\n2,0,0\n3,1,0\n'
})

const finished: JobScript = {
  statuses: ['queued', 'running', 'running', 'job_finished'],
  modelId: 7,
  message: 'retrain finished',
  result: RESULT
}

// What a gateway in front of the API answers on its own when a backend is briefly away.
const gatewayPage = (status: number): Fault => ({
  kind: 'http',
  status,
  body: `<html><head><title>${status}</title></head><body><h1>${status}</h1>The server is temporarily unavailable.</body></html>`
})

export const SCENARIOS: Record<string, Scenario> = {
  finished: {
    about: 'the uploaded data is retrained: queued, running, job_finished with model 7 and a result zip',
    script: finished
  },
  failed: {
    about: 'the retrain fails: running, then job_failed with a message',
    script: { statuses: ['running', 'job_failed'], message: 'the training data has no target column' }
  },
  'wrong-key': {
    about: 'the printed key is not one the API knows: every call answers "invalid_api_key."',
    script: finished,
    wrongKey: true
  },
  'unknown-job': {
    about: 'the upload works, then the job is not known: "Not found retrain job."',
    script: { ...finished, unknown: true }
  },
  deleted: {
    about: 'the upload works, then the job is gone: "This job may be deleted."',
    script: { ...finished, deleted: true }
  },
  slow: {
    about: 'a long retrain: queued, running from 5 s, job_finished at 60 s (use a timeout above 1m)',
    script: {
      timeline: [
        { atMs: 0, status: 'queued' },
        { atMs: 5_000, status: 'running' },
        { atMs: 60_000, status: 'job_finished' }
      ],
      modelId: 8,
      message: 'retrain finished',
      result: RESULT
    }
  },
  hiccup: {
    about: 'a gateway hiccup: a 503 page for the upload URL, two 502 pages for status checks, then finished',
    script: finished,
    faults: { upload_url: [gatewayPage(503)], status: [gatewayPage(502), gatewayPage(502)] }
  }
}

/** Sets `sim` up as `scenario` says, `key` being the key a user is given (npm run sim prints it). */
export function playScenario(sim: Simulator, scenario: Scenario, key: string): Simulator {
  // The wrong-key scenario gives out a key the simulator never learns.
  if (!scenario.wrongKey) sim.addKey(key)
  sim.uploadScript = scenario.script
  for (const [route, faults] of Object.entries(scenario.faults ?? {})) sim.fault(route as Route, ...faults)
  return sim
}
