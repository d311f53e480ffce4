import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { merchantOrdersHarness, sampleMerchant } from '../../testing/merchant-fakes';
import { CreateMerchantOrderCommand } from './create-merchant-order.use-case';

describe('CreateMerchantOrderUseCase', () => {
  const command = (changes: Partial<CreateMerchantOrderCommand> = {}): CreateMerchantOrderCommand => ({
    merchant: sampleMerchant(),
    reference: 'INV-1',
    amount: { value: '120.00', currency: 'INR' },
    note: '2 chai',
    expiresInMinutes: null,
    ...changes,
  });

  it("makes an order that expires after the profile's default (30 min on UPI)", async () => {
    const { createOrder, clock } = merchantOrdersHarness();
    const outcome = await createOrder.execute(command());
    expect(outcome).toMatchObject({ ok: true, created: true, order: { reference: 'INV-1', note: '2 chai', paymentId: null } });
    if (!outcome.ok) return;
    expect(outcome.order.amount.minorUnits).toBe(12_000n);
    expect(outcome.order.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
  });

  it('answers the same reference and body with the same order ("120" and "120.00" alike), and refuses another body with 409', async () => {
    const { createOrder, orders } = merchantOrdersHarness();
    const first = await createOrder.execute(command());
    const again = await createOrder.execute(command({ amount: { value: '120', currency: 'INR' } }));
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first.ok && again.ok && again.order.id).toBe(first.ok && first.order.id);
    const changes: Partial<CreateMerchantOrderCommand>[] = [{ amount: { value: '121.00', currency: 'INR' } }, { note: null }, { expiresInMinutes: 10 }];
    for (const change of changes) {
      expect(await createOrder.execute(command(change))).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_REFERENCE_REUSED });
    }
    expect(orders.orders.size).toBe(1);
  });

  it('keeps references per merchant: another merchant may use the same one', async () => {
    const { createOrder } = merchantOrdersHarness();
    await createOrder.execute(command());
    const other = sampleMerchant({ id: 'a2a2a2a2-a2a2-4a2a-8a2a-a2a2a2a2a2a2' });
    expect(await createOrder.execute(command({ merchant: other, amount: { value: '5.00', currency: 'INR' } }))).toMatchObject({ ok: true, created: true });
  });

  it("refuses an amount above the category's cap with Z8: the P2P cap for everyday merchants, the verified cap for a verified hospital", async () => {
    const { createOrder } = merchantOrdersHarness();
    expect(await createOrder.execute(command({ amount: { value: '100000.01', currency: 'INR' } }))).toMatchObject({
      ok: false,
      status: 422,
      code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE,
      resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT,
    });
    const hospital = sampleMerchant({ categoryCode: '8062' });
    expect(await createOrder.execute(command({ merchant: hospital, reference: 'H-1', amount: { value: '250000.00', currency: 'INR' } }))).toMatchObject({ ok: false, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE });
    const verified = sampleMerchant({ categoryCode: '8062', verified: true });
    expect(await createOrder.execute(command({ merchant: verified, reference: 'H-2', amount: { value: '250000.00', currency: 'INR' } }))).toMatchObject({ ok: true });
    expect(await createOrder.execute(command({ merchant: verified, reference: 'H-3', amount: { value: '500000.01', currency: 'INR' } }))).toMatchObject({ ok: false, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE });
  });

  it('refuses an expiry past the maximum (24 h on UPI), a zero amount and a malformed amount', async () => {
    const { createOrder, orders } = merchantOrdersHarness();
    expect(await createOrder.execute(command({ expiresInMinutes: 1441 }))).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
    expect(await createOrder.execute(command({ amount: { value: '0.00', currency: 'INR' } }))).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE });
    expect(await createOrder.execute(command({ amount: { value: '1.001', currency: 'INR' } }))).toMatchObject({ ok: false, status: 400 });
    expect(orders.orders.size).toBe(0);
  });
});
