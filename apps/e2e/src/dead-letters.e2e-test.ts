import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import {
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  CONSUMED_TOPICS,
  DEAD_LETTER_HEADERS,
  deadLetterTopicOf,
  EVENT_CATALOGUE,
  EVENT_TYPES,
  EventType,
  TOPICS,
} from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, Party } from './support/api';
import { headerText, KafkaClient, keyText, TopicWatch } from './support/kafka';
import { freshParty, notificationsFor } from './support/parties';
import { serviceSigningKey, signed } from './support/signed-records';

/**
 * Poison records on every partition of every consumed topic: each must land on `<topic>.dlq` with
 * its reason, and real payments whose records travel the same partitions behind them must still
 * complete, i.e. no consumer is stuck on a record it cannot read. On the signed topics the poison
 * is signed with the rightful producer's key, so each record is refused for what it is rather than
 * for its missing signature (trust.e2e-test.ts covers unsigned and forged records).
 */

/** Who signs the records of each signed consumed topic. */
const SIGNER_OF: Record<string, 'payments' | 'bank-connector' | undefined> = {
  [TOPICS.BANK_REQUESTS]: 'payments',
  [TOPICS.BANK_RESPONSES]: 'bank-connector',
};

interface BadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly kind: 'invalid-json' | 'schema-violation' | 'foreign-source';
  /** What the dead-letter reason must mention. */
  readonly reasonPattern: RegExp;
}

const TXN_ID = 'KRME2E' + 'X'.repeat(29);

/** For each consumed topic: a type that belongs there, and data of that type with exactly one field wrong. */
const SCHEMA_VIOLATIONS: Record<string, { type: EventType; data: () => Record<string, unknown>; field: string }> = {
  [TOPICS.BANK_REQUESTS]: {
    type: EVENT_TYPES.BANK_DEBIT_REQUESTED,
    field: 'amount.value',
    data: () => ({
      requestId: randomUUID(),
      paymentId: randomUUID(),
      txnId: TXN_ID,
      purpose: 'payment',
      bankCode: 'SBXA',
      accountRef: randomUUID(),
      amount: { value: '12.345', currency: 'INR' },
    }),
  },
  [TOPICS.BANK_RESPONSES]: {
    type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
    field: 'resultCode',
    data: () => ({
      requestId: randomUUID(),
      paymentId: randomUUID(),
      purpose: 'payment',
      bankCode: 'SBXA',
      accountRef: randomUUID(),
      amount: { value: '1.00', currency: 'INR' },
      resultCode: 'QQ',
    }),
  },
  [TOPICS.PAYMENTS_EVENTS]: {
    type: EVENT_TYPES.PAYMENT_COMPLETED,
    field: 'status',
    data: () => ({
      paymentId: randomUUID(),
      txnId: TXN_ID,
      payerUserId: randomUUID(),
      payeeUserId: randomUUID(),
      amount: { value: '1.00', currency: 'INR' },
      status: 'teleported',
      occurredAt: new Date().toISOString(),
    }),
  },
  // notifications reads identity.events.v1 for users' language and time zone.
  [TOPICS.IDENTITY_EVENTS]: {
    type: EVENT_TYPES.USER_PREFERENCES_CHANGED,
    field: 'timeZone',
    data: () => ({ userId: randomUUID(), locale: 'hi-IN', timeZone: 'Mars/Olympus_Mons', changedAt: new Date().toISOString() }),
  },
};

/** Headers of a well-formed CloudEvent of `type`, from its rightful producer unless `source` says otherwise. */
function cloudEventHeaders(type: EventType, source: string = EVENT_CATALOGUE[type].source): Record<string, string> {
  return {
    [CE_HEADERS.SPEC_VERSION]: CE_SPEC_VERSION,
    [CE_HEADERS.ID]: randomUUID(),
    [CE_HEADERS.SOURCE]: source,
    [CE_HEADERS.TYPE]: type,
    [CE_HEADERS.TIME]: new Date().toISOString(),
    [CE_HEADERS.CONTENT_TYPE]: CE_CONTENT_TYPE,
  };
}

