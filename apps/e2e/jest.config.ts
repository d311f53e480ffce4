/*
 * End-to-end tests against the RUNNING local stack (scripts/stack.sh up): HTTP through the edge and
 * Kafka as an outside client. Not an Nx `test` target on purpose: they need the stack, so they are
 * run explicitly with `npx jest -c apps/e2e/jest.config.ts` (npm run test:e2e).
 */
export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.e2e-test.ts'],
  // Asynchronous effects across four services and Kafka: generous per-test time, one file at a time
  // so the files do not compete for the two cores or read each other's records.
  testTimeout: 60000,
  maxWorkers: 1,
  // class-transformer's @Type in the contracts needs the Reflect metadata API loaded first.
  setupFiles: ['reflect-metadata'],
};
