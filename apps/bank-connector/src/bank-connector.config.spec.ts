import { ConfigError, DataEncryptionConfig, loadConfig } from '@kirim/platform';
import { testDataEncryptionEnv } from '@kirim/testing';
import { BankConnectorConfig } from './bank-connector.config';

const ENV = {
  HTTP_PORT: '3003',
  DATABASE_URL: 'postgres://kirim_bank_connector:pw@127.0.0.1:5432/kirim_bank_connector',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
};

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe("bank-connector's configuration", () => {
  it('refuses a guessable sandbox admin token, naming the variable and not the value', () => {
    const message = problemsOf(() => loadConfig(BankConnectorConfig, { ...ENV, SANDBOX_ADMIN_TOKEN: 'local-admin' }));
    expect(message).toContain('SANDBOX_ADMIN_TOKEN must be at least 16 characters');
    expect(message).not.toContain('local-admin');
    expect(loadConfig(BankConnectorConfig, { ...ENV, SANDBOX_ADMIN_TOKEN: 'a'.repeat(48) }).SANDBOX_ADMIN_TOKEN).toHaveLength(48);
  });

  it('does not start without its data encryption keys (main.ts loads them before anything else)', () => {
    expect(problemsOf(() => loadConfig(DataEncryptionConfig, ENV))).toMatch(/DATA_ENCRYPTION_KEYS is required.*DATA_ENCRYPTION_ACTIVE_KEY_ID is required.*DATA_LOOKUP_KEY is required/);
    expect(() => loadConfig(DataEncryptionConfig, { ...ENV, ...testDataEncryptionEnv() })).not.toThrow();
  });
});
