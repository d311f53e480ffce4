import { Inject, Injectable } from '@nestjs/common';
import { MoneyDto, PROBLEM_CODES, ProblemCode, RESULT_CODES, ResultCode } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { LEG_TIMER_POLICY, LegTimerPolicy, withLegTimer } from '../leg-timer';
import { createPayment, Payment } from '../payment';
import { IdempotencyKeyRepository, IdempotencyRecord, PaymentRepository } from '../payment.repository';
import { transition } from '../payment-state-machine';
import { PartyDirectory } from '../party-directory';
import { checkPaymentAmount, requestFingerprint } from './payment-request-rules';

export interface InitiatePaymentCommand {
  readonly payerUserId: string;
  /** The caller's bearer token, forwarded to identity to resolve the payer's account. */
  readonly bearerToken: string;
  readonly idempotencyKey: string;
  readonly payeePhone: string;
  readonly amount: MoneyDto;
  readonly note: string | null;
  /** The request's W3C traceparent, if the caller sent one; the payment's messages continue its trace. */
  readonly traceparent?: string;
}

/** The payment's per-transaction limit in minor units (config PAYMENT_MAX_AMOUNT_MINOR). */
export const PAYMENT_MAX_AMOUNT_MINOR = Symbol('PAYMENT_MAX_AMOUNT_MINOR');

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
}

/** Only the work this interface names is needed; unit tests pass a fake. */

/**
 * Starts a P2P payment: checks the amount, resolves the parties at identity, then in one
 * transaction claims the idempotency key, stores the payment already waiting for its debit (its
 * leg timer running) and writes `payment initiated` + `debit requested` to the outbox.
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
    @Inject(PAYMENT_MAX_AMOUNT_MINOR) private readonly maxAmountMinor: bigint,
    @Inject(LEG_TIMER_POLICY) private readonly legTimer: LegTimerPolicy,
  ) {}

  async execute(command: InitiatePaymentCommand): Promise<InitiatePaymentOutcome> {
    const amount = checkPaymentAmount(command.amount, this.maxAmountMinor);
    if (!amount.ok) {
      return amount.reason === 'invalid'
        ? failure(400, PROBLEM_CODES.VALIDATION_FAILED, amount.detail)
        : failure(422, PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, amount.detail, RESULT_CODES.PER_TRANSACTION_LIMIT);
    }
    const fingerprint = requestFingerprint({ payeePhone: command.payeePhone, amount: amount.amount, note: command.note });

    // A retry of a request that already went through is answered without asking identity again:
    // clients retry exactly when things are flaky, and the answer must not depend on identity then.
    const earlier = await this.idempotencyKeys.find(command.payerUserId, command.idempotencyKey);
    if (earlier) return this.replay(earlier, fingerprint);

    const lookup = await this.parties.resolve(command.payeePhone, command.bearerToken);
    if (!lookup.ok) {
      const { failure: why } = lookup;
      return why.kind === 'refused'
        ? failure(why.status, why.code, why.detail, why.resultCode)
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
    const started = transition(created, { kind: 'debit-requested', debitRequestId: this.ids.uuid(), at: now });
    if (!started.ok) throw new Error(`a new payment refused its debit: ${started.reason}`);
    // The debit's timer starts now: if no answer comes within the leg timeout, the poller checks.
    const payment = withLegTimer(null, started.payment, now, this.legTimer);

    return this.unitOfWork.run(async (tx): Promise<InitiatePaymentOutcome> => {
      const claim = await this.idempotencyKeys.claim(tx, {
        userId: command.payerUserId,
        key: command.idempotencyKey,
        requestFingerprint: fingerprint,
        paymentId: payment.id,
      });
      // Lost the race to a concurrent request with the same key: answer with its payment.
      if (!claim.claimed) return this.replay(claim.existing, fingerprint, tx);

      await this.payments.insert(tx, payment);
      for (const event of started.events) await tx.publish(event);
      return { ok: true, payment, replayed: false };
    }, { traceparent: command.traceparent });
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

function failure(status: number, code: ProblemCode, detail: string, resultCode?: ResultCode): InitiatePaymentFailure {
  return { ok: false, status, code, detail, ...(resultCode ? { resultCode } : {}) };
}
