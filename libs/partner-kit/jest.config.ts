/* Unit tests only: *.spec.ts, no I/O. Integration tests (*.integration-test.ts) run from jest.integration.config.ts. */
export default {
  displayName: 'partner-kit',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
