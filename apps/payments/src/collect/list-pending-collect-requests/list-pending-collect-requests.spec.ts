import { PROBLEM_CODES } from '@kirim/contracts';
import { collectHarness, p2pCollectProfile, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';

const OTHER_CUSTOMER_ID = 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1';

describe('ListPendingCollectRequestsUseCase', () => {
  it("lists the customer's requests still pending and within their expiry, newest first, a page at a time, with the merchant asking", async () => {
    const { create, decline, listPending, requests, clock, merchant } = collectHarness();
    const make = async (reference: string, expiresInMinutes = 30) => {
      clock.current = new Date(clock.now().getTime() + 1_000);
      const made = await create.execute({ requester: { kind: 'merchant', merchant }, reference, customer: { phone: '+919812345678' }, amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes });
      if (!made.ok) throw new Error(made.detail);
      return made.request;
    };
    const [first, second, third] = [await make('A'), await make('B'), await make('C')];
    const soonGone = await make('D', 1);
    const declined = await make('E');
    await decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: declined.id });
    // Another customer's request, stored directly: never listed for this one.
    requests.rows.set('f9f9f9f9-f9f9-4f9f-8f9f-f9f9f9f9f9f9', { ...first, id: 'f9f9f9f9-f9f9-4f9f-8f9f-f9f9f9f9f9f9', reference: 'Z', payerUserId: OTHER_CUSTOMER_ID });
    // D's expiry passes; the poller has not run: it is left out all the same.
    clock.current = new Date(soonGone.expiresAt.getTime());

    const page1 = await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor: null, limit: 2 });
    if (!page1.ok) throw new Error(page1.detail);
    expect(page1.items.map((item) => item.request.id)).toEqual([third.id, second.id]);
    expect(page1.items[0].merchant).toMatchObject({ id: merchant.id, displayName: 'Chai Point' });
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor: page1.nextCursor, limit: 2 });
    expect(page2).toMatchObject({ ok: true, nextCursor: null });
    expect(page2.ok && page2.items.map((item) => item.request.id)).toEqual([first.id]);
  });

  it("lists merchants' requests and people's together, each with who asks", async () => {
    const { create, listPending, clock, merchant } = collectHarness({ profile: p2pCollectProfile() });
    const fromMerchant = await create.execute({ requester: { kind: 'merchant', merchant }, reference: 'A', customer: { phone: '+919812345678' }, amount: { value: '5.00', currency: 'INR' }, note: null, expiresInMinutes: 30 });
    clock.current = new Date(clock.now().getTime() + 1_000);
    const fromPerson = await create.execute({
      requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
      reference: 'A',
      customer: { phone: '+919812345678' },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '7.00', currency: 'INR' },
      note: 'tea',
      expiresInMinutes: 30,
    });
    if (!fromMerchant.ok || !fromPerson.ok) throw new Error('not made');
    const page = await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor: null, limit: 20 });
    if (!page.ok) throw new Error(page.detail);
    expect(page.items).toEqual([
      { request: fromPerson.request, merchant: null },
      { request: fromMerchant.request, merchant },
    ]);
    expect(page.items[0].request.payToAddress).toBe(SAMPLE_PAY_TO_ADDRESS);
    // The requester is not asked to pay their own request.
    expect(await listPending.execute({ payerUserId: SAMPLE_REQUESTER_ID, cursor: null, limit: 20 })).toMatchObject({ ok: true, items: [] });
  });

  it('refuses a cursor it did not make', async () => {
    const { listPending } = collectHarness();
    expect(await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor: 'not-a-cursor', limit: 20 })).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
  });
});
