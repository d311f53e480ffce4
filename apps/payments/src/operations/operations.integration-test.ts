import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet } from 'jose';
import { EVENT_SOURCES, EVENT_TYPES, KirimEvent, ServicePrincipal } from '@kirim/contracts';
import { ConsumerState, DeadLetterRecord, DeadLetterReplayer, DeadLetterStore, InboundMessageContext, MESSAGING_ENTITIES, OutboxQuarantine, OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import {
  AuthModule,
  ConfigModule,
  DeviceBindingRevocations,
  JWT_AUDIENCES,
  createLoggingModule,
  createServiceApp,
  InternalHttpClient,
  newOperatorKey,
  OperatorAuthModule,
  OperatorKeyring,
  parseOperatorKeyDigests,
  ServiceTokenSource,
  SystemClock,
  typeOrmOptions,
} from '@kirim/platform';
import { createTestDatabase, TestDatabase } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { PAYMENT_ENTITIES } from '../payment/payment-entities';
import { PaymentsConfig } from '../payments.config';
import { OperationsModule } from './operations.module';
import { paymentDeadLetterHooks } from './payment-dead-letter-hooks';
import { TypeOrmPaymentFlags } from './typeorm-payment-flags.repository';

/*
 * payments' operator API against real PostgreSQL, over HTTP: dead letters (listed, read, replayed,
 * with every outcome), the payment flag a dead-lettered bank answer raises and its replay clears,
 * the list of payments needing an operator, failed reversals retried and resolved (the payment's own
 * use cases), the outbox quarantine, and operator authentication on every one of them. The dead
 * letters are written as the messaging layer writes them; the replay runs the real
 * DeadLetterReplayer with a stand-in for the consumer's handlers (the messaging layer's own
 * integration test replays through the real consumer and broker).
 */

const CONSUMER_GROUP = 'kirim.payments';
const alice = newOperatorKey('alice');
const OPERATOR = '/internal/v1/operator';

class NoServiceTokens extends ServiceTokenSource {
  async tokenFor(_audience: ServicePrincipal): Promise<string> {
    throw new Error('no service calls in this test');
  }
  forget(): void {
    // Nothing is cached.
  }
}

/** PaymentModule's user endpoints need a guard; no user calls them here. */
class NoRevocations extends DeviceBindingRevocations {
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

/** What the replayed handler does: succeed, or fail again with this reason. */
let handlerFailure: string | null = null;
const replayedEvents: KirimEvent<object>[] = [];

let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
const hooks = paymentDeadLetterHooks(new TypeOrmPaymentFlags(), new SystemClock());

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('payments_operations');
  const parsed = parseOperatorKeyDigests(alice.digestEntry);
  if (!parsed.ok) throw new Error(parsed.reason);
  const env = { HTTP_PORT: '1', DATABASE_URL: database.url, KAFKA_BROKERS: '127.0.0.1:1', IDENTITY_JWKS_URL: 'http://127.0.0.1:1/.well-known/jwks.json', IDENTITY_URL: 'http://127.0.0.1:1' };

  @Global()
  @Module({
    providers: [
      { provide: InternalHttpClient, useValue: new InternalHttpClient({ baseUrls: {}, tokens: new NoServiceTokens() }) },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.PAYMENTS)) },
      // No consumer here: nothing applied, no apply delay (backpressure reads the outbox alone).
      { provide: ConsumerState, useValue: new ConsumerState(15_000) },
      { provide: DeadLetterStore, inject: [DataSource], useFactory: (source: DataSource) => new DeadLetterStore(source) },
      { provide: OutboxQuarantine, inject: [DataSource], useFactory: (source: DataSource) => new OutboxQuarantine(source) },
      {
        provide: DeadLetterReplayer,
        inject: [DataSource],
        useFactory: (source: DataSource) =>
          new DeadLetterReplayer(
            source,
            new OutboxWriter(EVENT_SOURCES.PAYMENTS),
            {
              dispatchEvent: async (event: KirimEvent<object>, _context: InboundMessageContext) => {
                if (handlerFailure !== null) throw new Error(handlerFailure);
                replayedEvents.push(event);
              },
            },
            { consumerGroup: CONSUMER_GROUP, onReplayed: hooks.onReplayed },
          ),
      },
    ],
    exports: [InternalHttpClient, TransactionRunner, ConsumerState, DeadLetterStore, OutboxQuarantine, DeadLetterReplayer],
  })
  class MessagingStandInModule {}

  @Module({
    imports: [
      ConfigModule.forRoot(PaymentsConfig, env),
      createLoggingModule('payments-it'),
      TypeOrmModule.forRoot(typeOrmOptions({ url: database.url, entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS, applicationName: 'payments-it' })),
      OperatorAuthModule.forRoot({ keyring: new OperatorKeyring(parsed.digests) }),
      AuthModule.forRoot({ audience: JWT_AUDIENCES.PAYMENTS, keyResolver: createLocalJWKSet({ keys: [] }), revocations: new NoRevocations() }),
      MessagingStandInModule,
      OperationsModule,
    ],
  })
  class OperationsTestModule {}
  app = await createServiceApp(OperationsTestModule, { serviceName: 'payments-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE payments, idempotency_keys, payment_flags, dead_letters, outbox_quarantine, outbox_messages, inbox_messages CASCADE');
  handlerFailure = null;
  replayedEvents.length = 0;
});

