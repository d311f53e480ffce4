import {
  BankLegRequested,
  EVENT_TYPES,
  EventOf,
  eventOf,
  LegPurpose,
  PaymentLifecycleEvent,
  PaymentMerchantLink,
  PaymentStatus,
  RESULT_CODES,
  ResultCode,
} from '@kirim/contracts';
import { AccountAtBank, legPurposeOf, MerchantPaymentLink, Payment, paymentKind } from './payment';

/**
 * The payment state machine (docs/payment-lifecycle.md):
 *
 *   created -> debit_pending -> debited -> credit_pending -> completed
 *                   |                            |
 *                   v                            v
 *              debit_failed              credit_failed -> reversal_pending -> reversed
 *                   |  (a late debit after a      ^              |    ^            ^
 *                   |   deemed failure)           |              v    |            |
 *                   +-----------------------------+         reversal_failed ------+ (operator)
 *
 * A leg with no answer after its status checks gets the scheme profile's deemed outcome
 * (`leg-deemed`): a debit fails (U67), a credit fails and is reversed (U68), a reversal fails (RB)
 * and is retried. `transition` is pure: it gets the payment and what happened, and returns the next
 * payment and the events to publish, or a rejection. Ids and time come in with the event so the
 * function stays deterministic and every outcome can be unit-tested.
 */

