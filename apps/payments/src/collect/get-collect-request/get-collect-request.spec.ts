import { collectHarness, p2pCollectProfile, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID, sampleMerchant } from '../../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../../testing/payment-fakes';

describe('GetCollectRequestUseCase', () => {
  async function withRequest() {
    const harness = collectHarness();
    const made = await harness.create.execute({
      requester: { kind: 'merchant', merchant: harness.merchant },
      reference: 'COL-1',
      customer: { phone: '+919812345678' },
      amount: { value: '5.00', currency: 'INR' },
      note: null,
      expiresInMinutes: 5,
    });
    if (!made.ok) throw new Error(made.detail);
    return { ...harness, request: made.request };
  }

  it("shows a merchant its own request, and no other merchant's", async () => {
    const { get, request, merchant } = await withRequest();
    expect(await get.execute({ requester: { kind: 'merchant', merchantId: merchant.id }, collectRequestId: request.id })).toEqual({ request, payment: null });
    expect(await get.execute({ requester: { kind: 'merchant', merchantId: sampleMerchant({ id: 'a7a7a7a7-a7a7-4a7a-8a7a-a7a7a7a7a7a7' }).id }, collectRequestId: request.id })).toBeNull();
    // No user reads a merchant's request by its id: not its owner, not the customer.
    expect(await get.execute({ requester: { kind: 'user', userId: merchant.ownerUserId }, collectRequestId: request.id })).toBeNull();
    expect(await get.execute({ requester: { kind: 'user', userId: SAMPLE_CUSTOMER_ID }, collectRequestId: request.id })).toBeNull();
  });

  it('shows a pending request past its expiry as expired (U69) before the poller writes it', async () => {
    const { get, request, merchant, clock, requests } = await withRequest();
    clock.current = new Date(request.expiresAt.getTime());
    expect(await get.execute({ requester: { kind: 'merchant', merchantId: merchant.id }, collectRequestId: request.id })).toMatchObject({
      request: { status: 'expired', resultCode: 'U69', decidedAt: request.expiresAt },
    });
    expect(requests.rows.get(request.id)?.status).toBe('pending');
  });

  it('shows an approved request with its order and payment', async () => {
    const { get, approve, request, merchant } = await withRequest();
    const approved = await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'k', collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK });
    if (!approved.ok) throw new Error(approved.detail);
    const view = await get.execute({ requester: { kind: 'merchant', merchantId: merchant.id }, collectRequestId: request.id });
    expect(view).toMatchObject({ request: { status: 'approved', paymentId: approved.payment.id }, payment: { id: approved.payment.id, status: 'debit_pending' } });
    expect(view?.request.orderId).toEqual(approved.payment.merchant?.orderId);
  });

  it('shows a person their own request between people with its payment, and nobody else: not the customer, not a merchant', async () => {
    const { create, get, approve, merchant } = collectHarness({ profile: p2pCollectProfile() });
    const made = await create.execute({
      requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
      reference: 'rent-dec',
      customer: { phone: '+919812345678' },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '5.00', currency: 'INR' },
      note: null,
      expiresInMinutes: 5,
    });
    if (!made.ok) throw new Error(made.detail);
    const own = { requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID }, collectRequestId: made.request.id } as const;
    expect(await get.execute(own)).toEqual({ request: made.request, payment: null });
    expect(await get.execute({ requester: { kind: 'user', userId: SAMPLE_CUSTOMER_ID }, collectRequestId: made.request.id })).toBeNull();
    expect(await get.execute({ requester: { kind: 'user', userId: 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1' }, collectRequestId: made.request.id })).toBeNull();
    expect(await get.execute({ requester: { kind: 'merchant', merchantId: merchant.id }, collectRequestId: made.request.id })).toBeNull();

    const approved = await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'k', collectRequestId: made.request.id, encryptedPin: TEST_PIN_BLOCK });
    if (!approved.ok) throw new Error(approved.detail);
    expect(await get.execute(own)).toMatchObject({ request: { status: 'approved', paymentId: approved.payment.id, orderId: null }, payment: { id: approved.payment.id, payeeUserId: SAMPLE_REQUESTER_ID } });
  });
});
