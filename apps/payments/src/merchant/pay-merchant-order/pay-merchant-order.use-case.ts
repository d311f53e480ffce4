import { Inject, Injectable } from '@nestjs/common';
import { Money, PROBLEM_CODES } from '@kirim/contracts';
import { TransactionRunner, TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { payerLimitRefusal, payerUsageQuery } from '../../limits/payer-limit-refusal';
import { PayerUsageRepository } from '../../limits/payer-usage.repository';
import { limitWindows } from '../../limits/payment-limits-policy';
import { SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { PartyDirectory } from '../../payment/party-directory';
import { createPayment, Payment } from '../../payment/payment';
import { IdempotencyKeyRepository, IdempotencyRecord, InTransaction, PaymentRepository } from '../../payment/payment.repository';
import { PaymentTransitionStep } from '../../payment/payment-transition-step';
import { perPaymentCap } from '../create-merchant-order/create-merchant-order.use-case';
import { attemptOutcome, MerchantOrder } from '../merchant';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { merchantRequestFingerprint } from '../merchant-request-fingerprint';
import { MerchantOrderRepository } from '../merchant-order.repository';
import { MerchantRepository } from '../merchant.repository';

export interface PayMerchantOrderCommand {
  readonly customerUserId: string;
  /** When the customer's device was bound (the cooling period runs from it); null for a sandbox-login token. */
  readonly deviceBoundAt: Date | null;
  readonly idempotencyKey: string;
  readonly orderId: string;
  /** The customer's UPI PIN block for their bank, for this order's amount (docs/upi-pin.md); passed on, kept nowhere. */
  readonly encryptedPin: string;
  readonly traceparent?: string;
  /** A caller's own rule over the payment, in its transaction (a collect request's: apps/payments/src/collect). */
  readonly gate?: OrderPaymentGate;
}

/**
 * Lets a caller admit an order's payment and record it in the payment's own transaction, after the
 * order's lock and before anything is written: the caller's record and the payment commit together
 * or not at all (a collect request approved by exactly one payment, never alongside a decline).
 */
export interface OrderPaymentGate {
  /** Null lets the payment through; a refusal is answered as the outcome, nothing written. */
  admit(tx: TransactionScope, now: Date): Promise<MerchantFailure | null>;
  /** After the payment is stored, in the same transaction. */
  record(tx: TransactionScope, payment: Payment): Promise<void>;
}

export type PayMerchantOrderOutcome = { readonly ok: true; readonly payment: Payment; readonly replayed: boolean } | MerchantFailure;

/**
 * A customer pays a merchant's order in the chat, with the UPI PIN: a payment from the customer's
 * account to the merchant's settlement account, made as every payment is. The same Idempotency-Key
 * table answers a retry; the payer limits are checked under the customer's limit lock; the
 * merchant category's per-payment cap replaces the P2P one; the state machine takes the payment
 * from its debit on (PaymentTransitionStep).
 *
 * The order's row is locked too, after the customer's limit lock (refunds take only the order's,
 * so no two transactions wait on each other in opposite order): an order has one payment in
 * progress at most, and none once paid or expired.
 */
@Injectable()
export class PayMerchantOrderUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly orders: MerchantOrderRepository,
    private readonly merchants: MerchantRepository,
    private readonly payments: PaymentRepository,
    private readonly idempotencyKeys: IdempotencyKeyRepository,
    private readonly parties: PartyDirectory,
    private readonly payerUsage: PayerUsageRepository,
    private readonly step: PaymentTransitionStep,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
  ) {}

  async execute(command: PayMerchantOrderCommand): Promise<PayMerchantOrderOutcome> {
    // The PIN is left out on purpose, as for P2P: a retry with a freshly encrypted PIN is the same request.
    const fingerprint = merchantRequestFingerprint('order-payment', { orderId: command.orderId });
    const earlier = await this.idempotencyKeys.find(command.customerUserId, command.idempotencyKey);
    if (earlier) return this.replay(earlier, fingerprint);

    const order = await this.orders.findOrder(command.orderId);
    const merchant = order === null ? null : await this.merchants.findById(order.merchantId);
    if (order === null || merchant === null) return merchantFailure('not-found', 'No such order.');
    // Cheap refusals first, so a paid or expired order never costs an identity lookup.
    const early = await this.orderRefusal(order, this.clock.now());
    if (early) return early;
    const cap = perPaymentCap(this.profile, merchant);
    if (cap === null) return merchantFailure('merchant-unavailable', "The merchant's category is no longer accepted.");
    if (order.amount.minorUnits > cap) {
      return merchantFailure('amount-out-of-range', `The amount exceeds the per-transaction limit of ${Money.ofMinor(cap, order.amount.currency).toString()} for this merchant's category.`);
    }

    const lookup = await this.parties.resolve(command.customerUserId, { address: merchant.settlementAddress });
    if (!lookup.ok) {
      const why = lookup.failure;
      if (why.kind === 'unavailable') return merchantFailure('dependency-unavailable', 'The merchant cannot be resolved right now; try again.');
      // The owner paying their own order is identity's self-payment; an owner without a linked account, XI.
      if (why.status !== 429 && why.code !== PROBLEM_CODES.SELF_PAYMENT && why.code !== PROBLEM_CODES.PAYER_ACCOUNT_MISSING) {
        return merchantFailure('merchant-unavailable', 'The merchant cannot be paid right now: its settlement account cannot be found.');
      }
      return { ok: false, status: why.status, code: why.code, detail: why.detail, ...(why.resultCode ? { resultCode: why.resultCode } : {}), ...(why.retryAfterSeconds !== undefined ? { retryAfterSeconds: why.retryAfterSeconds } : {}) };
    }
    const { payer, payee } = lookup.parties;
    if (payer.userId !== command.customerUserId) throw new Error('identity resolved a payer other than the authenticated user');
    // The settlement address must still lead to the owner: if identity gave it to someone else, nobody is paid.
    if (payee.userId !== merchant.ownerUserId) return merchantFailure('merchant-unavailable', "The merchant's settlement address no longer leads to its owner.");

    const now = this.clock.now();
    const created = createPayment({
      id: this.ids.uuid(),
      payerUserId: payer.userId,
      payeeUserId: payee.userId,
      payer: { bankCode: payer.bankCode, accountRef: payer.accountRef },
      payee: { bankCode: payee.bankCode, accountRef: payee.accountRef },
      // The customer pays the merchant, not its owner: receipts and replays show the merchant's name.
      payeeDisplayName: merchant.displayName,
      amount: order.amount,
      note: order.note,
      at: now,
      merchant: { merchantId: merchant.id, orderId: order.id, refundOf: null },
    });
    const started = this.step.decide(created, { kind: 'debit-requested', debitRequestId: this.ids.uuid(), at: now, encryptedPin: command.encryptedPin }, { isNew: true });
    if (!started.ok) throw new Error(`a new order payment refused its debit: ${started.reason}`);
    const windows = limitWindows(this.profile, now, command.deviceBoundAt);

    return this.unitOfWork.run(async (tx): Promise<PayMerchantOrderOutcome> => {
      const usageQuery = payerUsageQuery(payer.userId, windows, this.profile);
      const usage = await this.payerUsage.lockAndMeasure(tx, usageQuery);
      const locked = await this.orders.lockOrder(tx, order.id);
      if (locked === null) throw new Error('an order read a moment ago is gone');
      const twin = await this.idempotencyKeys.find(command.customerUserId, command.idempotencyKey, tx);
      // A request with the same key that committed while this one waited for the locks is a replay.
      if (twin) return this.replay(twin, fingerprint, tx);
      const refused = (await this.orderRefusal(locked, now, tx)) ?? (await command.gate?.admit(tx, now)) ?? null;
      if (refused) return refused;
      const overLimit = await payerLimitRefusal(this.payerUsage, tx, { query: usageQuery, usage, amount: order.amount, windows, profile: this.profile });
      if (overLimit) return { ok: false, status: overLimit.status, code: overLimit.code, detail: overLimit.detail, resultCode: overLimit.resultCode };

      const claim = await this.step.storeClaimed(tx, started, { userId: command.customerUserId, key: command.idempotencyKey, requestFingerprint: fingerprint, paymentId: started.payment.id });
      if (!claim.claimed) return this.replay(claim.existing, fingerprint, tx);
      await this.orders.setOrderPayment(tx, order.id, started.payment.id);
      await command.gate?.record(tx, started.payment);
      return { ok: true, payment: started.payment, replayed: false };
    }, { traceparent: command.traceparent });
  }

  /** Why the order cannot take a payment now (paid, being paid, expired), or null. */
  private async orderRefusal(order: MerchantOrder, now: Date, tx?: InTransaction): Promise<MerchantFailure | null> {
    const attempt = order.paymentId === null ? null : await this.payments.findById(order.paymentId, tx);
    const outcome = attempt === null ? null : attemptOutcome(attempt.status);
    if (outcome === 'paid') return merchantFailure('order-already-paid', 'The order is paid.');
    if (outcome === 'in-progress') return merchantFailure('order-already-paid', 'A payment of this order is in progress; wait for its outcome.');
    if (now.getTime() >= order.expiresAt.getTime()) return merchantFailure('order-expired', `The order expired at ${order.expiresAt.toISOString()}.`);
    return null;
  }

  private async replay(earlier: IdempotencyRecord, fingerprint: string, tx?: InTransaction): Promise<PayMerchantOrderOutcome> {
    if (earlier.requestFingerprint !== fingerprint) return merchantFailure('idempotency-key-reused', 'This Idempotency-Key was already used for a different request.');
    const payment = await this.payments.findById(earlier.paymentId, tx);
    if (!payment) throw new Error('idempotency key points at a missing payment');
    return { ok: true, payment, replayed: true };
  }
}