/** Things that can happen to a payment. Commands (`*-requested`) carry the id of the new leg. */
export type PaymentEvent =
  /**
   * `encryptedPin` goes on the debit request only; the payment never holds it (docs/upi-pin.md). Null
   * for a merchant's refund, and only there: the merchant authorised it with its API key (docs/merchants.md).
   */
  | { readonly kind: 'debit-requested'; readonly debitRequestId: string; readonly at: Date; readonly encryptedPin: string | null }
  | { readonly kind: 'debit-succeeded'; readonly requestId: string; readonly rrn?: string; readonly at: Date }
  | { readonly kind: 'debit-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  | { readonly kind: 'credit-requested'; readonly creditRequestId: string; readonly at: Date }
  | { readonly kind: 'credit-succeeded'; readonly requestId: string; readonly at: Date }
  | { readonly kind: 'credit-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  /** A first reversal, or a retry: with a new requestId after a decline, the same one after no answer. */
  | { readonly kind: 'reversal-requested'; readonly reversalRequestId: string; readonly at: Date }
  | { readonly kind: 'reversal-succeeded'; readonly requestId: string; readonly at: Date }
  | { readonly kind: 'reversal-declined'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  /** The pending leg `requestId` stayed unanswered after its last status check and the settle time: the profile's code. */
  | { readonly kind: 'leg-deemed'; readonly requestId: string; readonly resultCode: ResultCode; readonly at: Date }
  /** An operator confirmed that the payer's money was returned another way (audited by the use case). */
  | { readonly kind: 'reversal-resolved-by-operator'; readonly at: Date };

export type PaymentEventKind = PaymentEvent['kind'];

/** The event types payments emits, each with the payload its type carries (EventPayloads in libs/contracts). */
export type PaymentEmittedType =
  | typeof EVENT_TYPES.BANK_DEBIT_REQUESTED
  | typeof EVENT_TYPES.BANK_CREDIT_REQUESTED
  | typeof EVENT_TYPES.PAYMENT_INITIATED
  | typeof EVENT_TYPES.PAYMENT_COMPLETED
  | typeof EVENT_TYPES.PAYMENT_FAILED
  | typeof EVENT_TYPES.PAYMENT_REVERSED;

export type PaymentOutgoingEvent = EventOf<PaymentEmittedType>;
export type BankLegRequestEvent = EventOf<typeof EVENT_TYPES.BANK_DEBIT_REQUESTED | typeof EVENT_TYPES.BANK_CREDIT_REQUESTED>;
type LifecycleEventType = typeof EVENT_TYPES.PAYMENT_INITIATED | typeof EVENT_TYPES.PAYMENT_COMPLETED | typeof EVENT_TYPES.PAYMENT_FAILED | typeof EVENT_TYPES.PAYMENT_REVERSED;

/** Something an operator must hear about (raised with raiseAlert once the change is stored). */
export interface PaymentAlert {
  readonly name: 'late-answer-after-deemed-outcome' | 'reversal-needs-operator';
  readonly message: string;
}

export interface TransitionAccepted {
  readonly ok: true;
  readonly payment: Payment;
  readonly events: readonly PaymentOutgoingEvent[];
  readonly alerts: readonly PaymentAlert[];
}

/**
 * Why an event was refused:
 * - `duplicate`: the answer to a leg that was already answered (Kafka redelivery, a bank replaying,
 *   the answer to a status check), or a bank confirming an outcome the profile had already deemed;
 * - `stale-request`: an answer naming a request id that is not this payment's leg of that kind;
 * - `illegal-transition`: the event makes no sense in the current state (a bug upstream, or an
 *   operator acting on a payment that moved on).
 */
export type TransitionRejectionReason = 'duplicate' | 'stale-request' | 'illegal-transition';

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
      // Every debit needs the payer's PIN but a refund's, which never carries one.
      if ((event.encryptedPin === null) !== (paymentKind(payment) === 'refund')) return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'debit_pending', event.at, { debitRequestId: event.debitRequestId });
      const debit = requestForNewLeg(next);
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_INITIATED, event.at), event.encryptedPin === null ? debit : withPin(debit, event.encryptedPin)]);
    }
    case 'debit-succeeded': {
      if (isLateAnswerToDeemedLeg(payment, 'debit', event.requestId)) {
        // The bank applied the debit in time but its answer came after the deemed failure: the payer
        // was told it failed, so the money goes back to them (the reversal follows automatically).
        const next = move(payment, 'credit_failed', event.at, { rrn: event.rrn ?? payment.rrn });
        return accept(next, [], [lateAnswerAlert('a debit the profile had deemed failed was made after all; reversing it to the payer')]);
      }
      const refusal = checkAnswer(payment, event, ['debit_pending'], payment.debitRequestId);
      if (refusal) return refusal;
      return accept(move(payment, 'debited', event.at, { rrn: event.rrn ?? null }), []);
    }
    case 'debit-declined': {
      const refusal = checkAnswer(payment, event, ['debit_pending'], payment.debitRequestId);
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
      if (isLateAnswerToDeemedLeg(payment, 'credit', event.requestId)) {
        if (payment.lateCreditAt !== null) return reject(payment, event, 'duplicate');
        // The payee was credited AND the payer is being (or was) paid back: nothing here can take
        // the payee's credit back. Recorded on the payment and left for reconciliation; the state stays.
        return accept({ ...payment, lateCreditAt: event.at }, [], [
          lateAnswerAlert('a credit the profile had deemed failed was made after all, and the payer is reversed too; reconciliation must settle it'),
        ]);
      }
      const refusal = checkAnswer(payment, event, ['credit_pending'], payment.creditRequestId);
      if (refusal) return refusal;
      const next = move(payment, 'completed', event.at, { resultCode: RESULT_CODES.SUCCESS });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_COMPLETED, event.at)]);
    }
    case 'credit-declined': {
      const refusal = checkAnswer(payment, event, ['credit_pending'], payment.creditRequestId);
      if (refusal) return refusal;
      // No event yet: the payer's money is out, so the reversal follows in the same transaction.
      return accept(move(payment, 'credit_failed', event.at, { resultCode: declineCode(event.resultCode, RESULT_CODES.CREDIT_FAILED) }), []);
    }
    case 'reversal-requested': {
      if (payment.status !== 'credit_failed' && payment.status !== 'reversal_failed') return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'reversal_pending', event.at, {
        reversalRequestId: event.reversalRequestId,
        reversalAttempts: payment.reversalAttempts + 1,
        reversalFailure: null,
      });
      return accept(next, [requestForNewLeg(next)]);
    }
    case 'reversal-succeeded': {
      // Also in reversal_failed: the answer to an attempt deemed unanswered may still come.
      const refusal = checkAnswer(payment, event, ['reversal_pending', 'reversal_failed'], payment.reversalRequestId);
      if (refusal) return refusal;
      const next = move(payment, 'reversed', event.at, { resultCode: reversedResultCode(payment) });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_REVERSED, event.at)]);
    }
    case 'reversal-declined': {
      // A decline of an attempt deemed unanswered is news (the bank has a record now: a retry needs a
      // new requestId); a decline already recorded is a duplicate.
      const waitingIn: PaymentStatus[] = payment.reversalFailure === 'declined' ? ['reversal_pending'] : ['reversal_pending', 'reversal_failed'];
      const refusal = checkAnswer(payment, event, waitingIn, payment.reversalRequestId);
      if (refusal) return refusal;
      return accept(
        move(payment, 'reversal_failed', event.at, {
          reversalFailure: 'declined',
          reversalResultCode: declineCode(event.resultCode, RESULT_CODES.CREDIT_FAILED),
        }),
        [],
      );
    }
    case 'leg-deemed':
      return deemOutcome(payment, event);
    case 'reversal-resolved-by-operator': {
      // Only once an attempt has failed: while one is pending the bank may still return the money,
      // and the payer would be paid twice.
      if (payment.status !== 'reversal_failed') return reject(payment, event, 'illegal-transition');
      const next = move(payment, 'reversed', event.at, { resultCode: reversedResultCode(payment) });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_REVERSED, event.at)]);
    }
    default:
      return assertNever(event);
  }
}

