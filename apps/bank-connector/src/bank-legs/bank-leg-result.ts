import { BankLegResult, EVENT_TYPES, EventType, LegPurpose, Money, RESULT_CODES, ResultCode } from '@kirim/contracts';
import type { OutgoingEvent } from '@kirim/messaging';
import type { LegDirection } from './bank-adapter.port';

const RESULT_EVENT_TYPES: Record<LegDirection, { approved: EventType; declined: EventType }> = {
  debit: { approved: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, declined: EVENT_TYPES.BANK_DEBIT_DECLINED },
  credit: { approved: EVENT_TYPES.BANK_CREDIT_SUCCEEDED, declined: EVENT_TYPES.BANK_CREDIT_DECLINED },
};

/** The leg an answer is about, as it was asked: the answer repeats these so payments can check it. */
export interface AnsweredLeg {
  readonly requestId: string;
  readonly paymentId: string;
  readonly purpose: LegPurpose;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly amount: Money;
}

export type LegAnswer = { readonly approved: true; readonly rrn: string } | { readonly approved: false; readonly resultCode: ResultCode; readonly reason: string };

/** The bank.responses.v1 record answering `leg`, whichever bank answered it. */
export function bankLegResultEvent(direction: LegDirection, leg: AnsweredLeg, answer: LegAnswer): OutgoingEvent<BankLegResult> {
  const data: BankLegResult = {
    requestId: leg.requestId,
    paymentId: leg.paymentId,
    purpose: leg.purpose,
    bankCode: leg.bankCode,
    accountRef: leg.accountRef,
    amount: leg.amount.toDto(),
    ...(answer.approved ? { resultCode: RESULT_CODES.SUCCESS, rrn: answer.rrn } : { resultCode: answer.resultCode, reason: answer.reason }),
  };
  const types = RESULT_EVENT_TYPES[direction];
  return { type: answer.approved ? types.approved : types.declined, key: leg.paymentId, data };
}
