/* Unit tests only: *.spec.ts, no I/O beyond a loopback server the spec starts itself. */
export default {
  displayName: 'chat-simulator',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
};
