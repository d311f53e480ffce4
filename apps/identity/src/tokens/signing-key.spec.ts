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
  };

  it('loads with defaults: 15-minute tokens, sandbox login off', () => {
    const config = loadConfig(IdentityConfig, { ...baseEnv, IDENTITY_SIGNING_KEY: p256() });
    expect(config.ACCESS_TOKEN_TTL_SECONDS).toBe(900);
    expect(config.IDENTITY_SANDBOX_LOGIN).toBe(false);
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
