import {
  BankLegRequested,
  EVENT_TYPES,
  LegPurpose,
  PaymentLifecycleEvent,
  PaymentStatus,
  RESULT_CODES,
  ResultCode,
} from '@kirim/contracts';
import type { OutgoingEvent } from '@kirim/messaging';
import { AccountAtBank, Payment } from './payment';

/**
 * The payment state machine (DESIGN "The payment"):
 *
 *   created -> debit_pending -> debited -> credit_pending -> completed
 *                   |                            |
 *                   v                            v
 *              debit_failed              credit_failed -> reversal_pending -> reversed
 *
 * `transition` is pure: it gets the payment and what happened, and returns the next payment and the
 * events to publish, or a rejection. Ids and time come in with the event so the function stays
 * deterministic and every outcome can be unit-tested.
 */

/** Things that can happen to a payment. Commands (`*-requested`) carry the id of the new leg. */
export type PaymentEvent =
  /** `encryptedPin` goes on the debit request only; the payment never holds it (docs/upi-pin.md). */
  | { readonly kind: 'debit-requested'; readonly debitRequestId: string; readonly at: Date; readonly encryptedPin: string }
  | { readonly kind: 'debit-succeeded'; readonly requestId: string; readonly rrn?: string; readonly at: Date }
  | { readonly kind: 'debit-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  | { readonly kind: 'credit-requested'; readonly creditRequestId: string; readonly at: Date }
  | { readonly kind: 'credit-succeeded'; readonly requestId: string; readonly at: Date }
  | { readonly kind: 'credit-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  | { readonly kind: 'reversal-requested'; readonly reversalRequestId: string; readonly at: Date }
  | { readonly kind: 'reversal-succeeded'; readonly requestId: string; readonly at: Date }
  | { readonly kind: 'reversal-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date };

export type PaymentEventKind = PaymentEvent['kind'];

export type PaymentOutgoingEvent = OutgoingEvent<BankLegRequested | PaymentLifecycleEvent>;

export interface TransitionAccepted {
  readonly ok: true;
  readonly payment: Payment;
  readonly events: readonly PaymentOutgoingEvent[];
}

/**
 * Why an event was refused:
 * - `duplicate`: the answer to a leg that was already answered (Kafka redelivery, a bank replaying);
 * - `stale-request`: an answer naming a request id that is not this payment's leg of that kind;
 * - `illegal-transition`: the event makes no sense in the current state (a bug upstream);
 * - `reversal-declined`: the payer's bank refused to take the money back. The design has no state
 *   for this yet; the payment stays `reversal_pending` and needs an operator (see the caller's log).
 */
export type TransitionRejectionReason = 'duplicate' | 'stale-request' | 'illegal-transition' | 'reversal-declined';

export interface TransitionRejected {
  readonly ok: false;
  readonly reason: TransitionRejectionReason;
  readonly status: PaymentStatus;
  readonly event: PaymentEventKind;
}

export type TransitionResult = TransitionAccepted | TransitionRejected;

export function transition(payment: Payment, event: PaymentEvent): TransitionResult {
  switch (event.kind) {
    case 'debit-requested': {
      if (payment.status !== 'created') return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'debit_pending', event.at, { debitRequestId: event.debitRequestId });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_INITIATED, event.at), withPin(requestForNewLeg(next), event.encryptedPin)]);
    }
    case 'debit-succeeded': {
      const refusal = checkAnswer(payment, event, 'debit_pending', payment.debitRequestId);
      if (refusal) return refusal;
      return accept(move(payment, 'debited', event.at, { rrn: event.rrn ?? null }), []);
    }
    case 'debit-declined': {
      const refusal = checkAnswer(payment, event, 'debit_pending', payment.debitRequestId);
      if (refusal) return refusal;
      const next = move(payment, 'debit_failed', event.at, { resultCode: declineCode(event.resultCode, RESULT_CODES.DEBIT_FAILED) });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_FAILED, event.at)]);
    }
    case 'credit-requested': {
      if (payment.status !== 'debited') return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'credit_pending', event.at, { creditRequestId: event.creditRequestId });
      return accept(next, [requestForNewLeg(next)]);
    }
    case 'credit-succeeded': {
      const refusal = checkAnswer(payment, event, 'credit_pending', payment.creditRequestId);
      if (refusal) return refusal;
      const next = move(payment, 'completed', event.at, { resultCode: RESULT_CODES.SUCCESS });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_COMPLETED, event.at)]);
    }
    case 'credit-declined': {
      const refusal = checkAnswer(payment, event, 'credit_pending', payment.creditRequestId);
      if (refusal) return refusal;
      // No event yet: the payer's money is out, so the reversal follows in the same transaction.
      return accept(move(payment, 'credit_failed', event.at, { resultCode: declineCode(event.resultCode, RESULT_CODES.CREDIT_FAILED) }), []);
    }
    case 'reversal-requested': {
      if (payment.status !== 'credit_failed') return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'reversal_pending', event.at, { reversalRequestId: event.reversalRequestId });
      return accept(next, [requestForNewLeg(next)]);
    }
    case 'reversal-succeeded': {
      const refusal = checkAnswer(payment, event, 'reversal_pending', payment.reversalRequestId);
      if (refusal) return refusal;
      // U31 (credit failed) is the reason the payer sees: the payment was reversed because the credit failed.
      const next = move(payment, 'reversed', event.at, { resultCode: RESULT_CODES.CREDIT_FAILED });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_REVERSED, event.at)]);
    }
    case 'reversal-declined': {
      const refusal = checkAnswer(payment, event, 'reversal_pending', payment.reversalRequestId);
      if (refusal) return refusal;
      return reject(payment, event, 'reversal-declined');
    }
    default:
      return assertNever(event);
  }
}

