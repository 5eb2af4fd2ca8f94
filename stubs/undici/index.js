// See package.json: @actions/http-client's getAgentDispatcher is the only user, and nothing here calls it.
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with these actions: getAgentDispatcher is not supported')
  }
}
