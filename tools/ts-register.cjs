// Run TypeScript scripts in this workspace without a build step:
//   node -r ./tools/ts-register.cjs deploy/local/provision-kafka.ts
// ts-node transpiles only (types are checked by the typecheck targets); tsconfig-paths resolves the
// `@kirim/*` aliases from tsconfig.base.json.
// reflect-metadata: the contracts' class-validator/class-transformer decorators need it loaded first.
require('reflect-metadata');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const project = path.join(root, 'tsconfig.base.json');

require('ts-node').register({
  transpileOnly: true,
  project,
  compilerOptions: { module: 'commonjs' },
});

const { compilerOptions } = require(project);
require('tsconfig-paths').register({
  baseUrl: path.resolve(root, compilerOptions.baseUrl || '.'),
  paths: compilerOptions.paths || {},
});
