import { Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { Payment } from '../../payment/payment';
import { PaymentRepository } from '../../payment/payment.repository';
import { CollectRequest, collectRequestAt } from '../collect-request';
import { CollectRequestRepository } from '../collect-request.repository';

/** A collect request as it is now, with the payment made when it was approved. */
export interface CollectRequestView {
  readonly request: CollectRequest;
  readonly payment: Payment | null;
}

export interface GetCollectRequestQuery {
  /** Who reads: a merchant (its API key) or a user (their token); each sees only the requests it made. */
  readonly requester: { readonly kind: 'merchant'; readonly merchantId: string } | { readonly kind: 'user'; readonly userId: string };
  readonly collectRequestId: string;
}

/** A requester's own collect request; null for someone else's or none (the customer follows it through their pending list and the payment). */
@Injectable()
export class GetCollectRequestUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: GetCollectRequestQuery): Promise<CollectRequestView | null> {
    const stored = await this.requests.findById(query.collectRequestId);
    if (stored === null || !madeBy(stored, query.requester)) return null;
    const payment = stored.paymentId === null ? null : await this.payments.findById(stored.paymentId);
    return { request: collectRequestAt(stored, this.clock.now()), payment };
  }
}

function madeBy(request: CollectRequest, requester: GetCollectRequestQuery['requester']): boolean {
  return requester.kind === 'merchant' ? request.merchantId === requester.merchantId : request.requesterUserId === requester.userId;
}
