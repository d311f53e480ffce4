import { Injectable } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { MerchantOrder } from '../../merchant/merchant';
import { MerchantOrderRepository } from '../../merchant/merchant-order.repository';
import { merchantRequestFingerprint } from '../../merchant/merchant-request-fingerprint';
import { OrderPaymentGate, PayMerchantOrderUseCase } from '../../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { Payment } from '../../payment/payment';
import { CollectRequest, collectOrderReference, collectRequestAt } from '../collect-request';
import { CollectFailure, collectFailure, expiredFailure } from '../collect-problems';
import { CollectRequestRepository } from '../collect-request.repository';

export interface ApproveCollectRequestCommand {
  readonly customerUserId: string;
  /** When the customer's device was bound (the cooling period runs from it); null for a sandbox-login token. */
  readonly deviceBoundAt: Date | null;
  readonly idempotencyKey: string;
  readonly collectRequestId: string;
  /** The customer's UPI PIN block for their bank, for the request's amount (docs/upi-pin.md); passed on, kept nowhere. */
  readonly encryptedPin: string;
  readonly traceparent?: string;
}

export type ApproveCollectRequestOutcome = { readonly ok: true; readonly payment: Payment; readonly replayed: boolean } | CollectFailure;

/**
 * The customer approves a merchant's collect request with the UPI PIN: the request is paid as a
 * merchant order is, through PayMerchantOrderUseCase (identity's resolution of both accounts, the
 * payer limits under the customer's limit lock, the category cap, the Idempotency-Key table, the
 * payment state machine). It is the order's payment, so the merchant sees and refunds it like any.
 *
 * The order is made on the first approval, not with the request: until the customer says yes there
 * is nothing anyone could pay. Its reference is one the merchant API cannot make, and its expiry is
 * the request's. The request's own rule (its customer only, pending, not expired) is checked again in
 * the payment's transaction under the request's row lock, and the approval is written there too
 * (OrderPaymentGate): a decline or the expiry poller, taking the same lock, either comes first and
 * the payment is refused, or comes after and finds the request approved. Exactly one answer wins.
 *
 * An approval is one payment, as a UPI collect is one transaction: a payment that then fails (a wrong
 * PIN, insufficient funds) does not reopen the request; the merchant asks again.
 */
@Injectable()
export class ApproveCollectRequestUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly orders: MerchantOrderRepository,
    private readonly payOrder: PayMerchantOrderUseCase,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: ApproveCollectRequestCommand): Promise<ApproveCollectRequestOutcome> {
    const stored = await this.requests.findById(command.collectRequestId);
    // Another customer's request answers as none: its existence is not theirs to learn.
    if (stored === null || stored.payerUserId !== command.customerUserId) return collectFailure('not-found', 'No such collect request.');
    // Cheap refusals first, so an answered or expired request never costs an order or an identity lookup.
    // An approved one goes on: the same Idempotency-Key is a replay of its payment, another is refused below.
    const current = collectRequestAt(stored, this.clock.now());
    if (current.status === 'declined') return collectFailure('not-pending', 'The collect request was declined.');
    if (current.status === 'expired') return expiredFailure(current.expiresAt);

    const order = await this.orderFor(current);
    const outcome = await this.payOrder.execute({
      customerUserId: command.customerUserId,
      deviceBoundAt: command.deviceBoundAt,
      idempotencyKey: command.idempotencyKey,
      orderId: order.id,
      encryptedPin: command.encryptedPin,
      gate: this.gate(current.id, command.customerUserId, order.id),
      ...(command.traceparent !== undefined ? { traceparent: command.traceparent } : {}),
    });
    if (outcome.ok) return outcome;
    // The order's own refusals, in the request's words: its expiry is the request's; "paid" means approved already.
    if (outcome.code === PROBLEM_CODES.MERCHANT_ORDER_EXPIRED) return current.status === 'approved' ? alreadyApproved() : expiredFailure(current.expiresAt);
    if (outcome.code === PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID) return alreadyApproved();
    return outcome;
  }

  /** The request's order: found by its reference once made (a retry after a crash finds it too), else made now. */
  private async orderFor(request: CollectRequest): Promise<MerchantOrder> {
    const reference = collectOrderReference(request.id);
    const fingerprint = merchantRequestFingerprint('order', { collectRequestId: request.id });
    const existing = request.orderId !== null ? await this.orders.findOrder(request.orderId) : await this.orders.findOrderByReference(request.merchantId, reference);
    let order = existing;
    if (order === null) {
      const made: MerchantOrder = {
        id: this.ids.uuid(),
        merchantId: request.merchantId,
        reference,
        requestFingerprint: fingerprint,
        amount: request.amount,
        note: request.note,
        expiresAt: request.expiresAt,
        paymentId: null,
        createdAt: this.clock.now(),
      };
      const stored = await this.orders.insertOrder(made);
      order = stored.inserted ? made : stored.existing;
    }
    // The merchant API cannot make this reference; an order holding it that is not this request's is a bug.
    if (order.requestFingerprint !== fingerprint || order.merchantId !== request.merchantId) throw new Error(`the order ${order.id} is not the one of collect request ${request.id}`);
    return order;
  }

  private gate(collectRequestId: string, customerUserId: string, orderId: string): OrderPaymentGate {
    const requests = this.requests;
    return {
      async admit(tx: TransactionScope, now: Date): Promise<CollectFailure | null> {
        const locked = await requests.lockById(tx, collectRequestId);
        if (locked === null || locked.payerUserId !== customerUserId) throw new Error(`collect request ${collectRequestId} read a moment ago is gone`);
        const current = collectRequestAt(locked, now);
        if (current.status === 'approved') return alreadyApproved();
        if (current.status === 'declined') return collectFailure('not-pending', 'The collect request was declined.');
        if (current.status === 'expired') return expiredFailure(current.expiresAt);
        return null;
      },
      async record(tx: TransactionScope, payment: Payment): Promise<void> {
        await requests.markApproved(tx, collectRequestId, { orderId, paymentId: payment.id, at: payment.createdAt });
      },
    };
  }
}

function alreadyApproved(): CollectFailure {
  return collectFailure('not-pending', 'The collect request was already approved; its payment is under way or done.');
}
