import { Inject, Injectable } from '@nestjs/common';
import { Money, PROBLEM_CODES } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { SCHEME_PROFILE, SchemeProfile } from '../../limits/scheme-profile';
import { MerchantOrder } from '../../merchant/merchant';
import { MerchantOrderRepository } from '../../merchant/merchant-order.repository';
import { merchantRequestFingerprint } from '../../merchant/merchant-request-fingerprint';
import { OrderPaymentGate, PayMerchantOrderUseCase } from '../../merchant/pay-merchant-order/pay-merchant-order.use-case';
import { InitiatePaymentUseCase, PaymentGate } from '../../payment/initiate-payment/initiate-payment.use-case';
import { Payment } from '../../payment/payment';
import { CollectRequest, collectOrderReference, collectRequestAt, MerchantCollectRequest, PersonCollectRequest } from '../collect-request';
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
 * The customer approves a collect request with the UPI PIN. The payment is made as every payment of
 * its kind is, with no second copy of the limits, the PIN, the Idempotency-Key table or the state
 * machine:
 * - a merchant's request is paid as a merchant order, through PayMerchantOrderUseCase (identity's
 *   resolution of both accounts, the payer limits under the customer's limit lock, the category cap).
 *   It is the order's payment, so the merchant sees and refunds it like any. The order is made on the
 *   first approval, not with the request: until the customer says yes there is nothing anyone could
 *   pay. Its reference is one the merchant API cannot make, and its expiry is the request's;
 * - a request between people (P2P collect, behind the profile's switch) is paid as an ordinary P2P
 *   payment from the customer to the requester's pay-to address, through InitiatePaymentUseCase.
 *
 * Either way the request's own rule (its customer only, pending, not expired; between people, the
 * pay-to address still leading to the requester) is checked again in the payment's transaction under
 * the request's row lock, and the approval is written there too (OrderPaymentGate, PaymentGate): a
 * decline or the expiry poller, taking the same lock, either comes first and the payment is refused,
 * or comes after and finds the request approved. Exactly one answer wins.
 *
 * An approval is one payment, as a UPI collect is one transaction: a payment that then fails (a wrong
 * PIN, insufficient funds) does not reopen the request; the requester asks again.
 */
