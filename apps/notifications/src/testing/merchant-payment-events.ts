import type { PaymentLifecycleEvent } from '@kirim/contracts';
import { PAYMENT_ID, paymentEvent } from '../payment-receipts/payment-event.fixture';

/** A merchant's order and its refund, as payments announces them (docs/merchants.md). */
export const CUSTOMER = '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b';
export const MERCHANT_OWNER = '8b7a6f5e-4d3c-4b2a-9f1e-0d9c8b7a6f5e';
export const MERCHANT_ID = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
export const ORDER_ID = '6d5c4b3a-2f1e-4d0c-8b9a-7f6e5d4c3b2a';
export const ORDER_PAYMENT_ID = PAYMENT_ID;
export const REFUND_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
export const REFUND_TXN_ID = 'KRMREFUND0123456789ABCDEFGHIJKLMNOP';

/** The customer pays the merchant's order ₹500.00: the customer is the payer, the merchant's owner the payee. */
export function orderPaymentEvent(overrides: Partial<PaymentLifecycleEvent> = {}): PaymentLifecycleEvent {
  return paymentEvent({
    paymentId: ORDER_PAYMENT_ID,
    payerUserId: CUSTOMER,
    payeeUserId: MERCHANT_OWNER,
    merchant: { merchantId: MERCHANT_ID, orderId: ORDER_ID },
    ...overrides,
  });
}

/** The merchant refunds ₹150.00 of the order's payment: the owner is the payer, the customer the payee. */
export function refundEvent(overrides: Partial<PaymentLifecycleEvent> = {}): PaymentLifecycleEvent {
  return paymentEvent({
    paymentId: REFUND_ID,
    txnId: REFUND_TXN_ID,
    payerUserId: MERCHANT_OWNER,
    payeeUserId: CUSTOMER,
    amount: { value: '150.00', currency: 'INR' },
    merchant: { merchantId: MERCHANT_ID, orderId: ORDER_ID, refundOf: ORDER_PAYMENT_ID },
    ...overrides,
  });
}
