// The recipes for GitLab CI, Jenkins, Azure Pipelines and cron in both READMEs: each is checked as
// the GitHub workflows are, against what its system documents and against what the command-line
// tool reads and writes. readmes.test.ts already holds the two READMEs' code blocks byte for byte
// the same; these checks run on each README all the same, so that a failure names the file.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { ActionInterface } from '../../src/cli/commands.js'
import { Defaults } from '../../src/retrain/contract.js'
import { parseDuration } from '../../src/retrain/inputs.js'
import { ROOT, metadata, type ActionName } from '../../sim/runner.js'
import { READMES, readme, recipes, type CiSystem, type ReadmeName } from '../helpers/readme.js'

// ---------------------------------------------------------------------------------------------------
// The tool's contract: commands, flags, and the P1_* variables it reads and writes.

const COMMANDS = Object.keys(ActionInterface) as ActionName[]
const p1 = (name: string): string => `P1_${name.replace(/-/g, '_').toUpperCase()}`
const FLAGS_OF_EVERY_COMMAND = ['--json', '--dotenv', '--help']

/** The CLI bundle, once the command-line tool is built: the run's fresh build, or the committed one. */
function cliBundle(): string | undefined {
  const candidates = [process.env.P1_BUNDLES, join(ROOT, 'dist')].filter((d): d is string => !!d)
  return candidates.map((d) => join(d, 'cli', 'index.js')).find((path) => existsSync(path))
}

/**
 * The flags of each command. From the tool's own `--help` when its bundle exists; until then from
 * the action.yml contract the tool is built on: `--<input>` (not the key: it has no flag), and
 * `--no-<input>` for a boolean input, plus `--json`, `--dotenv` and `--help`.
 */
function flagsOf(command: ActionName): Set<string> {
  const bundle = cliBundle()
  if (bundle) {
    const help = spawnSync(process.execPath, [bundle, command, '--help'], { encoding: 'utf8' })
    assert.equal(help.status, 0, `${bundle} ${command} --help exits 0: ${help.stderr}`)
    return new Set([...`${help.stdout}${help.stderr}`.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]))
  }
  const inputs = metadata(command).inputs
  const flags = new Set(FLAGS_OF_EVERY_COMMAND)
  for (const input of ActionInterface[command].inputs) {
    if (input === 'api-key') continue
    flags.add(`--${input}`)
    if (['true', 'false'].includes(inputs[input]?.default ?? '')) flags.add(`--no-${input}`)
  }
  return flags
}
const FLAGS = Object.fromEntries(COMMANDS.map((c) => [c, flagsOf(c)])) as Record<ActionName, Set<string>>

/** What each command writes: `P1_` and its outputs in upper case (P1_RETRAIN_JOB_ID, P1_STATUS…). */
const WRITES = Object.fromEntries(
  COMMANDS.map((c) => [c, new Set<string>(ActionInterface[c].outputs.map(p1))])
) as Record<ActionName, Set<string>>
/** What the tool reads: a variable for each flag, and the key. */
const READS = new Set([...COMMANDS.flatMap((c) => [...ActionInterface[c].inputs]), 'json', 'dotenv'].map(p1))
const KNOWN_VARIABLES = new Set([...READS, ...COMMANDS.flatMap((c) => [...WRITES[c]])])

interface Call {
  command: ActionName
  /** flag -> its value ('' for a switch). */
  flags: Map<string, string>
  text: string
}

