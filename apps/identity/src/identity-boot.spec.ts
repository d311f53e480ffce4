import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../../..');

/*
 * The real entry point, in a process of its own, as an operator would start it: with sandbox login
 * on in production it must exit before listening or touching the database, and say why. (No
 * PostgreSQL or Kafka is needed: config is checked first; the URLs point nowhere on purpose.)
 */
describe('identity boot (process)', () => {
  it('exits 1 in production with IDENTITY_SANDBOX_LOGIN=true, naming the variable', () => {
    const signingKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const result = spawnSync(process.execPath, ['-r', './tools/ts-register.cjs', 'apps/identity/src/main.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        IDENTITY_SANDBOX_LOGIN: 'true',
        HTTP_PORT: '1',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        KAFKA_BROKERS: '127.0.0.1:1',
        IDENTITY_JWKS_URL: 'https://identity.invalid/.well-known/jwks.json',
        IDENTITY_SIGNING_KEY: signingKey,
        IDENTITY_SIGNING_KEY_ID: 'boot-test',
        BANK_CONNECTOR_URL: 'http://127.0.0.1:1',
        SMS_VIRTUAL_NUMBER: '+919000000000',
        SMS_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
      },
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('boot failed');
    expect(result.stderr).toContain('IDENTITY_SANDBOX_LOGIN must not be true when NODE_ENV=production');
    expect(result.stderr).not.toContain('BEGIN PRIVATE KEY');
  }, 90_000);
});
