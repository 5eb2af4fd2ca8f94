import { EXTRACT_HELPER, extractHelper } from './extract.js'
import { run } from './main.js'

// The same bundle runs the unpack in a child process that a cancel can kill (see extract.ts).
if (process.argv[2] === EXTRACT_HELPER) await extractHelper(process.argv[3], process.argv[4])
else await run()
