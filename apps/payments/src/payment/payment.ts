import { LegPurpose, Money, PaymentStatus, ResultCode } from '@kirim/contracts';

/** Where one side of a payment keeps its money: the bank and the bank's own handle for the account. */
export interface AccountAtBank {
  readonly bankCode: string;
  /** The bank's reference for the account (never the account number). */
  readonly accountRef: string;
}

/** The payment aggregate as the domain sees it: plain, immutable, no TypeORM. */
export interface Payment {
  readonly id: string;
  readonly txnId: string;
  readonly payerUserId: string;
  readonly payeeUserId: string;
  readonly payer: AccountAtBank;
  readonly payee: AccountAtBank;
  /** Kept so an idempotent replay can answer with the same body as the first response. */
  readonly payeeDisplayName: string | null;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly resultCode: ResultCode | null;
  readonly rrn: string | null;
  readonly debitRequestId: string | null;
  readonly creditRequestId: string | null;
  readonly reversalRequestId: string | null;
  readonly note: string | null;
  /**
   * The payment's timer (leg-timer.ts): while a leg is pending, when its next status check or its
   * deemed outcome is due; in `reversal_failed`, when the reversal is retried. Null otherwise, and
   * when nothing more will happen without an operator.
   */
  readonly legCheckAt: Date | null;
  /** Status checks (re-sends of the pending leg's command) made for the current leg. */
  readonly legChecks: number;
  /**
   * The leg whose outcome was deemed by the scheme profile (no answer after every status check)
   * rather than answered: a late answer to it is handled apart (docs/payment-lifecycle.md).
   */
  readonly deemedLeg: DeemedLeg | null;
  /** Reversal attempts made (each a credit back to the payer; a retry after a decline has a new requestId). */
  readonly reversalAttempts: number;
  /** Why the last reversal attempt failed: the bank declined it, or never answered it. Null while none has failed. */
  readonly reversalFailure: ReversalFailure | null;
  /** The last failed reversal attempt's code: the bank's decline code, or the profile's deemed code (RB). */
  readonly reversalResultCode: ResultCode | null;
  /**
   * When the payer must have their money back (RBI: end of day T+1 in the scheme's time zone, T the
   * failure's day): set when a reversal becomes owed, kept afterwards as a record.
   */
  readonly reversalDueBy: Date | null;
  /**
   * When the payee's bank confirmed a credit that the profile had already deemed failed (so the
   * payer is being, or was, paid back too). Nothing undoes that here; reconciliation reports it.
   */
  readonly lateCreditAt: Date | null;
  /** The merchant order this payment pays or refunds (docs/merchants.md); null for a payment between people. */
  readonly merchant: MerchantPaymentLink | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A merchant payment's link to its order. The order's payment has the customer as payer and the
 * merchant's settlement account as payee; a refund is a payment of its own the other way, from the
 * account the order's payment credited back to the account it debited.
 */
export interface MerchantPaymentLink {
  readonly merchantId: string;
  readonly orderId: string;
  /** A refund's refunded payment (the order's payment); null on the order's payment itself. */
  readonly refundOf: string | null;
}

/** What a payment is: a person paying a person, a customer paying a merchant's order, a merchant refunding one. */
export type PaymentKind = 'p2p' | 'order' | 'refund';
export const PAYMENT_KINDS: readonly PaymentKind[] = ['p2p', 'order', 'refund'];

export function paymentKind(payment: Pick<Payment, 'merchant'>): PaymentKind {
  if (payment.merchant === null) return 'p2p';
  return payment.merchant.refundOf === null ? 'order' : 'refund';
}

/**
 * The purpose a leg of this payment carries to the banks: a reversal is a reversal whatever it
 * reverses; a refund's debit and credit are `refund` (its debit carries no UPI PIN: the merchant
 * authorised it with its API key); every other leg is `payment`.
 */
export function legPurposeOf(payment: Pick<Payment, 'merchant'>, leg: 'debit' | 'credit' | 'reversal'): LegPurpose {
  if (leg === 'reversal') return 'reversal';
  return paymentKind(payment) === 'refund' ? 'refund' : 'payment';
}

export type DeemedLeg = 'debit' | 'credit';
export const DEEMED_LEGS: readonly DeemedLeg[] = ['debit', 'credit'];

export type ReversalFailure = 'declined' | 'unanswered';
export const REVERSAL_FAILURES: readonly ReversalFailure[] = ['declined', 'unanswered'];

/** The PSP prefix of kirim's UPI-style transaction ids (UPI: 3 characters identifying the PSP). */
export const TXN_ID_PREFIX = 'KRM';

/** UPI-style transaction id: the 3-character PSP prefix + the 32 hex digits of a uuid = 35 characters. */
export function txnIdFromUuid(uuid: string): string {
  return `${TXN_ID_PREFIX}${uuid.replace(/-/g, '').toUpperCase()}`;
}

export interface NewPaymentInput {
  readonly id: string;
  readonly payerUserId: string;
  readonly payeeUserId: string;
  readonly payer: AccountAtBank;
  readonly payee: AccountAtBank;
  readonly payeeDisplayName: string | null;
  readonly amount: Money;
  readonly note: string | null;
  readonly at: Date;
  /** A merchant order's payment or refund; absent or null for a payment between people. */
  readonly merchant?: MerchantPaymentLink | null;
}

/** A payment in its first state, `created`; the state machine moves it on. */
export function createPayment(input: NewPaymentInput): Payment {
  return {
    id: input.id,
    txnId: txnIdFromUuid(input.id),
    payerUserId: input.payerUserId,
    payeeUserId: input.payeeUserId,
    payer: input.payer,
    payee: input.payee,
    payeeDisplayName: input.payeeDisplayName,
    amount: input.amount,
    status: 'created',
    resultCode: null,
    rrn: null,
    debitRequestId: null,
    creditRequestId: null,
    reversalRequestId: null,
    note: input.note,
    legCheckAt: null,
    legChecks: 0,
    deemedLeg: null,
    reversalAttempts: 0,
    reversalFailure: null,
    reversalResultCode: null,
    reversalDueBy: null,
    lateCreditAt: null,
    merchant: input.merchant ?? null,
    createdAt: input.at,
    updatedAt: input.at,
  };
}