/** Every run of the tool in `text`: `prediction-one-retrain@<version> <command> …` or `dist/cli/index.js <command> …`. */
function calls(text: string): Call[] {
  const found: Call[] = []
  for (const match of text.matchAll(/(?:prediction-one-retrain@\S+|dist\/cli\/index\.js)\s+([a-z][\w-]*)([^\n';]*)/g)) {
    const command = match[1] as ActionName
    assert.ok(COMMANDS.includes(command), `"${match[0].trim()}": the tool has no command "${command}"`)
    const tokens = match[2].trim().split(/\s+/).filter(Boolean)
    const flags = new Map<string, string>()
    for (let i = 0; i < tokens.length; i++) {
      if (!tokens[i].startsWith('--')) continue
      const [flag, inline] = tokens[i].split('=', 2)
      const value = inline ?? (tokens[i + 1] && !tokens[i + 1].startsWith('--') ? tokens[++i] : '')
      flags.set(flag, value.replace(/^"|"$/g, ''))
    }
    found.push({ command, flags, text: match[0].trim() })
  }
  return found
}

/** Fails unless each run names an existing command and only its flags, and each P1_* name is the tool's. */
function checkToolUse(text: string, where: string): Call[] {
  const found = calls(text)
  assert.ok(found.length > 0, `${where}: runs the tool nowhere`)
  for (const call of found) {
    for (const flag of call.flags.keys()) {
      assert.ok(FLAGS[call.command].has(flag), `${where}: "${call.text}": ${call.command} has no flag ${flag}`)
    }
    if (call.flags.has('--timeout')) parseDuration('--timeout', call.flags.get('--timeout') ?? '')
  }
  for (const [name] of text.matchAll(/\bP1_[A-Z0-9_]+/g)) {
    assert.ok(KNOWN_VARIABLES.has(name), `${where}: ${name} is no variable the tool reads or writes`)
  }
  assert.doesNotMatch(text, /--api-key/, `${where}: the key is never a flag`)
  assert.doesNotMatch(text, /(echo|print|printf)\b[^\n]*P1_API_KEY/, `${where}: the key is never printed`)
  return found
}

/** The tool's limit for a run: its --timeout, or the command's default. */
function toolTimeoutMs(call: Call): number {
  const fallback = call.command === 'switch' ? Defaults.SwitchTimeout : Defaults.Timeout
  return parseDuration('--timeout', call.flags.get('--timeout') ?? fallback)
}
// What a job limit must leave above the tool's own: start-up (npx fetching the tool) and the download.
const MARGIN_MS = 5 * 60_000

function assertAboveTool(jobLimitMs: number, call: Call, where: string): void {
  assert.ok(
    jobLimitMs >= toolTimeoutMs(call) + MARGIN_MS,
    `${where}: the job's limit (${jobLimitMs / 60_000} min) must exceed "${call.text}"'s timeout ` +
      `(${toolTimeoutMs(call) / 60_000} min) by ${MARGIN_MS / 60_000} min at least`
  )
}

// ---------------------------------------------------------------------------------------------------
// GitLab CI. The facts this project relies on, written from GitLab's CI schema,
// gitlabhq/gitlabhq app/assets/javascripts/editor/schema/ci.json at commit
// 0286e4c628d68960d0ca9e961d82c3ea6ac90633 (definitions job_template, rules, when, timeout, needs,
// artifacts), and from https://docs.gitlab.com/ci/yaml/ and https://docs.gitlab.com/ci/variables/dotenv_variables/.

/** Top-level keys that are not jobs (the schema's "properties"); any other key is a job, or hidden if it starts with ".". */
const GITLAB_GLOBAL = new Set([
  '$schema',
  'spec',
  'image',
  'services',
  'before_script',
  'after_script',
  'variables',
  'cache',
  '!reference',
  'default',
  'stages',
  'include',
  'workflow'
])
/** definitions.job_template.properties: the job keywords. */
const GITLAB_JOB_KEYWORDS = new Set([
  'image',
  'services',
  'before_script',
  'after_script',
  'hooks',
  'rules',
  'variables',
  'cache',
  'id_tokens',
  'identity',
  'inputs',
  'secrets',
  'script',
  'run',
  'stage',
  'only',
  'extends',
  'needs',
  'except',
  'tags',
  'allow_failure',
  'timeout',
  'when',
  'start_in',
  'manual_confirmation',
  'dependencies',
  'artifacts',
  'environment',
  'release',
  'coverage',
  'retry',
  'parallel',
  'interruptible',
  'resource_group',
  'trigger',
  'inherit',
  'publish',
  'pages'
])
/** definitions.rules.items (the object form). */
const GITLAB_RULE_KEYWORDS = new Set([
  'if',
  'changes',
  'exists',
  'variables',
  'when',
  'start_in',
  'allow_failure',
  'needs',
  'interruptible'
])
const GITLAB_WORKFLOW_RULE_KEYWORDS = new Set(['if', 'changes', 'exists', 'variables', 'when', 'auto_cancel'])
/** definitions.when.enum; workflow rules take only always and never. */
const GITLAB_WHEN = new Set(['on_success', 'on_failure', 'always', 'never', 'manual', 'delayed'])
/** definitions.artifacts.properties; reports.dotenv is a string or a list of strings (string_file_list). */
const GITLAB_ARTIFACTS = new Set([
  'paths',
  'exclude',
  'expose_as',
  'name',
  'untracked',
  'when',
  'access',
  'expire_in',
  'reports'
])
const GITLAB_ARTIFACTS_WHEN = new Set(['on_success', 'on_failure', 'always'])
/** needs items: a job name, or an object with "job" (and artifacts, optional; pipeline, project, ref, parallel). */
const GITLAB_NEEDS_KEYS = new Set(['job', 'artifacts', 'optional', 'pipeline', 'project', 'ref', 'parallel'])

const GITLAB_UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400
}
/** A GitLab human duration ("1h 30m", "90 minutes", "2 hrs 20 min"), in ms; a bare number is seconds. */
function gitlabDurationMs(text: string, where: string): number {
  const groups = [...text.matchAll(/(\d+)\s*([a-z]+)?/g)]
  const rest = text.replace(/(\d+)\s*([a-z]+)?/g, '').replace(/\band\b/g, '')
  assert.ok(groups.length > 0 && rest.trim() === '', `${where}: "${text}" is not a GitLab duration`)
  let seconds = 0
  for (const [, amount, unit] of groups) {
    assert.ok(!unit || unit in GITLAB_UNITS, `${where}: "${text}": no unit "${unit}" in GitLab durations`)
    seconds += Number(amount) * (unit ? GITLAB_UNITS[unit] : 1)
  }
  return seconds * 1000
}

type GitlabRule = Record<string, unknown> & { if?: string; when?: string }
type GitlabJob = Record<string, unknown> & {
  script?: string[] | string
  rules?: GitlabRule[]
  needs?: (string | Record<string, unknown>)[]
  artifacts?: Record<string, unknown> & { reports?: Record<string, unknown>; paths?: string[] }
  timeout?: string
  when?: string
  stage?: string
  image?: string | { name: string }
}

function checkGitlab(block: string, where: string): void {
  const config = parse(block) as Record<string, unknown>
  const stages = (config.stages as string[] | undefined) ?? ['build', 'test', 'deploy']
  const jobs: Record<string, GitlabJob> = {}
  for (const [key, value] of Object.entries(config)) {
    if (!GITLAB_GLOBAL.has(key) && !key.startsWith('.')) jobs[key] = value as GitlabJob
  }
  const workflowRules = (config.workflow as { rules?: Record<string, unknown>[] } | undefined)?.rules ?? []
  for (const rule of workflowRules) {
    for (const key of Object.keys(rule)) {
      assert.ok(GITLAB_WORKFLOW_RULE_KEYWORDS.has(key), `${where}: workflow:rules has no keyword "${key}"`)
    }
    if (rule.when) assert.ok(['always', 'never'].includes(rule.when as string), `${where}: workflow:rules:when`)
  }

  const callOf: Record<string, Call | undefined> = {}
  for (const [name, job] of Object.entries(jobs)) {
    const at = `${where}: job "${name}"`
    for (const key of Object.keys(job))
      assert.ok(GITLAB_JOB_KEYWORDS.has(key), `${at}: GitLab has no job keyword "${key}"`)
    assert.ok(job.script, `${at}: has no script`)
    assert.ok(stages.includes(job.stage ?? 'test'), `${at}: stage "${job.stage}" is not among the stages`)
    if (job.when) assert.ok(GITLAB_WHEN.has(job.when), `${at}: when: ${job.when} is not a GitLab value`)
    for (const rule of job.rules ?? []) {
      for (const key of Object.keys(rule))
        assert.ok(GITLAB_RULE_KEYWORDS.has(key), `${at}: rules have no keyword "${key}"`)
      if (rule.when) assert.ok(GITLAB_WHEN.has(rule.when), `${at}: rules:when: ${rule.when}`)
    }
    for (const need of job.needs ?? []) {
      const needed = typeof need === 'string' ? need : (need.job as string)
      if (typeof need === 'object') {
        for (const key of Object.keys(need)) assert.ok(GITLAB_NEEDS_KEYS.has(key), `${at}: needs has no key "${key}"`)
      }
      assert.ok(needed in jobs, `${at}: needs "${needed}", which is no job here`)
      assert.ok(
        stages.indexOf(jobs[needed].stage ?? 'test') <= stages.indexOf(job.stage ?? 'test'),
        `${at}: needs "${needed}" of a later stage`
      )
    }
    if (job.artifacts) {
      for (const key of Object.keys(job.artifacts)) {
        assert.ok(GITLAB_ARTIFACTS.has(key), `${at}: artifacts has no keyword "${key}"`)
      }
      const when = job.artifacts.when as string | undefined
      if (when) assert.ok(GITLAB_ARTIFACTS_WHEN.has(when), `${at}: artifacts:when: ${when}`)
      const dotenv = job.artifacts.reports?.dotenv
      if (dotenv !== undefined) {
        assert.ok(
          typeof dotenv === 'string' || (Array.isArray(dotenv) && dotenv.every((d) => typeof d === 'string')),
          `${at}: artifacts:reports:dotenv is a path or a list of paths`
        )
      }
    }
    const script = ([] as string[]).concat(job.script ?? []).join('\n')
    const found = calls(script)
    assert.ok(found.length <= 1, `${at}: one run of the tool per job`)
    callOf[name] = found[0]
    if (!found[0]) continue
    const call = found[0]
    // The dotenv file the tool writes is the one the report names, and the other way round.
    const reported = ([] as string[]).concat((job.artifacts?.reports?.dotenv as string | string[] | undefined) ?? [])
    assert.deepEqual(
      reported,
      call.flags.has('--dotenv') ? [call.flags.get('--dotenv')] : [],
      `${at}: --dotenv and artifacts:reports:dotenv name one file`
    )
    assert.ok(job.timeout, `${at}: a job that runs the tool sets its own timeout`)
    assertAboveTool(gitlabDurationMs(job.timeout, at), call, at)
  }
  checkToolUse(block, where)

  const image = (config.default as { image?: string } | undefined)?.image ?? (config.image as string | undefined)
  for (const [name, job] of Object.entries(jobs)) {
    if (!callOf[name]) continue
    const used = typeof job.image === 'object' ? job.image.name : (job.image ?? image)
    const major = Number(/^node:(\d+)/.exec(used ?? '')?.[1])
    assert.ok(major >= 22, `${where}: job "${name}" runs the tool on Node.js 22 or later (image "${used}")`)
  }

  const byCommand = (command: ActionName): [string, GitlabJob, Call] => {
    const entry = Object.entries(jobs).find(([name]) => callOf[name]?.command === command)
    assert.ok(entry, `${where}: no job runs the tool's ${command}`)
    return [entry[0], entry[1], callOf[entry[0]] as Call]
  }
  const [uploadName, upload, uploadCall] = byCommand('upload')
  const [waitName, wait, waitCall] = byCommand('wait')
  const [switchName, switchJob] = byCommand('switch')
  const needs = (job: GitlabJob, name: string): Record<string, unknown> | undefined => {
    const need = (job.needs ?? []).find((n) => (typeof n === 'string' ? n : n.job) === name)
    return need === undefined ? undefined : typeof need === 'string' ? { job: need } : need
  }
  const dotenvOf = (job: GitlabJob): unknown => job.artifacts?.reports?.dotenv

  // The retrain job id reaches the wait job from the upload's dotenv report, or from a pipeline
  // variable given by hand (then the upload job is left out, and the wait job must not need it for sure).
  assert.ok(uploadCall.flags.has('--dotenv') && dotenvOf(upload), `${where}: the upload job reports its dotenv`)
  const waitNeedsUpload = needs(wait, uploadName)
  assert.ok(waitNeedsUpload, `${where}: job "${waitName}" needs "${uploadName}"`)
  assert.notEqual(
    waitNeedsUpload.artifacts,
    false,
    `${where}: "${waitName}" takes the artifacts (the dotenv) of "${uploadName}"`
  )
  assert.ok(
    !waitCall.flags.has('--retrain-job-id'),
    `${where}: the wait job reads P1_RETRAIN_JOB_ID, given or reported`
  )
  const resume = (upload.rules ?? []).find((r) => /^\$P1_RETRAIN_JOB_ID$/.test((r.if ?? '').trim()))
  assert.ok(
    resume && resume.when === 'never',
    `${where}: a hand-given $P1_RETRAIN_JOB_ID leaves the upload out (when: never)`
  )
  assert.equal(waitNeedsUpload.optional, true, `${where}: "${waitName}" needs "${uploadName}" optionally (resume)`)

  // The wait job keeps the result and reports the outputs; the switch is started by hand after it.
  assert.ok(waitCall.flags.has('--dotenv') && dotenvOf(wait), `${where}: the wait job reports its dotenv`)
  const kept = (wait.artifacts?.paths ?? []).map((p) => p.replace(/\/$/, ''))
  assert.ok(
    kept.includes(waitCall.flags.get('--download-dir') ?? '\0'),
    `${where}: artifacts:paths keep the --download-dir`
  )
  assert.ok(wait.artifacts?.expire_in, `${where}: the result has an expire_in`)
  const manual = switchJob.when === 'manual' || (switchJob.rules ?? []).some((r) => r.when === 'manual')
  assert.ok(manual, `${where}: job "${switchName}" is when: manual`)
  const switchNeedsWait = needs(switchJob, waitName)
  assert.ok(switchNeedsWait, `${where}: job "${switchName}" needs "${waitName}"`)
  assert.notEqual(switchNeedsWait.artifacts, false, `${where}: "${switchName}" takes the dotenv of "${waitName}"`)
}

// ---------------------------------------------------------------------------------------------------
// Jenkins: a declarative pipeline (https://www.jenkins.io/doc/book/pipeline/syntax/), the key bound
// by withCredentials (https://www.jenkins.io/doc/pipeline/steps/credentials-binding/).

/** Groovy text with its strings and comments blanked (same length), so that braces can be counted. */
function blankStrings(groovy: string): string {
  return groovy.replace(/\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (m) => ' '.repeat(m.length))
}

/** The body of the block that opens at the first "{" at or after `from`: [start, end) in `code`. */
function blockAt(code: string, from: number, where: string): [number, number] {
  const open = code.indexOf('{', from)
  assert.ok(open >= 0, `${where}: no block`)
  let depth = 0
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++
    if (code[i] === '}' && --depth === 0) return [open + 1, i]
  }
  assert.fail(`${where}: the block at ${open} is not closed`)
}

function checkJenkins(groovy: string, where: string): void {
  const code = blankStrings(groovy)
  assert.equal(code.split('{').length, code.split('}').length, `${where}: braces balance`)
  assert.match(code, /^\s*pipeline\s*\{/, `${where}: a declarative pipeline { … }`)
  const [pStart, pEnd] = blockAt(code, 0, where)
  const pipeline = code.slice(pStart, pEnd)
  assert.match(pipeline, /(^|\n)\s*agent\s/, `${where}: pipeline has an agent`)
  assert.match(pipeline, /(^|\n)\s*stages\s*\{/, `${where}: pipeline has stages`)
  const found = checkToolUse(groovy, where)

  // Every run of the tool is inside withCredentials binding the key to P1_API_KEY, in a single-quoted sh.
  const bindings = [...groovy.matchAll(/withCredentials\s*\(\s*\[\s*string\s*\(([^)]*)\)\s*\]\s*\)/g)]
  assert.ok(bindings.length > 0, `${where}: withCredentials([string(…)])`)
  const inside = bindings.map((b) => {
    assert.match(b[1], /variable:\s*'P1_API_KEY'/, `${where}: withCredentials binds variable: 'P1_API_KEY'`)
    assert.match(b[1], /credentialsId:\s*'[^']+'/, `${where}: withCredentials names a credentialsId`)
    return blockAt(code, (b.index ?? 0) + b[0].length, where)
  })
  for (const m of groovy.matchAll(/prediction-one-retrain@\S+\s+\S+/g)) {
    const at = m.index ?? 0
    assert.ok(
      inside.some(([s, e]) => at >= s && at < e),
      `${where}: "${m[0]}" runs inside withCredentials`
    )
    const line = groovy.slice(groovy.lastIndexOf('\n', at) + 1, groovy.indexOf('\n', at))
    assert.match(
      line,
      /\bsh\s+'[^']*'\s*$/,
      `${where}: "${line.trim()}" is one single-quoted sh (no Groovy interpolation)`
    )
  }

  // Each stage: its block, with steps, and the one it must be.
  const stages = [...groovy.matchAll(/\bstage\s*\(\s*'([^']*)'\s*\)/g)].map((m) => {
    const [s, e] = blockAt(code, (m.index ?? 0) + m[0].length, where)
    return { name: m[1], text: groovy.slice(s, e), code: code.slice(s, e) }
  })
  assert.ok(stages.length >= 3, `${where}: stages upload, wait, switch`)
  for (const stage of stages)
    assert.match(stage.code, /(^|\n)\s*steps\s*\{/, `${where}: stage '${stage.name}' has steps`)
  const stageOf = (command: ActionName): (typeof stages)[number] => {
    const stage = stages.find((s) => calls(s.text).some((c) => c.command === command))
    assert.ok(stage, `${where}: no stage runs the tool's ${command}`)
    return stage
  }
  const upload = stageOf('upload')
  const wait = stageOf('wait')
  const switchStage = stageOf('switch')
  const waitCall = found.find((c) => c.command === 'wait') as Call
  const uploadCall = found.find((c) => c.command === 'upload') as Call

  const limit = /timeout\s*\(\s*time:\s*(\d+)\s*,\s*unit:\s*'(MINUTES|HOURS)'\s*\)/.exec(wait.text)
  assert.ok(limit, `${where}: stage '${wait.name}' has options { timeout(time: …, unit: 'MINUTES') }`)
  assertAboveTool(
    Number(limit[1]) * (limit[2] === 'HOURS' ? 3_600_000 : 60_000),
    waitCall,
    `${where}: stage '${wait.name}'`
  )
  assert.match(switchStage.code, /(^|\n)\s*input\s*\{/, `${where}: stage '${switchStage.name}' asks for an input first`)
  const archived = /archiveArtifacts\s+artifacts:\s*'([^']*)'/.exec(wait.text)?.[1] ?? ''
  assert.ok(
    archived.includes(waitCall.flags.get('--download-dir') ?? '\0'),
    `${where}: stage '${wait.name}' archives the --download-dir`
  )
  // The job id: read from the upload's dotenv file into env.P1_RETRAIN_JOB_ID for the later stages.
  const dotenv = uploadCall.flags.get('--dotenv') ?? '\0'
  assert.match(
    upload.text,
    new RegExp(
      `env\\.P1_RETRAIN_JOB_ID\\s*=\\s*sh\\(returnStdout: true, [^\\n]*P1_RETRAIN_JOB_ID=[^\\n]*${dotenv.replace('.', '\\.')}`
    ),
    `${where}: stage '${upload.name}' sets env.P1_RETRAIN_JOB_ID from ${dotenv}`
  )
}

