import { randomUUID } from 'node:crypto';
import { PROBLEM_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, HttpResult, Party, PaymentAccepted, Problem, toMinor } from './support/api';
import { freshHandle } from './support/merchants';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * Merchants (issue 7, docs/merchants.md), as the chat platform and a merchant's systems use them
 * through the edge: a user onboards their business and makes an API key; the merchant makes an
 * order; a customer pays it with the UPI PIN; the merchant reads it paid, refunds part and then the
 * rest, and an over-refund is refused with nothing moved. Balances are read from the sandbox ledger.
 */

interface MerchantView {
  readonly merchantId: string;
  readonly address: string;
  readonly settlementAddress: string;
}

interface OrderView {
  readonly orderId: string;
  readonly reference: string;
  readonly status: string;
  readonly amount: { value: string };
  readonly paidAmount: { value: string };
  readonly refundedAmount: { value: string };
  readonly refundableAmount: { value: string };
  readonly payment?: { paymentId: string; status: string };
}

interface RefundView {
  readonly refundId: string;
  readonly reference: string;
  readonly status: string;
  readonly amount: { value: string };
}

interface HistoryPage {
  readonly items: Array<{ kind: string; status: string; amount: { value: string }; orderReference: string; refundReference?: string }>;
  readonly nextCursor?: string;
}


