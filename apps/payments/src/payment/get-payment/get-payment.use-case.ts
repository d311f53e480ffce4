import { Injectable } from '@nestjs/common';
import { Payment } from '../payment';
import { PaymentRepository } from '../payment.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A payment as one of its two parties may see it. Anyone else gets the same answer as for a
 * payment that does not exist, so ids cannot be probed.
 */
@Injectable()
export class GetPaymentUseCase {
  constructor(private readonly payments: PaymentRepository) {}

  async execute(query: { readonly userId: string; readonly paymentId: string }): Promise<Payment | null> {
    if (!UUID.test(query.paymentId)) return null;
    const payment = await this.payments.findById(query.paymentId);
    if (!payment) return null;
    return payment.payerUserId === query.userId || payment.payeeUserId === query.userId ? payment : null;
  }
}
