import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@kirim/platform';
import { IdentityConfig } from '../identity.config';
import { normalizePem, parseSigningPrivateKey } from './signing-key';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('parseSigningPrivateKey', () => {
  it('accepts a PKCS#8 EC P-256 key, multi-line or with escaped newlines', () => {
    const pem = p256();
    expect(parseSigningPrivateKey(pem).ok).toBe(true);
    expect(parseSigningPrivateKey(pem.replace(/\n/g, '\\n')).ok).toBe(true);
    expect(normalizePem('a\\nb')).toBe('a\nb');
  });

  it.each([
    ['another curve', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'must be an EC P-256 key (ES256)'],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'must be an EC P-256 key (ES256)'],
    ['a SEC1 PEM', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'must be a PKCS#8 PEM'],
    ['garbage in a PEM frame', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', 'is not a parseable PKCS#8 PEM private key'],
  ])('refuses %s', (_label, pem, reason) => {
    const parsed = parseSigningPrivateKey(pem);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});

describe('IdentityConfig', () => {
  const baseEnv = {
    HTTP_PORT: '3001',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kirim_identity',
    KAFKA_BROKERS: '127.0.0.1:9092',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
    IDENTITY_SIGNING_KEY_ID: 'local-1',
    BANK_CONNECTOR_URL: 'http://127.0.0.1:3003',
    SMS_VIRTUAL_NUMBER: '+919000000000',
    SMS_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  };

  const configError = (env: Record<string, string>): string => {
    try {
      loadConfig(IdentityConfig, env);
    } catch (error: unknown) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('loads with defaults: 5-minute access tokens, 30-day refresh tokens, 10-minute bindings, sandbox login off', () => {
    const config = loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256() });
    expect(config.ACCESS_TOKEN_TTL_SECONDS).toBe(300);
    expect(config.REFRESH_TOKEN_TTL_SECONDS).toBe(2_592_000);
    expect(config.DEVICE_BINDING_TTL_SECONDS).toBe(600);
    expect(config.IDENTITY_SANDBOX_LOGIN).toBe(false);
  });

  it('refuses to start in production with sandbox login on, naming the variable', () => {
    const message = configError({ ...baseEnv, IDENTITY_SIGNING_KEY: p256(), NODE_ENV: 'production', IDENTITY_SANDBOX_LOGIN: 'true', IDENTITY_HTTP_ALLOWED: 'true' });
    expect(message).toContain('IDENTITY_SANDBOX_LOGIN must not be true when NODE_ENV=production');
    // Off in production, and on outside it, are both fine.
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), NODE_ENV: 'production', IDENTITY_HTTP_ALLOWED: 'true' }).IDENTITY_SANDBOX_LOGIN).toBe(false);
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), NODE_ENV: 'development', IDENTITY_SANDBOX_LOGIN: 'true' }).IDENTITY_SANDBOX_LOGIN).toBe(true);
  });

  it('refuses an http JWKS URL in production unless the local-network setting says so', () => {
    expect(configError({ ...baseEnv, IDENTITY_SIGNING_KEY: p256(), NODE_ENV: 'production' })).toContain('IDENTITY_JWKS_URL must be an https:// URL in production');
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), NODE_ENV: 'production', IDENTITY_JWKS_URL: 'https://identity.example/.well-known/jwks.json' }).NODE_ENV).toBe('production');
  });

  it('requires the SMS webhook secret in Standard Webhooks form and an E.164 virtual number, never echoing the secret', () => {
    const message = configError({ ...baseEnv, IDENTITY_SIGNING_KEY: p256(), SMS_WEBHOOK_SECRET: 'hunter2-not-a-secret', SMS_VIRTUAL_NUMBER: '9000' });
    expect(message).toContain('SMS_WEBHOOK_SECRET must be a Standard Webhooks secret');
    expect(message).toContain('SMS_VIRTUAL_NUMBER must be an E.164 phone number');
    expect(message).not.toContain('hunter2');
  });

  it('accepts a second published key for a rotation, with a kid of its own', () => {
    const next = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), IDENTITY_PUBLISHED_KEY: next, IDENTITY_PUBLISHED_KEY_ID: 'local-2' }).IDENTITY_PUBLISHED_KEY_ID).toBe('local-2');
    expect(configError({ ...baseEnv, IDENTITY_SIGNING_KEY: p256(), IDENTITY_PUBLISHED_KEY: next, IDENTITY_PUBLISHED_KEY_ID: 'local-1' })).toContain('IDENTITY_PUBLISHED_KEY_ID must differ from IDENTITY_SIGNING_KEY_ID');
    expect(configError({ ...baseEnv, IDENTITY_SIGNING_KEY: p256(), IDENTITY_PUBLISHED_KEY: next })).toContain('IDENTITY_PUBLISHED_KEY_ID is required when IDENTITY_PUBLISHED_KEY is set');
  });

  it('reads IDENTITY_SANDBOX_LOGIN=false as false and true as true', () => {
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), IDENTITY_SANDBOX_LOGIN: 'false' }).IDENTITY_SANDBOX_LOGIN).toBe(false);
    expect(loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256(), IDENTITY_SANDBOX_LOGIN: 'true' }).IDENTITY_SANDBOX_LOGIN).toBe(true);
  });

  it('stops boot on a bad signing key, naming the variable but never printing the key', () => {
    const wrongCurve = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    let caught: unknown;
    try {
      loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: wrongCurve });
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('IDENTITY_SIGNING_KEY must be an EC P-256 key (ES256)');
    expect(message).not.toContain(wrongCurve.split('\n')[1]);
  });

  it('requires the signing key', () => {
    expect(() => loadConfig(IdentityConfig, baseEnv)).toThrow('IDENTITY_SIGNING_KEY is required');
  });
});
