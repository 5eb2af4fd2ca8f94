// Jest runs the TypeScript ESM sources natively (node --experimental-vm-modules, see scripts/test.mjs):
// the @actions packages are ESM-only, so CommonJS mode cannot load them. ts-jest only transpiles;
// `tsc --noEmit` type-checks before Jest runs.
export default {
  testEnvironment: 'node',
  // The bundles of the current src/, built once per run for the end-to-end tests.
  globalSetup: '<rootDir>/scripts/jest-bundles.mjs',
  roots: ['<rootDir>/__tests__'],
  // Helpers under __tests__/helpers are modules, not suites.
  testMatch: ['**/__tests__/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import each other as './x.js' (Node ESM); Jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  // Deadline and cancellation tests run real bundles for several seconds.
  testTimeout: 60_000,
  // End-to-end files start processes and servers and measure time: on 2 cores, more parallelism
  // than this starved the processes and made the deadline tests flaky.
  maxWorkers: 2,
  maxConcurrency: 4
}
