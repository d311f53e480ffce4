import { Injectable } from '@nestjs/common';
import { Payment } from '../../payment/payment';
import { PaymentRepository } from '../../payment/payment.repository';
import { MerchantRefundRecord } from '../merchant';
import { MerchantOrderRepository } from '../merchant-order.repository';

export interface MerchantRefundView {
  readonly refund: MerchantRefundRecord;
  readonly payment: Payment;
}

/** A merchant's refund of one of its orders, with its payment; null for another merchant's, another order's, or none. */
@Injectable()
export class GetMerchantRefundUseCase {
  constructor(
    private readonly orders: MerchantOrderRepository,
    private readonly payments: PaymentRepository,
  ) {}

  async execute(query: { readonly merchantId: string; readonly orderId: string; readonly refundId: string }): Promise<MerchantRefundView | null> {
    const refund = await this.orders.findRefund(query.merchantId, query.refundId);
    if (refund === null || refund.orderId !== query.orderId) return null;
    const payment = await this.payments.findById(refund.paymentId);
    if (payment === null) throw new Error('a refund record points at a missing payment');
    return { refund, payment };
  }
}
