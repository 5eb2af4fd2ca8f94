// What a CI system sends to stop a step, for every front door that listens for it.

/**
 * Linux and macOS: SIGINT, then SIGTERM. Windows: Ctrl+C, then Ctrl+Break, which Node surfaces as
 * SIGINT and SIGBREAK (SIGTERM never arrives there).
 */
export function cancelSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM']
}
