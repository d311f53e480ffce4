import type { PaymentLifecycleEvent } from '@kirim/contracts';

export const PAYER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';
export const PAYEE = '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';
export const PAYMENT_ID = '3f2e1d0c-9b8a-4765-a432-10fedcba9876';
export const TXN_ID = 'KRM0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** A payment event as payments publishes it; override what a test is about. */
export function paymentEvent(overrides: Partial<PaymentLifecycleEvent> = {}): PaymentLifecycleEvent {
  return {
    paymentId: PAYMENT_ID,
    txnId: TXN_ID,
    payerUserId: PAYER,
    payeeUserId: PAYEE,
    amount: { value: '500.00', currency: 'INR' },
    status: 'completed',
    resultCode: '00',
    rrn: '412345678901',
    occurredAt: '2025-11-28T10:00:00.000Z',
    ...overrides,
  };
}
