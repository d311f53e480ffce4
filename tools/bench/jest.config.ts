/* Unit tests only: *.spec.ts, no I/O (the bench needs the running stack; the e2e suite runs it). */
export default {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