// ---------------------------------------------------------------------------------------------------
// Azure Pipelines (https://learn.microsoft.com/azure/devops/pipelines/yaml-schema/): stages of jobs
// of steps; secret variables reach a script only through its env; outputs of a step with a name.

interface AzureStep {
  script?: string
  task?: string
  name?: string
  env?: Record<string, string>
  inputs?: Record<string, string>
}
interface AzureJob {
  job?: string
  deployment?: string
  environment?: string
  timeoutInMinutes?: number
  variables?: Record<string, string>
  steps?: AzureStep[]
  strategy?: { runOnce?: { deploy?: { steps?: AzureStep[] } } }
}
interface AzureStage {
  stage: string
  dependsOn?: string | string[]
  jobs: AzureJob[]
}

function checkAzure(block: string, where: string): void {
  const pipeline = parse(block) as { stages?: AzureStage[]; variables?: unknown }
  assert.ok(Array.isArray(pipeline.stages), `${where}: stages`)
  const stepsOf = (job: AzureJob): AzureStep[] => job.steps ?? job.strategy?.runOnce?.deploy?.steps ?? []
  const jobName = (job: AzureJob): string => job.job ?? job.deployment ?? ''
  checkToolUse(block, where)

  const runs: { stage: AzureStage; job: AzureJob; step: AzureStep; call: Call }[] = []
  for (const stage of pipeline.stages) {
    assert.ok(stage.stage && Array.isArray(stage.jobs), `${where}: each stage has a name and jobs`)
    for (const job of stage.jobs) {
      assert.ok(jobName(job), `${where}: stage ${stage.stage}: each job is a job or a deployment`)
      assert.ok(stepsOf(job).length > 0, `${where}: job ${jobName(job)} has steps`)
      for (const step of stepsOf(job)) {
        const call = calls(step.script ?? '')[0]
        if (!call) continue
        runs.push({ stage, job, step, call })
        assert.match(
          step.env?.P1_API_KEY ?? '',
          /^\$\(\w+\)$/,
          `${where}: "${call.text}": the secret is mapped with env: P1_API_KEY: $(…)`
        )
        if (step.name)
          assert.match(step.name, /^[A-Za-z_]\w*$/, `${where}: step name "${step.name}" (letters, digits, _)`)
        assert.ok(job.timeoutInMinutes, `${where}: job ${jobName(job)} sets timeoutInMinutes`)
        assertAboveTool(job.timeoutInMinutes * 60_000, call, `${where}: job ${jobName(job)}`)
      }
    }
  }
  for (const command of COMMANDS) {
    assert.ok(
      runs.some((r) => r.call.command === command),
      `${where}: no step runs the tool's ${command}`
    )
  }
  const waitRun = runs.find((r) => r.call.command === 'wait')
  const published = stepsOf(waitRun?.job ?? {}).find((s) => s.task?.startsWith('PublishPipelineArtifact@'))
  assert.equal(
    published?.inputs?.targetPath,
    waitRun?.call.flags.get('--download-dir'),
    `${where}: the result is published`
  )
  const switchRun = runs.find((r) => r.call.command === 'switch')
  assert.ok(
    switchRun?.job.deployment && switchRun.job.environment,
    `${where}: the switch is a deployment to an environment`
  )

  // Each reference to another stage's output: that stage is depended on, its job has a step of that
  // name which runs the tool, and the tool's command sets that variable.
  let references = 0
  for (const stage of pipeline.stages) {
    const text = JSON.stringify(stage)
    for (const m of text.matchAll(/stageDependencies\.(\w+)\.(\w+)\.outputs\[\\?'(\w+)\.(\w+)\\?'\]/g)) {
      const [ref, from, job, step, variable] = m
      references++
      const depends = ([] as string[]).concat(stage.dependsOn ?? [])
      assert.ok(depends.includes(from), `${where}: stage ${stage.stage} reads ${ref} without dependsOn: ${from}`)
      const producer = runs.find((r) => r.stage.stage === from && jobName(r.job) === job && r.step.name === step)
      assert.ok(producer, `${where}: ${ref}: no step "${step}" running the tool in job ${job} of stage ${from}`)
      assert.ok(
        WRITES[producer.call.command].has(variable),
        `${where}: ${ref}: the tool's ${producer.call.command} sets no ${variable}`
      )
    }
  }
  assert.ok(references > 0, `${where}: a later stage reads the outputs through stageDependencies`)
  for (const run of runs.filter((r) => r.call.command !== 'upload')) {
    assert.match(
      JSON.stringify(run.job.variables ?? {}),
      /P1_RETRAIN_JOB_ID":"\$\[ stageDependencies\./,
      `${where}: job ${jobName(run.job)} takes P1_RETRAIN_JOB_ID from the stage before`
    )
  }
}

// ---------------------------------------------------------------------------------------------------
// cron: a bash script with flock, acting on the exit codes, and a crontab line.

const CRON_FIELDS: [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7]
]

