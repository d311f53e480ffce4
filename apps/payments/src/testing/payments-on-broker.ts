// payments' real modules against the real broker and PostgreSQL, with a fault-injecting bank, for integration tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet } from 'jose';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  CE_HEADERS,
  CONSUMER_GROUPS,
  EVENT_CATALOGUE,
  EVENT_SOURCES,
  FreshnessWindow,
  generateRecordSigningKeyPair,
  isEventType,
  loadRecordSigningKey,
  PaymentLifecycleEvent,
  PROBLEM_CODES,
  RESULT_CODES,
  TOPICS,
  TrustedSigningKeys,
} from '@kirim/contracts';
import { connectKafkaTransport, decodeCloudEvent, headerText, KafkaReadinessCheck, MESSAGING_ENTITIES, MessagingModule, RecordSigner, RecordVerifier } from '@kirim/messaging';
import { AuthModule, ConfigModule, DeviceBindingRevocations, JWT_AUDIENCES, SystemClock, typeOrmModuleOptions } from '@kirim/platform';
import { createPrefixedTopics, createTestDatabase, eventually, testKafkaClientConfig, testKafkaEnv } from '@kirim/testing';
import { loadSchemeProfile, SchemeProfile } from '../limits/scheme-profile';
import { LockChunkPayments } from '../payment/lock-chunk-payments.preparer';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { paymentDeadLetterHooks } from '../operations/payment-dead-letter-hooks';
import { TypeOrmPaymentFlags } from '../operations/typeorm-payment-flags.repository';
import { PartyDirectory, PartyLookupResult, PayeeIdentifier, PaymentParties, PaymentParty } from '../payment/party-directory';
import { statusChecksPerLeg } from '../payment/leg-timer';
import { Payment } from '../payment/payment';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { PaymentModule } from '../payment/payment.module';
import { PaymentRepository } from '../payment/payment.repository';
import { MerchantAddressRegistry } from '../merchant/merchant-address-registry';
import { MerchantModule } from '../merchant/merchant.module';
import { PaymentsConfig } from '../payments.config';
import { BankLegName, FaultInjectingBank } from './fault-injecting-bank';
import { InMemoryMerchantAddressRegistry } from './in-memory-merchant-addresses';

/**
 * identity's answers, from parties the test registers: payers by user id, payees by phone or by
 * payment address. An address paid by its own owner is identity's self-payment refusal (how
 * onboarding proves a settlement address is the owner's); an unknown address is not found.
 */
export class PartyBook extends PartyDirectory {
  private readonly payers = new Map<string, PaymentParty>();
  private readonly byPhone = new Map<string, PaymentParties['payee']>();
  private readonly byAddress = new Map<string, PaymentParties['payee']>();

  addPayer(payer: PaymentParty): void {
    this.payers.set(payer.userId, payer);
  }

  addPayee(named: { readonly phone: string } | { readonly address: string }, payee: PaymentParties['payee']): void {
    if ('phone' in named) this.byPhone.set(named.phone, payee);
    else this.byAddress.set(named.address.toLowerCase(), payee);
  }

  async resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    const payer = this.payers.get(payerUserId);
    if (!payer) throw new Error('the test did not register this payer');
    const named = payee.phone !== undefined ? this.byPhone.get(payee.phone) : this.byAddress.get(payee.address.toLowerCase());
    if (!named) return { ok: false, failure: { kind: 'refused', status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'No user has this address.', resultCode: RESULT_CODES.INVALID_ADDRESS } };
    if (named.userId === payerUserId) return { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'The payer and the payee are the same user.' } };
    return { ok: true, parties: { payer, payee: named } };
  }
}

class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

/** A lifecycle event as it came off payments.events.v1. */
export interface ObservedLifecycleEvent {
  readonly id: string;
  readonly type: string;
  readonly data: PaymentLifecycleEvent;
}

export interface PaymentsOnBrokerOptions {
  /** A scheme profile document (`"extends": "upi"` with a compressed clock), written to a file as SCHEME_PROFILE_FILE. */
  readonly profileDocument: object;
  /** MESSAGE_MAX_AGE_MS and MESSAGE_MAX_FUTURE_SKEW_MS, for payments and for the bank's checks alike. */
  readonly freshness: FreshnessWindow;
  readonly legCheckIntervalMs: number;
}

/**
 * payments as it runs, but for identity (a PartyBook and an in-memory merchant address registry) and the HTTP edge: its PaymentModule (the
 * bank-answer consumer, the timer poller, the use cases), the messaging module with its outbox relay
 * and signed records, its migrations, on a fresh database and a fresh topic prefix. The fault-injecting
 * bank plays bank-connector on the same broker, and an observer reads payments.events.v1.
 */
