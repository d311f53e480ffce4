import { IsBoolean, IsString } from 'class-validator';
import { BaseServiceConfig, kafkaBrokers } from './base-service.config';
import { ConfigError } from './config-error';
import { EnvBoolean } from './env-validators';
import { loadConfig } from './load-config';

const VALID_ENV = {
  HTTP_PORT: '3000',
  DATABASE_URL: 'postgres://kirim:s3cret-pass@postgres:5432/payments',
  KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092',
  IDENTITY_JWKS_URL: 'http://identity:3000/.well-known/jwks.json',
  PATH: '/usr/bin',
  HOME: '/root',
};

class PaymentsConfig extends BaseServiceConfig {
  @IsString()
  PSP_HANDLE!: string;

  @EnvBoolean()
  @IsBoolean()
  RISK_CHECKS_ENABLED = true;
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('converts types, applies defaults and ignores unrelated variables', () => {
    const config = loadConfig(BaseServiceConfig, VALID_ENV);
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.NODE_ENV).toBe('development');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(kafkaBrokers(config)).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(config).not.toHaveProperty('PATH');
  });

  it('names every bad variable and why, never its value', () => {
    const error = configErrorOf(() =>
      loadConfig(BaseServiceConfig, {
        ...VALID_ENV,
        HTTP_PORT: '70000',
        DATABASE_URL: undefined,
        KAFKA_BROKERS: 'secret-broker-name',
        IDENTITY_JWKS_URL: 'ftp://topsecret.example',
        LOG_LEVEL: 'chatty-secret',
      }),
    );
    expect(error.message).toMatch(/^Invalid configuration: /);
    expect(error.message).toContain('HTTP_PORT must be an integer between 1 and 65535');
    expect(error.message).toContain('DATABASE_URL is required');
    expect(error.message).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
    expect(error.message).toContain('IDENTITY_JWKS_URL must be a http:// or https:// URL');
    expect(error.message).toContain('LOG_LEVEL must be one of');
    for (const value of ['70000', 'secret-broker-name', 'topsecret', 'chatty-secret']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('does not leak a malformed secret-bearing URL', () => {
    const error = configErrorOf(() => loadConfig(BaseServiceConfig, { ...VALID_ENV, DATABASE_URL: 'mysql://u:hunter2@db/x' }));
    expect(error.message).toBe('Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL');
  });

  it('treats empty variables as unset', () => {
    const error = configErrorOf(() => loadConfig(BaseServiceConfig, { ...VALID_ENV, HTTP_PORT: '' }));
    expect(error.problems).toEqual(['HTTP_PORT is required']);
  });

  it('listens on loopback unless told otherwise, and takes only an IP address', () => {
    expect(loadConfig(BaseServiceConfig, VALID_ENV).HTTP_HOST).toBe('127.0.0.1');
    expect(loadConfig(BaseServiceConfig, { ...VALID_ENV, HTTP_HOST: '0.0.0.0' }).HTTP_HOST).toBe('0.0.0.0');
    expect(() => loadConfig(BaseServiceConfig, { ...VALID_ENV, HTTP_HOST: 'everywhere' })).toThrow('HTTP_HOST must be an IP address');
  });

  it('lets services extend the base schema', () => {
    const config = loadConfig(PaymentsConfig, { ...VALID_ENV, PSP_HANDLE: 'kirim', RISK_CHECKS_ENABLED: 'false' });
    expect(config.PSP_HANDLE).toBe('kirim');
    expect(config.RISK_CHECKS_ENABLED).toBe(false);
    expect(config.HTTP_PORT).toBe(3000);
  });
});
