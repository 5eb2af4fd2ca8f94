import { run } from '../wait.js'

await run()