function deemOutcome(payment: Payment, event: Extract<PaymentEvent, { kind: 'leg-deemed' }>): TransitionResult {
  const pendingId = pendingRequestId(payment);
  if (pendingId === null) return reject(payment, event, 'illegal-transition');
  if (pendingId !== event.requestId) return reject(payment, event, 'stale-request');
  const resultCode = declineCode(event.resultCode, RESULT_CODES.DEBIT_FAILED);
  switch (payment.status) {
    case 'debit_pending': {
      const next = move(payment, 'debit_failed', event.at, { resultCode, deemedLeg: 'debit' });
      return accept(next, [lifecycleEvent(next, EVENT_TYPES.PAYMENT_FAILED, event.at)]);
    }
    case 'credit_pending':
      // The payer's money is out and the payee's bank never confirmed: reversed automatically.
      return accept(move(payment, 'credit_failed', event.at, { resultCode, deemedLeg: 'credit' }), []);
    case 'reversal_pending':
      return accept(move(payment, 'reversal_failed', event.at, { reversalFailure: 'unanswered', reversalResultCode: resultCode }), []);
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversal_failed':
    case 'reversed':
      return reject(payment, event, 'illegal-transition');
  }
}

/**
 * The step the saga takes by itself once a payment reaches `status`, with no outside input:
 * a debited payment is credited, a payment whose credit failed is reversed (RBI: reversals well
 * inside T+1, so we do not wait for anyone). A failed reversal is retried by its timer instead.
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
    case 'reversal_failed':
    case 'reversed':
      return null;
    default:
      return assertNever(status);
  }
}

/** The request id of the leg a payment in a `*_pending` state waits for; null in any other state. */
export function pendingRequestId(payment: Payment): string | null {
  switch (payment.status) {
    case 'debit_pending':
      return payment.debitRequestId;
    case 'credit_pending':
      return payment.creditRequestId;
    case 'reversal_pending':
      return payment.reversalRequestId;
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversal_failed':
    case 'reversed':
      return null;
    default:
      return assertNever(payment.status);
  }
}

/**
 * The bank command a payment in a `*_pending` state is waiting for an answer to, built from the
 * payment alone; null in any other state (or if the pending leg has no request id, which the
 * transitions never produce). `transition` builds each leg's first command here, and a status
 * check re-sends what this returns, so a re-sent command is the original one: same requestId,
 * same account, same amount. Banks apply a requestId at most once, so it can never move money twice.
 */
