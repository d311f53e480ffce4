import { RESULT_CODES } from '@kirim/contracts';
import type { MoneyDto, NotificationKind, PaymentLifecycleEvent } from '@kirim/contracts';
import { renderReceipt, ReceiptAudience } from '../../receipt-text/render-receipt';
import type { ReceiptCounterparty, ReceiptFacts } from '../../receipt-text/receipt-facts';
import type { ReceiptLocale } from '../../receipt-text/receipt-locale';

/** The payment outcomes people are told about; an initiated payment is not news yet. */
export type PaymentOutcome = 'completed' | 'failed' | 'reversed';

/** A notification about to be recorded: who is told what about which payment. */
export interface ReceiptDraft {
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly paymentId: string;
  /** The locale the text is written in, after fallback (stored with it, sent with it to the chat). */
  readonly locale: ReceiptLocale;
  readonly title: string;
  readonly body: string;
}

/** Each recipient's language and time zone; `{}` (en-IN, Asia/Kolkata) for a user who set none. */
export type AudienceOf = (userId: string) => ReceiptAudience;

/**
 * What notifications knows of the merchant of an order's payment or refund (`payment.merchant`),
 * beyond the event: each fact is left out when it is not known (yet).
 */
export interface MerchantReceiptContext {
  /** The merchant's public name (the `merchants` table); absent for a merchant not heard of yet. */
  readonly displayName?: string;
  /** On a refund: the amount of the order's payment it refunds, once its completion was recorded. */
  readonly paidAmount?: MoneyDto;
}

/**
 * Who is told what when a payment reaches an outcome:
 * - completed: the payer hears the money went, the payee that it arrived;
 * - failed: only the payer, with the reason from the result code (the payee never expected it);
 * - reversed: only the payer, that the debited amount came back.
 * A merchant's order payment and refund (`payment.merchant`) are worded for a customer and a
 * merchant (orderPaymentReceipts, refundReceipts), with what notifications knows of the merchant
 * (`merchant`). The words, the amount, the time and the references are receipt-text's
 * (render-receipt.ts), each receipt in its reader's language and time zone (`audienceOf`), so payer
 * and payee may read the same payment in two languages.
 */
export function receiptsFor(
  outcome: PaymentOutcome,
  payment: PaymentLifecycleEvent,
  audienceOf: AudienceOf = () => ({}),
  merchant: MerchantReceiptContext = {},
): ReceiptDraft[] {
  const facts: PaymentFacts = {
    amount: payment.amount,
    occurredAt: payment.occurredAt,
    txnId: payment.txnId,
    paymentId: payment.paymentId,
    ...(payment.rrn !== undefined ? { rrn: payment.rrn } : {}),
  };
  const draft: DraftOf = (userId, kind, receipt) => {
    const { locale, title, body } = renderReceipt(receipt, audienceOf(userId));
    return { userId, kind, paymentId: payment.paymentId, locale, title, body };
  };
  const writing = { payment, facts, draft };
  if (payment.merchant === undefined) return receiptsBetweenPeople(outcome, writing);
  return payment.merchant.refundOf === undefined ? orderPaymentReceipts(outcome, writing, merchant) : refundReceipts(outcome, writing, merchant);
}

/** What every receipt of the payment says: its amount, time and references, and whom it names, if anyone. */
interface PaymentFacts {
  readonly amount: MoneyDto;
  readonly occurredAt: string;
  readonly txnId: string;
  readonly paymentId: string;
  readonly rrn?: string;
  readonly counterparty?: ReceiptCounterparty;
}

type DraftOf = (userId: string, kind: NotificationKind, receipt: ReceiptFacts) => ReceiptDraft;

interface ReceiptWriting {
  readonly payment: PaymentLifecycleEvent;
  readonly facts: PaymentFacts;
  readonly draft: DraftOf;
}

function receiptsBetweenPeople(outcome: PaymentOutcome, { payment, facts, draft }: ReceiptWriting): ReceiptDraft[] {
  switch (outcome) {
    case 'completed':
      return [
        draft(payment.payerUserId, 'payment.sent', { kind: 'payment.completed', role: 'payer', ...facts }),
        draft(payment.payeeUserId, 'payment.received', { kind: 'payment.completed', role: 'payee', ...facts }),
      ];
    case 'failed':
      return [failedForPayer({ payment, facts, draft })];
    case 'reversed':
      return [draft(payment.payerUserId, 'payment.reversed', { kind: 'payment.reversed', role: 'payer', ...facts })];
  }
}