/** Fails unless `field` is crontab(5) syntax for that field: *, n, a-b, lists, steps. */
function checkCronField(field: string, [what, min, max]: [string, number, number], where: string): void {
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    assert.ok(m, `${where}: "${field}" is not a crontab ${what}`)
    for (const n of [m[2], m[3]].filter((x) => x !== undefined)) {
      assert.ok(Number(n) >= min && Number(n) <= max, `${where}: ${what} ${n} is out of ${min}-${max}`)
    }
    if (m[4] !== undefined) assert.ok(Number(m[4]) > 0, `${where}: step 0 in "${field}"`)
  }
}

function checkCrontab(crontab: string, script: string, where: string): string[] {
  const commands: string[] = []
  for (const line of crontab.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) {
    if (/^[A-Za-z_]\w*=/.test(line)) continue
    const fields = line.trim().split(/\s+/)
    assert.ok(fields.length > 5, `${where}: "${line}" has five time fields and a command`)
    CRON_FIELDS.forEach((spec, i) => checkCronField(fields[i], spec, `${where}: "${line}"`))
    commands.push(fields.slice(5).join(' '))
  }
  assert.ok(commands.length > 0, `${where}: the crontab runs something`)
  const name = /usage: (\S+)/.exec(script)?.[1]
  for (const command of commands) {
    assert.ok(name && command.split(/\s+/)[0].endsWith(`/${name}`), `${where}: "${command}" runs the script (${name})`)
  }
  return commands
}

