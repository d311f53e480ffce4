import { PROBLEM_CODES } from '@kirim/contracts';
import { merchantOrdersHarness, SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../../testing/payment-fakes';
import { decodeHistoryCursor, encodeHistoryCursor, ListMerchantPaymentsQuery } from './list-merchant-payments.use-case';

describe('ListMerchantPaymentsUseCase', () => {
  /** Three paid orders a minute apart, the last refunded in part. */
  async function history() {
    const harness = merchantOrdersHarness();
    const start = harness.clock.now().getTime();
    for (let i = 1; i <= 3; i += 1) {
      harness.clock.current = new Date(start + i * 60_000);
      const made = await harness.createOrder.execute({ merchant: harness.merchant, reference: `INV-${i}`, amount: { value: `${i}0.00`, currency: 'INR' }, note: null, expiresInMinutes: null });
      if (!made.ok) throw new Error(made.detail);
      const paid = await harness.payOrder.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: `pay-${i}`, orderId: made.order.id, encryptedPin: TEST_PIN_BLOCK });
      if (!paid.ok) throw new Error(paid.detail);
      harness.payments.rows.set(paid.payment.id, { ...paid.payment, status: 'completed' });
      if (i === 3) {
        harness.clock.current = new Date(start + 4 * 60_000);
        const refunded = await harness.refund.execute({ merchant: harness.merchant, orderId: made.order.id, reference: 'RF-1', amount: { value: '5.00', currency: 'INR' }, note: null });
        if (!refunded.ok) throw new Error(refunded.detail);
      }
    }
    const query = (changes: Partial<ListMerchantPaymentsQuery> = {}): ListMerchantPaymentsQuery => ({
      merchantId: harness.merchant.id,
      cursor: null,
      limit: 20,
      statuses: null,
      kind: null,
      from: null,
      to: null,
      ...changes,
    });
    return { ...harness, query, start };
  }

  it('lists payments and refunds newest first, with their order and refund references', async () => {
    const { history: list, query } = await history();
    const page = await list.execute(query());
    if (!page.ok) throw new Error(page.detail);
    expect(page.items.map((item) => [item.kind, item.orderReference, item.refundReference, item.amount.toString()])).toEqual([
      ['refund', 'INV-3', 'RF-1', '5.00 INR'],
      ['order', 'INV-3', null, '30.00 INR'],
      ['order', 'INV-2', null, '20.00 INR'],
      ['order', 'INV-1', null, '10.00 INR'],
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it('pages with a cursor that neither repeats nor skips a row', async () => {
    const { history: list, query } = await history();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await list.execute(query({ cursor, limit: 3 }));
      if (!page.ok) throw new Error(page.detail);
      seen.push(...page.items.map((item) => item.paymentId));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    const all = await list.execute(query());
    expect(seen).toEqual(all.ok ? all.items.map((item) => item.paymentId) : []);
    expect(new Set(seen).size).toBe(4);
  });

  it('filters by kind, status and time range', async () => {
    const { history: list, query, start } = await history();
    const refunds = await list.execute(query({ kind: 'refund' }));
    expect(refunds.ok && refunds.items.map((item) => item.refundReference)).toEqual(['RF-1']);
    const pending = await list.execute(query({ statuses: ['debit_pending'] }));
    expect(pending.ok && pending.items.map((item) => item.kind)).toEqual(['refund']);
    const middle = await list.execute(query({ from: new Date(start + 2 * 60_000), to: new Date(start + 3 * 60_000) }));
    expect(middle.ok && middle.items.map((item) => item.orderReference)).toEqual(['INV-2']);
  });

  it('refuses a cursor it did not make and an empty time range', async () => {
    const { history: list, query, start } = await history();
    expect(await list.execute(query({ cursor: 'not-a-cursor' }))).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
    expect(await list.execute(query({ from: new Date(start), to: new Date(start) }))).toMatchObject({ ok: false, status: 400 });
    const cursor = { createdAt: new Date(start), id: '0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e' };
    expect(decodeHistoryCursor(encodeHistoryCursor(cursor))).toEqual(cursor);
  });
});
