import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankAdapter, BankLegCommand, BankLegOutcome } from '../../bank-legs/bank-adapter.port';
import { SandboxLedger } from '../../sandbox-bank/sandbox-ledger';
import { SANDBOX_BANKS } from '../../sandbox-bank/sandbox-banks';
import { fromSandboxOutcome, toSandboxLeg } from './sandbox-bank.mapper';

/** The built-in sandbox banks, answered synchronously from their ledger in the consumer's transaction. */
@Injectable()
export class SandboxBankAdapter implements BankAdapter {
  readonly name = 'sandbox';
  readonly bankCodes = SANDBOX_BANKS.map((bank) => bank.code);

  constructor(private readonly ledger: SandboxLedger) {}

  async debit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome> {
    return fromSandboxOutcome(await this.ledger.applyLeg(manager, toSandboxLeg('debit', leg)));
  }

  async credit(leg: BankLegCommand, manager: EntityManager): Promise<BankLegOutcome> {
    return fromSandboxOutcome(await this.ledger.applyLeg(manager, toSandboxLeg('credit', leg)));
  }
}
