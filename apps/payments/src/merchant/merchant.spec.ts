import { Money } from '@kirim/contracts';
import { attemptOutcome, orderState, refundCounts } from './merchant';

const order = { amount: Money.ofMinor(10_000n, 'INR'), expiresAt: new Date('2026-11-28T10:30:00.000Z') };
const before = new Date('2026-11-28T10:00:00.000Z');
const after = new Date('2026-11-28T10:30:00.000Z');

describe('an order’s state', () => {
  it('is open until it expires, with nothing paid or refundable', () => {
    expect(orderState(order, null, [], before)).toEqual({ status: 'open', paidMinor: 0n, refundedMinor: 0n, refundingMinor: 0n, refundableMinor: 0n });
    expect(orderState(order, null, [], after).status).toBe('expired');
  });

  it('is paying while a payment is on its way, even past its expiry (the customer was accepted in time)', () => {
    for (const status of ['created', 'debit_pending', 'debited', 'credit_pending'] as const) {
      expect(orderState(order, status, [], after).status).toBe('paying');
    }
  });

  it('is open again (or expired) after a payment that failed, whose money went or goes back to the customer', () => {
    for (const status of ['debit_failed', 'credit_failed', 'reversal_pending', 'reversal_failed', 'reversed'] as const) {
      expect(attemptOutcome(status)).toBe('failed');
      expect(orderState(order, status, [], before).status).toBe('open');
      expect(orderState(order, status, [], after).status).toBe('expired');
    }
  });

  it('is paid, partially refunded, then refunded as refunds complete; refunds on their way already leave less to refund', () => {
    expect(orderState(order, 'completed', [], after)).toEqual({ status: 'paid', paidMinor: 10_000n, refundedMinor: 0n, refundingMinor: 0n, refundableMinor: 10_000n });
    const partial = orderState(order, 'completed', [{ amountMinor: 4_000n, status: 'completed' }, { amountMinor: 1_000n, status: 'debit_pending' }], after);
    expect(partial).toEqual({ status: 'partially_refunded', paidMinor: 10_000n, refundedMinor: 4_000n, refundingMinor: 1_000n, refundableMinor: 5_000n });
    const full = orderState(order, 'completed', [{ amountMinor: 4_000n, status: 'completed' }, { amountMinor: 6_000n, status: 'completed' }], after);
    expect(full).toMatchObject({ status: 'refunded', refundableMinor: 0n });
  });

  it('does not count a refund whose debit failed or that was reversed back to the merchant', () => {
    expect(refundCounts('debit_failed')).toBe(false);
    expect(refundCounts('reversed')).toBe(false);
    // Its credit failed: the money is on its way back, but until then it has left the merchant.
    expect(refundCounts('credit_failed')).toBe(true);
    const state = orderState(order, 'completed', [{ amountMinor: 10_000n, status: 'debit_failed' }, { amountMinor: 10_000n, status: 'reversed' }], after);
    expect(state).toMatchObject({ status: 'paid', refundableMinor: 10_000n });
  });
});
