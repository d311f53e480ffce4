/**
 * The payments use cases against real PostgreSQL with the real migrations: the payment, its
 * idempotency key and its outbox rows are written together; retries and races create one payment;
 * bank results drive the saga and duplicates change nothing; leg timers re-send a late leg's
 * command once per due check, even with several pollers. Kafka is not involved: the use cases
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
import { AddPaymentLegChecks1764400000000 } from '../migrations/1764400000000-add-payment-leg-checks';
import { ApplyBankLegResultUseCase, BankLeg, BankLegOutcome, UnknownPaymentError } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { CheckPendingLegsUseCase } from './check-pending-legs/check-pending-legs.use-case';
import { RandomIdGenerator, SystemClock } from '@kirim/platform';
import { InitiatePaymentCommand, InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { firstCheckDelayMs } from './leg-timer';
import { PaymentTransitionStep } from './payment-transition-step';
import { Payment } from './payment';
import { PAYMENT_ENTITIES } from './payment-entities';
import { InTransaction, LockedPaymentRow, TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';
import { loadSchemeProfile } from '../limits/scheme-profile';
import { TypeOrmPayerUsageRepository } from '../limits/typeorm-payer-usage.repository';

const PAYER_ID = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PAYEE_ID = 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0';
const PAYER_ACCOUNT = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
const PAYEE_ACCOUNT = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
/** The UPI profile: first status check 45 to 90 s after the request, then after 600 s and 3000 s, settle 900 s. */
const UPI = loadSchemeProfile({ name: 'upi' });

