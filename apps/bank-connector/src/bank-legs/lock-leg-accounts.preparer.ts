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
 * payments debit): two or three statements per chunk instead of one or two per leg.
 */
@Injectable()
export class LockLegAccountsInOrder implements ChunkPreparer {
  constructor(
    private readonly ledger: SandboxLedgerRepository,
    private readonly pins: SandboxUpiPinRepository,
  ) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager, run: ChunkRun): Promise<void> {
    const legs = events.flatMap((event) => (event.data instanceof BankLegRequested ? [event.data] : []));
    await this.ledger.lockLegAccounts({ manager }, legs, { remember: run.asOne });
    if (!run.asOne) return;
    // The debits the PIN authorizes (SandboxBankAdapter): every debit but a merchant's refund.
    const pinChecked = events.flatMap((event) =>
      event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED && event.data instanceof BankLegRequested && event.data.purpose !== 'refund' ? [event.data.accountRef] : [],
    );
    await this.pins.rememberAccountPins({ manager }, pinChecked);
  }
}
