/* Static checks of the deployment files (docker-compose.yml, Dockerfiles): no I/O besides reading files. */
export default {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