export class PaymentsOnBroker {
  private readonly lifecycle = new Map<string, ObservedLifecycleEvent[]>();
  private readonly observedOffsets = new Map<number, bigint>();
  private readonly undecodable: string[] = [];

  /** Admin client on the broker, for the topics' offsets. */
  private topicsClient?: Kafka;

  private constructor(
    readonly app: INestApplication,
    readonly dataSource: DataSource,
    readonly bank: FaultInjectingBank,
    readonly parties: PartyBook,
    readonly profile: SchemeProfile,
    readonly topicPrefix: string,
    /** Closes everything start made, last made first. */
    private readonly teardown: ReadonlyArray<() => unknown>,
    private readonly observer: Consumer,
  ) {}

  static async start(options: PaymentsOnBrokerOptions): Promise<PaymentsOnBroker> {
    // Undone in reverse if a later step fails, so a failed start leaves no database, topics or clients behind.
    const undo: Array<() => unknown> = [];
    try {
      const database = await createTestDatabase('payment_properties');
      undo.push(() => database.drop());
      const topics = await createPrefixedTopics('payprops');
      undo.push(() => topics.deleteTopics());
      const scratchDir = mkdtempSync(join(tmpdir(), 'kirim-payment-properties-'));
      undo.push(() => rmSync(scratchDir, { recursive: true, force: true }));
      const environmentBefore = { ...process.env };
      undo.push(() => restoreEnvironment(environmentBefore));
      const paymentsKey = await generateRecordSigningKeyPair('payments:it');
      const bankConnectorKey = await generateRecordSigningKeyPair('bank-connector:it');
      const jwks = { keys: [paymentsKey.publicJwk, bankConnectorKey.publicJwk] };
      writeFileSync(join(scratchDir, 'platform.jwks.json'), JSON.stringify(jwks));
      writeFileSync(join(scratchDir, 'scheme-profile.json'), JSON.stringify(options.profileDocument));
      Object.assign(process.env, testKafkaEnv(), {
        KAFKA_TOPIC_PREFIX: topics.prefix,
        DATABASE_URL: database.url,
        // Required by the config; nothing listens (the HTTP edge is not started) and identity is the PartyBook.
        HTTP_PORT: '3999',
        IDENTITY_URL: 'http://127.0.0.1:9/',
        IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
        SCHEME_PROFILE_FILE: join(scratchDir, 'scheme-profile.json'),
        MESSAGE_MAX_AGE_MS: String(options.freshness.maxAgeMs),
        MESSAGE_MAX_FUTURE_SKEW_MS: String(options.freshness.maxFutureSkewMs),
        PAYMENT_LEG_CHECK_INTERVAL_MS: String(options.legCheckIntervalMs),
        MESSAGE_SIGNING_KEY: paymentsKey.privateKeyPem,
        MESSAGE_SIGNING_KEY_ID: 'payments:it',
        MESSAGE_TRUSTED_KEYS_FILE: join(scratchDir, 'platform.jwks.json'),
      });
      const parties = new PartyBook();

      @Module({
        imports: [
          ConfigModule.forRoot(PaymentsConfig),
          TypeOrmModule.forRootAsync({
            inject: [PaymentsConfig],
            useFactory: (config: PaymentsConfig) =>
              typeOrmModuleOptions({ url: config.DATABASE_URL, entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS, applicationName: 'kirim-payment-properties-it' }),
          }),
          // As AppModule has it.
          MessagingModule.forRoot({
            source: EVENT_SOURCES.PAYMENTS,
            consumer: { groupId: CONSUMER_GROUPS.PAYMENTS, topics: [TOPICS.BANK_RESPONSES] },
            deadLetterHooks: paymentDeadLetterHooks(new TypeOrmPaymentFlags(), new SystemClock()),
          }),
          // The HTTP edge's guard needs it; no user calls in (nothing verifies a token here).
          AuthModule.forRoot({ audience: JWT_AUDIENCES.PAYMENTS, keyResolver: createLocalJWKSet({ keys: [] }), revocations: new NoRevocations() }),
          PaymentModule,
          // Merchants' orders and refunds are payments too.
          MerchantModule,
        ],
      })
      class PaymentsUnderTestModule {}

      const moduleRef = await Test.createTestingModule({ imports: [PaymentsUnderTestModule] })
        .overrideProvider(PartyDirectory)
        .useValue(parties)
        // identity's reservation of merchant addresses (docs/merchants.md), kept in memory with its rules.
        .overrideProvider(MerchantAddressRegistry)
        .useValue(new InMemoryMerchantAddressRegistry())
        .compile();
      const app = moduleRef.createNestApplication({ logger: false });
      undo.push(() => closeApp(app));
      // As main.ts wires it: each chunk's payments locked with one statement first.
      connectKafkaTransport(app, { chunkPreparer: app.get(LockChunkPayments) });
      await app.startAllMicroservices();
      await app.init();
      const dataSource = app.get(DataSource);
      const payments = app.get(PaymentRepository);
      const profile = loadSchemeProfile({ name: 'upi', file: join(scratchDir, 'scheme-profile.json') });

      const trusted = await TrustedSigningKeys.ofPlatform(jwks);
      // The bank's and the observer's client: kafkajs' own retries (a coordinator still loading) are not news.
      const kafka = new Kafka({ clientId: 'payment-properties-it', ...testKafkaClientConfig(), logLevel: logLevel.NOTHING });
      const bank = new FaultInjectingBank({
        kafka,
        topicPrefix: topics.prefix,
        signer: new RecordSigner(loadRecordSigningKey(bankConnectorKey.privateKeyPem, 'bank-connector:it')),
        verifier: new RecordVerifier(trusted, options.freshness),
        // The request and each of its status checks.
        copiesPerAttempt: 1 + statusChecksPerLeg(profile.statusChecks),
        deemed: (leg, paymentId, requestId, signal) => untilDeemed(payments, leg, paymentId, requestId, signal, options.legCheckIntervalMs),
      });
      undo.push(() => bank.stop());
      await bank.start();

      const observer = kafka.consumer({ groupId: `${topics.prefix}lifecycle-observer`, maxWaitTimeInMs: 100 });
      undo.push(() => observer.disconnect());
      const harness = new PaymentsOnBroker(app, dataSource, bank, parties, profile, topics.prefix, [...undo].reverse(), observer);
      harness.topicsClient = kafka;
      await observer.connect();
      await observer.subscribe({ topic: topics.prefix + TOPICS.PAYMENTS_EVENTS, fromBeginning: true });
      await observer.run({ eachMessage: async ({ partition, message }) => harness.observe(partition, message) });
      await eventually(async () => expectUp(await app.get(KafkaReadinessCheck).check()), { timeoutMs: 30_000 });
      return harness;
    } catch (error) {
      await runAll([...undo].reverse());
      throw error;
    }
  }

