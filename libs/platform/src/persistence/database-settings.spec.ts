import { Client } from 'pg';
import { BaseServiceConfig } from '../config/base-service.config';
import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { MigrateCommandConfig } from './migrate-command';
import { ServiceDataSourceInput, typeOrmModuleOptions, typeOrmOptions } from './service-data-source';

const SERVICE_ENV = {
  HTTP_PORT: '3002',
  DATABASE_URL: 'postgres://kirim_payments:s3cret-pass@postgres:5432/kirim_payments',
  KAFKA_BROKERS: 'kafka-0:9092',
  IDENTITY_JWKS_URL: 'http://identity:3001/.well-known/jwks.json',
};

const INPUT: ServiceDataSourceInput = { url: SERVICE_ENV.DATABASE_URL, entities: [], migrations: [], applicationName: 'kirim-payments' };

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('DATABASE_MIGRATIONS_AT_BOOT', () => {
  it('is on when unset or empty, so the local stack and compose keep migrating at boot', () => {
    expect(loadConfig(BaseServiceConfig, SERVICE_ENV).DATABASE_MIGRATIONS_AT_BOOT).toBe(true);
    expect(loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_MIGRATIONS_AT_BOOT: '' }).DATABASE_MIGRATIONS_AT_BOOT).toBe(true);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['YES', true],
  ])('reads %s as %s', (value, expected) => {
    expect(loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_MIGRATIONS_AT_BOOT: value }).DATABASE_MIGRATIONS_AT_BOOT).toBe(expected);
  });

  it('stops the boot on anything else, naming the variable', () => {
    const error = configErrorOf(() => loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_MIGRATIONS_AT_BOOT: 'later' }));
    expect(error.problems).toEqual(['DATABASE_MIGRATIONS_AT_BOOT must be true or false']);
  });

  it('decides whether the data source migrates at boot', () => {
    const off = loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_MIGRATIONS_AT_BOOT: 'false' });
    const on = loadConfig(BaseServiceConfig, SERVICE_ENV);
    expect(typeOrmModuleOptions(INPUT, off).migrationsRun).toBe(false);
    expect(typeOrmOptions(INPUT, off).migrationsRun).toBe(false);
    expect(typeOrmModuleOptions(INPUT, on).migrationsRun).toBe(true);
    // Callers that pass no settings (tests, jobs) keep migrating.
    expect(typeOrmOptions(INPUT).migrationsRun).toBe(true);
  });
});

describe('the migrate command config', () => {
  it('needs DATABASE_URL only: none of the service settings', () => {
    expect(loadConfig(MigrateCommandConfig, { DATABASE_URL: SERVICE_ENV.DATABASE_URL })).toEqual({ DATABASE_URL: SERVICE_ENV.DATABASE_URL });
  });

  it('names a missing or malformed DATABASE_URL, never its value', () => {
    expect(configErrorOf(() => loadConfig(MigrateCommandConfig, {})).problems).toEqual(['DATABASE_URL is required']);
    const error = configErrorOf(() => loadConfig(MigrateCommandConfig, { DATABASE_URL: 'mysql://kirim:hunter2@db/kirim' }));
    expect(error.problems).toEqual(['DATABASE_URL must be a postgres:// or postgresql:// URL']);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('DATABASE_PREPARE_THRESHOLD', () => {
  it('is 5 when unset, and 0 turns preparing off', () => {
    expect(loadConfig(BaseServiceConfig, SERVICE_ENV).DATABASE_PREPARE_THRESHOLD).toBe(5);
    expect(loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_PREPARE_THRESHOLD: '0' }).DATABASE_PREPARE_THRESHOLD).toBe(0);
  });

  it.each(['-1', '1001', '2.5', 'often'])('stops the boot on %s, naming the variable', (value) => {
    const error = configErrorOf(() => loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_PREPARE_THRESHOLD: value }));
    expect(error.problems).toEqual(['DATABASE_PREPARE_THRESHOLD must be an integer from 0 (off) to 1000']);
  });

  it('gives the data source a pool client that prepares on that threshold', async () => {
    const config = loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_PREPARE_THRESHOLD: '1' });
    const extra = typeOrmOptions(INPUT, config).extra as { Client: new () => { query: (text: string, values: unknown[]) => Promise<unknown> } };
    const query = jest.spyOn(Client.prototype, 'query').mockImplementation((() => Promise.resolve({ rows: [] })) as never);
    try {
      await new extra.Client().query('SELECT $1::int', [1]);
      expect(query).toHaveBeenCalledWith({ name: 'kirim_s1', text: 'SELECT $1::int', values: [1] });
    } finally {
      query.mockRestore();
    }
  });
});
