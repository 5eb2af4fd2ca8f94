import { run } from '../upload.js'

await run()
