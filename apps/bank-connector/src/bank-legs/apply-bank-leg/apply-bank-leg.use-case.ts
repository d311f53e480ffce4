import { Injectable } from '@nestjs/common';
import { BankLegRequested, Money, RESULT_CODES, ResultCode } from '@kirim/contracts';
import { MessageRefusedError, TransactionScope } from '@kirim/messaging';
import { BankAdapterRouter } from '../bank-adapter.router';
import { BankLegCommand, BankLegOutcome, LegDirection } from '../bank-adapter.port';
import { bankLegMetrics, UNKNOWN_BANK } from '../bank-leg-metrics';
import { bankLegResultEvent } from '../bank-leg-result';

/** UPI: the remitter's bank unreachable is XY on a debit, the beneficiary's is Y1 on a credit. */
const BANK_UNREACHABLE: Record<LegDirection, ResultCode> = {
  debit: RESULT_CODES.REMITTER_BANK_OFFLINE,
  credit: RESULT_CODES.BENEFICIARY_BANK_OFFLINE,
};

export interface ApplyBankLegCommand {
  readonly direction: LegDirection;
  readonly request: BankLegRequested;
}

/** `answered`: the answer went out on bank.responses; `forwarded`: the bank answers later on its own topic. */
export type ApplyBankLegOutcome = 'answered' | 'forwarded';

/**
 * Applies one debit or credit leg at the bank that holds the account, in the consumer's
 * transaction. A bank that answers at once (the sandbox) has its answer published in the same
 * transaction, so the money moves if and only if the answer is sent; a partner bank gets the leg on
 * its own topic, also in this transaction. A refused leg (a request id reused for another leg) is
 * dead-lettered: nothing moves and nothing is answered.
 */
@Injectable()
export class ApplyBankLeg {
  constructor(private readonly router: BankAdapterRouter) {}

  async execute(tx: TransactionScope, { direction, request }: ApplyBankLegCommand): Promise<ApplyBankLegOutcome> {
    const amount = Money.parse(request.amount);
    // The contract's validation lets through nothing Money.parse refuses: this would be a contract bug.
    if (Money.isError(amount)) throw new MessageRefusedError(`amount: ${amount.reason}`);
    const leg: BankLegCommand = { ...request, amount };
    const outcome = await this.decide(tx, direction, leg);
    // A refusal is not counted here: it is dead-lettered, and counted there.
    if (outcome.kind !== 'refused') bankLegMetrics.legApplied(tx, this.router.adapterFor(leg.bankCode) ? leg.bankCode : UNKNOWN_BANK, direction, outcome.kind);
    switch (outcome.kind) {
      case 'forwarded':
        return 'forwarded';
      case 'refused':
        throw new MessageRefusedError(outcome.reason);
      case 'approved':
        await tx.publish(bankLegResultEvent(direction, leg, { approved: true, rrn: outcome.rrn }));
        return 'answered';
      case 'declined':
        await tx.publish(bankLegResultEvent(direction, leg, { approved: false, resultCode: outcome.resultCode, reason: outcome.reason }));
        return 'answered';
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled bank leg outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private async decide(tx: TransactionScope, direction: LegDirection, command: BankLegCommand): Promise<BankLegOutcome> {
    const adapter = this.router.adapterFor(command.bankCode);
    if (!adapter) return { kind: 'declined', resultCode: BANK_UNREACHABLE[direction], reason: `no connector for bank ${command.bankCode}` };
    return adapter.apply(tx, direction, command);
  }
}