describe('dead letters (e2e, running stack)', () => {
  const api = new Api();
  const kafka = new KafkaClient(undefined, 'kirim-e2e-dead-letters');
  const run = randomUUID().slice(0, 8);
  let deadLetterWatch: TopicWatch;
  let payer: Party;
  let payee: Party;

  beforeAll(async () => {
    payer = await freshParty(api, 'dlq payer', 'SBXA', '1000.00');
    payee = await freshParty(api, 'dlq payee', 'SBXB', '0.00');
  });

  afterAll(async () => {
    await kafka.disconnect();
  });

  it('dead-letters unreadable and invalid records from every partition with their reason, and payments behind them complete', async () => {
    // Watching starts inside the test: jest 30 refuses a `require` between hooks and tests, and
    // kafkajs loads modules lazily (e.g. its gzip codec) from the consumer's background fetch loop.
    deadLetterWatch = await kafka.watch(CONSUMED_TOPICS.map(deadLetterTopicOf));
    try {
      await poisonAndCheck();
    } finally {
      await kafka.disconnect();
    }
  });

  async function poisonAndCheck(): Promise<void> {
    const bad: BadRecord[] = [];
    for (const topic of CONSUMED_TOPICS) {
      const violation = SCHEMA_VIOLATIONS[topic];
      if (!violation) throw new Error(`no schema violation defined for consumed topic ${topic}`);
      const partitions = await kafka.partitionsOf(topic);
      expect(partitions.length).toBeGreaterThan(0);
      const messages: Message[] = [];
      for (const partition of partitions) {
        const jsonKey = `e2e-dlq-${run}-${topic}-p${partition}-json`;
        const schemaKey = `e2e-dlq-${run}-${topic}-p${partition}-schema`;
        const foreignKey = `e2e-dlq-${run}-${topic}-p${partition}-foreign`;
        messages.push({ partition, key: jsonKey, value: '{"requestId": "unterminated', headers: cloudEventHeaders(violation.type) });
        messages.push({ partition, key: schemaKey, value: JSON.stringify(violation.data()), headers: cloudEventHeaders(violation.type) });
        bad.push({ topic, partition, key: jsonKey, kind: 'invalid-json', reasonPattern: /json/i });
        bad.push({ topic, partition, key: schemaKey, kind: 'schema-violation', reasonPattern: new RegExp(violation.field.replace('.', '\\.')) });
        // Only the owning service may emit a type: the same event from anyone else is refused.
        messages.push({ partition, key: foreignKey, value: JSON.stringify(violation.data()), headers: cloudEventHeaders(violation.type, '/kirim/e2e') });
        bad.push({ topic, partition, key: foreignKey, kind: 'foreign-source', reasonPattern: /must come from \/kirim\// });
      }
      const signer = SIGNER_OF[topic];
      const key = signer ? serviceSigningKey(signer) : undefined;
      await kafka.produce(topic, key ? await Promise.all(messages.map((message) => signed(topic, message, key))) : messages);
    }

    // Real payments behind the poison: their commands, results and events share partitions with it.
    const accepted = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => api.payAccepted(payer, { payeePhone: payee.phone, amount: '1.00', note: 'behind poison' })),
    );
    for (const payment of accepted) {
      expect((await api.waitUntilFinal(payer, payment.paymentId, { timeoutMs: 45_000 })).status).toBe('completed');
    }
    // notifications consumes payments.events.v1: its receipts prove it got past the poison too.
    await eventually(
      async () => {
        for (const payment of accepted) expect((await notificationsFor(api, payee, payment.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
      },
      { timeoutMs: 30_000 },
    );

    await eventually(
      () => {
        const missing = bad.filter((record) => !deadLetterWatch.records.some((letter) => keyText(letter) === record.key));
        expect(missing.map((record) => record.key)).toEqual([]);
      },
      { timeoutMs: 30_000 },
    );
    for (const record of bad) {
      const letters = deadLetterWatch.records.filter((letter) => keyText(letter) === record.key);
      expect(letters).toHaveLength(1);
      const letter = letters[0];
      expect({
        key: record.key,
        topic: letter.topic,
        reason: headerText(letter, DEAD_LETTER_HEADERS.REASON),
        originalTopic: headerText(letter, DEAD_LETTER_HEADERS.ORIGINAL_TOPIC),
        originalPartition: headerText(letter, DEAD_LETTER_HEADERS.ORIGINAL_PARTITION),
      }).toEqual({
        key: record.key,
        topic: deadLetterTopicOf(record.topic),
        reason: expect.stringMatching(record.reasonPattern),
        originalTopic: record.topic,
        originalPartition: String(record.partition),
      });
    }
  }
});
