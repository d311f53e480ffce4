import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankLegRequested } from '@kirim/contracts';
import type { ChunkPreparer, InboundEvent } from '@kirim/messaging';
import { SandboxLedgerRepository } from '../sandbox-bank/sandbox-ledger.repository';

/**
 * Before a chunk of bank legs is applied, locks every sandbox account it touches, sorted. Without
 * it, two chunks (other partitions, other replicas) lock accounts in message order and deadlock.
 * Partner banks' accounts are not in the ledger and lock nothing.
 */
@Injectable()
export class LockLegAccountsInOrder implements ChunkPreparer {
  constructor(private readonly ledger: SandboxLedgerRepository) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager): Promise<void> {
    const accountRefs = events.flatMap((event) => (event.data instanceof BankLegRequested ? [event.data.accountRef] : []));
    await this.ledger.lockAccountsInOrder({ manager }, accountRefs);
  }
}
