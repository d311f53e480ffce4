import { EVENT_TYPES, PaymentStatus, PROBLEM_CODES } from '@kirim/contracts';
import { transition } from '../../payment/payment-state-machine';
import { merchantOrdersHarness, SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID, sampleMerchant } from '../../testing/merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, TEST_PIN_BLOCK } from '../../testing/payment-fakes';
import { RefundMerchantOrderCommand } from './refund-merchant-order.use-case';

describe('RefundMerchantOrderUseCase', () => {
  /** An order of ₹120.00 whose payment is in `status` (completed unless told). */
  async function paidOrder(status: PaymentStatus = 'completed') {
    const harness = merchantOrdersHarness();
    const made = await harness.createOrder.execute({ merchant: harness.merchant, reference: 'INV-1', amount: { value: '120.00', currency: 'INR' }, note: null, expiresInMinutes: null });
    if (!made.ok) throw new Error(made.detail);
    const paid = await harness.payOrder.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'pay-1', orderId: made.order.id, encryptedPin: TEST_PIN_BLOCK });
    if (!paid.ok) throw new Error(paid.detail);
    const settle = (paymentId: string, next: PaymentStatus) => {
      const payment = harness.payments.rows.get(paymentId);
      if (!payment) throw new Error('no such payment');
      harness.payments.rows.set(paymentId, { ...payment, status: next });
    };
    settle(paid.payment.id, status);
    harness.unitOfWork.published.length = 0;
    const refund = (value: string, reference: string, changes: Partial<RefundMerchantOrderCommand> = {}) =>
      harness.refund.execute({ merchant: harness.merchant, orderId: made.order.id, reference, amount: { value, currency: 'INR' }, note: null, ...changes });
    const order = async () => {
      const view = await harness.getOrder.execute({ merchantId: harness.merchant.id, orderId: made.order.id });
      if (!view) throw new Error('order gone');
      return view.state;
    };
    return { ...harness, orderPayment: paid.payment, order, refund, settle, orderId: made.order.id };
  }

  it("refunds part of a paid order as a payment of its own: the settlement account debited without a PIN, the customer's account credited", async () => {
    const { refund, orderPayment, unitOfWork, orders, orderId } = await paidOrder();
    const outcome = await refund('20.00', 'RF-1', { note: 'one chai short' });
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.payment).toMatchObject({
      status: 'debit_pending',
      payerUserId: SAMPLE_OWNER_ID,
      payeeUserId: SAMPLE_CUSTOMER_ID,
      payer: SAMPLE_PAYEE_ACCOUNT,
      payee: SAMPLE_PAYER_ACCOUNT,
      note: 'one chai short',
      merchant: { orderId, refundOf: orderPayment.id },
    });
    expect(outcome.refund).toMatchObject({ reference: 'RF-1', orderId, paymentId: outcome.payment.id });
    const debit = unitOfWork.published.find((event) => event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED);
    expect(debit?.data).toMatchObject({ purpose: 'refund', refundOf: orderPayment.id, accountRef: SAMPLE_PAYEE_ACCOUNT.accountRef, amount: { value: '20.00', currency: 'INR' } });
    expect((debit?.data as { encryptedPin?: string }).encryptedPin).toBeUndefined();
    // Locked by the order's payment, then by the refund.
    expect(orders.locked).toEqual([orderId, orderId]);

    // Its credit goes to the customer as a refund leg too, and a failed credit is reversed to the merchant.
    const debited = transition(outcome.payment, { kind: 'debit-succeeded', requestId: outcome.payment.debitRequestId ?? '', at: new Date() });
    if (!debited.ok) throw new Error(debited.reason);
    const credit = transition(debited.payment, { kind: 'credit-requested', creditRequestId: 'c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1', at: new Date() });
    expect(credit.ok && credit.events[0].data).toMatchObject({ purpose: 'refund', refundOf: orderPayment.id, accountRef: SAMPLE_PAYER_ACCOUNT.accountRef });
    if (!credit.ok) return;
    const failed = transition(credit.payment, { kind: 'credit-declined', requestId: 'c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1', resultCode: 'U31', at: new Date() });
    if (!failed.ok) throw new Error(failed.reason);
    const reversal = transition(failed.payment, { kind: 'reversal-requested', reversalRequestId: 'c2c2c2c2-c2c2-4c2c-8c2c-c2c2c2c2c2c2', at: new Date() });
    expect(reversal.ok && reversal.events[0].data).toMatchObject({ purpose: 'reversal', accountRef: SAMPLE_PAYEE_ACCOUNT.accountRef });
  });

  it('refunds the rest after a partial refund, then refuses anything more, and the order reads refunded once they complete', async () => {
    const { refund, order, settle } = await paidOrder();
    const first = await refund('20.00', 'RF-1');
    const rest = await refund('100.00', 'RF-2');
    if (!first.ok || !rest.ok) throw new Error('refunds refused');
    expect(await refund('0.01', 'RF-3')).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.REFUND_EXCEEDS_PAID });
    expect(await order()).toMatchObject({ status: 'paid', refundingMinor: 12_000n, refundableMinor: 0n });
    settle(first.payment.id, 'completed');
    expect(await order()).toMatchObject({ status: 'partially_refunded', refundedMinor: 2_000n });
    settle(rest.payment.id, 'completed');
    expect(await order()).toMatchObject({ status: 'refunded', refundedMinor: 12_000n, refundableMinor: 0n });
  });

  it('refuses a refund above what is left, and frees the amount of a refund whose debit failed', async () => {
    const { refund, settle, payments } = await paidOrder();
    expect(await refund('120.01', 'RF-1')).toMatchObject({ ok: false, code: PROBLEM_CODES.REFUND_EXCEEDS_PAID, detail: expect.stringContaining('120.00') });
    const whole = await refund('120.00', 'RF-2');
    if (!whole.ok) throw new Error(whole.detail);
    expect(await refund('1.00', 'RF-3')).toMatchObject({ ok: false, code: PROBLEM_CODES.REFUND_EXCEEDS_PAID });
    // The merchant's account was short (Z9): nothing moved, so the amount can be refunded again.
    settle(whole.payment.id, 'debit_failed');
    expect(await refund('120.00', 'RF-4')).toMatchObject({ ok: true });
    expect([...payments.rows.values()].filter((payment) => payment.merchant?.refundOf !== null && payment.merchant !== null)).toHaveLength(2);
  });

  it('answers the same reference and body with the same refund, and refuses the reference with another body', async () => {
    const { refund, payments } = await paidOrder();
    const first = await refund('20.00', 'RF-1');
    const again = await refund('20', 'RF-1');
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(first.ok && again.ok && again.payment.id).toBe(first.ok && first.payment.id);
    expect(await refund('30.00', 'RF-1')).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED });
    expect(payments.rows.size).toBe(2);
  });

  it('refuses an order not paid (in progress or failed), and treats another merchant’s order as unknown', async () => {
    for (const status of ['debit_pending', 'credit_pending', 'debit_failed', 'reversed'] as const) {
      const { refund } = await paidOrder(status);
      expect(await refund('1.00', 'RF-1')).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_ORDER_NOT_PAID });
    }
    const { refund } = await paidOrder();
    expect(await refund('1.00', 'RF-1', { merchant: sampleMerchant({ id: 'a2a2a2a2-a2a2-4a2a-8a2a-a2a2a2a2a2a2' }) })).toMatchObject({ ok: false, status: 404 });
  });

  it('shows a refund to its merchant only, under its order', async () => {
    const { refund, getRefund, merchant, orderId } = await paidOrder();
    const made = await refund('20.00', 'RF-1');
    if (!made.ok) throw new Error(made.detail);
    expect(await getRefund.execute({ merchantId: merchant.id, orderId, refundId: made.payment.id })).toMatchObject({ refund: { reference: 'RF-1' }, payment: { id: made.payment.id } });
    expect(await getRefund.execute({ merchantId: 'a2a2a2a2-a2a2-4a2a-8a2a-a2a2a2a2a2a2', orderId, refundId: made.payment.id })).toBeNull();
    expect(await getRefund.execute({ merchantId: merchant.id, orderId: 'b3b3b3b3-b3b3-4b3b-8b3b-b3b3b3b3b3b3', refundId: made.payment.id })).toBeNull();
  });
});
