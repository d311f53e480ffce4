import { accountDigest, EVENT_TYPES, EventType, Money, PartnerLegAnswered, PartnerLegRequested, RESULT_CODES } from '@kirim/contracts';
import type { BankLegCommand, LegDirection } from '../../bank-legs/bank-adapter.port';
import type { LegAnswer } from '../../bank-legs/bank-leg-result';
import type { PartnerLeg } from '../../partner-banks/partner-leg';

/** The partner contract's request type for a leg direction. */
export function partnerRequestType(direction: LegDirection): EventType {
  return direction === 'debit' ? EVENT_TYPES.PARTNER_DEBIT_REQUESTED : EVENT_TYPES.PARTNER_CREDIT_REQUESTED;
}

/**
 * Contract-side leg -> the partner's request; `account` is the account reference already encrypted
 * for that bank, `encryptedPin` the payer's PIN block on a debit, passed through unopened.
 */
export function toPartnerLegRequested(leg: BankLegCommand, account: string, encryptedPin?: string): PartnerLegRequested {
  return {
    requestId: leg.requestId,
    paymentId: leg.paymentId,
    txnId: leg.txnId,
    purpose: leg.purpose,
    bankCode: leg.bankCode,
    amount: leg.amount.toDto(),
    account,
    ...(encryptedPin !== undefined ? { encryptedPin } : {}),
  };
}

/** The partner's answer -> the outcome of the leg, or why it cannot be read as one. */
export function legAnswerOf(answer: PartnerLegAnswered, approved: boolean): LegAnswer | { readonly problem: string } {
  if (approved) {
    if (answer.resultCode !== RESULT_CODES.SUCCESS) return { problem: `a success answer must carry resultCode ${RESULT_CODES.SUCCESS}, not ${answer.resultCode}` };
    if (!answer.rrn) return { problem: 'a success answer must carry the rrn of the movement' };
    return { approved: true, rrn: answer.rrn };
  }
  if (answer.resultCode === RESULT_CODES.SUCCESS) return { problem: `a decline must carry a result code other than ${RESULT_CODES.SUCCESS}` };
  // Pending is not an answer: a bank that does not know yet stays silent, and status checks ask again.
  if (answer.resultCode === RESULT_CODES.PENDING) return { problem: `${RESULT_CODES.PENDING} (pending) is not an answer; answer when the leg is done` };
  return { approved: false, resultCode: answer.resultCode, reason: answer.reason ?? 'declined by the bank' };
}

/**
 * Null when the answer is about the leg that was asked; otherwise what differs. A bank's answer
 * names the direction (its type), the amount and the account (as a digest bound to the request),
 * and must name them as asked: an answer that does not is refused, never applied.
 */
export function partnerAnswerMismatch(leg: PartnerLeg, direction: LegDirection, answer: PartnerLegAnswered): string | null {
  const differing: string[] = [];
  if (answer.bankCode !== leg.bankCode) differing.push(`bankCode ${answer.bankCode} (asked ${leg.bankCode})`);
  if (direction !== leg.direction) differing.push(`direction ${direction} (asked ${leg.direction})`);
  if (answer.paymentId !== leg.paymentId) differing.push('paymentId');
  if (answer.purpose !== leg.purpose) differing.push(`purpose ${answer.purpose} (asked ${leg.purpose})`);
  const amount = Money.parse(answer.amount);
  if (Money.isError(amount) || amount.currency !== leg.amount.currency || amount.minorUnits !== leg.amount.minorUnits) {
    differing.push(`amount ${answer.amount.value} ${answer.amount.currency} (asked ${leg.amount.toString()})`);
  }
  if (answer.accountDigest !== accountDigest(leg.requestId, leg.accountRef)) differing.push('account (accountDigest is not that of the account asked)');
  return differing.length === 0 ? null : differing.join('; ');
}

/** Null when `leg` asks for what the stored leg with its request id asked; otherwise what differs. */
export function reusedRequestDifference(stored: PartnerLeg, direction: LegDirection, leg: BankLegCommand): string | null {
  const differing: string[] = [];
  if (stored.direction !== direction) differing.push('direction');
  if (stored.paymentId !== leg.paymentId) differing.push('paymentId');
  if (stored.txnId !== leg.txnId) differing.push('txnId');
  if (stored.purpose !== leg.purpose) differing.push('purpose');
  if (stored.bankCode !== leg.bankCode) differing.push('bankCode');
  if (stored.accountRef !== leg.accountRef) differing.push('account');
  if (stored.amount.currency !== leg.amount.currency || stored.amount.minorUnits !== leg.amount.minorUnits) differing.push('amount');
  return differing.length === 0 ? null : differing.join(', ');
}
