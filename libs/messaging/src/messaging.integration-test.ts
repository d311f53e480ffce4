/**
 * The messaging library against the real broker and the real PostgreSQL: outbox publishing,
 * batch consumption through @EventPattern handlers, inbox dedupe, dead letters, validation on
 * produce, and signed records (signing in the relay, verification and replay refusal on consume).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  generateRecordSigningKeyPair,
  loadRecordSigningKey,
  SIGNATURE_HEADER,
  TOPICS,
  deadLetterTopicOf,
} from '@kirim/contracts';
import { typeOrmOptions } from '@kirim/platform';
import { createPrefixedTopics, createTestDatabase, eventually, TestDatabase, testKafkaEnv } from '@kirim/testing';
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
  MessageRefusedError,
  OutboxRelay,
  RecordSigner,
  UnitOfWork,
} from './index';

const POISON_AMOUNT = '13.13';
/** A command the test handler refuses (as bank-connector refuses a reused request id): dead-lettered at once. */
const REFUSED_AMOUNT = '66.66';

/** The test plays payments (signing the commands it sends) against a bank-connector-like consumer. */
let paymentsSigner: RecordSigner;
/** A key payments' JWKS does not list: what a forger holding broker credentials but no signing key has. */
let forgerSigner: RecordSigner;

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
    if (event.data.amount.value === REFUSED_AMOUNT) throw new MessageRefusedError('amount refused by the test handler');
    await ctx.tx.manager.query('INSERT INTO applied_legs (request_id, direction, amount) VALUES ($1, $2, $3)', [event.data.requestId, direction, event.data.amount.value]);
    await ctx.tx.publish({
      type: direction === 'debit' ? EVENT_TYPES.BANK_DEBIT_SUCCEEDED : EVENT_TYPES.BANK_CREDIT_SUCCEEDED,
      key: event.data.paymentId,
      data: {
        requestId: event.data.requestId,
        paymentId: event.data.paymentId,
        purpose: event.data.purpose,
        bankCode: event.data.bankCode,
        accountRef: event.data.accountRef,
        amount: event.data.amount,
        resultCode: '00',
        rrn: '123456789012',
      },
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

function unsignedCommand(data: object, options: { id?: string; type?: string; time?: Date } = {}): Message {
  return encodeCloudEvent({
    id: options.id ?? randomUUID(),
    type: options.type ?? EVENT_TYPES.BANK_DEBIT_REQUESTED,
    source: EVENT_SOURCES.PAYMENTS,
    time: options.time ?? new Date(),
    key: (data as { paymentId?: string }).paymentId ?? randomUUID(),
    data,
    traceparent: null,
  });
}

/** A command signed by payments, as its outbox relay sends it. */
function commandRecord(data: object, id = randomUUID(), type: string = EVENT_TYPES.BANK_DEBIT_REQUESTED): Promise<Message> {
  return paymentsSigner.sign(TOPICS.BANK_REQUESTS, unsignedCommand(data, { id, type }));
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
    // As admin: the test's topics carry a prefix, which the declared (literal) ACLs do not cover.
    Object.assign(process.env, testKafkaEnv());
    process.env.KAFKA_TOPIC_PREFIX = topics.prefix;
    process.env.CONSUMER_TRANSACTION_SIZE = '50';
    // Keys as scripts/stack.sh makes them: each service signs with its own, all verify with the platform JWKS.
    const payments = await generateRecordSigningKeyPair('payments:it');
    const bankConnector = await generateRecordSigningKeyPair('bank-connector:it');
    const forger = await generateRecordSigningKeyPair('payments:it');
    const keysDir = mkdtempSync(join(tmpdir(), 'kirim-messaging-it-'));
    writeFileSync(join(keysDir, 'platform.jwks.json'), JSON.stringify({ keys: [payments.publicJwk, bankConnector.publicJwk] }));
    process.env.MESSAGE_TRUSTED_KEYS_FILE = join(keysDir, 'platform.jwks.json');
    process.env.MESSAGE_SIGNING_KEY = bankConnector.privateKeyPem;
    process.env.MESSAGE_SIGNING_KEY_ID = 'bank-connector:it';
    paymentsSigner = new RecordSigner(loadRecordSigningKey(payments.privateKeyPem, 'payments:it'));
    forgerSigner = new RecordSigner(loadRecordSigningKey(forger.privateKeyPem, 'payments:it'));

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
        data: {
          requestId: randomUUID(),
          paymentId,
          purpose: 'payment',
          bankCode: 'SBXA',
          accountRef: randomUUID(),
          amount: { value: '1.00', currency: 'INR' },
          resultCode: 'Z9',
          reason: 'insufficient funds',
        },
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
    // bank.responses.v1 is a signed topic: the relay signed the record with bank-connector's key.
    expect(header(record, SIGNATURE_HEADER)).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(JSON.parse(Buffer.from(String(header(record, SIGNATURE_HEADER)).split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'EdDSA', kid: 'bank-connector:it' });
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
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: await Promise.all(commands.map((command) => commandRecord(command))) });
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

  it('changes nothing when a signed record is produced again with the same CloudEvents id, and dead-letters the copies as replays', async () => {
    const command = legCommand();
    const id = randomUUID();
    const original = await commandRecord(command, id);
    const sent = await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [original] });
    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [command.requestId])).toHaveLength(1));
    const answersBefore = responses().length;

    // The same record byte for byte, twice (on the same partition: same key), then a marker behind it.
    const marker = legCommand();
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [original, original] });
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [await commandRecord({ ...marker, paymentId: command.paymentId })] });
    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [marker.requestId])).toHaveLength(1));
    await eventually(() => expect(responses().length).toBe(answersBefore + 1));
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM inbox_messages WHERE message_id = $1`, [id])) as [{ count: number }];
    expect(count).toBe(1);
    const replays = (): KafkaMessage[] => deadLetters().filter((message) => header(message, CE_HEADERS.ID) === id);
    await eventually(() => expect(replays()).toHaveLength(2));
    for (const letter of replays()) {
      expect(header(letter, DEAD_LETTER_HEADERS.REASON)).toBe(
        `replayed: ce_id ${id} from ${EVENT_SOURCES.PAYMENTS} was already applied from ${topics.prefix}${TOPICS.BANK_REQUESTS}/${sent[0].partition}@${sent[0].baseOffset}`,
      );
    }
  });

  it('dead-letters, before any handler sees them, unsigned, forged, late and altered records on a signed topic', async () => {
    const key = randomUUID();
    const unsigned = legCommand({ paymentId: key });
    const forged = legCommand({ paymentId: key });
    const late = legCommand({ paymentId: key });
    const altered = legCommand({ paymentId: key });
    const valid = legCommand({ paymentId: key });
    const alteredRecord = await commandRecord(altered);
    alteredRecord.value = JSON.stringify({ ...altered, amount: { value: '50000.00', currency: 'INR' } });

    await producer.send({
      topic: topics.prefix + TOPICS.BANK_REQUESTS,
      acks: -1,
      messages: [
        unsignedCommand(unsigned),
        await forgerSigner.sign(TOPICS.BANK_REQUESTS, unsignedCommand(forged)),
        await paymentsSigner.sign(TOPICS.BANK_REQUESTS, unsignedCommand(late, { time: new Date(Date.now() - 10 * 60 * 1000) })),
        alteredRecord,
        await commandRecord(valid),
      ],
    });

    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [valid.requestId])).toHaveLength(1));
    await eventually(() => expect(deadLetters().filter((message) => message.key?.toString() === key)).toHaveLength(4), { timeoutMs: 30000 });
    const reasons = deadLetters()
      .filter((message) => message.key?.toString() === key)
      .map((message) => header(message, DEAD_LETTER_HEADERS.REASON) ?? '');
    expect(reasons).toEqual([
      expect.stringMatching(/^unsigned: a record on bank\.requests\.v1 must carry a kirim_signature header/),
      expect.stringMatching(/signature by key "payments:it" does not verify/),
      expect.stringMatching(/^late: ce_time is \d+ s old/),
      expect.stringMatching(/signature by key "payments:it" does not verify/),
    ]);
    const refused = [unsigned, forged, late, altered].map((command) => command.requestId);
    expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = ANY($1::uuid[])', [refused])).toHaveLength(0);
    expect(await dataSource.query('SELECT 1 FROM inbox_messages WHERE message_id = ANY($1::text[])', [refused])).toHaveLength(0);
  });

  it('dead-letters at once, without retries, a record its handler refuses, rolling back what the handler did', async () => {
    const key = randomUUID();
    const refused = legCommand({ paymentId: key, amount: { value: REFUSED_AMOUNT, currency: 'INR' } });
    const behind = legCommand({ paymentId: key });
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [await commandRecord(refused), await commandRecord(behind)] });

    await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [behind.requestId])).toHaveLength(1));
    await eventually(() => expect(deadLetters().filter((message) => message.key?.toString() === key)).toHaveLength(1));
    const [letter] = deadLetters().filter((message) => message.key?.toString() === key);
    expect(header(letter, DEAD_LETTER_HEADERS.REASON)).toBe('refused: amount refused by the test handler');
    expect(header(letter, DEAD_LETTER_HEADERS.ATTEMPTS)).toBe('1');
    expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [refused.requestId])).toHaveLength(0);
  });

  it('dead-letters malformed, invalid and failing records with their reason and keeps consuming behind them', async () => {
    const key = randomUUID();
    const valid = [legCommand({ paymentId: key }), legCommand({ paymentId: key })];
    const poison = legCommand({ paymentId: key, amount: { value: POISON_AMOUNT, currency: 'INR' } });
    // Signed by payments, so each gets past the signature check and is refused for what it is.
    const notJson = await paymentsSigner.sign(TOPICS.BANK_REQUESTS, { ...unsignedCommand(legCommand({ paymentId: key })), value: '{not json' });
    const schemaViolation = await commandRecord({ ...legCommand({ paymentId: key }), amount: { value: '12.345', currency: 'INR' } });
    const unknownType = await commandRecord(legCommand({ paymentId: key }), randomUUID(), 'bank.debit.teleported.v1');
    const notACloudEvent: Message = { key, value: JSON.stringify(legCommand({ paymentId: key })), headers: {} };

    await producer.send({
      topic: topics.prefix + TOPICS.BANK_REQUESTS,
      acks: -1,
      messages: [notJson, await commandRecord(valid[0]), schemaViolation, await commandRecord(poison), unknownType, notACloudEvent, await commandRecord(valid[1])],
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
