import { Injectable } from '@nestjs/common';
import type { TransactionScope } from '@kirim/messaging';
import { BankAdapter, BankLegCommand, BankLegOutcome, LegDirection } from '../../bank-legs/bank-adapter.port';
import { authorizeSandboxRefundDebit } from '../../sandbox-bank/refund-debits/sandbox-refund-debit';
import { SandboxLedgerRepository } from '../../sandbox-bank/sandbox-ledger.repository';
import { SANDBOX_BANKS } from '../../sandbox-bank/sandbox-banks';
import { SandboxPinCheck } from '../../sandbox-bank/upi-pin/sandbox-pin-check';
import { fromSandboxOutcome, toSandboxLeg } from './sandbox-bank.mapper';

/** The built-in sandbox banks, answered synchronously from their ledger in the consumer's transaction. */
@Injectable()
export class SandboxBankAdapter implements BankAdapter {
  readonly name = 'sandbox';
  readonly bankCodes = SANDBOX_BANKS.map((bank) => bank.code);

  constructor(
    private readonly ledger: SandboxLedgerRepository,
    private readonly pinCheck: SandboxPinCheck,
  ) {}

  async apply(tx: TransactionScope, direction: LegDirection, leg: BankLegCommand): Promise<BankLegOutcome> {
    // Every debit needs the payer's UPI PIN but a merchant's refund, which the bank checks against the
    // payment it refunds instead; credits (payments, refunds and reversals) need neither.
    const authorize =
      direction === 'credit' ? undefined : leg.purpose === 'refund' ? () => authorizeSandboxRefundDebit(tx, leg) : () => this.pinCheck.authorizeDebit(tx, leg);
    return fromSandboxOutcome(await this.ledger.applyLeg(tx, toSandboxLeg(direction, leg), authorize));
  }
}
