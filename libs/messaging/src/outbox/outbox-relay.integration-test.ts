/**
 * The relay's own transaction against the real PostgreSQL: a pass whose connection is lost while it
 * waits on the broker (the database restarted, the backend terminated) fails that pass, keeps its
 * rows, and leaves the process and the pool working. The broker is played by a producer stand-in:
 * what matters here is the database connection, which the messaging integration test cannot cut.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { CreateMessagingRecoveryTables1764700000000 } from '../persistence/messaging-recovery-tables.migration';
import { CreateMessagingTables1764288000000 } from '../persistence/messaging-tables.migration';
import { InboxMessageEntity } from '../persistence/inbox-message.entity';
import { OutboxMessageEntity } from '../persistence/outbox-message.entity';
import { OutboxRelay } from './outbox-relay';

describe('outbox relay passes (PostgreSQL)', () => {
  let migrated: MigratedTestDatabase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    migrated = await createMigratedTestDatabase('outbox_relay', {
      entities: [OutboxMessageEntity, InboxMessageEntity],
      migrations: [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000],
    });
  });
  afterAll(async () => migrated?.close());

  async function writeOutbox(): Promise<string> {
    const id = randomUUID();
    await migrated.dataSource.query(
      `INSERT INTO outbox_messages (id, topic, record_key, type, source, occurred_at, data) VALUES ($1, 'payments.events.v1', 'payment-1', 'kirim.payment.initiated.v1', '/kirim/payments', now(), '{}')`,
      [id],
    );
    return id;
  }

  /** A producer stand-in: records what it is sent, after running `during` (while the relay's transaction is open). */
  function producer(sent: string[], during: () => Promise<void> = async () => undefined): Producer {
    return {
      events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
      on: () => undefined,
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async ({ topicMessages }: { topicMessages: { messages: { headers: Record<string, unknown> }[] }[] }) => {
        await during();
        for (const { messages } of topicMessages) sent.push(...messages.map((message) => String(message.headers.ce_id)));
        return [];
      },
    } as unknown as Producer;
  }

  const options = { batchSize: 10, pollIntervalMs: 1000, lockName: `relay-it-${randomUUID()}`, topicPrefix: '' };

  it('fails a pass whose connection is lost during the send, keeps its rows, and publishes them on the next pass', async () => {
    const id = await writeOutbox();
    // The relay's backend sits idle in its transaction while it waits on the broker: end it there.
    const cut = async (): Promise<void> => {
      await migrated.dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
      );
      // Let the terminated connection's error arrive before the relay uses it again.
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    const first = new OutboxRelay(migrated.dataSource, () => producer([], cut), options);

    await expect(first.publishBatch()).rejects.toThrow();

    const [{ count }] = await migrated.dataSource.query('SELECT count(*)::int AS count FROM outbox_messages WHERE id = $1', [id]);
    expect(count).toBe(1);
    const sent: string[] = [];
    expect(await new OutboxRelay(migrated.dataSource, () => producer(sent), options).publishBatch()).toBe(1);
    expect(sent).toEqual([id]);
    expect(await migrated.dataSource.query('SELECT id FROM outbox_messages')).toEqual([]);
  });

  it('publishes, deletes and lets the lock go in its two round trips', async () => {
    const ids = [await writeOutbox(), await writeOutbox()];
    const sent: string[] = [];
    const relay = new OutboxRelay(migrated.dataSource, () => producer(sent), options);

    expect(await relay.publishBatch()).toBe(2);

    expect(sent).toEqual(ids);
    expect(await migrated.dataSource.query('SELECT id FROM outbox_messages')).toEqual([]);
    // The pass committed: another session takes the relay lock at once.
    const [{ locked }] = await migrated.dataSource.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [options.lockName]);
    expect(locked).toBe(true);
    await migrated.dataSource.query('SELECT pg_advisory_unlock(hashtext($1))', [options.lockName]);
  });
});
