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
  readonly merchantId: string;
  readonly collectRequestId: string;
}

/** A merchant's collect request; null for another merchant's or none. */
@Injectable()
export class GetCollectRequestUseCase {
  constructor(
    private readonly requests: CollectRequestRepository,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: GetCollectRequestQuery): Promise<CollectRequestView | null> {
    const stored = await this.requests.findById(query.collectRequestId);
    if (stored === null || stored.merchantId !== query.merchantId) return null;
    const payment = stored.paymentId === null ? null : await this.payments.findById(stored.paymentId);
    return { request: collectRequestAt(stored, this.clock.now()), payment };
  }
}
