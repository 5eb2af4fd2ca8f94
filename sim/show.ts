// A run shown in a terminal as the Actions UI shows it, for the demo and local runs.
import type { ActionRun } from './runner.js'

/**
 * Workflow commands shown the way the Actions UI shows them; masks and resume tokens hidden, debug
 * lines too unless step debug is on (RUNNER_DEBUG=1).
 */
export function logLine(line: string, debug = false): string | undefined {
  if (/^::(add-mask|stop-commands)::|^::[0-9a-f-]{36}::$/.test(line)) return undefined
  const debugLine = /^::debug::(.*)$/.exec(line)
  if (debugLine) return debug ? `Debug: ${unescape(debugLine[1])}` : undefined
  const annotation = /^::(warning|error|notice)[^:]*::(.*)$/.exec(line)
  if (!annotation) return line
  return `${annotation[1][0].toUpperCase()}${annotation[1].slice(1)}: ${unescape(annotation[2])}`
}

/** A command's message as the runner reads it. */
function unescape(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** The job summary's HTML as plain text: headings, then one `item: value` line a table row. */
export function summaryText(html: string): string[] {
  const decode = (text: string): string =>
    text
      .replace(/<br>/g, ' / ')
      .replace(/<[^>]+>/g, '')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
  const lines: string[] = []
  for (const [, tag, body] of html.matchAll(/<(h\d|tr|p)>([\s\S]*?)<\/\1>/g)) {
    if (tag === 'tr') {
      const cells = [...body.matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((m) => decode(m[1]))
      lines.push(`    ${cells.join(' | ')}`)
    } else lines.push(`  ${decode(body)}`)
  }
  return lines
}

/** What a person sees of a run in the Actions UI: the log (debug lines with `debug`), the outputs, the job summary. */
export function showRun(step: string, run: ActionRun, debug = false): void {
  console.log(`\n=== ${step}: ${run.code === 0 ? 'succeeded' : 'failed'} in ${(run.durationMs / 1000).toFixed(1)} s`)
  console.log('  log:')
  for (const line of run.stdout.split('\n')) {
    const shown = line === '' ? undefined : logLine(line, debug)
    if (shown !== undefined) console.log(`  | ${shown}`)
  }
  console.log(`  outputs: ${JSON.stringify(run.outputs)}`)
  console.log('  job summary:')
  for (const line of summaryText(run.summary)) console.log(line)
}