  /** Lifecycle events of `paymentId` in the order of the topic, each CloudEvent once (a relay may send a record again). */
  lifecycleOf(paymentId: string): readonly ObservedLifecycleEvent[] {
    return this.lifecycle.get(paymentId) ?? [];
  }

  /** Records on payments.events.v1 the observer could not read as a lifecycle event. */
  get unreadableLifecycleRecords(): readonly string[] {
    return this.undecodable;
  }

  /**
   * Nothing left in motion for `paymentIds`: every one settled (`settled` says when), payments'
   * outbox published, every leg request taken by the bank and nothing held back, every bank answer in
   * payments' inbox, the observer at the end of payments.events.v1, and the payments' rows the same
   * at the end of these checks as at their start (no answer moved one meanwhile). Throws otherwise.
   */
  async assertQuiet(paymentIds: readonly string[], settled: (payment: Payment) => boolean): Promise<void> {
    const before = await this.rowsOf(paymentIds);
    const unsettled = before.filter((payment) => !settled(payment));
    if (unsettled.length > 0) throw new Error(`not settled yet: ${unsettled.map((payment) => `${payment.id} ${payment.status}`).join(', ')}`);
    const [{ count: unpublished }] = await this.dataSource.query('SELECT count(*)::int AS count FROM outbox_messages');
    if (unpublished > 0) throw new Error(`${unpublished} outbox rows not published yet`);
    if (!this.topicsClient) throw new Error('not started');
    const admin = this.topicsClient.admin();
    await admin.connect();
    try {
      const requests = await admin.fetchTopicOffsets(this.topicPrefix + TOPICS.BANK_REQUESTS);
      const busy = this.bank.busyWith(requests);
      if (busy !== null) throw new Error(`the bank is not done: ${busy}`);
      const answers = [...this.bank.answersSent];
      const consumed: Array<{ id: string }> =
        answers.length === 0
          ? []
          : await this.dataSource.query('SELECT message_id AS id FROM inbox_messages WHERE consumer_group = $1 AND message_id = ANY($2)', [
              this.topicPrefix + CONSUMER_GROUPS.PAYMENTS,
              answers,
            ]);
      if (consumed.length < answers.length) throw new Error(`${answers.length - consumed.length} bank answers not consumed yet`);
      const events = await admin.fetchTopicOffsets(this.topicPrefix + TOPICS.PAYMENTS_EVENTS);
      if (!events.every(({ partition, high }) => (this.observedOffsets.get(partition) ?? 0n) >= BigInt(high))) throw new Error('lifecycle events not all observed yet');
    } finally {
      await admin.disconnect();
    }
    const after = await this.rowsOf(paymentIds);
    if (after.map(changeMarks).join('|') !== before.map(changeMarks).join('|')) throw new Error('payments moved while checking');
  }

