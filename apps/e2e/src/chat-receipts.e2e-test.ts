import { eventually } from '@kirim/testing';
import { Api, Party } from './support/api';
import { chatSimulatorUrl } from './support/config';
import { asOperator } from './support/operator';
import { freshParty, notificationsFor } from './support/parties';

/*
 * Chat receipts end to end (issue 8): notifications pushes each receipt to the messaging platform's
 * webhook, here the stack's chat simulator (tools/chat-simulator), a real HTTP server that keeps a
 * receipt only when its Standard Webhooks signature verifies with the platform's secret and its
 * body meets the contract, once per webhook-id. The local stack retries quickly (scripts/stack.sh:
 * 4 attempts, 200 ms to 1 s apart), so an outage and its dead deliveries play out in seconds.
 */

interface ChatThreadItem {
  readonly webhookId: string;
  readonly accepted: number;
  readonly receipt: { readonly userId: string; readonly notificationId: string; readonly kind: string; readonly paymentId: string; readonly locale: string; readonly title: string; readonly body: string };
}

interface DeliveryView {
  readonly deliveryId: string;
  readonly notificationId: string;
  readonly recipientUserId: string;
  readonly status: string;
  readonly attempts: number;
}

async function chatThread(userId: string, paymentId: string): Promise<ChatThreadItem[]> {
  const response = await fetch(`${chatSimulatorUrl()}/v1/users/${userId}/receipts`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: ChatThreadItem[] }).items.filter((item) => item.receipt.paymentId === paymentId);
}

async function setChatFaults(status: number, count: number): Promise<void> {
  const response = await fetch(`${chatSimulatorUrl()}/v1/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, count }) });
  expect(response.status).toBe(200);
}

describe('chat receipts through the messaging platform webhook (e2e, running stack)', () => {
  const api = new Api();
  let payer: Party;
  let payee: Party;

  beforeEach(async () => {
    payer = await freshParty(api, 'chat payer', 'SBXA', '1000.00');
    payee = await freshParty(api, 'chat payee', 'SBXB', '0.00');
  });

  afterEach(async () => {
    await setChatFaults(503, 0);
  });

  it('gives the payer and the payee one signed receipt each in their chat thread, the one their inbox shows', async () => {
    const { paymentId, txnId } = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '250.00' });
    expect((await api.waitUntilFinal(payer, paymentId)).status).toBe('completed');

    for (const [party, kind] of [
      [payer, 'payment.sent'],
      [payee, 'payment.received'],
    ] as const) {
      await eventually(async () => expect(await chatThread(party.userId, paymentId)).toHaveLength(1));
      const [delivered] = await chatThread(party.userId, paymentId);
      const [inInbox] = await notificationsFor(api, party, paymentId);
      expect(delivered.receipt).toMatchObject({ userId: party.userId, kind, notificationId: inInbox.notificationId, title: inInbox.title, body: inInbox.body });
      expect(delivered.receipt.body).toContain(txnId);
      expect(delivered.receipt.body).toContain('₹250.00');
      // The inbox says where it went.
      await eventually(async () => {
        const [notification] = await notificationsFor(api, party, paymentId);
        expect(notification.deliveries).toEqual([expect.objectContaining({ channel: 'chat', status: 'delivered' })]);
      });
    }
    // Nobody else's thread got it.
    expect(await chatThread(payer.userId, paymentId).then((items) => items.map((item) => item.receipt.userId))).toEqual([payer.userId]);
  });

  it('retries a failing platform, gives up after the last attempt, and delivers once when an operator replays', async () => {
    await setChatFaults(503, 1000);
    const { paymentId } = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '10.00' });
    expect((await api.waitUntilFinal(payer, paymentId)).status).toBe('completed');
    await eventually(async () => expect(await notificationsFor(api, payer, paymentId)).toHaveLength(1));
    const [receipt] = await notificationsFor(api, payer, paymentId);

    // Every attempt refused: the delivery dies (its attempts used up) and is listed for an operator.
    let dead: DeliveryView | undefined;
    await eventually(
      async () => {
        const page = await asOperator<{ deliveries: DeliveryView[] }>(api, 'GET', '/deliveries?status=dead&limit=200', undefined, 'notifications');
        expect(page.status).toBe(200);
        dead = page.body.deliveries.find((delivery) => delivery.notificationId === receipt.notificationId);
        expect(dead).toMatchObject({ recipientUserId: payer.userId, status: 'dead', attempts: 4 });
      },
      { timeoutMs: 30_000 },
    );
    expect(await chatThread(payer.userId, paymentId)).toEqual([]);
    const [inInbox] = await notificationsFor(api, payer, paymentId);
    expect(inInbox.deliveries).toEqual([expect.objectContaining({ channel: 'chat', status: 'dead', attempts: 4 })]);

    // The platform is back; the operator replays it; the thread gets it once.
    await setChatFaults(503, 0);
    const deliveryId = (dead as DeliveryView).deliveryId;
    const replayed = await asOperator(api, 'POST', `/deliveries/${deliveryId}/replay`, undefined, 'notifications');
    expect(replayed.status).toBe(200);
    await eventually(async () => expect(await chatThread(payer.userId, paymentId)).toEqual([expect.objectContaining({ webhookId: deliveryId, accepted: 1 })]));
    // A delivery no longer dead cannot be replayed again.
    expect((await asOperator(api, 'POST', `/deliveries/${deliveryId}/replay`, undefined, 'notifications')).status).toBe(409);
  });
});
