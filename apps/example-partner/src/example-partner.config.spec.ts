import { ConfigError, loadExamplePartnerConfig } from './example-partner.config';

const minimal = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  KAFKA_SASL_USERNAME: 'partner-xmpl',
  KAFKA_SASL_PASSWORD: 'a-secret-password',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kirim_example_partner',
  PARTNER_KEYS_DIR: '/keys/XMPL',
  KIRIM_PLATFORM_JWKS: '/keys/platform-jwks.json',
  PARTNER_ADMIN_TOKEN: 'a-long-admin-token',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadExamplePartnerConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('loadExamplePartnerConfig', () => {
  it('reads a minimal environment with defaults: bank XMPL, port 3010, 5 min freshness', () => {
    const config = loadExamplePartnerConfig(minimal);
    expect(config).toMatchObject({
      bankCode: 'XMPL',
      topicPrefix: '',
      httpPort: 3010,
      signingKeyFile: '/keys/XMPL/signing-key.pem',
      encryptionKeyFile: '/keys/XMPL/encryption-key.pem',
      jwksFile: '/keys/XMPL/jwks.json',
      pinVerificationKeysFile: '/keys/XMPL/pin-verification.keys',
      platformJwks: { file: '/keys/platform-jwks.json' },
      freshness: { maxAgeMs: 300_000, maxFutureSkewMs: 30_000 },
      kafka: { brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'scram-sha-512', username: 'partner-xmpl', password: 'a-secret-password' } },
    });
  });

  it('takes an https JWKS URL and explicit key files', () => {
    const config = loadExamplePartnerConfig({ ...minimal, PARTNER_KEYS_DIR: undefined, PARTNER_SIGNING_KEY_FILE: '/s.pem', PARTNER_ENCRYPTION_KEY_FILE: '/e.pem', PARTNER_JWKS_FILE: '/j.json', PARTNER_PIN_VERIFICATION_KEYS_FILE: '/p.keys', KIRIM_PLATFORM_JWKS: 'https://kirim.example/jwks.json' });
    expect(config).toMatchObject({ signingKeyFile: '/s.pem', pinVerificationKeysFile: '/p.keys', platformJwks: { url: 'https://kirim.example/jwks.json' } });
  });

  it('names every missing variable at once', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS is required/),
      expect.stringMatching(/^DATABASE_URL is required/),
      expect.stringMatching(/^PARTNER_SIGNING_KEY_FILE is required/),
      expect.stringMatching(/^PARTNER_ENCRYPTION_KEY_FILE is required/),
      expect.stringMatching(/^PARTNER_JWKS_FILE is required/),
      expect.stringMatching(/^PARTNER_PIN_VERIFICATION_KEYS_FILE is required/),
      expect.stringMatching(/^KIRIM_PLATFORM_JWKS is required/),
      expect.stringMatching(/^PARTNER_ADMIN_TOKEN is required/),
    ]);
  });

  it.each([
    ['PARTNER_BANK_CODE', 'xmpl'],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_SASL_MECHANISM', 'plain'],
    ['KAFKA_TOPIC_PREFIX', 'Upper'],
    ['DATABASE_URL', 'mysql://x'],
    ['KIRIM_PLATFORM_JWKS', 'http://kirim.example/jwks.json'],
    ['HTTP_PORT', '70000'],
    ['PARTNER_ADMIN_TOKEN', 'short'],
    ['MESSAGE_MAX_AGE_MS', '5'],
    ['LOG_LEVEL', 'loud'],
    ['KAFKA_TLS', 'yes'],
  ])('names %s when it is %j', (name, value) => {
    expect(problemsOf({ ...minimal, [name]: value }).join('\n')).toMatch(new RegExp(`^${name}`, 'm'));
  });

  it('wants the SASL user and password together, and never echoes the password', () => {
    const problems = problemsOf({ ...minimal, KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: 'pw-secret-123' });
    expect(problems.join('\n')).toMatch(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together/);
    expect(problems.join('\n')).not.toContain('pw-secret-123');
  });
});
