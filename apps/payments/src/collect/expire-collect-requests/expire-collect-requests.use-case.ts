import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { collectRequestAt } from '../collect-request';
import { collectRequestEvent } from '../collect-request-events';
import { CollectRequestRepository } from '../collect-request.repository';

/** Most requests one pass expires (one transaction). */
export const COLLECT_EXPIRY_BATCH_SIZE = 200;

/**
 * One pass of the collect requests' expiry timer: the pending requests whose expiry has passed are
 * written `expired` with UPI's U69, in one transaction. The timer is the row's own `expires_at`, so
 * a restart loses none; `FOR UPDATE SKIP LOCKED` lets every replica's poller run at once without
 * taking a request twice, and leaves a request being approved or declined to that answer (which
 * checks the expiry itself under the same lock). Each request written expired is announced
 * (`payments.collect-request.expired.v1`) in the same transaction.
 *
 * Reads never wait for this: a pending request past its expiry already reads as expired
 * (collectRequestAt). The pass makes it so in the database, for listings, reports and the merchant.
 */
@Injectable()
export class ExpireCollectRequestsUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly requests: CollectRequestRepository,
    private readonly clock: Clock,
  ) {}

  /** How many requests this pass expired. */
  async execute(limit = COLLECT_EXPIRY_BATCH_SIZE): Promise<number> {
    return this.unitOfWork.run(async (tx) => {
      const now = this.clock.now();
      const due = await this.requests.lockExpired(tx, now, limit);
      // Expired at its expiry, not at the pass: the record says when the customer's time ran out.
      for (const request of due) {
        await this.requests.markExpired(tx, request.id, request.expiresAt, RESULT_CODES.COLLECT_EXPIRED);
        // As written: expired, U69, at its expiry.
        await tx.publish(collectRequestEvent(EVENT_TYPES.COLLECT_REQUEST_EXPIRED, collectRequestAt(request, now), request.expiresAt));
      }
      return due.length;
    });
  }
}
