// Jest's ESM mode needs --experimental-vm-modules, which prints the same ExperimentalWarning in
// every worker. That one warning is dropped; every other warning is printed as usual.
const emitWarning = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message
  if (typeof text === 'string' && text.startsWith('VM Modules is an experimental feature')) return
  return emitWarning.call(process, warning, ...rest)
}