describe('merchants: orders paid with the PIN, refunds, over-refunds (e2e, running stack)', () => {
  const api = new Api();
  let owner: Party;
  let customer: Party;
  let merchant: MerchantView;
  let apiKey: string;
  let keyId: string;

  const asMerchant = (key = apiKey): { headers: Record<string, string> } => ({ headers: { authorization: `Bearer ${key}` } });

  async function createOrder(reference: string, amount: string, note = 'e2e order'): Promise<HttpResult<OrderView | Problem>> {
    return api.request<OrderView | Problem>('POST', '/v1/merchant-orders', { ...asMerchant(), body: { reference, amount: { value: amount, currency: 'INR' }, note } });
  }

  async function order(orderId: string): Promise<OrderView> {
    return expectStatus<OrderView>(await api.request('GET', `/v1/merchant-orders/${orderId}`, asMerchant()), 200).body;
  }

  async function payOrder(payer: Party, orderId: string, amount: string, idempotencyKey = randomUUID()): Promise<HttpResult<PaymentAccepted | Problem>> {
    return api.request<PaymentAccepted | Problem>('POST', `/v1/merchant-orders/${orderId}/payment`, {
      token: payer.accessToken,
      headers: { 'idempotency-key': idempotencyKey },
      body: { encryptedPin: await api.pinKeys.pay(payer.bankCode, payer.pin as string, amount) },
    });
  }

  async function refund(orderId: string, reference: string, amount: string): Promise<HttpResult<RefundView | Problem>> {
    return api.request<RefundView | Problem>('POST', `/v1/merchant-orders/${orderId}/refunds`, {
      headers: { ...asMerchant().headers, 'idempotency-key': reference },
      body: { amount: { value: amount, currency: 'INR' } },
    });
  }

  async function refundSettled(orderId: string, refundId: string): Promise<RefundView> {
    let settled: RefundView | undefined;
    await eventually(async () => {
      const view = expectStatus<RefundView>(await api.request('GET', `/v1/merchant-orders/${orderId}/refunds/${refundId}`, asMerchant()), 200).body;
      expect(['completed', 'debit_failed', 'reversed']).toContain(view.status);
      settled = view;
    }, { timeoutMs: 30_000, intervalMs: 150 });
    return settled as RefundView;
  }

  beforeAll(async () => {
    owner = await freshParty(api, 'merchant owner', 'SBXB', '50.00');
    customer = await freshParty(api, 'merchant customer', 'SBXA', '2000.00');
    const addresses = expectStatus<Array<{ address: string; isPrimary: boolean }>>(await api.request('GET', '/v1/me/payment-addresses', { token: owner.accessToken }), 200).body;
    const settlementAddress = addresses.find((address) => address.isPrimary)?.address;
    if (!settlementAddress) throw new Error('the owner has no primary payment address');

    const handle = freshHandle('chai');
    const onboarded = await api.request<MerchantView>('POST', '/v1/merchants', {
      token: owner.accessToken,
      body: { displayName: 'E2E Chai Point', categoryCode: '5812', handle, settlementAddress },
    });
    merchant = expectStatus<MerchantView>(onboarded, 201).body;
    expect(merchant).toMatchObject({ address: `${handle}@kirim`, settlementAddress: settlementAddress.toLowerCase() });

    const key = expectStatus<{ apiKey: string; keyId: string; prefix: string }>(await api.request('POST', `/v1/merchants/${merchant.merchantId}/api-keys`, { token: owner.accessToken }), 201).body;
    expect(key.apiKey).toMatch(/^kmk_[A-Za-z0-9_-]{43}$/);
    expect(key.apiKey.startsWith(key.prefix)).toBe(true);
    ({ apiKey, keyId } = key);
  });

  it("refuses onboarding with a settlement address that is not the owner's, an unlisted category or a second merchant", async () => {
    const customerAddresses = expectStatus<Array<{ address: string }>>(await api.request('GET', '/v1/me/payment-addresses', { token: customer.accessToken }), 200).body;
    const notTheirs = await api.request<Problem>('POST', '/v1/merchants', {
      token: owner.accessToken,
      body: { displayName: 'Not Mine', categoryCode: '5812', handle: freshHandle('shop'), settlementAddress: customerAddresses[0].address },
    });
    // The owner already has a merchant: refused before identity is asked.
    expect([notTheirs.status, (notTheirs.body as Problem).code]).toEqual([409, PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED]);
    const stranger = await freshParty(api, 'would-be merchant', 'SBXA', '10.00');
    const strangerBody = { displayName: 'Stranger Shop', categoryCode: '5812', handle: freshHandle('shop') };
    const foreign = await api.request<Problem>('POST', '/v1/merchants', { token: stranger.accessToken, body: { ...strangerBody, settlementAddress: customerAddresses[0].address } });
    expect([foreign.status, (foreign.body as Problem).code]).toEqual([422, PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED]);
    const casino = await api.request<Problem>('POST', '/v1/merchants', { token: stranger.accessToken, body: { ...strangerBody, categoryCode: '7995', settlementAddress: customerAddresses[0].address } });
    expect([casino.status, (casino.body as Problem).code]).toEqual([422, PROBLEM_CODES.MERCHANT_CATEGORY_UNKNOWN]);
  });

  it('keeps merchant keys and user tokens apart: neither opens the other’s endpoints', async () => {
    const userOnMerchantApi = await api.request<Problem>('POST', '/v1/merchant-orders', { token: customer.accessToken, body: { reference: 'X', amount: { value: '1.00', currency: 'INR' } } });
    expect([userOnMerchantApi.status, (userOnMerchantApi.body as Problem).code]).toEqual([401, PROBLEM_CODES.UNAUTHENTICATED]);
    expect(userOnMerchantApi.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    const keyOnUserApi = await api.request<Problem>('GET', `/v1/merchants/${merchant.merchantId}`, asMerchant());
    expect(keyOnUserApi.status).toBe(401);
    const forged = await api.request<Problem>('GET', `/v1/merchants/${merchant.merchantId}/payments`, asMerchant(`kmk_${'A'.repeat(43)}`));
    expect(forged.status).toBe(401);
    // The owner sees their merchant; another user does not.
    expectStatus(await api.request('GET', `/v1/merchants/${merchant.merchantId}`, { token: owner.accessToken }), 200);
    expect((await api.request('GET', `/v1/merchants/${merchant.merchantId}`, { token: customer.accessToken })).status).toBe(404);
  });

  it('makes an order idempotently by its reference, and refuses the reference with another body', async () => {
    const reference = `INV-${randomUUID()}`;
    const first = expectStatus<OrderView>(await createOrder(reference, '12.00'), 201).body;
    const again = expectStatus<OrderView>(await createOrder(reference, '12'), 200).body;
    expect(again.orderId).toBe(first.orderId);
    const reused = await createOrder(reference, '13.00');
    expect([reused.status, (reused.body as Problem).code]).toEqual([409, PROBLEM_CODES.MERCHANT_ORDER_REFERENCE_REUSED]);
    expect(expectStatus<OrderView>(await api.request('GET', `/v1/merchants/${merchant.merchantId}/orders/${reference}`, asMerchant()), 200).body.orderId).toBe(first.orderId);
  });

  it('is paid by the customer with the PIN, refunded in part and then in full; an over-refund is refused with nothing moved', async () => {
    const customerBefore = await api.balanceOf(customer);
    const ownerBefore = await api.balanceOf(owner);
    const made = expectStatus<OrderView>(await createOrder(`INV-${randomUUID()}`, '300.00', '3 masala chai'), 201).body;
    expect(made).toMatchObject({ status: 'open', paidAmount: { value: '0.00' } });

    // The customer pays in the chat, with the UPI PIN for this amount.
    const accepted = expectStatus<PaymentAccepted>(await payOrder(customer, made.orderId, '300.00'), 202).body;
    expect(accepted.payee.displayName).toBe('E2E Chai Point');
    expect(await api.waitUntilFinal(customer, accepted.paymentId)).toMatchObject({ status: 'completed', payerUserId: customer.userId, payeeUserId: owner.userId });
    const paid = await order(made.orderId);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: { value: '300.00' }, refundableAmount: { value: '300.00' }, payment: { paymentId: accepted.paymentId, status: 'completed' } });
    expect(await api.balanceOf(customer)).toBe(customerBefore - toMinor('300.00'));
    expect(await api.balanceOf(owner)).toBe(ownerBefore + toMinor('300.00'));
    // A paid order takes no second payment.
    const twice = await payOrder(customer, made.orderId, '300.00');
    expect([twice.status, (twice.body as Problem).code]).toEqual([409, PROBLEM_CODES.MERCHANT_ORDER_ALREADY_PAID]);

    // A partial refund: its own payment, from the merchant's account back to the customer's.
    const partial = expectStatus<RefundView>(await refund(made.orderId, `RF-${randomUUID()}`, '100.00'), 202).body;
    expect(await refundSettled(made.orderId, partial.refundId)).toMatchObject({ status: 'completed', amount: { value: '100.00' } });
    expect(await order(made.orderId)).toMatchObject({ status: 'partially_refunded', refundedAmount: { value: '100.00' }, refundableAmount: { value: '200.00' } });
    // The customer sees the refund as a payment to them.
    expect(expectStatus<{ payeeUserId: string }>(await api.request('GET', `/v1/payments/${partial.refundId}`, { token: customer.accessToken }), 200).body.payeeUserId).toBe(customer.userId);
    // The same reference and body is the same refund.
    const replay = expectStatus<RefundView>(await refund(made.orderId, partial.reference, '100.00'), 200).body;
    expect(replay.refundId).toBe(partial.refundId);

    // More than is left: refused, and nothing moves.
    const balancesBeforeOverRefund = [await api.balanceOf(customer), await api.balanceOf(owner)];
    const over = await refund(made.orderId, `RF-${randomUUID()}`, '200.01');
    expect([over.status, (over.body as Problem).code]).toEqual([422, PROBLEM_CODES.REFUND_EXCEEDS_PAID]);
    expect(over.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    expect([await api.balanceOf(customer), await api.balanceOf(owner)]).toEqual(balancesBeforeOverRefund);

    // The rest: the order is refunded, and nothing more can be.
    const rest = expectStatus<RefundView>(await refund(made.orderId, `RF-${randomUUID()}`, '200.00'), 202).body;
    expect(await refundSettled(made.orderId, rest.refundId)).toMatchObject({ status: 'completed' });
    expect(await order(made.orderId)).toMatchObject({ status: 'refunded', refundedAmount: { value: '300.00' }, refundableAmount: { value: '0.00' } });
    const more = await refund(made.orderId, `RF-${randomUUID()}`, '0.01');
    expect([more.status, (more.body as Problem).code]).toEqual([422, PROBLEM_CODES.REFUND_EXCEEDS_PAID]);
    expect(await api.balanceOf(customer)).toBe(customerBefore);
    expect(await api.balanceOf(owner)).toBe(ownerBefore);

    // The merchant's history, newest first, a page at a time: the two refunds, then the payment.
    const first = expectStatus<HistoryPage>(await api.request('GET', `/v1/merchants/${merchant.merchantId}/payments?limit=2`, asMerchant()), 200).body;
    expect(first.items.map((item) => [item.kind, item.amount.value])).toEqual([
      ['refund', '200.00'],
      ['refund', '100.00'],
    ]);
    const second = expectStatus<HistoryPage>(await api.request('GET', `/v1/merchants/${merchant.merchantId}/payments?limit=2&cursor=${first.nextCursor}`, asMerchant()), 200).body;
    expect(second.items[0]).toMatchObject({ kind: 'order', amount: { value: '300.00' }, status: 'completed' });
    const refundsOnly = expectStatus<HistoryPage>(await api.request('GET', `/v1/merchants/${merchant.merchantId}/payments?kind=refund&status=completed`, asMerchant()), 200).body;
    expect(refundsOnly.items.every((item) => item.kind === 'refund' && item.status === 'completed')).toBe(true);
  });

  it('refunds nothing of an order not paid, and nothing of another merchant’s order', async () => {
    const unpaid = expectStatus<OrderView>(await createOrder(`INV-${randomUUID()}`, '5.00'), 201).body;
    const refused = await refund(unpaid.orderId, `RF-${randomUUID()}`, '1.00');
    expect([refused.status, (refused.body as Problem).code]).toEqual([409, PROBLEM_CODES.MERCHANT_ORDER_NOT_PAID]);
    expect((await api.request('GET', `/v1/merchant-orders/${randomUUID()}`, asMerchant())).status).toBe(404);
  });

  it('refuses a revoked key at once, while the key rotated to keeps working', async () => {
    const next = expectStatus<{ apiKey: string }>(await api.request('POST', `/v1/merchants/${merchant.merchantId}/api-keys`, { token: owner.accessToken }), 201).body;
    const third = await api.request<Problem>('POST', `/v1/merchants/${merchant.merchantId}/api-keys`, { token: owner.accessToken });
    expect([third.status, (third.body as Problem).code]).toEqual([409, PROBLEM_CODES.MERCHANT_API_KEY_LIMIT]);
    expect((await api.request('DELETE', `/v1/merchants/${merchant.merchantId}/api-keys/${keyId}`, { token: owner.accessToken })).status).toBe(204);
    const revoked = await api.request<Problem>('GET', `/v1/merchants/${merchant.merchantId}/payments`, asMerchant());
    expect([revoked.status, (revoked.body as Problem).code]).toEqual([401, PROBLEM_CODES.UNAUTHENTICATED]);
    expectStatus(await api.request('GET', `/v1/merchants/${merchant.merchantId}/payments`, asMerchant(next.apiKey)), 200);
    apiKey = next.apiKey;
  });
});
