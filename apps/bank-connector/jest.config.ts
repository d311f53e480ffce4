/* Unit tests only: *.spec.ts, no I/O. Integration tests (*.integration-test.ts) run from jest.integration.config.ts. */
export default {
  displayName: 'bank-connector',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // class-validator/class-transformer decorators in the contracts need the Reflect metadata API.
  setupFiles: ['reflect-metadata'],
  // jose 6 (via @kirim/platform's JWT guard) ships ESM only; jest's CommonJS runtime needs it transpiled.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', isolatedModules: true, diagnostics: false }],
    '/node_modules/jose/.+\\.js$': ['babel-jest', { plugins: ['@babel/plugin-transform-modules-commonjs'] }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
