import { EVENT_TYPES, PaymentStatus, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { MERCHANT_PARTIES, merchantOrdersHarness, SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID, sampleMerchant } from '../../testing/merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, TEST_PIN_BLOCK } from '../../testing/payment-fakes';
import { PayMerchantOrderCommand } from './pay-merchant-order.use-case';

describe('PayMerchantOrderUseCase', () => {
  async function withOrder(options: Parameters<typeof merchantOrdersHarness>[0] = {}, amount = '120.00') {
    const harness = merchantOrdersHarness(options);
    const made = await harness.createOrder.execute({ merchant: harness.merchant, reference: 'INV-1', amount: { value: amount, currency: 'INR' }, note: '2 chai', expiresInMinutes: 30 });
    if (!made.ok) throw new Error(made.detail);
    const pay = (changes: Partial<PayMerchantOrderCommand> = {}) =>
      harness.payOrder.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'pay-1', orderId: made.order.id, encryptedPin: TEST_PIN_BLOCK, ...changes });
    const settle = (paymentId: string, status: PaymentStatus) => {
      const payment = harness.payments.rows.get(paymentId);
      if (!payment) throw new Error('no such payment');
      harness.payments.rows.set(paymentId, { ...payment, status });
    };
    return { ...harness, order: made.order, pay, settle };
  }

  it("pays the order from the customer's account into the merchant's settlement account, with the customer's PIN on the debit", async () => {
    const { pay, order, parties, unitOfWork, orders, usage } = await withOrder();
    const outcome = await pay();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome).toMatchObject({ replayed: false });
    expect(outcome.payment).toMatchObject({
      status: 'debit_pending',
      payerUserId: SAMPLE_CUSTOMER_ID,
      payeeUserId: SAMPLE_OWNER_ID,
      payer: SAMPLE_PAYER_ACCOUNT,
      payee: SAMPLE_PAYEE_ACCOUNT,
      payeeDisplayName: 'Chai Point',
      note: '2 chai',
      merchant: { merchantId: order.merchantId, orderId: order.id, refundOf: null },
    });
    expect(outcome.payment.amount.minorUnits).toBe(12_000n);
    // identity was asked for the customer's account and the owner's, by the settlement address.
    expect(parties.calls).toEqual([{ payerUserId: SAMPLE_CUSTOMER_ID, payeeAddress: 'owner@kirim' }]);
    const debit = unitOfWork.published.find((event) => event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED);
    expect(debit?.data).toMatchObject({ purpose: 'payment', accountRef: SAMPLE_PAYER_ACCOUNT.accountRef, encryptedPin: TEST_PIN_BLOCK, amount: { value: '120.00', currency: 'INR' } });
    expect((debit?.data as { refundOf?: string }).refundOf).toBeUndefined();
    expect(orders.orders.get(order.id)?.paymentId).toBe(outcome.payment.id);
    // The order's row and the customer's limits were locked in the payment's transaction.
    expect(orders.locked).toEqual([order.id]);
    expect(usage.locked).toEqual([SAMPLE_CUSTOMER_ID]);
  });

  it('answers a retry with the same key with the same payment, and refuses the key for another order', async () => {
    const { pay, createOrder, merchant, payments } = await withOrder();
    const first = await pay();
    const retry = await pay({ encryptedPin: `${TEST_PIN_BLOCK}x` });
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(first.ok && retry.ok && retry.payment.id).toBe(first.ok && first.payment.id);
    const other = await createOrder.execute({ merchant, reference: 'INV-2', amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes: null });
    if (!other.ok) throw new Error(other.detail);
    expect(await pay({ orderId: other.order.id })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED });
    expect(payments.rows.size).toBe(1);
  });

  it('refuses a second payment while one is in progress and once paid, but takes another after a failed one', async () => {
    const { pay, settle } = await withOrder();
    const first = await pay();
    if (!first.ok) throw new Error(first.detail);
    expect(await pay({ idempotencyKey: 'pay-2' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID });
    settle(first.payment.id, 'debit_failed');
    const second = await pay({ idempotencyKey: 'pay-3' });
    if (!second.ok) throw new Error(second.detail);
    settle(second.payment.id, 'completed');
    expect(await pay({ idempotencyKey: 'pay-4' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID });
  });

  it('refuses an expired order, and an unknown one, without asking identity', async () => {
    const { pay, clock, order, parties } = await withOrder();
    clock.current = new Date(order.expiresAt.getTime());
    expect(await pay()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.MERCHANT_ORDER_EXPIRED });
    expect(await pay({ orderId: 'b3b3b3b3-b3b3-4b3b-8b3b-b3b3b3b3b3b3' })).toMatchObject({ ok: false, status: 404 });
    expect(parties.calls).toEqual([]);
  });

  it("refuses to pay anyone but the owner: a settlement address identity now resolves to someone else makes the merchant unavailable", async () => {
    const { pay, parties, payments } = await withOrder();
    parties.answer = { ok: true, parties: { ...MERCHANT_PARTIES, payee: { ...MERCHANT_PARTIES.payee, userId: 'd9d9d9d9-d9d9-4d9d-8d9d-d9d9d9d9d9d9' } } };
    expect(await pay()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'no account', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING } };
    expect(await pay()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'same user' } };
    expect(await pay()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.SELF_PAYMENT });
    expect(payments.rows.size).toBe(0);
  });

  it("applies the payer limits (the cooling period's FL here) and the category's cap in place of the P2P one", async () => {
    const { pay, payments, clock } = await withOrder({}, '6000.00');
    expect(await pay({ deviceBoundAt: new Date(clock.now().getTime() - 60_000) })).toMatchObject({
      ok: false,
      code: PROBLEM_CODES.NEW_DEVICE_LIMIT,
      resultCode: RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT,
    });
    expect(payments.rows.size).toBe(0);

    const verifiedHospital = await withOrder({ merchant: sampleMerchant({ categoryCode: '8062', verified: true }) }, '100000.00');
    expect(await verifiedHospital.pay()).toMatchObject({ ok: true });
  });
});
