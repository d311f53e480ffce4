import { Inject, Injectable } from '@nestjs/common';
import { Money, MoneyDto, PROBLEM_CODES, ProblemCode, ResultCode } from '@kirim/contracts';
import { TransactionRunner, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { createPayment, Payment } from '../payment';
import { IdempotencyKeyRepository, IdempotencyRecord, PaymentRepository } from '../payment.repository';
import { PaymentTransitionStep } from '../payment-transition-step';
import { PartyDirectory, PayeeIdentifier } from '../party-directory';
import { PayerUsageRepository } from '../../limits/payer-usage.repository';
import { checkPayerLimits, checkPerPaymentLimit, LimitRefusal, LimitWindows, limitFreesAt, limitWindows, withFreesAt } from '../../limits/payment-limits-policy';
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
}

export type InitiatePaymentOutcome =
  /** `replayed`: the key was used before with the same request; this is that payment, nothing new was created. */
  | { readonly ok: true; readonly payment: Payment; readonly replayed: boolean }
  | InitiatePaymentFailure;

export interface InitiatePaymentFailure {
  readonly ok: false;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly resultCode?: ResultCode;
  /** A 429 (the payer's payee lookups ran out, at identity): when to retry, passed on as Retry-After. */
  readonly retryAfterSeconds?: number;
}

/**
 * Starts a P2P payment: checks the amount, resolves the parties at identity, then in one
 * transaction takes the payer's limit lock, checks the scheme profile's limits against what the
 * payer sent before, claims the idempotency key, stores the payment already waiting for its debit
 * (its leg timer running) and writes `payment initiated` + `debit requested` to the outbox.
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
      return amount.reason === 'invalid'
        ? failure(400, PROBLEM_CODES.VALIDATION_FAILED, amount.detail)
        : failure(422, PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, amount.detail);
    }
    const payeeNamed = payeeIdentifierOf(command);
    if (payeeNamed === null) return failure(400, PROBLEM_CODES.VALIDATION_FAILED, 'Name the payee by exactly one of phone number and payment address.');
    // The idempotency fingerprint covers whichever of phone and address named the payee.
    const fingerprint =
      payeeNamed.phone !== undefined
        ? requestFingerprint({ payeePhone: payeeNamed.phone, amount: amount.amount, note: command.note })
        : requestFingerprint({ payeeAddress: payeeNamed.address, amount: amount.amount, note: command.note });

    // A retry of a request that already went through is answered without asking identity again:
    // clients retry exactly when things are flaky, and the answer must not depend on identity then.
    const earlier = await this.idempotencyKeys.find(command.payerUserId, command.idempotencyKey);
    if (earlier) return this.replay(earlier, fingerprint);

    if (amount.amount.currency !== this.profile.currency) {
      return failure(400, PROBLEM_CODES.VALIDATION_FAILED, `The ${this.profile.name} scheme profile pays in ${this.profile.currency} only.`);
    }
    const tooLarge = checkPerPaymentLimit(amount.amount, this.profile);
    if (tooLarge) return refusedByLimit(tooLarge);

    const lookup = await this.parties.resolve(command.payerUserId, payeeNamed);
    if (!lookup.ok) {
      const { failure: why } = lookup;
      return why.kind === 'refused'
        ? { ...failure(why.status, why.code, why.detail, why.resultCode), ...(why.retryAfterSeconds !== undefined ? { retryAfterSeconds: why.retryAfterSeconds } : {}) }
        : failure(503, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'The payee cannot be resolved right now; try again.');
    }
    const { payer, payee } = lookup.parties;
    // identity resolves the payer from the same token; a different user means a bug there, never pay from it.
    if (payer.userId !== command.payerUserId) throw new Error('identity resolved a payer other than the authenticated user');
    if (payee.userId === payer.userId) return failure(422, PROBLEM_CODES.SELF_PAYMENT, 'The payer and the payee are the same user.');

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

    return this.unitOfWork.run(async (tx): Promise<InitiatePaymentOutcome> => {
      // One payer's initiations, on any replica, pass this point one at a time until commit, so
      // concurrent payments cannot each miss the others and jointly pass a limit.
      await this.payerUsage.lockPayer(tx, payer.userId);
      const refused = await this.payerLimitRefusal(tx, payer.userId, amount.amount, windows);
      if (refused) {
        // A request with the same key that committed while this one waited for the lock is a
        // replay: answered, never refused. (When the limits pass, the claim below finds it instead;
        // looking only here keeps the lookup off the accepted path.)
        const twin = await this.idempotencyKeys.find(command.payerUserId, command.idempotencyKey, tx);
        return twin ? this.replay(twin, fingerprint, tx) : refusedByLimit(refused);
      }

      const claim = await this.idempotencyKeys.claim(tx, {
        userId: command.payerUserId,
        key: command.idempotencyKey,
        requestFingerprint: fingerprint,
        paymentId: payment.id,
      });
      // Lost the race to a concurrent request with the same key: answer with its payment.
      if (!claim.claimed) return this.replay(claim.existing, fingerprint, tx);

      await this.step.store(tx, started);
      return { ok: true, payment, replayed: false };
    }, { traceparent: command.traceparent });
  }

  /** The limits over what the payer sent before; null when the payment fits them all. */
  private async payerLimitRefusal(tx: TransactionScope, payerUserId: string, amount: Money, windows: LimitWindows): Promise<LimitRefusal | null> {
    const query = { payerUserId, currency: this.profile.currency, windowStart: windows.windowStart, coolingStart: windows.coolingStart };
    const usage = await this.payerUsage.measure(tx, query);
    const refused = checkPayerLimits({ amount, usage, windows, profile: this.profile });
    if (!refused) return null;
    // Refusals are rare: only then read the window's payments to say when the limit frees up.
    const oldestFirst = refused.limit === 'rolling-count' || refused.limit === 'rolling-amount' ? await this.payerUsage.windowPayments(tx, query) : [];
    return withFreesAt(refused, limitFreesAt(refused.limit, { amount, oldestFirst, windows, profile: this.profile }));
  }

  private async replay(
    earlier: IdempotencyRecord,
    fingerprint: string,
    tx?: Parameters<PaymentRepository['findById']>[1],
  ): Promise<InitiatePaymentOutcome> {
    if (earlier.requestFingerprint !== fingerprint) {
      return failure(422, PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was already used for a different request.');
    }
    const payment = await this.payments.findById(earlier.paymentId, tx);
    // The key and its payment are written in one transaction; one without the other is a bug.
    if (!payment) throw new Error('idempotency key points at a missing payment');
    return { ok: true, payment, replayed: true };
  }
}

function refusedByLimit(refused: LimitRefusal): InitiatePaymentFailure {
  return failure(refused.status, refused.code, refused.detail, refused.resultCode);
}

function failure(status: number, code: ProblemCode, detail: string, resultCode?: ResultCode): InitiatePaymentFailure {
  return { ok: false, status, code, detail, ...(resultCode ? { resultCode } : {}) };
}

/** The payee as the command names them, or null for both or neither. */
function payeeIdentifierOf(command: InitiatePaymentCommand): PayeeIdentifier | null {
  if (command.payeePhone !== undefined && command.payeeAddress === undefined) return { phone: command.payeePhone };
  if (command.payeeAddress !== undefined && command.payeePhone === undefined) return { address: command.payeeAddress };
  return null;
}
