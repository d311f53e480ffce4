// One lint config for the workspace: module boundaries by scope/type tags, and the async and
// exhaustiveness rules that catch money-losing mistakes (floating promises, unhandled states).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '.local/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contract', 'type:platform'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contract', 'type:platform'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contract', 'type:platform', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
            // The partner kit is published for banks: it may use the wire contract and nothing else of ours.
            { sourceTag: 'type:kit', onlyDependOnLibsWithTags: ['type:contract'] },
            // A partner bank (the example) is built on the kit and the contract only, never on kirim's platform.
            { sourceTag: 'type:partner-app', onlyDependOnLibsWithTags: ['type:contract', 'type:kit'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:shared', 'scope:identity'] },
            { sourceTag: 'scope:payments', onlyDependOnLibsWithTags: ['scope:shared', 'scope:payments'] },
            { sourceTag: 'scope:bank-connector', onlyDependOnLibsWithTags: ['scope:shared', 'scope:bank-connector'] },
            { sourceTag: 'scope:notifications', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notifications'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:sms-simulator', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:chat-simulator', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:partner', onlyDependOnLibsWithTags: ['scope:shared', 'scope:partner'] },
          ],
        },
      ],
      // Explicit annotations on defaulted config fields are needed: decorator metadata reads them.
      '@typescript-eslint/no-inferrable-types': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          // pino gives a child logger's bindings none of the root's formatters, so they would skip
          // the censoring of secrets and personal data (libs/platform logging/redaction.ts).
          selector: "CallExpression[callee.property.name='child'][arguments.length>0]",
          message: 'Log fields on the line, not as child logger bindings: bindings are not censored (libs/platform/src/logging/redaction.ts).',
        },
      ],
    },
  },
  {
    // Tests may use the shared test helpers (libs/testing); production code may not.
    files: ['**/*.spec.ts', '**/*.integration-test.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', 'type:testing'] },
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:contract', 'type:platform', 'type:testing'] },
          ],
        },
      ],
    },
  },
  {
    // Command-line tools and tests talk to the terminal.
    files: ['tools/**/*.ts', 'deploy/**/*.ts', '**/*.spec.ts', '**/*.integration-test.ts', 'apps/e2e/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The load tools (bench, chaos) are outside clients of the running stack built on the e2e
    // tier's HTTP client (apps/e2e/src/support), which they import by path: they are test tools,
    // never imported by a service, so the project boundary rule does not apply to them.
    files: ['tools/bench/**/*.ts', 'tools/chaos/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // contracts is framework-free: no Nest, no TypeORM, no Kafka client.
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg'] }],
    },
  },
];
