import { collectHarness } from '../../testing/collect-fakes';
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
    expect(await get.execute({ merchantId: merchant.id, collectRequestId: request.id })).toEqual({ request, payment: null });
    expect(await get.execute({ merchantId: sampleMerchant({ id: 'a7a7a7a7-a7a7-4a7a-8a7a-a7a7a7a7a7a7' }).id, collectRequestId: request.id })).toBeNull();
  });

  it('shows a pending request past its expiry as expired (U69) before the poller writes it', async () => {
    const { get, request, merchant, clock, requests } = await withRequest();
    clock.current = new Date(request.expiresAt.getTime());
    expect(await get.execute({ merchantId: merchant.id, collectRequestId: request.id })).toMatchObject({ request: { status: 'expired', resultCode: 'U69', decidedAt: request.expiresAt } });
    expect(requests.rows.get(request.id)?.status).toBe('pending');
  });

  it('shows an approved request with its order and payment', async () => {
    const { get, approve, request, merchant } = await withRequest();
    const approved = await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'k', collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK });
    if (!approved.ok) throw new Error(approved.detail);
    const view = await get.execute({ merchantId: merchant.id, collectRequestId: request.id });
    expect(view).toMatchObject({ request: { status: 'approved', paymentId: approved.payment.id }, payment: { id: approved.payment.id, status: 'debit_pending' } });
    expect(view?.request.orderId).toEqual(approved.payment.merchant?.orderId);
  });
});
