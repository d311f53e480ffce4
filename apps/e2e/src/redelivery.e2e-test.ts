import { CE_HEADERS, CONSUMER_GROUPS, DEAD_LETTER_HEADERS, deadLetterTopicOf, EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, Party, toMinor } from './support/api';
import { ceType, exactCopy, headerText, KafkaClient, keyText, ObservedRecord, TopicWatch } from './support/kafka';
import { freshParty, notificationsFor } from './support/parties';

/**
 * Kafka delivers at least once. Every record of a completed payment is delivered AGAIN, byte for
 * byte (same key, value and headers, so the same ce_id): no consumer may move money, change the
 * payment or notify anyone a second time. (On signed topics such a copy is also a replay, and is
 * dead-lettered as one.)
 */

/** The topics the copies go to and the service group that consumes each. */
const CONSUMER_OF: Record<string, string> = {
  [TOPICS.BANK_REQUESTS]: CONSUMER_GROUPS.BANK_CONNECTOR,
  [TOPICS.BANK_RESPONSES]: CONSUMER_GROUPS.PAYMENTS,
  [TOPICS.PAYMENTS_EVENTS]: CONSUMER_GROUPS.NOTIFICATIONS,
};

/** The records of one payment to redeliver: (topic, CloudEvents type). */
const REDELIVERED: readonly { topic: string; type: string }[] = [
  { topic: TOPICS.BANK_REQUESTS, type: EVENT_TYPES.BANK_DEBIT_REQUESTED },
  { topic: TOPICS.BANK_RESPONSES, type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED },
  { topic: TOPICS.BANK_REQUESTS, type: EVENT_TYPES.BANK_CREDIT_REQUESTED },
  { topic: TOPICS.BANK_RESPONSES, type: EVENT_TYPES.BANK_CREDIT_SUCCEEDED },
  { topic: TOPICS.PAYMENTS_EVENTS, type: EVENT_TYPES.PAYMENT_COMPLETED },
];

