import { Injectable } from '@nestjs/common';
import { BankLegRequested, BankLegResult, EVENT_TYPES, EventType, Money, RESULT_CODES, ResultCode } from '@kirim/contracts';
import type { TransactionScope } from '@kirim/messaging';
import { BankAdapterRouter } from '../bank-adapter.router';
import { BankLegCommand, BankLegOutcome, LegDirection } from '../bank-adapter.port';

const RESULT_EVENT_TYPES: Record<LegDirection, { approved: EventType; declined: EventType }> = {
  debit: { approved: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, declined: EVENT_TYPES.BANK_DEBIT_DECLINED },
  credit: { approved: EVENT_TYPES.BANK_CREDIT_SUCCEEDED, declined: EVENT_TYPES.BANK_CREDIT_DECLINED },
};

/** UPI: the remitter's bank unreachable is XY on a debit, the beneficiary's is Y1 on a credit. */
const BANK_UNREACHABLE: Record<LegDirection, ResultCode> = {
  debit: RESULT_CODES.REMITTER_BANK_OFFLINE,
  credit: RESULT_CODES.BENEFICIARY_BANK_OFFLINE,
};

const LEG_FAILED: Record<LegDirection, ResultCode> = {
  debit: RESULT_CODES.DEBIT_FAILED,
  credit: RESULT_CODES.CREDIT_FAILED,
};

/**
 * Applies one debit or credit leg at the bank that holds the account and answers on bank.responses,
 * both in the consumer's transaction: the money moves if and only if the answer is sent.
 */
@Injectable()
export class ApplyBankLeg {
  constructor(private readonly router: BankAdapterRouter) {}

  async execute(direction: LegDirection, request: BankLegRequested, tx: TransactionScope): Promise<BankLegResult> {
    const outcome = await this.decide(direction, request, tx);
    const result: BankLegResult = outcome.approved
      ? { requestId: request.requestId, paymentId: request.paymentId, purpose: request.purpose, resultCode: RESULT_CODES.SUCCESS, rrn: outcome.rrn }
      : {
          requestId: request.requestId,
          paymentId: request.paymentId,
          purpose: request.purpose,
          resultCode: outcome.resultCode,
          reason: outcome.reason,
        };
    const types = RESULT_EVENT_TYPES[direction];
    await tx.publish({ type: outcome.approved ? types.approved : types.declined, key: request.paymentId, data: result });
    return result;
  }

  private async decide(direction: LegDirection, request: BankLegRequested, tx: TransactionScope): Promise<BankLegOutcome> {
    const amount = Money.parse(request.amount);
    if (Money.isError(amount)) {
      // The contract's validation lets through nothing Money.parse refuses; answer rather than dead-letter if it ever does.
      return { approved: false, resultCode: LEG_FAILED[direction], reason: amount.reason };
    }
    const adapter = this.router.adapterFor(request.bankCode);
    if (!adapter) {
      return { approved: false, resultCode: BANK_UNREACHABLE[direction], reason: `no connector for bank ${request.bankCode}` };
    }
    const command: BankLegCommand = {
      requestId: request.requestId,
      paymentId: request.paymentId,
      txnId: request.txnId,
      purpose: request.purpose,
      bankCode: request.bankCode,
      accountRef: request.accountRef,
      amount,
    };
    return direction === 'debit' ? adapter.debit(command, tx.manager) : adapter.credit(command, tx.manager);
  }
}