export function pendingLegRequest(payment: Payment): BankLegRequestEvent | null {
  const requestId = pendingRequestId(payment);
  if (requestId === null) return null;
  switch (payment.status) {
    case 'debit_pending':
      return legRequest(payment, EVENT_TYPES.BANK_DEBIT_REQUESTED, requestId, legPurposeOf(payment, 'debit'), payment.payer);
    case 'credit_pending':
      return legRequest(payment, EVENT_TYPES.BANK_CREDIT_REQUESTED, requestId, legPurposeOf(payment, 'credit'), payment.payee);
    case 'reversal_pending':
      // A reversal is a credit back into the PAYER's account: the money returns where it came from.
      return legRequest(payment, EVENT_TYPES.BANK_CREDIT_REQUESTED, requestId, legPurposeOf(payment, 'reversal'), payment.payer);
    case 'created':
    case 'debited':
    case 'completed':
    case 'debit_failed':
    case 'credit_failed':
    case 'reversal_failed':
    case 'reversed':
      return null;
  }
}

/**
 * What each state means beyond its transitions, one row per state (a Record over PaymentStatus, so a
 * new state does not compile without its row):
 * - `legPending`: the payment waits for a bank's answer to one leg (and its leg timer runs);
 * - `owesReversal`: the payer's debit has to be given back (and the T+1 deadline runs);
 * - `final`: nothing moves a payment out of it, with one exception: a debit the profile deemed
 *   failed (U67) whose success still arrives is reversed (docs/payment-lifecycle.md, "Late answers").
 */
const STATE_TRAITS: Readonly<Record<PaymentStatus, { readonly legPending: boolean; readonly owesReversal: boolean; readonly final: boolean }>> = {
  created: { legPending: false, owesReversal: false, final: false },
  debit_pending: { legPending: true, owesReversal: false, final: false },
  debited: { legPending: false, owesReversal: false, final: false },
  credit_pending: { legPending: true, owesReversal: false, final: false },
  completed: { legPending: false, owesReversal: false, final: true },
  debit_failed: { legPending: false, owesReversal: false, final: true },
  credit_failed: { legPending: false, owesReversal: true, final: false },
  reversal_pending: { legPending: true, owesReversal: true, final: false },
  reversal_failed: { legPending: false, owesReversal: true, final: false },
  reversed: { legPending: false, owesReversal: false, final: true },
};

/** States in which the payment waits for a bank's answer to one leg (and its leg timer runs). */
export function isLegPending(status: PaymentStatus): boolean {
  return STATE_TRAITS[status].legPending;
}

/** States in which the payer's debit has to be given back (and the T+1 deadline runs). */
export function owesReversal(status: PaymentStatus): boolean {
  return STATE_TRAITS[status].owesReversal;
}

/**
 * Final states: nothing moves a payment out of them, with one exception: a debit the profile deemed
 * failed (U67) whose success still arrives is reversed (docs/payment-lifecycle.md, "Late answers").
 */
export function isFinal(status: PaymentStatus): boolean {
  return STATE_TRAITS[status].final;
}

type LegAnswer = Extract<PaymentEvent, { requestId: string }>;

/**
 * An answer is applied only if the payment is waiting for exactly that leg. An answer naming a leg
 * we already moved past is a duplicate; anything else is stale or foreign.
 */
function checkAnswer(payment: Payment, event: LegAnswer, waitingIn: readonly PaymentStatus[], expectedRequestId: string | null): TransitionRejected | null {
  if (waitingIn.includes(payment.status) && expectedRequestId !== null && expectedRequestId === event.requestId) return null;
  const knownLegs = [payment.debitRequestId, payment.creditRequestId, payment.reversalRequestId];
  return reject(payment, event, knownLegs.includes(event.requestId) ? 'duplicate' : 'stale-request');
}

