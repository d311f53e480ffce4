import { EVENT_TYPES, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { collectHarness, p2pCollectProfile, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../../testing/payment-fakes';

const STRANGER_ID = 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1';

describe('DeclineCollectRequestUseCase', () => {
  async function withRequest() {
    const harness = collectHarness();
    const made = await harness.create.execute({
      requester: { kind: 'merchant', merchant: harness.merchant },
      reference: 'COL-1',
      customer: { phone: '+919812345678' },
      amount: { value: '50.00', currency: 'INR' },
      note: null,
      expiresInMinutes: 5,
    });
    if (!made.ok) throw new Error(made.detail);
    const decline = (customerUserId = SAMPLE_CUSTOMER_ID) => harness.decline.execute({ customerUserId, collectRequestId: made.request.id });
    const stored = () => harness.requests.rows.get(made.request.id);
    /** What was announced about this request after it was made. */
    const announced = () => harness.unitOfWork.published.filter((event) => event.key === made.request.id && event.type !== EVENT_TYPES.COLLECT_REQUEST_CREATED);
    return { ...harness, request: made.request, decline, stored, announced };
  }

  it('declines a pending request under its lock, announcing it once; declining again answers the same', async () => {
    const { decline, stored, requests, request, clock, payments, announced, merchant } = await withRequest();
    const first = await decline();
    expect(first).toMatchObject({ ok: true, declinedNow: true, request: { status: 'declined', decidedAt: clock.now() } });
    expect(stored()).toMatchObject({ status: 'declined', decidedAt: clock.now(), paymentId: null });
    expect(requests.locked).toEqual([request.id]);
    expect(await decline()).toMatchObject({ ok: true, declinedNow: false, request: { status: 'declined' } });
    expect(payments.rows.size).toBe(0);
    expect(announced()).toEqual([
      {
        type: EVENT_TYPES.COLLECT_REQUEST_DECLINED,
        key: request.id,
        data: expect.objectContaining({ collectRequestId: request.id, payerUserId: SAMPLE_CUSTOMER_ID, merchantId: merchant.id, status: 'declined', occurredAt: clock.now().toISOString() }),
      },
    ]);
  });

  it('answers another user as if there were no such request, and changes nothing', async () => {
    const { decline, stored, announced } = await withRequest();
    expect(await decline(STRANGER_ID)).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(stored()?.status).toBe('pending');
    expect(announced()).toEqual([]);
  });

  it('refuses an approved request', async () => {
    const { decline, approve, request, stored } = await withRequest();
    const approved = await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'a-1', collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK });
    expect(approved.ok).toBe(true);
    expect(await decline()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(stored()?.status).toBe('approved');
  });

  it('refuses a request past its expiry with U69, writing it expired at its expiry (and announcing that) if the poller has not yet', async () => {
    const { decline, stored, clock, request, announced, expire } = await withRequest();
    clock.current = new Date(request.expiresAt.getTime() + 1_000);
    expect(await decline()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED });
    expect(stored()).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: request.expiresAt });
    // Written once, so told once: declining again, or the poller coming after, adds nothing.
    expect(await decline()).toMatchObject({ ok: false, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED });
    expect(await expire.execute()).toBe(0);
    expect(announced()).toEqual([
      {
        type: EVENT_TYPES.COLLECT_REQUEST_EXPIRED,
        key: request.id,
        data: expect.objectContaining({ status: 'expired', resultCode: 'U69', expiresAt: request.expiresAt.toISOString(), occurredAt: request.expiresAt.toISOString() }),
      },
    ]);
  });

  it('declines a request between people as a merchant\'s: only the customer asked, never the requester; then it cannot be approved', async () => {
    const { create, decline, approve, requests, payments } = collectHarness({ profile: p2pCollectProfile() });
    const made = await create.execute({
      requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
      reference: 'rent-dec',
      customer: { phone: '+919812345678' },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '50.00', currency: 'INR' },
      note: null,
      expiresInMinutes: 5,
    });
    if (!made.ok) throw new Error(made.detail);
    expect(await decline.execute({ customerUserId: SAMPLE_REQUESTER_ID, collectRequestId: made.request.id })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(await decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: made.request.id })).toMatchObject({ ok: true, declinedNow: true, request: { status: 'declined' } });
    expect(
      await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'a-1', collectRequestId: made.request.id, encryptedPin: TEST_PIN_BLOCK }),
    ).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(requests.rows.get(made.request.id)).toMatchObject({ status: 'declined', paymentId: null });
    expect(payments.rows.size).toBe(0);
  });
});
