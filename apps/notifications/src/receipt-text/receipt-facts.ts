import type { MoneyDto, PaymentStatus, RESULT_CODES, ResultCode } from '@kirim/contracts';

/**
 * Who a receipt is written for. For a payment: the one who paid, the person paid, or the merchant
 * paid. For a refund and a collect request the person is the `payer` of the merchant's order (the
 * customer, who is paid back or asked to pay), so a role means the same person across an order's
 * whole story.
 */
export const RECEIPT_ROLES = ['payer', 'payee', 'merchant'] as const;
export type ReceiptRole = (typeof RECEIPT_ROLES)[number];

/**
 * Every receipt kind and the roles it is written for: the states of a payment, a refund and a
 * collect request a user cares about (docs/payment-lifecycle.md, docs/merchants.md). Who is
 * actually told is the recipient table's decision; this says which texts exist. A person who is
 * paid (`payee`) hears only of money that arrived: a pending or failed payment to them may never
 * come, and telling them would invite the "I sent it, check again" pressure of a scam.
 */
export const RECEIPT_ROLES_BY_KIND = {
  'payment.pending': ['payer', 'merchant'],
  'payment.completed': ['payer', 'payee', 'merchant'],
  'payment.failed': ['payer', 'merchant'],
  'payment.deemed': ['payer', 'merchant'],
  'payment.reversed': ['payer', 'merchant'],
  'payment.reversal-failed': ['payer'],
  'refund.completed': ['payer', 'merchant'],
  'collect.waiting': ['payer'],
  'collect.expired': ['payer', 'merchant'],
  'collect.declined': ['payer', 'merchant'],
} as const satisfies Readonly<Record<string, readonly ReceiptRole[]>>;

export type ReceiptKind = keyof typeof RECEIPT_ROLES_BY_KIND;
export type ReceiptRoleOf<K extends ReceiptKind> = (typeof RECEIPT_ROLES_BY_KIND)[K][number];
export const RECEIPT_KINDS = Object.keys(RECEIPT_ROLES_BY_KIND) as readonly ReceiptKind[];

/**
 * The other party, as the receipt names them. A person's name is masked ("Priya S."); a
 * merchant's display name is public (it is on the shop and the pay screen) and shown whole.
 */
export interface ReceiptCounterparty {
  readonly type: 'person' | 'merchant';
  readonly displayName: string;
}

/** An instant: an ISO 8601 string as events carry it, or a Date. */
export type ReceiptInstant = string | Date;

interface FactsOfEveryReceipt {
  /** The amount of this payment, refund or request, as the wire carries it ("500.00"). */
  readonly amount: MoneyDto;
  /** When it happened; shown in the recipient's time zone. */
  readonly occurredAt: ReceiptInstant;
  /** Left out when unknown: the receipt then names nobody. */
  readonly counterparty?: ReceiptCounterparty;
  /** The merchant's own id for the order, refund or collect request. */
  readonly merchantReference?: string;
  /** A person's own id for their collect request. */
  readonly requestReference?: string;
  /** The 12-digit RRN the payer's bank gave the debit (UPI reference number), once there is one. */
  readonly rrn?: string;
}

/**
 * A payment (an order's payment and a refund are payments too): its UPI transaction id and kirim's
 * payment id are on every receipt, the references a user quotes to their bank and to kirim.
 */
interface PaymentReceiptFacts extends FactsOfEveryReceipt {
  readonly txnId: string;
  readonly paymentId: string;
}

/**
 * A collect request not paid (waiting, expired, declined): no payment exists, so there is no UPI
 * transaction id (kirim gives one to the payment an approval makes); the requester's reference for
 * the request is the reference: a merchant's (`merchantReference`) or a person's
 * (`requestReference`), labelled as what it is. A transaction id given is shown.
 */
interface CollectReceiptFacts extends FactsOfEveryReceipt {
  readonly requestReference?: string;
  readonly txnId?: string;
  readonly paymentId?: string;
}

/** The result codes of a deemed outcome (docs/payment-lifecycle.md): the debit (U67) or the credit (U68) never answered. */
export type DeemedResultCode = typeof RESULT_CODES.DEBIT_TIMEOUT | typeof RESULT_CODES.CREDIT_TIMEOUT;

type Receipt<K extends ReceiptKind, Facts, Extra = unknown> = { readonly kind: K; readonly role: ReceiptRoleOf<K> } & Facts & Extra;

/** Everything a receipt says, by kind. The role must be one the kind is written for. */
export type ReceiptFacts =
  | Receipt<'payment.pending', PaymentReceiptFacts>
  | Receipt<'payment.completed', PaymentReceiptFacts>
  // `status` and the code decide what the payer is told about their money (see render-receipt.ts).
  | Receipt<'payment.failed', PaymentReceiptFacts, { readonly status: PaymentStatus; readonly resultCode?: ResultCode }>
  | Receipt<'payment.deemed', PaymentReceiptFacts, { readonly resultCode: DeemedResultCode; readonly reversalDueBy?: ReceiptInstant }>
  | Receipt<'payment.reversed', PaymentReceiptFacts>
  // `reversalDueBy`: RBI's T+1 deadline that payments tracks for the reversal.
  | Receipt<'payment.reversal-failed', PaymentReceiptFacts, { readonly reversalDueBy?: ReceiptInstant }>
  // `amount` is the refund's; `paidAmount` the refunded payment's: equal for a full refund.
  | Receipt<'refund.completed', PaymentReceiptFacts, { readonly paidAmount: MoneyDto; readonly note?: string }>
  | Receipt<'collect.waiting', CollectReceiptFacts, { readonly expiresAt: ReceiptInstant; readonly note?: string }>
  | Receipt<'collect.expired', CollectReceiptFacts>
  | Receipt<'collect.declined', CollectReceiptFacts>;

export type ReceiptFactsOf<K extends ReceiptKind> = Extract<ReceiptFacts, { readonly kind: K }>;