/** The answer to a leg whose outcome the profile deemed, arriving after that. */
function isLateAnswerToDeemedLeg(payment: Payment, leg: 'debit' | 'credit', requestId: string): boolean {
  if (payment.deemedLeg !== leg) return false;
  if (leg === 'debit') return payment.status === 'debit_failed' && requestId === payment.debitRequestId;
  return requestId === payment.creditRequestId;
}

/**
 * The code a reversed payment carries: why it was reversed. A deemed outcome keeps its own code
 * (U68: the payee's bank never answered; U67: a debit made after it was deemed failed); a declined
 * credit is U31, credit failed (the bank's own code stays in the events of the leg).
 */
function reversedResultCode(payment: Payment): ResultCode {
  return payment.deemedLeg !== null && payment.resultCode !== null ? payment.resultCode : RESULT_CODES.CREDIT_FAILED;
}

/** A decline that claims success ('00') or pending ('01') would be a bank bug; fall back to the leg's failure code. */
function declineCode(code: ResultCode, fallback: ResultCode): ResultCode {
  return code === RESULT_CODES.SUCCESS || code === RESULT_CODES.PENDING ? fallback : code;
}

function lateAnswerAlert(message: string): PaymentAlert {
  return { name: 'late-answer-after-deemed-outcome', message };
}

function move(payment: Payment, status: PaymentStatus, at: Date, changes: Partial<Payment>): Payment {
  return { ...payment, ...changes, status, updatedAt: at };
}

function accept(payment: Payment, events: readonly PaymentOutgoingEvent[], alerts: readonly PaymentAlert[] = []): TransitionAccepted {
  return { ok: true, payment, events, alerts };
}

function reject(payment: Payment, event: PaymentEvent, reason: TransitionRejectionReason): TransitionRejected {
  return { ok: false, reason, status: payment.status, event: event.kind };
}

function lifecycleEvent(payment: Payment, type: LifecycleEventType, at: Date): PaymentOutgoingEvent {
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
    ...(payment.merchant !== null ? { merchant: merchantLink(payment.merchant) } : {}),
  });
  return eventOf(type, payment.id, data);
}

/** The order an order's payment or a refund belongs to, for consumers that serve the merchant (docs/merchants.md). */
function merchantLink(link: MerchantPaymentLink): PaymentMerchantLink {
  return Object.assign(new PaymentMerchantLink(), {
    merchantId: link.merchantId,
    orderId: link.orderId,
    ...(link.refundOf !== null ? { refundOf: link.refundOf } : {}),
  });
}

/**
 * The first debit request of a payment, with the payer's PIN block. Only here: `pendingLegRequest`
 * (what a status check re-sends) builds from the payment, which never holds the PIN, so a re-sent
 * debit carries none and the bank answers it from its record of the first.
 */
function withPin(request: BankLegRequestEvent, encryptedPin: string): BankLegRequestEvent {
  return eventOf(request.type, request.key, Object.assign(new BankLegRequested(), request.data, { encryptedPin }));
}

/** The command of the leg a `*-requested` transition has just opened. */
function requestForNewLeg(payment: Payment): BankLegRequestEvent {
  const request = pendingLegRequest(payment);
  if (request === null) throw new Error(`no leg request for a payment in ${payment.status}`);
  return request;
}

function legRequest(
  payment: Payment,
  type: BankLegRequestEvent['type'],
  requestId: string,
  purpose: LegPurpose,
  account: AccountAtBank,
): BankLegRequestEvent {
  const data: BankLegRequested = Object.assign(new BankLegRequested(), {
    requestId,
    paymentId: payment.id,
    txnId: payment.txnId,
    purpose,
    bankCode: account.bankCode,
    accountRef: account.accountRef,
    amount: payment.amount.toDto(),
    // A refund's legs name the refunded payment, for the merchant's bank to check the debit against.
    ...(purpose === 'refund' && payment.merchant?.refundOf ? { refundOf: payment.merchant.refundOf } : {}),
  });
  return eventOf(type, payment.id, data);
}

function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