/**
 * The step the saga takes by itself once a payment reaches `status`, with no outside input:
 * a debited payment is credited, a payment whose credit failed is reversed (RBI: reversals well
 * inside T+1, so we do not wait for anyone).
 */
export function automaticNextStep(status: PaymentStatus): 'credit-requested' | 'reversal-requested' | null {
  switch (status) {
    case 'debited':
      return 'credit-requested';
    case 'credit_failed':
      return 'reversal-requested';
    case 'created':
    case 'debit_pending':
    case 'credit_pending':
    case 'completed':
    case 'debit_failed':
    case 'reversal_pending':
    case 'reversed':
      return null;
    default:
      return assertNever(status);
  }
}

/**
 * The bank command a payment in a `*_pending` state is waiting for an answer to, built from the
 * payment alone; null in any other state (or if the pending leg has no request id, which the
 * transitions never produce). `transition` builds each leg's first command here, and a status
 * check re-sends what this returns, so a re-sent command is the original one: same requestId,
 * same account, same amount. Banks apply a requestId at most once, so it can never move money twice.
 */
export function pendingLegRequest(payment: Payment): OutgoingEvent<BankLegRequested> | null {
  switch (payment.status) {
    case 'debit_pending':
      return payment.debitRequestId === null ? null : legRequest(payment, EVENT_TYPES.BANK_DEBIT_REQUESTED, payment.debitRequestId, 'payment', payment.payer);
    case 'credit_pending':
      return payment.creditRequestId === null ? null : legRequest(payment, EVENT_TYPES.BANK_CREDIT_REQUESTED, payment.creditRequestId, 'payment', payment.payee);
    case 'reversal_pending':
      // A reversal is a credit back into the PAYER's account: the money returns where it came from.
      return payment.reversalRequestId === null
        ? null
        : legRequest(payment, EVENT_TYPES.BANK_CREDIT_REQUESTED, payment.reversalRequestId, 'reversal', payment.payer);
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversed':
      return null;
    default:
      return assertNever(payment.status);
  }
}

/** States in which the payment waits for a bank's answer to one leg (and its leg timer runs). */
export function isLegPending(status: PaymentStatus): boolean {
  switch (status) {
    case 'debit_pending':
    case 'credit_pending':
    case 'reversal_pending':
      return true;
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversed':
      return false;
    default:
      return assertNever(status);
  }
}

