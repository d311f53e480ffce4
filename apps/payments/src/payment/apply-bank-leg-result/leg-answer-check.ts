import { BankLegResult, Money } from '@kirim/contracts';
import { AccountAtBank, legPurposeOf, Payment } from '../payment';
import type { BankLeg } from './apply-bank-leg-result.use-case';

/** The leg of `payment` a request id names, as it was asked: direction, account and amount. */
interface AskedLeg {
  readonly name: 'debit' | 'credit' | 'reversal';
  readonly direction: BankLeg;
  readonly account: AccountAtBank;
}

function askedLeg(payment: Payment, requestId: string): AskedLeg | null {
  if (requestId === payment.debitRequestId) return { name: 'debit', direction: 'debit', account: payment.payer };
  if (requestId === payment.creditRequestId) return { name: 'credit', direction: 'credit', account: payment.payee };
  // A reversal is a credit back into the payer's account.
  if (requestId === payment.reversalRequestId) return { name: 'reversal', direction: 'credit', account: payment.payer };
  return null;
}

/**
 * Null when a bank's answer is about the leg of this payment its request id names (or names no leg
 * of it: the state machine ignores those as stale); otherwise what differs. A bank answers for the
 * direction, account and amount it was asked: an answer that names others is not applied, however
 * well it is signed, because applying it would move the payment on for money that moved elsewhere.
 */
export function legAnswerMismatch(payment: Payment, leg: BankLeg, result: BankLegResult): string | null {
  const asked = askedLeg(payment, result.requestId);
  if (asked === null) return null;
  const differing: string[] = [];
  if (leg !== asked.direction) differing.push(`direction ${leg} (the ${asked.name} leg is a ${asked.direction})`);
  if (result.purpose !== legPurposeOf(payment, asked.name)) differing.push(`purpose ${result.purpose}`);
  if (result.bankCode !== asked.account.bankCode) differing.push(`bank ${result.bankCode} (asked ${asked.account.bankCode})`);
  if (result.accountRef !== asked.account.accountRef) differing.push('account');
  const amount = Money.parse(result.amount);
  if (Money.isError(amount) || amount.currency !== payment.amount.currency || amount.minorUnits !== payment.amount.minorUnits) {
    differing.push(`amount ${result.amount.value} ${result.amount.currency} (asked ${payment.amount.toString()})`);
  }
  return differing.length === 0 ? null : `answer for the ${asked.name} leg of payment ${payment.id} does not match it: ${differing.join('; ')}`;
}
