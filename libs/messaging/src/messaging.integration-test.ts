/**
 * The messaging library against the real broker and the real PostgreSQL: outbox publishing,
 * batch consumption through @EventPattern handlers, inbox dedupe, dead letters (stored, listed and
 * replayed), the outbox quarantine, validation on produce, and signed records (signing in the relay,
 * verification and replay refusal on consume).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Consumer, Kafka, KafkaMessage, logLevel, Message, Producer } from 'kafkajs';
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
import { alertCount, typeOrmOptions } from '@kirim/platform';
import {
  createMigratedTestDatabase,
  createPrefixedTopics,
  createTestDatabase,
  createTopicsWithLeaders,
  eventually,
  TestDatabase,
  testKafkaBrokers,
  testKafkaEnv,
  testKafkaSasl,
} from '@kirim/testing';
import { recordDeadLetters } from './consumer/dead-letter.store';
import { legCommand } from './consumer/bank-leg-command.fixture';
import {
  connectKafkaTransport,
  ContractViolationError,
  CreateMessagingRecoveryTables1764700000000,
  CreateMessagingTables1764288000000,
  DeadLetterRecord,
  DeadLetterReplayer,
  DeadLetterStore,
  encodeCloudEvent,
  InboundEvent,
  InboundMessageContext,
  KafkaReadinessCheck,
  MESSAGING_ENTITIES,
  MessagingModule,
  InboxPruner,
  MessageRefusedError,
  OutboxQuarantine,
  OutboxRelay,
  parseDeadLetterCursor,
  RecordSigner,
  UnitOfWork,
} from './index';

const POISON_AMOUNT = '13.13';
/** A command the test handler refuses (as bank-connector refuses a reused request id): dead-lettered at once. */
const REFUSED_AMOUNT = '66.66';
/** A command the test handler fails on while its requestId is in `stillBroken`: the bug an operator fixes before replaying. */
const FIXABLE_AMOUNT = '21.21';
const stillBroken = new Set<string>();
/** Whether the handler saw a PIN block, by requestId, for the FIXABLE_AMOUNT commands it applied. */
const pinSeen = new Map<string, boolean>();
const MIGRATIONS = [CreateMessagingTables1764288000000, CreateMessagingRecoveryTables1764700000000];
/** A compact JWE's shape (the PIN block); nothing opens it here. */
const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';
/** Not in the catalogue: the relay does not care, and a consumer never sees it. */
const QUARANTINE_TOPIC = 'it.quarantine.v1';
const QUARANTINE_MAX_MESSAGE_BYTES = 4096;

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
    if (event.data.amount.value === FIXABLE_AMOUNT) {
      if (stillBroken.has(event.data.requestId)) throw new Error('leg handler bug (fixed later in the test)');
      pinSeen.set(event.data.requestId, event.data.encryptedPin !== undefined);
    }
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
        TypeOrmModule.forRoot(typeOrmOptions({ url: database.url, entities: [...MESSAGING_ENTITIES], migrations: MIGRATIONS, applicationName: 'kirim-messaging-it' })),
        MessagingModule.forRoot({
          source: EVENT_SOURCES.BANK_CONNECTOR,
          consumer: { groupId: CONSUMER_GROUPS.BANK_CONNECTOR, topics: [TOPICS.BANK_REQUESTS] },
          // As payments flags the payment a dead letter belongs to, and lets it end once replayed.
          deadLetterHooks: {
            onDeadLettered: async (manager, deadLetter, event, cause) => {
              await manager.query('INSERT INTO flagged_payments (dead_letter_id, payment_id, cause) VALUES ($1, $2, $3)', [deadLetter.id, (event?.data as { paymentId?: string } | undefined)?.paymentId ?? null, cause]);
            },
            onReplayed: async (manager, deadLetter) => {
              await manager.query('UPDATE flagged_payments SET cleared = true WHERE dead_letter_id = $1', [deadLetter.id]);
            },
          },
        }),
      ],
      controllers: [FakeBankController],
    })
    class TestAppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    dataSource = app.get(DataSource);
    await dataSource.query('CREATE TABLE applied_legs (request_id uuid PRIMARY KEY, direction text NOT NULL, amount text NOT NULL)');
    await dataSource.query('CREATE TABLE flagged_payments (dead_letter_id uuid PRIMARY KEY, payment_id uuid, cause text NOT NULL, cleared boolean NOT NULL DEFAULT false)');
    // A topic with a small record limit, so the broker refuses a large record for good (MESSAGE_TOO_LARGE).
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      await createTopicsWithLeaders(admin, [
        { topic: topics.prefix + QUARANTINE_TOPIC, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(QUARANTINE_MAX_MESSAGE_BYTES) }] },
      ]);
    } finally {
      await admin.disconnect();
    }
    connectKafkaTransport(app);
    await app.startAllMicroservices();
    await app.init();

    producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    observer = topics.kafka.consumer({ groupId: `observer-${topics.prefix}`, maxWaitTimeInMs: 200 });
    await observer.connect();
    await observer.subscribe({
      topics: [topics.prefix + TOPICS.BANK_RESPONSES, topics.prefix + deadLetterTopicOf(TOPICS.BANK_REQUESTS), topics.prefix + QUARANTINE_TOPIC],
      fromBeginning: true,
    });
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
    const admin = topics?.kafka.admin();
    await admin?.connect();
    await admin?.deleteTopics({ topics: [topics.prefix + QUARANTINE_TOPIC] }).finally(() => admin.disconnect());
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

  it('commits the offsets of what it applied within the commit interval, though no later record carries the commit', async () => {
    const commands = Array.from({ length: 20 }, () => legCommand({ paymentId: randomUUID() }));
    const before = await appliedCount();
    await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: await Promise.all(commands.map((command) => commandRecord(command))) });
    await eventually(async () => expect(await appliedCount()).toBe(before + commands.length), { timeoutMs: 30000 });

    // Every partition's committed offset reaches its end: the group's next member would start after the last record applied.
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      const topic = topics.prefix + TOPICS.BANK_REQUESTS;
      const ends = await admin.fetchTopicOffsets(topic);
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: topics.prefix + CONSUMER_GROUPS.BANK_CONNECTOR, topics: [topic] });
        const committedAt = new Map(committed.partitions.map((entry) => [entry.partition, entry.offset]));
        expect(ends.filter((end) => end.high !== '0').map((end) => [end.partition, committedAt.get(end.partition)])).toEqual(ends.filter((end) => end.high !== '0').map((end) => [end.partition, end.high]));
      }, { timeoutMs: 15000 });
    } finally {
      await admin.disconnect();
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
    // The service's hook is told these are copies of what was applied, so it need not flag anything.
    const causes = (await dataSource.query('SELECT f.cause FROM flagged_payments f JOIN dead_letters d ON d.id = f.dead_letter_id WHERE d.ce_id = $1', [id])) as { cause: string }[];
    expect(causes).toEqual([{ cause: 'duplicate-of-applied' }, { cause: 'duplicate-of-applied' }]);
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
  describe('dead letters: stored, listed, replayed', () => {
    async function deadLetterOfEvent(ceId: string): Promise<DeadLetterRecord> {
      let id = '';
      await eventually(async () => {
        const rows = (await dataSource.query('SELECT id FROM dead_letters WHERE ce_id = $1', [ceId])) as { id: string }[];
        expect(rows).toHaveLength(1);
        id = rows[0].id;
      });
      return (await app.get(DeadLetterStore).get(id)) as DeadLetterRecord;
    }

    const responsesTo = (requestId: string): KafkaMessage[] => responses().filter((message) => JSON.parse(message.value?.toString() ?? '{}').requestId === requestId);

    it('stores a record its handler keeps failing on, without its PIN block, flags its payment, and commits the rest of the chunk', async () => {
      const key = randomUUID();
      const before = legCommand({ paymentId: key });
      const broken = legCommand({ paymentId: key, amount: { value: FIXABLE_AMOUNT, currency: 'INR' }, encryptedPin: PIN_BLOCK });
      const after = legCommand({ paymentId: key });
      stillBroken.add(broken.requestId);
      const brokenId = randomUUID();
      const alertsBefore = await alertCount('message-dead-lettered');

      await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [await commandRecord(before), await commandRecord(broken, brokenId), await commandRecord(after)] });

      await eventually(async () => expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = ANY($1::uuid[])', [[before.requestId, after.requestId]])).toHaveLength(2));
      const deadLetter = await deadLetterOfEvent(brokenId);
      expect(deadLetter).toMatchObject({
        consumerGroup: topics.prefix + CONSUMER_GROUPS.BANK_CONNECTOR,
        topic: topics.prefix + TOPICS.BANK_REQUESTS,
        recordKey: key,
        ceType: EVENT_TYPES.BANK_DEBIT_REQUESTED,
        ceSource: EVENT_SOURCES.PAYMENTS,
        reason: 'handler failed after 3 attempts: Error: leg handler bug (fixed later in the test)',
        attempts: 3,
        replayable: true,
        status: 'open',
        replayAttempts: 0,
      });
      // The PIN block never reaches the store: a replayed debit goes without one (the bank declines it U30).
      const { encryptedPin: _pin, ...withoutPin } = broken;
      expect(deadLetter.event).toMatchObject({ id: brokenId, type: EVENT_TYPES.BANK_DEBIT_REQUESTED, key, data: withoutPin });
      expect(deadLetter.event?.data).not.toHaveProperty('encryptedPin');
      expect(JSON.stringify(await dataSource.query('SELECT * FROM dead_letters WHERE id = $1', [deadLetter.id]))).not.toContain(PIN_BLOCK);
      // The same record is on the .dlq topic, and the inbox agrees with the store.
      await eventually(() => expect(deadLetters().filter((message) => header(message, CE_HEADERS.ID) === brokenId)).toHaveLength(1));
      expect(await dataSource.query('SELECT outcome FROM inbox_messages WHERE message_id = $1', [brokenId])).toEqual([{ outcome: 'dead-lettered' }]);
      // The service's hook ran in the same transaction, with the validated event.
      expect(await dataSource.query('SELECT payment_id, cleared FROM flagged_payments WHERE dead_letter_id = $1', [deadLetter.id])).toEqual([{ payment_id: key, cleared: false }]);
      expect(await alertCount('message-dead-lettered')).toBeGreaterThanOrEqual(alertsBefore + 1);

      const listed = await app.get(DeadLetterStore).list({ status: 'open', ceType: EVENT_TYPES.BANK_DEBIT_REQUESTED, consumerGroup: topics.prefix + CONSUMER_GROUPS.BANK_CONNECTOR, limit: 200 });
      expect(listed.items.map((item) => item.id)).toContain(deadLetter.id);
    });

    it('replays a dead letter after the fix: effects and answer once, even when two replays race; the payment is cleared', async () => {
      const key = randomUUID();
      const broken = legCommand({ paymentId: key, amount: { value: FIXABLE_AMOUNT, currency: 'INR' }, encryptedPin: PIN_BLOCK });
      stillBroken.add(broken.requestId);
      const brokenId = randomUUID();
      await producer.send({ topic: topics.prefix + TOPICS.BANK_REQUESTS, acks: -1, messages: [await commandRecord(broken, brokenId)] });
      const deadLetter = await deadLetterOfEvent(brokenId);
      const replayer = app.get(DeadLetterReplayer);

      // Before the fix: the handler fails again; nothing it did is kept, the attempt is recorded.
      const early = await replayer.replay(deadLetter.id);
      expect(early).toMatchObject({ outcome: 'failed', reason: 'Error: leg handler bug (fixed later in the test)', deadLetter: { status: 'open', replayAttempts: 1, lastReplayError: 'Error: leg handler bug (fixed later in the test)' } });
      expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [broken.requestId])).toHaveLength(0);
      expect(await dataSource.query('SELECT outcome FROM inbox_messages WHERE message_id = $1', [brokenId])).toEqual([{ outcome: 'dead-lettered' }]);

      stillBroken.delete(broken.requestId);
      const results = await Promise.all([replayer.replay(deadLetter.id), replayer.replay(deadLetter.id)]);
      expect(results.map((result) => result.outcome).sort()).toEqual(['already-replayed', 'replayed']);
      const replayed = results.find((result) => result.outcome === 'replayed');
      expect(replayed).toMatchObject({ deadLetter: { status: 'replayed', replayAttempts: 2, lastReplayError: null, replayedAt: expect.any(Date) } });

      expect(await dataSource.query('SELECT direction, amount FROM applied_legs WHERE request_id = $1', [broken.requestId])).toEqual([{ direction: 'debit', amount: FIXABLE_AMOUNT }]);
      expect(pinSeen.get(broken.requestId)).toBe(false);
      expect(await dataSource.query('SELECT outcome FROM inbox_messages WHERE message_id = $1', [brokenId])).toEqual([{ outcome: 'applied' }]);
      expect(await dataSource.query('SELECT cleared FROM flagged_payments WHERE dead_letter_id = $1', [deadLetter.id])).toEqual([{ cleared: true }]);
      // The answer went through the outbox like any other, once.
      await eventually(() => expect(responsesTo(broken.requestId)).toHaveLength(1));
      await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(0));
      expect(header(responsesTo(broken.requestId)[0], CE_HEADERS.TYPE)).toBe(EVENT_TYPES.BANK_DEBIT_SUCCEEDED);

      expect(await replayer.replay(deadLetter.id)).toMatchObject({ outcome: 'already-replayed' });
      expect(await replayer.replay(randomUUID())).toEqual({ outcome: 'not-found' });
      expect(await replayer.replay('not-a-uuid')).toEqual({ outcome: 'not-found' });
      expect(await dataSource.query('SELECT 1 FROM applied_legs WHERE request_id = $1', [broken.requestId])).toHaveLength(1);
      expect(responsesTo(broken.requestId)).toHaveLength(1);
    });

    it('lists refused records (bad signature, broken contract, a handler refusal) with their reason, as not replayable', async () => {
      const key = randomUUID();
      const forgedId = randomUUID();
      const invalidId = randomUUID();
      const refusedId = randomUUID();
      await producer.send({
        topic: topics.prefix + TOPICS.BANK_REQUESTS,
        acks: -1,
        messages: [
          await forgerSigner.sign(TOPICS.BANK_REQUESTS, unsignedCommand(legCommand({ paymentId: key }), { id: forgedId })),
          await commandRecord({ ...legCommand({ paymentId: key }), amount: { value: '12.345', currency: 'INR' } }, invalidId),
          await commandRecord(legCommand({ paymentId: key, amount: { value: REFUSED_AMOUNT, currency: 'INR' } }), refusedId),
        ],
      });
      const forged = await deadLetterOfEvent(forgedId);
      const invalid = await deadLetterOfEvent(invalidId);
      const refused = await deadLetterOfEvent(refusedId);
      expect(forged).toMatchObject({ replayable: false, event: null, status: 'open', ceType: EVENT_TYPES.BANK_DEBIT_REQUESTED, recordKey: key, reason: expect.stringMatching(/signature by key "payments:it" does not verify/) });
      expect(invalid).toMatchObject({ replayable: false, event: null, reason: expect.stringContaining('amount.value') });
      expect(refused).toMatchObject({ replayable: false, event: null, reason: 'refused: amount refused by the test handler' });
      // The hook ran for each; it gets the validated event only for records that got that far.
      const flags = (await dataSource.query('SELECT dead_letter_id, payment_id FROM flagged_payments WHERE dead_letter_id = ANY($1::uuid[])', [[forged.id, invalid.id, refused.id]])) as { dead_letter_id: string; payment_id: string | null }[];
      expect(Object.fromEntries(flags.map((flag) => [flag.dead_letter_id, flag.payment_id]))).toEqual({ [forged.id]: null, [invalid.id]: null, [refused.id]: key });

      for (const deadLetter of [forged, invalid, refused]) {
        expect(await app.get(DeadLetterReplayer).replay(deadLetter.id)).toMatchObject({ outcome: 'not-replayable', reason: expect.stringContaining('only a handler failure can be replayed') });
      }
    });

    it('pages through dead letters newest first with a cursor, and filters by status', async () => {
      const store = app.get(DeadLetterStore);
      const all = await store.list({ limit: 200 });
      expect(all.items.length).toBeGreaterThanOrEqual(5);
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const after = cursor === null ? undefined : (parseDeadLetterCursor(cursor) ?? undefined);
        const page = await store.list({ limit: 2, after });
        pages.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(pages).toEqual(all.items.map((item) => item.id));
      const times = all.items.map((item) => item.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const replayed = await store.list({ status: 'replayed', limit: 200 });
      expect(replayed.items.length).toBeGreaterThanOrEqual(1);
      expect(replayed.items.every((item) => item.status === 'replayed')).toBe(true);
      expect(await store.get('not-a-uuid')).toBeNull();
    });

    it('writes a dead letter once when a chunk is redelivered after it committed', async () => {
      const message: KafkaMessage = { key: Buffer.from('k'), value: Buffer.from('{}'), offset: '987654', timestamp: '0', attributes: 0, headers: { [CE_HEADERS.ID]: 'redelivered\u0000id' } } as KafkaMessage;
      const letter = { message, reason: 'refused \u0000 twice?', attempts: 1, cause: 'rejected' as const };
      const first = await dataSource.transaction((manager) => recordDeadLetters(manager, 'redelivery-test', 'topic', 0, [letter]));
      const second = await dataSource.transaction((manager) => recordDeadLetters(manager, 'redelivery-test', 'topic', 0, [letter]));
      expect(first).toHaveLength(1);
      expect(first[0].record).toMatchObject({ ceId: 'redeliveredid', reason: 'refused  twice?', replayable: false });
      expect(second).toHaveLength(0);
    });
  });

  describe('outbox quarantine', () => {
    const onQuarantineTopic = (): KafkaMessage[] => seen.get(topics.prefix + QUARANTINE_TOPIC) ?? [];
    const sequenceOf = (message: KafkaMessage): number => (JSON.parse(message.value?.toString() ?? '{}') as { seq: number }).seq;

    /** Outbox rows straight into the table, in one statement, so the relay sees them together. */
    async function insertOutboxRows(rows: readonly { id: string; key: string; type?: string; data: object }[]): Promise<void> {
      await dataSource.query(
        `INSERT INTO outbox_messages (id, topic, record_key, type, source, subject, occurred_at, data, traceparent)
         SELECT id, $1, key, type, $2, NULL, now(), data::jsonb, NULL FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS r(id, key, type, data)`,
        [QUARANTINE_TOPIC, EVENT_SOURCES.BANK_CONNECTOR, rows.map((row) => row.id), rows.map((row) => row.key), rows.map((row) => row.type ?? 'it.quarantine.test.v1'), rows.map((row) => JSON.stringify(row.data))],
      );
    }

    it('sets aside a record the broker refuses for good and one it cannot encode, alerts, and publishes the rows behind them in order', async () => {
      const key = randomUUID();
      const otherKey = randomUUID();
      const tooLarge = randomUUID();
      const unencodable = randomUUID();
      const alertsBefore = await alertCount('outbox-record-quarantined');
      await insertOutboxRows([
        { id: randomUUID(), key, data: { seq: 1 } },
        { id: tooLarge, key, data: { seq: 2, padding: 'x'.repeat(QUARANTINE_MAX_MESSAGE_BYTES * 2), encryptedPin: PIN_BLOCK } },
        { id: randomUUID(), key, data: { seq: 3 } },
        { id: unencodable, key, type: '', data: { seq: 4 } },
        { id: randomUUID(), key, data: { seq: 5 } },
        { id: randomUUID(), key: otherKey, data: { seq: 6 } },
      ]);

      await eventually(() => expect(onQuarantineTopic().filter((message) => message.key?.toString() === key).map(sequenceOf)).toEqual([1, 3, 5]));
      // Another partition's row may have been taken by the broker with the refused request and then be sent
      // again while the culprit was looked for: consumers drop the copy by its id.
      await eventually(() => expect(onQuarantineTopic().filter((message) => message.key?.toString() === otherKey).map(sequenceOf)).toContain(6));
      await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(0));

      const { items } = await app.get(OutboxQuarantine).list({ limit: 200 });
      const byId = new Map(items.map((item) => [item.id, item]));
      expect(byId.get(tooLarge)).toMatchObject({ topic: QUARANTINE_TOPIC, recordKey: key, reason: expect.stringMatching(/^refused by the broker \(MESSAGE_TOO_LARGE\)/) });
      expect(byId.get(tooLarge)?.data).not.toHaveProperty('encryptedPin');
      expect(byId.get(tooLarge)?.data).toMatchObject({ seq: 2 });
      expect(byId.get(unencodable)).toMatchObject({ type: '', reason: expect.stringMatching(/^cannot be encoded or signed: /) });
      expect(await alertCount('outbox-record-quarantined')).toBe(alertsBefore + 2);
      expect(app.get(OutboxRelay).status().healthy).toBe(true);
    });

    it('requeues a set-aside record at the end of the outbox once the cause is fixed', async () => {
      const key = randomUUID();
      const large = randomUUID();
      await insertOutboxRows([{ id: large, key, data: { seq: 7, padding: 'y'.repeat(QUARANTINE_MAX_MESSAGE_BYTES * 2) } }]);
      await eventually(async () => expect((await app.get(OutboxQuarantine).list({ limit: 200 })).items.map((item) => item.id)).toContain(large));

      const admin = topics.kafka.admin();
      await admin.connect();
      try {
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2 /* TOPIC */, name: topics.prefix + QUARANTINE_TOPIC, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] }] });
      } finally {
        await admin.disconnect();
      }
      // The broker applies a topic's new config a moment after accepting it: requeue only once both
      // partitions take a record as large, or the requeued row is refused (and set aside) again.
      const probe = { key: 'probe', value: JSON.stringify({ seq: 0, padding: 'y'.repeat(QUARANTINE_MAX_MESSAGE_BYTES * 2) }) };
      const prober = topics.kafka.producer({ retry: { retries: 0 } });
      await prober.connect();
      try {
        for (const partition of [0, 1]) {
          await eventually(async () => {
            await prober.send({ topic: topics.prefix + QUARANTINE_TOPIC, acks: -1, messages: [{ ...probe, partition }] });
          });
        }
      } finally {
        await prober.disconnect();
      }
      expect(await app.get(OutboxQuarantine).requeue(large)).toMatchObject({ outcome: 'requeued' });
      await eventually(() => expect(onQuarantineTopic().filter((message) => message.key?.toString() === key).map(sequenceOf)).toEqual([7]));
      expect((await app.get(OutboxQuarantine).list({ limit: 200 })).items.map((item) => item.id)).not.toContain(large);
      expect(await app.get(OutboxQuarantine).requeue(large)).toEqual({ outcome: 'not-found' });
      expect(await app.get(OutboxQuarantine).requeue('not-a-uuid')).toEqual({ outcome: 'not-found' });
    });

    it('publishes nothing while another replica holds the relay lock, and everything, in order, once it is let go', async () => {
      const migrated = await createMigratedTestDatabase('messaging-relay-lock', { entities: [...MESSAGING_ENTITIES], migrations: MIGRATIONS });
      const holder = migrated.dataSource.createQueryRunner();
      const key = randomUUID();
      const lockName = 'it-relay-lock';
      const relay = new OutboxRelay(migrated.dataSource, () => topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 }), { batchSize: 10, pollIntervalMs: 100, lockName, topicPrefix: topics.prefix });
      try {
        for (const seq of [1, 2, 3]) {
          await migrated.dataSource.query(
            `INSERT INTO outbox_messages (id, topic, record_key, type, source, occurred_at, data) VALUES ($1, $2, $3, 'it.quarantine.test.v1', $4, now(), $5::jsonb)`,
            [randomUUID(), QUARANTINE_TOPIC, key, EVENT_SOURCES.BANK_CONNECTOR, JSON.stringify({ seq })],
          );
        }
        await holder.connect();
        await holder.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
        expect(await relay.publishBatch()).toBe(0);
        expect(await migrated.dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(3);

        await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
        expect(await relay.publishBatch()).toBe(3);
        expect(await migrated.dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(0);
        // An empty outbox: the lock is taken and nothing is read.
        expect(await relay.publishBatch()).toBe(0);
        await eventually(() => expect(onQuarantineTopic().filter((message) => message.key?.toString() === key).map(sequenceOf)).toEqual([1, 2, 3]));
      } finally {
        relay.start();
        await relay.stop();
        await holder.release();
        await migrated.close();
      }
    });

    it('quarantines nothing while the broker is unreachable or refuses the service itself, and keeps the rows', async () => {
      const migrated = await createMigratedTestDatabase('messaging-outage', { entities: [...MESSAGING_ENTITIES], migrations: MIGRATIONS });
      try {
        await migrated.dataSource.query(
          `INSERT INTO outbox_messages (id, topic, record_key, type, source, occurred_at, data) VALUES ($1, $2, 'k', 'it.quarantine.test.v1', $3, now(), '{"seq": 1}')`,
          [randomUUID(), QUARANTINE_TOPIC, EVENT_SOURCES.BANK_CONNECTOR],
        );
        const options = { batchSize: 10, pollIntervalMs: 100, lockName: 'it-outage', topicPrefix: topics.prefix };
        // Nothing listens on port 1: every attempt is a connection error, and kafkajs gives up (marking it not retriable).
        const down = new Kafka({ clientId: 'it-outage', brokers: ['127.0.0.1:1'], connectionTimeout: 300, retry: { retries: 1, initialRetryTime: 50 }, logLevel: logLevel.NOTHING });
        // A principal whose ACLs do not cover the test's topics: the broker refuses the service, not the record.
        const denied = new Kafka({ clientId: 'it-denied', brokers: testKafkaBrokers(), sasl: testKafkaSasl('notifications'), retry: { retries: 1, initialRetryTime: 50 }, logLevel: logLevel.NOTHING });
        for (const kafka of [down, denied]) {
          const relay = new OutboxRelay(migrated.dataSource, () => kafka.producer({ idempotent: true, maxInFlightRequests: 1 }), options);
          await expect(relay.publishBatch()).rejects.toThrow();
          expect(await migrated.dataSource.query('SELECT 1 FROM outbox_quarantine')).toHaveLength(0);
          expect(await migrated.dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(1);
          // The running relay backs off and retries; its shutdown drain fails the same way.
          relay.start();
          await relay.stop();
          expect(relay.status()).toMatchObject({ consecutiveFailures: 1, lastError: expect.any(String) });
          expect(await migrated.dataSource.query('SELECT 1 FROM outbox_quarantine')).toHaveLength(0);
          expect(await migrated.dataSource.query('SELECT 1 FROM outbox_messages')).toHaveLength(1);
        }
      } finally {
        await migrated.close();
      }
    });
  });
});
