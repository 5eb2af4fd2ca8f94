import { run } from '../switch.js'

await run()
