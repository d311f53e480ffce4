import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankLegRequested, EVENT_TYPES } from '@kirim/contracts';
import type { ChunkPreparer, ChunkRun, InboundEvent } from '@kirim/messaging';
import { SandboxLedgerRepository } from '../sandbox-bank/sandbox-ledger.repository';
import { SandboxUpiPinRepository } from '../sandbox-bank/upi-pin/sandbox-upi-pin.repository';

/**
 * Before a chunk of bank legs is applied, locks every sandbox account it touches, sorted. Without
 * it, two chunks (other partitions, other replicas) lock accounts in message order and deadlock.
 * Partner banks' accounts are not in the ledger and lock nothing.
 *
 * A chunk that commits or fails as a whole also reads, here and once, what its legs would each read
 * (the accounts, the answers recorded for their request ids, the PIN records of the accounts its
 * payments debit), and writes its postings together when its last leg is done: a few statements per
 * chunk instead of two or three per leg. Not a chunk with a merchant's refund debit: the bank
 * authorizes a refund from the postings in the table (authorizeSandboxRefundDebit), which must then
 * hold every earlier leg's.
 */
@Injectable()
export class LockLegAccountsInOrder implements ChunkPreparer {
  constructor(
    private readonly ledger: SandboxLedgerRepository,
    private readonly pins: SandboxUpiPinRepository,
  ) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager, run: ChunkRun): Promise<void> {
    const legs = events.flatMap((event) => (event.data instanceof BankLegRequested ? [event.data] : []));
    const debits = events.flatMap((event) => (event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED && event.data instanceof BankLegRequested ? [event.data] : []));
    const remember = run.asOne && !debits.some((debit) => debit.purpose === 'refund');
    await this.ledger.lockLegAccounts({ manager }, legs, { remember });
    // With no refund among them, every debit is authorized by its payer's PIN (SandboxBankAdapter).
    if (remember) await this.pins.rememberAccountPins({ manager }, debits.map((debit) => debit.accountRef));
  }

  async finishChunk(manager: EntityManager): Promise<void> {
    await this.ledger.writeDeferredPostings({ manager });
  }
}
