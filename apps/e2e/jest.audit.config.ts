/*
 * The audit of what the topics hold, run by scripts/test-all.sh after the e2e tests and the
 * benchmark, so that it reads every record they caused (npx jest -c apps/e2e/jest.audit.config.ts).
 */
import base from './jest.config';

export default { ...base, displayName: 'e2e-audit', testMatch: ['<rootDir>/src/**/*.audit-test.ts'] };
