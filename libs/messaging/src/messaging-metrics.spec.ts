import { Logger } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { catalogueMismatches, serviceMetrics } from '@kirim/platform';
import type { DeadLetter, DeadLetterCause } from './consumer/dead-letter.publisher';
import { countDeadLettersWritten, deadLettersWrittenCount, recordDeadLetters } from './consumer/dead-letter.store';
import './kafka-batch.transport';
import { EXACT_COUNT_LIMIT, outboxBacklogGauges, readOutboxBacklog } from './outbox/outbox-backlog';

beforeAll(() => Logger.overrideLogger(false));

describe("libs/messaging's metrics", () => {
  it('are the catalogue entries it owns, with their types and labels', () => {
    expect(catalogueMismatches(serviceMetrics, 'messaging')).toEqual([]);
  });
});

describe('kirim_dead_letters_total', () => {
  const TOPIC = 'kirim-test.bank.responses.v1';

  function letter(offset: string, cause: DeadLetterCause): DeadLetter {
    const message = { offset, key: Buffer.from('+919876543210'), value: null, headers: {}, timestamp: '0', attributes: 0 } as unknown as KafkaMessage;
    return { message, reason: 'x', attempts: 1, cause };
  }

  /** A transaction whose INSERT ... ON CONFLICT DO NOTHING returns the rows not already there (`alreadyStored` offsets are). */
  function managerStoring(alreadyStored: readonly string[]): EntityManager {
    return {
      query: async (_sql: string, parameters: unknown[]) => {
        const [group, topic, partition, ids, offsets] = parameters as [string, string, number, string[], string[]];
        return ids.flatMap((id, index) =>
          alreadyStored.includes(offsets[index])
            ? []
            : [
                {
                  id,
                  consumer_group: group,
                  topic,
                  partition,
                  kafka_offset: offsets[index],
                  record_key: null,
                  ce_id: null,
                  ce_type: null,
                  ce_source: null,
                  ce_subject: null,
                  reason: 'x',
                  attempts: 1,
                  replayable: false,
                  event: null,
                  status: 'open',
                  created_at: new Date(),
                  replayed_at: null,
                  replay_attempts: 0,
                  last_replay_error: null,
                  created_at_micros: '0',
                },
              ],
        );
      },
    } as unknown as EntityManager;
  }

  it('counts each dead letter written, by consumed topic and cause, and not one a redelivered chunk finds already stored', async () => {
    const [rejected, failed] = [await deadLettersWrittenCount(TOPIC, 'rejected'), await deadLettersWrittenCount(TOPIC, 'handler-failed')];
    const written = await recordDeadLetters(managerStoring(['12']), 'kirim-test.payments', TOPIC, 0, [letter('10', 'rejected'), letter('11', 'rejected'), letter('12', 'handler-failed')]);
    expect(written).toHaveLength(2);
    // Writing counts nothing: the batch processor counts what was written once its transaction commits.
    expect(await deadLettersWrittenCount(TOPIC, 'rejected')).toBe(rejected);
    countDeadLettersWritten(TOPIC, written);
    expect(await deadLettersWrittenCount(TOPIC, 'rejected')).toBe(rejected + 2);
    expect(await deadLettersWrittenCount(TOPIC, 'handler-failed')).toBe(failed);
  });

  it('labels by topic and cause only: nothing the record says reaches the exposition', async () => {
    countDeadLettersWritten(TOPIC, await recordDeadLetters(managerStoring([]), 'kirim-test.payments', TOPIC, 0, [letter('20', 'refused')]));
    const text = await serviceMetrics.metrics();
    expect(text).toMatch(/^kirim_dead_letters_total\{topic="kirim-test\.bank\.responses\.v1",cause="refused"\} \d+$/m);
    expect(text).not.toContain('919876543210');
  });
});

describe('the outbox gauges', () => {
  type Row = { counted: number; first: string | null; last: string | null; oldest_age: number | null; quarantined: number };

  function databaseAnswering(row: Row | Error): DataSource & { statements: string[] } {
    const statements: string[] = [];
    const manager = {
      query: async (sql: string) => {
        statements.push(sql);
        if (sql.startsWith('SET')) return [];
        if (row instanceof Error) throw row;
        return [row];
      },
    };
    return { statements, transaction: async <T>(work: (m: EntityManager) => Promise<T>) => work(manager as unknown as EntityManager) } as unknown as DataSource & { statements: string[] };
  }

  async function gaugeValue(name: string): Promise<number | undefined> {
    return (await serviceMetrics.getSingleMetric(name)?.get())?.values[0]?.value;
  }

  it('reads the backlog with a statement timeout the server enforces', async () => {
    const database = databaseAnswering({ counted: 3, first: '41', last: '43', oldest_age: 12.5, quarantined: 1 });
    expect(await readOutboxBacklog(database, 1500)).toEqual({ unpublished: 3, oldestAgeSeconds: 12.5, quarantined: 1 });
    expect(database.statements[0]).toBe('SET LOCAL statement_timeout = 1500');
  });

  it('estimates a backlog past the exact count from its first and last positions', async () => {
    const database = databaseAnswering({ counted: EXACT_COUNT_LIMIT + 1, first: '1000', last: '61000', oldest_age: 300, quarantined: EXACT_COUNT_LIMIT + 1 });
    expect(await readOutboxBacklog(database)).toEqual({ unpublished: 60_001, oldestAgeSeconds: 300, quarantined: EXACT_COUNT_LIMIT });
  });

  it('reads an empty outbox as nothing waiting and no age, and a clock behind the writer as age 0', async () => {
    expect(await readOutboxBacklog(databaseAnswering({ counted: 0, first: null, last: null, oldest_age: null, quarantined: 0 }))).toEqual({ unpublished: 0, oldestAgeSeconds: 0, quarantined: 0 });
    expect((await readOutboxBacklog(databaseAnswering({ counted: 1, first: '5', last: '5', oldest_age: -0.2, quarantined: 0 }))).oldestAgeSeconds).toBe(0);
  });

  it('show what the database holds at scrape time', async () => {
    outboxBacklogGauges.watch(databaseAnswering({ counted: 4, first: '1', last: '4', oldest_age: 2, quarantined: 1 }));
    await serviceMetrics.metrics();
    expect(await gaugeValue('kirim_outbox_unpublished_messages')).toBe(4);
    expect(await gaugeValue('kirim_outbox_oldest_unpublished_age_seconds')).toBe(2);
    expect(await gaugeValue('kirim_outbox_quarantined_messages')).toBe(1);
  });

  it('show NaN when the database does not answer, and the scrape still answers', async () => {
    outboxBacklogGauges.watch(databaseAnswering(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    const text = await serviceMetrics.metrics();
    // prom-client writes NaN as `Nan`; Prometheus parses the word in any case.
    expect(text).toMatch(/^kirim_outbox_unpublished_messages nan$/im);
    expect(text).toMatch(/^kirim_outbox_oldest_unpublished_age_seconds nan$/im);
    expect(text).toMatch(/^kirim_outbox_quarantined_messages nan$/im);
  });
});
