// In-memory stand-ins for the ports, for unit tests (*.spec.ts) only.
import { Money, PaymentStatus } from '@kirim/contracts';
import type { OutboxRows } from '@kirim/messaging';
import { createPayment, Payment, paymentKind } from '../payment/payment';
import {
  ClaimOutcome,
  IdempotencyKeyRepository,
  IdempotencyRecord,
  InTransaction,
  LockedPaymentRow,
  OperatorActionRecord,
  OperatorListCursor,
  PayerLimitsCheck,
  PaymentNeedingOperator,
  PaymentRepository,
  WithinLimitsOutcome,
} from '../payment/payment.repository';
import { PaymentTransitionStep } from '../payment/payment-transition-step';
import { PartyDirectory, PartyLookupResult, PayeeIdentifier, PaymentParties } from '../payment/party-directory';
import { InitiatePaymentUseCase } from '../payment/initiate-payment/initiate-payment.use-case';
import { PayerUsageQuery, PayerUsageRepository } from '../limits/payer-usage.repository';
import { fitsPayerLimitBounds, PayerUsage, WindowPayment } from '../limits/payment-limits-policy';
import { loadSchemeProfile, SchemeProfile } from '../limits/scheme-profile';

// The shared fakes, under the names the payments specs use.
import { FakeTransactionRunner, FixedClock, SequentialIds } from '@kirim/testing';
export { FakeTransactionRunner as FakeUnitOfWork, FakeTransactionScope, FixedClock, SequentialIds } from '@kirim/testing';

export class InMemoryPaymentRepository extends PaymentRepository {
  readonly rows = new Map<string, Payment>();
  locks = 0;

  /** `keys`: where insertClaimed claims; a harness passes the key repository its use case reads. */
  constructor(readonly keys: InMemoryIdempotencyKeyRepository = new InMemoryIdempotencyKeyRepository()) {
    super();
  }

  /** What insertWithinLimits measures with (and locks, in its `locked`): a harness's payer usage port. */
  readonly payerUsage: InMemoryPayerUsageRepository = new InMemoryPayerUsageRepository(this);

  /** States `update` kept for `writeDeferredUpdates`, per transaction (its manager) that defers them. */
  private readonly deferred = new WeakMap<object, Map<string, Payment>>();
  /** How many payments each `writeDeferredUpdates` wrote, in order. */
  readonly deferredWrites: number[] = [];

  async lockById(tx: InTransaction, paymentId: string): Promise<Payment | null> {
    this.locks += 1;
    return this.deferred.get(tx.manager)?.get(paymentId) ?? this.rows.get(paymentId) ?? null;
  }

  /** The id lists lockAll was given, in order. */
  readonly lockedAll: string[][] = [];

  async lockAll(_tx: InTransaction, paymentIds: readonly string[]): Promise<void> {
    this.lockedAll.push([...paymentIds]);
  }

  async findById(paymentId: string, tx?: InTransaction): Promise<Payment | null> {
    return (tx === undefined ? undefined : this.deferred.get(tx.manager)?.get(paymentId)) ?? this.rows.get(paymentId) ?? null;
  }

  async insert(_tx: InTransaction, payment: Payment): Promise<void> {
    if (this.rows.has(payment.id)) throw new Error('duplicate payment id');
    this.rows.set(payment.id, payment);
  }

  async insertClaimed(tx: InTransaction, payment: Payment, key: IdempotencyRecord, _outbox: OutboxRows | null): Promise<ClaimOutcome> {
    const existing = this.keys.rows.get(`${key.userId}|${key.key}`);
    if (existing) return { claimed: false, existing };
    await this.insert(tx, payment);
    this.keys.rows.set(`${key.userId}|${key.key}`, key);
    return { claimed: true };
  }

  /** The limits checks insertWithinLimits was given, one entry per call. */
  readonly limitsChecks: PayerLimitsCheck[] = [];

  async insertWithinLimits(tx: InTransaction, payment: Payment, key: IdempotencyRecord, limits: PayerLimitsCheck, outbox: OutboxRows | null): Promise<WithinLimitsOutcome> {
    this.limitsChecks.push(limits);
    const usage = await this.payerUsage.lockAndMeasure(tx, limits.query);
    const held = this.keys.rows.get(`${key.userId}|${key.key}`);
    if (held) return { kind: 'held', existing: held };
    if (!fitsPayerLimitBounds(usage, limits.bounds)) return { kind: 'over-limit', usage };
    const claim = await this.insertClaimed(tx, payment, key, outbox);
    return claim.claimed ? { kind: 'created' } : { kind: 'held', existing: claim.existing };
  }

  async update(tx: InTransaction, payment: Payment): Promise<void> {
    if (!this.rows.has(payment.id)) throw new Error('update of a missing payment');
    const deferred = this.deferred.get(tx.manager);
    if (deferred !== undefined) deferred.set(payment.id, payment);
    else this.rows.set(payment.id, payment);
  }

