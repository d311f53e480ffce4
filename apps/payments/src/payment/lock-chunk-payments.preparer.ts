import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankLegResult } from '@kirim/contracts';
import type { ChunkPreparer, ChunkRun, InboundEvent } from '@kirim/messaging';
import { PaymentRepository } from './payment.repository';

/**
 * Before a chunk of banks' answers is applied, locks every payment it answers for with one
 * statement, in id order; each handler's own lock is then answered from those rows
 * (PaymentRepository.lockAll). One round trip per chunk instead of one per answer, and the chunk's
 * locks are taken in one order whatever order its answers came in.
 *
 * A chunk that commits or fails as a whole also writes its payments' new states together, after
 * its last answer (PaymentRepository.deferUpdates): one UPDATE per chunk instead of one per answer.
 */
@Injectable()
export class LockChunkPayments implements ChunkPreparer {
  constructor(private readonly payments: PaymentRepository) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager, run: ChunkRun): Promise<void> {
    const paymentIds = events.flatMap((event) => (event.data instanceof BankLegResult ? [event.data.paymentId] : []));
    await this.payments.lockAll({ manager }, paymentIds);
    if (run.asOne && paymentIds.length > 0) this.payments.deferUpdates({ manager });
  }

  async finishChunk(manager: EntityManager): Promise<void> {
    await this.payments.writeDeferredUpdates({ manager });
  }
}
