import type { NotificationKind, PaymentLifecycleEvent } from '@kirim/contracts';
import { renderReceipt, ReceiptAudience } from '../../receipt-text/render-receipt';
import type { ReceiptFacts } from '../../receipt-text/receipt-facts';
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
 * Who is told what when a payment reaches an outcome:
 * - completed: the payer hears the money went, the payee that it arrived;
 * - failed: only the payer, with the reason from the result code (the payee never expected it);
 * - reversed: only the payer, that the debited amount came back.
 * The words, the amount, the time and the references are receipt-text's (render-receipt.ts), each
 * receipt in its reader's language and time zone (`audienceOf`), so payer and payee may read the
 * same payment in two languages.
 */
export function receiptsFor(outcome: PaymentOutcome, payment: PaymentLifecycleEvent, audienceOf: AudienceOf = () => ({})): ReceiptDraft[] {
  const facts = {
    amount: payment.amount,
    occurredAt: payment.occurredAt,
    txnId: payment.txnId,
    paymentId: payment.paymentId,
    ...(payment.rrn !== undefined ? { rrn: payment.rrn } : {}),
  };
  const draft = (userId: string, kind: NotificationKind, receipt: ReceiptFacts): ReceiptDraft => {
    const { locale, title, body } = renderReceipt(receipt, audienceOf(userId));
    return { userId, kind, paymentId: payment.paymentId, locale, title, body };
  };

  switch (outcome) {
    case 'completed':
      return [
        draft(payment.payerUserId, 'payment.sent', { kind: 'payment.completed', role: 'payer', ...facts }),
        draft(payment.payeeUserId, 'payment.received', { kind: 'payment.completed', role: 'payee', ...facts }),
      ];
    case 'failed':
      return [
        draft(payment.payerUserId, 'payment.failed', {
          kind: 'payment.failed',
          role: 'payer',
          status: payment.status,
          ...(payment.resultCode !== undefined ? { resultCode: payment.resultCode } : {}),
          ...facts,
        }),
      ];
    case 'reversed':
      return [draft(payment.payerUserId, 'payment.reversed', { kind: 'payment.reversed', role: 'payer', ...facts })];
  }
}
