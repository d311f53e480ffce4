import { randomUUID } from 'node:crypto';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, NotificationView, Party } from './support/api';
import { chatSimulatorUrl } from './support/config';
import { onboardMerchant, TestMerchant } from './support/merchants';
import { freshParty } from './support/parties';

/*
 * Receipts of collect requests (issue 8, docs/notifications.md "Who is told what"): payments
 * announces a request made, declined or expired; notifications tells the customer of a request
 * waiting for them, in their inbox and in their chat thread, and the merchant's owner of a request
 * declined. Through the edge, against the running stack.
 */

interface ChatThreadItem {
  readonly receipt: { readonly userId: string; readonly kind: string; readonly notificationId: string; readonly collectRequestId?: string; readonly body: string };
}

async function chatThread(userId: string): Promise<ChatThreadItem[]> {
  const response = await fetch(`${chatSimulatorUrl()}/v1/users/${userId}/receipts`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: ChatThreadItem[] }).items;
}

describe('collect request receipts (e2e, running stack)', () => {
  const api = new Api();
  let owner: Party;
  let customer: Party;
  let merchant: TestMerchant;

  beforeAll(async () => {
    owner = await freshParty(api, 'collect shop owner', 'SBXB', '0.00');
    customer = await freshParty(api, 'collect receipts customer', 'SBXA', '500.00');
    merchant = await onboardMerchant(api, owner, 'E2E Collect Cafe', 'ask');
  });

  async function receiptsAbout(party: Party, collectRequestId: string): Promise<NotificationView[]> {
    return (await api.notifications(party)).filter((notification) => notification.collectRequestId === collectRequestId);
  }

  it("tells the customer of a request waiting for them (inbox and chat), and the owner when it is declined", async () => {
    const reference = `ask-${randomUUID()}`;
    const { collectRequestId } = expectStatus<{ collectRequestId: string }>(
      await api.request('POST', '/v1/collect-requests', {
        headers: { authorization: `Bearer ${merchant.apiKey}` },
        body: { reference, customer: { phone: customer.phone }, amount: { value: '75.00', currency: 'INR' }, note: 'Table 9' },
      }),
      201,
    ).body;

    await eventually(async () => expect((await receiptsAbout(customer, collectRequestId)).map((n) => n.kind)).toEqual(['collect.requested']));
    const [waiting] = await receiptsAbout(customer, collectRequestId);
    expect(waiting).toMatchObject({ paymentId: null, title: 'Payment request' });
    expect(waiting.body).toContain('E2E Collect Cafe asks you to pay ₹75.00');
    expect(waiting.body).toContain(`Merchant reference: ${reference}`);
    // The same receipt in the customer's chat thread, signed and verified by the platform.
    await eventually(async () => {
      const [pushed] = (await chatThread(customer.userId)).filter((item) => item.receipt.collectRequestId === collectRequestId);
      expect(pushed?.receipt).toMatchObject({ kind: 'collect.requested', notificationId: waiting.notificationId, body: waiting.body });
    });

    expectStatus(await api.request('POST', `/v1/collect-requests/${collectRequestId}/decline`, { token: customer.accessToken }), 200);
    await eventually(async () => expect((await receiptsAbout(owner, collectRequestId)).map((n) => n.kind)).toEqual(['collect.declined']));
    // The customer, who declined it themselves, is not told again.
    expect((await receiptsAbout(customer, collectRequestId)).map((n) => n.kind)).toEqual(['collect.requested']);
  });
});