const hasBash = spawnSync('bash', ['--version']).status === 0
const hasFlock = hasBash && spawnSync('flock', ['--version']).status === 0

function checkCronScript(script: string, where: string): void {
  checkToolUse(script, where)
  assert.match(script, /^#!\/usr\/bin\/env bash\n/, `${where}: a bash script`)
  assert.match(script, /^set -u$/m, `${where}: set -u`)
  assert.match(script, /\bflock -n \d+/, `${where}: flock -n on a lock per model`)
  const arms = [...script.matchAll(/^\s*([\d*][\d |*]*)\)/gm)].flatMap((m) => m[1].split('|').map((s) => s.trim()))
  for (const code of ['0', '1', '2', '3', '130', '143', '*']) {
    assert.ok(arms.includes(code), `${where}: case on the exit code has an arm for ${code}`)
  }
  if (hasBash) {
    const syntax = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' })
    assert.equal(syntax.status, 0, `${where}: bash -n: ${syntax.stderr}`)
  }
}

/**
 * Runs the cron script with a stand-in for npx (the tool's exit codes, and the dotenv file it
 * writes) in folders of its own, and returns what it printed and which commands it ran.
 */
function runCron(
  script: string,
  exits: Partial<Record<ActionName, number>>,
  root: string,
  args: string[] = ['churn'],
  heldLock?: string
): { status: number | null; stdout: string; ran: string[] } {
  const bin = join(root, 'bin')
  mkdirSync(bin, { recursive: true })
  mkdirSync(join(root, 'etc'), { recursive: true })
  mkdirSync(join(root, 'opt'), { recursive: true })
  writeFileSync(join(root, 'etc', 'churn.key'), 'key-not-for-logs\n')
  writeFileSync(join(root, 'opt', 'export-churn.sh'), '#!/bin/sh\necho a,b\n')
  chmodSync(join(root, 'opt', 'export-churn.sh'), 0o755)
  const npx = [
    '#!/usr/bin/env bash',
    'while [ "$1" != "${1#-}" ]; do shift; done; shift # npx flags, then the package',
    'command=$1',
    'echo "$command id=${P1_RETRAIN_JOB_ID:-} key=${P1_API_KEY:+set} args=$*" >> "$CALLS"',
    'dotenv=; while [ $# -gt 0 ]; do [ "$1" = --dotenv ] && dotenv=$2; shift; done',
    'if [ -n "$dotenv" ]; then',
    '  if [ "$command" = upload ]; then echo P1_RETRAIN_JOB_ID=job-1 > "$dotenv"; else',
    '    printf "P1_RETRAIN_JOB_ID=%s\\nP1_STATUS=failed\\nP1_MESSAGE=bad data\\n" "$P1_RETRAIN_JOB_ID" > "$dotenv"; fi',
    'fi',
    'code=EXIT_$command; exit "${!code:-0}"'
  ].join('\n')
  writeFileSync(join(bin, 'npx'), npx)
  chmodSync(join(bin, 'npx'), 0o755)
  const local = script
    .replaceAll('/var/lib/prediction-one', join(root, 'var'))
    .replaceAll('/etc/prediction-one', join(root, 'etc'))
    .replaceAll('/opt/prediction-one', join(root, 'opt'))
  const calls = join(root, 'calls')
  writeFileSync(calls, '')
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}`, CALLS: calls, HOME: root }
  for (const [command, code] of Object.entries(exits)) env[`EXIT_${command}`] = String(code)
  const bash = ['bash', '-s', '--', ...args]
  const [file, ...rest] = heldLock ? ['flock', heldLock, ...bash] : bash
  const run = spawnSync(file, rest, { input: local, encoding: 'utf8', env })
  expect(run.stderr + run.stdout).not.toContain('key-not-for-logs')
  return { status: run.status, stdout: run.stdout, ran: readFileSync(calls, 'utf8').split('\n').filter(Boolean) }
}

// ---------------------------------------------------------------------------------------------------

const RECIPES = Object.fromEntries(READMES.map((n) => [n, recipes(readme(n), n)])) as Record<
  ReadmeName,
  ReturnType<typeof recipes>
>
const blocks = (name: ReadmeName, system: CiSystem, lang: string): string[] =>
  RECIPES[name][system].filter((f) => f.lang === lang).map((f) => f.body)

describe.each(READMES)('%s', (name) => {
  test('GitLab CI: job keywords GitLab documents; upload, wait (timeout, dotenv, result kept), a manual switch, resume', () => {
    const [block, ...more] = blocks(name, 'gitlab', 'yaml')
    assert.ok(block && more.length === 0, `${name}: one .gitlab-ci.yml under GitLab CI`)
    checkGitlab(block, `${name} GitLab CI`)
  })

  test('Jenkins: a declarative pipeline, the key bound by withCredentials to P1_API_KEY', () => {
    const [block, ...more] = blocks(name, 'jenkins', 'groovy')
    assert.ok(block && more.length === 0, `${name}: one Jenkinsfile under Jenkins`)
    checkJenkins(block, `${name} Jenkins`)
  })

  test('Azure Pipelines: the secret mapped into env, a later stage reading the outputs by step name', () => {
    const [block, ...more] = blocks(name, 'azure', 'yaml')
    assert.ok(block && more.length === 0, `${name}: one azure-pipelines.yml under Azure Pipelines`)
    checkAzure(block, `${name} Azure Pipelines`)
  })

  test('cron: a bash script with flock that acts on every exit code, and a valid crontab', () => {
    const [script] = blocks(name, 'cron', 'sh')
    const [crontab] = blocks(name, 'cron', 'crontab')
    assert.ok(script && crontab, `${name}: a sh block and a crontab block under cron`)
    checkCronScript(script, `${name} cron`)
    checkCrontab(crontab, script, `${name} crontab`)
  })
})

// The cron script's behaviour, per exit code of the tool (a stand-in for npx): what it keeps for the
// next run, and that one run per model goes at a time.
const cronTest = hasFlock ? test : test.skip
cronTest(
  `${READMES[0]} cron script: keeps the retrain job id on a timeout, resumes, switches, sets a failure aside (needs bash and flock)`,
  () => {
    const [script] = blocks(READMES[0], 'cron', 'sh')
    const root = mkdtempSync(join(tmpdir(), 'p1-cron-'))
    const state = join(root, 'var', 'churn')
    try {
      // Exit code 3: still running; the id is kept, and "resume" waits for it without uploading.
      let run = runCron(script, { wait: 3 }, root)
      expect(run.status).toBe(3)
      expect(run.ran.map((c) => c.split(' ')[0])).toEqual(['upload', 'wait'])
      expect(run.ran[1]).toMatch(/^wait id=job-1 key=set /)
      const kept = join(state, 'retrain-job-id')
      expect(existsSync(kept) ? readFileSync(kept, 'utf8').trim() : 'no retrain-job-id kept after exit code 3').toBe(
        'job-1'
      )
      expect(run.stdout).toMatch(/still running/)

      run = runCron(script, { wait: 0, switch: 0 }, root, ['churn', 'resume'])
      expect(run.status).toBe(0)
      expect(run.ran.map((c) => c.split(' ')[0])).toEqual(['wait', 'switch'])
      expect(run.ran[1]).toMatch(/^switch id=job-1 key=set/)
      expect(existsSync(join(state, 'retrain-job-id'))).toBe(false)

      // Nothing left unfinished: "resume" does nothing.
      run = runCron(script, {}, root, ['churn', 'resume'])
      expect([run.status, run.ran]).toEqual([0, []])

      // A failed switch keeps the id for the next run.
      run = runCron(script, { wait: 0, switch: 1 }, root)
      expect(run.status).toBe(1)
      expect(existsSync(join(state, 'retrain-job-id'))).toBe(true)
      run = runCron(script, { wait: 0, switch: 0 }, root, ['churn', 'resume'])
      expect(run.status).toBe(0)
      expect(existsSync(join(state, 'retrain-job-id'))).toBe(false)

      // Exit code 1: the job failed; the id is set aside, the message reported, the next run uploads.
      run = runCron(script, { wait: 1 }, root)
      expect(run.status).toBe(1)
      expect(run.stdout).toMatch(/bad data/)
      expect(existsSync(join(state, 'failed-job-1'))).toBe(true)
      expect(existsSync(join(state, 'retrain-job-id'))).toBe(false)

      // A run that finds the lock of its model taken (here by flock(1) around it) leaves at once.
      run = runCron(script, { wait: 0, switch: 0 }, root, ['churn'], join(state, 'lock'))
      expect([run.status, run.ran]).toEqual([0, []])
      expect(run.stdout).toMatch(/skipped/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }
)

// Until the tool is merged, flagsOf reads the flags from the action.yml contract; once its bundle
// exists, from its --help, and this checks the bundle answers as the recipes expect.
const cliTest = cliBundle() ? test : test.skip
cliTest('the CLI bundle (dist/cli/index.js) answers --version, and each command offers --dotenv and --json', () => {
  const version = spawnSync(process.execPath, [cliBundle() as string, '--version'], { encoding: 'utf8' })
  expect(version.status).toBe(0)
  for (const command of COMMANDS) {
    expect([command, FLAGS[command].has('--dotenv'), FLAGS[command].has('--json')]).toEqual([command, true, true])
  }
})