async function call<T = Record<string, unknown>>(method: string, path: string, options: { body?: unknown; authorization?: string | null } = {}) {
  const authorization = options.authorization === undefined ? `Bearer ${alice.key}` : options.authorization;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(authorization !== null ? { authorization } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T & { code?: string; detail?: string }, contentType: response.headers.get('content-type') ?? '' };
}

/** A payment row as payments stores it. */
async function storedPayment(status: string, extra: Record<string, unknown> = {}): Promise<string> {
  const id = randomUUID();
  const columns: Record<string, unknown> = {
    id,
    txn_id: `KRM${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 32)}`,
    payer_user_id: randomUUID(),
    payee_user_id: randomUUID(),
    payer_bank_code: 'SBXA',
    payer_account_ref: randomUUID(),
    payee_bank_code: 'SBXB',
    payee_account_ref: randomUUID(),
    amount_minor: 50_000,
    currency: 'INR',
    status,
    debit_request_id: randomUUID(),
    credit_request_id: randomUUID(),
    created_at: new Date(Date.now() - 3_600_000),
    updated_at: new Date(Date.now() - 3_600_000),
    ...extra,
  };
  const names = Object.keys(columns);
  await dataSource.query(`INSERT INTO payments (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(columns));
  return id;
}

/** A bank answer the consumer dead-lettered, written as the messaging layer writes it, then payments' hook as the consumer runs it. */
async function deadLettered(paymentId: string, options: { replayable?: boolean; recordKey?: string | null } = {}): Promise<DeadLetterRecord> {
  const replayable = options.replayable ?? true;
  const event: KirimEvent<object> = {
    id: randomUUID(),
    type: EVENT_TYPES.BANK_CREDIT_SUCCEEDED,
    source: EVENT_SOURCES.BANK_CONNECTOR,
    time: new Date().toISOString(),
    key: paymentId,
    data: { requestId: randomUUID(), paymentId, purpose: 'payment', bankCode: 'SBXB', accountRef: randomUUID(), amount: { value: '500.00', currency: 'INR' }, resultCode: '00', rrn: '000000000001' },
  };
  const [row] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO dead_letters (id, consumer_group, topic, partition, kafka_offset, record_key, ce_id, ce_type, ce_source, reason, attempts, replayable, event)
       VALUES ($1, $2, 'bank.responses.v1', 0, $3, $4, $5, $6, $7, $8, 3, $9, $10::jsonb) RETURNING id`,
      [
        randomUUID(),
        CONSUMER_GROUP,
        Math.floor(Math.random() * 1e9),
        options.recordKey === undefined ? paymentId : options.recordKey,
        event.id,
        event.type,
        event.source,
        replayable ? 'Error: payments row could not be read' : 'refused: the answer does not match its request',
        replayable,
        replayable ? JSON.stringify(event) : null,
      ],
    );
  const record = await new DeadLetterStore(dataSource).get(row.id);
  if (!record) throw new Error('dead letter not written');
  // As the consumer does: the validated event for a handler failure, none for a refusal before decoding.
  await dataSource.transaction((manager) => hooks.onDeadLettered?.(manager, record, replayable ? event : null, replayable ? 'handler-failed' : 'rejected') ?? Promise.resolve());
  return record;
}

