import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BankLegResult } from '@kirim/contracts';
import type { ChunkPreparer, InboundEvent } from '@kirim/messaging';
import { PaymentRepository } from './payment.repository';

/**
 * Before a chunk of banks' answers is applied, locks every payment it answers for with one
 * statement, in id order; each handler's own lock is then answered from those rows
 * (PaymentRepository.lockAll). One round trip per chunk instead of one per answer, and the chunk's
 * locks are taken in one order whatever order its answers came in.
 */
@Injectable()
export class LockChunkPayments implements ChunkPreparer {
  constructor(private readonly payments: PaymentRepository) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager): Promise<void> {
    const paymentIds = events.flatMap((event) => (event.data instanceof BankLegResult ? [event.data.paymentId] : []));
    await this.payments.lockAll({ manager }, paymentIds);
  }
}
