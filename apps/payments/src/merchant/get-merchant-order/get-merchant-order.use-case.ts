import { Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { Payment } from '../../payment/payment';
import { PaymentRepository } from '../../payment/payment.repository';
import { MerchantOrder, orderState, OrderState } from '../merchant';
import { MerchantOrderRepository } from '../merchant-order.repository';

/** An order with its latest payment attempt and what it adds up to now. */
export interface MerchantOrderView {
  readonly order: MerchantOrder;
  readonly payment: Payment | null;
  readonly state: OrderState;
}

export type GetMerchantOrderQuery = { readonly merchantId: string } & ({ readonly orderId: string } | { readonly reference: string });

/** A merchant's order, by its id or the merchant's reference; null for another merchant's or none. */
@Injectable()
export class GetMerchantOrderUseCase {
  constructor(
    private readonly orders: MerchantOrderRepository,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
  ) {}

  async execute(query: GetMerchantOrderQuery): Promise<MerchantOrderView | null> {
    const order = 'orderId' in query ? await this.orders.findOrder(query.orderId) : await this.orders.findOrderByReference(query.merchantId, query.reference);
    if (order === null || order.merchantId !== query.merchantId) return null;
    return viewOfOrder(order, this.orders, this.payments, this.clock.now());
  }
}

export async function viewOfOrder(order: MerchantOrder, orders: MerchantOrderRepository, payments: PaymentRepository, now: Date): Promise<MerchantOrderView> {
  const [payment, refunds] = await Promise.all([order.paymentId === null ? null : payments.findById(order.paymentId), orders.refundAmounts(order.id)]);
  return { order, payment, state: orderState(order, payment?.status ?? null, refunds, now) };
}