interface NeedsOperatorPage {
  payments: { paymentId: string; status: string | null; reasons: string[]; flags: { deadLetterId: string }[]; payment: { status: string } | null }[];
  nextCursor: string | null;
}

async function needsOperator(): Promise<NeedsOperatorPage['payments']> {
  const all: NeedsOperatorPage['payments'] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page += 1) {
    const listed: { status: number; body: NeedsOperatorPage } = await call<NeedsOperatorPage>('GET', `${OPERATOR}/payments/needing-operator?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(listed.status).toBe(200);
    all.push(...listed.body.payments);
    cursor = listed.body.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error('needing-operator did not end');
}

describe('payments operator API (PostgreSQL, HTTP)', () => {
  it('flags the payment of a dead-lettered answer, lists it as needing an operator, and clears the flag when the replay succeeds', async () => {
    const paymentId = await storedPayment('credit_pending');
    const deadLetter = await deadLettered(paymentId);

    const listed = await call<{ deadLetters: { deadLetterId: string; reason: string; replayable: boolean; status: string }[]; nextCursor: string | null }>('GET', `${OPERATOR}/dead-letters?status=open`);
    expect(listed.body.deadLetters).toEqual([expect.objectContaining({ deadLetterId: deadLetter.id, reason: 'Error: payments row could not be read', replayable: true, status: 'open' })]);
    const one = await call<{ event: { data: { paymentId: string } } }>('GET', `${OPERATOR}/dead-letters/${deadLetter.id}`);
    expect(one.body.event.data.paymentId).toBe(paymentId);
    expect(await needsOperator()).toEqual([expect.objectContaining({ paymentId, status: 'credit_pending', reasons: ['dead-lettered-answer'], flags: [expect.objectContaining({ deadLetterId: deadLetter.id })] })]);

    const replayed = await call<{ outcome: string; deadLetter: { status: string } }>('POST', `${OPERATOR}/dead-letters/${deadLetter.id}/replay`);

    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ outcome: 'replayed', deadLetter: { status: 'replayed' } });
    expect(replayedEvents.map((event) => event.id)).toEqual([deadLetter.ceId]);
    expect(await needsOperator()).toEqual([]);
    // A second replay is a conflict and applies nothing again.
    const again = await call('POST', `${OPERATOR}/dead-letters/${deadLetter.id}/replay`);
    expect([again.status, again.body.code]).toEqual([409, 'conflict']);
    expect(replayedEvents).toHaveLength(1);
  });

  it('flags a payment whose row is missing or unreadable, by the record key of an answer refused before decoding', async () => {
    const unknownPayment = randomUUID();
    const deadLetter = await deadLettered(unknownPayment, { replayable: false });
    expect(await needsOperator()).toEqual([expect.objectContaining({ paymentId: unknownPayment, status: null, reasons: ['dead-lettered-answer'] })]);
    const refused = await call('POST', `${OPERATOR}/dead-letters/${deadLetter.id}/replay`);
    expect([refused.status, refused.body.code]).toEqual([409, 'conflict']);
    expect(refused.body.detail).toContain('cannot be replayed');
    // Not replayed: still flagged.
    expect(await needsOperator()).toHaveLength(1);
  });

  it('answers 422 with the reason when the handler fails again, keeps the flag, and 404 for an unknown dead letter', async () => {
    const paymentId = await storedPayment('credit_pending');
    const deadLetter = await deadLettered(paymentId);
    handlerFailure = 'the payment row is still unreadable';

    const failed = await call('POST', `${OPERATOR}/dead-letters/${deadLetter.id}/replay`);

    expect(failed.status).toBe(422);
    expect(failed.body.code).toBe('replay-failed');
    expect(failed.body.detail).toContain('the payment row is still unreadable');
    expect((await call<{ replayAttempts: number; lastReplayError: string; status: string }>('GET', `${OPERATOR}/dead-letters/${deadLetter.id}`)).body).toMatchObject({ status: 'open', replayAttempts: 1, lastReplayError: expect.stringContaining('still unreadable') });
    expect(await needsOperator()).toEqual([expect.objectContaining({ paymentId, flags: [expect.objectContaining({ deadLetterId: deadLetter.id })] })]);
    expect((await call('POST', `${OPERATOR}/dead-letters/${randomUUID()}/replay`)).status).toBe(404);
    expect((await call('GET', `${OPERATOR}/dead-letters/${randomUUID()}`)).status).toBe(404);
  });

  it('pages through flagged payments and then the payments needing an operator for their own reasons', async () => {
    const flagged = [await storedPayment('credit_pending'), await storedPayment('debit_pending'), await storedPayment('credit_pending')];
    for (const paymentId of flagged) await deadLettered(paymentId);
    const exhausted = await storedPayment('reversal_failed', { reversal_request_id: randomUUID(), reversal_attempts: 6, reversal_failure: 'declined', leg_check_at: null });

    const listed = await needsOperator();

    expect(listed.map((item) => item.paymentId)).toEqual([...flagged, exhausted]);
    expect(listed[3]).toMatchObject({ reasons: ['reversal-retries-exhausted'], payment: { status: 'reversal_failed' }, flags: [] });
  });

  it('retries and resolves a failed reversal with the operator in the audit trail, and refuses it in another state', async () => {
    const reversal = { reversal_request_id: randomUUID(), reversal_attempts: 6, reversal_failure: 'declined', leg_check_at: null };
    const toRetry = await storedPayment('reversal_failed', reversal);
    const toResolve = await storedPayment('reversal_failed', reversal);
    const completed = await storedPayment('completed');

    const retried = await call<{ status: string }>('POST', `${OPERATOR}/payments/${toRetry}/reversal-retries`, { body: { note: 'bank fixed the account' } });
    const resolved = await call<{ status: string }>('POST', `${OPERATOR}/payments/${toResolve}/reversal-resolution`, { body: { reference: 'SBXA-MANUAL-42' } });

    expect([retried.status, retried.body.status]).toEqual([200, 'reversal_pending']);
    expect([resolved.status, resolved.body.status]).toEqual([200, 'reversed']);
    const actions = await dataSource.query<{ payment_id: string; action: string; operator: string }[]>(
      'SELECT payment_id, action, operator FROM payment_operator_actions WHERE payment_id = ANY($1::uuid[]) ORDER BY occurred_at',
      [[toRetry, toResolve]],
    );
    expect(actions).toEqual([
      { payment_id: toRetry, action: 'retry-reversal', operator: 'alice' },
      { payment_id: toResolve, action: 'resolve-reversal', operator: 'alice' },
    ]);
    const wrongState = await call('POST', `${OPERATOR}/payments/${completed}/reversal-resolution`, { body: { reference: 'x' } });
    expect([wrongState.status, wrongState.body.code]).toEqual([409, 'conflict']);
    expect((await call('POST', `${OPERATOR}/payments/${randomUUID()}/reversal-retries`, { body: {} })).status).toBe(404);
    expect((await call('POST', `${OPERATOR}/payments/${toResolve}/reversal-resolution`, { body: {} })).body).toMatchObject({ status: 400, code: 'validation-failed' });
  });

  it('lists the outbox quarantine and requeues a message to the end of the outbox', async () => {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO outbox_quarantine (position, id, topic, record_key, type, source, occurred_at, data, reason) VALUES (7, $1, 'bank.requests.v1', $2, $3, $4, now(), '{}'::jsonb, 'refused by the broker (MESSAGE_TOO_LARGE): too large')`,
      [id, randomUUID(), EVENT_TYPES.BANK_DEBIT_REQUESTED, EVENT_SOURCES.PAYMENTS],
    );
    const listed = await call<{ messages: { messageId: string; reason: string }[] }>('GET', `${OPERATOR}/outbox-quarantine`);
    expect(listed.body.messages).toEqual([expect.objectContaining({ messageId: id, reason: expect.stringContaining('MESSAGE_TOO_LARGE') })]);
    expect((await call('POST', `${OPERATOR}/outbox-quarantine/${id}/requeue`)).body).toMatchObject({ outcome: 'requeued' });
    expect(await dataSource.query('SELECT id FROM outbox_messages')).toEqual([{ id }]);
    expect((await call('POST', `${OPERATOR}/outbox-quarantine/${id}/requeue`)).status).toBe(404);
  });

  it('validates ids, cursors and limits', async () => {
    for (const path of [
      `${OPERATOR}/dead-letters/not-a-uuid`,
      `${OPERATOR}/dead-letters?limit=0`,
      `${OPERATOR}/dead-letters?after=%25%25`,
      `${OPERATOR}/dead-letters?after=bm90LWEtY3Vyc29y`,
      `${OPERATOR}/dead-letters?status=closed`,
      `${OPERATOR}/payments/needing-operator?limit=101`,
      `${OPERATOR}/payments/needing-operator?cursor=bm90LWEtY3Vyc29y`,
      `${OPERATOR}/outbox-quarantine?before=x`,
    ]) {
      const refused = await call('GET', path);
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 400, code: 'validation-failed' });
    }
  });

  describe('operator authentication on every operator endpoint', () => {
    const userToken = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImxvY2FsLTEifQ.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJhdWQiOlsicGF5bWVudHMiXX0.c2lnbmF0dXJl';
    const serviceToken = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiYW5rLWNvbm5lY3RvciIsImNsaWVudF9pZCI6ImJhbmstY29ubmVjdG9yIn0.c2ln';

    it.each([
      ['no key', null],
      ['a wrong key', `Bearer ${newOperatorKey('alice').key}`],
      ['a user token', `Bearer ${userToken}`],
      ['a service token', `Bearer ${serviceToken}`],
    ])('refuses %s with 401 problem+json and changes nothing', async (_label, authorization) => {
      const paymentId = await storedPayment('reversal_failed', { reversal_request_id: randomUUID(), reversal_attempts: 6, reversal_failure: 'declined', leg_check_at: null });
      const deadLetter = await deadLettered(paymentId);
      const before = await dataSource.query('SELECT status, reversal_attempts FROM payments WHERE id = $1', [paymentId]);
      for (const [method, path, body] of [
        ['GET', `${OPERATOR}/payments/needing-operator`, undefined],
        ['POST', `${OPERATOR}/payments/${paymentId}/reversal-retries`, {}],
        ['POST', `${OPERATOR}/payments/${paymentId}/reversal-resolution`, { reference: 'x' }],
        ['GET', `${OPERATOR}/dead-letters`, undefined],
        ['GET', `${OPERATOR}/dead-letters/${deadLetter.id}`, undefined],
        ['POST', `${OPERATOR}/dead-letters/${deadLetter.id}/replay`, undefined],
        ['GET', `${OPERATOR}/outbox-quarantine`, undefined],
        ['POST', `${OPERATOR}/outbox-quarantine/${randomUUID()}/requeue`, undefined],
      ] as const) {
        const refused = await call(method, path, { authorization, ...(body !== undefined ? { body } : {}) });
        expect({ path, status: refused.status, code: refused.body.code, problem: refused.contentType.includes('application/problem+json') }).toEqual({ path, status: 401, code: 'unauthenticated', problem: true });
      }
      expect(await dataSource.query('SELECT status, reversal_attempts FROM payments WHERE id = $1', [paymentId])).toEqual(before);
      expect(await dataSource.query('SELECT status FROM dead_letters WHERE id = $1', [deadLetter.id])).toEqual([{ status: 'open' }]);
      expect(await dataSource.query('SELECT count(*)::int AS open FROM payment_flags WHERE cleared_at IS NULL')).toEqual([{ open: 1 }]);
      expect(await dataSource.query('SELECT count(*)::int AS actions FROM payment_operator_actions WHERE payment_id = $1', [paymentId])).toEqual([{ actions: 0 }]);
      expect(replayedEvents).toEqual([]);
    });

    it('lets the right key in', async () => {
      expect((await call('GET', `${OPERATOR}/payments/needing-operator`)).status).toBe(200);
      expect((await call('GET', `${OPERATOR}/dead-letters`)).status).toBe(200);
      expect((await call('GET', `${OPERATOR}/outbox-quarantine`)).status).toBe(200);
    });
  });
});
