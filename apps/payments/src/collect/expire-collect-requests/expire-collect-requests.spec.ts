import { EVENT_TYPES, PROBLEM_CODES } from '@kirim/contracts';
import { collectHarness, p2pCollectProfile, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';
import { TEST_PIN_BLOCK } from '../../testing/payment-fakes';

describe('ExpireCollectRequestsUseCase', () => {
  it('writes the pending requests past their expiry expired with U69 at their expiry, and no others', async () => {
    const harness = collectHarness();
    const { create, expire, approve, decline, requests, clock, merchant, unitOfWork } = harness;
    const make = async (reference: string, expiresInMinutes: number) => {
      const made = await create.execute({ requester: { kind: 'merchant', merchant }, reference, customer: { phone: '+919812345678' }, amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes });
      if (!made.ok) throw new Error(made.detail);
      return made.request;
    };
    const [soon, sooner, later, approved, declined] = [await make('A', 5), await make('B', 2), await make('C', 60), await make('D', 5), await make('E', 5)];
    expect(await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'k', collectRequestId: approved.id, encryptedPin: TEST_PIN_BLOCK })).toMatchObject({ ok: true });
    expect(await decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: declined.id })).toMatchObject({ ok: true });

    expect(await expire.execute()).toBe(0);
    clock.current = new Date(clock.now().getTime() + 5 * 60_000);
    expect(await expire.execute()).toBe(2);
    expect(requests.rows.get(soon.id)).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: soon.expiresAt });
    expect(requests.rows.get(sooner.id)).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: sooner.expiresAt });
    expect([later, approved, declined].map((request) => requests.rows.get(request.id)?.status)).toEqual(['pending', 'approved', 'declined']);
    // A second pass finds nothing left to do.
    expect(await expire.execute()).toBe(0);
    // Each request written expired is announced once, in the pass's transaction; approval announces no request event.
    const expiries = unitOfWork.published.filter((event) => event.type === EVENT_TYPES.COLLECT_REQUEST_EXPIRED);
    expect(expiries.map((event) => event.key)).toEqual([sooner.id, soon.id]);
    expect(expiries[0].data).toEqual({
      collectRequestId: sooner.id,
      payerUserId: SAMPLE_CUSTOMER_ID,
      merchantId: merchant.id,
      reference: 'B',
      amount: { value: '5.00', currency: 'INR' },
      status: 'expired',
      resultCode: 'U69',
      expiresAt: sooner.expiresAt.toISOString(),
      occurredAt: sooner.expiresAt.toISOString(),
    });
    const collectTypes: string[] = [EVENT_TYPES.COLLECT_REQUEST_CREATED, EVENT_TYPES.COLLECT_REQUEST_DECLINED, EVENT_TYPES.COLLECT_REQUEST_EXPIRED];
    expect(unitOfWork.published.filter((event) => event.key === approved.id && collectTypes.includes(event.type)).map((event) => event.type)).toEqual([EVENT_TYPES.COLLECT_REQUEST_CREATED]);
  });

  it('takes at most a batch per pass, earliest expiry first', async () => {
    const { create, expire, requests, clock, merchant } = collectHarness();
    for (const [reference, minutes] of [['A', 3], ['B', 1], ['C', 2]] as const) {
      await create.execute({ requester: { kind: 'merchant', merchant }, reference, customer: { phone: '+919812345678' }, amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes: minutes });
    }
    clock.current = new Date(clock.now().getTime() + 3 * 60_000);
    expect(await expire.execute(2)).toBe(2);
    expect([...requests.rows.values()].map((request) => [request.reference, request.status])).toEqual([
      ['A', 'pending'],
      ['B', 'expired'],
      ['C', 'expired'],
    ]);
  });

  it("expires a request between people with U69 as a merchant's, after which it cannot be approved", async () => {
    const { create, expire, approve, requests, clock, merchant, payments, unitOfWork } = collectHarness({ profile: p2pCollectProfile() });
    const person = await create.execute({
      requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
      reference: 'rent-dec',
      customer: { phone: '+919812345678' },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '5.00', currency: 'INR' },
      note: null,
      expiresInMinutes: 2,
    });
    const merchants = await create.execute({ requester: { kind: 'merchant', merchant }, reference: 'A', customer: { phone: '+919812345678' }, amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes: 2 });
    if (!person.ok || !merchants.ok) throw new Error('not made');
    clock.current = new Date(clock.now().getTime() + 2 * 60_000);
    expect(await expire.execute()).toBe(2);
    expect(requests.rows.get(person.request.id)).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: person.request.expiresAt, paymentId: null });
    const told = unitOfWork.published.find((event) => event.type === EVENT_TYPES.COLLECT_REQUEST_EXPIRED && event.key === person.request.id);
    expect(told?.data).toMatchObject({ requesterUserId: SAMPLE_REQUESTER_ID, merchantId: undefined, payerUserId: SAMPLE_CUSTOMER_ID, status: 'expired', resultCode: 'U69' });
    expect(
      await approve.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'k', collectRequestId: person.request.id, encryptedPin: TEST_PIN_BLOCK }),
    ).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: 'U69' });
    expect(payments.rows.size).toBe(0);
  });
});