/** Final states: nothing moves a payment out of them. */
export function isFinal(status: PaymentStatus): boolean {
  switch (status) {
    case 'completed':
    case 'debit_failed':
    case 'reversed':
      return true;
    case 'created':
    case 'debit_pending':
    case 'debited':
    case 'credit_pending':
    case 'credit_failed':
    case 'reversal_pending':
      return false;
    default:
      return assertNever(status);
  }
}

type LegAnswer = Extract<PaymentEvent, { requestId: string }>;

/**
 * An answer is applied only if the payment is waiting for exactly that leg. An answer naming a leg
 * we already moved past is a duplicate; anything else is stale or foreign.
 */
function checkAnswer(payment: Payment, event: LegAnswer, waitingIn: PaymentStatus, pendingRequestId: string | null): TransitionRejected | null {
  if (payment.status === waitingIn && pendingRequestId !== null && pendingRequestId === event.requestId) return null;
  const knownLegs = [payment.debitRequestId, payment.creditRequestId, payment.reversalRequestId];
  return reject(payment, event, knownLegs.includes(event.requestId) ? 'duplicate' : 'stale-request');
}

/** A decline that claims success ('00') would be a bank bug; fall back to the leg's failure code. */
function declineCode(code: ResultCode, fallback: ResultCode): ResultCode {
  return code === RESULT_CODES.SUCCESS ? fallback : code;
}

function move(payment: Payment, status: PaymentStatus, at: Date, changes: Partial<Payment>): Payment {
  return { ...payment, ...changes, status, updatedAt: at };
}

function accept(payment: Payment, events: readonly PaymentOutgoingEvent[]): TransitionAccepted {
  return { ok: true, payment, events };
}

function reject(payment: Payment, event: PaymentEvent, reason: TransitionRejectionReason): TransitionRejected {
  return { ok: false, reason, status: payment.status, event: event.kind };
}

function lifecycleEvent(payment: Payment, type: PaymentOutgoingEvent['type'], at: Date): OutgoingEvent<PaymentLifecycleEvent> {
  const data: PaymentLifecycleEvent = Object.assign(new PaymentLifecycleEvent(), {
    paymentId: payment.id,
    txnId: payment.txnId,
    payerUserId: payment.payerUserId,
    payeeUserId: payment.payeeUserId,
    amount: payment.amount.toDto(),
    status: payment.status,
    occurredAt: at.toISOString(),
    ...(payment.resultCode !== null ? { resultCode: payment.resultCode } : {}),
    ...(payment.rrn !== null ? { rrn: payment.rrn } : {}),
  });
  return { type, key: payment.id, data };
}

/**
 * The first debit request of a payment, with the payer's PIN block. Only here: `pendingLegRequest`
 * (what a status check re-sends) builds from the payment, which never holds the PIN, so a re-sent
 * debit carries none and the bank answers it from its record of the first.
 */
function withPin(request: OutgoingEvent<BankLegRequested>, encryptedPin: string): OutgoingEvent<BankLegRequested> {
  return { ...request, data: Object.assign(new BankLegRequested(), request.data, { encryptedPin }) };
}

/** The command of the leg a `*-requested` transition has just opened. */
function requestForNewLeg(payment: Payment): OutgoingEvent<BankLegRequested> {
  const request = pendingLegRequest(payment);
  if (request === null) throw new Error(`no leg request for a payment in ${payment.status}`);
  return request;
}

function legRequest(
  payment: Payment,
  type: PaymentOutgoingEvent['type'],
  requestId: string,
  purpose: LegPurpose,
  account: AccountAtBank,
): OutgoingEvent<BankLegRequested> {
  const data: BankLegRequested = Object.assign(new BankLegRequested(), {
    requestId,
    paymentId: payment.id,
    txnId: payment.txnId,
    purpose,
    bankCode: account.bankCode,
    accountRef: account.accountRef,
    amount: payment.amount.toDto(),
  });
  return { type, key: payment.id, data };
}

function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
