import { Inject, Injectable } from '@nestjs/common';
import { Money, MoneyDto } from '@kirim/contracts';
import { TransactionRunner, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator, ProblemFailure } from '@kirim/platform';
import { createPayment, Payment } from '../payment';
import { IdempotencyKeyRepository, IdempotencyRecord, PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep, StepAccepted } from '../payment-transition-step';
import { PartyDirectory, PayeeIdentifier } from '../party-directory';
import { INITIATE_PAYMENT_PROBLEMS as PROBLEMS, LIMIT_REFUSAL_REASONS } from '../payment-problems';
import { payerLimitRefusal, payerUsageQuery } from '../../limits/payer-limit-refusal';
import { PayerUsageQuery, PayerUsageRepository } from '../../limits/payer-usage.repository';
import { checkPerPaymentLimit, LimitRefusal, LimitWindows, limitWindows, payerLimitBounds } from '../../limits/payment-limits-policy';
import { SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { checkPaymentAmount, requestFingerprint } from './payment-request-rules';

export interface InitiatePaymentCommand {
  readonly payerUserId: string;
  /**
   * When the device the payer's token is bound to was bound: the limits' cooling period runs from
   * it. Null for a sandbox-login token (local development only, refused in production): no cooling.
   */
  readonly deviceBoundAt: Date | null;
  readonly idempotencyKey: string;
  /**
   * The payee, by exactly one of their phone number and their payment address (`handle@kirim`).
   * Optional both, rather than a union, so a command is built by spreading overrides; the use case
   * refuses both or neither (the HTTP body is already checked for it).
   */
  readonly payeePhone?: string;
  readonly payeeAddress?: string;
  readonly amount: MoneyDto;
  readonly note: string | null;
  /**
   * The UPI PIN block for the payer's bank (docs/upi-pin.md): passed through on the debit request
   * and kept nowhere else: not in the payment, the idempotency record or a log line.
   */
  readonly encryptedPin: string;
  /** The request's W3C traceparent, if the caller sent one; the payment's messages continue its trace. */
  readonly traceparent?: string;
  /** A caller's own rule over the payment, in its transaction (a collect request between people: apps/payments/src/collect). */
  readonly gate?: PaymentGate;
}

/**
 * Lets a caller admit a payment and record it in the payment's own transaction, as OrderPaymentGate
 * does for an order's: the caller's record and the payment commit together or not at all (a collect
 * request approved by exactly one payment, never alongside a decline).
 */
export interface PaymentGate {
  /**
   * What the payment is for (e.g. `collect-request:<id>`): part of the Idempotency-Key's
   * fingerprint, so a key used for a plain payment, or for another subject, never replays as this one.
   */
  readonly subject: string;
  /**
   * After the payer's limit lock, before the limits and the key's claim: null lets the payment
   * through; a refusal is answered as the outcome, nothing written. `payment` is the one about to be
   * stored, its parties resolved by identity.
   */
  admit(tx: TransactionScope, payment: Payment, now: Date): Promise<InitiatePaymentFailure | null>;
  /** After the payment is stored, in the same transaction. */
  record(tx: TransactionScope, payment: Payment): Promise<void>;
}

export type InitiatePaymentOutcome =
  /** `replayed`: the key was used before with the same request; this is that payment, nothing new was created. */
  | { readonly ok: true; readonly payment: Payment; readonly replayed: boolean }
  | InitiatePaymentFailure;

/**
 * A refusal: a row of the payment feature's problem table (payment-problems.ts), or a gate's own
 * (its caller documents those). A 429 (the payer's payee lookups ran out, at identity) carries when
 * to retry, passed on as Retry-After.
 */
export type InitiatePaymentFailure = ProblemFailure;

/**
 * Starts a P2P payment: checks the amount, resolves the parties at identity, then in one
 * transaction takes the payer's limit lock, checks the scheme profile's limits against what the
 * payer sent before, claims the idempotency key, stores the payment already waiting for its debit
 * (its leg timer running) and writes `payment initiated` + `debit requested` to the outbox.
 * Without a gate that transaction is one statement (storeWithinLimits); a gate's rule runs in
 * between, so with one the lock and the measure, then the claim and the writes, are one each.
 * An idempotent replay is answered before any limit is looked at: it is neither counted nor refused.
 */
@Injectable()
export class InitiatePaymentUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly payments: PaymentRepository,
    private readonly idempotencyKeys: IdempotencyKeyRepository,
    private readonly parties: PartyDirectory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
    private readonly payerUsage: PayerUsageRepository,
    private readonly step: PaymentTransitionStep,
  ) {}

  async execute(command: InitiatePaymentCommand): Promise<InitiatePaymentOutcome> {
    const amount = checkPaymentAmount(command.amount);
    if (!amount.ok) {
      return PROBLEMS.failure(amount.reason === 'invalid' ? 'validation-failed' : 'amount-not-positive', amount.detail);
    }
    const payeeNamed = payeeIdentifierOf(command);
    if (payeeNamed === null) return PROBLEMS.failure('validation-failed', 'Name the payee by exactly one of phone number and payment address.');
    // The idempotency fingerprint covers whichever of phone and address named the payee, and the gate's subject.
    const subject = command.gate !== undefined ? { subject: command.gate.subject } : {};
    const fingerprint =
      payeeNamed.phone !== undefined
        ? requestFingerprint({ payeePhone: payeeNamed.phone, amount: amount.amount, note: command.note, ...subject })
        : requestFingerprint({ payeeAddress: payeeNamed.address, amount: amount.amount, note: command.note, ...subject });

    // A retry of a request that already went through is answered without asking identity again:
    // clients retry exactly when things are flaky, and the answer must not depend on identity then.
    const earlier = await this.idempotencyKeys.find(command.payerUserId, command.idempotencyKey);
    if (earlier) return this.replay(earlier, fingerprint);

    if (amount.amount.currency !== this.profile.currency) {
      return PROBLEMS.failure('validation-failed', `The ${this.profile.name} scheme profile pays in ${this.profile.currency} only.`);
    }
    const tooLarge = checkPerPaymentLimit(amount.amount, this.profile);
    if (tooLarge) return refusedByLimit(tooLarge);

    const lookup = await this.parties.resolve(command.payerUserId, payeeNamed);
    if (!lookup.ok) {
      const { failure: why } = lookup;
      // identity's refusal goes to the payer as it came (its detail, its Retry-After) when the table
      // has its row; one the table does not document means the two services disagree, answered as
      // identity being unusable rather than as something payments' document never promised.
      const passedOn = why.kind === 'refused' ? PROBLEMS.passOn(why) : null;
      return passedOn ?? PROBLEMS.failure('dependency-unavailable', 'The payee cannot be resolved right now; try again.');
    }
    const { payer, payee } = lookup.parties;
    // identity resolves the payer from the same token; a different user means a bug there, never pay from it.
    if (payer.userId !== command.payerUserId) throw new Error('identity resolved a payer other than the authenticated user');
    if (payee.userId === payer.userId) return PROBLEMS.failure('self-payment', 'The payer and the payee are the same user.');

    const now = this.clock.now();
    const created = createPayment({
      id: this.ids.uuid(),
      payerUserId: payer.userId,
      payeeUserId: payee.userId,
      payer: { bankCode: payer.bankCode, accountRef: payer.accountRef },
      payee: { bankCode: payee.bankCode, accountRef: payee.accountRef },
      payeeDisplayName: payee.displayName,
      amount: amount.amount,
      note: command.note,
      at: now,
    });
    // The debit's timer starts with it: if no answer comes, the poller checks on the scheme's pace.
    const started = this.step.decide(created, { kind: 'debit-requested', debitRequestId: this.ids.uuid(), at: now, encryptedPin: command.encryptedPin }, { isNew: true });
    if (!started.ok) throw new Error(`a new payment refused its debit: ${started.reason}`);
    const payment = started.payment;

    const windows = limitWindows(this.profile, now, command.deviceBoundAt);
    // One payer's initiations, on any replica, pass the payer's limit lock one at a time until
    // commit, so concurrent payments cannot each miss the others and jointly pass a limit.
    const usageQuery = payerUsageQuery(payer.userId, windows, this.profile);
    const key = { userId: command.payerUserId, key: command.idempotencyKey, requestFingerprint: fingerprint, paymentId: payment.id };
    const gate = command.gate;
    if (gate === undefined) return this.initiateInOneStatement(started, key, usageQuery, amount.amount, windows, command.traceparent);

    return this.unitOfWork.run(async (tx): Promise<InitiatePaymentOutcome> => {
      const usage = await this.payerUsage.lockAndMeasure(tx, usageQuery);
      // A request with the same key that committed while this one waited for the lock is a replay,
      // answered as such: the gate would refuse it, its rule being already passed by that payment.
      const twin = await this.idempotencyKeys.find(command.payerUserId, command.idempotencyKey, tx);
      if (twin) return this.replay(twin, fingerprint, tx);
      const refusedByGate = await gate.admit(tx, payment, now);
      if (refusedByGate) return refusedByGate;
      const refused = await payerLimitRefusal(this.payerUsage, tx, { query: usageQuery, usage, amount: amount.amount, windows, profile: this.profile });
      if (refused) return refusedByLimit(refused);

      // The key, the payment and its messages in one statement, written only if the key is free.
      const claim = await this.step.storeClaimed(tx, started, key);
      // Lost the race to a concurrent request with the same key: answer with its payment.
      if (!claim.claimed) return this.replay(claim.existing, fingerprint, tx);
      await gate.record(tx, payment);
      return { ok: true, payment, replayed: false };
    }, { traceparent: command.traceparent });
  }

  /**
   * A payment without a gate: its whole transaction is one statement (storeWithinLimits), the
   * payer's lock, the key read under it, the limits' bounds, the writes. A key held by a request that
   * committed while this one waited is answered as that request, never refused; over the limits,
   * the refusal is worded from the usage measured under the lock.
   */
  private async initiateInOneStatement(
    started: StepAccepted,
    key: IdempotencyRecord,
    query: PayerUsageQuery,
    amount: Money,
    windows: LimitWindows,
    traceparent: string | undefined,
  ): Promise<InitiatePaymentOutcome> {
    const limits = { query, bounds: payerLimitBounds(amount, windows, this.profile) };
    return this.unitOfWork.run(async (tx): Promise<InitiatePaymentOutcome> => {
      const stored = await this.step.storeWithinLimits(tx, started, key, limits);
      if (stored.kind === 'created') return { ok: true, payment: started.payment, replayed: false };
      if (stored.kind === 'held') return this.replay(stored.existing, key.requestFingerprint);
      const refused = await payerLimitRefusal(this.payerUsage, tx, { query, usage: stored.usage, amount, windows, profile: this.profile });
      // The bounds are the limits' own (payerLimitBounds): a usage outside them that the limits let through is a bug.
      if (!refused) throw new Error('the payer limit bounds refused a payment the limits let through');
      return refusedByLimit(refused);
    }, { traceparent, oneStatement: true });
  }

  private async replay(
    earlier: IdempotencyRecord,
    fingerprint: string,
    tx?: Parameters<PaymentRepository['findById']>[1],
  ): Promise<InitiatePaymentOutcome> {
    if (earlier.requestFingerprint !== fingerprint) {
      return PROBLEMS.failure('idempotency-key-reused', 'This Idempotency-Key was already used for a different request.');
    }
    const payment = await this.payments.findById(earlier.paymentId, tx);
    // The key and its payment are written in one transaction; one without the other is a bug.
    if (!payment) throw new Error('idempotency key points at a missing payment');
    return { ok: true, payment, replayed: true };
  }
}

/** The limit's row in the table (the limits policy's problem for it), with the policy's words. */
function refusedByLimit(refused: LimitRefusal): InitiatePaymentFailure {
  return PROBLEMS.failure(LIMIT_REFUSAL_REASONS[refused.limit], refused.detail);
}

/** The payee as the command names them, or null for both or neither. */
function payeeIdentifierOf(command: InitiatePaymentCommand): PayeeIdentifier | null {
  if (command.payeePhone !== undefined && command.payeeAddress === undefined) return { phone: command.payeePhone };
  if (command.payeeAddress !== undefined && command.payeePhone === undefined) return { address: command.payeeAddress };
  return null;
}
