import { Injectable } from '@nestjs/common';
import { Money, MoneyDto } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { checkPaymentAmount } from '../../payment/initiate-payment/payment-request-rules';
import { createPayment, Payment } from '../../payment/payment';
import { InTransaction, PaymentRepository } from '../../payment/payment.repository';
import { PaymentTransitionStep } from '../../payment/payment-transition-step';
import { Merchant, MerchantRefundRecord, orderState } from '../merchant';
import { MerchantFailure, merchantFailure } from '../merchant-problems';
import { merchantRequestFingerprint } from '../merchant-request-fingerprint';
import { MerchantOrderRepository } from '../merchant-order.repository';

export interface RefundMerchantOrderCommand {
  readonly merchant: Merchant;
  readonly orderId: string;
  /** The merchant's reference for the refund (its Idempotency-Key): the same reference and body are the same refund. */
  readonly reference: string;
  readonly amount: MoneyDto;
  readonly note: string | null;
  readonly traceparent?: string;
}

export type RefundMerchantOrderOutcome =
  | { readonly ok: true; readonly refund: MerchantRefundRecord; readonly payment: Payment; readonly replayed: boolean }
  | MerchantFailure;

/**
 * A merchant gives money back for a paid order, all of it or part (docs/merchants.md). A refund is
 * a payment of its own, the order's payment turned around: from the account it credited (the
 * merchant's settlement account) back to the account it debited (the customer's), with its own
 * legs (purpose `refund`; no UPI PIN: the merchant authorised it with its API key), its own ending,
 * and its own reversal to the merchant if its credit fails.
 *
 * The refunds of an order never add up to more than was paid: the order's row is locked, then the
 * refunds that count (all but a failed debit and a reversed refund) are summed and the new one
 * inserted in the same transaction, so concurrent refunds, on any replica, pass one at a time.
 */
@Injectable()
export class RefundMerchantOrderUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly orders: MerchantOrderRepository,
    private readonly payments: PaymentRepository,
    private readonly step: PaymentTransitionStep,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: RefundMerchantOrderCommand): Promise<RefundMerchantOrderOutcome> {
    const checked = checkPaymentAmount(command.amount);
    if (!checked.ok) return merchantFailure(checked.reason === 'invalid' ? 'invalid-request' : 'amount-out-of-range', checked.detail);
    const amount = checked.amount;
    const fingerprint = merchantRequestFingerprint('refund', { orderId: command.orderId, amount, note: command.note });

    const earlier = await this.orders.findRefundByReference(command.merchant.id, command.reference);
    if (earlier) return this.replay(earlier, fingerprint);
    const order = await this.orders.findOrder(command.orderId);
    // Another merchant's order is as unknown as one that does not exist.
    if (order === null || order.merchantId !== command.merchant.id) return merchantFailure('not-found', 'No such order.');
    if (amount.currency !== order.amount.currency) return merchantFailure('invalid-request', `The order was paid in ${order.amount.currency}.`);

    return this.unitOfWork.run(async (tx): Promise<RefundMerchantOrderOutcome> => {
      const locked = await this.orders.lockOrder(tx, order.id);
      if (locked === null) throw new Error('an order read a moment ago is gone');
      const twin = await this.orders.findRefundByReference(command.merchant.id, command.reference, tx);
      if (twin) return this.replay(twin, fingerprint, tx);

      const paid = locked.paymentId === null ? null : await this.payments.findById(locked.paymentId, tx);
      if (paid === null || paid.status !== 'completed') return merchantFailure('order-not-paid', 'Only a paid order can be refunded.');
      const now = this.clock.now();
      const state = orderState(locked, paid.status, await this.orders.refundAmounts(locked.id, tx), now);
      if (amount.minorUnits > state.refundableMinor) {
        return merchantFailure(
          'refund-exceeds-paid',
          `At most ${Money.ofMinor(state.refundableMinor, amount.currency).toString()} of this order can still be refunded (paid ${Money.ofMinor(state.paidMinor, amount.currency).toString()}).`,
        );
      }

      const created = createPayment({
        id: this.ids.uuid(),
        // The order's payment turned around: its payee's account pays its payer's account back.
        payerUserId: paid.payeeUserId,
        payeeUserId: paid.payerUserId,
        payer: paid.payee,
        payee: paid.payer,
        // The customer's name is identity's to show; the refund's receipt names the merchant's order instead.
        payeeDisplayName: null,
        amount,
        note: command.note,
        at: now,
        merchant: { merchantId: command.merchant.id, orderId: locked.id, refundOf: paid.id },
      });
      const started = this.step.decide(created, { kind: 'debit-requested', debitRequestId: this.ids.uuid(), at: now, encryptedPin: null }, { isNew: true });
      if (!started.ok) throw new Error(`a new refund refused its debit: ${started.reason}`);
      const refund: MerchantRefundRecord = {
        paymentId: started.payment.id,
        merchantId: command.merchant.id,
        orderId: locked.id,
        reference: command.reference,
        requestFingerprint: fingerprint,
        createdAt: now,
      };
      // The reference is unique per merchant across its orders: a twin on another order waits here, then is seen.
      const claim = await this.orders.claimRefund(tx, refund);
      if (!claim.claimed) return this.replay(claim.existing, fingerprint, tx);
      await this.step.store(tx, started);
      return { ok: true, refund, payment: started.payment, replayed: false };
    }, { traceparent: command.traceparent });
  }

  private async replay(earlier: MerchantRefundRecord, fingerprint: string, tx?: InTransaction): Promise<RefundMerchantOrderOutcome> {
    if (earlier.requestFingerprint !== fingerprint) {
      return merchantFailure('idempotency-key-reused', 'This refund reference was already used for another order, amount or note.');
    }
    const payment = await this.payments.findById(earlier.paymentId, tx);
    if (!payment) throw new Error('a refund record points at a missing payment');
    return { ok: true, refund: earlier, payment, replayed: true };
  }
}