interface OutboxRow {
  id: string;
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
  let checkLegs: CheckPendingLegsUseCase;
  let unitOfWork: UnitOfWork;
  let payments: TypeOrmPaymentRepository;
  let parties: FakePartyDirectory;
  let step: PaymentTransitionStep;

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
    step = new PaymentTransitionStep(payments, ids, UPI);
    initiate = new InitiatePaymentUseCase(
      unitOfWork,
      payments,
      new TypeOrmIdempotencyKeyRepository(dataSource),
      parties,
      clock,
      ids,
      UPI,
      new TypeOrmPayerUsageRepository(),
      step,
    );
    applyResult = new ApplyBankLegResultUseCase(payments, clock, step);
    checkLegs = new CheckPendingLegsUseCase(unitOfWork, payments, clock, step, UPI);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE payments, idempotency_keys, payment_operator_actions, outbox_messages, inbox_messages');
  });

  const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';

  const command = (overrides: Partial<InitiatePaymentCommand> = {}): InitiatePaymentCommand => ({
    payerUserId: PAYER_ID,
    deviceBoundAt: null,
    idempotencyKey: 'it-key-1',
    payeePhone: '+919876543210',
    encryptedPin: PIN_BLOCK,
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
    dataSource.query('SELECT id, topic, record_key, type, source, data FROM outbox_messages ORDER BY position');

  const stored = async (paymentId: string): Promise<Payment> => {
    const payment = await payments.findById(paymentId);
    if (!payment) throw new Error('payment not stored');
    return payment;
  };

  /** A bank's answer naming the leg it answers: the payer's account for the debit and a reversal, the payee's for the credit. */
  const bankResult = (payment: Payment, requestId: string | null, overrides: Partial<BankLegResult> = {}): BankLegResult => {
    const reversal = overrides.purpose === 'reversal';
    const account = requestId === payment.debitRequestId || reversal ? payment.payer : payment.payee;
    return Object.assign(new BankLegResult(), {
      requestId: requestId ?? 'missing',
      paymentId: payment.id,
      purpose: 'payment',
      bankCode: account.bankCode,
      accountRef: account.accountRef,
      amount: payment.amount.toDto(),
      resultCode: '00',
      ...overrides,
    });
  };

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
    // Read back whole: the statement that stored it (initiate_payment_within_limits) names every column the payment has.
    expect(await stored(payment.id)).toEqual(payment);

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
      // The PIN block travels on the first debit request only; neither the payment row nor its key holds it.
      encryptedPin: PIN_BLOCK,
    });
    const persisted: Array<{ row: string }> = await dataSource.query(`SELECT row_to_json(p)::text AS row FROM payments p UNION ALL SELECT row_to_json(k)::text FROM idempotency_keys k`);
    expect(persisted).toHaveLength(2);
    for (const { row } of persisted) expect(row).not.toContain(PIN_BLOCK);

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
      UPI,
      new TypeOrmPayerUsageRepository(),
      step,
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

  describe('leg timers and status checks', () => {
    interface TimerRow {
      status: string;
      leg_checks: number;
      leg_check_at: Date | null;
      /** Seconds from now (the database's clock) to leg_check_at. */
      due_in: number | null;
    }

    const timer = async (paymentId: string): Promise<TimerRow> => {
      const [row] = (await dataSource.query(
        `SELECT status, leg_checks, leg_check_at, EXTRACT(EPOCH FROM leg_check_at - now())::float8 AS due_in FROM payments WHERE id = $1`,
        [paymentId],
      )) as TimerRow[];
      return row;
    };

    /** As if the leg had waited past its timer. */
    const makeDue = (paymentId: string): Promise<unknown> =>
      dataSource.query(`UPDATE payments SET leg_check_at = now() - interval '1 second' WHERE id = $1`, [paymentId]);

    const legRequests = async (paymentId: string): Promise<OutboxRow[]> =>
      (await outbox()).filter((row) => row.record_key === paymentId && row.type.startsWith('bank.'));

    it('initiating starts the debit timer at its first status check, 45 to 90 s later (NPCI), spread by the leg', async () => {
      const payment = await initiated();
      const [row] = await dataSource.query(`SELECT leg_checks, EXTRACT(EPOCH FROM leg_check_at - created_at)::float8 AS wait FROM payments`);
      expect(row.leg_checks).toBe(0);
      expect(row.wait).toBeGreaterThanOrEqual(45);
      expect(row.wait).toBeLessThanOrEqual(90);
      expect((await stored(payment.id)).legCheckAt).toEqual(new Date(payment.createdAt.getTime() + firstCheckDelayMs(payment.debitRequestId ?? '', UPI.statusChecks)));
    });

    it('a due debit is re-sent once with its original requestId; a pass before the backoff does nothing', async () => {
      const payment = await initiated();
      await makeDue(payment.id);
      const [original] = await legRequests(payment.id);

      expect(await checkLegs.execute()).toEqual({ due: 1, resent: 1, deemed: 0, retried: 0, quarantined: 0 });

      const sent = await legRequests(payment.id);
      expect(sent.map((row) => [row.topic, row.type])).toEqual([
        [TOPICS.BANK_REQUESTS, EVENT_TYPES.BANK_DEBIT_REQUESTED],
        [TOPICS.BANK_REQUESTS, EVENT_TYPES.BANK_DEBIT_REQUESTED],
      ]);
      // The same command (same requestId: the bank debits at most once), as a new CloudEvent so the
      // bank-connector's inbox lets it through and the bank answers again: without the PIN block,
      // which payments never kept (a bank that never saw the first request declines it, U30).
      const { encryptedPin: _sentOnce, ...withoutPin } = original.data;
      expect(sent[1].data).toEqual(withoutPin);
      expect(JSON.stringify(sent[1].data)).not.toContain('encryptedPin');
      expect(sent[1].data['requestId']).toBe(payment.debitRequestId);
      expect(sent[1].id).not.toBe(original.id);
      const checked = await timer(payment.id);
      // The next check waits the profile's 600 s.
      expect(checked).toMatchObject({ status: 'debit_pending', leg_checks: 1 });
      expect(checked.due_in).toBeGreaterThan(590);
      expect(checked.due_in).toBeLessThanOrEqual(600);

      expect(await checkLegs.execute()).toMatchObject({ due: 0, resent: 0 });
      expect(await legRequests(payment.id)).toHaveLength(2);
      expect(await timer(payment.id)).toMatchObject({ status: 'debit_pending', leg_checks: 1, leg_check_at: checked.leg_check_at });
    });

    it('the debit answer moves the timer to the credit leg, the answer to the re-send is a duplicate, completion clears it', async () => {
      const payment = await initiated();
      await makeDue(payment.id);
      await checkLegs.execute();
      const debited = bankResult(payment, payment.debitRequestId, { rrn: '123456789012' });

      expect(await apply('debit', 'succeeded', debited)).toEqual({ applied: true, status: 'credit_pending' });
      const crediting = await timer(payment.id);
      expect(crediting).toMatchObject({ status: 'credit_pending', leg_checks: 0 });
      expect(crediting.due_in).toBeGreaterThan(40);
      expect(crediting.due_in).toBeLessThanOrEqual(90);

      // The bank answers the re-sent debit with what it recorded: same requestId, already applied.
      const before = await dataSource.query('SELECT * FROM payments');
      const outboxBefore = await outbox();
      expect(await apply('debit', 'succeeded', debited)).toEqual({ applied: false, reason: 'duplicate', status: 'credit_pending' });
      expect(await dataSource.query('SELECT * FROM payments')).toEqual(before);
      expect(await outbox()).toEqual(outboxBefore);

      const { creditRequestId } = await stored(payment.id);
      expect(await apply('credit', 'succeeded', bankResult(payment, creditRequestId))).toEqual({ applied: true, status: 'completed' });
      expect(await timer(payment.id)).toEqual({ status: 'completed', leg_checks: 0, leg_check_at: null, due_in: null });
      expect(await checkLegs.execute()).toMatchObject({ due: 0 });
    });

    it('a due credit or reversal is re-sent to the right account with its own requestId', async () => {
      const payment = await initiated();
      await apply('debit', 'succeeded', bankResult(payment, payment.debitRequestId, { rrn: '123456789012' }));
      const crediting = await stored(payment.id);
      await makeDue(payment.id);
      await checkLegs.execute();
      expect((await legRequests(payment.id)).at(-1)?.data).toMatchObject({ requestId: crediting.creditRequestId, purpose: 'payment', ...PAYEE_ACCOUNT });

      await apply('credit', 'declined', bankResult(payment, crediting.creditRequestId, { resultCode: 'XI' }));
      const reversing = await stored(payment.id);
      expect(reversing).toMatchObject({ status: 'reversal_pending', legChecks: 0 });
      await makeDue(payment.id);
      await checkLegs.execute();
      const sent = await legRequests(payment.id);
      expect(sent.map((row) => row.data['requestId'])).toEqual([
        payment.debitRequestId,
        crediting.creditRequestId,
        crediting.creditRequestId,
        reversing.reversalRequestId,
        reversing.reversalRequestId,
      ]);
      expect(sent[4].data).toEqual(sent[3].data);
      expect(sent[4].data).toMatchObject({ purpose: 'reversal', ...PAYER_ACCOUNT });
    });

    it('after the last check and the settle time the debit is deemed failed (U67); a late success is then reversed', async () => {
      const payment = await initiated();
      await dataSource.query(`UPDATE payments SET leg_checks = 3, leg_check_at = now() - interval '1 second' WHERE id = $1`, [payment.id]);
      expect(await checkLegs.execute()).toEqual({ due: 1, resent: 0, deemed: 1, retried: 0, quarantined: 0 });
      expect(await timer(payment.id)).toEqual({ status: 'debit_failed', leg_checks: 3, leg_check_at: null, due_in: null });
      expect(await stored(payment.id)).toMatchObject({ resultCode: 'U67', deemedLeg: 'debit' });
      expect(await legRequests(payment.id)).toHaveLength(1);
      // A late answer: the bank did debit. The payer was told it failed, so the money goes back.
      expect(await apply('debit', 'succeeded', bankResult(payment, payment.debitRequestId))).toEqual({ applied: true, status: 'reversal_pending' });
      expect((await legRequests(payment.id)).at(-1)?.data).toMatchObject({ purpose: 'reversal', ...PAYER_ACCOUNT });
    });

    it('two passes at once never re-send the same payment (SKIP LOCKED): the second skips what the first holds', async () => {
      const due: Payment[] = [];
      for (let i = 0; i < 5; i += 1) due.push(await initiated({ idempotencyKey: `due-${i}` }));
      const notDue = await initiated({ idempotencyKey: 'not-due' });
      await dataSource.query(`UPDATE payments SET leg_check_at = now() - interval '1 second' WHERE id <> $1`, [notDue.id]);

      // Pass A locks two payments and holds them, its transaction open, until released.
      let signalLocked!: () => void;
      let release!: () => void;
      const locked = new Promise<void>((resolve) => (signalLocked = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      class HoldingRepository extends TypeOrmPaymentRepository {
        override async lockDueTimers(tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]> {
          const rows = await super.lockDueTimers(tx, now, limit);
          signalLocked();
          await released;
          return rows;
        }
      }
      const holdingRepository = new HoldingRepository(dataSource);
      const holding = new CheckPendingLegsUseCase(unitOfWork, holdingRepository, new SystemClock(), new PaymentTransitionStep(holdingRepository, new RandomIdGenerator(), UPI), UPI);
      const passA = holding.execute(2);
      await locked;

      // Pass B runs to its end while A holds its rows: it neither waits for them nor takes them.
      expect(await checkLegs.execute()).toMatchObject({ due: 3, resent: 3, quarantined: 0 });
      release();
      expect(await passA).toMatchObject({ due: 2, resent: 2, quarantined: 0 });

      const resent = (await outbox()).filter((row) => row.type === EVENT_TYPES.BANK_DEBIT_REQUESTED);
      const perPayment = new Map<string, number>();
      for (const row of resent) perPayment.set(row.record_key, (perPayment.get(row.record_key) ?? 0) + 1);
      // The original debit plus exactly one re-send for each due payment; none for the other.
      expect(Object.fromEntries(perPayment)).toEqual(Object.fromEntries([...due.map((p) => [p.id, 2] as const), [notDue.id, 1]]));
      const checks: Array<{ id: string; leg_checks: number }> = await dataSource.query('SELECT id, leg_checks FROM payments');
      expect(Object.fromEntries(checks.map((row) => [row.id, row.leg_checks]))).toEqual(
        Object.fromEntries([...due.map((p) => [p.id, 1] as const), [notDue.id, 0]]),
      );

      // And racing freely, as replicas do: still one re-send per due payment.
      await dataSource.query(`UPDATE payments SET leg_check_at = now() - interval '1 second'`);
      const outcomes = await Promise.all([checkLegs.execute(), checkLegs.execute(), checkLegs.execute()]);
      expect(outcomes.reduce((sum, o) => sum + o.resent, 0)).toBe(6);
      expect(await dataSource.query('SELECT DISTINCT leg_checks FROM payments ORDER BY 1')).toEqual([{ leg_checks: 1 }, { leg_checks: 2 }]);
    });

    it('the database refuses a timer on a payment that is not waiting for a leg', async () => {
      const payment = await initiated();
      await apply('debit', 'declined', bankResult(payment, payment.debitRequestId, { resultCode: 'Z9' }));
      expect(await timer(payment.id)).toMatchObject({ status: 'debit_failed', leg_check_at: null });
      await expect(dataSource.query(`UPDATE payments SET leg_check_at = now() WHERE id = $1`, [payment.id])).rejects.toThrow(
        /payments_leg_check_only_pending/,
      );
    });

    // Last: it takes the migration down and up again.
    it('the migration starts the timer of payments already pending, at once', async () => {
      const pending = await initiated({ idempotencyKey: 'pending' });
      const done = await initiated({ idempotencyKey: 'done' });
      await apply('debit', 'declined', bankResult(done, done.debitRequestId, { resultCode: 'Z9' }));
      const migration = new AddPaymentLegChecks1764400000000();
      const runner = dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const rows: Array<{ id: string; leg_checks: number; due: boolean | null }> = await dataSource.query(
        `SELECT id, leg_checks, leg_check_at <= now() AS due FROM payments`,
      );
      expect(Object.fromEntries(rows.map((row) => [row.id, [row.due, row.leg_checks]]))).toEqual({ [pending.id]: [true, 0], [done.id]: [null, 0] });
      const indexes: Array<{ indexdef: string }> = await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'payments_leg_check_at_idx'`);
      expect(indexes[0].indexdef).toMatch(/\(leg_check_at\) WHERE \(leg_check_at IS NOT NULL\)/);
      expect(await checkLegs.execute()).toMatchObject({ due: 1, resent: 1 });
    });
  });
});
