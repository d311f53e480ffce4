import { PROBLEM_CODES } from '@kirim/contracts';
import { collectHarness } from '../../testing/collect-fakes';
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

  it('refuses a cursor it did not make', async () => {
    const { listPending } = collectHarness();
    expect(await listPending.execute({ payerUserId: SAMPLE_CUSTOMER_ID, cursor: 'not-a-cursor', limit: 20 })).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
  });
});
