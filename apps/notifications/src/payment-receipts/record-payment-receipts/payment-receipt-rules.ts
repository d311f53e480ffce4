import { RESULT_CODES } from '@kirim/contracts';
import type { NotificationKind, PaymentLifecycleEvent } from '@kirim/contracts';
import { failureReason, formatAmount } from './receipt-text';

/** The payment outcomes people are told about; an initiated payment is not news yet. */
export type PaymentOutcome = 'completed' | 'failed' | 'reversed';

/** A notification about to be recorded: who is told what about which payment. */
export interface ReceiptDraft {
  readonly userId: string;
  readonly kind: NotificationKind;
  readonly paymentId: string;
  readonly title: string;
  readonly body: string;
}

/**
 * Who is told what when a payment reaches an outcome:
 * - completed: the payer hears the money went, the payee that it arrived;
 * - failed: only the payer, with the reason from the result code (the payee never expected it);
 * - reversed: only the payer, that the debited amount came back.
 */
export function receiptsFor(outcome: PaymentOutcome, payment: PaymentLifecycleEvent): ReceiptDraft[] {
  const amount = formatAmount(payment.amount);
  const draft = (userId: string, kind: NotificationKind, title: string, body: string): ReceiptDraft => ({
    userId,
    kind,
    paymentId: payment.paymentId,
    title,
    body,
  });
  const reference = referenceOf(payment);

  switch (outcome) {
    case 'completed':
      return [
        draft(payment.payerUserId, 'payment.sent', 'Payment sent', `You paid ${amount}. ${reference}`),
        draft(payment.payeeUserId, 'payment.received', 'Payment received', `You received ${amount}. ${reference}`),
      ];
    case 'failed':
      return [
        draft(
          payment.payerUserId,
          'payment.failed',
          'Payment failed',
          `Your payment of ${amount} failed: ${failureReason(payment.resultCode)}. ${moneyWhereaboutsAfterFailure(payment)} ${reference}`,
        ),
      ];
    case 'reversed':
      return [
        draft(
          payment.payerUserId,
          'payment.reversed',
          'Payment reversed',
          `Your payment of ${amount} could not be completed, so it was returned to your account. ${reference}`,
        ),
      ];
  }
}

/** The UPI transaction id (and the RRN once the debit was made) is what a user quotes to their bank. */
function referenceOf(payment: PaymentLifecycleEvent): string {
  return payment.rrn === undefined
    ? `UPI transaction ID ${payment.txnId}.`
    : `UPI transaction ID ${payment.txnId}, UPI reference ${payment.rrn}.`;
}

/**
 * A payer's first worry after a failure is their money. Only a debit the bank declined is sure to
 * have taken nothing; a debit deemed failed because the bank never answered (U67) may still have
 * been made, and is then reversed when the bank's late answer comes (docs/payment-lifecycle.md), as
 * is any failure after the debit (RBI's turnaround-time rules).
 */
function moneyWhereaboutsAfterFailure(payment: PaymentLifecycleEvent): string {
  return payment.status === 'debit_failed' && payment.resultCode !== RESULT_CODES.DEBIT_TIMEOUT
    ? 'No money was taken from your account.'
    : 'If money was taken from your account, it will be returned.';
}
