/**
 * The payments use cases against real PostgreSQL with the real migrations: the payment, its
 * idempotency key and its outbox rows are written together; retries and races create one payment;
 * bank results drive the saga and duplicates change nothing. Kafka is not involved: the use cases
 * run in a real UnitOfWork whose outbox rows are what the relay would publish.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BankLegResult, EVENT_SOURCES, EVENT_TYPES, TOPICS } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { FakePartyDirectory } from '../testing/payment-fakes';
import { ApplyBankLegResultUseCase, BankLeg, BankLegOutcome, UnknownPaymentError } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { RandomIdGenerator, SystemClock } from './clock';
import { InitiatePaymentCommand, InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { Payment } from './payment';
import { PAYMENT_ENTITIES } from './payment-entities';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';

const PAYER_ID = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PAYEE_ID = 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0';
const PAYER_ACCOUNT = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
const PAYEE_ACCOUNT = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };

interface OutboxRow {
  topic: string;
  record_key: string;
  type: string;
  source: string;
  data: Record<string, unknown>;
}

describe('payments (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let initiate: InitiatePaymentUseCase;
  let applyResult: ApplyBankLegResultUseCase;
  let unitOfWork: UnitOfWork;
  let payments: TypeOrmPaymentRepository;
  let parties: FakePartyDirectory;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('payments', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    payments = new TypeOrmPaymentRepository(dataSource);
    parties = new FakePartyDirectory({
      ok: true,
      parties: { payer: { userId: PAYER_ID, ...PAYER_ACCOUNT }, payee: { userId: PAYEE_ID, displayName: 'Asha', ...PAYEE_ACCOUNT } },
    });
    const ids = new RandomIdGenerator();
    const clock = new SystemClock();
    initiate = new InitiatePaymentUseCase(unitOfWork, payments, new TypeOrmIdempotencyKeyRepository(dataSource), parties, clock, ids, 10_000_000n);
    applyResult = new ApplyBankLegResultUseCase(payments, clock, ids);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payments, idempotency_keys, outbox_messages, inbox_messages');
  });

  const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
    payerUserId: PAYER_ID,
    bearerToken: 'header.payload.signature',
    idempotencyKey: 'it-key-1',
    payeePhone: '+919876543210',
    amount: { value: '1234.56', currency: 'INR' },
    note: 'rent share',
    ...overrides,
  });

  async function initiated(overrides: Partial<InitiatePaymentCommand> = {}): Promise<Payment> {
    const outcome = await initiate.execute(command(overrides));
    if (!outcome.ok) throw new Error(`initiate failed: ${outcome.code}`);
    return outcome.payment;
  }

  const outbox = (): Promise<OutboxRow[]> =>
    dataSource.query('SELECT topic, record_key, type, source, data FROM outbox_messages ORDER BY position');

  const stored = async (paymentId: string): Promise<Payment> => {
    const payment = await payments.findById(paymentId);
    if (!payment) throw new Error('payment not stored');
    return payment;
  };

  const bankResult = (payment: Payment, requestId: string | null, overrides: Partial<BankLegResult> = {}): BankLegResult =>
    Object.assign(new BankLegResult(), {
      requestId: requestId ?? 'missing',
      paymentId: payment.id,
      purpose: 'payment',
      resultCode: '00',
      ...overrides,
    });

  /** As the consumer would: one transaction per batch, here per message. */
  const apply = (leg: BankLeg, outcome: BankLegOutcome, result: BankLegResult) =>
    unitOfWork.run((tx) => applyResult.execute(tx, { leg, outcome, result }));

  it('initiating writes the payment, its key and exactly two outbox rows in one transaction', async () => {
    const payment = await initiated();

    const [row] = await dataSource.query(
      `SELECT txn_id, status, amount_minor, currency, debit_request_id, payer_bank_code, payee_account_ref, note, xmin::text AS xid FROM payments`,
    );
    expect(row).toMatchObject({
      txn_id: payment.txnId,
      status: 'debit_pending',
      amount_minor: '123456',
      currency: 'INR',
      debit_request_id: payment.debitRequestId,
      payer_bank_code: 'SBXA',
      payee_account_ref: PAYEE_ACCOUNT.accountRef,
      note: 'rent share',
    });
    expect((await stored(payment.id)).amount.minorUnits).toBe(123_456n);

    const rows = await outbox();
    expect(rows.map((r) => [r.topic, r.type, r.record_key, r.source])).toEqual([
      [TOPICS.PAYMENTS_EVENTS, EVENT_TYPES.PAYMENT_INITIATED, payment.id, EVENT_SOURCES.PAYMENTS],
      [TOPICS.BANK_REQUESTS, EVENT_TYPES.BANK_DEBIT_REQUESTED, payment.id, EVENT_SOURCES.PAYMENTS],
    ]);
    expect(rows[1].data).toEqual({
      requestId: payment.debitRequestId,
      paymentId: payment.id,
      txnId: payment.txnId,
      purpose: 'payment',
      ...PAYER_ACCOUNT,
      amount: { value: '1234.56', currency: 'INR' },
    });

    // Same writing transaction id (xmin) on every row: one transaction, not three.
    const xids: Array<{ xid: string }> = await dataSource.query(
      `SELECT xmin::text AS xid FROM payments UNION ALL SELECT xmin::text FROM idempotency_keys UNION ALL SELECT xmin::text FROM outbox_messages`,
    );
    expect(xids).toHaveLength(4);
    expect(new Set(xids.map((x) => x.xid)).size).toBe(1);
    expect(row.xid).toBe(xids[0].xid);
  });

  it('the same idempotency key twice gives one payment; another body with it is refused', async () => {
    const first = await initiate.execute(command());
    const second = await initiate.execute(command());
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(second).toMatchObject({ ok: true, replayed: true });
    if (!first.ok || !second.ok) return;
    expect(second.payment.id).toBe(first.payment.id);

    expect(await initiate.execute(command({ note: 'something else' }))).toMatchObject({ ok: false, status: 422, code: 'idempotency-key-reused' });
    expect(await dataSource.query('SELECT count(*)::int AS n FROM payments')).toEqual([{ n: 1 }]);
    expect(await outbox()).toHaveLength(2);
  });

  it('concurrent requests with the same key create one payment (the primary key decides)', async () => {
    // Every request misses the pre-check, as when they all arrive before the first commits, so the
    // race is decided inside the transactions by the primary key.
    class RacingKeys extends TypeOrmIdempotencyKeyRepository {
      override async find(): Promise<null> {
        return null;
      }
    }
    const racing = new InitiatePaymentUseCase(
      unitOfWork,
      payments,
      new RacingKeys(dataSource),
      parties,
      new SystemClock(),
      new RandomIdGenerator(),
      10_000_000n,
    );
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => racing.execute(command({ idempotencyKey: 'race' }))));
    const ids = new Set(outcomes.map((o) => (o.ok ? o.payment.id : o.code)));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => o.ok && !o.replayed)).toHaveLength(1);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM payments')).toEqual([{ n: 1 }]);
    expect(await outbox()).toHaveLength(2);
  });

  it('debit succeeded then credit succeeded ends completed with the right outbox rows', async () => {
    const payment = await initiated();

    expect(await apply('debit', 'succeeded', bankResult(payment, payment.debitRequestId, { rrn: '123456789012' }))).toEqual({
      applied: true,
      status: 'credit_pending',
    });
    const crediting = await stored(payment.id);
    expect(crediting).toMatchObject({ status: 'credit_pending', rrn: '123456789012' });
    expect(crediting.creditRequestId).not.toBeNull();

    expect(await apply('credit', 'succeeded', bankResult(payment, crediting.creditRequestId))).toEqual({ applied: true, status: 'completed' });
    expect(await stored(payment.id)).toMatchObject({ status: 'completed', resultCode: '00', rrn: '123456789012' });

    const rows = await outbox();
    expect(rows.map((r) => [r.topic, r.type, r.record_key])).toEqual([
      [TOPICS.PAYMENTS_EVENTS, EVENT_TYPES.PAYMENT_INITIATED, payment.id],
      [TOPICS.BANK_REQUESTS, EVENT_TYPES.BANK_DEBIT_REQUESTED, payment.id],
      [TOPICS.BANK_REQUESTS, EVENT_TYPES.BANK_CREDIT_REQUESTED, payment.id],
      [TOPICS.PAYMENTS_EVENTS, EVENT_TYPES.PAYMENT_COMPLETED, payment.id],
    ]);
    expect(rows[2].data).toMatchObject({ requestId: crediting.creditRequestId, purpose: 'payment', ...PAYEE_ACCOUNT });
    expect(rows[3].data).toMatchObject({ status: 'completed', resultCode: '00', rrn: '123456789012', amount: { value: '1234.56', currency: 'INR' } });
  });

  it('a duplicate result changes nothing', async () => {
    const payment = await initiated();
    const debited = bankResult(payment, payment.debitRequestId, { rrn: '123456789012' });
    await apply('debit', 'succeeded', debited);
    const before = await dataSource.query('SELECT * FROM payments');
    const outboxBefore = await outbox();

    expect(await apply('debit', 'succeeded', debited)).toEqual({ applied: false, reason: 'duplicate', status: 'credit_pending' });
    expect(await apply('debit', 'declined', { ...debited, resultCode: 'Z9' })).toMatchObject({ applied: false, reason: 'duplicate' });

    expect(await dataSource.query('SELECT * FROM payments')).toEqual(before);
    expect(await outbox()).toEqual(outboxBefore);
  });

  it('a declined credit is reversed to the payer, and the reversal ends reversed with U31', async () => {
    const payment = await initiated();
    await apply('debit', 'succeeded', bankResult(payment, payment.debitRequestId, { rrn: '123456789012' }));
    const crediting = await stored(payment.id);

    expect(await apply('credit', 'declined', bankResult(payment, crediting.creditRequestId, { resultCode: 'XI' }))).toEqual({
      applied: true,
      status: 'reversal_pending',
    });
    const reversing = await stored(payment.id);
    expect(reversing.reversalRequestId).not.toBeNull();

    expect(await apply('credit', 'succeeded', bankResult(payment, reversing.reversalRequestId, { purpose: 'reversal' }))).toEqual({
      applied: true,
      status: 'reversed',
    });
    expect(await stored(payment.id)).toMatchObject({ status: 'reversed', resultCode: 'U31' });

    const rows = await outbox();
    expect(rows.map((r) => r.type)).toEqual([
      EVENT_TYPES.PAYMENT_INITIATED,
      EVENT_TYPES.BANK_DEBIT_REQUESTED,
      EVENT_TYPES.BANK_CREDIT_REQUESTED,
      EVENT_TYPES.BANK_CREDIT_REQUESTED,
      EVENT_TYPES.PAYMENT_REVERSED,
    ]);
    expect(rows[3].data).toMatchObject({ requestId: reversing.reversalRequestId, purpose: 'reversal', ...PAYER_ACCOUNT });
  });

  it('a result for an unknown payment throws and writes nothing', async () => {
    const ghost = Object.assign(new BankLegResult(), {
      requestId: '11111111-1111-4111-8111-111111111111',
      paymentId: '22222222-2222-4222-8222-222222222222',
      purpose: 'payment',
      resultCode: '00',
    });
    await expect(apply('debit', 'succeeded', ghost)).rejects.toBeInstanceOf(UnknownPaymentError);
    expect(await outbox()).toEqual([]);
  });

  it('the database refuses a non-positive amount even if code did not', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO payments (id, txn_id, payer_user_id, payee_user_id, payer_bank_code, payer_account_ref, payee_bank_code, payee_account_ref,
           amount_minor, currency, status, created_at, updated_at)
         VALUES (gen_random_uuid(), 'KRM00000000000000000000000000000000', $1, $2, 'SBXA', $3, 'SBXB', $4, 0, 'INR', 'created', now(), now())`,
        [PAYER_ID, PAYEE_ID, PAYER_ACCOUNT.accountRef, PAYEE_ACCOUNT.accountRef],
      ),
    ).rejects.toThrow(/payments_amount_positive/);
  });
});
