import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { CollectRequest, collectRequestAt } from '../collect-request';
import { CollectFailure, collectFailure, expiredFailure } from '../collect-problems';
import { collectRequestEvent } from '../collect-request-events';
import { CollectRequestRepository } from '../collect-request.repository';

export interface DeclineCollectRequestCommand {
  readonly customerUserId: string;
  readonly collectRequestId: string;
}

/** `declined`: false when it was declined before; this answers a retry alike. */
export type DeclineCollectRequestOutcome = { readonly ok: true; readonly request: CollectRequest; readonly declinedNow: boolean } | CollectFailure;

/**
 * The customer declines a collect request: nothing is paid, and the request can no longer be
 * approved. Under the request's row lock, so it and an approval (which takes the same lock in its
 * payment's transaction) never both win. Declining again answers the same; an approved request
 * cannot be declined; one past its expiry is written expired (U69) and refused. Each change is
 * announced in its transaction (`payments.collect-request.declined.v1` or `.expired.v1`); an answer
 * that changes nothing announces nothing.
 */
@Injectable()
export class DeclineCollectRequestUseCase {
  constructor(
    private readonly unitOfWork: TransactionRunner,
    private readonly requests: CollectRequestRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: DeclineCollectRequestCommand): Promise<DeclineCollectRequestOutcome> {
    return this.unitOfWork.run(async (tx): Promise<DeclineCollectRequestOutcome> => {
      const locked = await this.requests.lockById(tx, command.collectRequestId);
      // Another customer's request answers as none: its existence is not theirs to learn.
      if (locked === null || locked.payerUserId !== command.customerUserId) return collectFailure('not-found', 'No such collect request.');
      const now = this.clock.now();
      const current = collectRequestAt(locked, now);
      switch (current.status) {
        case 'declined':
          return { ok: true, request: current, declinedNow: false };
        case 'approved':
          return collectFailure('not-pending', 'The collect request was already approved.');
        case 'expired':
          // Written now if the poller has not yet: the refusal and the stored state agree.
          if (locked.status === 'pending') {
            await this.requests.markExpired(tx, locked.id, current.expiresAt, RESULT_CODES.COLLECT_EXPIRED);
            await tx.publish(collectRequestEvent(EVENT_TYPES.COLLECT_REQUEST_EXPIRED, current, current.expiresAt));
          }
          return expiredFailure(current.expiresAt);
        case 'pending': {
          await this.requests.markDeclined(tx, locked.id, now);
          const declined: CollectRequest = { ...locked, status: 'declined', decidedAt: now };
          await tx.publish(collectRequestEvent(EVENT_TYPES.COLLECT_REQUEST_DECLINED, declined, now));
          return { ok: true, request: declined, declinedNow: true };
        }
        default: {
          const unknown: never = current.status;
          throw new Error(`unknown collect request status ${String(unknown)}`);
        }
      }
    });
  }
}