/**
 * An order's payment: the customer (payer) reads it as a payment to the merchant, named; the
 * merchant's owner (payee) reads the merchant's view ("A customer paid ₹500.00"), which names no
 * customer: notifications does not know their name. As between people, only the customer hears of
 * a failure or a reversal.
 */
function orderPaymentReceipts(outcome: PaymentOutcome, { payment, facts, draft }: ReceiptWriting, merchant: MerchantReceiptContext): ReceiptDraft[] {
  const toMerchant: PaymentFacts = { ...facts, ...merchantCounterparty(merchant) };
  switch (outcome) {
    case 'completed':
      return [
        draft(payment.payerUserId, 'payment.sent', { kind: 'payment.completed', role: 'payer', ...toMerchant }),
        draft(payment.payeeUserId, 'payment.received', { kind: 'payment.completed', role: 'merchant', ...facts }),
      ];
    case 'failed':
      return [failedForPayer({ payment, facts: toMerchant, draft })];
    case 'reversed':
      return [draft(payment.payerUserId, 'payment.reversed', { kind: 'payment.reversed', role: 'payer', ...toMerchant })];
  }
}

/**
 * A refund is a payment from the merchant's owner (payer) back to the customer (payee). Completed,
 * the customer reads it as a refund from the merchant, named, and the owner as a refund they made.
 * A refund that failed or was reversed is told, as any payment's, to its payer only: the owner.
 *
 * The kinds are `refund.*` whichever text is written: a notification is unique per (user, payment,
 * kind), so a kind that changed with what is known would tell a replayed refund twice.
 */
function refundReceipts(outcome: PaymentOutcome, writing: ReceiptWriting, merchant: MerchantReceiptContext): ReceiptDraft[] {
  const { payment, facts, draft } = writing;
  switch (outcome) {
    case 'completed': {
      const fromMerchant: PaymentFacts = { ...facts, ...merchantCounterparty(merchant) };
      const { paidAmount } = merchant;
      // Whether a refund is full or partial needs the order payment's amount. Until that payment's
      // completion is recorded (merchant_events; never, for one completed before they were kept),
      // both are told in today's generic words of a payment received and a payment sent.
      if (paidAmount === undefined) {
        return [
          draft(payment.payeeUserId, 'refund.received', { kind: 'payment.completed', role: 'payee', ...fromMerchant }),
          draft(payment.payerUserId, 'refund.sent', { kind: 'payment.completed', role: 'payer', ...facts }),
        ];
      }
      return [
        draft(payment.payeeUserId, 'refund.received', { kind: 'refund.completed', role: 'payer', ...fromMerchant, paidAmount }),
        draft(payment.payerUserId, 'refund.sent', { kind: 'refund.completed', role: 'merchant', ...facts, paidAmount }),
      ];
    }
    case 'failed':
      return [failedForPayer(writing)];
    case 'reversed':
      return [draft(payment.payerUserId, 'payment.reversed', { kind: 'payment.reversed', role: 'payer', ...facts })];
  }
}

function failedForPayer({ payment, facts, draft }: ReceiptWriting): ReceiptDraft {
  // The payer's bank never answered the debit (U67, the profile's deemed outcome): whether money was
  // taken is unknown to anyone yet, and the deemed text says so and that it comes back by itself.
  if (payment.resultCode === RESULT_CODES.DEBIT_TIMEOUT) {
    return draft(payment.payerUserId, 'payment.failed', { kind: 'payment.deemed', role: 'payer', resultCode: RESULT_CODES.DEBIT_TIMEOUT, ...facts });
  }
  return draft(payment.payerUserId, 'payment.failed', {
    kind: 'payment.failed',
    role: 'payer',
    status: payment.status,
    ...(payment.resultCode !== undefined ? { resultCode: payment.resultCode } : {}),
    ...facts,
  });
}

/** The merchant as a customer's receipt names it: whole (the name is public); nobody when not known yet. */
function merchantCounterparty(merchant: MerchantReceiptContext): { readonly counterparty?: ReceiptCounterparty } {
  return merchant.displayName === undefined ? {} : { counterparty: { type: 'merchant', displayName: merchant.displayName } };
}
