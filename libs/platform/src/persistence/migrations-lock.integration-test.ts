/**
 * Migrations under the migrations lock, against the real PostgreSQL: runs that overlap take turns and
 * apply each migration once; a failed migration names itself and leaves the lock free; a service
 * that does not migrate at boot applies nothing and refuses to start on a pending schema.
 */
import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { BaseServiceConfig } from '../config/base-service.config';
import { loadConfig } from '../config/load-config';
import { MIGRATIONS_LOCK_KEY, MigrationFailedError, PendingMigrationsError, runMigrationsLocked } from './migrations-lock';
import { openServiceDataSource, ServiceDataSourceInput, typeOrmModuleOptions, typeOrmOptions } from './service-data-source';

// Not idempotent on purpose: a second run of any of them fails or leaves a second row behind.
class CreateRuns1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE migration_runs (name text NOT NULL)');
    await queryRunner.query("INSERT INTO migration_runs VALUES ('CreateRuns1700000000001')");
  }
  async down(): Promise<void> {
    // Never reverted here.
  }
}

class AddThings1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE things (id int PRIMARY KEY)');
    await queryRunner.query("INSERT INTO migration_runs VALUES ('AddThings1700000000002')");
  }
  async down(): Promise<void> {
    // Never reverted here.
  }
}

class FillThings1700000000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('INSERT INTO things VALUES (1), (2)');
    await queryRunner.query("INSERT INTO migration_runs VALUES ('FillThings1700000000003')");
  }
  async down(): Promise<void> {
    // Never reverted here.
  }
}

class Broken1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('INSERT INTO no_such_table VALUES (1)');
  }
  async down(): Promise<void> {
    // Never reverted here.
  }
}

const MIGRATIONS = [CreateRuns1700000000001, AddThings1700000000002, FillThings1700000000003];
const NAMES = MIGRATIONS.map((migration) => migration.name);

/**
 * A fresh database on the test server. libs/testing has this, but it is built on this library, so
 * the library's own tests make theirs by hand.
 */
async function createFreshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `kirim_it_migrations_lock_${randomBytes(4).toString('hex')}`;
  const onServer = async (sql: string): Promise<void> => {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Polls until `assertion` holds, for effects in other sessions; rethrows its last failure at the deadline. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const SERVICE_ENV = { HTTP_PORT: '3999', KAFKA_BROKERS: '127.0.0.1:9092', IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json' };

describe('migrations under the migrations lock', () => {
  let database: { url: string; drop: () => Promise<void> };
  let client: Client;
  const opened: DataSource[] = [];

  const input = (migrations: ServiceDataSourceInput['migrations'] = MIGRATIONS): ServiceDataSourceInput => ({
    url: database.url,
    entities: [],
    migrations,
    applicationName: 'kirim-migrations-lock-it',
  });

  async function connected(migrations?: ServiceDataSourceInput['migrations']): Promise<DataSource> {
    const dataSource = new DataSource({ ...typeOrmOptions(input(migrations)), migrationsRun: false, extra: { max: 2 } });
    opened.push(dataSource);
    return dataSource.initialize();
  }

  async function recorded(): Promise<{ migrations: string[]; runs: string[] }> {
    const migrations = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY name');
    const runs = await client.query<{ name: string }>('SELECT name FROM migration_runs ORDER BY name');
    return { migrations: migrations.rows.map((row) => row.name), runs: runs.rows.map((row) => row.name) };
  }

  async function tableExists(name: string): Promise<boolean> {
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
    return rows[0]?.found !== null;
  }

  async function waitersOnTheLock(): Promise<number> {
    // pg_advisory_lock(bigint) shows its key split in two int4 halves.
    const { rows } = await client.query<{ waiting: string }>(
      `SELECT count(*) AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [MIGRATIONS_LOCK_KEY],
    );
    return Number(rows[0]?.waiting ?? 0);
  }

  beforeEach(async () => {
    database = await createFreshDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });

  afterEach(async () => {
    await Promise.all(
      opened
        .splice(0)
        .filter((dataSource) => dataSource.isInitialized)
        .map((dataSource) => dataSource.destroy()),
    );
    await client.end();
    await database.drop();
  });

  it('lets two overlapping runs take turns: both succeed, and each migration is applied exactly once', async () => {
    const [first, second] = await Promise.all([connected(), connected()]);
    // Hold the lock while both runs start, so they surely overlap: both wait on it.
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATIONS_LOCK_KEY]);
    const runs = Promise.allSettled([runMigrationsLocked(first), runMigrationsLocked(second)]);
    await eventually(async () => expect(await waitersOnTheLock()).toBe(2));
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATIONS_LOCK_KEY]);

    const [a, b] = await runs;
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('fulfilled');
    const applied = [a, b].map((run) => (run.status === 'fulfilled' ? run.value : []));
    // Whoever got the lock first applied everything; the other found nothing left.
    expect(applied.toSorted((x, y) => x.length - y.length)).toEqual([[], NAMES]);
    expect(await recorded()).toEqual({ migrations: [...NAMES].sort(), runs: [...NAMES].sort() });
  });

  it('names a failed migration, keeps the ones before it, and frees the lock', async () => {
    const dataSource = await connected([CreateRuns1700000000001, Broken1700000000002]);

    const failure = await runMigrationsLocked(dataSource).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({ migration: 'Broken1700000000002', applied: ['CreateRuns1700000000001'] });
    expect((failure as Error).message).toContain('relation "no_such_table" does not exist');
    expect(await recorded()).toEqual({ migrations: ['CreateRuns1700000000001'], runs: ['CreateRuns1700000000001'] });
    const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [MIGRATIONS_LOCK_KEY]);
    expect(rows[0]?.taken).toBe(true);
  });

  it('migrates at boot by default, under the lock: two services booting together each apply every migration once', async () => {
    const config = loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_URL: database.url });
    const boot = async (): Promise<DataSource> => {
      const moduleRef = await Test.createTestingModule({
        imports: [TypeOrmModule.forRootAsync({ useFactory: () => typeOrmModuleOptions(input(), config), dataSourceFactory: openServiceDataSource })],
      }).compile();
      const dataSource = moduleRef.get(DataSource);
      opened.push(dataSource);
      return dataSource;
    };

    const [first, second] = await Promise.all([boot(), boot()]);

    expect(first.isInitialized && second.isInitialized).toBe(true);
    expect(await recorded()).toEqual({ migrations: [...NAMES].sort(), runs: [...NAMES].sort() });
  });

  it('with DATABASE_MIGRATIONS_AT_BOOT=false applies nothing at boot and refuses a pending schema, then starts once migrated', async () => {
    const config = loadConfig(BaseServiceConfig, { ...SERVICE_ENV, DATABASE_URL: database.url, DATABASE_MIGRATIONS_AT_BOOT: 'false' });

    const refused = await openServiceDataSource(typeOrmOptions(input(), config)).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(PendingMigrationsError);
    expect(refused).toMatchObject({ pending: NAMES });
    // Not a table made, not even TypeORM's migrations table.
    expect(await tableExists('migrations')).toBe(false);
    expect(await tableExists('migration_runs')).toBe(false);

    await runMigrationsLocked(await connected());
    const started = await openServiceDataSource(typeOrmOptions(input(), config));
    opened.push(started);
    expect(started.isInitialized).toBe(true);
    expect(await recorded()).toEqual({ migrations: [...NAMES].sort(), runs: [...NAMES].sort() });
  });
});
