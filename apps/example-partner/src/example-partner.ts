import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, PoolClient } from 'pg';
import { jsonLinesLogger, PartnerBankPort, PartnerBankRunner, PartnerLogger, readBankKeyFiles, readPinVerificationKeys, startPartnerBank, UpiPinCheck } from '@kirim/partner-kit';
import { AccountsRepository } from './accounts/accounts.repository';
import type { ExamplePartnerConfig } from './example-partner.config';
import { createHttpServer } from './http/http-server';
import { createPool, databaseAnswers } from './ledger/database';
import { migrate } from './ledger/migrations';
import { PgPartnerLedger } from './ledger/pg-partner-ledger';
import { PgSeenRecordStore } from './ledger/pg-seen-records';
import { PgUpiPinStore } from './upi-pin/pg-upi-pin-store';
import { UpiPins } from './upi-pin/upi-pins';

export const SERVICE_NAME = 'example-partner';

export interface ExamplePartnerOverrides {
  /** The ledger the kit is given; tests inject defects here. Default: PgPartnerLedger. */
  readonly ledger?: (pool: Pool, pins: UpiPinCheck<PoolClient>) => PartnerBankPort<PoolClient>;
  readonly logger?: PartnerLogger;
}

export interface RunningExamplePartner {
  readonly port: number;
  /** Stops in order: stop taking HTTP requests and Kafka records, finish what is in flight, close the database. */
  stop(): Promise<void>;
}

/**
 * Boots the example partner bank: migrates its database, serves /health and the admin API, and
 * answers kirim's requests through the partner kit. Readiness stays red until the consumer runs.
 */
export async function startExamplePartner(config: ExamplePartnerConfig, overrides: ExamplePartnerOverrides = {}): Promise<RunningExamplePartner> {
  const logger = overrides.logger ?? jsonLinesLogger({ name: SERVICE_NAME, level: config.logLevel });
  const keys = readBankKeyFiles({ signingKeyFile: config.signingKeyFile, encryptionKeyFile: config.encryptionKeyFile, jwksFile: config.jwksFile });
  // The secret key PIN hashes are made with: a file beside the other keys, never in the database.
  const pinVerificationKeys = readPinVerificationKeys(config.pinVerificationKeysFile);
  const pool = createPool(config.databaseUrl, config.databasePoolSize);
  // PIN blocks are encrypted for the bank's encryption key, the one kirim publishes as its PIN key.
  const pinStore = new PgUpiPinStore();
  const pinCheck = new UpiPinCheck<PoolClient>([keys.decryption], pinVerificationKeys, pinStore);
  pool.on('error', (error) => logger.error('idle database connection failed', { error: error.message }));
  let runner: PartnerBankRunner | undefined;
  let server: Server | undefined;
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) logger.info('database migrated', { applied: applied.join(',') });
    server = createHttpServer({
      accounts: new AccountsRepository(pool),
      upiPins: new UpiPins(pool, pinCheck, pinStore),
      adminToken: config.adminToken,
      logger,
      readiness: {
        async check() {
          const consumer = runner?.running ? 'running' : 'stopped';
          const database = (await databaseAnswers(pool)) ? 'up' : 'down';
          return { ready: consumer === 'running' && database === 'up', consumer, database };
        },
      },
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.httpPort, config.httpHost, () => resolve());
    });
    const port = (listening.address() as AddressInfo).port;
    logger.info('http listening', { host: config.httpHost, port });
    runner = await startPartnerBank({
      bankCode: config.bankCode,
      kafka: config.kafka,
      topicPrefix: config.topicPrefix,
      keys,
      platformJwks: config.platformJwks,
      bank: overrides.ledger ? overrides.ledger(pool, pinCheck) : new PgPartnerLedger(pool, pinCheck),
      seenRecords: new PgSeenRecordStore(pool),
      freshness: config.freshness,
      logger,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    });
    const started = runner;
    return {
      port,
      async stop() {
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeIdleConnections();
        });
        await started.stop();
        await pool.end();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await runner?.stop().catch(() => undefined);
    if (server?.listening) server.close();
    await pool.end().catch(() => undefined);
    throw error;
  }
}