describe('redelivery (e2e, running stack)', () => {
  const api = new Api();
  const kafka = new KafkaClient(undefined, 'kirim-e2e-redelivery');
  let watch: TopicWatch;
  let deadLetterWatch: TopicWatch;
  let payer: Party;
  let payee: Party;

  beforeAll(async () => {
    payer = await freshParty(api, 'redelivery payer', 'SBXA', '5000.00');
    payee = await freshParty(api, 'redelivery payee', 'SBXB', '10.00');
  });

  afterAll(async () => {
    await kafka.disconnect();
  });

  const recordsOf = (paymentId: string): ObservedRecord[] => watch.records.filter((record) => keyText(record) === paymentId);

  it('ignores exact copies of a completed payment’s commands, results and events', async () => {
    // Watching starts inside the test: jest 30 refuses a `require` between hooks and tests, and
    // kafkajs loads modules lazily (e.g. its gzip codec) from the consumer's background fetch loop.
    watch = await kafka.watch(Object.keys(CONSUMER_OF));
    deadLetterWatch = await kafka.watch(Object.keys(CONSUMER_OF).map(deadLetterTopicOf));
    try {
      await redeliverAndCheck();
    } finally {
      await kafka.disconnect();
    }
  });

  async function redeliverAndCheck(): Promise<void> {
    const [payerBefore, payeeBefore] = [await api.balanceOf(payer), await api.balanceOf(payee)];

    const first = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '500.00' });
    const completed = await api.waitUntilFinal(payer, first.paymentId);
    expect(completed.status).toBe('completed');
    await eventually(async () => {
      expect((await notificationsFor(api, payer, first.paymentId)).map((n) => n.kind)).toEqual(['payment.sent']);
      expect((await notificationsFor(api, payee, first.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
    });

    // The originals, as the watch saw them.
    let originals: ObservedRecord[] = [];
    await eventually(() => {
      originals = REDELIVERED.map(({ topic, type }) => {
        const matches = recordsOf(first.paymentId).filter((record) => record.topic === topic && ceType(record) === type);
        expect({ topic, type, count: matches.length }).toEqual({ topic, type, count: 1 });
        return matches[0];
      });
    });
    const countsBefore = countByType(recordsOf(first.paymentId));

    // Exact copies, to the same partition as the original, in the original order.
    const copyOffsets: { topic: string; partition: number; offset: bigint }[] = [];
    for (const original of originals) {
      const [metadata] = await kafka.produce(original.topic, [{ ...exactCopy(original), partition: original.partition }]);
      expect(headerText(original, CE_HEADERS.ID)).toEqual(expect.any(String));
      copyOffsets.push({ topic: original.topic, partition: metadata.partition, offset: BigInt(metadata.baseOffset ?? '-1') });
    }

    // Wait until each service's group has committed past the copies: they were read and handled.
    await eventually(
      async () => {
        for (const copy of copyOffsets) {
          const committed = (await kafka.committedOffsets(CONSUMER_OF[copy.topic], copy.topic)).get(copy.partition) ?? -1n;
          expect({ ...copy, offset: String(copy.offset), pastCopy: committed > copy.offset }).toEqual({ ...copy, offset: String(copy.offset), pastCopy: true });
        }
      },
      { timeoutMs: 30_000 },
    );

    // A second payment to completion: a marker that the whole pipeline is running after the copies.
    const marker = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '1.00' });
    expect((await api.waitUntilFinal(payer, marker.paymentId)).status).toBe('completed');
    await eventually(async () => {
      expect((await notificationsFor(api, payee, marker.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
    });
    // Anything a copy provoked (e.g. a bank re-answering a duplicate command) has been consumed too.
    await eventually(
      async () => {
        for (const record of recordsOf(first.paymentId)) {
          const committed = (await kafka.committedOffsets(CONSUMER_OF[record.topic], record.topic)).get(record.partition) ?? -1n;
          expect({ topic: record.topic, offset: record.offset, consumed: committed > BigInt(record.offset) }).toMatchObject({ consumed: true });
        }
      },
      { timeoutMs: 30_000 },
    );

    // On the signed topics a copy produced again is a replay: refused to the dead-letter topic, naming the original.
    await eventually(() => {
      for (const original of originals.filter((record) => record.topic !== TOPICS.PAYMENTS_EVENTS)) {
        const letters = deadLetterWatch.records.filter((letter) => headerText(letter, CE_HEADERS.ID) === headerText(original, CE_HEADERS.ID));
        expect(letters.map((letter) => headerText(letter, DEAD_LETTER_HEADERS.REASON))).toEqual([
          `replayed: ce_id ${headerText(original, CE_HEADERS.ID)} from ${headerText(original, CE_HEADERS.SOURCE)} was already applied from ${original.topic}/${original.partition}@${original.offset}`,
        ]);
      }
    });

    // Nothing changed for the first payment.
    expect(await api.balanceOf(payer)).toBe(payerBefore - toMinor('501.00'));
    expect(await api.balanceOf(payee)).toBe(payeeBefore + toMinor('501.00'));
    const after = await api.getPayment(payer, first.paymentId);
    expect(after).toMatchObject({ status: 'completed', rrn: completed.rrn, resultCode: completed.resultCode });
    expect((await notificationsFor(api, payer, first.paymentId)).map((n) => n.kind)).toEqual(['payment.sent']);
    expect((await notificationsFor(api, payee, first.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
    // payments published nothing new about it: the only extra lifecycle record is our own copy.
    const countsAfter = countByType(recordsOf(first.paymentId));
    expect(countsAfter[EVENT_TYPES.PAYMENT_COMPLETED]).toBe((countsBefore[EVENT_TYPES.PAYMENT_COMPLETED] ?? 0) + 1);
    expect(countsAfter[EVENT_TYPES.PAYMENT_FAILED]).toBeUndefined();
    expect(countsAfter[EVENT_TYPES.PAYMENT_REVERSED]).toBeUndefined();
    expect(countsAfter[EVENT_TYPES.BANK_DEBIT_DECLINED]).toBeUndefined();
    expect(countsAfter[EVENT_TYPES.BANK_CREDIT_DECLINED]).toBeUndefined();
  }
});

function countByType(records: readonly ObservedRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const type = ceType(record) ?? '(none)';
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}
