/**
 * Every payment ends (docs/payment-lifecycle.md), against real PostgreSQL with the real migrations
 * and the real outbox: a leg no bank answers is checked on the scheme profile's pace and then gets
 * its deemed outcome; a deemed credit is reversed; a declined reversal is retried with new request
 * ids until its retries run out, then an operator is alerted and acts; a late debit after a deemed
 * failure is reversed; the timer poller sets aside rows it cannot handle and goes on. Time is a
 * clock the test moves (the poller asks the database for timers due at the clock's "now").
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BankLegResult, EVENT_SOURCES, EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import { MESSAGING_ENTITIES, OutboxWriter, UnitOfWork } from '@kirim/messaging';
import { alertCount, RandomIdGenerator } from '@kirim/platform';
import { createMigratedTestDatabase, FixedClock, MigratedTestDatabase } from '@kirim/testing';
import { loadSchemeProfile } from '../limits/scheme-profile';
import { TypeOrmPayerUsageRepository } from '../limits/typeorm-payer-usage.repository';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { AddPaymentEndings1764710000000 } from '../migrations/1764710000000-add-payment-endings';
import { FakePartyDirectory } from '../testing/payment-fakes';
import { AlertOverdueReversalsUseCase } from './alert-overdue-reversals/alert-overdue-reversals.use-case';
import { ApplyBankLegResultUseCase, BankLeg, BankLegOutcome } from './apply-bank-leg-result/apply-bank-leg-result.use-case';
import { CheckPendingLegsOutcome, CheckPendingLegsUseCase } from './check-pending-legs/check-pending-legs.use-case';
import { InitiatePaymentUseCase } from './initiate-payment/initiate-payment.use-case';
import { ListPaymentsNeedingOperatorUseCase } from './list-payments-needing-operator/list-payments-needing-operator.use-case';
import { Payment } from './payment';
import { PAYMENT_ENTITIES } from './payment-entities';
import { TypeOrmIdempotencyKeyRepository, TypeOrmPaymentRepository } from './payment.repository';
import { PaymentTransitionStep } from './payment-transition-step';
import { ResolveReversalByOperatorUseCase } from './resolve-reversal-by-operator/resolve-reversal-by-operator.use-case';
import { RetryReversalUseCase } from './retry-reversal/retry-reversal.use-case';

const PAYER_ID = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PAYEE_ID = 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0';
const PAYER_ACCOUNT = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
const PAYEE_ACCOUNT = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
/** The built-in UPI profile: checks 45-90 s, +600 s, +3000 s; settle 900 s; reversal retries 60 s ... 21600 s (5). */
const UPI = loadSchemeProfile({ name: 'upi' });

interface OutboxRow {
  type: string;
  record_key: string;
  data: Record<string, unknown>;
}