@Injectable()
export class ApproveCollectRequestUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly orders: MerchantOrderRepository,
    private readonly payOrder: PayMerchantOrderUseCase,
    private readonly initiatePayment: InitiatePaymentUseCase,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(SCHEME_PROFILE) private readonly profile: SchemeProfile,
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
    return current.merchantId !== null ? this.approveMerchantRequest(current, command) : this.approveBetweenPeople(current, command);
  }

  private async approveMerchantRequest(request: MerchantCollectRequest, command: ApproveCollectRequestCommand): Promise<ApproveCollectRequestOutcome> {
    const order = await this.orderFor(request);
    const outcome = await this.payOrder.execute({
      customerUserId: command.customerUserId,
      deviceBoundAt: command.deviceBoundAt,
      idempotencyKey: command.idempotencyKey,
      orderId: order.id,
      encryptedPin: command.encryptedPin,
      gate: this.orderGate(request.id, command.customerUserId, order.id),
      ...(command.traceparent !== undefined ? { traceparent: command.traceparent } : {}),
    });
    if (outcome.ok) return outcome;
    // The order's own refusals, in the request's words: its expiry is the request's; "paid" means approved already.
    if (outcome.code === PROBLEM_CODES.MERCHANT_ORDER_EXPIRED) return request.status === 'approved' ? alreadyApproved() : expiredFailure(request.expiresAt);
    if (outcome.code === PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID) return alreadyApproved();
    return outcome;
  }

  /**
   * A request between people: one P2P payment from the customer into the requester's pay-to
   * address. A pending request must still be allowed by the profile (the switch may have been turned
   * off, or the cap lowered, since it was made); an approved one goes on to be answered as a replay
   * or refused, whatever the profile says now.
   */
  private async approveBetweenPeople(request: PersonCollectRequest, command: ApproveCollectRequestCommand): Promise<ApproveCollectRequestOutcome> {
    const { p2p } = this.profile.collect;
    if (request.status === 'pending' && !p2p.enabled) {
      return collectFailure('p2p-disabled', `Collect requests between people are now off on the ${this.profile.name} scheme, so this one can no longer be approved; decline it, or send a payment instead.`);
    }
    if (request.status === 'pending' && request.amount.minorUnits > p2p.maxAmountMinor) {
      return collectFailure('amount-out-of-range', `A collect request between people may now ask for at most ${Money.ofMinor(p2p.maxAmountMinor, request.amount.currency).toString()}; this one can no longer be approved.`);
    }
    const outcome = await this.initiatePayment.execute({
      payerUserId: command.customerUserId,
      deviceBoundAt: command.deviceBoundAt,
      idempotencyKey: command.idempotencyKey,
      payeeAddress: request.payToAddress,
      amount: request.amount.toDto(),
      note: request.note,
      encryptedPin: command.encryptedPin,
      gate: this.personGate(request),
      ...(command.traceparent !== undefined ? { traceparent: command.traceparent } : {}),
    });
    if (outcome.ok) return outcome;
    // Nobody, or nobody with an account, holds the pay-to address any more: the requester cannot be paid there.
    if (outcome.code === PROBLEM_CODES.PAYEE_NOT_FOUND) return payToGone();
    return outcome;
  }

  /** The request's order: found by its reference once made (a retry after a crash finds it too), else made now. */
  private async orderFor(request: MerchantCollectRequest): Promise<MerchantOrder> {
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

  private orderGate(collectRequestId: string, customerUserId: string, orderId: string): OrderPaymentGate {
    const requests = this.requests;
    return {
      async admit(tx: TransactionScope, now: Date): Promise<CollectFailure | null> {
        const locked = await requests.lockById(tx, collectRequestId);
        if (locked === null || locked.payerUserId !== customerUserId) throw new Error(`collect request ${collectRequestId} read a moment ago is gone`);
        return answeredRefusal(collectRequestAt(locked, now));
      },
      async record(tx: TransactionScope, payment: Payment): Promise<void> {
        await requests.markApproved(tx, collectRequestId, { orderId, paymentId: payment.id, at: payment.createdAt });
      },
    };
  }

  private personGate(request: PersonCollectRequest): PaymentGate {
    const requests = this.requests;
    return {
      // A key used for a plain payment, or for another request, never replays as this approval.
      subject: `collect-request:${request.id}`,
      async admit(tx: TransactionScope, payment: Payment, now: Date): Promise<CollectFailure | null> {
        const locked = await requests.lockById(tx, request.id);
        if (locked === null || locked.payerUserId !== payment.payerUserId) throw new Error(`collect request ${request.id} read a moment ago is gone`);
        const answered = answeredRefusal(collectRequestAt(locked, now));
        if (answered) return answered;
        // The address must still lead to the requester: if identity gave it to someone else, nobody is paid.
        return payment.payeeUserId === request.requesterUserId ? null : payToGone();
      },
      async record(tx: TransactionScope, payment: Payment): Promise<void> {
        await requests.markApproved(tx, request.id, { orderId: null, paymentId: payment.id, at: payment.createdAt });
      },
    };
  }
}

/** Under the request's lock: why it can no longer be approved (answered, or past its expiry), or null while pending. */
function answeredRefusal(current: CollectRequest): CollectFailure | null {
  if (current.status === 'approved') return alreadyApproved();
  if (current.status === 'declined') return collectFailure('not-pending', 'The collect request was declined.');
  if (current.status === 'expired') return expiredFailure(current.expiresAt);
  return null;
}

function alreadyApproved(): CollectFailure {
  return collectFailure('not-pending', 'The collect request was already approved; its payment is under way or done.');
}

function payToGone(): CollectFailure {
  return collectFailure('pay-to-not-usable', "The requester's pay-to address no longer leads to their bank account; nothing was paid. They can ask again.");
}