  deferUpdates(tx: InTransaction): void {
    if (!this.deferred.has(tx.manager)) this.deferred.set(tx.manager, new Map());
  }

  async writeDeferredUpdates(tx: InTransaction): Promise<void> {
    const deferred = this.deferred.get(tx.manager);
    if (deferred === undefined || deferred.size === 0) return;
    this.deferredWrites.push(deferred.size);
    for (const [id, payment] of deferred) this.rows.set(id, payment);
    deferred.clear();
  }

  /** Ids the next lockDueTimers skips, as if another transaction held their rows. */
  readonly lockedElsewhere = new Set<string>();
  /** Rows that do not read as a payment (as a row written by something else would not), by id. */
  readonly unreadable = new Map<string, string>();
  readonly quarantined = new Map<string, { reason: string; at: Date }>();
  readonly overdueAlerted = new Map<string, Date>();
  readonly operatorActionLog: OperatorActionRecord[] = [];

  async lockDueTimers(_tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]> {
    return [...this.rows.values()]
      .filter((p) => p.legCheckAt !== null && p.legCheckAt.getTime() <= now.getTime() && !this.lockedElsewhere.has(p.id))
      .sort((a, b) => (a.legCheckAt?.getTime() ?? 0) - (b.legCheckAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((p) => this.read(p));
  }

  async lockOverdueReversals(_tx: InTransaction, now: Date, limit: number): Promise<LockedPaymentRow[]> {
    return [...this.rows.values()]
      .filter(
        (p) =>
          p.reversalDueBy !== null &&
          p.reversalDueBy.getTime() <= now.getTime() &&
          ['credit_failed', 'reversal_pending', 'reversal_failed'].includes(p.status) &&
          !this.overdueAlerted.has(p.id),
      )
      .slice(0, limit)
      .map((p) => this.read(p));
  }

  async markReversalOverdueAlerted(tx: InTransaction, paymentId: string, at: Date): Promise<void> {
    await this.writeDeferredUpdates(tx);
    this.overdueAlerted.set(paymentId, at);
  }

  async quarantine(tx: InTransaction, paymentId: string, reason: string, at: Date): Promise<void> {
    await this.writeDeferredUpdates(tx);
    const payment = this.rows.get(paymentId);
    if (payment) this.rows.set(paymentId, { ...payment, legCheckAt: null });
    this.quarantined.set(paymentId, { reason, at });
  }

  async listNeedingOperator(query: { readonly after: OperatorListCursor | null; readonly limit: number }): Promise<PaymentNeedingOperator[]> {
    const after = query.after;
    return [...this.rows.values()]
      .map((payment) => {
        const reasons: PaymentNeedingOperator['reasons'][number][] = [];
        if (payment.status === 'reversal_failed' && payment.legCheckAt === null) reasons.push('reversal-retries-exhausted');
        const quarantine = this.quarantined.get(payment.id) ?? null;
        if (quarantine) reasons.push('quarantined');
        if (payment.lateCreditAt !== null) reasons.push('late-credit-after-deemed-failure');
        return { paymentId: payment.id, createdAt: payment.createdAt, status: payment.status, reasons, quarantine, payment };
      })
      .filter((row) => row.reasons.length > 0)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.paymentId.localeCompare(b.paymentId))
      .filter((row) => after === null || row.createdAt > after.createdAt || (row.createdAt.getTime() === after.createdAt.getTime() && row.paymentId > after.id))
      .slice(0, query.limit);
  }

  /** Like a savepoint: what `work` changed is undone if it throws. */
  async isolate<T>(_tx: InTransaction, work: () => Promise<T>): Promise<T> {
    const before = new Map(this.rows);
    try {
      return await work();
    } catch (error) {
      this.rows.clear();
      for (const [id, payment] of before) this.rows.set(id, payment);
      throw error;
    }
  }

  async recordOperatorAction(_tx: InTransaction, action: OperatorActionRecord): Promise<void> {
    this.operatorActionLog.push(action);
  }

  async operatorActions(paymentId: string): Promise<OperatorActionRecord[]> {
    return this.operatorActionLog.filter((action) => action.paymentId === paymentId);
  }

  private read(payment: Payment): LockedPaymentRow {
    const unreadable = this.unreadable.get(payment.id);
    return unreadable !== undefined ? { id: payment.id, unreadable } : { id: payment.id, payment };
  }
}

export class InMemoryIdempotencyKeyRepository extends IdempotencyKeyRepository {
  readonly rows = new Map<string, IdempotencyRecord>();

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.rows.get(`${userId}|${key}`) ?? null;
  }
}

export class FakePartyDirectory extends PartyDirectory {
  calls: Array<{ payerUserId: string; payeePhone?: string; payeeAddress?: string }> = [];

