// The tool's version, from its npm manifest, put into the bundle when it is built: nothing is read at run time.
import manifest from '../../cli/package.json' with { type: 'json' }

export const VERSION: string = manifest.version