describe('every payment ends (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let dataSource: DataSource;
  let payments: TypeOrmPaymentRepository;
  let clock: FixedClock;
  let initiate: InitiatePaymentUseCase;
  let applyResult: ApplyBankLegResultUseCase;
  let checkLegs: CheckPendingLegsUseCase;
  let alertOverdue: AlertOverdueReversalsUseCase;
  let retryReversal: RetryReversalUseCase;
  let resolveReversal: ResolveReversalByOperatorUseCase;
  let needingOperator: ListPaymentsNeedingOperatorUseCase;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('payment_endings', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS });
    dataSource = database.dataSource;
    unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.PAYMENTS));
    payments = new TypeOrmPaymentRepository(dataSource);
    clock = new FixedClock();
    const ids = new RandomIdGenerator();
    const step = new PaymentTransitionStep(payments, ids, UPI);
    const parties = new FakePartyDirectory({
      ok: true,
      parties: { payer: { userId: PAYER_ID, ...PAYER_ACCOUNT }, payee: { userId: PAYEE_ID, displayName: 'Asha', ...PAYEE_ACCOUNT } },
    });
    initiate = new InitiatePaymentUseCase(unitOfWork, payments, new TypeOrmIdempotencyKeyRepository(dataSource), parties, clock, ids, UPI, new TypeOrmPayerUsageRepository(), step);
    applyResult = new ApplyBankLegResultUseCase(payments, clock, step);
    checkLegs = new CheckPendingLegsUseCase(unitOfWork, payments, clock, step, UPI);
    alertOverdue = new AlertOverdueReversalsUseCase(unitOfWork, payments, clock);
    retryReversal = new RetryReversalUseCase(unitOfWork, payments, step, clock, ids);
    resolveReversal = new ResolveReversalByOperatorUseCase(unitOfWork, payments, step, clock, ids);
    needingOperator = new ListPaymentsNeedingOperatorUseCase(payments);
  });

  afterAll(async () => {
    await database?.close();
  });

  let keys = 0;
  beforeEach(async () => {
    await dataSource.query('TRUNCATE payments, idempotency_keys, payment_operator_actions, outbox_messages, inbox_messages');
    // 2026-11-28 10:00 UTC = 15:30 in India: the reversal is due before 30 Nov 00:00 IST.
    clock.current = new Date('2026-11-28T10:00:00.000Z');
  });

  async function initiated(): Promise<Payment> {
    keys += 1;
    const outcome = await initiate.execute({
      payerUserId: PAYER_ID,
      deviceBoundAt: null,
      idempotencyKey: `endings-${keys}`,
      payeePhone: '+919876543210',
      encryptedPin: 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn',
      amount: { value: '250.00', currency: 'INR' },
      note: null,
    });
    if (!outcome.ok) throw new Error(`initiate failed: ${outcome.code}`);
    return outcome.payment;
  }

  const stored = async (paymentId: string): Promise<Payment> => {
    const payment = await payments.findById(paymentId);
    if (!payment) throw new Error('payment not stored');
    return payment;
  };

  const outbox = (paymentId: string): Promise<OutboxRow[]> =>
    dataSource.query('SELECT type, record_key, data FROM outbox_messages WHERE record_key = $1 ORDER BY position', [paymentId]);

  /** A bank's answer for `requestId` of `payment`: the payer's account for the debit and a reversal, the payee's for the credit. */
  const answer = (leg: BankLeg, outcome: BankLegOutcome, payment: Payment, requestId: string | null, overrides: Partial<BankLegResult> = {}) => {
    const reversal = overrides.purpose === 'reversal';
    const account = requestId === payment.debitRequestId || reversal ? payment.payer : payment.payee;
    const result = Object.assign(new BankLegResult(), {
      requestId: requestId ?? 'missing',
      paymentId: payment.id,
      purpose: 'payment',
      bankCode: account.bankCode,
      accountRef: account.accountRef,
      amount: payment.amount.toDto(),
      resultCode: outcome === 'succeeded' ? '00' : 'XH',
      ...overrides,
    });
    return unitOfWork.run((tx) => applyResult.execute(tx, { leg, outcome, result }));
  };

  /** Moves the clock to the payment's timer and runs a pass of the poller. */
  async function atNextTimer(paymentId: string): Promise<CheckPendingLegsOutcome> {
    const { legCheckAt } = await stored(paymentId);
    if (legCheckAt === null) throw new Error('no timer running');
    clock.current = legCheckAt;
    return checkLegs.execute();
  }

  it('a credit no bank answers: three status checks, the settle time, deemed U68, reversed to the payer, ending reversed with U68', async () => {
    const payment = await initiated();
    await answer('debit', 'succeeded', payment, payment.debitRequestId, { rrn: '123456789012' });
    const crediting = await stored(payment.id);
    expect(crediting.status).toBe('credit_pending');

    const checkedAt: number[] = [];
    for (let check = 1; check <= 3; check += 1) {
      expect(await atNextTimer(payment.id)).toMatchObject({ due: 1, resent: 1 });
      checkedAt.push(clock.current.getTime());
    }
    // First check 45-90 s after the credit request, then the profile's gaps; all within 2 hours.
    expect(checkedAt[0] - crediting.updatedAt.getTime()).toBeGreaterThanOrEqual(45_000);
    expect(checkedAt[0] - crediting.updatedAt.getTime()).toBeLessThanOrEqual(90_000);
    expect([checkedAt[1] - checkedAt[0], checkedAt[2] - checkedAt[1]]).toEqual([600_000, 3_000_000]);
    expect(checkedAt[2] - crediting.updatedAt.getTime()).toBeLessThanOrEqual(7_200_000);
    expect(await stored(payment.id)).toMatchObject({ status: 'credit_pending', legChecks: 3 });

    // The settle time after the last check: the profile's deemed outcome, and the reversal in the same pass.
    expect(await atNextTimer(payment.id)).toMatchObject({ due: 1, resent: 0, deemed: 1 });
    expect(clock.current.getTime() - checkedAt[2]).toBe(900_000);
    const reversing = await stored(payment.id);
    expect(reversing).toMatchObject({ status: 'reversal_pending', resultCode: 'U68', deemedLeg: 'credit', reversalAttempts: 1 });
    // Deemed on 28 Nov (India): due before 30 Nov 00:00 IST.
    expect(reversing.reversalDueBy).toEqual(new Date('2026-11-29T18:30:00.000Z'));

    expect(await answer('credit', 'succeeded', payment, reversing.reversalRequestId, { purpose: 'reversal' })).toEqual({ applied: true, status: 'reversed' });
    expect(await stored(payment.id)).toMatchObject({ status: 'reversed', resultCode: 'U68', legCheckAt: null });
    const rows = await outbox(payment.id);
    expect(rows.map((row) => [row.type, row.data['requestId'] ?? row.data['resultCode']])).toEqual([
      [EVENT_TYPES.PAYMENT_INITIATED, undefined],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, payment.debitRequestId],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, crediting.creditRequestId],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, crediting.creditRequestId],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, crediting.creditRequestId],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, crediting.creditRequestId],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, reversing.reversalRequestId],
      [EVENT_TYPES.PAYMENT_REVERSED, 'U68'],
    ]);
    expect(rows[6].data).toMatchObject({ purpose: 'reversal', ...PAYER_ACCOUNT });
  });

  it('a declined reversal is retried with a new requestId each time, then left to an operator with an alert; the operator retries and then resolves it', async () => {
    const payment = await initiated();
    await answer('debit', 'succeeded', payment, payment.debitRequestId, { rrn: '123456789012' });
    await answer('credit', 'declined', payment, (await stored(payment.id)).creditRequestId, { resultCode: 'XI' });
    const exhaustedBefore = await alertCount('reversal-needs-operator');

    const reversalIds: string[] = [];
    const waits: number[] = [];
    for (let attempt = 1; attempt <= UPI.reversals.retryAfterMs.length + 1; attempt += 1) {
      const reversing = await stored(payment.id);
      expect(reversing).toMatchObject({ status: 'reversal_pending', reversalAttempts: attempt });
      reversalIds.push(reversing.reversalRequestId ?? '');
      expect(await answer('credit', 'declined', payment, reversing.reversalRequestId, { purpose: 'reversal', resultCode: 'XH' })).toEqual({
        applied: true,
        status: 'reversal_failed',
      });
      const failed = await stored(payment.id);
      expect(failed).toMatchObject({ status: 'reversal_failed', reversalFailure: 'declined', reversalResultCode: 'XH', resultCode: 'XI' });
      if (failed.legCheckAt === null) break;
      waits.push(failed.legCheckAt.getTime() - clock.current.getTime());
      expect(await atNextTimer(payment.id)).toMatchObject({ due: 1, retried: 1 });
    }
    // Every retry under a new requestId (a declined one is only answered again from the bank's record).
    expect(new Set(reversalIds).size).toBe(6);
    expect(waits).toEqual([60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]);
    expect(await stored(payment.id)).toMatchObject({ status: 'reversal_failed', reversalAttempts: 6, legCheckAt: null });
    expect(await alertCount('reversal-needs-operator')).toBe(exhaustedBefore + 1);
    const sent = (await outbox(payment.id)).filter((row) => row.data['purpose'] === 'reversal').map((row) => row.data['requestId']);
    expect(sent).toEqual(reversalIds);

    const listed = await needingOperator.execute();
    expect(listed).toMatchObject({ ok: true, nextCursor: null, items: [{ paymentId: payment.id, reasons: ['reversal-retries-exhausted'], payment: { status: 'reversal_failed' } }] });

    // The operator tries once more: a seventh attempt, new id; the bank declines again.
    expect(await retryReversal.execute({ paymentId: payment.id, operator: 'ops:asha' })).toMatchObject({ ok: true, payment: { status: 'reversal_pending', reversalAttempts: 7 } });
    const seventh = await stored(payment.id);
    expect(reversalIds).not.toContain(seventh.reversalRequestId);
    await answer('credit', 'declined', payment, seventh.reversalRequestId, { purpose: 'reversal', resultCode: 'XH' });
    expect(await alertCount('reversal-needs-operator')).toBe(exhaustedBefore + 2);

    // The bank's branch paid the customer back by hand: the operator says so, with its reference.
    expect(await resolveReversal.execute({ paymentId: payment.id, operator: 'ops:ravi', reference: 'NEFT N4567', note: 'paid at branch' })).toMatchObject({
      ok: true,
      payment: { status: 'reversed', resultCode: 'U31', legCheckAt: null },
    });
    expect((await outbox(payment.id)).at(-1)).toMatchObject({ type: EVENT_TYPES.PAYMENT_REVERSED, data: { status: 'reversed', resultCode: 'U31' } });
    const trail: Array<Record<string, unknown>> = await dataSource.query(
      'SELECT action, operator, reference, note, status_before, status_after FROM payment_operator_actions WHERE payment_id = $1 ORDER BY occurred_at, action DESC',
      [payment.id],
    );
    expect(trail).toEqual([
      { action: 'retry-reversal', operator: 'ops:asha', reference: null, note: null, status_before: 'reversal_failed', status_after: 'reversal_pending' },
      { action: 'resolve-reversal', operator: 'ops:ravi', reference: 'NEFT N4567', note: 'paid at branch', status_before: 'reversal_failed', status_after: 'reversed' },
    ]);
    expect(await needingOperator.execute()).toEqual({ ok: true, items: [], nextCursor: null });
    // Final: nothing moves it any more.
    expect(await retryReversal.execute({ paymentId: payment.id, operator: 'ops:asha' })).toEqual({ ok: false, reason: 'wrong-state', status: 'reversed' });
  });

  it('a debit no bank answered is deemed failed (U67); when its success still arrives, it is reversed and ends reversed with U67', async () => {
    const payment = await initiated();
    for (let check = 1; check <= 3; check += 1) await atNextTimer(payment.id);
    const lateAlerts = await alertCount('late-answer-after-deemed-outcome');
    expect(await atNextTimer(payment.id)).toMatchObject({ deemed: 1 });
    expect(await stored(payment.id)).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.DEBIT_TIMEOUT, deemedLeg: 'debit', legCheckAt: null });

    expect(await answer('debit', 'succeeded', payment, payment.debitRequestId, { rrn: '123456789012' })).toEqual({ applied: true, status: 'reversal_pending' });
    expect(await alertCount('late-answer-after-deemed-outcome')).toBe(lateAlerts + 1);
    const reversing = await stored(payment.id);
    expect(reversing).toMatchObject({ creditRequestId: null, rrn: '123456789012', reversalAttempts: 1 });
    expect(reversing.reversalDueBy).not.toBeNull();
    await answer('credit', 'succeeded', payment, reversing.reversalRequestId, { purpose: 'reversal' });

    expect(await stored(payment.id)).toMatchObject({ status: 'reversed', resultCode: 'U67' });
    expect((await outbox(payment.id)).map((row) => [row.type, row.data['status'] ?? row.data['purpose']])).toEqual([
      [EVENT_TYPES.PAYMENT_INITIATED, 'debit_pending'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payment'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payment'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payment'],
      [EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payment'],
      [EVENT_TYPES.PAYMENT_FAILED, 'debit_failed'],
      [EVENT_TYPES.BANK_CREDIT_REQUESTED, 'reversal'],
      [EVENT_TYPES.PAYMENT_REVERSED, 'reversed'],
    ]);
  });

  it('the poller sets aside rows made bad in the database, alerts, and handles the payments behind them', async () => {
    const later = (): void => void (clock.current = new Date(clock.current.getTime() + 1000));
    const unreadable = await initiated();
    later();
    const badData = await initiated();
    later();
    const fine = await initiated();
    // A code no contract knows (unreadable as a payment), and an RRN that would make an invalid failure event.
    await dataSource.query(`UPDATE payments SET result_code = 'QQ', leg_check_at = $2 WHERE id = $1`, [unreadable.id, new Date(clock.current.getTime() - 3000)]);
    await dataSource.query(`UPDATE payments SET rrn = 'ABCDEFGHIJKL', leg_checks = 3, leg_check_at = $2 WHERE id = $1`, [badData.id, new Date(clock.current.getTime() - 2000)]);
    await dataSource.query(`UPDATE payments SET leg_check_at = $2 WHERE id = $1`, [fine.id, new Date(clock.current.getTime() - 1000)]);
    const quarantinedBefore = await alertCount('payment-row-quarantined');

    expect(await checkLegs.execute()).toEqual({ due: 3, resent: 1, deemed: 0, retried: 0, quarantined: 2 });

    const rows: Array<{ id: string; status: string; leg_checks: number; leg_check_at: Date | null; quarantined: boolean; quarantine_reason: string | null }> = await dataSource.query(
      `SELECT id, status, leg_checks, leg_check_at, quarantined_at IS NOT NULL AS quarantined, quarantine_reason FROM payments`,
    );
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    expect(byId[unreadable.id]).toMatchObject({ status: 'debit_pending', leg_check_at: null, quarantined: true });
    expect(byId[unreadable.id].quarantine_reason).toMatch(/result_code holds an unknown code "QQ"/);
    // Nothing of the bad row's deemed outcome was kept: its savepoint was rolled back.
    expect(byId[badData.id]).toMatchObject({ status: 'debit_pending', leg_checks: 3, leg_check_at: null, quarantined: true });
    expect(byId[badData.id].quarantine_reason).toMatch(/payments\.payment\.failed\.v1 would break the contract: rrn/);
    expect(byId[fine.id]).toMatchObject({ status: 'debit_pending', leg_checks: 1, quarantined: false });
    expect(await alertCount('payment-row-quarantined')).toBe(quarantinedBefore + 2);
    expect((await outbox(badData.id)).map((row) => row.type)).toEqual([EVENT_TYPES.PAYMENT_INITIATED, EVENT_TYPES.BANK_DEBIT_REQUESTED]);
    expect((await outbox(fine.id)).map((row) => row.type)).toEqual([EVENT_TYPES.PAYMENT_INITIATED, EVENT_TYPES.BANK_DEBIT_REQUESTED, EVENT_TYPES.BANK_DEBIT_REQUESTED]);

    // The next pass does not take them again; the operator finds them, the unreadable one without a payment.
    clock.current = new Date(clock.current.getTime() + 1000);
    expect(await checkLegs.execute()).toMatchObject({ due: 0 });
    const first = await needingOperator.execute({ limit: 1 });
    if (!first.ok || first.nextCursor === null) throw new Error('expected a first page with a cursor');
    const second = await needingOperator.execute({ limit: 1, cursor: first.nextCursor });
    if (!second.ok) throw new Error(second.detail);
    expect([...first.items, ...second.items].map((item) => [item.paymentId, item.reasons, item.payment === null])).toEqual([
      [unreadable.id, ['quarantined'], true],
      [badData.id, ['quarantined'], false],
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('a reversal still owed after its T+1 deadline is alerted once', async () => {
    const payment = await initiated();
    await answer('debit', 'succeeded', payment, payment.debitRequestId, { rrn: '123456789012' });
    await answer('credit', 'declined', payment, (await stored(payment.id)).creditRequestId, { resultCode: 'XI' });
    const { reversalDueBy } = await stored(payment.id);
    if (reversalDueBy === null) throw new Error('no deadline');
    const before = await alertCount('reversal-overdue');

    clock.current = new Date(reversalDueBy.getTime() - 1);
    expect(await alertOverdue.execute()).toBe(0);
    clock.current = reversalDueBy;
    expect(await alertOverdue.execute()).toBe(1);
    expect(await alertOverdue.execute()).toBe(0);
    expect(await alertCount('reversal-overdue')).toBe(before + 1);
  });

  // Last: it takes the migration down and up again.
  it('the migration restarts legs whose old checks ran out and gives owed reversals their deadline', async () => {
    const stuck = await initiated();
    const owed = await initiated();
    await answer('debit', 'succeeded', owed, owed.debitRequestId, { rrn: '123456789012' });
    await answer('credit', 'declined', owed, (await stored(owed.id)).creditRequestId, { resultCode: 'XI' });
    const migration = new AddPaymentEndings1764710000000();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      // As the old poller left them: five checks, no timer; a reversal with no deadline.
      await runner.query(`UPDATE payments SET leg_checks = 5, leg_check_at = NULL WHERE id = $1`, [stuck.id]);
      await runner.query(`UPDATE payments SET updated_at = '2026-11-28T19:00:00Z' WHERE id = $1`, [owed.id]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const rows: Array<{ id: string; leg_checks: number; due: boolean | null; reversal_attempts: number; reversal_due_by: Date | null }> = await dataSource.query(
      `SELECT id, leg_checks, leg_check_at <= now() AS due, reversal_attempts, reversal_due_by FROM payments`,
    );
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    expect(byId[stuck.id]).toMatchObject({ leg_checks: 0, due: true, reversal_due_by: null });
    // 19:00 UTC on 28 Nov is 00:30 on 29 Nov in India: due before 1 Dec 00:00 IST.
    expect(byId[owed.id]).toMatchObject({ reversal_attempts: 1, reversal_due_by: new Date('2026-11-30T18:30:00.000Z') });
  });
});
