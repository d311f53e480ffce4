/* Static checks of the deployment files (docker-compose.yml, Dockerfiles, Kubernetes manifests): they read files and run offline tools (kubectl kustomize, node), never a server or a broker. */
export default {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
