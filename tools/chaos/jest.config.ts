/* Unit tests only: *.spec.ts, no I/O (the chaos needs the running stack; the e2e suite runs it). */
export default {
  displayName: 'chaos',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
