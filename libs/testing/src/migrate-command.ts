import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { MigrateCommand, migrateService } from '@kirim/platform';
import { testDataEncryptionEnv } from './data-encryption';
import { createTestDatabase, TestDatabase } from './test-database';

/** The repository root, from this file (libs/testing/src). */
const REPO_ROOT = resolve(__dirname, '../../..');

/** A database made fresh for each test of a describe block, and a client connected to it. */
export interface FreshDatabase {
  readonly url: string;
  readonly client: Client;
}

/**
 * Registers, in the enclosing describe block, a fresh empty database before each test (dropped after
 * it): a migrate command's tests each start from nothing. Read `url` and `client` inside a test only.
 */
export function freshDatabasePerTest(prefix: string): FreshDatabase {
  let current: { database: TestDatabase; client: Client } | undefined;
  const opened = (): { database: TestDatabase; client: Client } => {
    if (!current) throw new Error('freshDatabasePerTest: the database exists only while a test runs');
    return current;
  };

  beforeEach(async () => {
    const database = await createTestDatabase(prefix);
    const client = new Client({ connectionString: database.url });
    try {
      await client.connect();
    } catch (error) {
      await database.drop();
      throw error;
    }
    current = { database, client };
  });

  afterEach(async () => {
    if (!current) return;
    const { database, client } = current;
    current = undefined;
    await client.end();
    await database.drop();
  });

  return {
    get url() {
      return opened().database.url;
    },
    get client() {
      return opened().client;
    },
  };
}

/** The names TypeORM recorded as applied, sorted; none when the migrations table is not there yet. */
export async function recordedMigrations(client: Client): Promise<string[]> {
  const { rows: table } = await client.query<{ found: string | null }>("SELECT to_regclass('migrations')::text AS found");
  if (table[0]?.found === null) return [];
  const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
  return rows.map((row) => row.name).toSorted();
}

export interface MigrateProcessRun {
  readonly code: number | null;
  /** stdout, one parsed JSON object per line. */
  readonly lines: Record<string, unknown>[];
}

/**
 * A migrate command as its Job runs it: a process of its own (`scriptPath` from the repository root,
 * compiled on the fly), with `env` over this process's environment; its exit code and its stdout.
 */
export function runMigrateProcess(scriptPath: string, env: Record<string, string>): Promise<MigrateProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'tools/ts-register.cjs'), scriptPath], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        // Every line is JSON, or this throws.
        lines: stdout
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    );
  });
}

/**
 * `<service> migrate command`, against the real PostgreSQL, a fresh database for each test: two runs
 * started together both succeed and apply each of its `migrations` exactly once (the migrations
 * lock). A command that needs data keys gets fresh ones. `moreTests` adds the service's own tests
 * in the same block, on the same fresh database.
 */
export function describeMigrateCommand(command: MigrateCommand, { migrations }: { migrations: number }, moreTests?: (database: FreshDatabase) => void): void {
  describe(`${command.service} migrate command`, () => {
    const database = freshDatabasePerTest(`${command.service}_migrate`);

    it('applies each migration once when two runs start together', async () => {
      const env = { DATABASE_URL: database.url, ...(command.needsDataKeys ? testDataEncryptionEnv() : {}) };
      const logged: string[] = [];

      const runs = await Promise.all([1, 2].map(() => migrateService(command, { env, onApplied: (migration) => logged.push(migration) })));

      // Whoever took the lock first applied them all; the other found nothing left.
      expect(runs.map((applied) => applied.length).toSorted()).toEqual([0, migrations]);
      expect(logged.toSorted()).toEqual(await recordedMigrations(database.client));
      expect(await recordedMigrations(database.client)).toHaveLength(migrations);
    });

    moreTests?.(database);
  });
}
