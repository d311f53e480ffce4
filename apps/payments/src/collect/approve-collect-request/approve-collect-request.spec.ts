import { EVENT_TYPES, PaymentStatus, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { CollectRequest } from '../collect-request';
import { collectHarness } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID } from '../../testing/merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, TEST_PIN_BLOCK } from '../../testing/payment-fakes';
import { ApproveCollectRequestCommand } from './approve-collect-request.use-case';

const STRANGER_ID = 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1';

describe('ApproveCollectRequestUseCase', () => {
  async function withRequest(amount = '120.00') {
    const harness = collectHarness();
    const made = await harness.create.execute({
      requester: { kind: 'merchant', merchant: harness.merchant },
      reference: 'COL-1',
      customer: { address: 'customer@kirim' },
      amount: { value: amount, currency: 'INR' },
      note: 'table 4',
      expiresInMinutes: 10,
    });
    if (!made.ok) throw new Error(made.detail);
    const approve = (changes: Partial<ApproveCollectRequestCommand> = {}) =>
      harness.approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'approve-1', collectRequestId: made.request.id, encryptedPin: TEST_PIN_BLOCK, ...changes });
    const stored = (): CollectRequest => {
      const row = harness.requests.rows.get(made.request.id);
      if (!row) throw new Error('no such request');
      return row;
    };
    const settle = (paymentId: string, status: PaymentStatus) => {
      const payment = harness.payments.rows.get(paymentId);
      if (!payment) throw new Error('no such payment');
      harness.payments.rows.set(paymentId, { ...payment, status });
    };
    return { ...harness, request: made.request, approve, stored, settle };
  }

  it("pays the merchant from the customer's account as the request's order, with the PIN on the debit, and records the approval with it", async () => {
    const { approve, request, stored, orders, requests, unitOfWork, parties } = await withRequest();
    const outcome = await approve();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.replayed).toBe(false);
    expect(outcome.payment).toMatchObject({
      status: 'debit_pending',
      payerUserId: SAMPLE_CUSTOMER_ID,
      payeeUserId: SAMPLE_OWNER_ID,
      payer: SAMPLE_PAYER_ACCOUNT,
      payee: SAMPLE_PAYEE_ACCOUNT,
      payeeDisplayName: 'Chai Point',
      note: 'table 4',
    });
    expect(outcome.payment.amount.minorUnits).toBe(12_000n);
    // The order made for it: a reference the merchant API cannot make, the request's amount and expiry, this payment.
    const order = [...orders.orders.values()][0];
    expect(orders.orders.size).toBe(1);
    expect(order).toMatchObject({ reference: `collect:${request.id}`, expiresAt: request.expiresAt, paymentId: outcome.payment.id });
    expect(outcome.payment.merchant).toEqual({ merchantId: request.merchantId, orderId: order.id, refundOf: null });
    expect(stored()).toMatchObject({ status: 'approved', orderId: order.id, paymentId: outcome.payment.id, decidedAt: outcome.payment.createdAt });
    // The request's row was locked in the payment's transaction, and the debit carries the customer's PIN.
    expect(requests.locked).toEqual([request.id]);
    const debit = unitOfWork.published.find((event) => event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED);
    expect(debit?.data).toMatchObject({ accountRef: SAMPLE_PAYER_ACCOUNT.accountRef, encryptedPin: TEST_PIN_BLOCK, amount: { value: '120.00', currency: 'INR' } });
    // The customer's own bucket paid for resolving the merchant, as for any order payment.
    expect(parties.calls.at(-1)).toEqual({ payerUserId: SAMPLE_CUSTOMER_ID, payeeAddress: 'owner@kirim' });
  });

  it('answers a retry with the same key with the same payment; another key is refused, even after that payment failed', async () => {
    const { approve, settle, payments } = await withRequest();
    const first = await approve();
    if (!first.ok) throw new Error(first.detail);
    const retry = await approve({ encryptedPin: `${TEST_PIN_BLOCK}x` });
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(retry.ok && retry.payment.id).toBe(first.payment.id);
    expect(await approve({ idempotencyKey: 'approve-2' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    // One approval is one payment (a UPI collect is one transaction): a wrong PIN does not reopen it.
    settle(first.payment.id, 'debit_failed');
    expect(await approve({ idempotencyKey: 'approve-3' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(payments.rows.size).toBe(1);
  });

  it('answers another user as if there were no such request, and changes nothing', async () => {
    const { approve, stored, orders, payments, parties } = await withRequest();
    const callsBefore = parties.calls.length;
    expect(await approve({ customerUserId: STRANGER_ID })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(await approve({ collectRequestId: 'b3b3b3b3-b3b3-4b3b-8b3b-b3b3b3b3b3b3' })).toMatchObject({ ok: false, status: 404 });
    expect(stored().status).toBe('pending');
    expect([orders.orders.size, payments.rows.size, parties.calls.length]).toEqual([0, 0, callsBefore]);
  });

  it('refuses a declined request, and one past its expiry with U69, making no order and moving nothing', async () => {
    const declined = await withRequest();
    await declined.decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: declined.request.id });
    expect(await declined.approve()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });

    const late = await withRequest();
    late.clock.current = new Date(late.request.expiresAt.getTime());
    expect(await late.approve()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED });
    for (const { orders, payments } of [declined, late]) expect([orders.orders.size, payments.rows.size]).toEqual([0, 0]);
  });

  it("re-checks the request under its lock in the payment's transaction: a decline that won meanwhile refuses the payment", async () => {
    const { approve, requests, request, payments, keys, stored } = await withRequest();
    // The customer's decline commits between the approval's first look and its transaction.
    const lockById = requests.lockById.bind(requests);
    requests.lockById = async (tx, id) => {
      const row = requests.rows.get(id);
      if (row?.status === 'pending') requests.rows.set(id, { ...row, status: 'declined', decidedAt: row.createdAt });
      return lockById(tx, id);
    };
    expect(await approve()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(stored()).toMatchObject({ id: request.id, status: 'declined', paymentId: null });
    // Nothing of the payment was written: no payment, no Idempotency-Key claimed.
    expect(payments.rows.size).toBe(0);
    expect(keys.rows.size).toBe(0);
  });

  it('leaves the request pending when the payer limits refuse, and finds its order again on the next approval', async () => {
    const { approve, clock, stored, orders } = await withRequest('6000.00');
    // The cooling period (FL): refused, the request still waits for an answer.
    expect(await approve({ deviceBoundAt: new Date(clock.now().getTime() - 60_000) })).toMatchObject({ ok: false, code: PROBLEM_CODES.NEW_DEVICE_LIMIT, resultCode: RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT });
    expect(stored().status).toBe('pending');
    // The order that attempt made is found again, not made twice.
    expect(await approve({ idempotencyKey: 'approve-2' })).toMatchObject({ ok: true });
    expect(orders.orders.size).toBe(1);
    expect(stored().status).toBe('approved');
  });

  it('answers U69 when the expiry passes between the first look and the payment (the order, with the same expiry, refuses)', async () => {
    const { approve, clock, request, payments } = await withRequest();
    const beforeExpiry = new Date(request.expiresAt.getTime() - 1);
    let calls = 0;
    // The first look sees it a moment before its expiry; every later reading of the clock is at it.
    clock.now = () => (calls++ === 0 ? beforeExpiry : request.expiresAt);
    expect(await approve()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED });
    expect(payments.rows.size).toBe(0);
  });
});
