/**
 * The messaging library against the real broker and the real PostgreSQL: outbox publishing,
 * batch consumption through @EventPattern handlers, inbox dedupe, dead letters, and validation
 * on produce.
 */
import { randomUUID } from 'node:crypto';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Consumer, KafkaMessage, Message, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  BankLegRequested,
  CE_HEADERS,
  CONSUMER_GROUPS,
  DEAD_LETTER_HEADERS,
  EVENT_SOURCES,
  EVENT_TYPES,
  TOPICS,
  deadLetterTopicOf,
} from '@kirim/contracts';
import { typeOrmOptions } from '@kirim/platform';
import { createPrefixedTopics, createTestDatabase, eventually, TestDatabase } from '@kirim/testing';
import {
  connectKafkaTransport,
  ContractViolationError,
  CreateMessagingTables1764288000000,
  encodeCloudEvent,
  InboundEvent,
  InboundMessageContext,
  KafkaReadinessCheck,
  MESSAGING_ENTITIES,
  MessagingModule,
  InboxPruner,
  OutboxRelay,
  UnitOfWork,
} from './index';

const POISON_AMOUNT = '13.13';

@Controller()
class FakeBankController {
  @EventPattern(EVENT_TYPES.BANK_DEBIT_REQUESTED)
  async debit(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.apply('debit', event, ctx);
  }

  @EventPattern(EVENT_TYPES.BANK_CREDIT_REQUESTED)
  async credit(@Payload() event: InboundEvent<BankLegRequested>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.apply('credit', event, ctx);
  }

  private async apply(direction: string, event: InboundEvent<BankLegRequested>, ctx: InboundMessageContext): Promise<void> {
    if (event.data.amount.value === POISON_AMOUNT) throw new Error('poison amount refused by the test handler');
    await ctx.tx.manager.query('INSERT INTO applied_legs (request_id, direction, amount) VALUES ($1, $2, $3)', [event.data.requestId, direction, event.data.amount.value]);
    await ctx.tx.publish({
      type: direction === 'debit' ? EVENT_TYPES.BANK_DEBIT_SUCCEEDED : EVENT_TYPES.BANK_CREDIT_SUCCEEDED,
      key: event.data.paymentId,
      data: { requestId: event.data.requestId, paymentId: event.data.paymentId, purpose: event.data.purpose, resultCode: '00', rrn: '123456789012' },
    });
  }
}

function legCommand(overrides: Partial<BankLegRequested> = {}): BankLegRequested {
  return {
    requestId: randomUUID(),
    paymentId: randomUUID(),
    txnId: `KRM${randomUUID().replace(/-/g, '').toUpperCase()}`,
    purpose: 'payment',
    bankCode: 'SBXA',
    accountRef: randomUUID(),
    amount: { value: '500.00', currency: 'INR' },
    ...overrides,
  };
}

function commandRecord(data: object, id = randomUUID(), type: string = EVENT_TYPES.BANK_DEBIT_REQUESTED): Message {
  return encodeCloudEvent({ id, type, source: EVENT_SOURCES.PAYMENTS, time: new Date(), key: (data as { paymentId?: string }).paymentId ?? randomUUID(), data, traceparent: null });
}

function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

