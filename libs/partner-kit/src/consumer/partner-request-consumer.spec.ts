import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { silentLogger } from '../logging/partner-logger';
import { InMemorySeenRecordStore } from '../requests/seen-records';
import type { ConsumedRecord } from '../requests/partner-request';
import { PartnerRequestConsumer } from './partner-request-consumer';
import type { PartnerRequestProcessor, ProcessOutcome } from './request-processor';

const TOPIC = 'partner.xmpl.requests.v1';

function message(offset: string): KafkaMessage {
  return { key: Buffer.from(`key-${offset}`), value: Buffer.from(`{"n":${offset}}`), headers: { ce_id: `ce-${offset}` }, offset, timestamp: '0', attributes: 0 } as KafkaMessage;
}

function answer(offset: string): ProcessOutcome {
  return { kind: 'answer', ceId: `ce-${offset}`, record: { topic: 'partner.xmpl.responses.v1', key: `p-${offset}`, value: '{}', headers: { ce_id: `answer-${offset}` } }, log: {} };
}

/** A kafkajs double: records what is sent, resolved and committed, in order. */
function harness(outcomes: Record<string, ProcessOutcome | Error>, options: { failSend?: boolean } = {}) {
  const log: string[] = [];
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', STOP: 'stop', DISCONNECT: 'disconnect', CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
    },
    disconnect: async () => undefined,
  };
  const sent: { topic: string; messages: { key?: unknown; value?: unknown; headers?: Record<string, unknown> }[] }[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({ topicMessages }: { topicMessages: typeof sent }) => {
      if (options.failSend) throw new Error('broker unavailable');
      sent.push(...topicMessages);
      log.push(`send ${topicMessages.flatMap((entry) => entry.messages.map((m) => `${entry.topic}:${String(m.key)}`)).join(',')}`);
    },
  };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  const processor = {
    process: async (record: ConsumedRecord) => {
      const outcome = outcomes[record.position.offset];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  } as unknown as PartnerRequestProcessor;
  const seen = new InMemorySeenRecordStore();
  const markHandled = seen.markHandled.bind(seen);
  seen.markHandled = async (ceIds) => {
    log.push(`handled ${ceIds.join(',')}`);
    await markHandled(ceIds);
  };
  const subject = new PartnerRequestConsumer(kafka, processor, seen, silentLogger, { topic: TOPIC, groupId: 'partner.xmpl', partitionsConsumedConcurrently: 1, flushEvery: 20, restartDelayMs: 10 });
  const runBatch = async (offsets: string[]): Promise<void> => {
    if (!eachBatch) throw new Error('not started');
    await eachBatch({
      batch: { topic: TOPIC, partition: 2, messages: offsets.map(message) },
      resolveOffset: (offset: string) => log.push(`resolve ${offset}`),
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => {
        log.push('commit');
      },
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  };
  return { subject, log, sent, runBatch };
}

describe('PartnerRequestConsumer', () => {
  it('sends the outcomes, marks them handled, and only then resolves and commits the offsets', async () => {
    const { subject, log, runBatch } = harness({ '10': answer('10'), '11': { kind: 'skip', ceId: 'ce-11' }, '12': answer('12') });
    await subject.start();
    await runBatch(['10', '11', '12']);
    expect(log).toEqual(['send partner.xmpl.responses.v1:p-10,partner.xmpl.responses.v1:p-12', 'handled ce-10,ce-12', 'resolve 12', 'commit']);
  });

  it('dead-letters a refused record to <topic>.dlq with the original key, value and headers plus the reason', async () => {
    const { subject, sent, runBatch } = harness({ '7': { kind: 'dead-letter', check: 'signature', reason: 'unsigned: no kirim_signature' } });
    await subject.start();
    await runBatch(['7']);
    expect(sent).toEqual([
      {
        topic: `${TOPIC}.dlq`,
        messages: [
          {
            key: Buffer.from('key-7'),
            value: Buffer.from('{"n":7}'),
            headers: {
              ce_id: 'ce-7',
              kirim_dlq_reason: 'unsigned: no kirim_signature',
              kirim_dlq_original_topic: TOPIC,
              kirim_dlq_original_partition: '2',
              kirim_dlq_original_offset: '7',
              kirim_dlq_consumer_group: 'partner.xmpl',
              kirim_dlq_attempts: '1',
            },
          },
        ],
      },
    ]);
  });

  it('on a processing error sends and commits what was done, and leaves the failed record to be read again', async () => {
    const { subject, log, runBatch } = harness({ '1': answer('1'), '2': new Error('database unavailable'), '3': answer('3') });
    await subject.start();
    await expect(runBatch(['1', '2', '3'])).rejects.toThrow('database unavailable');
    expect(log).toEqual(['send partner.xmpl.responses.v1:p-1', 'handled ce-1', 'resolve 1', 'commit']);
  });

  it('commits nothing when the answers cannot be sent', async () => {
    const { subject, log, runBatch } = harness({ '1': answer('1') }, { failSend: true });
    await subject.start();
    await expect(runBatch(['1'])).rejects.toThrow('broker unavailable');
    expect(log).toEqual([]);
  });
});
