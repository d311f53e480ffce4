import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankLegRequested, EVENT_TYPES, pinBlockIdOf } from '@kirim/contracts';
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
 * payments debit and whether their PIN blocks were taken before), and writes its postings and its
 * PIN blocks' uses together when its last leg is done: a few statements per chunk instead of two or
 * three per leg. The blocks' earlier uses are read up front, after the accounts' locks, so a payer
 * resending a block taken before is refused from memory, and a debit of the same account with the
 * same block waits for this chunk and then finds its use. Only the same block sent for another
 * account at once can be taken between the read and the chunk's end: the end then conflicts and the
 * chunk is replayed leg by leg. Not a chunk with a merchant's refund debit: the bank
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
    if (!remember) return;
    // The ids the blocks have if they open: nothing is decrypted here (SandboxPinCheck opens each).
    const pinBlockIds = debits.flatMap((debit) => (debit.encryptedPin === undefined ? [] : (pinBlockIdOf(debit.encryptedPin) ?? [])));
    await this.pins.rememberChunkPins({ manager }, { accountRefs: debits.map((debit) => debit.accountRef), pinBlockIds });
  }

  async finishChunk(manager: EntityManager): Promise<void> {
    // The takes first: one another transaction made meanwhile sends the chunk to its replay before its postings are written.
    await this.pins.writeTakenPinBlocks({ manager });
    await this.ledger.writeDeferredPostings({ manager });
  }
}