describe('messaging against the real broker and database', () => {
  let database: TestDatabase;
  let topics: Awaited<ReturnType<typeof createPrefixedTopics>>;
  let app: INestApplication;
  let dataSource: DataSource;
  let producer: Producer;
  let observer: Consumer;
  const seen = new Map<string, KafkaMessage[]>();

  async function appliedCount(): Promise<number> {
    const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM applied_legs')) as [{ count: number }];
    return count;
  }

  beforeAll(async () => {
    database = await createTestDatabase('messaging');
    topics = await createPrefixedTopics('messaging');
    process.env.KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    process.env.KAFKA_TOPIC_PREFIX = topics.prefix;
    process.env.CONSUMER_TRANSACTION_SIZE = '50';

    @Module({
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions({ url: database.url, entities: [...MESSAGING_ENTITIES], migrations: [CreateMessagingTables1764288000000], applicationName: 'kirim-messaging-it' })),
        MessagingModule.forRoot({ source: EVENT_SOURCES.BANK_CONNECTOR, consumer: { groupId: CONSUMER_GROUPS.BANK_CONNECTOR, topics: [TOPICS.BANK_REQUESTS] } }),
      ],
      controllers: [FakeBankController],
    })
    class TestAppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    dataSource = app.get(DataSource);
    await dataSource.query('CREATE TABLE applied_legs (request_id uuid PRIMARY KEY, direction text NOT NULL, amount text NOT NULL)');
    connectKafkaTransport(app);
    await app.startAllMicroservices();
    await app.init();

    producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    observer = topics.kafka.consumer({ groupId: `observer-${topics.prefix}`, maxWaitTimeInMs: 200 });
    await observer.connect();
    await observer.subscribe({ topics: [topics.prefix + TOPICS.BANK_RESPONSES, topics.prefix + deadLetterTopicOf(TOPICS.BANK_REQUESTS)], fromBeginning: true });
    await observer.run({
      eachMessage: async ({ topic, message }) => {
        seen.set(topic, [...(seen.get(topic) ?? []), message]);
      },
    });
    await eventually(async () => expect((await app.get(KafkaReadinessCheck).check())['kafka'].status).toBe('up'), { timeoutMs: 30000 });
  });

  afterAll(async () => {
    await observer?.disconnect();
    await producer?.disconnect();
    await Promise.all((app?.getMicroservices() ?? []).map((microservice) => microservice.close()));
    await app?.close();
    await topics?.deleteTopics();
    await database?.drop();
  });

  const responses = (): KafkaMessage[] => seen.get(topics.prefix + TOPICS.BANK_RESPONSES) ?? [];
  const deadLetters = (): KafkaMessage[] => seen.get(topics.prefix + deadLetterTopicOf(TOPICS.BANK_REQUESTS)) ?? [];

  it('publishes outbox messages as binary-mode CloudEvents keyed by aggregate id, and empties the outbox', async () => {
    const paymentId = randomUUID();
    await app.get(UnitOfWork).run(async (tx) => {
      await tx.publish({
        type: EVENT_TYPES.BANK_DEBIT_DECLINED,
        key: paymentId,
        data: { requestId: randomUUID(), paymentId, purpose: 'payment', resultCode: 'Z9', reason: 'insufficient funds' },
      });
    });
    await eventually(() => expect(responses().some((message) => message.key?.toString() === paymentId)).toBe(true));
    const record = responses().find((message) => message.key?.toString() === paymentId) as KafkaMessage;
    expect(header(record, CE_HEADERS.SPEC_VERSION)).toBe('1.0');
    expect(header(record, CE_HEADERS.TYPE)).toBe(EVENT_TYPES.BANK_DEBIT_DECLINED);
    expect(header(record, CE_HEADERS.SOURCE)).toBe(EVENT_SOURCES.BANK_CONNECTOR);
    expect(header(record, CE_HEADERS.ID)).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(record, CE_HEADERS.CONTENT_TYPE)).toBe('application/json');
    expect(header(record, CE_HEADERS.TRACEPARENT)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(JSON.parse(record.value?.toString() ?? '{}')).toMatchObject({ paymentId, resultCode: 'Z9' });
    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(0));
  });

  it('is not ready while a topic it needs is missing (auto-create is off)', async () => {
    const admin = topics.kafka.admin();
    try {
      const check = new KafkaReadinessCheck(admin, app.get(OutboxRelay), undefined, [`${topics.prefix}${TOPICS.BANK_REQUESTS}`, `${topics.prefix}no.such.topic.v1`]);
      const result = await check.check();
      expect(result['kafka']).toMatchObject({ status: 'down', broker: expect.stringContaining(`missing topics (create them; auto-create is off): ${topics.prefix}no.such.topic.v1`) });
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses on produce an event that breaks its contract, and rolls the transaction back', async () => {
    const paymentId = randomUUID();
    await expect(
      app.get(UnitOfWork).run(async (tx) => {
        await tx.manager.query('INSERT INTO applied_legs (request_id, direction, amount) VALUES ($1, $2, $3)', [paymentId, 'debit', 'x']);
        await tx.publish({ type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, key: paymentId, data: { paymentId, resultCode: 'not-a-code' } });
      }),
    ).rejects.toBeInstanceOf(ContractViolationError);
    expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [paymentId])).toHaveLength(0);
  });

  it('applies a large batch once each, and answers in the order of the commands for each key', async () => {
    const before = await appliedCount();
    const keys = Array.from({ length: 10 }, () => randomUUID());
    // 30 commands per key, interleaved across keys, in one producer request.
    const commands = Array.from({ length: 300 }, (_, index) => legCommand({ paymentId: keys[index % keys.length] }));
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: commands.map((command) => commandRecord(command)) });
    await eventually(async () => expect(await appliedCount()).toBe(before + commands.length), { timeoutMs: 30000 });

    const wanted = new Set(commands.map((command) => command.requestId));
    const answered = (): string[] => responses().map((message) => JSON.parse(message.value?.toString() ?? '{}').requestId as string).filter((id) => wanted.has(id));
    await eventually(() => expect(answered()).toHaveLength(commands.length));
    const answerOrder = answered();
    for (const key of keys) {
      const sent = commands.filter((command) => command.paymentId === key).map((command) => command.requestId);
      expect(answerOrder.filter((id) => sent.includes(id))).toEqual(sent);
    }
  });

  it('changes nothing when a message is redelivered with the same CloudEvents id', async () => {
    const command = legCommand();
    const id = randomUUID();
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [commandRecord(command, id)] });
    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [command.requestId])).toHaveLength(1));
    const answersBefore = responses().length;

    // The same record again, twice, then a marker behind it to know the consumer got past them.
    const marker = legCommand();
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [commandRecord(command, id), commandRecord(command, id)] });
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [commandRecord({ ...marker, paymentId: command.paymentId })] });
    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [marker.requestId])).toHaveLength(1));
    await eventually(() => expect(responses().length).toBe(answersBefore + 1));
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM inbox_messages WHERE message_id = $1`, [id])) as [{ count: number }];
    expect(count).toBe(1);
  });

  it('dead-letters malformed, invalid and failing records with their reason and keeps consuming behind them', async () => {
    const key = randomUUID();
    const valid = [legCommand({ paymentId: key }), legCommand({ paymentId: key })];
    const poison = legCommand({ paymentId: key, amount: { value: POISON_AMOUNT, currency: 'INR' } });
    const notJson: Message = { ...commandRecord(legCommand({ paymentId: key })), value: '{not json' };
    const schemaViolation = commandRecord({ ...legCommand({ paymentId: key }), amount: { value: '12.345', currency: 'INR' } });
    const unknownType = commandRecord(legCommand({ paymentId: key }), randomUUID(), 'bank.debit.teleported.v1');
    const notACloudEvent: Message = { key, value: JSON.stringify(legCommand({ paymentId: key })), headers: {} };

    await producer.send({
      topic: topics.prefix + TOPICS.BANK_REQUESTS,
      acks: -1,
      messages: [notJson, commandRecord(valid[0]), schemaViolation, commandRecord(poison), unknownType, notACloudEvent, commandRecord(valid[1])],
    });

    await eventually(async () => {
      const rows = (await dataSource.query('SELECT request_id FROM applied_legs WHERE request_id = ANY($1::uuid[])', [valid.map((command) => command.requestId)])) as unknown[];
      expect(rows).toHaveLength(2);
    });
    await eventually(() => expect(deadLetters().filter((message) => message.key?.toString() === key)).toHaveLength(5), { timeoutMs: 30000 });
    const reasons = deadLetters()
      .filter((message) => message.key?.toString() === key)
      .map((message) => header(message, DEAD_LETTER_HEADERS.REASON) ?? '');
    expect(reasons).toEqual([
      expect.stringContaining('not valid JSON'),
      expect.stringContaining('amount.value'),
      expect.stringContaining('handler failed after 3 attempts: Error: poison amount refused'),
      expect.stringContaining('unknown event type "bank.debit.teleported.v1"'),
      expect.stringContaining('not a CloudEvents 1.0 binary-mode record'),
    ]);
    const poisonLetter = deadLetters().find((message) => header(message, DEAD_LETTER_HEADERS.REASON)?.includes('poison')) as KafkaMessage;
    expect(header(poisonLetter, DEAD_LETTER_HEADERS.ORIGINAL_TOPIC)).toBe(topics.prefix + TOPICS.BANK_REQUESTS);
    expect(JSON.parse(poisonLetter.value?.toString() ?? '{}')).toMatchObject({ requestId: poison.requestId });
    expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [poison.requestId])).toHaveLength(0);
  });

  it('prunes inbox rows older than the retention, in batches, and keeps the recent ones', async () => {
    const insert = (id: string, age: string) =>
      dataSource.query(
        `INSERT INTO inbox_messages (consumer_group, source, message_id, topic, partition, kafka_offset, outcome, processed_at)
         VALUES ('prune-test', '/test', $1, 't', 0, 0, 'applied', now() - $2::interval)`,
        [id, age],
      );
    for (let i = 0; i < 5; i += 1) await insert(`old-${i}`, '20 days');
    await insert('recent', '1 day');
    const deleted = await new InboxPruner(dataSource, { retentionDays: 14, intervalMs: 60_000, batchSize: 2 }).prune();
    expect(deleted).toBe(5);
    const left = (await dataSource.query(`SELECT message_id FROM inbox_messages WHERE consumer_group = 'prune-test'`)) as { message_id: string }[];
    expect(left.map((row) => row.message_id)).toEqual(['recent']);
  });
});
