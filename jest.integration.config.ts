/*
 * Integration tier: *.integration-test.ts across the workspace, against the real PostgreSQL
 * (each file creates its own database) and the real Kafka broker (each file uses its own topic
 * prefix). Started by scripts/test-all.sh after the broker and database are up.
 */
export default {
  displayName: 'integration',
  preset: './jest.preset.js',
  rootDir: '.',
  // deploy/: the database roles script (deploy/postgres) against the real server.
  testMatch: ['<rootDir>/apps/*/src/**/*.integration-test.ts', '<rootDir>/libs/*/src/**/*.integration-test.ts', '<rootDir>/deploy/**/*.integration-test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  maxWorkers: 2,
};
