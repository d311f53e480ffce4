/* Unit tests only: *.spec.ts, no I/O. */
export default {
  displayName: 'edge',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