  constructor(public answer: PartyLookupResult) {
    super();
  }

  async resolve(payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    this.calls.push(payee.phone !== undefined ? { payerUserId, payeePhone: payee.phone } : { payerUserId, payeeAddress: payee.address });
    return this.answer;
  }
}

/** Accounts and the base payment the unit specs share: ₹500.00 from a payer at SBXA to Asha at SBXB. */
export const SAMPLE_PAYER_ACCOUNT = { bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
export const SAMPLE_PAYEE_ACCOUNT = { bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
export const SAMPLE_PAYMENT_ID = '0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e';

/** The sample payment in `status`, with `changes` (leg ids, rrn, timer...) applied over it. */
export function samplePayment(status: PaymentStatus, changes: Partial<Payment> = {}, id: string = SAMPLE_PAYMENT_ID): Payment {
  const base = createPayment({
    id,
    payerUserId: 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0',
    payeeUserId: 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0',
    payer: SAMPLE_PAYER_ACCOUNT,
    payee: SAMPLE_PAYEE_ACCOUNT,
    payeeDisplayName: 'Asha',
    amount: Money.ofMinor(50_000n, 'INR'),
    note: null,
    at: new Date('2026-11-28T09:00:00.000Z'),
  });
  return { ...base, ...changes, status };
}

/** The built-in UPI profile, as the service loads it. */
export const UPI_PROFILE: SchemeProfile = loadSchemeProfile({ name: 'upi' });

/** The transition step over an in-memory repository, with sequential ids and the UPI profile unless told otherwise. */
export function transitionStep(payments: PaymentRepository, options: { ids?: SequentialIds; profile?: SchemeProfile } = {}): PaymentTransitionStep {
  return new PaymentTransitionStep(payments, options.ids ?? new SequentialIds(), options.profile ?? UPI_PROFILE);
}

/**
 * Payer usage read from an in-memory payment repository, with the adapter's rules: every status
 * but debit_failed counts. `locked` lists the payers whose lock was taken, in order.
 */
export class InMemoryPayerUsageRepository extends PayerUsageRepository {
  readonly locked: string[] = [];

  constructor(private readonly payments: InMemoryPaymentRepository) {
    super();
  }

  async lockAndMeasure(_tx: InTransaction, query: PayerUsageQuery): Promise<PayerUsage> {
    this.locked.push(query.payerUserId);
    const counted = this.counted(query);
    const inWindow = counted.filter((p) => p.createdAt > query.windowStart);
    const coolingStart = query.coolingStart;
    const sinceBound = coolingStart === null ? [] : counted.filter((p) => p.createdAt >= coolingStart);
    return {
      count: inWindow.length,
      amountMinor: inWindow.reduce((sum, p) => sum + p.amount.minorUnits, 0n),
      sinceDeviceBoundMinor: sinceBound.reduce((sum, p) => sum + p.amount.minorUnits, 0n),
    };
  }

  async windowPayments(_tx: InTransaction, query: PayerUsageQuery): Promise<WindowPayment[]> {
    return this.counted(query)
      .filter((p) => p.createdAt > query.windowStart)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((p) => ({ amountMinor: p.amount.minorUnits, createdAt: p.createdAt }));
  }

  private counted(query: PayerUsageQuery): Payment[] {
    return [...this.payments.rows.values()].filter(
      (p) => p.payerUserId === query.payerUserId && p.amount.currency === query.currency && p.status !== 'debit_failed' && paymentKind(p) !== 'refund',
    );
  }
}

/** The payer, its parties and a PIN block shared by the InitiatePaymentUseCase specs. */
export const TEST_PAYER_ID = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
export const TEST_PARTIES: PaymentParties = {
  payer: { userId: TEST_PAYER_ID, ...SAMPLE_PAYER_ACCOUNT },
  payee: { userId: 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0', ...SAMPLE_PAYEE_ACCOUNT, displayName: 'Asha' },
};
export const TEST_PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';

/** InitiatePaymentUseCase over in-memory ports that resolve TEST_PARTIES, with the ports to inspect. */
export function initiatePaymentHarness(options: { profile?: SchemeProfile; now?: Date } = {}) {
  const unitOfWork = new FakeTransactionRunner();
  const keys = new InMemoryIdempotencyKeyRepository();
  const payments = new InMemoryPaymentRepository(keys);
  const parties = new FakePartyDirectory({ ok: true, parties: TEST_PARTIES });
  const usage = payments.payerUsage;
  const ids = new SequentialIds();
  const profile = options.profile ?? UPI_PROFILE;
  const useCase = new InitiatePaymentUseCase(unitOfWork, payments, keys, parties, new FixedClock(options.now), ids, profile, usage, transitionStep(payments, { ids, profile }));
  return { useCase, unitOfWork, payments, keys, parties, usage };
}