  /** Bank answers payments dead-lettered instead of applying (each would leave the model's ending unreached). */
  async deadLetteredAnswers(): Promise<Array<{ ce_id: string; reason: string }>> {
    return this.dataSource.query('SELECT ce_id, reason FROM dead_letters');
  }

  /** Payments flagged for an operator by a dead-lettered answer, and not cleared. */
  async openPaymentFlags(): Promise<Array<{ payment_id: string; detail: string }>> {
    return this.dataSource.query('SELECT payment_id, detail FROM payment_flags WHERE cleared_at IS NULL');
  }

  async rowsOf(paymentIds: readonly string[]): Promise<Payment[]> {
    const payments = this.app.get(PaymentRepository);
    const rows = await Promise.all(paymentIds.map((id) => payments.findById(id)));
    return rows.map((row, index) => {
      if (!row) throw new Error(`payment ${paymentIds[index]} not stored`);
      return row;
    });
  }

  async close(): Promise<void> {
    await runAll(this.teardown);
  }

  private observe(partition: number, message: KafkaMessage): void {
    const decoded = decodeCloudEvent(TOPICS.PAYMENTS_EVENTS, message);
    if (!decoded.ok) this.undecodable.push(`${headerText(message.headers, CE_HEADERS.ID) ?? '?'}: ${decoded.reason}`);
    // The topic carries more than payments' lifecycle (a merchant's onboarding, keyed by the merchant): those are no payment's.
    else if (isLifecycleType(decoded.event.type)) {
      const seen = this.lifecycle.get(decoded.event.key) ?? [];
      if (!seen.some((event) => event.id === decoded.event.id)) seen.push({ id: decoded.event.id, type: decoded.event.type, data: decoded.event.data as PaymentLifecycleEvent });
      this.lifecycle.set(decoded.event.key, seen);
    }
    this.observedOffsets.set(partition, BigInt(message.offset) + 1n);
  }
}

function isLifecycleType(type: string): boolean {
  return isEventType(type) && EVENT_CATALOGUE[type].payload === PaymentLifecycleEvent;
}

/** What any change of a payment touches, status checks included. */
function changeMarks(payment: Payment): string {
  return [payment.id, payment.status, payment.updatedAt.toISOString(), payment.legChecks, payment.legCheckAt?.toISOString(), payment.lateCreditAt?.toISOString(), payment.reversalAttempts].join(',');
}

/** Runs each step even when one fails; the first failure is thrown at the end. */
async function runAll(steps: ReadonlyArray<() => unknown>): Promise<void> {
  let failure: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

async function closeApp(app: INestApplication): Promise<void> {
  await Promise.all(app.getMicroservices().map((microservice) => microservice.close()));
  await app.close();
}

function restoreEnvironment(before: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
  Object.assign(process.env, before);
}

function expectUp(result: Record<string, { status?: string } & Record<string, unknown>>): void {
  if (result['kafka']?.status !== 'up') throw new Error(`payments not ready: ${JSON.stringify(result['kafka'])}`);
}

/**
 * Resolves once payments has given the leg its deemed outcome: a debit or credit deemed failed, a
 * reversal attempt deemed unanswered (or already retried with the same requestId). Polls the row.
 */
async function untilDeemed(payments: PaymentRepository, leg: BankLegName, paymentId: string, requestId: string, signal: AbortSignal, intervalMs: number): Promise<void> {
  const first = await payments.findById(paymentId);
  const attemptAtRequest = first?.reversalRequestId === requestId ? first.reversalAttempts : 0;
  for (;;) {
    if (signal.aborted) throw new Error('stopped');
    const payment = await payments.findById(paymentId);
    if (payment) {
      if (leg === 'debit' && payment.deemedLeg === 'debit') return;
      if (leg === 'credit' && payment.deemedLeg === 'credit') return;
      if (leg === 'reversal' && payment.reversalRequestId === requestId) {
        if (payment.status === 'reversal_failed' && payment.reversalFailure === 'unanswered') return;
        if (payment.reversalAttempts > attemptAtRequest) return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
